// Answers of the API as the server gives them, for the pledge pages' tests.
import type { Schemas } from '@/api/client'

export function pledge(over: Partial<Schemas['PledgeView']> = {}): Schemas['PledgeView'] {
  return {
    id: 9,
    need_id: 1,
    need_title: '墩背村小学课桌椅',
    kind: 'goods',
    unit: 'set',
    quantity: 2,
    received_quantity: null,
    status: 'pledged',
    next_step: 'ship',
    organisation_id: null,
    anonymous: false,
    display_name: '爱心市民王女士',
    message: '给孩子们的新课桌',
    due_at: '2099-01-01T00:00:00Z',
    shipment_carrier: null,
    shipment_reference: null,
    thanks_note: null,
    receipt_photos: [],
    created_at: '2026-12-02T01:13:00Z',
    shipped_at: null,
    received_at: null,
    thanked_at: null,
    cancelled_at: null,
    expired_at: null,
    ...over,
  }
}

export const shipped = (over: Partial<Schemas['PledgeView']> = {}) =>
  pledge({ status: 'shipped', next_step: 'await_receipt', shipment_carrier: '顺丰', shipment_reference: 'SF123', shipped_at: '2026-12-02T02:00:00Z', ...over })

export const received = (over: Partial<Schemas['PledgeView']> = {}) =>
  shipped({
    status: 'received',
    next_step: 'await_thanks',
    received_quantity: 2,
    received_at: '2026-12-02T03:00:00Z',
    receipt_photos: [{ id: '0000000000000000000000000000001f', url: '/api/v1/photos/0000000000000000000000000000001f', width: 320, height: 240, public: false }],
    ...over,
  })

export const thanked = (over: Partial<Schemas['PledgeView']> = {}) =>
  received({ status: 'thanked', next_step: null, thanks_note: '课桌椅已送到学校，谢谢您！', thanked_at: '2026-12-02T04:00:00Z', ...over })

/** Need 1 as its village's cadres see it (with a review), in 墩背村. */
export function needOfVillage(staff = true) {
  return {
    id: 1,
    title: '墩背村小学课桌椅',
    region_codes: ['44', '4414', '441426', '441426100', '441426100200'],
    beneficiary: { kind: 'village', poverty_causes: [], summary: '墩背村委会 · 村集体' },
    review: staff ? { requires_second_verification: false, open_objections: 0, allowed_actions: [] } : null,
  }
}

export const cadre: Schemas['Me'] = {
  id: 2,
  email: 'cadre@demo.duijie.cn',
  mobile: null,
  display_name: '陈村官',
  locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 2, role: 'cadre', region_code: '441426100200', organisation_id: null, pairing_id: null }],
}
export const donor = { id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true, roles: [] }
