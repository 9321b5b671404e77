import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OfferView from '@/views/offers/Offer.vue'
import { confirmAction } from '@/utils/feedback'
import { fakeApi, mountWithApp } from '../mount'
import { publicNeed } from '../need/fixtures'
import { offerDetail, offerRequest } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const signedOut = { status: 401, body: { error: { code: 'unauthenticated', message: '' } } }
const desks = publicNeed({ id: 1, title: '墩背村小学课桌椅', category: 'education', unit: 'set', unit_label: '套', remaining_quantity: 20, min_pledge_quantity: 1 })
const suggestions = [
  {
    need: desks,
    score: 11_000,
    coverable: 12,
    reasons: [{ code: 'paired', program: 'wanqi' }, { code: 'urgency', urgency: 'urgent' }, { code: 'covers', percent: 60 }, { code: 'near', level: 'village' }],
  },
]
const managed = (actions: string[], requests: unknown[] = []) => offerDetail({ manage: { actions, requests } })

async function mountOffer(detail: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const api = fakeApi({ 'GET /api/v1/me': signedOut, 'GET /api/v1/offers/5': detail, 'GET /api/v1/offers/5/needs': suggestions, ...extra })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(OfferView, { props: { id: '5' }, route: '/offers/5', attachTo: document.body })
  await flushPromises()
  return { ...mounted, api }
}
const body = () => document.body
async function type(id: string, value: string) {
  const el = body().querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-testid=${id}]`)!
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('the offer page', () => {
  it('shows the offer as the public sees it: terms, reach by name, timeline, and the needs it could fill with why', async () => {
    const { wrapper } = await mountOffer(offerDetail())
    expect(wrapper.get('[data-testid=offer-title]').text()).toBe('全新课桌椅 20 套')
    expect(wrapper.get('[data-testid=offer-status]').text()).toBe('发布中')
    expect(wrapper.get('[data-testid=offer-remaining]').text()).toBe('12 套')
    expect(wrapper.get('[data-testid=offer-reach]').text()).toBe('结对帮扶地区：梅州市、墩背村委会、杞园村委会、清远市')
    expect(wrapper.text()).toContain('2027/01/15')
    expect(wrapper.text()).toContain('2027/03/01')
    expect(wrapper.text()).toContain('村里申请对接')
    expect(wrapper.text()).toContain('3 套')
    expect(wrapper.text()).toContain('村干部')
    const need = wrapper.get('[data-testid=need-suggestion]')
    expect(need.text()).toContain('墩背村小学课桌椅')
    expect(need.get('[data-testid=match-reasons]').text()).toContain('结对帮扶（万企帮万村） · 紧急 · 可满足 60% · 同村')
    expect(need.text()).toContain('最多可对接 12 套')
    expect(wrapper.find('[data-testid=need-suggestion-apply]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=offer-manage]').exists()).toBe(false)
  })

  it('asks for no matches while a draft, and says what a draft is', async () => {
    const { wrapper, api } = await mountOffer(offerDetail({ status: 'draft', manage: { actions: ['edit', 'publish', 'withdraw'], requests: [] } }))
    expect(api.calls.some((c) => c.url === '/api/v1/offers/5/needs')).toBe(false)
    expect(wrapper.text()).toContain('这是草稿')
    expect(wrapper.find('[data-testid=offer-edit]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=offer-publish]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=offer-pause]').exists()).toBe(false)
  })

  it('gives its offerer’s people their moves, each confirmed first', async () => {
    const { wrapper, api } = await mountOffer(managed(['pause', 'withdraw']), {
      'POST /api/v1/offers/5/pause': offerDetail({ status: 'paused', manage: { actions: ['edit', 'resume', 'withdraw'], requests: [] } }),
    })
    expect(wrapper.find('[data-testid=offer-edit]').exists()).toBe(false)
    expect(wrapper.text()).toContain('发布中的帮扶资源要先暂停，才能修改。')
    await wrapper.get('[data-testid=offer-pause]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledWith(expect.stringContaining('暂停后'), '暂停帮扶资源')
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/offers/5/pause')).toBe(true)
    expect(wrapper.get('[data-testid=offer-status]').text()).toBe('已暂停')
    expect(wrapper.find('[data-testid=offer-resume]').exists()).toBe(true)
  })

  it('lets them accept a village’s request, saying what it pledges in whose name', async () => {
    const { wrapper, api } = await mountOffer(managed(['pause', 'withdraw'], [offerRequest()]), {
      'POST /api/v1/offer-requests/31/accept': { status: 201, body: { id: 77, need_id: 1, quantity: 3, status: 'pledged' } },
    })
    const request = wrapper.get('[data-testid=offer-request]')
    expect(request.text()).toContain('墩背村小学课桌椅')
    expect(request.text()).toContain('申请 3 套')
    expect(request.text()).toContain('村里留言：一年级教室最缺')
    await request.get('[data-testid=offer-request-accept]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledWith(
      '接受后，将以“梅州客都农业发展有限公司”的名义为“墩背村小学课桌椅”认捐 3 套，请在约定期限内发出。确定接受吗？',
      '接受对接申请',
    )
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/offer-requests/31/accept')).toBe(true)
    expect(wrapper.find('a[href="/pledges/77"]').exists()).toBe(true)
  })

  it('lets them decline with a reason, which is required', async () => {
    const { wrapper, api } = await mountOffer(managed(['pause', 'withdraw'], [offerRequest()]), {
      'POST /api/v1/offer-requests/31/decline': offerRequest({ status: 'declined', decline_reason: '已安排给其他学校' }),
    })
    await wrapper.get('[data-testid=offer-request-decline]').trigger('click')
    await flushPromises()
    body().querySelector<HTMLButtonElement>('[data-testid=decline-submit]')!.click()
    await flushPromises()
    expect(api.calls.some((c) => c.url.endsWith('/decline'))).toBe(false)
    await type('decline-reason', ' 已安排给其他学校 ')
    body().querySelector<HTMLButtonElement>('[data-testid=decline-submit]')!.click()
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/offer-requests/31/decline')?.body).toEqual({ reason: '已安排给其他学校' })
  })

  it('applies the offer to a suggested need in a quantity it can cover', async () => {
    const { wrapper, api } = await mountOffer(managed(['pause', 'withdraw']), {
      'POST /api/v1/offers/5/apply': { status: 201, body: { id: 78, need_id: 1, quantity: 4, status: 'pledged' } },
    })
    await wrapper.get('[data-testid=need-suggestion-apply]').trigger('click')
    await flushPromises()
    const dialog = body().querySelector('[data-testid=match-dialog]')!
    expect(dialog.textContent).toContain('最多可对接 12 套')
    expect(body().querySelector<HTMLInputElement>('[data-testid=match-quantity]')!.value).toBe('12')
    await type('match-quantity', '13')
    // Element Plus shows a form item's error after a short debounce.
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(dialog.textContent).toContain('最多 12 套。')
    body().querySelector<HTMLButtonElement>('[data-testid=match-submit]')!.click()
    await flushPromises()
    expect(api.calls.some((c) => c.url.endsWith('/apply'))).toBe(false)
    await type('match-quantity', '4')
    body().querySelector<HTMLButtonElement>('[data-testid=match-submit]')!.click()
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/offers/5/apply')?.body).toEqual({ need_id: 1, quantity: 4 })
    expect(wrapper.find('a[href="/pledges/78"]').exists()).toBe(true)
  })
})
