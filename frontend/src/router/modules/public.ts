import type { RouteRecordRaw } from 'vue-router'
import { withTradeMessages } from '@/locales'

export default [
  { path: '/', name: 'home', component: () => import('@/views/home/Home.vue'), meta: { title: 'common.nav.home' } },
  { path: '/needs', name: 'hall', component: () => import('@/views/hall/Hall.vue'), meta: { title: 'common.nav.hall' } },
  { path: '/needs/:id(\\d+)', name: 'need', component: () => import('@/views/need/Need.vue'), props: true, meta: { confirmed: true } },
  { path: '/offers', name: 'offers', component: () => import('@/views/offers/Offers.vue'), meta: { title: 'offers.hall.title' } },
  { path: '/offers/:id(\\d+)', name: 'offer', component: () => import('@/views/offers/Offer.vue'), props: true, meta: { confirmed: true } },
  { path: '/products', name: 'products', component: () => withTradeMessages(import('@/views/products/Products.vue')), meta: { title: 'products.hall.title' } },
  { path: '/products/:id(\\d+)', name: 'product', component: () => withTradeMessages(import('@/views/products/Product.vue')), props: true, meta: { confirmed: true } },
  { path: '/notices', name: 'notices', component: () => import('@/views/notices/Notices.vue'), meta: { title: 'common.nav.notices' } },
  { path: '/transparency', name: 'transparency', component: () => import('@/views/transparency/Transparency.vue'), meta: { title: 'common.nav.transparency' } },
  { path: '/organisations/:id(\\d+)', name: 'organisation', component: () => import('@/views/organisation/Organisation.vue'), props: true, meta: { auth: true } },
  { path: '/login', name: 'login', component: () => import('@/views/auth/Login.vue'), meta: { title: 'common.auth.login' } },
  { path: '/register', name: 'register', component: () => import('@/views/auth/Register.vue'), meta: { title: 'common.auth.register' } },
  { path: '/forgot-password', name: 'forgot-password', component: () => import('@/views/auth/ForgotPassword.vue'), meta: { title: 'auth.forgot.title' } },
  { path: '/confirm-email', name: 'confirm-email', component: () => import('@/views/auth/ConfirmEmail.vue'), meta: { title: 'auth.confirm.title' } },
  { path: '/reset-password', name: 'reset-password', component: () => import('@/views/auth/ResetPassword.vue'), meta: { title: 'auth.reset.title' } },
] satisfies RouteRecordRaw[]
