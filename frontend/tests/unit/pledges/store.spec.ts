import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { nextStep, usePledges } from '@/stores/pledges'
import { fakeApi, paged } from '../mount'
import { pledge, shipped, thanked } from './fixtures'

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('the pledges store', () => {
  it('loads my pledges, narrowed to a status when asked', async () => {
    const api = fakeApi({ 'GET /api/v1/me/pledges': paged([pledge()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const store = usePledges()
    await store.loadMine('pledged')
    expect(api.calls[0]?.url).toBe('/api/v1/me/pledges?page=1&per_page=20&status=pledged')
    expect(store.mine.map((p) => p.id)).toEqual([9])
  })

  it('keeps the pledge a move answers in place of the listed one', async () => {
    const api = fakeApi({ 'GET /api/v1/me/pledges': paged([pledge({ id: 3 }), pledge()]), 'POST /api/v1/pledges/9/ship': shipped() })
    vi.stubGlobal('fetch', api.fetchImpl)
    const store = usePledges()
    await store.loadMine()
    await store.ship(9, { carrier: '顺丰', reference: 'SF123' })
    expect(api.calls[1]).toMatchObject({ method: 'POST', url: '/api/v1/pledges/9/ship', body: { carrier: '顺丰', reference: 'SF123' } })
    expect(store.mine.map((p) => [p.id, p.status])).toEqual([
      [3, 'pledged'],
      [9, 'shipped'],
    ])
  })

  it('sends the received quantity to confirm, and the note to thank', async () => {
    const api = fakeApi({ 'POST /api/v1/pledges/9/confirm': shipped(), 'POST /api/v1/pledges/9/thanks': thanked() })
    vi.stubGlobal('fetch', api.fetchImpl)
    const store = usePledges()
    await store.confirm(9, 1)
    await store.thank(9, '谢谢')
    expect(api.calls.map((c) => c.body)).toEqual([{ received_quantity: 1 }, { note: '谢谢' }])
  })

  it("names the donor's next step, or the end the pledge came to", () => {
    expect(nextStep(pledge())).toBe('ship')
    expect(nextStep(shipped())).toBe('await_receipt')
    expect(nextStep(thanked())).toBe('thanked')
    expect(nextStep(pledge({ status: 'expired', next_step: null }))).toBe('expired')
    expect(nextStep(pledge({ status: 'cancelled', next_step: null }))).toBe('cancelled')
  })
})
