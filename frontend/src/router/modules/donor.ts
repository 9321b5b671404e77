import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: '/me/pledges', name: 'my-pledges', component: () => import('@/views/pledges/MyPledges.vue'), meta: { auth: true, title: 'common.nav.myPledges' } },
  { path: '/pledges/:id(\\d+)', name: 'pledge', component: () => import('@/views/pledges/Pledge.vue'), props: true, meta: { auth: true } },
  { path: '/me/notifications', name: 'notifications', component: () => import('@/views/notifications/Notifications.vue'), meta: { auth: true, title: 'common.nav.notifications' } },
] satisfies RouteRecordRaw[]
