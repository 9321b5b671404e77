// The frame the three search halls share (components/HallLayout.vue), and their route ⇄ search
// sync (composables/useHallRoute.ts), each alone: the halls' own tests cover them in place.
import { describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h, reactive } from 'vue'
import type { LocationQuery } from 'vue-router'
import { ApiError } from '@/api/client'
import HallLayout from '@/components/HallLayout.vue'
import { useHallRoute } from '@/composables/useHallRoute'
import { mountWithApp } from '../mount'

const page = { total: 2, page: 1, per_page: 20 }
const hits = [
  { id: 1, title: '课桌椅' },
  { id: 2, title: '校服' },
]

function mountLayout(props: Record<string, unknown> = {}) {
  return mountWithApp(HallLayout, {
    props: {
      name: 'hall',
      texts: 'hall',
      words: '',
      result: page,
      hits,
      loading: false,
      error: null,
      filtered: false,
      checked: 0,
      maxPage: 10,
      perPageChoices: [10, 20, 50],
      ...props,
    },
    slots: {
      toolbar: '<div data-testid="the-toolbar" />',
      facets: '<div data-testid="the-facets" />',
      card: `<template #card="{ hit }"><article data-testid="the-card">{{ hit.title }}</article></template>`,
    },
  })
}

describe('the search hall frame', () => {
  it('shows the hall’s title, words box, toolbar, facets, total and a card a hit, under the hall’s names', async () => {
    const { wrapper } = await mountLayout({ words: '学费' })
    expect(wrapper.get('h1').text()).toBe('需求大厅')
    expect(wrapper.get('[role=search] input').attributes('aria-label')).toBe('搜索需求')
    expect((wrapper.get('[data-testid=hall-search]').element as HTMLInputElement).value).toBe('学费')
    expect(wrapper.find('[data-testid=the-toolbar]').exists()).toBe(true)
    expect(wrapper.get('aside').attributes('aria-label')).toBe('筛选')
    expect(wrapper.find('#hall-facets [data-testid=the-facets]').exists()).toBe(true)
    expect(wrapper.get('[data-testid=hall-total]').text()).toBe('共找到 2 条需求')
    expect(wrapper.get('h2.visually-hidden').text()).toBe('搜索结果')
    expect(wrapper.findAll('ol.list > li [data-testid=the-card]').map((c) => c.text())).toEqual(['课桌椅', '校服'])
    expect(wrapper.find('.intro').exists()).toBe(false)
  })

  it('names the pager’s page-size select, which Element Plus leaves without a label', async () => {
    const { wrapper } = await mountLayout()
    await flushPromises()
    expect(wrapper.get('.el-pagination__sizes input').attributes('aria-label')).toBe('每页条数')
  })

  it('opens the facets’ drawer, which counts what is ticked', async () => {
    const { wrapper } = await mountLayout({ checked: 3, filtered: true })
    const toggle = wrapper.get('.facets-toggle')
    expect(toggle.text()).toBe('筛选 (3)')
    expect(toggle.attributes('aria-controls')).toBe('hall-facets')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    expect(wrapper.get('aside').classes()).toContain('open')
  })

  it('hands the words and “clear all” back to the hall', async () => {
    const { wrapper } = await mountLayout({ filtered: true })
    await wrapper.get('[data-testid=hall-search]').setValue('轮椅')
    expect(wrapper.emitted('update:words')?.at(-1)).toEqual(['轮椅'])
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('search')).toHaveLength(1)
    await wrapper.get('.clear').trigger('click')
    expect(wrapper.emitted('clear')).toHaveLength(1)
  })

  it('says when nothing is found, and offers to clear the filters when there are some', async () => {
    const none = await mountLayout({ result: { ...page, total: 0 }, hits: [], filtered: true })
    expect(none.wrapper.text()).toContain('没有找到符合条件的需求，换个条件试试。')
    await none.wrapper.get('.empty-actions button').trigger('click')
    expect(none.wrapper.emitted('clear')).toHaveLength(1)
    const empty = await mountLayout({ result: { ...page, total: 0 }, hits: [] })
    expect(empty.wrapper.text()).toContain('暂时还没有公开的需求。')
    expect(empty.wrapper.find('.empty-actions').exists()).toBe(false)
  })

  it('gives way to a refused filter, a refused region, and an absent search engine', async () => {
    const refused = await mountLayout({ refused: true, wordsError: '搜索词不能超过 100 个字。' })
    expect(refused.wrapper.get('.refused').text()).toContain('有筛选条件无效，请按提示修改。')
    expect(refused.wrapper.get('.field-error').text()).toBe('搜索词不能超过 100 个字。')
    expect(refused.wrapper.get('[data-testid=hall-search]').attributes('aria-invalid')).toBe('true')
    expect(refused.wrapper.find('ol.list').exists()).toBe(false)

    const region = await mountLayout({ result: null, hits: [], badRegion: true })
    expect(region.wrapper.find('.empty').exists()).toBe(false)
    expect(region.wrapper.find('.empty-actions').exists()).toBe(true)

    const away = await mountLayout({ result: null, hits: [], error: new ApiError(503, 'search_unavailable', 'down') })
    expect(away.wrapper.text()).toContain('搜索服务暂时不可用')
    await away.wrapper.get('.unavailable button').trigger('click')
    expect(away.wrapper.emitted('retry')).toHaveLength(1)
  })
})

interface Query {
  q: string
  tags: string[]
  page: number
}
const fromRoute = (query: LocationQuery): Query => ({
  q: typeof query.q === 'string' ? query.q : '',
  tags: ([] as unknown[]).concat(query.tag ?? []).map(String),
  page: Number(query.page ?? 1),
})
const toRoute = (query: Query) => ({ ...(query.q ? { q: query.q } : {}), ...(query.tags.length ? { tag: query.tags } : {}), ...(query.page > 1 ? { page: String(query.page) } : {}) })

async function mountSync(route: string) {
  const search = reactive({ query: fromRoute({}), load: vi.fn(async (query: Query) => void (search.query = query)) })
  let sync!: ReturnType<typeof useHallRoute<Query, [string, boolean]>>
  const Probe = defineComponent(() => {
    sync = useHallRoute({
      name: 'offers',
      search,
      fromRoute,
      toRoute,
      change: (query, patch) => ({ ...query, page: 1, ...patch }),
      toggle: (query, tag: string, on: boolean) => ({ ...query, page: 1, tags: on ? [...query.tags, tag] : query.tags.filter((t) => t !== tag) }),
      empty: () => fromRoute({}),
    })
    return () => h('div')
  })
  const mounted = await mountWithApp(Probe, { route })
  await flushPromises()
  return { ...mounted, search, sync }
}

describe('the route ⇄ search sync of a hall', () => {
  it('runs the search the route describes, and shows its words in the box', async () => {
    const { search, sync } = await mountSync('/offers?q=课桌椅&page=3')
    expect(search.load).toHaveBeenCalledWith({ q: '课桌椅', tags: [], page: 3 })
    expect(sync.words.value).toBe('课桌椅')
  })

  it('turns every change into a navigation, and every navigation into a search', async () => {
    const { router, search, sync } = await mountSync('/offers?page=3')
    sync.words.value = '  校服 '
    sync.submitWords()
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: '校服' })
    sync.toggle('education', true)
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: '校服', tag: ['education'] })
    sync.change({ page: 2 })
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ q: '校服', tag: ['education'], page: '2' })
    expect(search.load).toHaveBeenLastCalledWith({ q: '校服', tags: ['education'], page: 2 })
    sync.clearAll()
    await flushPromises()
    expect(router.currentRoute.value.fullPath).toBe('/offers')
  })

  it('runs no search on the way out of the hall', async () => {
    const { router, search } = await mountSync('/offers')
    const runs = search.load.mock.calls.length
    await router.push('/needs?q=学费')
    await flushPromises()
    expect(search.load).toHaveBeenCalledTimes(runs)
  })
})
