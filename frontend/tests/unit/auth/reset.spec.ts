import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ResetPassword from '@/views/auth/ResetPassword.vue'
import Login from '@/views/auth/Login.vue'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

async function setPassword(answer: unknown, password = 'a-long-password', confirm = password, route = '/reset-password?token=abc123') {
  const api = fakeApi({ 'POST /api/v1/auth/password/reset': answer })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ResetPassword, { route })
  await mounted.wrapper.get('[data-testid="reset-password"]').setValue(password)
  await mounted.wrapper.get('[data-testid="reset-confirm"]').setValue(confirm)
  await mounted.wrapper.get('form').trigger('submit')
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

afterEach(() => vi.unstubAllGlobals())

describe('ResetPassword', () => {
  it('sets the password with the link’s token and goes to the sign-in page, which says so', async () => {
    const { api, router } = await setPassword({ status: 204, body: null })
    expect(api.calls).toEqual([{ method: 'POST', url: '/api/v1/auth/password/reset', body: { token: 'abc123', password: 'a-long-password' } }])
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/login?reset=1'), { timeout: 10_000 })
    const login = await mountWithApp(Login, { route: '/login?reset=1' })
    expect(login.wrapper.get('[data-testid="login-after-reset"]').text()).toContain('密码已修改')
  })

  it('mirrors the server’s rules: ten characters at least, typed the same twice', async () => {
    const short = await setPassword({ status: 204, body: null }, 'short')
    expect(short.api.calls).toHaveLength(0)
    await vi.waitFor(() => expect(short.wrapper.text()).toContain('密码至少需要 10 个字符'))
    const differ = await setPassword({ status: 204, body: null }, 'a-long-password', 'another-password')
    expect(differ.api.calls).toHaveLength(0)
    await vi.waitFor(() => expect(differ.wrapper.text()).toContain('两次输入的密码不一致'))
  })

  it('shows the server’s field errors on their fields', async () => {
    const { wrapper } = await setPassword({
      status: 400,
      body: { error: { code: 'validation_failed', message: 'bad', fields: { password: [{ code: 'length', min: 10, max: 128, message: 'must be 10 to 128 characters' }] } } },
    })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="reset-password"]').element.closest('.el-form-item')?.textContent).toContain('应为 10–128 个字'))
  })

  it('says a dead link is dead, and offers a new one', async () => {
    const { wrapper, router } = await setPassword({ status: 422, body: { error: { code: 'invalid_token', message: 'no' } } })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="reset-invalid"]').text()).toContain('此链接无效'))
    expect(wrapper.find('form').exists()).toBe(false)
    expect(router.currentRoute.value.name).toBe('reset-password')
    expect(wrapper.get('a').attributes('href')).toBe('/forgot-password')
  })

  it('without a token, sends the visitor to ask for a link', async () => {
    const api = fakeApi({})
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(ResetPassword, { route: '/reset-password' })
    expect(wrapper.get('[data-testid="reset-invalid"]').text()).toContain('请从重置密码邮件中的链接打开此页面')
    expect(wrapper.find('form').exists()).toBe(false)
  })
})

describe('Login', () => {
  it('links to the forgotten-password page', async () => {
    vi.stubGlobal('fetch', fakeApi({}).fetchImpl)
    const { wrapper } = await mountWithApp(Login, { route: '/login' })
    const link = wrapper.get('[data-testid="login-forgot"]')
    expect(link.text()).toBe('忘记密码？')
    expect(link.attributes('href')).toBe('/forgot-password')
  })
})
