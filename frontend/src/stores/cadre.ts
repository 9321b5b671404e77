// A cadre's working ground: the regions their cadre roles cover (villages, usually), named, and
// each village's registered households (private fields masked), for the households, needs and
// need-editor pages alike. Which village a cadre may act in is the server's decision; this only
// chooses what to offer.
import { defineStore } from 'pinia'
import { computed, reactive } from 'vue'
import type { Schemas } from '@/api/client'
import { listHouseholds } from '@/api/households'
import { allPages } from '@/api/paging'
import { getRegion } from '@/api/regions'
import { useSession } from './session'

export type Household = Schemas['HouseholdView']

export const VILLAGE_CODE_LENGTH = 12

export const useCadre = defineStore('cadre', () => {
  const session = useSession()

  /** The region codes of the account's cadre roles, as granted (any level). */
  const scopes = computed(() => [
    ...new Set(session.user?.roles.flatMap((r) => (r.role === 'cadre' && r.region_code ? [r.region_code] : [])) ?? []),
  ])
  /** The villages among them, which a household or a need belongs to. */
  const villages = computed(() => scopes.value.filter((c) => c.length === VILLAGE_CODE_LENGTH))
  /** The wider regions among them (a town, a county), whose villages are picked from the region tree. */
  const areas = computed(() => scopes.value.filter((c) => c.length < VILLAGE_CODE_LENGTH))
  /** Whether a role covers more than one village. */
  const broad = computed(() => areas.value.length > 0)

  /** "大柘镇 墩背村委会" by code, once loaded. */
  const names = reactive<Record<string, string>>({})

  async function loadName(code: string): Promise<string> {
    if (!names[code]) {
      const detail = await getRegion(code)
      names[code] = detail.path
        .slice(-2)
        .map((r) => r.name)
        .join(' ')
    }
    return names[code]
  }

  /** Names the account's own regions; a name that fails to load shows as its code. */
  async function loadNames(codes: string[] = scopes.value) {
    await Promise.all(codes.map((c) => loadName(c).catch(() => c)))
  }

  function nameOf(code: string): string {
    return names[code] ?? code
  }

  /** Each village's households, as last loaded. */
  const households = reactive<Record<string, Household[]>>({})

  async function loadHouseholds(village: string): Promise<Household[]> {
    // Every page: the register lists them all and the need editor chooses among them.
    households[village] = await allPages((page, perPage) => listHouseholds(village, page, perPage))
    return households[village]
  }

  /** Keeps a household as the server last answered it (created, edited, moved on the register). */
  function keepHousehold(household: Household) {
    const list = households[household.village_code]
    if (!list) return
    const at = list.findIndex((h) => h.id === household.id)
    if (at >= 0) list.splice(at, 1, household)
    else list.unshift(household)
  }

  return { scopes, villages, areas, broad, names, loadName, loadNames, nameOf, households, loadHouseholds, keepHousehold }
})
