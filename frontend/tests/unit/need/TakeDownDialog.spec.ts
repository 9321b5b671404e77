import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import TakeDownDialog from '@/views/need/components/TakeDownDialog.vue'
import { notifyError, notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp } from '../mount'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function open(table: Record<string, unknown>) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(TakeDownDialog, {
    props: { modelValue: true, needId: 10 },
    route: '/needs/10',
    attachTo: document.body,
  })
  await flushPromises()
  return { ...mounted, api }
}

const body = () => document.body
async function type(value: string) {
  const el = body().querySelector<HTMLTextAreaElement>('[data-testid=takedown-reason-input]')!
  el.value = value
  el.dispatchEvent(new Event('input'))
  await flushPromises()
}
async function submit() {
  body().querySelector<HTMLButtonElement>('[data-testid=takedown-submit]')!.click()
  await flushPromises()
}

describe('the take-down dialog', () => {
  it('says what a take-down does, and that the public never reads the reason', async () => {
    await open({})
    const text = body().textContent ?? ''
    expect(text).toContain('撤下核查这条需求')
    expect(text).toContain('不显示原因')
  })

  it('does not take a need down without a reason', async () => {
    const { api } = await open({})
    await submit()
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([])
    await vi.waitFor(() => expect(body().textContent).toContain('请填写撤下的原因'))
  })

  it('takes the need down with the reason and hands the need back', async () => {
    const { wrapper, api } = await open({ 'POST /api/v1/needs/10/take-down': { id: 10, status: 'taken_down' } })
    await type('照片中可见户主身份证')
    await submit()
    const post = api.calls.find((c) => c.method === 'POST')
    expect(post?.url).toBe('/api/v1/needs/10/take-down')
    expect(post?.body).toEqual({ reason: '照片中可见户主身份证' })
    expect(notifySuccess).toHaveBeenCalledWith('已撤下核查，需求不再公开')
    expect(wrapper.emitted('done')?.[0]?.[0]).toMatchObject({ id: 10, status: 'taken_down' })
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([false])
  })

  it("shows the server's refusal of the reason on its field", async () => {
    const { wrapper } = await open({
      'POST /api/v1/needs/10/take-down': {
        status: 400,
        body: { error: { code: 'validation_failed', message: 'x', fields: { reason: [{ code: 'length', min: 2, max: 500, message: 'x' }] } } },
      },
    })
    await type('照片中可见户主身份证')
    await submit()
    await vi.waitFor(() => expect(body().querySelector('.el-form-item__error')?.textContent).toBe('应为 2–500 个字'))
    expect(notifyError).toHaveBeenCalled()
    expect(wrapper.emitted('done')).toBeUndefined()
  })
})
