// Pledges: the donor's own (我的认捐) and the moves of one pledge, for its donor (ship, cancel)
// and its village's cadres (receipt photo, confirm, thanks). Every move answers with the pledge
// as it now stands, which replaces the listed one, so every view shows the same state.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Schemas } from '@/api/client'
import { MAX_DEPTH } from '@/api/paging'
import * as api from '@/api/pledges'

export type Pledge = Schemas['PledgeView']
export type Shipment = Schemas['Shipment']
export type Photo = Schemas['PhotoRef']
/** A picture chosen for upload (a `File` from an input is one). */
export type Picture = Blob

export type PledgeStatus = Schemas['PledgeStatus']

/** Pledges a page of 我的认捐 holds. */
const PER_PAGE = 20

/** Every pledge status, in the order a pledge goes through them. */
export const PLEDGE_STATUSES: readonly PledgeStatus[] = ['pledged', 'shipped', 'received', 'thanked', 'cancelled', 'expired']

/** What the donor does next, or what they wait for (the server's `next_step`, or the end state). */
export type NextStep = 'ship' | 'await_receipt' | 'await_thanks' | 'thanked' | 'cancelled' | 'expired'

export function nextStep(pledge: Pledge): NextStep {
  const step = pledge.next_step
  if (step === 'ship' || step === 'await_receipt' || step === 'await_thanks') return step
  return pledge.status === 'cancelled' || pledge.status === 'expired' ? pledge.status : 'thanked'
}

export const usePledges = defineStore('pledges', () => {
  /**
   * The signed-in account's pledges, newest first, as last loaded (with `status` if filtered):
   * the pages read so far, `total` in all.
   */
  const mine = ref<Pledge[]>([])
  const total = ref(0)
  let read = { status: undefined as PledgeStatus | undefined, page: 0 }

  /** The first page again (of `status`, if given), dropping the others. */
  async function loadMine(status?: PledgeStatus): Promise<Pledge[]> {
    const answer = await api.getMyPledges(status, 1, PER_PAGE)
    read = { status, page: 1 }
    mine.value = answer.items
    total.value = answer.total
    return mine.value
  }

  /** The next page of the list last loaded, after those read. */
  async function moreMine(): Promise<Pledge[]> {
    const answer = await api.getMyPledges(read.status, read.page + 1, PER_PAGE)
    read = { ...read, page: read.page + 1 }
    const known = new Set(mine.value.map((p) => p.id))
    mine.value = [...mine.value, ...answer.items.filter((p) => !known.has(p.id))]
    total.value = answer.total
    return mine.value
  }

  /** Whether the list last loaded has pages not read yet. */
  const hasMore = computed(() => mine.value.length < total.value && (read.page + 1) * PER_PAGE <= MAX_DEPTH)

  /** Keeps a pledge as the server last answered it. */
  function keep(pledge: Pledge): Pledge {
    const at = mine.value.findIndex((p) => p.id === pledge.id)
    if (at >= 0) mine.value.splice(at, 1, pledge)
    return pledge
  }

  async function show(id: number) {
    return keep(await api.getPledge(id))
  }

  async function ship(id: number, shipment: Shipment) {
    return keep(await api.shipPledge(id, shipment))
  }

  async function cancel(id: number) {
    return keep(await api.cancelPledge(id))
  }

  /** A photo of what arrived (the raw picture; the server strips its metadata). */
  async function addReceiptPhoto(id: number, file: Picture) {
    return api.addReceiptPhoto(id, file)
  }

  async function confirm(id: number, receivedQuantity: number) {
    return keep(await api.confirmReceipt(id, receivedQuantity))
  }

  async function thank(id: number, note: string) {
    return keep(await api.thankPledge(id, note))
  }

  return { mine, total, hasMore, loadMine, moreMine, keep, show, ship, cancel, addReceiptPhoto, confirm, thank }
})
