// What the pages read off an offer, in one place: the kinds and the units each is counted in,
// who may offer what, whether an offer takes requests, its last valid day, its pay range, where
// it may go; and a match's reasons (coded facts from the API) in the reader's language.
import type { Schemas } from '@/api/client'
import { formatYuan } from '@/utils/format'

export type PublicOffer = Schemas['PublicOffer']
export type OfferDetail = Schemas['OfferDetail']
export type OfferKind = Schemas['OfferKind']
export type OfferStatus = Schemas['OfferStatus']
export type Destination = Schemas['Destination']
export type Unit = Schemas['Unit']
export type Category = Schemas['Category']
/** One reason of a match, as the API codes it (`{code: 'near', level: 'county'}`). */
export type Reason = Schemas['OfferSuggestion']['reasons'][number]

export const OFFER_KINDS: readonly OfferKind[] = ['goods', 'money', 'jobs', 'services', 'purchasing']
export const OFFER_STATUSES: readonly OfferStatus[] = ['draft', 'published', 'paused', 'exhausted', 'expired', 'withdrawn']
export const DESTINATIONS: readonly Destination[] = ['pairings', 'regions', 'anywhere']

/** The units an offer of each kind is counted in (the API's rule), the first one the default. */
export const UNITS_OF_KIND: Record<OfferKind, readonly Unit[]> = {
  goods: ['item', 'set', 'kg'],
  money: ['money'],
  purchasing: ['money'],
  jobs: ['position'],
  services: ['person_time'],
}

/** A purchasing budget buys a village's produce: it is 消费帮扶, nothing else. */
export const CATEGORY_OF_KIND: Partial<Record<OfferKind, Category>> = { purchasing: 'consumption' }

/** A person (not an organisation) offers goods or money only. */
export function openToIndividuals(kind: OfferKind): boolean {
  return kind === 'goods' || kind === 'money'
}

/** The destinations open to an organisation's offer, or to a person's (no pairings). */
export function destinationsFor(asOrganisation: boolean): readonly Destination[] {
  return asOrganisation ? DESTINATIONS : DESTINATIONS.filter((d) => d !== 'pairings')
}

/** Whether an offer is live and has something left (villages may ask for it). */
export function takesRequests(offer: Pick<PublicOffer, 'status' | 'remaining'>): boolean {
  return offer.status === 'published' && offer.remaining > 0
}

const TIME_ZONE = 'Asia/Shanghai'

/**
 * The last day an offer is valid, as `YYYY-MM-DD` in Beijing. The API gives the instant it
 * lapses, the end of that day (00:00 of the next): the day is the one just before it.
 */
export function lastValidDay(validUntil: string): string {
  return new Date(new Date(validUntil).getTime() - 1000).toLocaleDateString('en-CA', { timeZone: TIME_ZONE })
}

/** `¥4,000–¥6,000`, `¥4,000` (one figure, or the same twice), or null without a figure. */
export function payRange(minFen: number | null | undefined, maxFen: number | null | undefined, locale = 'zh-CN'): string | null {
  const min = minFen ?? null
  const max = maxFen ?? null
  if (min === null && max === null) return null
  if (min === null || max === null || min === max) return formatYuan((min ?? max) as number, locale)
  return `${formatYuan(min, locale)}–${formatYuan(max, locale)}`
}

/** What vue-i18n's `t` and `te` are to the functions below. */
export interface Translate {
  t: (key: string, named?: Record<string, unknown>) => string
  te: (key: string) => boolean
}

/** One reason in words (结对帮扶（万企帮万村）, 同县, 可满足 80%), or null for one this app cannot say. */
export function reasonText(reason: Reason, { t, te }: Translate): string | null {
  const known = (key: string, named?: Record<string, unknown>) => (te(key) ? t(key, named) : null)
  switch (reason.code) {
    case 'paired': {
      const program = known(`domain.program.${reason.program}`)
      return program ? t('offers.reason.paired', { program }) : t('offers.reason.pairedAny')
    }
    case 'near':
      return known(`offers.reason.near.${reason.level}`)
    case 'anywhere':
      return t('offers.reason.anywhere')
    case 'urgency':
      return known(`domain.urgency.${reason.urgency}`)
    case 'deadline':
      if (reason.days <= 0) return t('offers.reason.deadlineToday')
      return reason.days === 1 ? t('offers.reason.deadlineOne') : t('offers.reason.deadline', { n: reason.days })
    case 'covers':
      return t('offers.reason.covers', { percent: reason.percent })
    default:
      return null
  }
}

/** A match's reasons in the order the API weighs them, joined: “结对帮扶（万企帮万村） · 紧急 · 同村”. */
export function reasonsText(reasons: readonly Reason[], translate: Translate): string {
  return reasons
    .map((r) => reasonText(r, translate))
    .filter((text): text is string => Boolean(text))
    .join(' · ')
}

export type MatchProblem = 'invalid' | 'tooSmall' | 'tooLarge'

/**
 * What is wrong with a quantity of a need (in its unit) to come from an offer, by the API's
 * rule: at least 1 and at most what the offer can cover of it now, and not under the need's
 * smallest pledge unless it is exactly what the need has left.
 */
export function matchProblem(
  quantity: number | null,
  need: Pick<Schemas['PublicNeed'], 'remaining_quantity' | 'min_pledge_quantity'>,
  coverable: number,
): MatchProblem | null {
  if (quantity === null || !Number.isSafeInteger(quantity) || quantity < 1) return 'invalid'
  if (quantity > coverable) return 'tooLarge'
  if (quantity < need.min_pledge_quantity && quantity !== need.remaining_quantity) return 'tooSmall'
  return null
}
