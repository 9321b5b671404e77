// What the public pages read off a need, in one place.
import { useI18n } from 'vue-i18n'
import type { Schemas } from '@/api/client'
import { formatQuantity } from '@/utils/format'

export type PublicNeed = Schemas['PublicNeed']

/** Whether a need takes pledges now: published, with something still to give. */
export function takesPledges(need: Pick<PublicNeed, 'status' | 'remaining_quantity'>): boolean {
  return need.status === 'published' && need.remaining_quantity > 0
}

/** Whether the public may still object to a need (during its notice, or while one is heard). */
export function takesObjections(need: Pick<PublicNeed, 'status'>): boolean {
  return need.status === 'in_notice' || need.status === 'suspended'
}

export function isMoney(need: Pick<PublicNeed, 'unit'>): boolean {
  return need.unit === 'money'
}

/**
 * Where a need is, from the city to the town: the province is implied by the city, and the
 * village leads the beneficiary's summary already.
 */
export function placeName(need: Pick<PublicNeed, 'region_names'>, separator = ' · '): string {
  return need.region_names.slice(1, -1).join(separator)
}

/** Whether the need is still on its way to being pledged (public, not ended). */
export function isUnderway(need: Pick<PublicNeed, 'status'>): boolean {
  return need.status === 'published' || takesObjections(need)
}

/**
 * Quantities of a need in its unit, in the reader's language (the API labels units in
 * Chinese only: `个岗位`).
 */
export function useQuantities() {
  const { t, te, locale } = useI18n()
  const unitLabel = (need: Pick<PublicNeed, 'unit' | 'unit_label'>): string => {
    const key = `domain.unit.${need.unit}`
    return te(key) ? t(key) : need.unit_label
  }
  const quantity = (amount: number, need: Pick<PublicNeed, 'unit' | 'unit_label'>): string =>
    formatQuantity(amount, need.unit, unitLabel(need), locale.value)
  return { unitLabel, quantity }
}
