import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Notifications from '@/views/notifications/Notifications.vue'
import { i18n, setLocale } from '@/locales'
import { useSession, type Me } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const donor: Me = { id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true, roles: [] }
const preferences = (thanked = true) => ({
  locale: 'zh-CN',
  notifications: [
    { kind: 'pledge_thanked', label: '收到感谢信', email: thanked },
    { kind: 'pledge_received', label: '收到新的认捐', email: true },
    { kind: 'something_new', label: '新的通知', email: true },
    { kind: 'order_for_buyer', label: '我的采购订单进展', email: true },
    { kind: 'order_for_seller', label: '消费帮扶订单（卖方）', email: true },
  ],
})

async function mountPage(table: Record<string, unknown>) {
  const api = fakeApi({ 'GET /api/v1/me/notifications': preferences(), ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Notifications, { route: '/me/notifications' })
  useSession().user = donor
  await flushPromises()
  return { ...mounted, api }
}
const kind = (wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], k: string) => wrapper.find(`[data-kind="${k}"]`)

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  setLocale('zh-CN')
})

describe('notification settings', () => {
  it('shows the kinds of mail for the account’s roles, with their own labels, and newer kinds too', async () => {
    const { wrapper } = await mountPage({})
    expect(kind(wrapper, 'pledge_thanked').text()).toContain('收到感谢信')
    expect(kind(wrapper, 'pledge_received').exists()).toBe(false)
    expect(kind(wrapper, 'something_new').text()).toContain('新的通知')
    // 消费帮扶 orders: anyone may buy, and sell for a cooperative.
    expect(kind(wrapper, 'order_for_buyer').text()).toContain('订单进展')
    expect(kind(wrapper, 'order_for_seller').text()).toContain('收到新订单')
    expect(wrapper.text()).toContain('消费帮扶订单')
  })

  it('turns one kind off at once, and back when the server refuses', async () => {
    const { wrapper, api } = await mountPage({ 'PATCH /api/v1/me/notifications': preferences(false) })
    await kind(wrapper, 'pledge_thanked').get('[data-testid="notification-pledge_thanked"]').trigger('click')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ email: { pledge_thanked: false } })
    expect(kind(wrapper, 'pledge_thanked').get('input').attributes('aria-checked')).toBe('false')
  })

  it('puts a switch back when saving it fails', async () => {
    const { wrapper } = await mountPage({ 'PATCH /api/v1/me/notifications': { status: 500, body: { error: { code: 'internal', message: 'x' } } } })
    await kind(wrapper, 'pledge_thanked').get('[data-testid="notification-pledge_thanked"]').trigger('click')
    await flushPromises()
    expect(kind(wrapper, 'pledge_thanked').get('input').attributes('aria-checked')).toBe('true')
  })

  it('changes the account’s language, and the pages’ with it', async () => {
    const { wrapper, api } = await mountPage({ 'PATCH /api/v1/me': { ...donor, locale: 'en' } })
    const english = wrapper.findAll('[data-testid="account-language"] input').find((i) => i.attributes('value') === 'en')!
    await english.setValue(true)
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/me')?.body).toEqual({ locale: 'en' })
    expect(i18n.global.locale.value).toBe('en')
    expect(useSession().user?.locale).toBe('en')
  })

  it('puts a request for one’s offer with 我的帮扶资源 (anyone may offer), and its answer with the cadres’ mail', async () => {
    const offers = {
      locale: 'zh-CN',
      notifications: [
        { kind: 'offer_requested', label: '村里申请对接', email: true },
        { kind: 'offer_request_answered', label: '对接申请有了答复', email: true },
      ],
    }
    const { wrapper } = await mountPage({ 'GET /api/v1/me/notifications': offers })
    const requested = kind(wrapper, 'offer_requested')
    expect(requested.text()).toContain('村里申请对接')
    expect(requested.element.closest('.group')?.querySelector('.group-title')?.textContent).toBe('我的帮扶资源')
    expect(kind(wrapper, 'offer_request_answered').exists()).toBe(false)

    useSession().user = { ...donor, roles: [{ id: 2, role: 'cadre', region_code: '441426100200', organisation_id: null, pairing_id: null }] }
    await flushPromises()
    expect(kind(wrapper, 'offer_request_answered').text()).toContain('提供方接受或婉拒')
  })

  it('puts the alerts of follows under 我的关注, for everyone, in the reader’s language', async () => {
    const alerts = {
      locale: 'zh-CN',
      notifications: [
        { kind: 'pledge_thanked', label: '收到感谢信', email: true },
        { kind: 'need_alert', label: '关注的新需求', email: true },
        { kind: 'alert_digest', label: '关注动态每日汇总', email: false },
      ],
    }
    const { wrapper } = await mountPage({ 'GET /api/v1/me/notifications': alerts })
    const group = (k: string) => kind(wrapper, k).element.closest('.group')?.querySelector('.group-title')?.textContent
    expect(kind(wrapper, 'need_alert').text()).toContain('关注的新需求')
    expect(kind(wrapper, 'alert_digest').text()).toContain('关注动态每日汇总')
    expect(group('need_alert')).toBe('我的关注')
    expect(group('alert_digest')).toBe('我的关注')
    expect(wrapper.findAll('.group-title').map((g) => g.text())).toEqual(['我的认捐', '我的关注'])

    setLocale('en')
    await flushPromises()
    expect(kind(wrapper, 'need_alert').text()).toContain('New need where you follow')
    expect(group('alert_digest')).toBe('My follows')
    expect(kind(wrapper, 'alert_digest').text()).not.toMatch(/[\u4e00-\u9fff]/)
  })
})
