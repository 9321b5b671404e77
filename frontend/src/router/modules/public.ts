import type { RouteRecordRaw } from 'vue-router'

export default [
  { path: '/', name: 'home', component: () => import('@/views/home/index.vue'), meta: { title: 'common.nav.home' } },
  { path: '/needs', name: 'hall', component: () => import('@/views/hall/index.vue'), meta: { title: 'common.nav.hall' } },
  { path: '/needs/:id(\\d+)', name: 'need', component: () => import('@/views/need/index.vue'), props: true },
  { path: '/notices', name: 'notices', component: () => import('@/views/notices/index.vue'), meta: { title: 'common.nav.notices' } },
  { path: '/transparency', name: 'transparency', component: () => import('@/views/transparency/index.vue'), meta: { title: 'common.nav.transparency' } },
  { path: '/organisations/:id(\\d+)', name: 'organisation', component: () => import('@/views/organisation/index.vue'), props: true, meta: { auth: true } },
  { path: '/login', name: 'login', component: () => import('@/views/auth/Login.vue'), meta: { title: 'common.auth.login' } },
  { path: '/register', name: 'register', component: () => import('@/views/auth/Register.vue'), meta: { title: 'common.auth.register' } },
] satisfies RouteRecordRaw[]
