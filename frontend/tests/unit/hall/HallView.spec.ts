import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import HallView from '@/views/hall/Hall.vue'
import { useSession } from '@/stores/session'
import { demoFollows, donor } from '../follows/fixtures'
import { fakeApi, mountWithApp, paged } from '../mount'
import { searchHit } from '../need/fixtures'

afterEach(() => vi.unstubAllGlobals())

const answer = {
  hits: [
    searchHit({
      id: 4,
      title: '两名学生本学年学费',
      highlights: { title: '两名学生本学年<mark>学费</mark>', description: '&lt;b&gt;家中&lt;/b&gt;<mark>学费</mark>负担较重' },
    }),
    searchHit({ id: 8 }),
  ],
  total: 2,
  facets: {
    category: { education: 1, consumption: 1 },
    urgency: { urgent: 2 },
    beneficiary_kind: { village: 2 },
    status: { published: 2 },
    poverty_causes: {},
  },
  page: 1,
  per_page: 20,
  sort: 'relevance',
}

async function mountHall(route: string, table: Record<string, unknown>) {
  const api = fakeApi({ 'GET /api/v1/me': { status: 401, body: { error: { code: 'unauthenticated', message: '' } } }, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(HallView, { route })
  await flushPromises()
  return { ...mounted, api }
}

describe('the needs hall', () => {
  it('searches what the route says and shows the needs found, with their highlights', async () => {
    const { wrapper, api } = await mountHall('/needs?q=学费&category=education', { 'GET /api/v1/needs/search': answer })
    expect(api.calls.find((c) => c.url.startsWith('/api/v1/needs/search'))?.url).toBe(
      `/api/v1/needs/search?page=1&per_page=20&q=${encodeURIComponent('学费')}&category=education`,
    )
    expect(wrapper.get('[data-testid=hall-total]').text()).toContain('2')
    const cards = wrapper.findAll('[data-testid=need-card]')
    expect(cards).toHaveLength(2)
    expect(cards[0]!.get('a').attributes('href')).toBe('/needs/4')
    expect(cards[0]!.get('a').html()).toContain('<mark>学费</mark>')
    // The escaped text stays text: no element comes out of it.
    expect(cards[0]!.find('.description b').exists()).toBe(false)
    expect(cards[0]!.get('.description').text()).toContain('<b>家中</b>')
    expect(cards[1]!.text()).toContain('还差 4,000 公斤')
    expect((wrapper.get('[data-testid=hall-search]').element as HTMLInputElement).value).toBe('学费')
  })

  it('shows each facet value with its count, checked when it is a filter', async () => {
    const { wrapper } = await mountHall('/needs?category=education', { 'GET /api/v1/needs/search': answer })
    const education = wrapper.get('[data-testid=facet-category-education]')
    expect(education.text()).toContain('教育助学')
    expect(education.text()).toContain('1')
    expect(education.classes()).toContain('is-checked')
    expect(wrapper.get('[data-testid=facet-category-consumption]').classes()).not.toContain('is-checked')
    expect(wrapper.find('[data-testid=facet-category-medical]').exists()).toBe(false)
    expect(wrapper.get('[data-testid=facet-beneficiary_kind-village]').text()).toContain('村集体')
  })

  it('keeps the other categories of a ticked one with the counts the API gives, and a second tick adds up', async () => {
    // The API counts each facet without its own filter: 医疗 stays with what ticking it adds.
    const disjunctive = { ...answer, facets: { ...answer.facets, category: { education: 1, medical: 3, consumption: 1 } } }
    const { wrapper, router, api } = await mountHall('/needs?category=education', { 'GET /api/v1/needs/search': disjunctive })
    const medical = wrapper.get('[data-testid=facet-category-medical]')
    expect(medical.classes()).not.toContain('is-checked')
    expect(medical.get('.count').text()).toBe('3')
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/needs/search'))).toHaveLength(1)
    await medical.get('input').setValue(true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ category: ['education', 'medical'] })
    expect(api.calls.at(-1)?.url).toBe('/api/v1/needs/search?page=1&per_page=20&category=education&category=medical')
  })

  it('puts a change of filter into the route, back at page 1', async () => {
    const { wrapper, router } = await mountHall('/needs?page=2', { 'GET /api/v1/needs/search': answer })
    await wrapper.get('[data-testid=facet-category-consumption] input').setValue(true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ category: 'consumption' })
    await wrapper.get('[data-testid=hall-sort]').setValue('urgency')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ category: 'consumption', sort: 'urgency' })
  })

  it('submits the words typed', async () => {
    const { wrapper, router } = await mountHall('/needs', { 'GET /api/v1/needs/search': answer })
    await wrapper.get('[data-testid=hall-search]').setValue('  轮椅 ')
    await wrapper.get('form[role=search]').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: '轮椅' })
  })

  it('shows a refused sort on the sort filter', async () => {
    const refusal = { error: { code: 'validation_failed', message: 'invalid value for: sort', fields: { sort: [{ code: 'one_of', allowed: ['newest'], message: '`bogus` is not one of …' }] } } }
    const { wrapper } = await mountHall('/needs?sort=bogus', { 'GET /api/v1/needs/search': { status: 400, body: refusal } })
    expect(wrapper.get('#hall-sort-error').text()).toBe('该条件的取值无效，请重新选择。')
    expect(wrapper.get('[data-testid=hall-sort]').attributes('aria-invalid')).toBe('true')
    expect(wrapper.find('[data-testid=need-card]').exists()).toBe(false)
  })

  it('offers to try again while the search engine is away', async () => {
    const outage = { error: { code: 'search_unavailable', message: 'down' } }
    const { wrapper, api } = await mountHall('/needs', { 'GET /api/v1/needs/search': { status: 503, body: outage } })
    expect(wrapper.text()).toContain('搜索服务暂时不可用')
    vi.stubGlobal('fetch', fakeApi({ 'GET /api/v1/needs/search': answer }).fetchImpl)
    await wrapper.get('.unavailable button').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid=need-card]')).toHaveLength(2)
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/needs/search'))).toHaveLength(1)
  })

  it('says so when nothing matches, with a way back to everything', async () => {
    const { wrapper, router } = await mountHall('/needs?urgency=critical', {
      'GET /api/v1/needs/search': { ...answer, hits: [], total: 0, facets: {} },
    })
    expect(wrapper.text()).toContain('没有找到符合条件的需求')
    await wrapper.get('.empty-actions button').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({})
  })

  it('names the chosen region', async () => {
    const { wrapper } = await mountHall('/needs?region=4414', {
      'GET /api/v1/needs/search': answer,
      'GET /api/v1/regions/4414': {
        region: { code: '4414', name: '梅州市', level: 'city', leaf: false },
        path: [
          { code: '44', name: '广东省', level: 'province', leaf: false },
          { code: '4414', name: '梅州市', level: 'city', leaf: false },
        ],
      },
    })
    expect(wrapper.get('[data-testid=hall-region]').text()).toContain('广东省 / 梅州市')
  })

  it('offers to follow the chosen region, and a category ticked alone, showing what the account follows already', async () => {
    const { wrapper, api } = await mountHall('/needs?region=441426&category=education', {
      'GET /api/v1/needs/search': answer,
      'GET /api/v1/me/follows': paged(demoFollows()),
    })
    useSession().user = donor
    const bar = () => wrapper.get('[data-testid=hall-follow]')
    await vi.waitFor(() => expect(bar().findAll('[data-testid=follow-button]')).toHaveLength(2))
    await flushPromises()
    expect(bar().text()).toContain('有新需求时提醒我')
    expect(bar().get('[data-follow-kind=region]').attributes('data-follow-target')).toBe('441426')
    expect(bar().get('[data-follow-kind=region]').text()).toContain('关注该地区')
    expect(bar().get('[data-follow-kind=category]').text()).toContain('已关注该类别 · 每日汇总')
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/me/follows?'))).toHaveLength(1)
  })

  it('offers no category to follow when several are ticked, and nothing without a region or category', async () => {
    const several = await mountHall('/needs?category=education&category=medical', { 'GET /api/v1/needs/search': answer })
    expect(several.wrapper.find('[data-testid=hall-follow]').exists()).toBe(false)
    const words = await mountHall('/needs?q=学费', { 'GET /api/v1/needs/search': answer })
    expect(words.wrapper.find('[data-testid=hall-follow]').exists()).toBe(false)
  })
})
