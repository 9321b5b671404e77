import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyOffers from '@/views/offers/MyOffers.vue'
import { fakeApi, mountWithApp } from '../mount'
import { publicOffer } from './fixtures'

afterEach(() => vi.unstubAllGlobals())

const mine = [publicOffer({ id: 6, status: 'draft', title: '助学金五万元' }), publicOffer()]

async function mountPage(route: string, offers: unknown[] = mine) {
  const api = fakeApi({ 'GET /api/v1/me/offers': offers })
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

  it('shows one status at a time from the route', async () => {
    const { wrapper } = await mountPage('/me/offers?status=draft')
    expect(wrapper.findAll('[data-testid=my-offer-row]')).toHaveLength(1)
    expect(wrapper.text()).toContain('助学金五万元')
  })

  it('invites one to offer help when there is none yet', async () => {
    const { wrapper } = await mountPage('/me/offers', [])
    expect(wrapper.text()).toContain('您还没有发布帮扶资源。')
  })
})
