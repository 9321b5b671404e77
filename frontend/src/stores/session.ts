// Who is signed in, and what their roles let them reach. The server decides every permission;
// this only chooses which parts of the app to offer.
//
// A session ends in one of two ways. Signing out loads the app afresh (`window.location`), so
// that nothing the previous user saw stays in memory. A session that ended on the server
// (expired, or signed out elsewhere) shows as a 401 on some call: the router then sends the
// user to sign in (`expire()`), and loads the app afresh once they have (`ended`).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as auth from '@/api/auth'
import { ApiError, forgetSessionCookie, hasSessionCookie, type Schemas } from '@/api/client'
import { i18n, isLocale, setLocale, type Locale } from '@/locales'

export type Me = Schemas['Me']
export type RoleName = Schemas['Role']

export const useSession = defineStore('session', () => {
  const user = ref<Me | null>(null)
  /** Whether `GET /me` has answered once (until then, guards ask it). */
  const known = ref(false)
  /** The session ended on the server while the app was open: what it holds is someone's past. */
  const ended = ref(false)
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

  /** Takes the signed-in account, and its language: the one saved on the server wins. */
  function signIn(me: Me) {
    user.value = me
    known.value = true
    if (isLocale(me.locale) && me.locale !== i18n.global.locale.value) setLocale(me.locale)
  }

  async function load(): Promise<void> {
    // No session cookie: signed out, and nothing to ask (a signed-out page view makes no 401).
    if (!hasSessionCookie()) {
      user.value = null
      known.value = true
      return
    }
    loading ??= (async () => {
      try {
        signIn(await auth.getMe())
      } catch (e) {
        // Anything but a 401 leaves it unknown, to be asked again.
        if (!(e instanceof ApiError) || e.status !== 401) throw e
        forgetSessionCookie()
        user.value = null
        known.value = true
      } finally {
        loading = null
      }
    })()
    return loading
  }

  async function login(login: string, password: string) {
    const answer = await auth.login(login, password)
    signIn(answer.user)
  }

  /** Signs out, then loads the app afresh: no store keeps what this user saw. */
  async function logout() {
    try {
      await auth.logout()
    } finally {
      user.value = null
      window.location.assign('/')
    }
  }

  /** The server no longer knows this session (a call answered 401). */
  function expire() {
    forgetSessionCookie()
    if (user.value) ended.value = true
    user.value = null
    known.value = true
  }

  /**
   * Switches the app's language; a signed-in user's choice is saved on their account (which
   * their mail follows too), and the switch happens once the server took it.
   */
  async function changeLocale(locale: Locale) {
    if (user.value) user.value = await auth.changeMyLocale(locale)
    setLocale(locale)
  }

  return { user, known, ended, signedIn, roles, has, organisationIds, pairingIds, load, login, logout, expire, changeLocale }
})
