import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Households from '@/views/cadre/Households.vue'
import { useSession, type Me } from '@/stores/session'
import { fakeApi, mountWithApp, paged } from '../mount'
import { cadre, household, region, VILLAGE } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

async function mountPage(table: Record<string, unknown>) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Households, { route: `/cadre/households?village=${VILLAGE}`, attachTo: document.body })
  useSession().user = cadre as Me
  await flushPromises()
  return { ...mounted, api }
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the households page', () => {
  it('lists the village’s households masked, each a link to its record', async () => {
    const { wrapper, api } = await mountPage({
      'GET /api/v1/households': paged([household(), household({ id: 2, head_name_masked: '黄**', register_status: 'exited', poverty_causes: ['lack_capital'] })]),
      [`GET /api/v1/regions/${VILLAGE}`]: region,
    })
    expect(api.calls[0]?.url).toBe(`/api/v1/households?village=${VILLAGE}&page=1&per_page=100`)
    const rows = wrapper.findAll('[data-testid="household-row"]')
    expect(rows.map((r) => r.attributes('href'))).toEqual(['/cadre/households/1', '/cadre/households/2'])
    expect(rows[0]?.text()).toContain('陈**')
    expect(rows[0]?.text()).toContain('4414**********0040')
    expect(rows[1]?.text()).toContain('已脱贫')
    wrapper.unmount()
  })

  it('shows a duplicate ID-card number on its field', async () => {
    const { wrapper, api } = await mountPage({
      'GET /api/v1/households': paged([household()]),
      [`GET /api/v1/regions/${VILLAGE}`]: region,
      'POST /api/v1/households': {
        status: 409,
        body: { error: { code: 'household_duplicate', message: 'already', fields: { id_card_number: [{ code: 'duplicate', message: 'is already registered' }] } } },
      },
    })
    await wrapper.get('[data-testid="household-add"]').trigger('click')
    await flushPromises()
    const set = (testid: string, value: string) => {
      const input = document.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)!
      input.value = value
      input.dispatchEvent(new Event('input'))
    }
    set('household-form-name', '测试户')
    set('household-form-id-card', '11010519491231002X')
    const cause = [...document.querySelectorAll<HTMLInputElement>('.el-dialog input[type="checkbox"]')][0]!
    cause.click()
    await flushPromises()
    document.querySelector<HTMLElement>('[data-testid="household-form-submit"]')!.click()
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      village_code: VILLAGE, head_name: '测试户', id_card_number: '11010519491231002X', phone: null, address: null, members_count: 1, poverty_causes: ['illness'],
    })
    const field = document.querySelector('[data-testid="household-form-id-card"]')!.closest('.el-form-item')!
    await vi.waitFor(() => expect(field.textContent).toContain('该身份证号的农户已经登记'))
    wrapper.unmount()
  })
})
