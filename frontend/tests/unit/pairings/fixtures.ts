// Pairings, figures and boards as the API answers them.
import type { Schemas } from '@/api/client'
import { publicNeed } from '../need/fixtures'

export const kedu = { id: 1, name: '梅州客都农业发展有限公司（演示）', kind: 'enterprise' as const }
export const guangzhou = { id: 2, name: '广州市对口帮扶梅州、清远工作办公室（演示）', kind: 'paired_city' as const }

export function pairing(overrides: Record<string, unknown> = {}): Schemas['PairingView'] {
  return {
    id: 1,
    program: 'duikou',
    program_label: '对口帮扶',
    name: '广州 → 梅州、清远 对口帮扶',
    helper_organisation: guangzhou,
    helper_region: { code: '4401', name: '广州市', level: 'city' },
    targets: [
      { code: '4414', name: '梅州市', level: 'city' },
      { code: '4418', name: '清远市', level: 'city' },
    ],
    members: [kedu],
    starts_on: '2016-01-01',
    ends_on: null,
    status: 'active',
    in_force: true,
    ...overrides,
  } as Schemas['PairingView']
}

export function figures(overrides: Record<string, unknown> = {}) {
  return {
    needs: { published: 6, fully_pledged: 2, fulfilled: 1, open: 3, fully_pledged_rate: 0.3333, fulfilled_rate: 0.1667, target_value_fen: 12_500_000, open_value_fen: 8_600_000 },
    pledges: { made: 6, pledged_value_fen: 1_900_000, delivered_value_fen: 880_000, overdue: 1 },
    households_reached: 1,
    villages_reached: 2,
    median_days_to_first_pledge: 1.21,
    median_days_to_fulfilment: null,
    consumption: { orders: 2, ordered_value_fen: 116_000, received_value_fen: 58_000, households_supported: null, uncertified_ordered_value_fen: 3_000 },
    series: [
      { month: '2026-10', needs_published: 1, pledged_value_fen: 0, delivered_value_fen: 0 },
      { month: '2026-11', needs_published: 5, pledged_value_fen: 1_900_000, delivered_value_fen: 880_000 },
    ],
    ...overrides,
  }
}

export const stats = () => ({ scope: { kind: 'pairing', id: 1, code: null, name: '广州 → 梅州、清远 对口帮扶' }, figures: figures(), as_of: '2026-12-02T01:00:00Z' })

/** A 消费帮扶 purchase as a board or a dashboard lists it. */
export function purchase(overrides: Record<string, unknown> = {}) {
  return {
    order_id: 31, product_id: 7, product_name: '平远百花蜜', seller_name: '墩背村百花蜜专业合作社', buyer_name: '梅州客都农业发展有限公司（演示）',
    buyer_org_id: 1, certified: true, quantity: 10, received_quantity: 10, unit: 'jin', value_fen: 58_000, status: 'received',
    ordered_at: '2026-12-01T02:00:00Z', village_code: '441426100200',
    ...overrides,
  }
}

export function board(overrides: Record<string, unknown> = {}) {
  return {
    pairing: pairing(),
    figures: figures(),
    gaps: [publicNeed()],
    gaps_total: 1,
    gaps_value_fen: 3_200_000,
    members: [
      { organisation: guangzhou, pledges: 0, pledged_value_fen: 0, delivered_value_fen: 0, overdue: 0 },
      { organisation: kedu, pledges: 3, pledged_value_fen: 720_000, delivered_value_fen: 500_000, overdue: 1, purchases: { orders: 2, ordered_value_fen: 116_000, received_value_fen: 58_000 } },
    ],
    purchases: [purchase()],
    overdue: [
      { pledge_id: 9, need_id: 8, need_title: '杞园村沙田柚消费帮扶', donor: '梅州客都农业发展有限公司（演示）', organisation_id: 1, quantity: 100, due_at: '2026-11-20T00:00:00Z', status: 'pledged' },
    ],
    invitations: [],
    ...overrides,
  }
}

export const coordinator: Schemas['Me'] = {
  id: 6, email: 'coordinator@demo.duijie.cn', mobile: null, display_name: '广州对口帮扶协调员', locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 7, role: 'coordinator', region_code: null, organisation_id: null, pairing_id: 1 }],
}
export const enterprise: Schemas['Me'] = {
  id: 7, email: 'enterprise@demo.duijie.cn', mobile: null, display_name: '客都农业社会责任部', locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 8, role: 'org_admin', region_code: null, organisation_id: 1, pairing_id: null }],
}
