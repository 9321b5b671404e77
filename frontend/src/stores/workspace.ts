// The signed-in account's workspace: its menu, from its roles, with the names of the
// organisations and pairings they name. (What waits beside the menu's items is counted in
// `workspaceCounts.ts`, which only the workspace loads.)
import { defineStore } from 'pinia'
import { computed, reactive } from 'vue'
import { workspaceMenu, workspaceHome } from '@/layouts/workspace/menu'
import { useSession } from './session'

export const useWorkspace = defineStore('workspace', () => {
  const session = useSession()
  const names = reactive<{ organisations: Record<number, string>; pairings: Record<number, string> }>({ organisations: {}, pairings: {} })

  const menu = computed(() => (session.user ? workspaceMenu(session.user.roles, names) : []))
  const home = computed(() => workspaceHome(menu.value))

  /**
   * Names the organisations and pairings of the menu; one that fails keeps its number. (The
   * workspace calls it: the API modules come with it, not with every public page.)
   */
  async function loadNames() {
    const [{ getOrganisation }, { getPairing }] = await Promise.all([import('@/api/organisations'), import('@/api/pairings')])
    await Promise.all([
      ...session.organisationIds
        .filter((id) => !names.organisations[id])
        .map((id) => getOrganisation(id).then((o) => (names.organisations[id] = o.name), () => undefined)),
      ...session.pairingIds
        .filter((id) => !names.pairings[id])
        .map((id) => getPairing(id).then((p) => (names.pairings[id] = p.name), () => undefined)),
    ])
  }

  return { names, menu, home, loadNames }
})
