import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyOffers from '@/views/offers/MyOffers.vue'
import { fakeApi, mountWithApp, paged } from '../mount'
import { publicOffer } from './fixtures'

afterEach(() => vi.unstubAllGlobals())

const mine = [publicOffer({ id: 6, status: 'draft', title: '助学金五万元' }), publicOffer()]

async function mountPage(route: string, offers: unknown[] = mine) {
  const drafts = offers.filter((o) => (o as { status: string }).status === 'draft')
  const api = fakeApi({ 'GET /api/v1/me/offers': paged(offers, 20), 'GET /api/v1/me/offers?status=draft&page=1&per_page=20': paged(drafts, 20) })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(MyOffers, { route })
  await flushPromises()
  return { ...mounted, api }
}

describe('我的帮扶资源', () => {
  it('lists one’s offers with their status, each with its page and, while a draft or paused, its editor', async () => {
    const { wrapper } = await mountPage('/me/offers')
    const rows = wrapper.findAll('[data-testid=my-offer-row]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.get('[data-testid=offer-card-status]').text()).toBe('草稿')
    expect(rows[1]!.get('[data-testid=offer-card-status]').text()).toBe('发布中')
    expect(rows[0]!.find('a[href="/offers/6/edit"]').exists()).toBe(true)
    expect(rows[1]!.find('a[href="/offers/5/edit"]').exists()).toBe(false)
    expect(rows[1]!.find('a[href="/offers/5"]').exists()).toBe(true)
    expect(wrapper.get('[data-testid=my-offers-new]').attributes('href')).toBe('/offers/new')
  })

  it('shows one status at a time from the route, asking the server for that status', async () => {
    const { wrapper, api } = await mountPage('/me/offers?status=draft')
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/me/offers?status=draft&page=1&per_page=20')
    expect(wrapper.findAll('[data-testid=my-offer-row]')).toHaveLength(1)
    expect(wrapper.text()).toContain('助学金五万元')
  })

  it('reads the next page on 加载更多, under those shown', async () => {
    const first = { items: mine, total: 3, page: 1, per_page: 20 }
    const second = { items: [publicOffer({ id: 4, title: '就业培训名额' })], total: 3, page: 2, per_page: 20 }
    const api = fakeApi({ 'GET /api/v1/me/offers?page=1&per_page=20': first, 'GET /api/v1/me/offers?page=2&per_page=20': second })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(MyOffers, { route: '/me/offers' })
    await flushPromises()
    expect(wrapper.get('[data-testid=load-more]').text()).toContain('已显示 2 / 共 3 条')
    await wrapper.get('[data-testid=load-more]').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid=my-offer-row]')).toHaveLength(3)
    expect(wrapper.find('[data-testid=load-more]').exists()).toBe(false)
  })

  it('invites one to offer help when there is none yet', async () => {
    const { wrapper } = await mountPage('/me/offers', [])
    expect(wrapper.text()).toContain('您还没有发布帮扶资源。')
  })
})
