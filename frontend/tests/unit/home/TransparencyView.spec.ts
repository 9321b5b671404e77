import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import TransparencyView from '@/views/transparency/Transparency.vue'
import { fakeApi, mountWithApp } from '../mount'

// No canvas in the test DOM: the charts are stubs (see chartStubs.ts).
vi.mock('@/components/RegionChart.vue', async () => ({ __esModule: true, default: (await import('./chartStubs')).RegionChartStub }))
vi.mock('@/components/MonthlyChart.vue', async () => ({
  __esModule: true,
  default: (await import('./chartStubs')).MonthlyChartStub,
}))

afterEach(() => vi.unstubAllGlobals())

function stats(name: string | null) {
  return {
    scope: { kind: name ? 'region' : 'platform', code: name ? '4414' : null, id: null, name },
    figures: {
      needs: { published: 8, fully_pledged: 3, fulfilled: 2, open: 4, fully_pledged_rate: 0.375, fulfilled_rate: 0.25, target_value_fen: 18_000_000, open_value_fen: 12_600_000 },
      pledges: { made: 8, pledged_value_fen: 3_400_000, delivered_value_fen: 2_380_000, overdue: 1 },
      households_reached: 1,
      villages_reached: 3,
      median_days_to_first_pledge: 1.21,
      median_days_to_fulfilment: null,
      series: [
        { month: '2026-10', needs_published: 1, pledged_value_fen: 0, delivered_value_fen: 0 },
        { month: '2026-11', needs_published: 7, pledged_value_fen: 3_400_000, delivered_value_fen: 2_380_000 },
      ],
    },
    as_of: '2026-12-02T01:00:41Z',
  }
}
const row = { code: '441426', name: '平远县', needs_published: 6, needs_open: 1, needs_fulfilled: 1, target_value_fen: 100, open_value_fen: 50, delivered_value_fen: 20 }

describe('the transparency page', () => {
  it('shows the assessment figures, rates and medians, month by month and by region', async () => {
    const api = fakeApi({ 'GET /api/v1/stats': stats(null), 'GET /api/v1/stats/regions': { region: null, children: [row] } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(TransparencyView, { route: '/transparency' })
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.find('.chart-stub').exists()).toBe(true))
    const figures = wrapper.get('[data-testid=transparency-figures]').text()
    expect(figures).toContain('37.5%')
    expect(figures).toContain('25%')
    expect(figures).toContain('首笔认捐用时（中位数）1.2 天')
    expect(figures).toContain('全部到位用时（中位数）暂无')
    expect(figures).toContain('逾期未发出1')
    expect(wrapper.get('.monthly-stub').text()).toBe('2026-10,2026-11')
    expect(wrapper.text()).toContain('全国考核数据')
  })

  it('narrows to the region in the route, and goes down to a division on a click', async () => {
    const api = fakeApi({
      'GET /api/v1/stats': stats('梅州市'),
      'GET /api/v1/stats/regions': { region: { code: '4414', name: '梅州市', level: 'city', leaf: false }, children: [row] },
      'GET /api/v1/regions/4414': { region: { code: '4414', name: '梅州市', level: 'city', leaf: false }, path: [] },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper, router } = await mountWithApp(TransparencyView, { route: '/transparency?region=4414' })
    await flushPromises()
    expect(api.calls.map((c) => c.url)).toEqual(expect.arrayContaining(['/api/v1/stats?region=4414', '/api/v1/stats/regions?region=4414']))
    expect(wrapper.text()).toContain('梅州市考核数据')
    await vi.waitFor(() => expect(wrapper.find('.chart-stub').exists()).toBe(true))
    await wrapper.get('.bar').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/transparency?region=441426'))
  })
})
