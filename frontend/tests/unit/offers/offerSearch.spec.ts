import { describe, expect, it } from 'vitest'
import {
  changeOfferQuery,
  emptyOfferQuery,
  fromOfferRoute,
  hasOfferFilters,
  offerFacetCounts,
  toOfferApiQuery,
  toOfferRoute,
  toggleOfferFilter,
  type OfferPage,
} from '@/stores/offerSearch'

describe('the offers hall’s search in the route', () => {
  it('reads what a link says, keeping only what the API knows', () => {
    const search = fromOfferRoute({ q: ' 课桌椅 ', kind: ['goods', 'spaceships', 'money'], category: 'education', programme: 'wanqi', region: '4414', sort: 'sideways', page: '3', per_page: '7' })
    expect(search).toEqual({
      q: '课桌椅',
      filters: { kind: ['goods', 'money'], category: ['education'], programme: ['wanqi'] },
      region: '4414',
      sort: '',
      page: 3,
      perPage: 20,
    })
    expect(fromOfferRoute({ region: '44x', page: '0' })).toMatchObject({ region: '', page: 1 })
  })

  it('writes only what differs from the defaults, and reads back the same', () => {
    const search = { ...emptyOfferQuery(), q: '岗位', filters: { kind: ['money', 'goods'], category: [], programme: [] }, sort: 'remaining' as const, page: 2 }
    const route = toOfferRoute(search)
    expect(route).toEqual({ q: '岗位', kind: ['goods', 'money'], sort: 'remaining', page: '2' })
    expect(fromOfferRoute(route as Record<string, string | string[]>)).toMatchObject({ q: '岗位', sort: 'remaining', page: 2 })
    expect(toOfferRoute(emptyOfferQuery())).toEqual({})
  })

  it('adds values of one group up, and starts again at page 1 on any change but of the page', () => {
    let search = { ...emptyOfferQuery(), page: 4 }
    search = toggleOfferFilter(search, 'kind', 'goods', true)
    search = toggleOfferFilter(search, 'kind', 'money', true)
    expect(search.filters.kind).toEqual(['goods', 'money'])
    expect(search.page).toBe(1)
    expect(toggleOfferFilter(search, 'kind', 'goods', false).filters.kind).toEqual(['money'])
    expect(changeOfferQuery(search, { page: 3 }).page).toBe(3)
    expect(hasOfferFilters(search)).toBe(true)
    expect(hasOfferFilters(emptyOfferQuery())).toBe(false)
  })

  it('asks the API for the search, every ticked group with it', () => {
    const search = { ...emptyOfferQuery(), q: '课桌椅', filters: { kind: ['goods'], category: ['education'], programme: [] }, region: '4414' }
    expect(toOfferApiQuery(search)).toEqual({ page: 1, per_page: 20, q: '课桌椅', kind: ['goods'], category: ['education'], region: ['4414'] })
  })

  it('shows the counts the API gives (disjunctive there), an absent group as none', () => {
    const page = { facets: { kind: { goods: 2, money: 3, jobs: 1 }, category: { education: 2 } } } as unknown as OfferPage
    expect(offerFacetCounts(page)).toEqual({
      kind: { goods: 2, money: 3, jobs: 1 },
      category: { education: 2 },
      programmes: {},
    })
    expect(offerFacetCounts(null)).toEqual({ kind: {}, category: {}, programmes: {} })
  })
})
