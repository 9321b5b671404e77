import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ReviewView from '@/views/review/Review.vue'
import { fakeApi, mountWithApp } from '../mount'
import { page, queuedNeed, reviewedNeed } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

afterEach(() => vi.unstubAllGlobals())

function queues(overrides: Record<string, unknown> = {}) {
  return {
    'GET /api/v1/needs?status=submitted&page=1&per_page=20': page([queuedNeed(), queuedNeed({ id: 12, title: '村道太阳能路灯', urgency: 'urgent' })]),
    'GET /api/v1/needs?status=verified&page=1&per_page=20': page([queuedNeed({ id: 11, status: 'verified', title: '百香果种植连栋大棚' })]),
    'GET /api/v1/needs?status=suspended&page=1&per_page=20': page([queuedNeed({ id: 5, status: 'suspended', title: '冬季棉被' })]),
    ...overrides,
  }
}

describe('the review queue page', () => {
  it('lists the needs waiting for review, each with its id, and counts every queue', async () => {
    vi.stubGlobal('fetch', fakeApi(queues()).fetchImpl)
    const { wrapper } = await mountWithApp(ReviewView, { route: '/review' })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="review-row"]')
    expect(rows.map((r) => r.attributes('data-need-id'))).toEqual(['10', '12'])
    expect(rows[1]?.text()).toContain('紧急')
    expect(wrapper.get('[data-testid="review-tab-submitted"]').text()).toContain('2')
    expect(wrapper.get('[data-testid="review-tab-verified"]').text()).toContain('1')
  })

  it('says so when nothing waits', async () => {
    vi.stubGlobal('fetch', fakeApi(queues({ 'GET /api/v1/needs?status=submitted&page=1&per_page=20': page([]) })).fetchImpl)
    const { wrapper } = await mountWithApp(ReviewView, { route: '/review' })
    await flushPromises()
    expect(wrapper.text()).toContain('没有待审核的需求')
  })

  it('sends needs under objection to their objections page', async () => {
    vi.stubGlobal('fetch', fakeApi(queues()).fetchImpl)
    const { wrapper } = await mountWithApp(ReviewView, { route: '/review?tab=suspended' })
    await flushPromises()
    const link = wrapper.get('[data-need-id="5"] [data-testid="review-objections-link"]')
    expect(link.attributes('href')).toBe('/needs/5/objections')
  })

  it('takes a need out of the queue once it is verified', async () => {
    vi.stubGlobal('fetch', fakeApi(queues({ 'GET /api/v1/needs/10': reviewedNeed(), 'POST /api/v1/needs/10/verify': reviewedNeed({ status: 'in_notice' }) })).fetchImpl)
    const { wrapper } = await mountWithApp(ReviewView, { route: '/review', attachTo: document.body })
    await flushPromises()
    await wrapper.get('[data-need-id="10"] [data-testid="review-open"]').trigger('click')
    await flushPromises()
    const verify = document.querySelector<HTMLButtonElement>('[data-testid="review-verify"]')
    expect(verify).not.toBeNull()
    verify?.click()
    await flushPromises()
    expect(wrapper.findAll('[data-testid="review-row"]').map((r) => r.attributes('data-need-id'))).toEqual(['12'])
    wrapper.unmount()
  })
})
