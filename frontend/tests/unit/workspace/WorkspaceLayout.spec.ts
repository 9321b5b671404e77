import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import App from '@/App.vue'
import type { Schemas } from '@/api/client'
import { fakeApi, mountWithApp } from '../mount'
import { pairing } from '../pairings/fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

type Role = Schemas['RoleView']
const me = (roles: Partial<Role>[]): Schemas['Me'] => ({
  id: 8, email: 'x@demo.duijie.cn', mobile: null, display_name: '陈村官', locale: 'zh-CN', confirmed: true,
  roles: roles.map((r, i) => ({ id: i + 1, role: 'cadre', region_code: null, organisation_id: null, pairing_id: null, ...r })),
})
const total = (n: number) => ({ items: [], total: n, page: 1, per_page: 1 })
const cadre = me([{ role: 'cadre', region_code: '441426100200' }])

afterEach(() => vi.unstubAllGlobals())

// Pages and the layout load lazily, which takes a while on a busy machine.
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 10_000 })

/** Mounts the app at `route`; a signed-in account's app asks the API first (a visitor's asks nothing). */
async function mountApp(route: string, table: Record<string, unknown>, signedIn = true) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(App, { route, attachTo: document.body })
  await flushPromises()
  if (signedIn) await eventually(() => expect(api.calls.length).toBeGreaterThan(0))
  await flushPromises()
  return { ...mounted, api }
}

const crumbs = (wrapper: Awaited<ReturnType<typeof mountApp>>['wrapper']) =>
  wrapper.get('[data-testid="breadcrumbs"]').findAll('.crumb').map((c) => c.text())

describe('the workspace layout', () => {
  it('shows a cadre’s pages in the workspace: its menu, the breadcrumbs, the count of what waits, and the menu leads on', async () => {
    const { wrapper, router } = await mountApp('/me/tokens', {
      'GET /api/v1/me': cadre,
      'GET /api/v1/auth/tokens': [],
      'GET /api/v1/me/pledges': total(0),
      'GET /api/v1/needs?status=draft&page=1&per_page=1': total(2),
      'GET /api/v1/needs?status=rejected&page=1&per_page=1': total(1),
    })
    await eventually(() => expect(wrapper.find('[data-testid="menu-count-needs"]').exists()).toBe(true))
    expect(wrapper.find('.app-header').exists()).toBe(false)
    expect(wrapper.get('[data-testid="signed-in-as"]').text()).toBe('陈村官')
    const groups = wrapper.findAll('[data-testid^="menu-group-"]').map((g) => g.attributes('data-testid'))
    expect(groups).toEqual(['menu-group-mine', 'menu-group-village'])
    expect(wrapper.get('[data-testid="menu-needs"]').text()).toContain('需求工作台')
    expect(wrapper.get('[data-testid="menu-count-needs"] [aria-hidden="true"]').text()).toBe('3')
    expect(wrapper.get('[data-testid="menu-count-needs"] .visually-hidden').text()).toBe('3 项待处理')
    // Nothing to ship: no badge.
    expect(wrapper.find('[data-testid="menu-count-my-pledges"]').exists()).toBe(false)
    expect(crumbs(wrapper)).toEqual(['我的帮扶', 'API 令牌'])
    expect(wrapper.get('[data-testid="menu-tokens"]').classes()).toContain('is-active')
    expect(wrapper.get('[data-testid="workspace-public-hall"]').attributes('href')).toBe('/needs')

    await wrapper.get('[data-testid="menu-households"]').trigger('click')
    await eventually(() => expect(router.currentRoute.value.path).toBe('/cadre/households'))
    await eventually(() => expect(crumbs(wrapper)).toEqual(['村务', '农户']))
    // A record reached through the menu: its list is a link in the breadcrumbs.
    await router.push('/cadre/needs/new')
    await eventually(() => expect(crumbs(wrapper)).toEqual(['村务', '需求工作台', '新建需求']))
    expect(wrapper.get('[data-testid="breadcrumbs"] a').attributes('href')).toBe('/cadre/needs')
    expect(wrapper.get('[data-testid="menu-needs"]').classes()).toContain('is-active')
    wrapper.unmount()
  })

  it('folds its side bar to the groups’ marks, a group away, and opens again from a mark', async () => {
    const { wrapper } = await mountApp('/me/tokens', { 'GET /api/v1/me': cadre, 'GET /api/v1/auth/tokens': [], 'GET /api/v1/me/pledges': total(0), 'GET /api/v1/needs': total(0) })
    await eventually(() => expect(wrapper.find('[data-testid="workspace-menu"]').exists()).toBe(true))
    const menu = () => wrapper.get('[data-testid="workspace-menu"]')
    const village = () => wrapper.get('[data-testid="menu-group-village"]')
    expect(village().get('.glyph').text()).toBe('村')

    await village().get('button').trigger('click')
    expect(village().get('button').attributes('aria-expanded')).toBe('false')
    expect(wrapper.get('[data-testid="menu-needs"]').isVisible()).toBe(false)
    await village().get('button').trigger('click')
    expect(wrapper.get('[data-testid="menu-needs"]').isVisible()).toBe(true)

    await wrapper.get('[data-testid="workspace-menu-toggle"]').trigger('click')
    expect(menu().classes()).toContain('collapsed')
    expect(wrapper.get('[data-testid="menu-tokens"]').isVisible()).toBe(false)
    await village().get('button').trigger('click')
    expect(menu().classes()).not.toContain('collapsed')
    expect(wrapper.get('[data-testid="menu-needs"]').isVisible()).toBe(true)
    wrapper.unmount()
  })

  it('opens /workspace (the public header’s 工作台) at the account’s first role page', async () => {
    const { wrapper, router } = await mountApp('/workspace', {
      'GET /api/v1/me': me([{ role: 'verifier', region_code: '441426' }]),
      'GET /api/v1/me/pledges': total(0),
      'GET /api/v1/needs': total(0),
    })
    await eventually(() => expect(router.currentRoute.value.fullPath).toBe('/review'))
    await eventually(() => expect(crumbs(wrapper)).toEqual(['审核', '审核队列']))
    wrapper.unmount()
  })

  it('places a coordinator’s pairing (a public page) in the workspace, under its name', async () => {
    const { wrapper } = await mountApp('/pairings/1', {
      'GET /api/v1/me': me([{ role: 'coordinator', pairing_id: 1 }]),
      'GET /api/v1/pairings/1': pairing({ name: '广州—梅州对口帮扶' }),
      'GET /api/v1/me/pledges': total(0),
    })
    await eventually(() => expect(crumbs(wrapper)).toEqual(['我的结对', '广州—梅州对口帮扶']))
    expect(wrapper.get('[data-testid="menu-pairing-1"]').classes()).toContain('is-active')
    wrapper.unmount()
  })

  it('keeps a pairing that is not the account’s on the public site', async () => {
    const { wrapper } = await mountApp('/pairings/2', {
      'GET /api/v1/me': me([{ role: 'coordinator', pairing_id: 1 }]),
      'GET /api/v1/pairings/2': pairing({ id: 2 }),
    })
    await eventually(() => expect(wrapper.find('[data-testid="workspace-link"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="workspace-menu"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('keeps the public header on public pages, with the way into the workspace for a signed-in account only', async () => {
    const signedIn = await mountApp('/forbidden', { 'GET /api/v1/me': cadre })
    await eventually(() => expect(signedIn.wrapper.find('[data-testid="workspace-link"]').exists()).toBe(true))
    expect(signedIn.wrapper.find('[data-testid="workspace-menu"]').exists()).toBe(false)
    expect(signedIn.wrapper.get('[data-testid="workspace-link"]').attributes('href')).toBe('/workspace')
    expect(signedIn.wrapper.get('[data-testid="workspace-link"]').text()).toBe('工作台')
    signedIn.wrapper.unmount()

    const visitor = await mountApp('/forbidden', { 'GET /api/v1/me': { status: 401, body: { error: { code: 'unauthenticated', message: 'x' } } } }, false)
    await eventually(() => expect(visitor.wrapper.find('.app-header').exists()).toBe(true))
    // A browser without a session's cookie does not ask who is signed in.
    expect(visitor.api.calls.filter((c) => c.url.startsWith('/api/v1/me'))).toEqual([])
    expect(visitor.wrapper.find('[data-testid="workspace-link"]').exists()).toBe(false)
    visitor.wrapper.unmount()
  })
})
