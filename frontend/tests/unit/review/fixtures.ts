// Needs and objections as the API answers a verifier (codes as they travel: `submitted`…).
export function queuedNeed(overrides: Record<string, unknown> = {}) {
  return {
    id: 10,
    title: '村民电商直播培训',
    description: '组织村民学习电商直播和网店运营，帮助销售本地农产品。',
    category: 'employment',
    category_label: '就业技能',
    status: 'submitted',
    unit: 'person_time',
    unit_label: '人次',
    pledge_kind: 'services',
    target_quantity: 30,
    pledged_quantity: 0,
    received_quantity: 0,
    remaining_quantity: 30,
    min_pledge_quantity: 1,
    unit_value_fen: 50_000,
    target_value_fen: 1_500_000,
    remaining_value_fen: 1_500_000,
    progress_percent: 0,
    urgency: 'normal',
    deadline: '2099-01-30T00:00:00Z',
    beneficiary: { kind: 'village', household_size: null, poverty_causes: [], summary: '杞园村委会 · 村集体' },
    region_codes: ['44', '4414', '441426', '441426100', '441426100201'],
    region_names: ['广东省', '梅州市', '平远县', '大柘镇', '杞园村委会'],
    notice_ends_at: null,
    published_at: null,
    created_at: '2026-12-01T01:00:00Z',
    updated_at: '2026-12-01T03:00:00Z',
    version: 2,
    ...overrides,
  }
}

export function review(overrides: Record<string, unknown> = {}) {
  return {
    household_id: null,
    requires_second_verification: false,
    verified_at: null,
    second_verified_at: null,
    rejection_reason: null,
    open_objections: 0,
    allowed_actions: ['verify', 'reject'],
    ...overrides,
  }
}

export function reviewedNeed(overrides: Record<string, unknown> = {}, reviewOverrides: Record<string, unknown> = {}) {
  return {
    ...queuedNeed(),
    timeline: [
      { kind: 'created', label: '录入需求', actor: 'cadre', actor_label: null, pledge_id: null, at: '2026-12-01T01:00:00Z' },
      { kind: 'submitted', label: '提交审核', actor: 'cadre', actor_label: null, pledge_id: null, at: '2026-12-01T03:00:00Z' },
    ],
    photos: [{ id: '00000000000000000000000000000003', url: '/api/v1/photos/00000000000000000000000000000003', width: 800, height: 600, public: true }],
    review: review(reviewOverrides),
    ...overrides,
  }
}

export function household(overrides: Record<string, unknown> = {}) {
  return {
    id: 2,
    village_code: '441426100200',
    members_count: 5,
    poverty_causes: ['education_cost', 'lack_capital'],
    register_status: 'registered',
    head_name_masked: '黄**',
    id_card_masked: '4414**********2015',
    phone_masked: '139****2222',
    incomes: [
      { year: 2024, per_capita_income_fen: 520_000 },
      { year: 2025, per_capita_income_fen: 610_000 },
    ],
    status_history: [],
    ...overrides,
  }
}

export function objection(overrides: Record<string, unknown> = {}) {
  return {
    id: 1,
    need_id: 5,
    reason: '听说村里去年已经发过一批棉被，请核实是否重复申请。',
    contact: '138 0000 0000',
    signed_in: false,
    status: 'open',
    resolution_note: null,
    created_at: '2026-11-30T04:00:00Z',
    resolved_at: null,
    ...overrides,
  }
}

export const page = (items: unknown[], total = items.length) => ({ items, total, page: 1, per_page: 20 })
