// The verified organisations (帮扶主体), which several pages choose from: a pairing's coordinator
// adding a member, an administrator granting an organisation role, the organisations page.
// Loaded once, every page, and shared; `load(true)` reads them again after a change.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { ApiError, type Schemas } from '@/api/client'
import { listOrganisations } from '@/api/organisations'
import { allPages } from '@/api/paging'

export type Organisation = Schemas['OrganisationView']

export const useOrganisations = defineStore('organisations', () => {
  const verified = shallowRef<Organisation[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let pending: Promise<void> | null = null

  const byId = computed(() => new Map(verified.value.map((o) => [o.id, o])))

  async function load(force = false): Promise<void> {
    if (loaded.value && !force) return
    pending ??= (async () => {
      loading.value = true
      error.value = null
      try {
        verified.value = await allPages((page, perPage) => listOrganisations({ page, per_page: perPage }))
        loaded.value = true
      } catch (e) {
        error.value = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
      } finally {
        loading.value = false
        pending = null
      }
    })()
    return pending
  }

  /** Records a change the caller made (verified now, say), without reading the list again. */
  function put(organisation: Organisation) {
    const others = verified.value.filter((o) => o.id !== organisation.id)
    verified.value = organisation.verified ? [organisation, ...others] : others
  }

  return { verified, loaded, loading, error, byId, load, put }
})
