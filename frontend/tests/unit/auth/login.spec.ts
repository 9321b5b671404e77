import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Login from '@/views/auth/Login.vue'
import { fakeApi, mountWithApp } from '../mount'

const me = { id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true, roles: [] }

async function signIn(route: string, answer: unknown) {
  const api = fakeApi({ 'POST /api/v1/auth/login': answer })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Login, { route })
  await mounted.wrapper.get('[data-testid="login-account"]').setValue(' donor@demo.duijie.cn ')
  await mounted.wrapper.get('[data-testid="login-password"]').setValue('demo-password-2024')
  await mounted.wrapper.get('form').trigger('submit')
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

afterEach(() => vi.unstubAllGlobals())

describe('Login', () => {
  it('signs in with the trimmed account and goes where the visitor was headed', async () => {
    const { router, api } = await signIn('/login?next=/me/pledges', { user: me, csrf_token: 'c', expires_at: '2030-01-01T00:00:00Z' })
    expect(api.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/login', body: { login: 'donor@demo.duijie.cn', password: 'demo-password-2024' } })
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/me/pledges'), { timeout: 10_000 })
  })

  it('goes home rather than to another site', async () => {
    const { router } = await signIn('/login?next=//evil.example', { user: me, csrf_token: 'c', expires_at: '2030-01-01T00:00:00Z' })
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('home'), { timeout: 10_000 })
  })

  it('says how long to wait after too many failed sign-ins, and that a reset lets the owner in', async () => {
    const { wrapper } = await signIn('/login', {
      status: 429,
      body: { error: { code: 'sign_in_delayed', message: 'wait', details: { retry_after: 240, wait_minutes: 4, reason: 'address' } } },
    })
    const text = wrapper.get('[data-testid="login-error"]').text()
    expect(text).toContain('请 4 分钟后再试')
    expect(text).toContain('忘记密码')
  })

  it('says kindly that the account or password is wrong, and stays', async () => {
    const { wrapper, router } = await signIn('/login', { status: 401, body: { error: { code: 'invalid_credentials', message: 'no' } } })
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('账号或密码不正确')
    expect(router.currentRoute.value.name).toBe('login')
    expect((wrapper.get('[data-testid="login-password"]').element as HTMLInputElement).value).toBe('')
  })

  it('asks to wait when sign-in is rate limited', async () => {
    const { wrapper } = await signIn('/login', { status: 429, body: { error: { code: 'rate_limited', message: 'too many' } } })
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('尝试次数太多')
  })
})
