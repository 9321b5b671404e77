// The workspace's side menu, as one pure function of the signed-in account's roles (the
// `RoleView`s of `/me`): what this account may do, grouped by the hat it wears. The breadcrumbs
// and the choice of layout read the same menu, so a page is placed in one way only. The server
// decides every permission; this only chooses what to offer.
import type { Schemas } from '@/api/client'

export type RoleView = Pick<Schemas['RoleView'], 'role' | 'region_code' | 'organisation_id' | 'pairing_id'>

export type GroupKey = 'mine' | 'organisation' | 'pairing' | 'village' | 'review' | 'admin'

/** What waits for the account, counted beside a menu item (see `stores/workspace.ts`). */
export type CountKey = 'pledgesToShip' | 'needsToRedo' | 'needsToReview' | 'needsObjected' | 'organisationsToVerify'

export interface MenuItem {
  /** Stable and unique in the menu: the item's test id and screenshot name. */
  id: string
  /** Where it leads: a path, with a query where the page shows one of its tabs. */
  to: string
  /** i18n key of its label, with `params`. */
  label: string
  params?: Record<string, string | number>
  count?: CountKey
}

export interface MenuGroup {
  key: GroupKey
  label: string
  items: MenuItem[]
}

/** The names of the organisations and pairings the roles name (by id), once loaded. */
export interface MenuNames {
  organisations?: Record<number, string>
  pairings?: Record<number, string>
}

const unique = (values: (number | null | undefined)[]) => [...new Set(values.filter((v): v is number => typeof v === 'number'))]

export function workspaceMenu(roles: readonly RoleView[], names: MenuNames = {}): MenuGroup[] {
  const has = (...wanted: RoleView['role'][]) => roles.some((r) => wanted.includes(r.role))
  const groups: MenuGroup[] = []
  // 我的产品 once, in the first group whose people sell or certify products.
  let products = false
  const productsItem = (): MenuItem[] => {
    if (products) return []
    products = true
    return [{ id: 'my-products', to: '/me/products', label: 'common.nav.myProducts' }]
  }

  groups.push({
    key: 'mine',
    label: 'workspace.group.mine',
    items: [
      { id: 'my-pledges', to: '/me/pledges', label: 'common.nav.myPledges', count: 'pledgesToShip' },
      { id: 'my-follows', to: '/me/follows', label: 'common.nav.myFollows' },
      { id: 'my-offers', to: '/me/offers', label: 'common.nav.myOffers' },
      { id: 'my-orders', to: '/me/orders', label: 'common.nav.myOrders' },
      { id: 'notifications', to: '/me/notifications', label: 'common.nav.notifications' },
      { id: 'tokens', to: '/me/tokens', label: 'common.nav.tokens' },
    ],
  })

  const organisations = unique(roles.filter((r) => r.role === 'org_admin' || r.role === 'org_member').map((r) => r.organisation_id))
  if (organisations.length > 0) {
    groups.push({
      key: 'organisation',
      label: 'workspace.group.organisation',
      items: [
        ...organisations.map((id) => ({
          id: `organisation-${id}`,
          to: `/organisations/${id}`,
          label: 'workspace.item.organisation',
          params: { name: names.organisations?.[id] ?? `#${id}` },
        })),
        ...productsItem(),
      ],
    })
  }

  const pairings = unique(roles.filter((r) => r.role === 'coordinator').map((r) => r.pairing_id))
  if (pairings.length > 0) {
    groups.push({
      key: 'pairing',
      label: 'workspace.group.pairing',
      items: pairings.map((id) => ({
        id: `pairing-${id}`,
        to: `/pairings/${id}`,
        label: 'workspace.item.pairing',
        params: { name: names.pairings?.[id] ?? `#${id}` },
      })),
    })
  }

  if (has('cadre')) {
    groups.push({
      key: 'village',
      label: 'workspace.group.village',
      items: [
        { id: 'households', to: '/cadre/households', label: 'workspace.item.households' },
        { id: 'needs', to: '/cadre/needs', label: 'workspace.item.needs', count: 'needsToRedo' },
        ...productsItem(),
      ],
    })
  }

  if (has('verifier')) {
    groups.push({
      key: 'review',
      label: 'workspace.group.review',
      items: [
        { id: 'review', to: '/review', label: 'workspace.item.review', count: 'needsToReview' },
        { id: 'objections', to: '/review?tab=suspended', label: 'workspace.item.objections', count: 'needsObjected' },
        ...productsItem(),
      ],
    })
  }

  if (has('admin')) {
    groups.push({
      key: 'admin',
      label: 'workspace.group.admin',
      items: [
        { id: 'admin-organisations', to: '/admin/organisations', label: 'workspace.item.organisations', count: 'organisationsToVerify' },
        { id: 'admin-users', to: '/admin/users', label: 'workspace.item.users' },
      ],
    })
  }
  return groups
}

/** Every count the menu shows, once each. */
export function menuCounts(menu: readonly MenuGroup[]): CountKey[] {
  return [...new Set(menu.flatMap((g) => g.items.flatMap((i) => (i.count ? [i.count] : []))))]
}

/** Where the signed-in account's work starts: its first role's page, else its pledges. */
export function workspaceHome(menu: readonly MenuGroup[]): string {
  const own = menu.find((g) => g.key !== 'mine') ?? menu[0]
  return own?.items[0]?.to ?? '/me/pledges'
}

/** A location as the menu compares it: a path and its query. */
export interface Here {
  path: string
  query?: Record<string, unknown>
}

function split(to: string): { path: string; query: Record<string, string> } {
  const [path = '', search = ''] = to.split('?')
  return { path, query: Object.fromEntries(new URLSearchParams(search)) }
}

export interface Placed {
  group: MenuGroup
  item: MenuItem
  /** Reached through the item (a record, a form of its list), not the item's own page. */
  within: boolean
}

/**
 * The menu item a location is: the one whose path it is, with the most of its query; else the
 * item of the first of `parents` (paths of the lists the page belongs to) in the menu.
 */
export function placeInMenu(menu: readonly MenuGroup[], here: Here, parents: readonly string[] = []): Placed | null {
  let best: Placed | null = null
  let bestScore = -1
  for (const group of menu) {
    for (const item of group.items) {
      const target = split(item.to)
      if (target.path !== here.path) continue
      const wanted = Object.entries(target.query)
      if (!wanted.every(([k, v]) => here.query?.[k] === v)) continue
      if (wanted.length > bestScore) {
        best = { group, item, within: false }
        bestScore = wanted.length
      }
    }
  }
  if (best) return best
  for (const parent of parents) {
    for (const group of menu) {
      const item = group.items.find((i) => i.to === parent)
      if (item) return { group, item, within: true }
    }
  }
  return null
}

export interface Crumb {
  label: string
  params?: Record<string, string | number>
  /** A link, for the crumbs before the last. */
  to?: string
}

/**
 * Workspace group › page › record. `record` is the page's own title (an i18n key with the
 * route's params), shown when the page is a record or form reached through a menu item.
 */
export function breadcrumbs(menu: readonly MenuGroup[], here: Here, parents: readonly string[] = [], record?: Crumb): Crumb[] {
  const placed = placeInMenu(menu, here, parents)
  if (!placed) return record ? [record] : []
  const crumbs: Crumb[] = [
    { label: placed.group.label },
    { label: placed.item.label, params: placed.item.params, to: placed.within ? placed.item.to : undefined },
  ]
  if (placed.within && record) crumbs.push(record)
  return crumbs
}
