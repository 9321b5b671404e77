import type { RouteRecordRaw } from 'vue-router'

const verifier = { roles: ['verifier' as const] }

export default [
  { path: '/review', name: 'review', component: () => import('@/views/review/Review.vue'), meta: { ...verifier, title: 'common.nav.review' } },
  { path: '/needs/:id(\\d+)/objections', name: 'objections', component: () => import('@/views/review/Objections.vue'), props: true, meta: { ...verifier, parents: ['/review?tab=suspended'], record: 'workspace.record.objections' } },
] satisfies RouteRecordRaw[]
