import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyPledges from '@/views/pledges/MyPledges.vue'
import { confirmAction, notifyError } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { pledge, shipped, thanked } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

async function mountPage(table: Record<string, unknown>, route = '/me/pledges') {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(MyPledges, { route })
  await flushPromises()
  return { ...mounted, api }
}
const row = (wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], id: number) => wrapper.get(`[data-testid="my-pledge-row"][data-pledge-id="${id}"]`)

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('我的认捐', () => {
  it('lists each pledge with its need, quantity in its unit, status and next step', async () => {
    const money = pledge({ id: 4, need_id: 2, need_title: '两名学生本学年学费', kind: 'money', unit: 'money', quantity: 150000 })
    const { wrapper } = await mountPage({ 'GET /api/v1/me/pledges': paged([pledge(), money]) })
    const desks = row(wrapper, 9)
    expect(desks.get('a[href="/needs/1"]').text()).toBe('墩背村小学课桌椅')
    expect(desks.text()).toContain('2 套')
    expect(desks.get('[data-testid="pledge-status"]').text()).toBe('已认捐')
    expect(desks.text()).toContain('下一步')
    expect(row(wrapper, 4).text()).toContain('¥1,500')
  })

  it('shows the thanks a donor received, and offers no moves once done', async () => {
    const { wrapper } = await mountPage({ 'GET /api/v1/me/pledges': paged([thanked()]) })
    expect(row(wrapper, 9).get('[data-testid="pledge-thanks"]').text()).toBe('课桌椅已送到学校，谢谢您！')
    expect(wrapper.find('[data-testid="pledge-ship"]').exists()).toBe(false)
    expect(wrapper.find('[data-testid="pledge-cancel"]').exists()).toBe(false)
  })

  it('invites to the needs hall when there is no pledge', async () => {
    const { wrapper } = await mountPage({ 'GET /api/v1/me/pledges': paged([]) })
    expect(wrapper.text()).toContain('您还没有认捐')
    expect(wrapper.get('a[href="/needs"]').text()).toBe('去需求大厅')
  })

  it('asks the server for one status when a tab is chosen', async () => {
    const { api } = await mountPage({ 'GET /api/v1/me/pledges': paged([shipped()]) }, '/me/pledges?status=shipped')
    expect(api.calls[0]?.url).toBe('/api/v1/me/pledges?page=1&per_page=20&status=shipped')
  })

  it('cancels only once the donor agrees, and shows the pledge cancelled', async () => {
    const { wrapper, api } = await mountPage({
      'GET /api/v1/me/pledges': paged([pledge()]),
      'POST /api/v1/pledges/9/cancel': pledge({ status: 'cancelled', next_step: null, cancelled_at: '2026-12-02T05:00:00Z' }),
    })
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await row(wrapper, 9).get('[data-testid="pledge-cancel"]').trigger('click')
    await flushPromises()
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([])

    await row(wrapper, 9).get('[data-testid="pledge-cancel"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.url === '/api/v1/pledges/9/cancel')).toBe(true)
    expect(row(wrapper, 9).get('[data-testid="pledge-status"]').text()).toBe('已取消')
  })

  it('takes a cancelled pledge off the 待发货 tab at once', async () => {
    const other = pledge({ id: 10, need_id: 3, need_title: '冬季棉被' })
    const { wrapper } = await mountPage(
      {
        'GET /api/v1/me/pledges?page=1&per_page=20&status=pledged': paged([pledge(), other]),
        'POST /api/v1/pledges/9/cancel': pledge({ status: 'cancelled', next_step: null, cancelled_at: '2026-12-02T05:00:00Z' }),
      },
      '/me/pledges?status=pledged',
    )
    await row(wrapper, 9).get('[data-testid="pledge-cancel"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="my-pledge-row"][data-pledge-id="9"]').exists()).toBe(false)
    expect(row(wrapper, 10).text()).toContain('冬季棉被')
  })

  it('says kindly when the server refuses a move', async () => {
    const { wrapper } = await mountPage({
      'GET /api/v1/me/pledges': paged([pledge()]),
      'POST /api/v1/pledges/9/cancel': { status: 422, body: { error: { code: 'invalid_state', message: 'already shipped' } } },
    })
    await row(wrapper, 9).get('[data-testid="pledge-cancel"]').trigger('click')
    await flushPromises()
    expect(vi.mocked(notifyError).mock.calls[0]?.[0]).toMatchObject({ status: 422, code: 'invalid_state' })
    expect(row(wrapper, 9).get('[data-testid="pledge-status"]').text()).toBe('已认捐')
  })

  it('marks a pledge shipped with its tracking number, and shows the server’s field errors on the field', async () => {
    let refuse = true
    const api = fakeApi(
      new Proxy({} as Record<string, unknown>, {
        get: (_t, key: string) => {
          if (key === 'GET /api/v1/me/pledges') return paged([pledge()])
          if (key === 'POST /api/v1/pledges/9/ship') {
            if (refuse) {
              refuse = false
              return { status: 400, body: { error: { code: 'validation_failed', message: 'bad', fields: { reference: [{ code: 'length', min: 1, max: 100, message: 'must be 1 to 100 characters' }] } } } }
            }
            return shipped()
          }
          return undefined
        },
      }),
    )
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(MyPledges, { route: '/me/pledges', attachTo: document.body })
    await flushPromises()
    await row(wrapper, 9).get('[data-testid="pledge-ship"]').trigger('click')
    await flushPromises()
    const reference = document.querySelector<HTMLInputElement>('[data-testid="pledge-ship-reference"]')
    expect(reference).not.toBeNull()
    reference!.value = 'SF123'
    reference!.dispatchEvent(new Event('input'))
    document.querySelector<HTMLElement>('[data-testid="pledge-ship-submit"]')!.click()
    await flushPromises()
    await flushPromises()
    // Element shows a field's error after a short debounce.
    await vi.waitFor(() => expect(document.body.textContent).toContain('应为 1–100 个字'))
    expect(document.body.textContent).not.toContain('must be 1 to 100 characters')

    document.querySelector<HTMLElement>('[data-testid="pledge-ship-submit"]')!.click()
    await flushPromises()
    await flushPromises()
    expect(api.calls.filter((c) => c.url === '/api/v1/pledges/9/ship').map((c) => c.body)).toEqual([
      { carrier: null, reference: 'SF123' },
      { carrier: null, reference: 'SF123' },
    ])
    expect(row(wrapper, 9).get('[data-testid="pledge-status"]').text()).toBe('已发出')
    wrapper.unmount()
  })
})
