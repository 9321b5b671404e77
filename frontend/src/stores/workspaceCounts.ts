// The counts of what waits for the signed-in account beside its workspace menu's items. Each
// count is the `total` of an existing list asked for one item (`per_page=1`); they are read again
// on every navigation and after every change the app makes (a successful call other than GET:
// the workspace layout listens, `api/changes.ts`), a little later so that a burst of calls reads
// them once. A count that fails to load shows no badge: it is a hint, and the page itself says
// what went wrong.
import { defineStore } from 'pinia'
import { reactive } from 'vue'
import { listNeeds } from '@/api/needs'
import { listOrganisations } from '@/api/organisations'
import { getMyPledges } from '@/api/pledges'
import { menuCounts, type CountKey } from '@/layouts/workspace/menu'
import { useSession } from './session'
import { useWorkspace } from './workspace'

const needs = (status: Parameters<typeof listNeeds>[0]['status']) => listNeeds({ status, page: 1, per_page: 1 }).then((p) => p.total)

/** How each count is read. */
export const COUNT_SOURCES: Record<CountKey, () => Promise<number>> = {
  // A donor's pledges not sent yet.
  pledgesToShip: () => getMyPledges('pledged', 1, 1).then((p) => p.total),
  // A cadre's drafts, and the needs the verifiers sent back.
  needsToRedo: async () => (await Promise.all([needs('draft'), needs('rejected')])).reduce((a, b) => a + b, 0),
  // A verifier's first-review queue, and the needs under objection.
  needsToReview: () => needs('submitted'),
  needsObjected: () => needs('suspended'),
  // Organisations an administrator has to verify.
  organisationsToVerify: () => listOrganisations({ verified: false, page: 1, per_page: 1 }).then((p) => p.total),
}

/** Read counts again this long after a change, once for a burst of calls. */
export const REFRESH_DELAY_MS = 400

export const useWorkspaceCounts = defineStore('workspaceCounts', () => {
  const session = useSession()
  const workspace = useWorkspace()
  const counts = reactive<Partial<Record<CountKey, number>>>({})

  let generation = 0
  /** Reads every count the menu shows; a failed one loses its badge. */
  async function refresh() {
    const mine = ++generation
    const keys = menuCounts(workspace.menu)
    for (const key of Object.keys(counts) as CountKey[]) if (!keys.includes(key)) delete counts[key]
    await Promise.all(
      keys.map(async (key) => {
        try {
          const n = await COUNT_SOURCES[key]()
          if (mine === generation) counts[key] = n
        } catch {
          if (mine === generation) delete counts[key]
        }
      }),
    )
  }

  let timer: ReturnType<typeof setTimeout> | null = null
  /** Reads the counts again soon (after a change), once however often asked meanwhile. */
  function refreshSoon() {
    if (!session.signedIn) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      void refresh()
    }, REFRESH_DELAY_MS)
  }

  return { counts, refresh, refreshSoon }
})
