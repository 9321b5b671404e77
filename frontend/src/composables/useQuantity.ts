// A quantity in its unit, in the reader's language: `¥1,200` for money (kept in fen), `12 件` /
// `1 item` / `12 items` otherwise. The one way the app labels quantities (the formatting itself is
// `formatQuantity`). A unit is given by its code, or by a need, whose own `unit_label` (the API
// labels units in Chinese only: `个岗位`) is used when the interface has no word for its unit.
import { useI18n } from 'vue-i18n'
import type { Schemas } from '@/api/client'
import { formatQuantity } from '@/utils/format'

export type UnitOf = string | Pick<Schemas['PublicNeed'], 'unit' | 'unit_label'>

export function useQuantity() {
  const { t, te, locale } = useI18n()
  const unitLabel = (of: UnitOf): string => {
    const unit = typeof of === 'string' ? of : of.unit
    const key = `domain.unit.${unit}`
    if (te(key) || typeof of === 'string') return t(key)
    return of.unit_label
  }
  /** `12 件`; in English plural-aware, `1 set` / `5 sets` (`domain.unitCount`). */
  const quantity = (amount: number, of: UnitOf): string => {
    const unit = typeof of === 'string' ? of : of.unit
    const counted = `domain.unitCount.${unit}`
    if (unit !== 'money' && te(counted)) return t(counted, { amount: amount.toLocaleString(locale.value) }, amount)
    return formatQuantity(amount, unit, unitLabel(of), locale.value)
  }
  return { quantity, unitLabel }
}
