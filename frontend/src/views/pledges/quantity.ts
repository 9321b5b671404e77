// A quantity in its unit, labelled in the interface's language: `¥1,200` for money (kept in fen),
// `12 件` / `12 items` otherwise.
import { useI18n } from 'vue-i18n'
import { formatQuantity } from '@/utils/format'

export function useQuantity() {
  const { t, locale } = useI18n()
  return (quantity: number, unit: string) => formatQuantity(quantity, unit, t(`domain.unit.${unit}`), locale.value)
}
