import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Needs from '@/views/cadre/Needs.vue'
import { useSession, type Me } from '@/stores/session'
import { fakeApi, mountWithApp, paged } from '../mount'
import { cadre, page, publicNeed, region, VILLAGE } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const pledges = [
  { id: 7, display_name: '客都农业', quantity: 10, status: 'shipped', created_at: '2026-11-25T00:00:00Z', shipped_at: '2026-11-26T00:00:00Z' },
  { id: 8, display_name: '爱心人士', quantity: 1, status: 'received', created_at: '2026-11-25T00:00:00Z', received_at: '2026-11-27T00:00:00Z' },
  { id: 9, display_name: '王女士', quantity: 1, status: 'pledged', created_at: '2026-11-28T00:00:00Z' },
  { id: 10, display_name: '李先生', quantity: 1, status: 'thanked', created_at: '2026-11-20T00:00:00Z' },
]

async function mountPage(table: Record<string, unknown>, route = '/cadre/needs') {
  const api = fakeApi({ [`GET /api/v1/regions/${VILLAGE}`]: region, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(Needs, { route })
  useSession().user = cadre as Me
  await flushPromises()
  await flushPromises()
  return { ...mounted, api }
}
const row = (wrapper: Awaited<ReturnType<typeof mountPage>>['wrapper'], id: number) => wrapper.get(`[data-testid="cadre-need-row"][data-need-id="${id}"]`)

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('the cadre’s needs worklist', () => {
  it('links each pledge waiting for the village: sent ones to confirm, received ones to thank', async () => {
    const { wrapper, api } = await mountPage({ 'GET /api/v1/needs': page([publicNeed()]), 'GET /api/v1/needs/1/pledges': paged(pledges) })
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/needs/1/pledges?page=1&per_page=100')
    const need = row(wrapper, 1)
    expect(need.findAll('[data-testid="cadre-pledge-to-confirm"]').map((a) => a.attributes('href'))).toEqual(['/pledges/7'])
    expect(need.findAll('[data-testid="cadre-pledge-to-thank"]').map((a) => a.attributes('href'))).toEqual(['/pledges/8'])
    expect(need.text()).toContain('待捐赠方发出')
    expect(need.text()).not.toContain('李先生')
  })

  it('offers the moves each status allows, and asks for no pledges where none can be', async () => {
    const { wrapper, api } = await mountPage({
      'GET /api/v1/needs': page([
        publicNeed({ id: 2, status: 'draft', pledged_quantity: 0 }),
        publicNeed({ id: 3, status: 'submitted', pledged_quantity: 0 }),
        publicNeed({ id: 4, status: 'fulfilled', pledged_quantity: 50, received_quantity: 50 }),
        publicNeed({ id: 5, status: 'published', pledged_quantity: 0 }),
      ]),
      'GET /api/v1/needs/4/pledges': paged([]),
    })
    const moves = (id: number) => row(wrapper, id).findAll('button, a.el-button').map((b) => b.attributes('data-testid'))
    expect(moves(2)).toEqual(['cadre-need-edit', 'cadre-need-submit', 'cadre-need-withdraw'])
    expect(moves(3)).toEqual(['cadre-need-withdraw'])
    expect(moves(4)).toEqual(['cadre-need-close'])
    expect(moves(5)).toEqual(['cadre-need-withdraw'])
    expect(api.calls.filter((c) => c.url.includes('/pledges')).map((c) => c.url)).toEqual(['/api/v1/needs/4/pledges?page=1&per_page=100'])
  })

  it('asks for the chosen status, and drops a need that moved out of it', async () => {
    const { wrapper, api } = await mountPage(
      {
        'GET /api/v1/needs': page([publicNeed({ id: 2, status: 'draft', pledged_quantity: 0 })]),
        'POST /api/v1/needs/2/submit': { ...publicNeed({ id: 2, status: 'submitted' }), timeline: [], photos: [] },
      },
      '/cadre/needs?status=draft',
    )
    expect(api.calls[0]?.url).toBe('/api/v1/needs?status=draft&page=1&per_page=20')
    await row(wrapper, 2).get('[data-testid="cadre-need-submit"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/needs/2/submit')).toBe(true)
    expect(wrapper.find('[data-testid="cadre-need-row"]').exists()).toBe(false)
  })
})

describe('the worklist’s search, order and rejections', () => {
  it('asks the server for the words and the order the route holds', async () => {
    const { api } = await mountPage({ 'GET /api/v1/needs': page([publicNeed()]), 'GET /api/v1/needs/1/pledges': paged([]) }, '/cadre/needs?q=课桌&sort=deadline&page=2')
    expect(api.calls[0]?.url).toBe(`/api/v1/needs?q=${encodeURIComponent('课桌')}&sort=deadline&page=2&per_page=20`)
  })

  it('puts typed words into the route once typing rests, back on the first page', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const { wrapper, router } = await mountPage({ 'GET /api/v1/needs': page([]) }, '/cadre/needs?page=3')
      await wrapper.get('input[placeholder="搜索标题或说明"]').setValue('课桌')
      expect(router.currentRoute.value.query.q).toBeUndefined()
      vi.advanceTimersByTime(400)
      await flushPromises()
      expect(router.currentRoute.value.query).toEqual({ q: '课桌' })
    } finally {
      vi.useRealTimers()
    }
  })

  it('shows a rejected need’s reason and its next step', async () => {
    const rejected = { ...publicNeed({ id: 6, status: 'rejected', pledged_quantity: 0 }), review: { rejection_reason: '缺少房屋鉴定照片', allowed_actions: [] } }
    const { wrapper } = await mountPage({ 'GET /api/v1/needs': page([rejected]) })
    const note = row(wrapper, 6).get('[data-testid="cadre-need-rejection"]')
    expect(note.text()).toContain('未通过原因：缺少房屋鉴定照片')
    expect(note.get('[data-testid="cadre-need-record-again"]').attributes('href')).toBe('/cadre/needs/new')
  })
})
