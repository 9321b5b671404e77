import { describe, expect, it } from 'vitest'
import { breadcrumbs, menuCounts, placeInMenu, workspaceHome, workspaceMenu, type MenuGroup, type RoleView } from '@/layouts/workspace/menu'

const role = (r: RoleView['role'], scope: Partial<RoleView> = {}): RoleView => ({ role: r, region_code: null, organisation_id: null, pairing_id: null, ...scope })
const shape = (menu: MenuGroup[]) => menu.map((g) => [g.key, g.items.map((i) => i.to)])
const MINE = ['/me/pledges', '/me/follows', '/me/offers', '/me/orders', '/me/notifications', '/me/tokens']

describe('the workspace menu, per role', () => {
  it('gives a donor (no role) its own giving only, its pledges to ship counted', () => {
    const menu = workspaceMenu([])
    expect(shape(menu)).toEqual([['mine', MINE]])
    expect(menu[0]!.label).toBe('workspace.group.mine')
    expect(menuCounts(menu)).toEqual(['pledgesToShip'])
    expect(workspaceHome(menu)).toBe('/me/pledges')
  })

  it('gives a cadre its village work: households, the needs worklist (drafts and rejected counted) and products', () => {
    const menu = workspaceMenu([role('cadre', { region_code: '441426100200' }), role('cadre', { region_code: '441426100201' })])
    expect(shape(menu)).toEqual([['mine', MINE], ['village', ['/cadre/households', '/cadre/needs', '/me/products']]])
    expect(menuCounts(menu)).toEqual(['pledgesToShip', 'needsToRedo'])
    expect(workspaceHome(menu)).toBe('/cadre/households')
  })

  it('gives a verifier the review queue and the objections, both counted, and the products to certify', () => {
    const menu = workspaceMenu([role('verifier', { region_code: '441426' })])
    expect(shape(menu)).toEqual([['mine', MINE], ['review', ['/review', '/review?tab=suspended', '/me/products']]])
    expect(menuCounts(menu)).toEqual(['pledgesToShip', 'needsToReview', 'needsObjected'])
  })

  it('gives a coordinator one entry per pairing granted, named once the names are known', () => {
    const roles = [role('coordinator', { pairing_id: 1 }), role('coordinator', { pairing_id: 4 }), role('coordinator', { pairing_id: 1 })]
    const menu = workspaceMenu(roles, { pairings: { 1: '广州—梅州对口帮扶' } })
    expect(shape(menu)).toEqual([['mine', MINE], ['pairing', ['/pairings/1', '/pairings/4']]])
    expect(menu[1]!.items.map((i) => i.params)).toEqual([{ name: '广州—梅州对口帮扶' }, { name: '#4' }])
    expect(menu[1]!.items.map((i) => i.id)).toEqual(['pairing-1', 'pairing-4'])
  })

  it('gives an organisation’s admins and members one entry per organisation, and their products', () => {
    const coop = workspaceMenu([role('org_admin', { organisation_id: 3 }), role('org_member', { organisation_id: 5 })], { organisations: { 3: '墩背村合作社' } })
    expect(shape(coop)).toEqual([['mine', MINE], ['organisation', ['/organisations/3', '/organisations/5', '/me/products']]])
    expect(coop[1]!.items[0]!.params).toEqual({ name: '墩背村合作社' })
    expect(workspaceHome(coop)).toBe('/organisations/3')
  })

  it('gives an administrator the organisations to verify (counted) and the users', () => {
    const menu = workspaceMenu([role('admin')])
    expect(shape(menu)).toEqual([['mine', MINE], ['admin', ['/admin/organisations', '/admin/users']]])
    expect(menuCounts(menu)).toEqual(['pledgesToShip', 'organisationsToVerify'])
  })

  it('lists 我的产品 once for an account of several hats, and every item id once', () => {
    const menu = workspaceMenu([role('org_member', { organisation_id: 2 }), role('cadre', { region_code: '441426100200' }), role('verifier', { region_code: '441426' }), role('admin'), role('coordinator', { pairing_id: 1 })])
    expect(menu.map((g) => g.key)).toEqual(['mine', 'organisation', 'pairing', 'village', 'review', 'admin'])
    const ids = menu.flatMap((g) => g.items.map((i) => i.id))
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.filter((id) => id === 'my-products')).toHaveLength(1)
  })
})

describe('the place of a page in the menu, and its breadcrumbs', () => {
  const menu = workspaceMenu([role('verifier', { region_code: '441426' }), role('cadre', { region_code: '441426100200' })])

  it('finds a menu page by its path, the item with more of the query first', () => {
    expect(placeInMenu(menu, { path: '/review', query: {} })?.item.id).toBe('review')
    expect(placeInMenu(menu, { path: '/review', query: { tab: 'verified' } })?.item.id).toBe('review')
    expect(placeInMenu(menu, { path: '/review', query: { tab: 'suspended' } })?.item.id).toBe('objections')
    expect(placeInMenu(menu, { path: '/needs', query: {} })).toBeNull()
  })

  it('reads group › page for a menu page, and group › page › record for a record reached through it', () => {
    expect(breadcrumbs(menu, { path: '/cadre/needs' }, [], { label: 'common.nav.needs' })).toEqual([
      { label: 'workspace.group.village' },
      { label: 'workspace.item.needs', params: undefined, to: undefined },
    ])
    const record = { label: 'workspace.record.household', params: { id: '7' } }
    expect(breadcrumbs(menu, { path: '/cadre/households/7' }, ['/cadre/households'], record)).toEqual([
      { label: 'workspace.group.village' },
      { label: 'workspace.item.households', params: undefined, to: '/cadre/households' },
      record,
    ])
    expect(breadcrumbs(menu, { path: '/needs/9/objections' }, ['/review?tab=suspended'], { label: 'workspace.record.objections', params: { id: '9' } }).map((c) => c.label)).toEqual([
      'workspace.group.review',
      'workspace.item.objections',
      'workspace.record.objections',
    ])
  })

  it('takes the first parent the account’s menu has, and only the page’s own title without one', () => {
    const donor = workspaceMenu([])
    expect(breadcrumbs(donor, { path: '/products/new' }, ['/me/products'], { label: 'products.editor.newTitle' })).toEqual([{ label: 'products.editor.newTitle' }])
    expect(breadcrumbs(donor, { path: '/organisations/3' }, [])).toEqual([])
    expect(breadcrumbs(menu, { path: '/products/new' }, ['/me/products'], { label: 'products.editor.newTitle' }).map((c) => c.label)).toEqual([
      'workspace.group.village',
      'common.nav.myProducts',
      'products.editor.newTitle',
    ])
  })
})
