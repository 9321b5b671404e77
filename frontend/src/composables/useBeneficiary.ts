// Who a need helps, in the reader's language. The API's `summary` is Chinese ("墩背村委会 ·
// 5口之家 · 因学、缺资金"), which Chinese pages show as it is; other languages say it from its
// parts: the village (a proper name), the household's size or the village collective, and the
// poverty causes.
import { useI18n } from 'vue-i18n'
import type { Schemas } from '@/api/client'

type Beneficiary = Schemas['PublicBeneficiary']
type Need = { beneficiary: Beneficiary; region_names?: string[] }

export function useBeneficiary() {
  const { t, locale } = useI18n()
  /** "Dunbei Village Committee · Household of 5 · poor through schooling costs and lack of capital" under en. */
  function beneficiaryText(need: Need): string {
    const b = need.beneficiary
    if (locale.value === 'zh-CN') return b.summary
    const parts: string[] = []
    const village = need.region_names?.[need.region_names.length - 1]
    if (village) parts.push(village)
    if (b.kind === 'village') parts.push(t('domain.beneficiaryCard.village'))
    else if (b.household_size) parts.push(t('domain.beneficiaryCard.household', { n: b.household_size }, b.household_size))
    else parts.push(t('domain.beneficiary.household'))
    if (b.poverty_causes.length > 0) {
      const causes = new Intl.ListFormat(locale.value, { type: 'conjunction' }).format(b.poverty_causes.map((c) => t(`domain.causeShort.${c}`)))
      parts.push(t('domain.beneficiaryCard.causes', { causes }))
    }
    return parts.join(' · ')
  }
  return { beneficiaryText }
}
