// Loading, error and data of one request, for the page's loading/empty/error states.
import { ref, shallowRef, type Ref } from 'vue'
import { ApiError } from '@/api/client'

export interface AsyncState<T> {
  data: Ref<T | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  run: () => Promise<T | null>
}

export function useAsync<T>(load: () => Promise<T>, { immediate = true } = {}): AsyncState<T> {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let generation = 0

  async function run(): Promise<T | null> {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      const value = await load()
      if (mine === generation) data.value = value
      return value
    } catch (e) {
      if (mine === generation) error.value = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
      return null
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  if (immediate) void run()
  return { data, loading, error, run }
}
