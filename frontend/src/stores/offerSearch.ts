// The 帮扶资源大厅's search, kept as the needs hall keeps its own (stores/search.ts): the whole
// state lives in the route's query, the view turns it into an `OfferQuery`, this store asks the
// API, and every change goes back into the route. The conversions are pure, tested alone.
//
// The facets add up within a group: ticking 物资 and then 资金 finds either. The API counts
// them disjunctively (a group's counts ignore the group's own ticks), so a group keeps showing
// its other values with what ticking each would add, from the one answer.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { ApiError, type Schemas } from '@/api/client'
import { searchOffers, type OfferSearchQuery } from '@/api/offers'
import { OFFER_KINDS } from '@/components/offer'
import { errorMessage } from '@/locales'

export type OfferPage = Schemas['OfferSearchPage']
export type OfferHit = Schemas['OfferDocument']
export type OfferSort = Schemas['OfferSort']

export const OFFER_SORTS: readonly OfferSort[] = ['relevance', 'newest', 'valid_until', 'remaining']
export const PER_PAGE_CHOICES = [10, 20, 50] as const
export const DEFAULT_PER_PAGE = 20
/** The API pages no further than this. */
export const MAX_PAGE = 1000

const CATEGORIES: readonly Schemas['Category'][] = [
  'education', 'medical', 'industry', 'employment', 'housing', 'infrastructure', 'daily_goods', 'consumption',
]
const PROGRAMMES: readonly Schemas['Program'][] = ['wanqi', 'duikou', 'dingdian']

/** The facets the API counts (`facets.<field>`), the filter parameter of each, and its values in reading order. */
export const OFFER_FACETS = [
  { field: 'kind', param: 'kind', values: OFFER_KINDS },
  { field: 'category', param: 'category', values: CATEGORIES },
  { field: 'programmes', param: 'programme', values: PROGRAMMES },
] as const
export type OfferFacetField = (typeof OFFER_FACETS)[number]['field']
export type OfferFilterParam = (typeof OFFER_FACETS)[number]['param']
const PARAMS: readonly OfferFilterParam[] = OFFER_FACETS.map((f) => f.param)

/** Offers found per value of each facet: `{kind: {goods: 3}}`. */
export type OfferFacetCounts = Partial<Record<OfferFacetField, Record<string, number>>>

export interface OfferQuery {
  q: string
  filters: Record<OfferFilterParam, string[]>
  /** One region code at any level, '' for everywhere: offers that may go there. */
  region: string
  /** '' leaves the order to the API: relevance with words, newest without. */
  sort: OfferSort | ''
  page: number
  perPage: number
}

export function emptyOfferQuery(): OfferQuery {
  return { q: '', filters: { kind: [], category: [], programme: [] }, region: '', sort: '', page: 1, perPage: DEFAULT_PER_PAGE }
}

function values(raw: LocationQuery[string] | undefined): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  return [...new Set(list.map((v) => v?.trim() ?? '').filter(Boolean))]
}

function wholeNumber(raw: string, fallback: number, max: number): number {
  if (!/^\d+$/.test(raw)) return fallback
  const n = Number(raw)
  return n >= 1 && n <= max ? n : fallback
}

/**
 * The search a route's query describes. Only the values the API knows are kept (an old or
 * mistyped link still searches, without the part it cannot mean); a page or page size outside
 * what the API takes falls back to its default.
 */
export function fromOfferRoute(query: LocationQuery): OfferQuery {
  const search = emptyOfferQuery()
  search.q = values(query.q)[0] ?? ''
  for (const { param, values: known } of OFFER_FACETS) {
    search.filters[param] = values(query[param]).filter((v) => (known as readonly string[]).includes(v))
  }
  search.region = values(query.region).find((v) => /^\d{2,12}$/.test(v)) ?? ''
  const sort = values(query.sort)[0] ?? ''
  search.sort = (OFFER_SORTS as readonly string[]).includes(sort) ? (sort as OfferSort) : ''
  search.page = wholeNumber(values(query.page)[0] ?? '', 1, MAX_PAGE)
  const perPage = wholeNumber(values(query.per_page)[0] ?? '', DEFAULT_PER_PAGE, 100)
  search.perPage = (PER_PAGE_CHOICES as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE
  return search
}

/** The route query of a search: only what differs from the defaults, in a stable order. */
export function toOfferRoute(search: OfferQuery): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (search.q.trim()) query.q = search.q.trim()
  for (const param of PARAMS) {
    const list = [...new Set(search.filters[param])].sort()
    if (list.length === 1) query[param] = list[0]
    else if (list.length > 1) query[param] = list
  }
  if (search.region) query.region = search.region
  if (search.sort) query.sort = search.sort
  if (search.page > 1) query.page = String(search.page)
  if (search.perPage !== DEFAULT_PER_PAGE) query.per_page = String(search.perPage)
  return query
}

/** The search after a change: any change but of the page starts again at page 1. */
export function changeOfferQuery(search: OfferQuery, change: Partial<OfferQuery>): OfferQuery {
  return { ...search, ...change, filters: { ...search.filters, ...(change.filters ?? {}) }, page: change.page ?? 1 }
}

/** The search with one facet value ticked or unticked (values of one group add up). */
export function toggleOfferFilter(search: OfferQuery, param: OfferFilterParam, value: string, on: boolean): OfferQuery {
  const others = search.filters[param].filter((v) => v !== value)
  return changeOfferQuery(search, { filters: { ...search.filters, [param]: on ? [...others, value] : others } })
}

export function hasOfferFilters(search: OfferQuery): boolean {
  return search.q.trim() !== '' || search.region !== '' || PARAMS.some((p) => search.filters[p].length > 0)
}

/** The parameters of `GET /api/v1/offers/search` for a search. */
export function toOfferApiQuery(search: OfferQuery): OfferSearchQuery {
  const query: OfferSearchQuery = { page: search.page, per_page: search.perPage }
  if (search.q.trim()) query.q = search.q.trim()
  const { kind, category, programme } = search.filters
  if (kind.length) query.kind = kind as OfferSearchQuery['kind']
  if (category.length) query.category = category as OfferSearchQuery['category']
  if (programme.length) query.programme = programme as OfferSearchQuery['programme']
  if (search.region) query.region = [search.region]
  if (search.sort) query.sort = search.sort
  return query
}

/** The counts each facet shows, as the API counted them (a group's ignoring its own ticks). */
export function offerFacetCounts(page: OfferPage | null): OfferFacetCounts {
  const own = (page?.facets ?? {}) as OfferFacetCounts
  const counts: OfferFacetCounts = {}
  for (const { field } of OFFER_FACETS) counts[field] = own[field] ?? {}
  return counts
}

export const useOfferSearch = defineStore('offerSearch', () => {
  const query = ref<OfferQuery>(emptyOfferQuery())
  const result = shallowRef<OfferPage | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let generation = 0

  /** A refused region code shows on the region picker; any other failure is the page's. */
  const regionError = computed(() =>
    error.value?.code === 'invalid_region_code' ? errorMessage(error.value.code, error.value.message) : '',
  )
  const pageError = computed(() => (error.value && !regionError.value ? error.value : null))
  const facets = computed(() => offerFacetCounts(result.value))

  /** Runs `search`; of overlapping runs, only the last one's answers are kept. */
  async function load(search: OfferQuery): Promise<void> {
    const mine = ++generation
    query.value = search
    loading.value = true
    error.value = null
    try {
      const page = await searchOffers(toOfferApiQuery(search))
      if (mine !== generation) return
      result.value = page
    } catch (e) {
      if (mine !== generation) return
      error.value = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
      result.value = null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  function retry() {
    return load(query.value)
  }

  return { query, result, facets, loading, error, regionError, pageError, load, retry }
})
