import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Register from '@/views/auth/Register.vue'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const me = { id: 9, email: 'li@example.cn', mobile: null, display_name: '李先生', locale: 'zh-CN', confirmed: true, roles: [] }

async function fill(table: Record<string, unknown>, route = '/register') {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Register, { route })
  const w = mounted.wrapper
  await w.get('[data-testid="register-name"]').setValue('李先生')
  await w.get('[data-testid="register-email"]').setValue('li@example.cn')
  await w.get('[data-testid="register-password"]').setValue('a-long-password')
  await w.get('[data-testid="register-confirm"]').setValue('a-long-password')
  await w.get('form').trigger('submit')
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

afterEach(() => vi.unstubAllGlobals())

describe('Register', () => {
  it('registers, signs in with the same address and goes on', async () => {
    const { api, router } = await fill(
      { 'POST /api/v1/auth/register': { status: 202, body: { status: 'accepted', message: '' } }, 'POST /api/v1/auth/login': { user: me, csrf_token: 'c', expires_at: '2030-01-01T00:00:00Z' } },
      '/register?next=/me/pledges',
    )
    expect(api.calls.map((c) => c.body)).toEqual([
      { display_name: '李先生', email: 'li@example.cn', mobile: null, password: 'a-long-password' },
      { login: 'li@example.cn', password: 'a-long-password' },
    ])
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/me/pledges'), { timeout: 10_000 })
  })

  it('shows the server’s field errors on their fields', async () => {
    const { wrapper, api } = await fill({
      'POST /api/v1/auth/register': { status: 400, body: { error: { code: 'validation_failed', message: 'bad', fields: { email: [{ code: 'email', message: 'is not an email address' }] } } } },
    })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="register-email"]').element.closest('.el-form-item')?.textContent).toContain('不是有效的电子邮箱地址'))
    expect(api.calls).toHaveLength(1)
  })

  it('says the address may be taken when signing in with it fails', async () => {
    const { wrapper } = await fill({
      'POST /api/v1/auth/register': { status: 202, body: { status: 'accepted', message: '' } },
      'POST /api/v1/auth/login': { status: 401, body: { error: { code: 'invalid_credentials', message: 'no' } } },
    })
    expect(wrapper.get('[role="alert"]').text()).toContain('可能已经注册过')
  })
})
