import { describe, expect, it } from 'vitest'
import {
  changeProductQuery,
  emptyProductQuery,
  fromProductRoute,
  hasProductFilters,
  productFacetCounts,
  toProductApiQuery,
  toProductRoute,
  toggleCategory,
} from '@/stores/productSearch'
import type { ProductSearchPage } from '@/api/products'

describe('the products hall’s search in the route', () => {
  it('reads what a link says, keeping only what the API knows', () => {
    const search = fromProductRoute({ q: ' 蜂蜜 ', category: ['honey', 'spaceships', 'tea'], region: '4414', certified: 'true', available: 'yes', sort: 'price_asc', page: '2', per_page: '7' })
    expect(search).toEqual({ q: '蜂蜜', categories: ['honey', 'tea'], region: '4414', certified: true, available: false, sort: 'price_asc', page: 2, perPage: 24 })
    expect(fromProductRoute({ region: '44x', sort: 'sideways', page: '0' })).toMatchObject({ region: '', sort: '', page: 1 })
  })

  it('writes only what differs from the defaults, and reads back the same', () => {
    const search = { ...emptyProductQuery(), q: '茶', categories: ['tea', 'honey'] as const, certified: true, sort: 'newest' as const, page: 3 }
    const route = toProductRoute({ ...search, categories: [...search.categories] })
    expect(route).toEqual({ q: '茶', category: ['honey', 'tea'], certified: 'true', sort: 'newest', page: '3' })
    expect(fromProductRoute(route as Record<string, string | string[]>)).toMatchObject({ q: '茶', categories: ['honey', 'tea'], certified: true, page: 3 })
    expect(toProductRoute(emptyProductQuery())).toEqual({})
  })

  it('adds categories up, and starts again at page 1 on any change but of the page', () => {
    let search = { ...emptyProductQuery(), page: 4 }
    search = toggleCategory(search, 'honey', true)
    search = toggleCategory(search, 'tea', true)
    expect(search.categories).toEqual(['honey', 'tea'])
    expect(search.page).toBe(1)
    expect(toggleCategory(search, 'honey', false).categories).toEqual(['tea'])
    expect(changeProductQuery(search, { page: 5 }).page).toBe(5)
    expect(hasProductFilters(emptyProductQuery())).toBe(false)
    expect(hasProductFilters({ ...emptyProductQuery(), available: true })).toBe(true)
  })

  it('asks the API with its own parameter names', () => {
    const search = { ...emptyProductQuery(), q: ' 蜜 ', categories: ['honey' as const], region: '441426', certified: true, available: true, sort: 'price_desc' as const }
    expect(toProductApiQuery(search)).toEqual({ q: '蜜', category: ['honey'], region: ['441426'], certified: true, available: true, sort: 'price_desc', page: 1, per_page: 24 })
  })

  it('shows the counts the API gives (disjunctive there), an absent field as none', () => {
    const page = { hits: [], total: 3, page: 1, per_page: 24, sort: 'newest', facets: { category: { honey: 3 }, certified: { true: 2, false: 1 } } } as ProductSearchPage
    expect(productFacetCounts(page)).toEqual({ category: { honey: 3 }, certified: { true: 2, false: 1 } })
    expect(productFacetCounts({ ...page, facets: { category: { honey: 3, tea: 5 } } })).toEqual({ category: { honey: 3, tea: 5 }, certified: {} })
    expect(productFacetCounts(null)).toEqual({ category: {}, certified: {} })
  })
})
