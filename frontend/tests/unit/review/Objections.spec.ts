import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Objections from '@/views/review/Objections.vue'
import { confirmAction, notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { objection, reviewedNeed } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const suspended = reviewedNeed({ id: 5, title: '冬季棉被', status: 'suspended', notice_ends_at: '2026-12-03T07:00:00Z' }, { open_objections: 1, allowed_actions: [] })

/** A fake API whose answers change once a decision is sent, as the server's would. */
function server(after: { need: unknown; objections: unknown[] }, decision: Record<string, unknown> = {}) {
  let decided = false
  const before = { 'GET /api/v1/needs/5': suspended, 'GET /api/v1/needs/5/objections': paged([objection(), objection({ id: 2, status: 'dismissed', resolution_note: '已核实', resolved_at: '2026-12-01T00:00:00Z' })]) }
  const done = { 'GET /api/v1/needs/5': after.need, 'GET /api/v1/needs/5/objections': paged(after.objections) }
  const table = new Proxy({} as Record<string, unknown>, {
    get: (_target, key: string) => {
      if (key in decision) {
        decided = true
        return decision[key]
      }
      return (decided ? done : before)[key as keyof typeof before]
    },
  })
  return fakeApi(table)
}

async function mountPage(api: ReturnType<typeof fakeApi>) {
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Objections, { props: { id: '5' }, route: '/needs/5/objections' })
  await flushPromises()
  return mounted
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('the objections page', () => {
  it('reads the other need when only the route id changes', async () => {
    const other = reviewedNeed({ id: 6, title: '春耕化肥', status: 'suspended' }, { open_objections: 0, allowed_actions: [] })
    const api = fakeApi({
      'GET /api/v1/needs/5': suspended,
      'GET /api/v1/needs/5/objections': paged([objection()]),
      'GET /api/v1/needs/6': other,
      'GET /api/v1/needs/6/objections': paged([]),
    })
    const { wrapper } = await mountPage(api)
    expect(wrapper.text()).toContain('冬季棉被')
    await wrapper.setProps({ id: '6' })
    await flushPromises()
    expect(wrapper.text()).toContain('春耕化肥')
    expect(wrapper.findAll('[data-testid="objection-row"]')).toHaveLength(0)
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/needs/6/objections?page=1&per_page=100')
  })

  it("lists a need's objections with their status, and a decision only for the open ones", async () => {
    const { wrapper } = await mountPage(server({ need: suspended, objections: [] }))
    const rows = wrapper.findAll('[data-testid="objection-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]?.text()).toContain('待核查')
    expect(rows[0]?.text()).toContain('138 0000 0000')
    expect(rows[0]?.find('[data-testid="objection-uphold"]').exists()).toBe(true)
    expect(rows[1]?.text()).toContain('异议不成立')
    expect(rows[1]?.text()).toContain('已核实')
    expect(rows[1]?.find('[data-testid="objection-dismiss"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('待核查 1 条，共 2 条')
  })

  it('asks before a decision, saying what it does; cancelled, nothing is sent', async () => {
    const api = server({ need: suspended, objections: [] })
    const { wrapper } = await mountPage(api)
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await wrapper.get('[data-testid="objection-note"]').setValue('已入户核实：去年发放的是大米。')
    await wrapper.get('[data-testid="objection-uphold"]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledWith('异议成立：需求将被退回（未通过），并附上您的说明。', '异议成立')
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([])
  })

  it('dismisses with the note and says the notice resumed', async () => {
    const api = server(
      { need: { ...suspended, status: 'in_notice' }, objections: [objection({ status: 'dismissed' })] },
      { 'POST /api/v1/objections/1/dismiss': objection({ status: 'dismissed' }) },
    )
    const { wrapper } = await mountPage(api)
    await wrapper.get('[data-testid="objection-note"]').setValue('已入户核实：去年发放的是大米。')
    await wrapper.get('[data-testid="objection-dismiss"]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')).toMatchObject({ url: '/api/v1/objections/1/dismiss', body: { reason: '已入户核实：去年发放的是大米。' } })
    expect(notifySuccess).toHaveBeenCalledWith('异议不成立，已恢复公示')
    expect(wrapper.text()).toContain('公示中')
  })

  it('upholds and says the need was rejected', async () => {
    const api = server(
      { need: { ...suspended, status: 'rejected' }, objections: [objection({ status: 'upheld' })] },
      { 'POST /api/v1/objections/1/uphold': objection({ status: 'upheld' }) },
    )
    const { wrapper } = await mountPage(api)
    await wrapper.get('[data-testid="objection-note"]').setValue('核实属实，重复申请。')
    await wrapper.get('[data-testid="objection-uphold"]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')?.url).toBe('/api/v1/objections/1/uphold')
    expect(notifySuccess).toHaveBeenCalledWith('异议成立，需求已退回')
  })

  it('sends nothing without a note, and shows a refused note on its field', async () => {
    const api = server(
      { need: suspended, objections: [] },
      { 'POST /api/v1/objections/1/dismiss': { status: 400, body: { error: { code: 'validation_failed', message: 'x', fields: { reason: [{ code: 'length', min: 2, max: 500, message: 'must be 2 to 500 characters' }] } } } } },
    )
    const { wrapper } = await mountPage(api)
    await wrapper.get('[data-testid="objection-dismiss"]').trigger('click')
    await flushPromises()
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([])
    await wrapper.get('[data-testid="objection-note"]').setValue('查')
    await wrapper.get('[data-testid="objection-note"]').setValue('查过')
    await wrapper.get('[data-testid="objection-dismiss"]').trigger('click')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.get('.el-form-item__error').text()).toBe('应为 2–500 个字'))
  })

  it('explains that an objection decided meanwhile was refreshed', async () => {
    const api = server(
      { need: { ...suspended, status: 'in_notice' }, objections: [objection({ status: 'dismissed' })] },
      { 'POST /api/v1/objections/1/uphold': { status: 422, body: { error: { code: 'invalid_state', message: 'already decided' } } } },
    )
    const { wrapper } = await mountPage(api)
    await wrapper.get('[data-testid="objection-note"]').setValue('核实属实。')
    await wrapper.get('[data-testid="objection-uphold"]').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(wrapper.get('[role="alert"]').text()).toContain('已被处理')
    expect(wrapper.findAll('[data-testid="objection-uphold"]')).toHaveLength(0)
  })
})
