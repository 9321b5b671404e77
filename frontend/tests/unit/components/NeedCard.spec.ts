import { describe, expect, it } from 'vitest'
import NeedCard from '@/components/NeedCard.vue'
import { mountWithApp } from '../mount'
import { moneyNeed, publicNeed } from '../need/fixtures'

const household = {
  kind: 'household',
  household_size: 5,
  poverty_causes: ['education_cost', 'lack_capital'],
  summary: '墩背村委会 · 5口之家 · 因学、缺资金',
}

async function card(need: Record<string, unknown>, locale: 'zh-CN' | 'en') {
  const { wrapper } = await mountWithApp(NeedCard, { props: { need: need as never }, locale })
  return wrapper.text()
}

describe('a need card', () => {
  it('says who the need helps in English, from the parts of the Chinese summary', async () => {
    const need = publicNeed({ beneficiary: household, region_names: ['广东省', '梅州市', '平远县', '大柘镇', '墩背村委会'] })
    const en = await card(need, 'en')
    expect(en).toContain('墩背村委会 · Household of 5 · poor through schooling costs and lack of capital')
    expect(en).not.toContain('口之家')
    expect(await card(need, 'zh-CN')).toContain('墩背村委会 · 5口之家 · 因学、缺资金')
    const village = publicNeed({ beneficiary: { kind: 'village', household_size: null, poverty_causes: [], summary: '杞园村委会 · 村集体' } })
    expect(await card(village, 'en')).toContain('杞园村委会 · Village collective')
  })

  it('counts units in English with their plural, and money per locale', async () => {
    const one = await card(publicNeed({ unit: 'set', unit_label: '套', remaining_quantity: 1 }), 'en')
    expect(one).toContain('1 set')
    expect(one).not.toContain('1 sets')
    expect(await card(publicNeed({ unit: 'set', unit_label: '套', remaining_quantity: 5 }), 'en')).toContain('5 sets')
    expect(await card(publicNeed({ unit: 'set', unit_label: '套', remaining_quantity: 5 }), 'zh-CN')).toContain('5 套')
    expect(await card(publicNeed({ remaining_quantity: 4000 }), 'en')).toContain('4,000 kg')
    expect(await card(moneyNeed({ remaining_quantity: 123_456_78 }), 'en')).toContain('¥123,456.78')
  })
})
