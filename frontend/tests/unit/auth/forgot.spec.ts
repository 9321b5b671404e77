import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ForgotPassword from '@/views/auth/ForgotPassword.vue'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

async function ask(answer: unknown, email = ' li@example.cn ', locale: 'zh-CN' | 'en' = 'zh-CN') {
  const api = fakeApi({ 'POST /api/v1/auth/password/forgot': answer })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ForgotPassword, { route: '/forgot-password', locale })
  await mounted.wrapper.get('[data-testid="forgot-email"]').setValue(email)
  await mounted.wrapper.get('form').trigger('submit')
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

afterEach(() => vi.unstubAllGlobals())

const accepted = { status: 202, body: { status: 'accepted', message: '' } }

describe('ForgotPassword', () => {
  it('sends the trimmed address and says a mail is on its way if the address is registered', async () => {
    const { wrapper, api } = await ask(accepted)
    expect(api.calls).toEqual([{ method: 'POST', url: '/api/v1/auth/password/forgot', body: { email: 'li@example.cn' } }])
    await vi.waitFor(() => expect(wrapper.get('[data-testid="forgot-sent"]').text()).toContain('如果该邮箱已注册'))
    expect(wrapper.find('form').exists()).toBe(false)
  })

  it('says the same in English', async () => {
    const { wrapper } = await ask(accepted, 'li@example.cn', 'en')
    await vi.waitFor(() => expect(wrapper.get('[data-testid="forgot-sent"]').text()).toContain('If this address is registered'))
  })

  it('checks the address before asking the server', async () => {
    const { wrapper, api } = await ask(accepted, 'not-an-address')
    expect(api.calls).toHaveLength(0)
    await vi.waitFor(() => expect(wrapper.text()).toContain('邮箱格式不正确'))
  })

  it('shows the server’s field error on the field', async () => {
    const { wrapper } = await ask({
      status: 400,
      body: { error: { code: 'validation_failed', message: 'bad', fields: { email: [{ code: 'email', message: 'is not an email address' }] } } },
    })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="forgot-email"]').element.closest('.el-form-item')?.textContent).toContain('不是有效的电子邮箱地址'))
  })

  it('asks to wait when asked too often', async () => {
    const { wrapper } = await ask({ status: 429, body: { error: { code: 'rate_limited', message: 'later' } } })
    await vi.waitFor(() => expect(wrapper.get('[data-testid="forgot-limited"]').text()).toContain('稍后再试'))
    expect(wrapper.find('[data-testid="forgot-sent"]').exists()).toBe(false)
  })
})
