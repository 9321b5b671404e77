// The offer editor's form and what it sends. Money (a money or purchasing offer's quantity, a
// job's pay) is typed in yuan and sent in fen; dates are Beijing days. The kind decides the
// unit, a purchasing budget's category, and which terms apply: a job's place, pay and
// requirements only for jobs, a delivery day only for goods; regions only when the offer names
// them. An edit sends every field again (the API's PUT), the kind, unit and offerer staying.
import type { Schemas } from '@/api/client'
import {
  CATEGORY_OF_KIND,
  UNITS_OF_KIND,
  lastValidDay,
  openToIndividuals,
  type Category,
  type Destination,
  type OfferDetail,
  type OfferKind,
  type Unit,
} from '@/components/offer'
import { fenToYuan, yuanToFen } from '@/utils/format'

export type NewOffer = Schemas['NewOffer']
export type OfferFields = Schemas['OfferFields']

/** The most of a count one offer holds (positions, items, sets, kg, person-times). */
export const MAX_COUNT = 1_000_000
/** The most one money or purchasing offer holds, in yuan: 1 亿元. */
export const MAX_MONEY_YUAN = 100_000_000
/** The highest monthly pay a job may state, in yuan (the API's 100,000,000 fen). */
export const MAX_PAY_YUAN = 1_000_000
/** How far ahead an offer may run, in days. */
export const MAX_VALID_DAYS = 366
const DEFAULT_VALID_DAYS = 90
/** The name the public sees for an anonymous offer (the API does not say otherwise whether one is). */
const ANONYMOUS_NAME = '爱心人士'

export interface OfferDraft {
  kind: OfferKind
  unit: Unit
  /** The organisation it is offered for; null: as oneself. */
  orgId: number | null
  category: Category | ''
  title: string
  description: string
  /** In the unit; in yuan for money. */
  quantity: number | null | undefined
  anonymous: boolean
  destination: Destination
  /** Region codes, for `destination: regions`. */
  regions: string[]
  /** `YYYY-MM-DD`, the last valid day. */
  valid_until: string
  /** `YYYY-MM-DD` or '' (goods only). */
  deliver_by: string
  job_place: string
  pay_min_yuan: number | null | undefined
  pay_max_yuan: number | null | undefined
  requirements: string
}

const TIME_ZONE = 'Asia/Shanghai'

/** The Beijing date `days` after `now`, as `YYYY-MM-DD`. */
export function beijingDay(now: Date, days = 0): string {
  return new Date(now.getTime() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: TIME_ZONE })
}

const filled = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n)
export const isMoneyUnit = (unit: Unit) => unit === 'money'

/** The most the quantity may be, in what is typed (yuan for money). */
export function maxQuantity(unit: Unit): number {
  return isMoneyUnit(unit) ? MAX_MONEY_YUAN : MAX_COUNT
}

/** The draft after choosing a kind (as an organisation or not): its unit, category and destination follow. */
export function withKind(draft: OfferDraft, kind: OfferKind): OfferDraft {
  const units = UNITS_OF_KIND[kind]
  const unit = units.includes(draft.unit) ? draft.unit : (units[0] as Unit)
  const required = CATEGORY_OF_KIND[kind]
  // Leaving purchasing frees its fixed category again.
  const category = required ?? (draft.kind === 'purchasing' && kind !== 'purchasing' ? '' : draft.category)
  const money = isMoneyUnit(unit) !== isMoneyUnit(draft.unit)
  return { ...draft, kind, unit, category, quantity: money ? undefined : draft.quantity }
}

/** The draft after choosing who offers: a person offers goods or money, to named regions or anywhere. */
export function withOfferer(draft: OfferDraft, orgId: number | null): OfferDraft {
  let next: OfferDraft = { ...draft, orgId }
  if (orgId === null) {
    if (!openToIndividuals(next.kind)) next = withKind(next, 'goods')
    if (next.destination === 'pairings') next.destination = 'anywhere'
  } else if (draft.orgId === null && draft.destination === 'anywhere' && draft.regions.length === 0) {
    // An organisation's default: where its pairings help.
    next.destination = 'pairings'
  }
  return next
}

export function draftOf(offer: OfferDetail | null, orgId: number | null = null, now = new Date()): OfferDraft {
  if (!offer) {
    return {
      kind: 'goods',
      unit: 'item',
      orgId,
      category: '',
      title: '',
      description: '',
      quantity: undefined,
      anonymous: false,
      destination: orgId === null ? 'anywhere' : 'pairings',
      regions: [],
      valid_until: beijingDay(now, DEFAULT_VALID_DAYS),
      deliver_by: '',
      job_place: '',
      pay_min_yuan: undefined,
      pay_max_yuan: undefined,
      requirements: '',
    }
  }
  const money = isMoneyUnit(offer.unit)
  return {
    kind: offer.kind,
    unit: offer.unit,
    orgId: offer.organisation_id ?? null,
    category: offer.category,
    title: offer.title,
    description: offer.description,
    quantity: money ? fenToYuan(offer.quantity) : offer.quantity,
    anonymous: offer.offered_by_name === ANONYMOUS_NAME,
    destination: offer.destination,
    // A pairings offer's regions are its pairings', not its own.
    regions: offer.destination === 'regions' ? offer.regions.map((r) => r.code) : [],
    valid_until: lastValidDay(offer.valid_until),
    deliver_by: offer.deliver_by ?? '',
    job_place: offer.job_place ?? '',
    pay_min_yuan: offer.pay_min_fen == null ? undefined : fenToYuan(offer.pay_min_fen),
    pay_max_yuan: offer.pay_max_fen == null ? undefined : fenToYuan(offer.pay_max_fen),
    requirements: offer.requirements ?? '',
  }
}

const text = (s: string) => s.trim() || null

/** The fields the API takes, in its units; the terms that do not apply to the kind left out. */
export function fieldsOf(d: OfferDraft): OfferFields {
  const jobs = d.kind === 'jobs'
  const quantity = filled(d.quantity) ? (isMoneyUnit(d.unit) ? yuanToFen(d.quantity) : Math.round(d.quantity)) : 0
  return {
    // The form requires a category before it sends (a purchasing offer has its own).
    category: (CATEGORY_OF_KIND[d.kind] ?? d.category) as Category,
    title: d.title.trim(),
    description: d.description.trim(),
    quantity,
    anonymous: d.anonymous,
    destination: d.destination,
    regions: d.destination === 'regions' ? [...new Set(d.regions)] : [],
    valid_until: d.valid_until,
    deliver_by: d.kind === 'goods' && d.deliver_by ? d.deliver_by : null,
    job_place: jobs ? text(d.job_place) : null,
    pay_min_fen: jobs && filled(d.pay_min_yuan) ? yuanToFen(d.pay_min_yuan) : null,
    pay_max_fen: jobs && filled(d.pay_max_yuan) ? yuanToFen(d.pay_max_yuan) : null,
    requirements: jobs ? text(d.requirements) : null,
  }
}

export function newOfferOf(d: OfferDraft): NewOffer {
  return { ...fieldsOf(d), kind: d.kind, unit: d.unit, org_id: d.orgId }
}
