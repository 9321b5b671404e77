import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ConfirmEmail from '@/views/auth/ConfirmEmail.vue'
import ConfirmNotice from '@/components/ConfirmNotice.vue'
import { useSession } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'

const unconfirmed = { id: 7, email: 'lin@example.cn', mobile: null, display_name: '林老师', locale: 'zh-CN', confirmed: false, roles: [] }
const confirmed = { ...unconfirmed, confirmed: true }
const mobileOnly = { ...unconfirmed, email: null, mobile: '13800138000' }

afterEach(() => vi.unstubAllGlobals())

async function openLink(answer: unknown, me: unknown = confirmed, route = '/confirm-email?token=abc123') {
  const api = fakeApi({ 'POST /api/v1/auth/email/confirm': answer, 'GET /api/v1/me': me })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ConfirmEmail, { route })
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

describe('ConfirmEmail', () => {
  it('confirms with the link’s token at once and refreshes who is signed in', async () => {
    const { wrapper, api } = await openLink({ status: 204, body: null })
    expect(api.calls[0]).toEqual({ method: 'POST', url: '/api/v1/auth/email/confirm', body: { token: 'abc123' } })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="confirm-done"]').text()).toContain('邮箱已确认'))
    expect(api.calls.some((c) => c.url === '/api/v1/me')).toBe(true)
    expect(useSession().user?.confirmed).toBe(true)
  })

  it('says a link used twice is confirmed already, in English too', async () => {
    const api = fakeApi({
      'POST /api/v1/auth/email/confirm': { status: 409, body: { error: { code: 'already_confirmed', message: 'x' } } },
      // The account's own language wins once it is known.
      'GET /api/v1/me': { ...confirmed, locale: 'en' },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(ConfirmEmail, { route: '/confirm-email?token=abc123', locale: 'en' })
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.get('[data-testid="confirm-already"]').text()).toContain('confirmed already'))
  })

  it('says a dead link is dead, for how long links work as the server says, and offers a new mail', async () => {
    const { wrapper } = await openLink({ status: 422, body: { error: { code: 'invalid_token', message: 'x', details: { valid_hours: 72 } } } }, unconfirmed)
    await useSession().load()
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.get('[data-testid="confirm-invalid"]').text()).toContain('72 小时内有效'))
    expect(wrapper.get('[data-testid="confirm-notice-resend"]').text()).toBe('重新发送确认邮件')
  })

  it('says a dead link is dead without a lifetime when the server gives none', async () => {
    const { wrapper } = await openLink({ status: 400, body: { error: { code: 'invalid_token', message: 'x' } } }, unconfirmed)
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.get('[data-testid="confirm-invalid"]').text()).toContain('此确认链接无效：可能已过期。'))
    expect(wrapper.get('[data-testid="confirm-invalid"]').text()).not.toMatch(/小时|null|undefined/)
  })

  it('without a token, says where the page opens from', async () => {
    const { wrapper, api } = await openLink({ status: 204, body: null }, { status: 401, body: { error: { code: 'unauthenticated', message: '' } } }, '/confirm-email')
    expect(wrapper.get('[data-testid="confirm-noToken"]').text()).toContain('请从确认邮件中的链接打开此页面')
    expect(api.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
  })
})

async function banner(me: unknown, table: Record<string, unknown> = {}, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const api = fakeApi({ 'GET /api/v1/me': me, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ConfirmNotice, { locale })
  await useSession().load()
  await flushPromises()
  return { ...mounted, api }
}

describe('ConfirmNotice', () => {
  it('tells an unconfirmed account what it cannot do yet and sends the mail again', async () => {
    const { wrapper, api } = await banner(unconfirmed, { 'POST /api/v1/auth/email/resend': { status: 202, body: { status: 'accepted', message: '', valid_hours: 24 } } })
    expect(wrapper.get('[data-testid="confirm-notice-text"]').text()).toContain('请先确认您的邮箱 lin@example.cn')
    await wrapper.get('[data-testid="confirm-notice-resend"]').trigger('click')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')).toEqual({ method: 'POST', url: '/api/v1/auth/email/resend', body: {} })
    // The link's lifetime is the server's (`email_confirm_ttl_hours`), not a number of the page's.
    expect(wrapper.get('[data-testid="confirm-notice-sent"]').text()).toBe('确认邮件已发送，请查收；链接 24 小时内有效。')
  })

  it('asks a mobile-only account for an address to confirm, in English too', async () => {
    const { wrapper, api } = await banner({ ...mobileOnly, locale: 'en' }, { 'POST /api/v1/auth/email/resend': { status: 202, body: { status: 'accepted', message: '', valid_hours: 48 } } }, 'en')
    expect(wrapper.get('[data-testid="confirm-notice-text"]').text()).toContain('cannot send text messages')
    await wrapper.get('[data-testid="confirm-notice-email"]').setValue('wu@example.cn')
    await wrapper.get('[data-testid="confirm-notice-resend"]').trigger('click')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ email: 'wu@example.cn' })
    expect(wrapper.get('[data-testid="confirm-notice-sent"]').text()).toBe('A confirmation mail is on its way; its link works for 48 hours.')
  })

  it('says when asking again is too frequent', async () => {
    const { wrapper } = await banner(unconfirmed, { 'POST /api/v1/auth/email/resend': { status: 429, body: { error: { code: 'rate_limited', message: 'x' } } } })
    await wrapper.get('[data-testid="confirm-notice-resend"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('发送太频繁了')
  })

  it('shows nothing to a confirmed account or to nobody', async () => {
    expect((await banner(confirmed)).wrapper.find('[data-testid="confirm-notice"]').exists()).toBe(false)
    const nobody = await banner({ status: 401, body: { error: { code: 'unauthenticated', message: '' } } })
    expect(nobody.wrapper.find('[data-testid="confirm-notice"]').exists()).toBe(false)
  })
})
