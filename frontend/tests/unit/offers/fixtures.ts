// Offers as the API answers them (codes as they travel: `goods`, `set`, `pairings`…).
export function publicOffer(overrides: Record<string, unknown> = {}) {
  return {
    id: 5,
    kind: 'goods',
    kind_label: '物资',
    category: 'education',
    category_label: '教育助学',
    title: '全新课桌椅 20 套',
    description: '客都农业捐赠全新课桌椅，可送到结对村小学。',
    unit: 'set',
    unit_label: '套',
    quantity: 20,
    remaining: 12,
    matched: 8,
    status: 'published',
    organisation_id: 1,
    offered_by_name: '梅州客都农业发展有限公司',
    destination: 'pairings',
    regions: [
      { code: '4414', name: '梅州市' },
      { code: '441426100200', name: '墩背村委会' },
      { code: '441426100201', name: '杞园村委会' },
      { code: '4418', name: '清远市' },
    ],
    // The end of 2027-03-01 in Beijing: its last valid day is the 1st.
    valid_until: '2027-03-01T16:00:00Z',
    job_place: null,
    pay_min_fen: null,
    pay_max_fen: null,
    requirements: null,
    deliver_by: '2027-01-15',
    published_at: '2026-12-01T02:00:00Z',
    updated_at: '2026-12-01T02:00:00Z',
    ...overrides,
  }
}

export function offerDetail(overrides: Record<string, unknown> = {}) {
  return {
    ...publicOffer(),
    timeline: [
      { kind: 'created', label: '创建帮扶资源', actor: 'offerer', need_id: null, quantity: null, at: '2026-12-01T01:00:00Z' },
      { kind: 'published', label: '发布', actor: 'offerer', need_id: null, quantity: null, at: '2026-12-01T02:00:00Z' },
      { kind: 'requested', label: '村里申请对接', actor: 'cadre', need_id: 1, quantity: 3, at: '2026-12-02T02:00:00Z' },
    ],
    ...overrides,
  }
}

export function offerRequest(overrides: Record<string, unknown> = {}) {
  return {
    id: 31,
    offer_id: 5,
    offer_title: '全新课桌椅 20 套',
    need_id: 1,
    need_title: '墩背村小学课桌椅',
    quantity: 3,
    unit: 'set',
    note: '一年级教室最缺',
    status: 'pending',
    decline_reason: null,
    pledge_id: null,
    expires_at: '2026-12-16T02:00:00Z',
    created_at: '2026-12-02T02:00:00Z',
    decided_at: null,
    ...overrides,
  }
}
