// Routes are grouped by audience in `modules/`; every page is lazy-loaded, so a visitor of the
// public pages never downloads a workspace. `meta.roles` names who a page is for: the guard
// sends others to sign in (or to the 403 page); the API enforces the same rules on its side.
import { createRouter, createWebHistory, type RouterHistory, type RouteRecordRaw } from 'vue-router'
import { onUnauthenticated } from '@/api/client'
import { useSession, type RoleName } from '@/stores/session'
import publicRoutes from './modules/public'
import donorRoutes from './modules/donor'
import cadreRoutes from './modules/cadre'
import verifierRoutes from './modules/verifier'
import coordinationRoutes from './modules/coordination'
import adminRoutes from './modules/admin'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    title?: string
    /** Signing in is needed. */
    auth?: boolean
    /** Any one of these roles is needed (implies `auth`). */
    roles?: RoleName[]
    /**
     * The page's actions (pledging, ordering, acting for an organisation) need a confirmed
     * account: an unconfirmed one sees the banner that says so, with its way out.
     */
    confirmed?: boolean
    /**
     * A record or form's lists (paths of workspace menu items), first found in the account's
     * menu wins: the page is shown in the workspace under it (its breadcrumbs, its menu item).
     */
    parents?: string[]
    /** i18n key of the page's breadcrumb as a record, with the route's params (`title` otherwise). */
    record?: string
    /** A pairing's page, which shows in the workspace of the pairing's own coordinators. */
    coordinators?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  ...publicRoutes,
  ...donorRoutes,
  ...cadreRoutes,
  ...verifierRoutes,
  ...coordinationRoutes,
  ...adminRoutes,
  { path: '/forbidden', name: 'forbidden', component: () => import('@/views/errors/Forbidden.vue'), meta: { title: 'common.state.forbidden' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('@/views/errors/NotFound.vue'), meta: { title: 'common.state.notFound' } },
]

export function createAppRouter(history: RouterHistory = createWebHistory()) {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })

  // A call answered 401: the session ended on the server. Sign in again, and come back here.
  onUnauthenticated(() => {
    useSession().expire()
    const here = router.currentRoute.value
    if (here.name !== 'login') void router.push({ name: 'login', query: { next: here.fullPath } })
  })

  router.beforeEach(async (to) => {
    const session = useSession()
    // Signed in again after a session ended: load the app afresh, without the old one's data.
    if (session.ended && session.signedIn) {
      window.location.assign(router.resolve(to).href)
      return false
    }
    const needsAuth = to.meta.auth || (to.meta.roles?.length ?? 0) > 0
    if (!needsAuth) return true
    if (!session.known) {
      // Only a 401 means signed out (`load` rejects on anything else); when /me could not be asked (the network), the page goes
      // ahead and its own calls show what failed.
      const answered = await session.load().then(
        () => true,
        () => false,
      )
      if (!answered) return true
    }
    if (!session.signedIn) return { name: 'login', query: { next: to.fullPath } }
    if (to.meta.roles && !session.has(...to.meta.roles)) return { name: 'forbidden' }
    return true
  })
  return router
}
