import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: '/me/pledges', name: 'my-pledges', component: () => import('@/views/pledges/MyPledges.vue'), meta: { auth: true, title: 'common.nav.myPledges' } },
  { path: '/me/follows', name: 'my-follows', component: () => import('@/views/follows/MyFollows.vue'), meta: { auth: true, title: 'common.nav.myFollows' } },
  { path: '/pledges/:id(\\d+)', name: 'pledge', component: () => import('@/views/pledges/Pledge.vue'), props: true, meta: { auth: true } },
  { path: '/me/offers', name: 'my-offers', component: () => import('@/views/offers/MyOffers.vue'), meta: { auth: true, title: 'common.nav.myOffers' } },
  { path: '/offers/new', name: 'offer-new', component: () => import('@/views/offers/OfferEditor.vue'), meta: { auth: true, title: 'offers.editor.newTitle' } },
  { path: '/offers/:id(\\d+)/edit', name: 'offer-edit', component: () => import('@/views/offers/OfferEditor.vue'), props: true, meta: { auth: true, title: 'offers.editor.editTitle' } },
  { path: '/me/notifications', name: 'notifications', component: () => import('@/views/notifications/Notifications.vue'), meta: { auth: true, title: 'common.nav.notifications' } },
] satisfies RouteRecordRaw[]
