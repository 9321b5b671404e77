// The 消费帮扶 products hall's search, kept as the other halls keep theirs (stores/offerSearch.ts):
// the whole state lives in the route's query, the view turns it into a `ProductQuery`, this store
// asks the API, and every change goes back into the route. The conversions are pure, tested alone.
//
// Categories add up (ticking 蜂蜜 and then 茶叶 finds either). The API counts them
// disjunctively (the category counts ignore the ticked categories), so the other categories
// keep showing what ticking them would add, from the one answer.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { ApiError } from '@/api/client'
import { searchProducts, type ProductSearchPage, type ProductSearchQuery, type ProductSort } from '@/api/products'
import { PRODUCT_CATEGORIES, type ProductCategory } from '@/components/product'
import { errorMessage } from '@/locales'

export const PRODUCT_SORTS: readonly ProductSort[] = ['relevance', 'newest', 'price_asc', 'price_desc']
export const PER_PAGE_CHOICES = [12, 24, 48] as const
export const DEFAULT_PER_PAGE = 24
/** The API pages no further than this. */
export const MAX_PAGE = 1000

export interface ProductQuery {
  q: string
  categories: ProductCategory[]
  /** One region code at any level, '' for everywhere: products from there. */
  region: string
  /** Certified 扶贫产品 only. */
  certified: boolean
  /** Only what can be ordered today (listed, in season, in stock). */
  available: boolean
  /** '' leaves the order to the API: relevance with words, newest without. */
  sort: ProductSort | ''
  page: number
  perPage: number
}

/** Products found per category, and certified or not. */
export interface ProductFacetCounts {
  category: Record<string, number>
  certified: Record<string, number>
}

export function emptyProductQuery(): ProductQuery {
  return { q: '', categories: [], region: '', certified: false, available: false, sort: '', page: 1, perPage: DEFAULT_PER_PAGE }
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

/** The search a route's query describes; what the API would not know is dropped. */
export function fromProductRoute(query: LocationQuery): ProductQuery {
  const search = emptyProductQuery()
  search.q = values(query.q)[0] ?? ''
  search.categories = values(query.category).filter((v): v is ProductCategory => (PRODUCT_CATEGORIES as readonly string[]).includes(v))
  search.region = values(query.region).find((v) => /^\d{2,12}$/.test(v)) ?? ''
  search.certified = values(query.certified)[0] === 'true'
  search.available = values(query.available)[0] === 'true'
  const sort = values(query.sort)[0] ?? ''
  search.sort = (PRODUCT_SORTS as readonly string[]).includes(sort) ? (sort as ProductSort) : ''
  search.page = wholeNumber(values(query.page)[0] ?? '', 1, MAX_PAGE)
  const perPage = wholeNumber(values(query.per_page)[0] ?? '', DEFAULT_PER_PAGE, 100)
  search.perPage = (PER_PAGE_CHOICES as readonly number[]).includes(perPage) ? perPage : DEFAULT_PER_PAGE
  return search
}

/** The route query of a search: only what differs from the defaults, in a stable order. */
export function toProductRoute(search: ProductQuery): LocationQueryRaw {
  const query: LocationQueryRaw = {}
  if (search.q.trim()) query.q = search.q.trim()
  const categories = [...new Set(search.categories)].sort()
  if (categories.length === 1) query.category = categories[0]
  else if (categories.length > 1) query.category = categories
  if (search.region) query.region = search.region
  if (search.certified) query.certified = 'true'
  if (search.available) query.available = 'true'
  if (search.sort) query.sort = search.sort
  if (search.page > 1) query.page = String(search.page)
  if (search.perPage !== DEFAULT_PER_PAGE) query.per_page = String(search.perPage)
  return query
}

/** The search after a change: any change but of the page starts again at page 1. */
export function changeProductQuery(search: ProductQuery, change: Partial<ProductQuery>): ProductQuery {
  return { ...search, ...change, page: change.page ?? 1 }
}

/** The search with one category ticked or unticked. */
export function toggleCategory(search: ProductQuery, category: ProductCategory, on: boolean): ProductQuery {
  const others = search.categories.filter((c) => c !== category)
  return changeProductQuery(search, { categories: on ? [...others, category] : others })
}

export function hasProductFilters(search: ProductQuery): boolean {
  return search.q.trim() !== '' || search.region !== '' || search.categories.length > 0 || search.certified || search.available
}

/** The parameters of `GET /api/v1/products/search`. */
export function toProductApiQuery(search: ProductQuery): ProductSearchQuery {
  const query: ProductSearchQuery = { page: search.page, per_page: search.perPage }
  if (search.q.trim()) query.q = search.q.trim()
  if (search.categories.length) query.category = [...search.categories]
  if (search.region) query.region = [search.region]
  if (search.certified) query.certified = true
  if (search.available) query.available = true
  if (search.sort) query.sort = search.sort
  return query
}

/** The counts the facets show, as the API counted them (each field's ignoring its own filter). */
export function productFacetCounts(page: ProductSearchPage | null): ProductFacetCounts {
  return {
    category: page?.facets?.category ?? {},
    certified: page?.facets?.certified ?? {},
  }
}

export const useProductSearch = defineStore('productSearch', () => {
  const query = ref<ProductQuery>(emptyProductQuery())
  const result = shallowRef<ProductSearchPage | null>(null)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let generation = 0

  /** A refused region code shows on the region picker; any other failure is the page's. */
  const regionError = computed(() =>
    error.value?.code === 'invalid_region_code' ? errorMessage(error.value.code, error.value.message) : '',
  )
  const pageError = computed(() => (error.value && !regionError.value ? error.value : null))
  const facets = computed(() => productFacetCounts(result.value))

  /** Runs `search`; of overlapping runs, only the last one's answers are kept. */
  async function load(search: ProductQuery): Promise<void> {
    const mine = ++generation
    query.value = search
    loading.value = true
    error.value = null
    try {
      const page = await searchProducts(toProductApiQuery(search))
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
