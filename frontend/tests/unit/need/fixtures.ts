// Needs as the API answers them (codes as they travel: `published`, `money`…).
export function publicNeed(overrides: Record<string, unknown> = {}) {
  return {
    id: 8,
    title: '杞园村沙田柚消费帮扶',
    description: '杞园村沙田柚今年丰收，约五千公斤待销。',
    category: 'consumption',
    category_label: '消费帮扶',
    status: 'published',
    unit: 'kg',
    unit_label: '公斤',
    pledge_kind: 'goods',
    target_quantity: 5000,
    pledged_quantity: 1000,
    received_quantity: 1000,
    remaining_quantity: 4000,
    min_pledge_quantity: 10,
    unit_value_fen: 800,
    target_value_fen: 4_000_000,
    remaining_value_fen: 3_200_000,
    progress_percent: 20,
    urgency: 'urgent',
    deadline: '2099-12-24T00:00:00Z',
    beneficiary: { kind: 'village', household_size: null, poverty_causes: [], summary: '杞园村委会 · 村集体' },
    region_codes: ['44', '4414', '441426', '441426100', '441426100201'],
    region_names: ['广东省', '梅州市', '平远县', '大柘镇', '杞园村委会'],
    notice_ends_at: '2026-11-27T23:00:00Z',
    published_at: '2026-11-27T23:00:00Z',
    created_at: '2026-11-23T01:00:00Z',
    updated_at: '2026-11-28T10:00:00Z',
    version: 5,
    ...overrides,
  }
}

export function moneyNeed(overrides: Record<string, unknown> = {}) {
  return publicNeed({
    id: 4,
    title: '两名学生本学年学费',
    category: 'education',
    unit: 'money',
    unit_label: '元',
    pledge_kind: 'money',
    target_quantity: 600_000,
    pledged_quantity: 0,
    received_quantity: 0,
    remaining_quantity: 600_000,
    min_pledge_quantity: 1,
    unit_value_fen: 1,
    target_value_fen: 600_000,
    remaining_value_fen: 600_000,
    progress_percent: 0,
    beneficiary: {
      kind: 'household', household_size: 5, poverty_causes: ['education_cost', 'lack_capital'], summary: '墩背村委会 · 5口之家 · 因学、缺资金',
    },
    ...overrides,
  })
}

export function needDetail(overrides: Record<string, unknown> = {}) {
  return {
    ...publicNeed(),
    timeline: [
      { kind: 'created', label: '录入需求', actor: 'cadre', actor_label: null, pledge_id: null, at: '2026-11-23T01:00:00Z' },
      { kind: 'pledged', label: '认捐', actor: 'donor', actor_label: '爱心人士', pledge_id: 3, at: '2026-11-29T04:00:00Z' },
    ],
    photos: [{ id: '0000000000000000000000000000000b', url: '/api/v1/photos/0000000000000000000000000000000b', width: 640, height: 480, public: true }],
    review: null,
    ...overrides,
  }
}

export function searchHit(overrides: Record<string, unknown> = {}) {
  return {
    ...publicNeed(),
    beneficiary_kind: 'village',
    poverty_causes: [],
    poverty_cause_labels: [],
    urgency_rank: 1,
    deadline_ts: 4_000_000_000,
    listed_ts: 1_796_079_634,
    fingerprint: 'f',
    highlights: {},
    ...overrides,
  }
}

export const me = {
  id: 7,
  display_name: '爱心市民王女士',
  email: 'donor@demo.duijie.cn',
  locale: 'zh-CN',
  confirmed: true,
  roles: [] as { id: number; role: string; organisation_id?: number | null }[],
}
