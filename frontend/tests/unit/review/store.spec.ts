import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useReviewQueue } from '@/stores/review'
import { fakeApi } from '../mount'
import { page, queuedNeed, reviewedNeed } from './fixtures'

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('the review queue', () => {
  it('asks for one status at a time, within the region chosen', async () => {
    const api = fakeApi({ 'GET /api/v1/needs': page([queuedNeed()], 1) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const store = useReviewQueue()
    store.setRegion('441426100')
    await store.load('submitted')
    expect(api.calls[0]?.url).toBe('/api/v1/needs?status=submitted&page=1&per_page=20&region=441426100')
    expect(store.queues.submitted.items.map((n) => n.id)).toEqual([10])
    expect(store.queues.submitted.fresh).toBe(true)
  })

  it('keeps the error of a queue that failed to load', async () => {
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/needs': { status: 403, body: { error: { code: 'forbidden', message: 'no' } } } }).fetchImpl)
    const store = useReviewQueue()
    await store.load('verified')
    expect(store.queues.verified.error?.code).toBe('forbidden')
    expect(store.queues.verified.loading).toBe(false)
  })

  it('takes a verified need out of its queue and marks the queue it moved to as stale', async () => {
    const api = fakeApi({
      'GET /api/v1/needs?status=submitted&page=1&per_page=20': page([queuedNeed(), queuedNeed({ id: 11 })]),
      'GET /api/v1/needs?status=verified&page=1&per_page=20': page([]),
      'POST /api/v1/needs/10/verify': reviewedNeed({ status: 'verified' }),
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const store = useReviewQueue()
    await store.load('submitted')
    await store.load('verified')
    const need = await store.verify(10)
    expect(need.id).toBe(10)
    expect(store.queues.submitted.items.map((n) => n.id)).toEqual([11])
    expect(store.queues.submitted.total).toBe(1)
    expect(store.queues.verified.fresh).toBe(false)
  })

  it('sends a rejection with its reason trimmed', async () => {
    const api = fakeApi({ 'POST /api/v1/needs/10/reject': reviewedNeed({ status: 'rejected' }) })
    vi.stubGlobal('fetch', api.fetchImpl)
    await useReviewQueue().reject(10, '  请补充在读证明。 ')
    expect(api.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/needs/10/reject', body: { reason: '请补充在读证明。' } })
  })
})
