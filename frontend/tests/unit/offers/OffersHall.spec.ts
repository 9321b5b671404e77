import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OffersHall from '@/views/offers/Offers.vue'
import { fakeApi, mountWithApp } from '../mount'
import { publicOffer } from './fixtures'

afterEach(() => vi.unstubAllGlobals())

const signedOut = { status: 401, body: { error: { code: 'unauthenticated', message: '' } } }
const page = (hits: unknown[], facets: Record<string, Record<string, number>>) => ({ hits, total: hits.length, facets, page: 1, per_page: 20, sort: 'newest' })
const job = publicOffer({
  id: 9, kind: 'jobs', kind_label: '就业岗位', category: 'employment', title: '电子厂普工 30 名', unit: 'position', unit_label: '个岗位',
  quantity: 30, remaining: 30, matched: 0, destination: 'anywhere', regions: [], job_place: '梅州市梅江区工业园', pay_min_fen: 400_000, pay_max_fen: 600_000, deliver_by: null,
})

async function mountHall(route: string, table: Record<string, unknown>) {
  const api = fakeApi({ 'GET /api/v1/me': signedOut, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(OffersHall, { route })
  await flushPromises()
  return { ...mounted, api }
}

describe('the offers hall', () => {
  it('shows the offers found: kind, who offers, what is left in its unit, where it may go, until when, a job’s pay', async () => {
    const { wrapper, api } = await mountHall('/offers?q=课桌椅', {
      'GET /api/v1/offers/search': page([publicOffer(), job], { kind: { goods: 1, jobs: 1 }, category: {}, programmes: {} }),
    })
    expect(api.calls.find((c) => c.url.startsWith('/api/v1/offers/search'))?.url).toBe(`/api/v1/offers/search?page=1&per_page=20&q=${encodeURIComponent('课桌椅')}`)
    expect(wrapper.get('[data-testid=offers-total]').text()).toBe('共找到 2 项帮扶资源')
    const [desks, jobs] = wrapper.findAll('[data-testid=offer-card]')
    expect(desks!.text()).toContain('物资')
    expect(desks!.text()).toContain('梅州客都农业发展有限公司')
    expect(desks!.text()).toContain('剩余 12 套（共 20 套）')
    expect(desks!.text()).toContain('结对帮扶地区：梅州市、墩背村委会、杞园村委会 等 4 地')
    expect(desks!.text()).toContain('有效期至 2027/03/01')
    expect(desks!.text()).toContain('2027/01/15 前送达')
    expect(desks!.get('a').attributes('href')).toBe('/offers/5')
    expect(jobs!.text()).toContain('月薪 ¥4,000–¥6,000')
    expect(jobs!.text()).toContain('不限地区')
    expect(jobs!.text()).toContain('剩余 30 个岗位（共 30 个岗位）')
  })

  it('keeps a ticked group’s other values with the counts the API gives them, in one request', async () => {
    // The API counts a group without its own ticks: 资金 and 岗位 stay while 物资 is ticked.
    const { wrapper, api } = await mountHall('/offers?kind=goods', {
      'GET /api/v1/offers/search?page=1&per_page=20&kind=goods': page([publicOffer()], { kind: { goods: 1, money: 2, jobs: 1 }, category: { education: 1 }, programmes: { wanqi: 1 } }),
    })
    expect(api.calls.map((c) => c.url).filter((u) => u.startsWith('/api/v1/offers/search'))).toEqual([
      '/api/v1/offers/search?page=1&per_page=20&kind=goods',
    ])
    expect(wrapper.get('[data-testid=offer-facet-kind-goods]').classes()).toContain('is-checked')
    const money = wrapper.get('[data-testid=offer-facet-kind-money]')
    expect(money.text()).toContain('资金')
    expect(money.text()).toContain('2')
    expect(wrapper.get('[data-testid=offer-facet-programmes-wanqi]').text()).toContain('万企帮万村')
  })

  it('puts a ticked value, the region and the sort into the route, back at page 1', async () => {
    const { wrapper, router } = await mountHall('/offers?kind=goods&page=2', {
      'GET /api/v1/offers/search': page([publicOffer()], { kind: { goods: 1, money: 2 }, category: { education: 1 }, programmes: {} }),
    })
    await wrapper.get('[data-testid=offer-facet-kind-money] input').setValue(true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ kind: ['goods', 'money'] })
    await wrapper.get('[data-testid=offers-sort]').setValue('valid_until')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ kind: ['goods', 'money'], sort: 'valid_until' })
  })

  it('says when nothing is found, and offers to clear the filters', async () => {
    const { wrapper } = await mountHall('/offers?category=housing', {
      'GET /api/v1/offers/search': page([], { kind: {}, category: {}, programmes: {} }),
    })
    expect(wrapper.text()).toContain('没有找到符合条件的帮扶资源，换个条件试试。')
    expect(wrapper.text()).toContain('清除全部条件')
  })
})
