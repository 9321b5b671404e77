import type { RouteRecordRaw } from 'vue-router'

const admin = { roles: ['admin' as const] }

export default [
  { path: '/admin/organisations', name: 'admin-organisations', component: () => import('@/views/admin/Organisations.vue'), meta: { ...admin, title: 'common.nav.organisations' } },
  { path: '/admin/users', name: 'admin-users', component: () => import('@/views/admin/Users.vue'), meta: { ...admin, title: 'common.nav.users' } },
] satisfies RouteRecordRaw[]
