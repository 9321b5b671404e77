import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import Pairing from '@/views/pairings/Pairing.vue'
import { useSession, type Me } from '@/stores/session'
import { confirmAction, notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { board, coordinator, enterprise, kedu, pairing, stats } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))
// Charts draw on a canvas the test DOM lacks; what they are given is what matters here.
vi.mock('@/plugins/echarts', () => ({
  default: defineComponent({ props: { option: { type: Object, default: null } }, setup: (props) => () => h('div', { class: 'chart-stub', 'data-series': JSON.stringify(props.option?.series ?? []) }) }),
}))

const publicApi = () => ({
  'GET /api/v1/pairings/1': pairing(),
  'GET /api/v1/stats?pairing=1': stats(),
  'GET /api/v1/organisations': paged([kedu, { id: 3, name: '广东省某厅定点扶贫工作队（演示）', kind: 'designated_unit', verified: true }]),
})

async function open(table: Record<string, unknown>, user: Me | null = null) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Pairing, { props: { id: '1' }, route: '/pairings/1' })
  useSession().user = user
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('a pairing', () => {
  it('shows anyone its parties, figures and monthly chart, and the needs exports of its regions', async () => {
    const { wrapper, api } = await open(publicApi())
    const text = wrapper.text()
    expect(text).toContain('广州 → 梅州、清远 对口帮扶')
    expect(text).toContain('梅州市和清远市')
    expect(text).toContain('¥1.9万')
    expect(text).toContain('33.3%')
    const series = JSON.parse(wrapper.get('.chart-stub').attributes('data-series') ?? '[]')
    expect(series[0].data).toEqual([0, 19000])
    expect(wrapper.find('[data-testid="pairing-board"]').exists()).toBe(false)
    expect(api.calls.some((c) => c.url.includes('/board'))).toBe(false)
    const csv = wrapper.findAll('[data-testid="export-needs-csv"]').map((a) => a.attributes('href'))
    expect(csv).toEqual(['/api/v1/exports/needs?region=4414&format=csv', '/api/v1/exports/needs?region=4418&format=csv'])
    expect(wrapper.find('[data-testid="export-ledger-csv"]').exists()).toBe(false)
  })

  it("offers a member organisation's people its own ledger, not the board", async () => {
    const { wrapper } = await open(publicApi(), enterprise)
    expect(wrapper.find('[data-testid="pairing-board"]').exists()).toBe(false)
    const ledger = wrapper.findAll('[data-testid="export-ledger-csv"]').map((a) => a.attributes('href'))
    expect(ledger).toEqual(['/api/v1/exports/ledger?org=1&format=csv'])
  })

  it('shows its coordinator the board: gaps, what each member pledged and delivered, overdue pledges', async () => {
    const { wrapper } = await open({ ...publicApi(), 'GET /api/v1/pairings/1/board': board() }, coordinator)
    const boardText = wrapper.get('[data-testid="pairing-board"]').text()
    expect(boardText).toContain('杞园村沙田柚消费帮扶')
    expect(boardText).toContain('¥7,200')
    expect(boardText).toContain('¥5,000')
    expect(boardText).toContain('应于 2026/11/20 前发出')
    const memberSeries = JSON.parse(wrapper.findAll('.chart-stub')[1]?.attributes('data-series') ?? '[]')
    expect(memberSeries[0].data).toEqual([7200, 0])
    // 消费帮扶: the members' purchases from the pairing's villages, and each member's total.
    expect(wrapper.findAll('[data-testid="member-purchases"]').map((c) => c.text())).toEqual(['—', '¥1,160'])
    const row = wrapper.get('[data-testid="board-purchases"] [data-testid="purchase-row"]')
    expect(row.text()).toContain('平远百花蜜')
    expect(row.text()).toContain('扶贫产品')
    expect(row.text()).toContain('梅州客都农业发展有限公司（演示）')
    expect(row.text()).toContain('10 斤')
    expect(row.text()).toContain('¥580')
    expect(row.text()).toContain('已收货')
    expect(wrapper.get('[data-testid="consumption-ordered"]').text()).toBe('¥1,160')
    expect(wrapper.text()).toContain('另有非认定产品采购 ¥30，不计入消费扶贫')
  })

  it('lets its coordinator invite a member to a gap (the only member chosen already)', async () => {
    const onlyKedu = board({ members: [board().members[1]] })
    const { wrapper, api } = await open(
      {
        ...publicApi(),
        'GET /api/v1/pairings/1/board': onlyKedu,
        'POST /api/v1/pairings/1/invitations': { status: 201, body: { id: 4, need_id: 8, organisation_id: 1, message: null, created_at: '2026-12-02T01:00:00Z' } },
      },
      coordinator,
    )
    const invite = wrapper.findAll('button').find((b) => b.text() === '邀请认捐')
    await invite?.trigger('click')
    await flushPromises()
    // The dialog is teleported to the body.
    Array.from(document.body.querySelectorAll('button'))
      .find((b) => b.textContent?.includes('发送邀请'))
      ?.click()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')).toMatchObject({ url: '/api/v1/pairings/1/invitations', body: { need_id: 8, organisation_id: 1, message: null } })
    expect(notifySuccess).toHaveBeenCalledWith('邀请已发送')
    expect(wrapper.get('[data-testid="pairing-board"]').text()).toContain('杞园村沙田柚消费帮扶 → 梅州客都农业发展有限公司（演示）')
  })

  it('removes a member once the coordinator confirms', async () => {
    const { wrapper, api } = await open(
      { ...publicApi(), 'GET /api/v1/pairings/1/board': board(), 'DELETE /api/v1/pairings/1/members/1': { status: 204, body: null } },
      coordinator,
    )
    const remove = wrapper.findAll('button').find((b) => b.attributes('aria-label') === `移除成员单位 ${kedu.name}`)
    await remove?.trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalled()
    expect(api.calls.find((c) => c.method === 'DELETE')?.url).toBe('/api/v1/pairings/1/members/1')
    expect(notifySuccess).toHaveBeenCalledWith(`已移除 ${kedu.name}`)
  })

  it('offers anyone to follow the pairing, showing 已关注 to who does', async () => {
    const visitor = await open(publicApi())
    const button = () => visitor.wrapper.get('[data-follow-kind=pairing]')
    expect(button().attributes('data-follow-target')).toBe('1')
    expect(button().text()).toContain('关注该结对')
    visitor.wrapper.unmount()

    const follower = await open(
      { ...publicApi(), 'GET /api/v1/me/follows': paged([{ id: 4, target_kind: 'pairing', target: '1', label: '广州 → 梅州、清远 对口帮扶', mode: 'instant', created_at: '2026-11-20T02:00:00Z' }]) },
      enterprise,
    )
    expect(follower.wrapper.get('[data-follow-kind=pairing]').text()).toContain('已关注该结对 · 即时提醒')
  })
})
