// The names of what roles are scoped to — regions, organisations, pairings — for showing a
// grant as "审核员 · 梅州市 平远县" rather than by its codes (a region by its own name and its
// parent's). Region names are read once per code.
import { reactive, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Schemas } from '@/api/client'
import { allPages } from '@/api/paging'
import { listPairings } from '@/api/pairings'
import { getRegion } from '@/api/regions'
import { useOrganisations } from '@/stores/organisations'

type RoleView = Schemas['RoleView']
export type PairingView = Schemas['PairingView']

export function useScopeNames() {
  const { t } = useI18n()
  const organisations = useOrganisations()
  const pairings = shallowRef<PairingView[]>([])
  const regions = reactive(new Map<string, string>())
  const asked = new Set<string>()

  void organisations.load()
  // Names are a nicety: a failure leaves the codes showing.
  void allPages((page, perPage) => listPairings({ page, per_page: perPage }))
    .then((list) => (pairings.value = list))
    .catch(() => undefined)

  function regionName(code: string): string {
    if (!asked.has(code)) {
      asked.add(code)
      void getRegion(code)
        .then((detail) => regions.set(code, detail.path.slice(-2).map((r) => r.name).join(' ')))
        .catch(() => undefined)
    }
    return regions.get(code) ?? code
  }

  /** A grant in words: its role and, where it has one, its scope. */
  function describe(grant: RoleView): string {
    const role = t(`domain.role.${grant.role}`)
    if (grant.region_code) return `${role} · ${regionName(grant.region_code)}`
    if (grant.organisation_id) {
      return `${role} · ${organisations.byId.get(grant.organisation_id)?.name ?? `#${grant.organisation_id}`}`
    }
    if (grant.pairing_id) {
      return `${role} · ${pairings.value.find((p) => p.id === grant.pairing_id)?.name ?? `#${grant.pairing_id}`}`
    }
    return role
  }

  return { pairings, organisations, describe }
}
