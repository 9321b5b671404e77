import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: '/pairings', name: 'pairings', component: () => import('@/views/pairings/Pairings.vue'), meta: { title: 'common.nav.boards' } },
  { path: '/pairings/:id(\\d+)', name: 'pairing', component: () => import('@/views/pairings/Pairing.vue'), props: true, meta: { coordinators: true } },
] satisfies RouteRecordRaw[]
