import { describe, expect, it } from 'vitest'
import type { OfferDetail } from '@/components/offer'
import { draftOf, fieldsOf, newOfferOf, withKind, withOfferer, type OfferDraft } from '@/views/offers/offerForm'
import { offerDetail } from './fixtures'

const now = new Date('2026-12-07T04:00:00Z')
const draft = (patch: Partial<OfferDraft> = {}): OfferDraft => ({ ...draftOf(null, 1, now), ...patch })

describe('the offer editor’s form', () => {
  it('starts as goods counted in items, for the organisation, to its pairings, valid for 90 days', () => {
    const d = draftOf(null, 1, now)
    expect(d).toMatchObject({ kind: 'goods', unit: 'item', orgId: 1, destination: 'pairings', valid_until: '2027-03-07' })
    expect(draftOf(null, null, now).destination).toBe('anywhere')
  })

  it('lets the kind decide the unit and, for purchasing, the category', () => {
    expect(withKind(draft({ unit: 'set' }), 'goods').unit).toBe('set')
    expect(withKind(draft({ unit: 'set' }), 'jobs').unit).toBe('position')
    expect(withKind(draft(), 'services').unit).toBe('person_time')
    const purchasing = withKind(draft({ category: 'education', quantity: 20 }), 'purchasing')
    expect(purchasing).toMatchObject({ unit: 'money', category: 'consumption', quantity: undefined })
    // Leaving purchasing frees its category (to choose again); yuan stay yuan, a count a count.
    expect(withKind({ ...purchasing, quantity: 500 }, 'money')).toMatchObject({ category: '', quantity: 500 })
    expect(withKind(purchasing, 'goods')).toMatchObject({ category: '', unit: 'item' })
    expect(withKind(draft({ unit: 'set', quantity: 20 }), 'services').quantity).toBe(20)
  })

  it('keeps a person to goods or money, and to regions or anywhere', () => {
    const person = withOfferer(draft({ kind: 'jobs', unit: 'position' }), null)
    expect(person).toMatchObject({ orgId: null, kind: 'goods', unit: 'item', destination: 'anywhere' })
    expect(withOfferer(draft({ kind: 'money', unit: 'money' }), null).kind).toBe('money')
    expect(withOfferer(person, 1).destination).toBe('pairings')
  })

  it('sends money in fen, and only the terms the kind has', () => {
    const money = newOfferOf(draft({ kind: 'money', unit: 'money', category: 'education', title: '  助学金 ', description: '资助墩背村小学贫困学生。', quantity: 1234.56, deliver_by: '2027-01-01', job_place: '梅州' }))
    expect(money).toMatchObject({
      kind: 'money', unit: 'money', org_id: 1, category: 'education', title: '助学金', quantity: 123_456,
      deliver_by: null, job_place: null, pay_min_fen: null, pay_max_fen: null, requirements: null, regions: [],
    })
    const job = fieldsOf(draft({ kind: 'jobs', unit: 'position', category: 'employment', quantity: 10, job_place: ' 梅州工业园 ', pay_min_yuan: 4000, pay_max_yuan: 6000, requirements: '', deliver_by: '2027-01-01' }))
    expect(job).toMatchObject({ quantity: 10, job_place: '梅州工业园', pay_min_fen: 400_000, pay_max_fen: 600_000, requirements: null, deliver_by: null })
    const goods = fieldsOf(draft({ category: 'education', quantity: 20, deliver_by: '2027-01-15', destination: 'regions', regions: ['4414', '4414', '441426'] }))
    expect(goods).toMatchObject({ deliver_by: '2027-01-15', regions: ['4414', '441426'] })
    expect(fieldsOf(draft({ category: 'education', regions: ['4414'], destination: 'anywhere' })).regions).toEqual([])
  })

  it('reads an offer back for editing: yuan, its last valid day, its own regions only', () => {
    const paired = draftOf(offerDetail() as unknown as OfferDetail)
    expect(paired).toMatchObject({ kind: 'goods', unit: 'set', orgId: 1, quantity: 20, valid_until: '2027-03-01', destination: 'pairings', regions: [], anonymous: false })
    const named = draftOf(offerDetail({ kind: 'money', unit: 'money', quantity: 500_000, destination: 'regions', regions: [{ code: '441426', name: '平远县' }], offered_by_name: '爱心人士', organisation_id: null }) as unknown as OfferDetail)
    expect(named).toMatchObject({ quantity: 5000, regions: ['441426'], anonymous: true, orgId: null })
  })
})
