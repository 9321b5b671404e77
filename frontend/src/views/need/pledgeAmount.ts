// The quantity a donor types, and what the API takes: a money need's quantities are fen, which
// donors type as yuan (up to 2 decimals); any other need's are whole units.
import type { Schemas } from '@/api/client'
import { isMoney } from '@/components/need'
import { fenToYuan, yuanToFen } from '@/utils/format'

type Need = Pick<Schemas['PublicNeed'], 'unit' | 'remaining_quantity' | 'min_pledge_quantity'>

/**
 * The API quantity for what was typed, or null when it is not a quantity of this need's kind. A
 * minus sign is read (and the quantity refused by its bounds, in their words: not "whole
 * numbers only").
 */
export function toQuantity(typed: string, need: Pick<Need, 'unit'>): number | null {
  const signed = typed.trim().replace(/,/g, '').replace(/^[-−－]\s*/, '-')
  const sign = signed.startsWith('-') ? -1 : 1
  const text = signed.replace(/^-/, '')
  if (isMoney(need)) {
    if (!/^\d+(\.\d{1,2})?$/.test(text)) return null
    // Read as text, whole yuan and fen apart: 0.29 * 100 is not 29 in floating point.
    const [whole = '0', cents = ''] = text.split('.')
    return sign * (yuanToFen(Number(whole)) + Number(cents.padEnd(2, '0')))
  }
  return /^\d+$/.test(text) ? sign * Number(text) : null
}

/** What to type for an API quantity (yuan for money). */
export function toTyped(quantity: number, need: Pick<Need, 'unit'>): string {
  if (!isMoney(need)) return String(quantity)
  const yuan = Math.floor(fenToYuan(quantity))
  const fen = quantity % 100
  return fen === 0 ? String(yuan) : `${yuan}.${String(fen).padStart(2, '0')}`
}

/** The smallest pledge taken now: the minimum, unless less than that remains. */
export function smallestPledge(need: Need): number {
  return Math.max(1, Math.min(need.min_pledge_quantity, need.remaining_quantity))
}

export type QuantityProblem = 'invalid' | 'tooSmall' | 'tooLarge'

/** What is wrong with a quantity for this need, by the same rule the API applies. */
export function quantityProblem(quantity: number | null, need: Need): QuantityProblem | null {
  if (quantity === null || quantity < 1) return 'invalid'
  if (quantity > need.remaining_quantity) return 'tooLarge'
  if (quantity < need.min_pledge_quantity && quantity !== need.remaining_quantity) return 'tooSmall'
  return null
}

/** A fresh `Idempotency-Key`: one per opening of the pledge dialog, so a retry pledges once. */
export function newIdempotencyKey(): string {
  const crypto = globalThis.crypto
  // `randomUUID` exists only in secure contexts (HTTPS or localhost); the bytes are anywhere.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
