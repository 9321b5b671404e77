import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Organisations from '@/views/admin/Organisations.vue'
import OrganisationForm from '@/views/admin/components/OrganisationForm.vue'
import { notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const org = (overrides: Record<string, unknown> = {}) => ({
  id: 1, kind: 'enterprise', name: '梅州客都农业发展有限公司（演示）', credit_code: '91441426MA4UDEM01B', region_code: '441426',
  description: null, verified: true, verified_at: '2026-12-02T01:00:00Z', ...overrides,
})
const charity = org({ id: 4, kind: 'social_org', name: '梅州市慈善会（演示）', credit_code: '51441400MJDEM00038', region_code: '4414', verified: false, verified_at: null })

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('the organisations page', () => {
  it('lists the verified organisations', async () => {
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/organisations': paged([org()]), 'GET /api/v1/organisations?verified=false&page=1&per_page=100': paged([]) }).fetchImpl)
    const { wrapper } = await mountWithApp(Organisations, { route: '/admin/organisations' })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="admin-org-row"]')
    expect(rows).toHaveLength(1)
    expect(rows[0]?.text()).toContain('已认证')
    expect(rows[0]?.find('[data-testid="admin-org-verify"]').exists()).toBe(false)
  })

  it('lists those awaiting verification and verifies one', async () => {
    const api = fakeApi({
      'GET /api/v1/organisations': paged([org()]),
      'GET /api/v1/organisations?verified=false&page=1&per_page=100': paged([charity]),
      'POST /api/v1/organisations/4/verify': { ...charity, verified: true, verified_at: '2026-12-02T02:00:00Z' },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(Organisations, { route: '/admin/organisations' })
    await flushPromises()
    const pending = wrapper.get('[data-org-id="4"]')
    expect(pending.text()).toContain('待认证')
    await pending.get('[data-testid="admin-org-verify"]').trigger('click')
    await flushPromises()
    expect(api.calls.at(-1)).toMatchObject({ method: 'POST', url: '/api/v1/organisations/4/verify' })
    expect(notifySuccess).toHaveBeenCalledWith('“梅州市慈善会（演示）”已通过认证，现在公开显示')
    // It stands with the verified ones, and leaves the list of those waiting.
    expect(wrapper.get('[data-org-id="4"]').text()).toContain('已认证')
    await wrapper.get('input[value="pending"]').setValue(true)
    expect(wrapper.find('[data-org-id="4"]').exists()).toBe(false)
  })

  it('keeps an organisation registered while the waiting list was still loading', async () => {
    const api = fakeApi({ 'GET /api/v1/organisations': paged([org()]), 'GET /api/v1/organisations?verified=false&page=1&per_page=100': paged([charity]) })
    let answer: (() => void) | undefined
    vi.stubGlobal('fetch', async (input: Request) => {
      if (new URL(input.url).searchParams.get('verified') === 'false') await new Promise<void>((resolve) => (answer = resolve))
      return api.fetchImpl(input)
    })
    const { wrapper } = await mountWithApp(Organisations, { route: '/admin/organisations' })
    await flushPromises()
    await wrapper.get('[data-testid="admin-org-create"]').trigger('click')
    await flushPromises()
    const fresh = org({ id: 9, name: '新登记的合作社', verified: false, verified_at: null })
    wrapper.findComponent(OrganisationForm).vm.$emit('created', fresh)
    await flushPromises()
    answer?.()
    await flushPromises()
    expect(wrapper.find('[data-org-id="9"]').exists()).toBe(true)
    expect(wrapper.find('[data-org-id="4"]').exists()).toBe(true)
  })
})

describe('registering an organisation', () => {
  it('asks an enterprise for its credit code before sending', async () => {
    const api = fakeApi({})
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(OrganisationForm)
    await wrapper.findAll('input').find((i) => i.attributes('maxlength') === '100')?.setValue('梅州某企业')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    // (The region picker reads the provinces; nothing is sent.)
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([])
    await vi.waitFor(() => expect(wrapper.text()).toContain('企业须填写统一社会信用代码'))
  })

  it('asks a village collective or cooperative for its village before sending', async () => {
    const api = fakeApi({ 'GET /api/v1/regions': { children: [] } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(OrganisationForm)
    await wrapper.get('[data-testid=admin-org-kind-cooperative] input').setValue(true)
    await flushPromises()
    expect(wrapper.get('[data-testid=admin-org-region]').text()).toContain('所在村')
    await wrapper.get('input[data-testid=admin-org-name]').setValue('墩背村百花蜜专业合作社')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([])
    await vi.waitFor(() => expect(wrapper.text()).toContain('村集体/合作社须选择所在的村'))
  })

  it("shows the server's refusal on the field it names", async () => {
    const api = fakeApi({
      'POST /api/v1/organisations': {
        status: 422,
        body: { error: { code: 'validation_failed', message: 'x', fields: { credit_code: [{ code: 'credit_code', reason: 'check_character', message: "the credit code's check character is wrong" }] } } },
      },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(OrganisationForm)
    await wrapper.findAll('input').find((i) => i.attributes('maxlength') === '100')?.setValue('梅州某企业')
    await wrapper.findAll('input').find((i) => i.attributes('maxlength') === '18')?.setValue('91441426MA4UDEM01X')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ kind: 'enterprise', name: '梅州某企业', credit_code: '91441426MA4UDEM01X', region_code: null })
    await vi.waitFor(() => expect(wrapper.get('.el-form-item__error').text()).toBe('统一社会信用代码校验位不对，请逐位核对'))
    expect(wrapper.emitted('created')).toBeUndefined()
  })
})
