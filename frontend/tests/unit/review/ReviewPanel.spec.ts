import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { FieldError } from '@/api/client'
import ReviewPanel from '@/views/review/components/ReviewPanel.vue'
import { notifyError, notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp } from '../mount'
import { household, reviewedNeed } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const error = (status: number, code: string, fields?: Record<string, FieldError[]>) => ({ status, body: { error: { code, message: code, fields } } })

async function open(table: Record<string, unknown>) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ReviewPanel, { props: { needId: 10 } })
  await flushPromises()
  return { ...mounted, api }
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('the review panel', () => {
  it('shows the need as staff see it, with its photos and what verifying leads to', async () => {
    const { wrapper } = await open({ 'GET /api/v1/needs/10': reviewedNeed() })
    const text = wrapper.text()
    expect(text).toContain('杞园村委会 · 村集体')
    expect(text).toContain('¥15,000')
    expect(text).toContain('30 人次')
    expect(text).toContain('提交审核')
    expect(text).toContain('通过后进入公示期')
    expect(wrapper.find('.photo').exists()).toBe(true)
    expect(wrapper.find('[data-testid="review-verify"]').exists()).toBe(true)
  })

  it("summarises a household's need by its masked record only", async () => {
    const { wrapper, api } = await open({
      'GET /api/v1/needs/10': reviewedNeed({}, { household_id: 2 }),
      'GET /api/v1/households/2': household(),
    })
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/households/2')
    const text = wrapper.text()
    expect(text).toContain('黄**')
    expect(text).toContain('5 人')
    expect(text).toContain('因学和缺资金')
    expect(text).toContain('2025 年 ¥6,100')
    expect(text).not.toContain('4414**********2015')
    expect(text).not.toContain('139****2222')
  })

  it('verifies, says the notice has begun, and hands the need back', async () => {
    const { wrapper, api } = await open({
      'GET /api/v1/needs/10': reviewedNeed(),
      'POST /api/v1/needs/10/verify': reviewedNeed({ status: 'in_notice' }),
    })
    await wrapper.get('[data-testid="review-verify"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/needs/10/verify')).toBe(true)
    expect(notifySuccess).toHaveBeenCalledWith('已通过，进入公示')
    expect(wrapper.emitted('decided')?.[0]?.[0]).toMatchObject({ id: 10, status: 'in_notice' })
  })

  it('says a first verification awaits the county when the value calls for a second one', async () => {
    const { wrapper } = await open({
      'GET /api/v1/needs/10': reviewedNeed({}, { requires_second_verification: true }),
      'POST /api/v1/needs/10/verify': reviewedNeed({ status: 'verified' }),
    })
    expect(wrapper.text()).toContain('通过后还需一位县级审核员复核')
    await wrapper.get('[data-testid="review-verify"]').trigger('click')
    await flushPromises()
    expect(notifySuccess).toHaveBeenCalledWith('已通过初审，等待县级复核')
  })

  it('does not send a rejection without a reason', async () => {
    const { wrapper, api } = await open({ 'GET /api/v1/needs/10': reviewedNeed() })
    await wrapper.get('[data-testid="review-reject"]').trigger('click')
    await wrapper.get('[data-testid="review-reject-submit"]').trigger('click')
    await flushPromises()
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([])
    // Element shows a field's error a moment after it is set.
    await vi.waitFor(() => expect(wrapper.text()).toContain('请填写退回理由'))
  })

  it('rejects with the reason, and shows a refused reason on its field', async () => {
    const { wrapper, api } = await open({
      'GET /api/v1/needs/10': reviewedNeed(),
      'POST /api/v1/needs/10/reject': error(400, 'validation_failed', { reason: [{ code: 'length', min: 2, max: 500, message: 'must be 2 to 500 characters' }] }),
    })
    await wrapper.get('[data-testid="review-reject"]').trigger('click')
    await wrapper.get('[data-testid="review-reason"]').setValue('请补充学生在读证明。')
    await wrapper.get('[data-testid="review-reject-submit"]').trigger('click')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ reason: '请补充学生在读证明。' })
    await vi.waitFor(() => expect(wrapper.get('.el-form-item__error').text()).toBe('应为 2–500 个字'))
    expect(notifyError).toHaveBeenCalled()
    expect(wrapper.emitted('decided')).toBeUndefined()
  })

  it('explains a conflict of interest instead of failing silently', async () => {
    const { wrapper } = await open({
      'GET /api/v1/needs/10': reviewedNeed(),
      'POST /api/v1/needs/10/verify': error(403, 'conflict_of_interest'),
    })
    await wrapper.get('[data-testid="review-verify"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('需回避')
    expect(wrapper.emitted('stale')).toBeUndefined()
  })

  it('takes a need that moved on out of the queue', async () => {
    const { wrapper } = await open({
      'GET /api/v1/needs/10': reviewedNeed(),
      'POST /api/v1/needs/10/verify': error(422, 'invalid_state'),
    })
    await wrapper.get('[data-testid="review-verify"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('状态已经变化')
    expect(wrapper.emitted('stale')?.[0]).toEqual([10])
  })

  it('offers its first verifier no second verification, and says why', async () => {
    const { wrapper } = await open({
      'GET /api/v1/needs/10': reviewedNeed(
        { status: 'verified' },
        { requires_second_verification: true, verified_at: '2026-11-30T23:00:00Z', allowed_actions: ['reject'] },
      ),
    })
    expect(wrapper.find('[data-testid="review-verify"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="review-reject"]').exists()).toBe(true)
    expect(wrapper.text()).toContain('复核须由初审以外的另一位县级审核员完成')
  })
})
