// Answers of the API for the cadre workspace's tests.
import type { Schemas } from '@/api/client'

export const VILLAGE = '441426100200'

export const cadre = {
  id: 2,
  email: 'cadre@demo.duijie.cn',
  mobile: null,
  display_name: '陈村官',
  locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 2, role: 'cadre', region_code: VILLAGE, organisation_id: null, pairing_id: null }],
}

export const region = {
  region: { code: VILLAGE, name: '墩背村委会', level: 'village', leaf: true },
  path: [
    { code: '441426100', name: '大柘镇', level: 'town', leaf: false },
    { code: VILLAGE, name: '墩背村委会', level: 'village', leaf: true },
  ],
}

export function household(over: Partial<Schemas['HouseholdView']> = {}): Schemas['HouseholdView'] {
  return {
    id: 1,
    village_code: VILLAGE,
    members_count: 3,
    poverty_causes: ['illness'],
    register_status: 'registered',
    head_name_masked: '陈**',
    id_card_masked: '4414**********0040',
    phone_masked: '138****1111',
    unavailable: [],
    ...over,
  }
}

export function publicNeed(over: Partial<Schemas['PublicNeed']> = {}): Schemas['PublicNeed'] {
  return {
    id: 1, title: '墩背村小学课桌椅', description: '学校课桌椅老旧，需要更换五十套。', category: 'education', category_label: '教育助学',
    status: 'published', unit: 'set', unit_label: '套', pledge_kind: 'goods', target_quantity: 50, pledged_quantity: 12, received_quantity: 0,
    remaining_quantity: 38, min_pledge_quantity: 1, unit_value_fen: 30000, target_value_fen: 1500000, remaining_value_fen: 1140000,
    progress_percent: 24, urgency: 'normal', deadline: '2027-02-03T00:00:00Z',
    beneficiary: { kind: 'village', poverty_causes: [], summary: '墩背村委会 · 村集体' },
    region_codes: ['44', '4414', '441426', '441426100', VILLAGE], region_names: [], created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-12-01T00:00:00Z', version: 3,
    ...over,
  }
}

export function page(items: Schemas['PublicNeed'][]): Schemas['NeedPage'] {
  return { items, total: items.length, page: 1, per_page: 20 }
}
