// Which pages show in the workspace: a signed-in account's pages that need signing in (or a
// role), and a pairing's page for its own coordinators (their board, in their menu). Everyone
// else's pages keep the public header. Kept apart from the menu, which comes with the workspace.
import type { RouteLocationNormalizedLoaded } from 'vue-router'

interface SessionLike {
  signedIn: boolean
  pairingIds: number[]
}

export function showsInWorkspace(route: Pick<RouteLocationNormalizedLoaded, 'meta' | 'params'>, session: SessionLike): boolean {
  if (!session.signedIn) return false
  if (route.meta.auth || (route.meta.roles?.length ?? 0) > 0) return true
  return Boolean(route.meta.coordinators) && session.pairingIds.includes(Number(route.params.id))
}
