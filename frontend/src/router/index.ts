// Routes are grouped by audience in `modules/`; every page is lazy-loaded, so a visitor of the
// public pages never downloads a workspace. `meta.roles` names who a page is for: the guard
// sends others to sign in (or to the 403 page); the API enforces the same rules on its side.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
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

export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  router.beforeEach(async (to) => {
    const needsAuth = to.meta.auth || (to.meta.roles?.length ?? 0) > 0
    if (!needsAuth) return true
    const session = useSession()
    if (!session.known) await session.load().catch(() => undefined)
    if (!session.signedIn) return { name: 'login', query: { next: to.fullPath } }
    if (to.meta.roles && !session.has(...to.meta.roles)) return { name: 'forbidden' }
    return true
  })
  return router
}
