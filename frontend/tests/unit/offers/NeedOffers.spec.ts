import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import NeedView from '@/views/need/Need.vue'
import { useSession, type Me } from '@/stores/session'
import { confirmAction } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { moneyNeed, needDetail } from '../need/fixtures'
import { offerRequest, publicOffer } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const VILLAGE = '441426100201'
const signedOut = { status: 401, body: { error: { code: 'unauthenticated', message: '' } } }
const cadreOf = (region: string) => ({
  id: 2, email: 'cadre@demo.duijie.cn', mobile: null, display_name: '陈村官', locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 2, role: 'cadre', region_code: region, organisation_id: null, pairing_id: null }],
})
const review = { requires_second_verification: false, open_objections: 0, allowed_actions: ['close'] }
const produce = publicOffer({ id: 5, category: 'consumption', title: '食堂采购沙田柚', kind: 'purchasing', unit: 'money', unit_label: '元', quantity: 2_000_000, remaining: 1_600_000 })
const suggestion = {
  offer: produce,
  score: 9000,
  coverable: 2000,
  reasons: [{ code: 'paired', program: 'wanqi' }, { code: 'deadline', days: 5 }, { code: 'covers', percent: 50 }, { code: 'near', level: 'town' }],
}

async function mountNeed(detail: Record<string, unknown>, me: unknown, extra: Record<string, unknown> = {}) {
  const id = String(detail.id)
  const api = fakeApi({
    'GET /api/v1/me': me,
    [`GET /api/v1/needs/${id}`]: detail,
    [`GET /api/v1/needs/${id}/pledges`]: paged([]),
    [`GET /api/v1/needs/${id}/offers`]: [suggestion],
    [`GET /api/v1/needs/${id}/offer-requests`]: paged([]),
    ...extra,
  })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(NeedView, { props: { id }, route: `/needs/${id}`, attachTo: document.body })
  // The app loads who is signed in at its start; a page alone is told.
  if (me !== signedOut) useSession().user = me as Me
  await flushPromises()
  await vi.waitFor(() => expect(mounted.wrapper.find('[data-testid=need-offers]').exists()).toBe(true))
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

describe('the offers beside a need', () => {
  it('show the public the offers that could fill it, with why and how much, and no button', async () => {
    const { wrapper, api } = await mountNeed(needDetail(), signedOut)
    const card = wrapper.get('[data-testid=need-offers] [data-testid=offer-card]')
    expect(card.text()).toContain('食堂采购沙田柚')
    expect(card.get('[data-testid=match-reasons]').text()).toContain('结对帮扶（万企帮万村） · 5 天内截止 · 可满足 50% · 同镇')
    expect(card.text()).toContain('可对接 2,000 公斤')
    expect(card.text()).toContain('剩余 ¥16,000（共 ¥20,000）')
    expect(wrapper.find('[data-testid=need-offer-request]').exists()).toBe(false)
    expect(api.calls.some((c) => c.url.includes('/offer-requests?'))).toBe(false)
  })

  it('let the village’s cadre ask for one, in a quantity up to what it covers, with a note', async () => {
    const { wrapper, api } = await mountNeed(needDetail({ review }), cadreOf(VILLAGE), {
      'POST /api/v1/offers/5/requests': { status: 201, body: offerRequest({ offer_id: 5, need_id: 8, quantity: 100, unit: 'kg' }) },
    })
    await wrapper.get('[data-testid=need-offer-request]').trigger('click')
    await flushPromises()
    expect(body().querySelector<HTMLInputElement>('[data-testid=match-quantity]')!.value).toBe('2000')
    await type('match-quantity', '100')
    await type('match-note', ' 村小学食堂先要一百公斤 ')
    body().querySelector<HTMLButtonElement>('[data-testid=match-submit]')!.click()
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/offers/5/requests')?.body).toEqual({ need_id: 8, quantity: 100, note: '村小学食堂先要一百公斤' })
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/needs/8/offer-requests?')).length).toBeGreaterThanOrEqual(2)
  })

  it('type a money need’s quantity in yuan and send it in fen', async () => {
    const need = { ...moneyNeed(), timeline: [], photos: [], review }
    const { wrapper, api } = await mountNeed(need, cadreOf('441426100'), {
      'GET /api/v1/needs/4/offers': [{ ...suggestion, coverable: 300_000 }],
      'POST /api/v1/offers/5/requests': { status: 201, body: offerRequest({ need_id: 4, unit: 'money' }) },
    })
    await wrapper.get('[data-testid=need-offer-request]').trigger('click')
    await flushPromises()
    expect(body().querySelector('[data-testid=match-dialog]')!.textContent).toContain('最多可对接 ¥3,000')
    await type('match-quantity', '1500.5')
    body().querySelector<HTMLButtonElement>('[data-testid=match-submit]')!.click()
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/offers/5/requests')?.body).toMatchObject({ need_id: 4, quantity: 150_050 })
  })

  it('show its staff the need’s requests, and let its cadre take a pending one back', async () => {
    const pending = offerRequest({ offer_id: 5, offer_title: '食堂采购沙田柚', need_id: 8, quantity: 100, unit: 'kg' })
    const declined = offerRequest({ id: 30, offer_title: '全新课桌椅 20 套', status: 'declined', decline_reason: '已安排给其他学校' })
    const { wrapper, api } = await mountNeed(needDetail({ review }), cadreOf(VILLAGE), {
      'GET /api/v1/needs/8/offer-requests': paged([pending, declined]),
      'POST /api/v1/offer-requests/31/withdraw': { ...pending, status: 'withdrawn' },
    })
    expect(wrapper.text()).toContain('已申请，等待提供方答复')
    expect(wrapper.find('[data-testid=need-offer-request]').exists()).toBe(false)
    const [first, second] = wrapper.findAll('[data-testid=need-offer-request-row]')
    expect(first!.text()).toContain('待答复')
    expect(first!.text()).toContain('申请 100 公斤')
    expect(second!.text()).toContain('婉拒原因：已安排给其他学校')
    expect(second!.find('[data-testid=need-offer-request-withdraw]').exists()).toBe(false)
    await first!.get('[data-testid=need-offer-request-withdraw]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalled()
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/offer-requests/31/withdraw')).toBe(true)
  })

  it('give a cadre of another village no button', async () => {
    const { wrapper } = await mountNeed(needDetail(), cadreOf('441624100201'))
    expect(wrapper.find('[data-testid=need-offers] [data-testid=offer-card]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=need-offer-request]').exists()).toBe(false)
  })
})
