// Products and orders as the API answers them (codes as they travel: `honey`, `jin`…).
export function publicProduct(overrides: Record<string, unknown> = {}) {
  return {
    id: 7,
    name: '平远百花蜜',
    description: '墩背村蜂农放养中华蜂，采百花酿成的土蜂蜜，每瓶一斤。',
    category: 'honey',
    unit: 'jin',
    unit_price_fen: 5800,
    min_order: 2,
    stock: 120,
    season_from: null,
    season_to: null,
    few_households: false,
    households_supported: 12,
    status: 'listed',
    certified: true,
    certification: { certificate_no: '平扶产认〔2026〕12号', certified_at: '2026-11-01T02:00:00Z', certified_until: '2027-10-31' },
    available: true,
    seller_id: 9,
    seller_name: '墩背村百花蜜专业合作社',
    origin: { code: '441426100200', name: '平远县 大柘镇 墩背村' },
    photos: ['/api/v1/photos/0123456789abcdef0123456789abcdef'],
    listed_at: '2026-11-01T01:00:00Z',
    updated_at: '2026-11-01T02:00:00Z',
    ...overrides,
  }
}

export function productDetail(overrides: Record<string, unknown> = {}, manage: unknown = null) {
  return {
    product: publicProduct(overrides),
    timeline: [
      { kind: 'created', label: '创建产品', at: '2026-10-30T01:00:00Z', note: null },
      { kind: 'listed', label: '上架', at: '2026-11-01T01:00:00Z', note: null },
      { kind: 'certified', label: '认定为扶贫产品', at: '2026-11-01T02:00:00Z', note: '平扶产认〔2026〕12号' },
    ],
    manage,
  }
}

export function productDocument(overrides: Record<string, unknown> = {}) {
  return {
    id: 7,
    name: '平远百花蜜',
    description: '墩背村蜂农放养中华蜂。',
    category: 'honey',
    category_label: '蜂蜜',
    unit: 'jin',
    unit_price_fen: 5800,
    stock: 120,
    available: true,
    certified: true,
    households_supported: null,
    few_households: true,
    seller_id: 9,
    seller_name: '墩背村百花蜜专业合作社',
    origin_code: '441426100200',
    origin_name: '平远县 大柘镇 墩背村',
    status: 'listed',
    fingerprint: 'x',
    region_codes: ['44', '4414', '441426', '441426100', '441426100200'],
    photo: '/api/v1/photos/0123456789abcdef0123456789abcdef',
    listed_ts: 1_790_000_000,
    ...overrides,
  }
}

export function order(overrides: Record<string, unknown> = {}) {
  return {
    id: 31,
    product_id: 7,
    product_name: '平远百花蜜',
    unit: 'jin',
    seller_id: 9,
    seller_name: '墩背村百花蜜专业合作社',
    village_code: '441426100200',
    buyer_name: '梅州客都农业发展有限公司',
    buyer_org_id: 1,
    quantity: 10,
    unit_price_fen: 5800,
    value_fen: 58_000,
    certified: true,
    status: 'ordered',
    delivery: { recipient_name: '刘主任', recipient_phone: '13800138000', address: '广州市天河区体育西路 100 号' },
    note: null,
    carrier: null,
    tracking_ref: null,
    received_quantity: null,
    payment_ref: null,
    decline_reason: null,
    confirm_by: '2026-12-10T02:00:00Z',
    ordered_at: '2026-12-07T02:00:00Z',
    updated_at: '2026-12-07T02:00:00Z',
    sides: ['seller'],
    actions: ['confirm', 'decline'],
    timeline: [{ kind: 'placed', label: '下单', actor: 'buyer', at: '2026-12-07T02:00:00Z', note: null }],
    photos: [],
    ...overrides,
  }
}

export const buyer = {
  id: 3,
  display_name: '客都农业社会责任部',
  locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 1, role: 'org_admin', organisation_id: 1, pairing_id: null, region_code: null }],
}
