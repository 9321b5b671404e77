// The 需求大厅's search. Its whole state lives in the route's query, so that a search is a link
// to share and the back button walks back through it: the view turns the route into a
// `SearchQuery` (`fromRouteQuery`), this store asks the API, and every change the user makes
// goes back into the route (`toRouteQuery`). The conversions are pure functions, tested alone.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { ApiError, type Schemas } from '@/api/client'
import { searchNeeds, type SearchQuery as ApiQuery } from '@/api/needs'
import { fieldMessages } from '@/composables/useFieldErrors'
import { errorMessage } from '@/locales'

export type SearchPage = Schemas['SearchPage']
export type SearchHit = Schemas['SearchHit']
export type SortName = Schemas['SortName']

export const SORTS: readonly SortName[] = ['relevance', 'newest', 'urgency', 'deadline', 'remaining_value']
export const PER_PAGE_CHOICES = [10, 20, 50] as const
export const DEFAULT_PER_PAGE = 20
/** The API pages no further than this. */
export const MAX_PAGE = 10_000

/** The facets the API counts (`facets.<field>`), and the filter parameter that narrows by each. */
export const FACETS = [
  { field: 'category', param: 'category' },
  { field: 'urgency', param: 'urgency' },
  { field: 'beneficiary_kind', param: 'beneficiary' },
  { field: 'status', param: 'status' },
  { field: 'poverty_causes', param: 'cause' },
] as const
export type FacetField = (typeof FACETS)[number]['field']
export type FilterParam = (typeof FACETS)[number]['param']
export const FILTER_PARAMS: readonly FilterParam[] = FACETS.map((f) => f.param)

/** Needs found per value of each facet: `{category: {education: 3}}`. */
export type FacetCounts = Partial<Record<FacetField, Record<string, number>>>

/** The facet counts of an answer (its generated type does not say what `facets` holds). */
export function facetCounts(page: SearchPage | null): FacetCounts {
  return (page?.facets ?? {}) as FacetCounts
}

export interface SearchQuery {
  q: string
  filters: Record<FilterParam, string[]>
  /** One region code at any level, '' for everywhere. */
  region: string
  /** Only needs taking pledges now. */
  open: boolean
  /** '' leaves the order to the API: relevance with words, newest without. */
  sort: string
  page: number
  perPage: number
}

export function emptyQuery(): SearchQuery {
  return {
    q: '',
    filters: { category: [], urgency: [], beneficiary: [], status: [], cause: [] },
    region: '',
    open: false,
    sort: '',
    page: 1,
    perPage: DEFAULT_PER_PAGE,
  }
}

function values(raw: LocationQuery[string] | undefined): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  const seen = new Set<string>()
  for (const value of list) {
    const v = value?.trim()
    if (v) seen.add(v)
  }
  return [...seen]
}

function first(raw: LocationQuery[string] | undefined): string {
  return values(raw)[0] ?? ''
}

function wholeNumber(raw: string, fallback: number, max: number): number {
  if (!/^\d+$/.test(raw)) return fallback
  const n = Number(raw)
  return n >= 1 && n <= max ? n : fallback
}

/**
 * The search a route's query describes. Page and page size outside what the API takes fall
 * back to their defaults; filter values and the sort are passed on as they are, so that the
 * API's answer to a wrong one shows on the filter it names.
 */
export function fromRouteQuery(query: LocationQuery): SearchQuery {
  const search = emptyQuery()
  search.q = first(query.q)
  for (const param of FILTER_PARAMS) search.filters[param] = values(query[param])
  search.region = first(query.region)
  search.open = first(query.open) === 'true'
  search.sort = first(query.sort)
  search.page = wholeNumber(first(query.page), 1, MAX_PAGE)
  const perPage = wholeNumber(first(query.per_page), DEFAULT_PER_PAGE, 100)
  search.perPage = (PER_PAGE_CHOICES as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE
  return search
}

/** The route query of a search: only what differs from the defaults, in a stable order. */
export function toRouteQuery(search: SearchQuery): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (search.q.trim()) query.q = search.q.trim()
  for (const param of FILTER_PARAMS) {
    const list = [...new Set(search.filters[param])].sort()
    if (list.length === 1) query[param] = list[0]
    else if (list.length > 1) query[param] = list
  }
  if (search.region) query.region = search.region
  if (search.open) query.open = 'true'
  if (search.sort) query.sort = search.sort
  if (search.page > 1) query.page = String(search.page)
  if (search.perPage !== DEFAULT_PER_PAGE) query.per_page = String(search.perPage)
  return query
}

/** The search after a change: any change but of the page starts again at page 1. */
export function applyChange(search: SearchQuery, change: Partial<SearchQuery>): SearchQuery {
  return {
    ...search,
    ...change,
    filters: { ...search.filters, ...(change.filters ?? {}) },
    page: change.page ?? 1,
  }
}

/** The search with one facet value checked or unchecked. */
export function toggleFilter(search: SearchQuery, param: FilterParam, value: string, on: boolean): SearchQuery {
  const current = search.filters[param].filter((v) => v !== value)
  return applyChange(search, { filters: { ...search.filters, [param]: on ? [...current, value] : current } })
}

export function hasFilters(search: SearchQuery): boolean {
  return search.q !== '' || search.region !== '' || search.open || FILTER_PARAMS.some((p) => search.filters[p].length > 0)
}


/** The parameters of `GET /api/v1/needs/search` for a search. */
export function toApiQuery(search: SearchQuery): ApiQuery {
  const query: ApiQuery = { page: search.page, per_page: search.perPage }
  if (search.q.trim()) query.q = search.q.trim()
  // The filters and the sort come from the page's address as written: the API document lists
  // the codes each takes, and the server names any other (`filterErrors`) for the page to show.
  const filters = query as Record<FilterParam, string[]>
  for (const param of FILTER_PARAMS) if (search.filters[param].length) filters[param] = search.filters[param]
  if (search.region) query.region = [search.region]
  if (search.open) query.open = true
  if (search.sort) query.sort = search.sort as ApiQuery['sort']
  return query
}

/**
 * A refused search's complaints by the parameter they are about (`sort`, `category`, `region`…),
 * to show on that filter. The API names the field of a `validation_failed`; a bad region code
 * comes as its own error code.
 */
export function filterErrors(error: ApiError | null): Record<string, string> {
  // 400 or 422 alike: which one is whether the document states the rule, not how to show it.
  if (!error || ![400, 422].includes(error.status)) return {}
  const errors = fieldMessages(error.fields)
  if (error.code === 'invalid_region_code') errors.region = errorMessage(error.code, error.message)
  return errors
}

export const useSearch = defineStore('search', () => {
  const query = ref<SearchQuery>(emptyQuery())
  const result = shallowRef<SearchPage | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let generation = 0

  const errors = computed(() => filterErrors(error.value))
  /** A refusal that names a filter shows there; any other failure is the page's. */
  const pageError = computed(() => (error.value && Object.keys(errors.value).length === 0 ? error.value : null))

  /** Runs `search`; of overlapping runs, only the last one's answer is kept. */
  async function load(search: SearchQuery): Promise<void> {
    const mine = ++generation
    query.value = search
    loading.value = true
    error.value = null
    try {
      const page = await searchNeeds(toApiQuery(search))
      if (mine === generation) result.value = page
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

  return { query, result, loading, error, errors, pageError, load, retry }
})
