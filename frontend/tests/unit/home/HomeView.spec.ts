import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import HomeView from '@/views/home/Home.vue'
import { fakeApi, mountWithApp } from '../mount'
import { searchHit } from '../need/fixtures'

// No canvas in the test DOM: the charts are stubs (see chartStubs.ts).
vi.mock('@/components/RegionChart.vue', async () => ({ __esModule: true, default: (await import('./chartStubs')).RegionChartStub }))

afterEach(() => vi.unstubAllGlobals())

const stats = {
  scope: { kind: 'platform', code: null, id: null, name: null },
  figures: {
    needs: { published: 8, fully_pledged: 3, fulfilled: 2, open: 4, fully_pledged_rate: 0.375, fulfilled_rate: 0.25, target_value_fen: 18_000_000, open_value_fen: 12_600_000 },
    pledges: { made: 8, pledged_value_fen: 3_400_000, delivered_value_fen: 2_380_000, overdue: 0 },
    households_reached: 1,
    villages_reached: 3,
    median_days_to_first_pledge: 1.21,
    median_days_to_fulfilment: 1.46,
    series: [],
  },
  as_of: '2026-12-02T01:00:41Z',
}
const row = (code: string, name: string) => ({
  code, name, needs_published: 2, needs_open: 1, needs_fulfilled: 1, target_value_fen: 100, open_value_fen: 50, delivered_value_fen: 20,
})
const urgent = { hits: [searchHit({ id: 16, title: '灾后房屋修缮', urgency: 'critical' })], total: 1, facets: {}, page: 1, per_page: 4, sort: 'urgency' }

async function mountHome(extra: Record<string, unknown> = {}) {
  const api = fakeApi({
    'GET /api/v1/me': { status: 401, body: { error: { code: 'unauthenticated', message: '' } } },
    'GET /api/v1/stats': stats,
    'GET /api/v1/needs/search': urgent,
    'GET /api/v1/stats/regions': { region: null, children: [row('44', '广东省'), row('45', '广西壮族自治区')] },
    ...extra,
  })
  // The fake API answers by path first: the cities of Guangdong come from a table of their own.
  const cities = fakeApi({
    'GET /api/v1/stats/regions': { region: { code: '44', name: '广东省', level: 'province', leaf: false }, children: [row('4414', '梅州市')] },
  })
  vi.stubGlobal('fetch', (input: Request) => {
    if (!input.url.includes('region=44')) return api.fetchImpl(input)
    api.calls.push({ method: input.method, url: new URL(input.url).pathname + new URL(input.url).search })
    return cities.fetchImpl(input)
  })
  const mounted = await mountWithApp(HomeView, { route: '/' })
  await flushPromises()
  await vi.waitFor(() => expect(mounted.wrapper.find('.chart-stub').exists()).toBe(true))
  return { ...mounted, api }
}

describe('the home page', () => {
  it('shows the platform’s headline figures', async () => {
    const { wrapper } = await mountHome()
    const figures = wrapper.get('[data-testid=home-figures]').text()
    expect(figures).toContain('已发布需求8')
    expect(figures).toContain('尚缺金额¥12.6万')
    expect(figures).toContain('已到位¥2.4万')
    expect(figures).toContain('受益村3')
    expect(wrapper.findAll('h1')).toHaveLength(1)
  })

  it('shows the most urgent needs still open, with the way to all of them', async () => {
    const { wrapper, api } = await mountHome()
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/needs/search?sort=urgency&open=true&per_page=4')
    expect(wrapper.get('[data-testid=need-card] a').attributes('href')).toBe('/needs/16')
    expect(wrapper.find('a[href="/needs?sort=urgency&open=true"]').exists()).toBe(true)
  })

  it('charts the provinces, a province’s cities on a click, and opens the hall on a city', async () => {
    const { wrapper, api, router } = await mountHome()
    const chart = () => wrapper.get('[data-testid=home-chart]')
    expect(chart().text()).toContain('各省需求')
    expect(chart().findAll('.bar').map((b) => b.text())).toEqual(['广东省', '广西壮族自治区'])
    await chart().get('.bar').trigger('click')
    await flushPromises()
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/stats/regions?region=44')
    expect(chart().text()).toContain('广东省各市需求')
    expect(chart().findAll('.bar').map((b) => b.text())).toEqual(['梅州市'])
    await chart().get('.bar').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/needs?region=4414'))
  })

  it('keeps the page when the figures cannot be had, offering to try again', async () => {
    const { wrapper } = await mountHome({ 'GET /api/v1/stats': { status: 503, body: { error: { code: 'database_unavailable', message: '' } } } })
    expect(wrapper.get('[role=alert]').text()).toContain('服务暂时不可用')
    expect(wrapper.find('[data-testid=need-card]').exists()).toBe(true)
  })
})
