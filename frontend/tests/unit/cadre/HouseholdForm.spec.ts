import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import HouseholdForm from '@/views/cadre/components/HouseholdForm.vue'
import { useSession, type Me } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'
import { cadre, household, VILLAGE } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const SECRETS = /测试户|11010519491231002X|13800001111|上屋组/

async function mountForm() {
  const api = fakeApi({ 'POST /api/v1/households': { status: 201, body: household({ id: 5 }) } })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(HouseholdForm, { props: { open: true, village: VILLAGE }, attachTo: document.body })
  useSession().user = cadre as Me
  await flushPromises()
  return { ...mounted, api }
}

function set(testid: string, value: string) {
  const input = document.querySelector<HTMLInputElement>(`[data-testid="${testid}"]`)!
  input.value = value
  input.dispatchEvent(new Event('input'))
}

async function fill() {
  set('household-form-name', '测试户')
  set('household-form-id-card', '11010519491231002X')
  set('household-form-phone', '13800001111')
  set('household-form-address', '上屋组 3 号')
  document.querySelector<HTMLInputElement>('.el-dialog input[type="checkbox"]')!.click()
  await flushPromises()
}

const values = () => [...document.querySelectorAll<HTMLInputElement>('input')].map((i) => i.value).join()

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('registering a household', () => {
  it('keeps none of the private fields once the household is registered', async () => {
    const { wrapper, api } = await mountForm()
    await fill()
    document.querySelector<HTMLElement>('[data-testid="household-form-submit"]')!.click()
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ head_name: '测试户', phone: '13800001111' })
    expect(wrapper.emitted('created')).toHaveLength(1)
    expect(values()).not.toMatch(SECRETS)
    wrapper.unmount()
  })

  it('keeps none of them after cancelling, nor shows them when opened again', async () => {
    const { wrapper, api } = await mountForm()
    await fill()
    expect(values()).toMatch(SECRETS)
    const cancel = [...document.querySelectorAll<HTMLButtonElement>('.el-dialog__footer button')].find((b) => b.textContent?.includes('取消'))!
    cancel.click()
    expect(wrapper.emitted('close')).toHaveLength(1)
    await wrapper.setProps({ open: false })
    await flushPromises()
    expect(values()).not.toMatch(SECRETS)
    await wrapper.setProps({ open: true })
    await flushPromises()
    expect(values()).not.toMatch(SECRETS)
    expect(api.calls).toEqual([])
    wrapper.unmount()
  })
})
