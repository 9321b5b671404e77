// Whether the current page shows in the workspace, and its breadcrumbs: a signed-in account's
// pages that need signing in (or a role), and any page of its menu (a coordinator's pairing,
// which is public too). Everyone else's pages keep the public header.
import { computed } from 'vue'
import { useRoute } from 'vue-router'
import { useSession } from '@/stores/session'
import { useWorkspace } from '@/stores/workspace'
import { breadcrumbs, placeInMenu, type Crumb } from './menu'

export function useWorkspaceRoute() {
  const route = useRoute()
  const session = useSession()
  const workspace = useWorkspace()

  const here = computed(() => ({ path: route.path, query: route.query as Record<string, unknown> }))
  const placed = computed(() => placeInMenu(workspace.menu, here.value, route.meta.parents))
  const inWorkspace = computed(
    () => session.signedIn && (Boolean(route.meta.auth) || (route.meta.roles?.length ?? 0) > 0 || placed.value !== null),
  )
  const crumbs = computed<Crumb[]>(() => {
    const title = route.meta.record ?? route.meta.title
    const record = title ? { label: title, params: route.params as Record<string, string> } : undefined
    return breadcrumbs(workspace.menu, here.value, route.meta.parents, record)
  })
  return { inWorkspace, placed, crumbs }
}
