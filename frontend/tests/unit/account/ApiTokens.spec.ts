import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ApiTokens from '@/views/account/ApiTokens.vue'
import type { Schemas } from '@/api/client'
import { setLocale } from '@/locales'
import { useSession } from '@/stores/session'
import { confirmAction, notifyError } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { donor } from '../follows/fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

function token(overrides: Partial<Schemas['TokenView']> = {}): Schemas['TokenView'] {
  return {
    id: 1,
    name: 'ERP 对接',
    prefix: 'djt_AbCdEfGh',
    scope: 'pledge',
    created_at: '2026-11-20T02:00:00Z',
    expires_at: '2099-02-18T02:00:00Z',
    last_used_at: '2026-12-01T03:04:00Z',
    revoked_at: null,
    ...overrides,
  }
}

async function mountPage(table: Record<string, unknown>, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const api = fakeApi({ 'GET /api/v1/auth/tokens': paged([token()]), ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ApiTokens, { route: '/me/tokens', locale })
  useSession().user = donor
  await flushPromises()
  return { ...mounted, api }
}
type Wrapper = Awaited<ReturnType<typeof mountPage>>['wrapper']
const row = (wrapper: Wrapper, id: number) => wrapper.get(`[data-testid="token-row"][data-token-id="${id}"]`)

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  setLocale('zh-CN')
  document.body.innerHTML = ''
})

describe('API 令牌', () => {
  it('lists each token with its scope, expiry, last use and state, in Chinese and in English', async () => {
    const never = token({ id: 2, name: 'BI', scope: 'read', last_used_at: null })
    const old = token({ id: 3, name: '旧', scope: 'manage', expires_at: '2026-01-01T00:00:00Z' })
    const revoked = token({ id: 4, revoked_at: '2026-12-02T00:00:00Z' })
    const { wrapper } = await mountPage({ 'GET /api/v1/auth/tokens': paged([token(), never, old, revoked]) })
    expect(row(wrapper, 1).get('[data-testid="token-row-scope"]').text()).toBe('认捐下单')
    expect(row(wrapper, 1).get('[data-testid="token-row-expires"]').text()).toContain('2099')
    expect(row(wrapper, 1).get('[data-testid="token-row-last-used"]').text()).toContain('2026')
    expect(row(wrapper, 2).get('[data-testid="token-row-last-used"]').text()).toBe('从未使用')
    expect(row(wrapper, 3).get('[data-testid="token-row-status"]').attributes('data-status')).toBe('expired')
    expect(row(wrapper, 4).get('[data-testid="token-row-status"]').text()).toBe('已撤销')
    expect(row(wrapper, 1).find('[data-testid="token-revoke"]').exists()).toBe(true)
    expect(row(wrapper, 3).find('[data-testid="token-revoke"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('任何令牌都不能查看农户的隐私信息')

    const english = await mountPage({ 'GET /api/v1/auth/tokens': paged([never]) }, 'en')
    expect(row(english.wrapper, 2).get('[data-testid="token-row-scope"]').text()).toBe('Read')
    expect(row(english.wrapper, 2).get('[data-testid="token-row-last-used"]').text()).toBe('Never')
  })

  it('makes a token with the chosen scope and life, confirmed by the password, and shows its secret once', async () => {
    const created = { ...token({ id: 5, name: '库存同步', scope: 'manage', last_used_at: null }), token: 'djt_secret-shown-once' }
    const { wrapper, api } = await mountPage({ 'POST /api/v1/auth/tokens': { status: 201, body: created } })
    await wrapper.get('[data-testid="token-name"]').setValue(' 库存同步 ')
    await wrapper.get('[data-testid="token-scope-manage"] input').setValue(true)
    await wrapper.get('[data-testid="token-expiry-365"] input').setValue(true)
    await wrapper.get('[data-testid="token-password"]').setValue('demo-password-2024')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')).toMatchObject({
      url: '/api/v1/auth/tokens',
      body: { login: 'donor@demo.duijie.cn', password: 'demo-password-2024', name: '库存同步', scope: 'manage', expires_in_days: 365 },
    })
    expect(wrapper.get('[data-testid="token-secret"]').text()).toBe('djt_secret-shown-once')
    expect((wrapper.get('[data-testid="token-password"]').element as HTMLInputElement).value).toBe('')
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(2)
  })

  it('offers read, pledge and manage with what each allows, read and 90 days unless changed', async () => {
    const { wrapper, api } = await mountPage({ 'POST /api/v1/auth/tokens': { status: 201, body: { ...token(), token: 'djt_x' } } })
    const scopes = wrapper.get('[data-testid="token-scope"]').text()
    expect(scopes).toContain('只能查看')
    expect(scopes).toContain('认捐、下单和关注')
    expect(scopes).toContain('查看农户隐私信息除外')
    await wrapper.get('[data-testid="token-name"]').setValue('BI')
    await wrapper.get('[data-testid="token-password"]').setValue('demo-password-2024')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ scope: 'read', expires_in_days: 90 })
  })

  it('sends nothing without a name and a password, and shows a refusal', async () => {
    const { wrapper, api } = await mountPage({
      'POST /api/v1/auth/tokens': { status: 401, body: { error: { code: 'invalid_credentials', message: 'no' } } },
    })
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'POST')).toBe(false)
    await wrapper.get('[data-testid="token-name"]').setValue('BI')
    await wrapper.get('[data-testid="token-password"]').setValue('wrong')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(notifyError).toHaveBeenCalled()
    expect(wrapper.find('[data-testid="token-secret"]').exists()).toBe(false)
  })

  it('revokes a token only once the person agrees', async () => {
    const { wrapper, api } = await mountPage({ 'DELETE /api/v1/auth/tokens/1': { status: 204, body: null } })
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await row(wrapper, 1).get('[data-testid="token-revoke"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false)
    await row(wrapper, 1).get('[data-testid="token-revoke"]').trigger('click')
    await flushPromises()
    expect(vi.mocked(confirmAction).mock.calls[1]?.[0]).toContain('ERP 对接')
    expect(api.calls.some((c) => c.method === 'DELETE' && c.url === '/api/v1/auth/tokens/1')).toBe(true)
  })
})
