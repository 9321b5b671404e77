import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import NeedEditor from '@/views/cadre/NeedEditor.vue'
import { useSession, type Me } from '@/stores/session'
import { fakeApi, mountWithApp, paged } from '../mount'
import { cadre, household, publicNeed, region, VILLAGE } from './fixtures'
import { confirmAction } from '@/utils/feedback'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const review = (allowed: string[]) => ({ requires_second_verification: false, open_objections: 0, allowed_actions: allowed })
const draft = { ...publicNeed({ id: 17, status: 'draft', title: '村卫生室血压计', pledged_quantity: 0 }), timeline: [], photos: [], review: review(['edit', 'submit', 'withdraw']) }

async function mountPage(table: Record<string, unknown>, route: string, props: Record<string, string> = {}) {
  const answers: Record<string, unknown> = { [`GET /api/v1/regions/${VILLAGE}`]: region, ...table }
  const api = fakeApi(new Proxy(answers, { get: (t, key: string) => t[key] }))
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(NeedEditor, { route, props })
  useSession().user = cadre as Me
  await flushPromises()
  await flushPromises()
  return { ...mounted, api, answers }
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('the need editor', () => {
  it('sends only what changed, and shows the server’s private-data finding on its field', async () => {
    const { wrapper, api, answers } = await mountPage(
      {
        'GET /api/v1/needs/17': draft,
        'PATCH /api/v1/needs/17': {
          status: 422,
          body: { error: { code: 'private_data', message: 'description would be public', fields: { description: [{ code: 'private_data', kind: 'mobile', message: 'contains a phone number' }] } } },
        },
      },
      '/cadre/needs/17/edit',
      { id: '17' },
    )
    expect((wrapper.get('[data-testid="need-form-title"]').element as HTMLInputElement).value).toBe('村卫生室血压计')
    await wrapper.get('[data-testid="need-form-description"]').setValue('学校课桌椅老旧，联系电话 13800001111。')
    await wrapper.get('[data-testid="need-form-submit"]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ description: '学校课桌椅老旧，联系电话 13800001111。' })
    const field = wrapper.get('[data-testid="need-form-description"]').element.closest('.el-form-item')!
    await vi.waitFor(() => expect(field.textContent).toContain('不能包含电话号码，联系请通过平台'))

    answers['PATCH /api/v1/needs/17'] = { ...draft, description: '学校课桌椅老旧，需要更换五十套。' }
    answers['POST /api/v1/needs/17/submit'] = { ...draft, status: 'submitted', review: review(['withdraw']) }
    await wrapper.get('[data-testid="need-form-description"]').setValue('学校课桌椅老旧，需要更换五十套。')
    await wrapper.get('[data-testid="need-submit-review"]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/needs/17/submit'])
    expect(wrapper.get('[data-testid="need-status"]').text()).toBe('待审核')
    expect(wrapper.find('[data-testid="need-submit-review"]').exists()).toBe(false)
  })

  it('shows a deadline too soon for the notice period on the deadline', async () => {
    const { wrapper } = await mountPage(
      {
        'GET /api/v1/needs/17': draft,
        'POST /api/v1/needs/17/submit': { status: 422, body: { error: { code: 'validation_failed', message: 'bad', fields: { deadline: [{ code: 'min_days_ahead', days: 4, message: 'must be at least 4 days away' }] } } } },
      },
      '/cadre/needs/17/edit',
      { id: '17' },
    )
    await wrapper.get('[data-testid="need-submit-review"]').trigger('click')
    await flushPromises()
    const field = wrapper.get('#editor-deadline').element.closest('.el-form-item')!
    await vi.waitFor(() => expect(field.textContent).toContain('应至少在 4 天以后'))
  })

  it('starts a household’s need from the household, masked', async () => {
    const { wrapper, api } = await mountPage(
      { 'GET /api/v1/households/1': { ...household(), incomes: [], status_history: [] }, 'GET /api/v1/households': paged([household()]) },
      '/cadre/needs/new?household=1',
    )
    expect(api.calls.map((c) => c.url)).toContain(`/api/v1/households?village=${VILLAGE}&page=1&per_page=100`)
    expect(wrapper.get('[data-testid="need-form-household"]').element.closest('.el-form-item')!.textContent).toContain('陈** · 3 口之家 · 因病')
    expect(wrapper.text()).toContain('先保存草稿，再上传照片')
  })

  it('says a need past its draft can no longer be edited', async () => {
    const { wrapper } = await mountPage(
      { 'GET /api/v1/needs/17': { ...draft, status: 'rejected', review: { ...review([]), rejection_reason: '不属于帮扶范围' } } },
      '/cadre/needs/17/edit',
      { id: '17' },
    )
    expect(wrapper.text()).toContain('未通过审核的原因：不属于帮扶范围')
    expect(wrapper.text()).toContain('不能再编辑')
    expect(wrapper.find('[data-testid="need-form-submit"]').exists()).toBe(false)
  })

  it('asks before submitting for review, and cancelling changes nothing', async () => {
    const { wrapper, api } = await mountPage({ 'GET /api/v1/needs/17': draft }, '/cadre/needs/17/edit', { id: '17' })
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await wrapper.get('[data-testid="need-submit-review"]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledWith(expect.stringContaining('不能再编辑'), '提交审核')
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([])
    expect(wrapper.get('[data-testid="need-status"]').text()).toBe('草稿')
  })

  it('refuses a negative or too large target before sending, in the server’s words', async () => {
    const { wrapper, api } = await mountPage({ 'GET /api/v1/needs/17': draft }, '/cadre/needs/17/edit', { id: '17' })
    const input = wrapper.get('[data-testid="need-form-quantity"] input')
    await input.setValue('-5')
    await input.trigger('change')
    await wrapper.get('[data-testid="need-form-submit"]').trigger('click')
    await flushPromises()
    const field = input.element.closest('.el-form-item')!
    await vi.waitFor(() => expect(field.textContent).toContain('不能小于 1'))
    expect((input.element as HTMLInputElement).value).toBe('-5')
    await input.setValue('999999999999')
    await input.trigger('change')
    await wrapper.get('[data-testid="need-form-submit"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(field.textContent).toContain('此处不能大于 1,000,000'))
    expect(wrapper.text()).not.toContain('合计')
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([])
  })
})
