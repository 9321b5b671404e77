import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import PairingList from '@/views/pairings/Pairings.vue'
import { fakeApi, mountWithApp, paged } from '../mount'
import { pairing } from './fixtures'

afterEach(() => vi.unstubAllGlobals())

const wanqi = pairing({ id: 7, program: 'wanqi', program_label: '万企帮万村', name: '万企帮万村：客都农业 ↔ 墩背村、杞园村', helper_region: null, members: [] })

describe('the pairings list', () => {
  it('shows each pairing with its programme, parties and period', async () => {
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/pairings': paged([pairing(), wanqi], 20) }).fetchImpl)
    const { wrapper } = await mountWithApp(PairingList, { route: '/pairings' })
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="pairing-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]?.text()).toContain('对口帮扶')
    expect(rows[0]?.text()).toContain('广州市对口帮扶梅州、清远工作办公室（演示）')
    expect(rows[0]?.text()).toContain('2016/01/01 — 长期')
    expect(rows[1]?.text()).toContain('暂无成员单位')
    expect(rows[1]?.get('a').attributes('href')).toBe('/pairings/7')
  })

  it('filters by the programme and region in the address', async () => {
    const api = fakeApi({ 'GET /api/v1/pairings?program=wanqi&region=4414&page=1&per_page=20': paged([wanqi], 20) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(PairingList, { route: '/pairings?program=wanqi&region=4414' })
    await flushPromises()
    expect(api.calls[0]?.url).toBe('/api/v1/pairings?program=wanqi&region=4414&page=1&per_page=20')
    expect(wrapper.findAll('[data-testid="pairing-row"]')).toHaveLength(1)
  })

  it('shows the next page on asking for more', async () => {
    const api = fakeApi({
      'GET /api/v1/pairings?page=1&per_page=20': { items: [pairing()], total: 2, page: 1, per_page: 20 },
      'GET /api/v1/pairings?page=2&per_page=20': { items: [wanqi], total: 2, page: 2, per_page: 20 },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(PairingList, { route: '/pairings' })
    await flushPromises()
    expect(wrapper.findAll('[data-testid="pairing-row"]')).toHaveLength(1)
    await wrapper.get('[data-testid="pairings-more"]').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="pairing-row"]').map((r) => r.get('a').attributes('href'))).toEqual(['/pairings/1', '/pairings/7'])
    expect(wrapper.find('[data-testid="pairings-more"]').exists()).toBe(false)
  })

  it('says so when no pairing matches, and offers a retry when the list fails', async () => {
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/pairings': paged([], 20) }).fetchImpl)
    const empty = await mountWithApp(PairingList, { route: '/pairings' })
    await flushPromises()
    expect(empty.wrapper.text()).toContain('没有符合条件的结对')
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/pairings': { status: 500, body: { error: { code: 'internal', message: 'x' } } } }).fetchImpl)
    const failed = await mountWithApp(PairingList, { route: '/pairings' })
    await flushPromises()
    expect(failed.wrapper.get('[role="alert"]').text()).toContain('服务器出错了')
  })
})
