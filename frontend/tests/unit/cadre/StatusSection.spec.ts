import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import StatusSection from '@/views/cadre/components/StatusSection.vue'
import HouseholdNeeds from '@/views/cadre/components/HouseholdNeeds.vue'
import { fakeApi, mountWithApp } from '../mount'
import { household, page, publicNeed } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const history = [{ from_status: null, to_status: 'registered' as const, reason: 'Registered', evidence: 'Survey form 12', created_at: '2026-01-01T00:00:00Z' }]

afterEach(() => vi.unstubAllGlobals())

describe('a household’s register status', () => {
  it('says a target status is needed, sending nothing, and writes its evidence in the page’s language', async () => {
    const api = fakeApi({})
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(StatusSection, { props: { household: household(), history }, locale: 'en' })
    expect(wrapper.text()).toContain('Evidence: Survey form 12')
    expect(wrapper.text()).not.toContain('：')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.text()).toContain('Choose the new status'))
    expect(wrapper.findAll('.el-form-item__error').length).toBeGreaterThanOrEqual(1)
    expect(api.calls).toEqual([])
  })
})

describe('a household’s needs', () => {
  it('loads again for another household', async () => {
    const api = fakeApi({ 'GET /api/v1/needs': page([publicNeed()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(HouseholdNeeds, { props: { household: household() } })
    await flushPromises()
    await wrapper.setProps({ household: household({ id: 2 }) })
    await flushPromises()
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/needs?household=1&per_page=100', '/api/v1/needs?household=2&per_page=100'])
  })
})
