// The verifier's queues: needs waiting for a first review (`submitted`), for the second,
// county-level one that a need above its category's value cap gets (`verified`), and under
// objection (`suspended`). The server scopes every queue to the verifier's towns and counties;
// a decision takes the need out of its queue at once, and marks the queue it moved to stale.
import { defineStore } from 'pinia'
import { reactive, ref } from 'vue'
import { ApiError, type Schemas } from '@/api/client'
import { listNeeds } from '@/api/needs'
import { rejectNeed, verifyNeed } from '@/api/review'

export type QueueName = 'submitted' | 'verified' | 'suspended'
export const QUEUES: readonly QueueName[] = ['submitted', 'verified', 'suspended']
export const isQueue = (value: unknown): value is QueueName => QUEUES.includes(value as QueueName)

type Need = Schemas['PublicNeed']
type NeedDetail = Schemas['NeedDetail']

export interface Queue {
  items: Need[]
  total: number
  page: number
  perPage: number
  loading: boolean
  error: ApiError | null
  /** Loaded once and not changed by a decision since. */
  fresh: boolean
}

const PER_PAGE = 20

function emptyQueue(): Queue {
  return { items: [], total: 0, page: 1, perPage: PER_PAGE, loading: false, error: null, fresh: false }
}

export const useReviewQueue = defineStore('review', () => {
  const queues = reactive<Record<QueueName, Queue>>({
    submitted: emptyQueue(),
    verified: emptyQueue(),
    suspended: emptyQueue(),
  })
  /** Narrows every queue to a region inside the verifier's own ('' for all of it). */
  const region = ref('')
  const generation: Record<QueueName, number> = { submitted: 0, verified: 0, suspended: 0 }

  async function load(name: QueueName, page = queues[name].page): Promise<void> {
    const queue = queues[name]
    const mine = ++generation[name]
    queue.loading = true
    queue.error = null
    try {
      const answer = await listNeeds({ status: name, page, per_page: PER_PAGE, region: region.value || undefined })
      if (mine !== generation[name]) return
      queue.items = answer.items
      queue.total = answer.total
      queue.page = answer.page
      queue.fresh = true
    } catch (e) {
      if (mine !== generation[name]) return
      queue.error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
    } finally {
      if (mine === generation[name]) queue.loading = false
    }
  }

  /** Loads a queue unless it is already loaded and unchanged. */
  async function ensure(name: QueueName): Promise<void> {
    if (!queues[name].fresh && !queues[name].loading) await load(name)
  }

  function setRegion(code: string) {
    region.value = code
    for (const name of QUEUES) queues[name].fresh = false
  }

  /** Takes a need out of every queue (it was decided, here or by someone else). */
  function drop(id: number) {
    for (const name of QUEUES) {
      const queue = queues[name]
      const before = queue.items.length
      queue.items = queue.items.filter((n) => n.id !== id)
      if (queue.items.length < before) queue.total = Math.max(0, queue.total - 1)
    }
  }

  /** Where a decided need went: that queue no longer shows what the server holds. */
  function moved(need: NeedDetail) {
    drop(need.id)
    if (isQueue(need.status)) queues[need.status].fresh = false
  }

  async function verify(id: number): Promise<NeedDetail> {
    const need = await verifyNeed(id)
    moved(need)
    return need
  }

  async function reject(id: number, reason: string): Promise<NeedDetail> {
    const need = await rejectNeed(id, reason.trim())
    moved(need)
    return need
  }

  return { queues, region, load, ensure, setRegion, drop, verify, reject }
})
