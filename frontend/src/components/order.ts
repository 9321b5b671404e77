// What the pages read off an order: its statuses in the order they come, and its steps (the API
// lists those open to the caller in `actions`), in the order a page offers them.
import type { Schemas } from '@/api/client'

export type OrderStatus = Schemas['OrderStatus']
export type OrderAction = 'confirm' | 'decline' | 'ship' | 'receive' | 'settle' | 'cancel'

export const ORDER_STATUSES: readonly OrderStatus[] = ['ordered', 'confirmed', 'shipped', 'received', 'settled', 'declined', 'cancelled', 'expired']
export const ORDER_ACTIONS: readonly OrderAction[] = ['confirm', 'ship', 'receive', 'settle', 'decline', 'cancel']

/** The steps open to the caller, known to this app, in the order the page offers them. */
export function openActions(actions: readonly string[]): OrderAction[] {
  return ORDER_ACTIONS.filter((a) => actions.includes(a))
}

/** Whether an order is over (nothing more will happen to it). */
export function isFinal(status: OrderStatus): boolean {
  return status === 'settled' || status === 'declined' || status === 'cancelled' || status === 'expired'
}
