import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Products from '@/views/products/Products.vue'
import { fakeApi, mountWithApp } from '../mount'
import { productDocument } from './fixtures'

afterEach(() => vi.unstubAllGlobals())

const page = (hits: unknown[], facets: Record<string, unknown> = { category: { honey: 1, tea: 2 }, certified: { true: 1, false: 2 } }) => ({
  hits, total: hits.length, page: 1, per_page: 24, sort: 'newest', facets,
})

describe('the products hall', () => {
  it('shows each product with its price, origin, seller, badge and households; facets with their counts', async () => {
    const api = fakeApi({ 'GET /api/v1/products/search': page([productDocument()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(Products, { route: '/products' })
    await flushPromises()
    const card = wrapper.get('[data-testid=product-card]')
    expect(card.text()).toContain('平远百花蜜')
    expect(card.get('[data-testid=product-price]').text()).toBe('¥58/斤')
    expect(card.text()).toContain('平远县 大柘镇 墩背村')
    expect(card.text()).toContain('墩背村百花蜜专业合作社')
    expect(card.get('[data-testid=product-certified]').text()).toBe('扶贫产品')
    expect(card.get('[data-testid=product-households]').text()).toBe('带动不足5户')
    expect(card.get('[data-testid=product-supply]').text()).toBe('库存 120 斤')
    expect(wrapper.get('[data-testid=product-facet-category-tea]').text()).toContain('茶叶2')
    expect(wrapper.get('[data-testid=products-total]').text()).toBe('共找到 1 件产品')
  })

  it('searches what the route says, with the API’s parameter names', async () => {
    const api = fakeApi({ 'GET /api/v1/products/search': page([]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(Products, { route: '/products?q=蜂蜜&category=honey&certified=true&available=true&region=441426&sort=price_asc' })
    await flushPromises()
    const url = new URL(api.calls[0]!.url, 'http://x')
    expect(url.searchParams.get('q')).toBe('蜂蜜')
    expect(url.searchParams.getAll('category')).toEqual(['honey'])
    expect(url.searchParams.get('certified')).toBe('true')
    expect(url.searchParams.get('available')).toBe('true')
    expect(url.searchParams.getAll('region')).toEqual(['441426'])
    expect(url.searchParams.get('sort')).toBe('price_asc')
    // One request: the API counts the categories without the ticked ones itself.
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/products/search'))).toHaveLength(1)
    expect(wrapper.text()).toContain('没有符合条件的产品')
  })

  it('ticking 扶贫产品 is a navigation to the certified ones', async () => {
    const api = fakeApi({ 'GET /api/v1/products/search': page([productDocument()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper, router } = await mountWithApp(Products, { route: '/products' })
    await flushPromises()
    await wrapper.get('[data-testid=product-filter-certified] input').setValue(true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ certified: 'true' })
  })
})
