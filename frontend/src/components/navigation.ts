// Which pages the public header offers: the public ones to everyone, and to a signed-in
// account its workspace (whose own menu, `layouts/workspace/menu.ts`, lists what it may do).
export interface NavLink {
  to: string
  label: string
  exact?: boolean
  testid?: string
}

interface SessionLike {
  signedIn: boolean
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
  // /workspace opens at the account's first role's page.
  if (session.signedIn) links.push({ to: '/workspace', label: 'common.nav.workspace', testid: 'workspace-link' })
  return links
}
