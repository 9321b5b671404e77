import type { RouteRecordRaw } from 'vue-router'
import { withTradeMessages } from '@/locales'

export default [
  { path: '/workspace', name: 'workspace', component: () => import('@/layouts/workspace/WorkspaceHome.vue'), meta: { auth: true, title: 'common.nav.workspace' } },
  { path: '/me/pledges', name: 'my-pledges', component: () => import('@/views/pledges/MyPledges.vue'), meta: { auth: true, confirmed: true, title: 'common.nav.myPledges' } },
  { path: '/me/follows', name: 'my-follows', component: () => import('@/views/follows/MyFollows.vue'), meta: { auth: true, title: 'common.nav.myFollows' } },
  { path: '/pledges/:id(\\d+)', name: 'pledge', component: () => import('@/views/pledges/Pledge.vue'), props: true, meta: { auth: true, parents: ['/me/pledges'], record: 'workspace.record.pledge' } },
  { path: '/me/offers', name: 'my-offers', component: () => import('@/views/offers/MyOffers.vue'), meta: { auth: true, title: 'common.nav.myOffers' } },
  { path: '/offers/new', name: 'offer-new', component: () => import('@/views/offers/OfferEditor.vue'), meta: { auth: true, confirmed: true, title: 'offers.editor.newTitle', parents: ['/me/offers'] } },
  { path: '/offers/:id(\\d+)/edit', name: 'offer-edit', component: () => import('@/views/offers/OfferEditor.vue'), props: true, meta: { auth: true, title: 'offers.editor.editTitle', parents: ['/me/offers'] } },
  { path: '/me/products', name: 'my-products', component: () => withTradeMessages(import('@/views/products/MyProducts.vue')), meta: { auth: true, title: 'common.nav.myProducts' } },
  { path: '/products/new', name: 'product-new', component: () => withTradeMessages(import('@/views/products/ProductEditor.vue')), meta: { auth: true, title: 'products.editor.newTitle', parents: ['/me/products'] } },
  { path: '/products/:id(\\d+)/edit', name: 'product-edit', component: () => withTradeMessages(import('@/views/products/ProductEditor.vue')), props: true, meta: { auth: true, title: 'products.editor.editTitle', parents: ['/me/products'] } },
  { path: '/me/orders', name: 'my-orders', component: () => withTradeMessages(import('@/views/orders/MyOrders.vue')), meta: { auth: true, confirmed: true, title: 'common.nav.myOrders' } },
  { path: '/orders/:id(\\d+)', name: 'order', component: () => withTradeMessages(import('@/views/orders/Order.vue')), props: true, meta: { auth: true, parents: ['/me/orders'], record: 'workspace.record.order' } },
  { path: '/me/tokens', name: 'api-tokens', component: () => import('@/views/account/ApiTokens.vue'), meta: { auth: true, title: 'common.nav.tokens' } },
  { path: '/me/notifications', name: 'notifications', component: () => import('@/views/notifications/Notifications.vue'), meta: { auth: true, title: 'common.nav.notifications' } },
] satisfies RouteRecordRaw[]
