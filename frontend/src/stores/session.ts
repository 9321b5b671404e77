// Who is signed in, and what their roles let them reach. The server decides every permission;
// this only chooses which parts of the app to offer.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { ApiError, call, client, type Schemas } from '@/api/client'

export type Me = Schemas['Me']
export type RoleName = Me['roles'][number]['role']

export const useSession = defineStore('session', () => {
  const user = ref<Me | null>(null)
  /** Whether `GET /me` has answered once (until then, guards wait). */
  const known = ref(false)
  let loading: Promise<void> | null = null

  const signedIn = computed(() => user.value !== null)
  const roles = computed(() => new Set(user.value?.roles.map((r) => r.role) ?? []))
  const has = (...wanted: RoleName[]) => wanted.some((r) => roles.value.has(r))
  /** Organisations the user acts for (as admin or member). */
  const organisationIds = computed(() => [
    ...new Set(user.value?.roles.flatMap((r) => (r.organisation_id ? [r.organisation_id] : [])) ?? []),
  ])
  const pairingIds = computed(() => [
    ...new Set(user.value?.roles.flatMap((r) => (r.pairing_id ? [r.pairing_id] : [])) ?? []),
  ])

  async function load(): Promise<void> {
    loading ??= (async () => {
      try {
        user.value = await call(client.GET('/api/v1/me'))
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 401) throw e
        user.value = null
      } finally {
        known.value = true
        loading = null
      }
    })()
    return loading
  }

  async function login(login: string, password: string) {
    const answer = await call(client.POST('/api/v1/auth/login', { body: { login, password } }))
    user.value = answer.user
    known.value = true
  }

  async function logout() {
    try {
      await call(client.POST('/api/v1/auth/logout'))
    } finally {
      user.value = null
    }
  }

  return { user, known, signedIn, roles, has, organisationIds, pairingIds, load, login, logout }
})
