// The current page's place in the workspace menu (its item, lit in the menu) and its
// breadcrumbs: workspace group › page › record.
import { computed } from 'vue'
import { useRoute } from 'vue-router'
import { useWorkspace } from '@/stores/workspace'
import { breadcrumbs, placeInMenu, type Crumb } from './menu'

export function useWorkspaceRoute() {
  const route = useRoute()
  const workspace = useWorkspace()

  const here = computed(() => ({ path: route.path, query: route.query as Record<string, unknown> }))
  const placed = computed(() => placeInMenu(workspace.menu, here.value, route.meta.parents))
  const crumbs = computed<Crumb[]>(() => {
    const title = route.meta.record ?? route.meta.title
    const record = title ? { label: title, params: route.params as Record<string, string> } : undefined
    return breadcrumbs(workspace.menu, here.value, route.meta.parents, record)
  })
  return { placed, crumbs }
}
