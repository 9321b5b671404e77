// A list read a page at a time, with "more": the pages read so far, appended in order.
import { computed, ref, shallowRef } from 'vue'
import { ApiError } from '@/api/client'
import { MAX_DEPTH, type PageFetch } from '@/api/paging'

export function usePages<T>(fetch: PageFetch<T>, perPage = 20) {
  const items = shallowRef<T[]>([])
  const total = ref(0)
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let page = 0
  let generation = 0

  async function read(next: number, mine: number) {
    loading.value = true
    error.value = null
    try {
      const answer = await fetch(next, perPage)
      if (mine !== generation) return
      items.value = next === 1 ? answer.items : [...items.value, ...answer.items]
      total.value = answer.total
      page = next
    } catch (e) {
      if (mine === generation) error.value = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** The first page again, dropping the others. */
  function reload() {
    return read(1, ++generation)
  }

  /** The next page, after those read. */
  function more() {
    return read(page + 1, generation)
  }

  const hasMore = computed(() => items.value.length < total.value && (page + 1) * perPage <= MAX_DEPTH)
  return { items, total, loading, error, hasMore, reload, more }
}
