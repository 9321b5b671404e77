import type { RouteRecordRaw } from 'vue-router'

const cadre = { roles: ['cadre' as const] }

export default [
  { path: '/cadre/households', name: 'households', component: () => import('@/views/cadre/Households.vue'), meta: { ...cadre, title: 'common.nav.households' } },
  { path: '/cadre/households/:id(\\d+)', name: 'household', component: () => import('@/views/cadre/Household.vue'), props: true, meta: { ...cadre, parents: ['/cadre/households'], record: 'workspace.record.household' } },
  { path: '/cadre/needs', name: 'cadre-needs', component: () => import('@/views/cadre/Needs.vue'), meta: { ...cadre, title: 'common.nav.needs' } },
  { path: '/cadre/needs/new', name: 'need-new', component: () => import('@/views/cadre/NeedEditor.vue'), meta: { ...cadre, parents: ['/cadre/needs'], record: 'workspace.record.needNew' } },
  { path: '/cadre/needs/:id(\\d+)/edit', name: 'need-edit', component: () => import('@/views/cadre/NeedEditor.vue'), props: true, meta: { ...cadre, parents: ['/cadre/needs'], record: 'workspace.record.needEdit' } },
] satisfies RouteRecordRaw[]
