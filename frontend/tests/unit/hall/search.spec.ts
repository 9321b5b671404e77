import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from '@/api/client'
import {
  applyChange,
  emptyQuery,
  filterErrors,
  fromRouteQuery,
  toApiQuery,
  toRouteQuery,
  toggleFilter,
  useSearch,
} from '@/stores/search'
import { setLocale } from '@/locales'
import { fakeApi } from '../mount'

afterEach(() => vi.unstubAllGlobals())

describe('the search in the route query', () => {
  it('reads every filter, repeated ones as lists', () => {
    const search = fromRouteQuery({
      q: ' 学费 ',
      category: ['education', 'medical'],
      urgency: 'critical',
      beneficiary: 'household',
      status: ['published'],
      cause: 'illness',
      region: '4414',
      open: 'true',
      sort: 'deadline',
      page: '3',
      per_page: '50',
    })
    expect(search).toEqual({
      q: '学费',
      filters: {
        category: ['education', 'medical'],
        urgency: ['critical'],
        beneficiary: ['household'],
        status: ['published'],
        cause: ['illness'],
      },
      region: '4414',
      open: true,
      sort: 'deadline',
      page: 3,
      perPage: 50,
    })
  })

  it('falls back to the defaults for a page or page size the API would refuse', () => {
    expect(fromRouteQuery({ page: '0', per_page: '500' })).toMatchObject({ page: 1, perPage: 20 })
    expect(fromRouteQuery({ page: 'abc', per_page: '7' })).toMatchObject({ page: 1, perPage: 20 })
    expect(fromRouteQuery({ page: '10001' }).page).toBe(1)
  })

  it('keeps unknown filter values and sorts, for the API to name what is wrong', () => {
    const search = fromRouteQuery({ category: 'nonsense', sort: 'bogus' })
    expect(search.filters.category).toEqual(['nonsense'])
    expect(search.sort).toBe('bogus')
  })

  it('drops empty and repeated values', () => {
    expect(fromRouteQuery({ category: ['education', '', 'education', null] }).filters.category).toEqual(['education'])
  })

  it('writes only what differs from the defaults, in a stable order', () => {
    expect(toRouteQuery(emptyQuery())).toEqual({})
    const search = { ...emptyQuery(), q: '轮椅', open: true, region: '441426', sort: 'urgency', page: 2, perPage: 50 }
    search.filters.category = ['medical', 'education']
    search.filters.urgency = ['urgent']
    expect(toRouteQuery(search)).toEqual({
      q: '轮椅',
      category: ['education', 'medical'],
      urgency: 'urgent',
      region: '441426',
      open: 'true',
      sort: 'urgency',
      page: '2',
      per_page: '50',
    })
  })

  it('reads back what it writes', () => {
    const search = { ...emptyQuery(), q: '课桌', region: '44', page: 4 }
    search.filters.cause = ['illness', 'lack_labour']
    search.filters.status = ['published']
    expect(fromRouteQuery(toRouteQuery(search) as never)).toEqual(search)
  })
})

describe('changing the search', () => {
  it('starts again at page 1 unless the page is what changes', () => {
    const search = { ...emptyQuery(), page: 5 }
    expect(applyChange(search, { sort: 'newest' }).page).toBe(1)
    expect(applyChange(search, { page: 6 }).page).toBe(6)
  })

  it('checks and unchecks a facet value without touching the others', () => {
    let search = toggleFilter(emptyQuery(), 'category', 'education', true)
    search = toggleFilter(search, 'category', 'medical', true)
    search = toggleFilter(search, 'urgency', 'critical', true)
    search = toggleFilter(search, 'category', 'education', false)
    expect(search.filters).toMatchObject({ category: ['medical'], urgency: ['critical'] })
  })
})

describe('the API parameters', () => {
  it('repeat filters, send open only when on, and leave the default sort to the API', () => {
    const search = { ...emptyQuery(), q: '  ', open: false }
    expect(toApiQuery(search)).toEqual({ page: 1, per_page: 20 })
    search.filters.beneficiary = ['village']
    search.region = '4414'
    search.open = true
    search.sort = 'remaining_value'
    expect(toApiQuery(search)).toEqual({
      page: 1, per_page: 20, beneficiary: ['village'], region: ['4414'], open: true, sort: 'remaining_value',
    })
  })
})

describe('refusals shown on their filter', () => {
  it('name the field of a validation error, and the region of a bad region code, in the user’s language', () => {
    setLocale('zh-CN')
    const sort = { code: 'one_of' as const, allowed: ['newest', 'deadline'], message: '`x` is not one of newest, deadline' }
    expect(filterErrors(new ApiError(400, 'validation_failed', 'bad', { sort: [sort] }))).toEqual({
      sort: '请从可选项中选择',
    })
    expect(filterErrors(new ApiError(400, 'invalid_region_code', 'region: not a code'))).toEqual({ region: '行政区划代码无效。' })
    setLocale('en')
    expect(filterErrors(new ApiError(400, 'validation_failed', 'bad', { sort: [sort] }))).toEqual({
      sort: 'Choose one of the options',
    })
    setLocale('zh-CN')
  })

  it('leave other failures to the page', () => {
    expect(filterErrors(new ApiError(503, 'search_unavailable', 'down'))).toEqual({})
    expect(filterErrors(null)).toEqual({})
  })
})

describe('the search store', () => {
  const page = { hits: [], total: 0, facets: {}, page: 1, per_page: 20, sort: 'newest' }

  it('asks the API with the search and keeps its answer', async () => {
    setActivePinia(createPinia())
    const api = fakeApi({ 'GET /api/v1/needs/search': { ...page, total: 7 } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const store = useSearch()
    const search = toggleFilter(emptyQuery(), 'category', 'education', true)
    await store.load({ ...search, open: true })
    expect(api.calls[0]?.url).toBe('/api/v1/needs/search?page=1&per_page=20&category=education&open=true')
    expect(store.result?.total).toBe(7)
    expect(store.error).toBeNull()
  })

  it('puts a refused filter on that filter, and an engine outage on the page', async () => {
    setActivePinia(createPinia())
    const refusal = { error: { code: 'validation_failed', message: 'invalid value for: sort', fields: { sort: [{ code: 'one_of', allowed: ['newest'], message: 'no' }] } } }
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/needs/search': { status: 400, body: refusal } }).fetchImpl)
    const store = useSearch()
    await store.load({ ...emptyQuery(), sort: 'bogus' })
    expect(store.errors).toEqual({ sort: '请从可选项中选择' })
    expect(store.pageError).toBeNull()

    const outage = { error: { code: 'search_unavailable', message: 'down' } }
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/needs/search': { status: 503, body: outage } }).fetchImpl)
    await store.retry()
    expect(store.errors).toEqual({})
    expect(store.pageError?.code).toBe('search_unavailable')
    expect(store.result).toBeNull()
  })

  it('keeps only the last of overlapping searches', async () => {
    setActivePinia(createPinia())
    let release: (() => void) | undefined
    const slow = new Promise<void>((resolve) => (release = resolve))
    const answers = fakeApi({
      'GET /api/v1/needs/search?page=1&per_page=20&q=old': { ...page, total: 1 },
      'GET /api/v1/needs/search?page=1&per_page=20&q=new': { ...page, total: 2 },
    })
    vi.stubGlobal('fetch', async (input: Request) => {
      if (input.url.includes('q=old')) await slow
      return answers.fetchImpl(input)
    })
    const store = useSearch()
    const first = store.load({ ...emptyQuery(), q: 'old' })
    await store.load({ ...emptyQuery(), q: 'new' })
    release?.()
    await first
    expect(store.result?.total).toBe(2)
    expect(store.query.q).toBe('new')
  })
})
