import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import OfferEditor from '@/views/offers/OfferEditor.vue'
import { fakeApi, mountWithApp } from '../mount'
import { offerDetail } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

const person = { id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true, roles: [] }
const enterprise = {
  id: 7, email: 'enterprise@demo.duijie.cn', mobile: null, display_name: '客都农业社会责任部', locale: 'zh-CN',
  confirmed: true,
  roles: [{ id: 8, role: 'org_admin', region_code: null, organisation_id: 1, pairing_id: null }],
}
const organisation = { id: 1, kind: 'enterprise', name: '梅州客都农业发展有限公司', verified: true }
const saved = (overrides: Record<string, unknown> = {}) => ({ status: 201, body: offerDetail({ id: 6, status: 'draft', manage: { actions: ['edit', 'publish', 'withdraw'], requests: [] }, ...overrides }) })

async function mountEditor(me: unknown, table: Record<string, unknown>, route = '/offers/new', props: Record<string, string> = {}) {
  const api = fakeApi({ 'GET /api/v1/me': me, 'GET /api/v1/organisations/1': organisation, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(OfferEditor, { route, props })
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

const choose = async (wrapper: VueWrapper, testid: string, value: unknown) => {
  const select = wrapper.getComponent(`[data-testid=${testid}]`) as VueWrapper
  select.vm.$emit('update:modelValue', value)
  await flushPromises()
}
async function fill(wrapper: VueWrapper, quantity: string) {
  await choose(wrapper, 'offer-form-category', 'education')
  await wrapper.get('[data-testid=offer-form-title]').setValue('全新课桌椅 20 套')
  await wrapper.get('[data-testid=offer-form-description]').setValue('捐赠全新课桌椅，送到村小学。')
  const amount = wrapper.get('[data-testid=offer-form-quantity] input')
  await amount.setValue(quantity)
  await amount.trigger('change')
  await flushPromises()
}

describe('the offer editor', () => {
  it('offers a person goods or money only, to chosen regions or anywhere, and sends yuan as fen', async () => {
    const { wrapper, api, router } = await mountEditor(person, { 'POST /api/v1/offers': saved() })
    expect(wrapper.find('[data-testid=offer-form-as]').exists()).toBe(false)
    expect(wrapper.text()).toContain('以个人名义（王女士）')
    expect(wrapper.get('[data-testid=offer-kind-jobs]').classes()).toContain('is-disabled')
    expect(wrapper.get('[data-testid=offer-kind-money]').classes()).not.toContain('is-disabled')
    expect(wrapper.find('[data-testid=offer-destination-pairings]').exists()).toBe(false)

    await wrapper.get('[data-testid=offer-kind-money] input').setValue(true)
    await flushPromises()
    expect(wrapper.text()).toContain('金额（元）')
    await fill(wrapper, '1000.5')
    await wrapper.get('[data-testid=offer-form-save]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      kind: 'money', unit: 'money', org_id: null, category: 'education', title: '全新课桌椅 20 套', quantity: 100_050,
      destination: 'anywhere', regions: [], deliver_by: null, job_place: null, pay_min_fen: null,
    })
    expect(router.currentRoute.value.fullPath).toBe('/offers/6/edit')
  })

  it('offers every kind for a verified organisation, to its pairings; a job’s terms only for jobs; then publishes', async () => {
    const { wrapper, api, router } = await mountEditor(enterprise, {
      'POST /api/v1/offers': saved({ kind: 'jobs', unit: 'position' }),
      'POST /api/v1/offers/6/publish': offerDetail({ id: 6 }),
    })
    expect(wrapper.get('[data-testid=offer-form-as]').text()).toContain('梅州客都农业发展有限公司')
    expect(wrapper.get('[data-testid=offer-kind-jobs]').classes()).not.toContain('is-disabled')
    expect((wrapper.get('[data-testid=offer-destination-pairings] input').element as HTMLInputElement).checked).toBe(true)
    expect(wrapper.find('#offer-deliver-by').exists()).toBe(true)

    await wrapper.get('[data-testid=offer-kind-jobs] input').setValue(true)
    await flushPromises()
    expect(wrapper.find('#offer-deliver-by').exists()).toBe(false)
    expect(wrapper.text()).toContain('数量（个岗位）')
    await fill(wrapper, '30')
    await wrapper.get('[data-testid=offer-form-job-place]').setValue('梅州市梅江区工业园')
    const pay = wrapper.get('#offer-pay-min')
    await pay.setValue('4000')
    await pay.trigger('change')
    await flushPromises()
    await wrapper.get('[data-testid=offer-form-publish]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/offers')?.body).toMatchObject({
      kind: 'jobs', unit: 'position', org_id: 1, quantity: 30, destination: 'pairings', job_place: '梅州市梅江区工业园', pay_min_fen: 400_000, pay_max_fen: null,
    })
    expect(api.calls.some((c) => c.url === '/api/v1/offers/6/publish')).toBe(true)
    // The offer's page is loaded on demand before the route moves.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/offers/6'), { timeout: 5000 })
  })

  it('bounds the quantity as the API does', async () => {
    const { wrapper } = await mountEditor(person, {})
    const amount = wrapper.get('[data-testid=offer-form-quantity] input')
    await amount.setValue('999999999999')
    await amount.trigger('change')
    await flushPromises()
    expect((amount.element as HTMLInputElement).value).toBe('1000000')
    await amount.setValue('-5')
    await amount.trigger('change')
    await flushPromises()
    expect((amount.element as HTMLInputElement).value).toBe('1')
  })

  it('shows the server’s findings on their fields, in the reader’s language', async () => {
    const { wrapper } = await mountEditor(person, {
      'POST /api/v1/offers': {
        status: 422,
        body: { error: { code: 'validation_failed', message: 'bad', fields: { title: [{ code: 'private_data', kind: 'mobile', message: 'contains a phone number' }] } } },
      },
    })
    await fill(wrapper, '20')
    await wrapper.get('[data-testid=offer-form-save]').trigger('click')
    await flushPromises()
    const field = wrapper.get('[data-testid=offer-form-title]').element.closest('.el-form-item')!
    await vi.waitFor(() => expect(field.textContent).toContain('不能包含电话号码，联系请通过平台'))
  })

  it('edits a paused offer: its kind, unit and offerer stay, every field is sent again', async () => {
    const paused = offerDetail({ status: 'paused', manage: { actions: ['edit', 'resume', 'withdraw'], requests: [] } })
    const { wrapper, api } = await mountEditor(enterprise, { 'GET /api/v1/offers/5': paused, 'PUT /api/v1/offers/5': paused }, '/offers/5/edit', { id: '5' })
    expect(wrapper.get('[data-testid=offer-kind-goods]').classes()).toContain('is-disabled')
    expect(wrapper.get('[data-testid=offer-unit-item]').classes()).toContain('is-disabled')
    expect(wrapper.find('[data-testid=offer-form-as]').exists()).toBe(false)
    expect(wrapper.text()).toContain('梅州客都农业发展有限公司')
    expect(wrapper.find('[data-testid=offer-form-publish]').exists()).toBe(false)
    await wrapper.get('[data-testid=offer-form-title]').setValue('全新课桌椅 18 套')
    await wrapper.get('[data-testid=offer-form-save]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'PUT')?.body).toEqual({
      category: 'education', title: '全新课桌椅 18 套', description: '客都农业捐赠全新课桌椅，可送到结对村小学。', quantity: 20, anonymous: false,
      destination: 'pairings', regions: [], valid_until: '2027-03-01', deliver_by: '2027-01-15', job_place: null, pay_min_fen: null, pay_max_fen: null, requirements: null,
    })
  })

  it('says a withdrawn offer can no longer be changed', async () => {
    const { wrapper } = await mountEditor(enterprise, { 'GET /api/v1/offers/5': offerDetail({ status: 'withdrawn', manage: { actions: [], requests: [] } }) }, '/offers/5/edit', { id: '5' })
    expect(wrapper.text()).toContain('这项帮扶资源已撤回，不能修改。')
    expect(wrapper.find('[data-testid=offer-form-save]').exists()).toBe(false)
  })
})
