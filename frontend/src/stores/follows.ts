// The signed-in account's follows (关注), read once and shared: every 关注 button on a page asks
// this store whether its target is followed, and every change (a new follow, a new mode, one
// left) replaces what it holds with the server's answer, so all the buttons and 我的关注 agree.
import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import { ApiError } from '@/api/client'
import * as api from '@/api/follows'
import { allPages } from '@/api/paging'
import type { AlertMode, Follow, FollowKind } from '@/api/follows'

export type { AlertMode, Follow, FollowKind }

/** How alerts may come, in the order offered. */
export const ALERT_MODES: readonly AlertMode[] = ['instant', 'daily']
export const FOLLOW_KINDS: readonly FollowKind[] = ['region', 'category', 'pairing', 'organisation']

export const useFollows = defineStore('follows', () => {
  /** The follows, oldest first, as the server last answered. */
  const mine = shallowRef<Follow[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let pending: Promise<void> | null = null

  /** Reads the follows once (again with `force`); buttons calling it together share one request. */
  async function load(force = false): Promise<void> {
    if (loaded.value && !force) return
    pending ??= (async () => {
      loading.value = true
      error.value = null
      try {
        // Every page: each button asks whether its target is among them.
        mine.value = await allPages((page, perPage) => api.getMyFollows(page, perPage))
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

  /** The caller's follow of a target, if any. */
  function find(kind: FollowKind, target: string): Follow | undefined {
    return mine.value.find((f) => f.target_kind === kind && f.target === target)
  }

  function keep(follow: Follow): Follow {
    const at = mine.value.findIndex((f) => f.id === follow.id)
    mine.value = at >= 0 ? mine.value.map((f) => (f.id === follow.id ? follow : f)) : [...mine.value, follow]
    return follow
  }

  /** Follows a target (a follow of it already takes the new mode). */
  async function follow(kind: FollowKind, target: string, mode: AlertMode) {
    return keep(await api.follow(kind, target, mode))
  }

  async function changeMode(id: number, mode: AlertMode) {
    return keep(await api.changeFollowMode(id, mode))
  }

  async function unfollow(id: number) {
    await api.unfollow(id)
    mine.value = mine.value.filter((f) => f.id !== id)
  }

  return { mine, loaded, loading, error, load, find, follow, changeMode, unfollow }
})
