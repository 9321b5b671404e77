// Which pages the header offers: the public ones to everyone, each workspace to its roles.
import type { RoleName } from '@/stores/session'

export interface NavLink {
  to: string
  label: string
  exact?: boolean
}

interface SessionLike {
  signedIn: boolean
  has: (...roles: RoleName[]) => boolean
}

export function navigation(session: SessionLike): NavLink[] {
  const links: NavLink[] = [
    { to: '/', label: 'common.nav.home', exact: true },
    { to: '/needs', label: 'common.nav.hall', exact: true },
    { to: '/offers', label: 'common.nav.offers', exact: true },
    { to: '/products', label: 'common.nav.products', exact: true },
    { to: '/notices', label: 'common.nav.notices' },
    { to: '/transparency', label: 'common.nav.transparency' },
    { to: '/pairings', label: 'common.nav.boards' },
  ]
  if (!session.signedIn) return links
  links.push({ to: '/me/pledges', label: 'common.nav.myPledges' })
  links.push({ to: '/me/follows', label: 'common.nav.myFollows' })
  links.push({ to: '/me/offers', label: 'common.nav.myOffers' })
  links.push({ to: '/me/orders', label: 'common.nav.myOrders' })
  if (session.has('cadre', 'verifier', 'org_admin', 'org_member')) links.push({ to: '/me/products', label: 'common.nav.myProducts' })
  if (session.has('cadre')) {
    links.push({ to: '/cadre/households', label: 'common.nav.households' })
    links.push({ to: '/cadre/needs', label: 'common.nav.needs' })
  }
  if (session.has('verifier')) links.push({ to: '/review', label: 'common.nav.review' })
  if (session.has('admin')) {
    links.push({ to: '/admin/organisations', label: 'common.nav.organisations' })
    links.push({ to: '/admin/users', label: 'common.nav.users' })
  }
  links.push({ to: '/me/notifications', label: 'common.nav.notifications' })
  links.push({ to: '/me/tokens', label: 'common.nav.tokens' })
  return links
}
