import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import HouseholdPage from '@/views/cadre/Household.vue'
import { useSession, type Me } from '@/stores/session'
import { confirmAction } from '@/utils/feedback'
import { fakeApi, mountWithApp } from '../mount'
import { cadre, household, page, region, VILLAGE } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const detail = { ...household(), incomes: [{ year: 2024, per_capita_income_fen: 650000 }], status_history: [{ from_status: null, to_status: 'registered', reason: '建档立卡', evidence: null, created_at: '2026-01-01T00:00:00Z' }] }
const secret = { id: 1, head_name: '陈秀英', id_card_number: '441426195803120040', phone: '13802001111', address: '墩背村上屋组 12 号', unavailable: [] }

async function mountPage(extra: Record<string, unknown> = {}) {
  const api = fakeApi({
    'GET /api/v1/households/1': detail,
    [`GET /api/v1/regions/${VILLAGE}`]: region,
    'GET /api/v1/needs': page([]),
    'POST /api/v1/households/1/private': secret,
    ...extra,
  })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(HouseholdPage, { props: { id: '1' }, route: '/cadre/households/1' })
  useSession().user = cadre as Me
  await flushPromises()
  return { ...mounted, api }
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  document.body.innerHTML = ''
})

/** The values in the edit dialog's fields, wherever it is in the page. */
const dialogValues = () => [...document.querySelectorAll<HTMLInputElement>('.el-dialog input')].map((i) => i.value)

describe('a household’s record', () => {
  it('shows the private fields masked, and in full only after an agreed, audited reveal', async () => {
    const { wrapper, api } = await mountPage()
    const fields = () => wrapper.get('[data-testid="household-private"]').text()
    expect(fields()).toContain('陈**')
    expect(fields()).not.toContain('陈秀英')

    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await wrapper.get('[data-testid="household-reveal"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.url.endsWith('/private'))).toBe(false)

    await wrapper.get('[data-testid="household-reveal"]').trigger('click')
    await flushPromises()
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/households/1/private'])
    expect(fields()).toContain('陈秀英')
    expect(fields()).toContain('441426195803120040')

    await wrapper.get('[data-testid="household-hide"]').trigger('click')
    expect(fields()).not.toContain('陈秀英')
  })

  it('says a field the server could not read is unreadable, masked and revealed', async () => {
    const unreadable = ['head_name', 'address'] as const
    const { wrapper } = await mountPage({
      'GET /api/v1/households/1': { ...detail, head_name_masked: '', unavailable: unreadable },
      'POST /api/v1/households/1/private': { ...secret, head_name: '', address: null, unavailable: unreadable },
    })
    const rows = () => wrapper.findAll('[data-testid="household-private"] dd').map((dd) => dd.text())
    expect(rows()[0]).toContain('无法读取')
    expect(rows()[1]).toBe('4414**********0040')
    await wrapper.get('[data-testid="household-reveal"]').trigger('click')
    await flushPromises()
    expect(rows()[0]).toContain('无法读取')
    expect(rows()[3]).toContain('无法读取')
    expect(rows()[2]).toBe('13802001111')
  })

  it('forgets the revealed fields when it is left', async () => {
    const { wrapper, router } = await mountPage()
    await wrapper.get('[data-testid="household-reveal"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('陈秀英')
    await router.push('/cadre/households/2')
    await wrapper.setProps({ id: '2' })
    await flushPromises()
    expect(wrapper.text()).not.toContain('陈秀英')
  })

  it('records a year’s income in fen, and shows a year already recorded on its field', async () => {
    const { wrapper, api } = await mountPage({
      'POST /api/v1/households/1/incomes': { status: 409, body: { error: { code: 'income_year_recorded', message: 'recorded' } } },
    })
    const yuan = wrapper.get('[data-testid="income-yuan"] input')
    await yuan.setValue('7000.5')
    await yuan.trigger('change')
    await wrapper.get('[data-testid="income-submit"]').element.closest('form')!.dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(api.calls.find((c) => c.url.endsWith('/incomes'))?.body).toEqual({ year: new Date().getFullYear() - 1, per_capita_income_fen: 700050 })
    await vi.waitFor(() => expect(wrapper.text()).toContain('该年度的收入已经登记'))
  })

  it('links to a new need for this household', async () => {
    const { wrapper } = await mountPage()
    expect(wrapper.get('[data-testid="household-new-need"]').attributes('href')).toBe('/cadre/needs/new?household=1')
  })

  it('empties the revealed fields in the edit dialog when they are hidden, and sends none of them unchanged', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { wrapper, api } = await mountPage({ 'PATCH /api/v1/households/1': { ...household(), members_count: 4 } })
    await wrapper.get('[data-testid="household-reveal"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="household-edit"]').trigger('click')
    await flushPromises()
    expect(dialogValues()).toEqual(expect.arrayContaining(['陈秀英', '13802001111', '墩背村上屋组 12 号']))

    // The page hides them again after two minutes, the dialog still open.
    vi.advanceTimersByTime(2 * 60 * 1000)
    await flushPromises()
    expect(wrapper.get('[data-testid="household-private"]').text()).not.toContain('陈秀英')
    expect(dialogValues().join()).not.toMatch(/陈秀英|13802001111|上屋组/)

    // Saving then sends only what was changed: no private field, as none was typed.
    const members = document.querySelector<HTMLInputElement>('#household-edit-members')!
    members.value = '4'
    members.dispatchEvent(new Event('input'))
    members.dispatchEvent(new Event('change'))
    await flushPromises()
    document.querySelector<HTMLButtonElement>('[data-testid="household-edit-submit"]')!.click()
    await flushPromises()
    await flushPromises()
    expect(api.calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ members_count: 4 }])
  })

  it('sends nothing when the fields are hidden with the button and nothing else changed', async () => {
    const { wrapper, api } = await mountPage()
    await wrapper.get('[data-testid="household-reveal"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="household-edit"]').trigger('click')
    await flushPromises()
    await wrapper.get('[data-testid="household-hide"]').trigger('click')
    await flushPromises()
    expect(dialogValues().join()).not.toMatch(/陈秀英|13802001111|上屋组/)
    document.querySelector<HTMLButtonElement>('[data-testid="household-edit-submit"]')!.click()
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'PATCH')).toBe(false)
  })
})
