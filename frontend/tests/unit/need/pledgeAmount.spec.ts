import { describe, expect, it } from 'vitest'
import { newIdempotencyKey, quantityProblem, smallestPledge, toQuantity, toTyped } from '@/views/need/pledgeAmount'

const money = { unit: 'money' as never, remaining_quantity: 600_000, min_pledge_quantity: 1 }
const goods = { unit: 'kg' as never, remaining_quantity: 4000, min_pledge_quantity: 10 }

describe('what a donor types', () => {
  it('is yuan for a money need, sent as fen', () => {
    expect(toQuantity('200', money)).toBe(20_000)
    expect(toQuantity('12.5', money)).toBe(1250)
    expect(toQuantity('0.07', money)).toBe(7)
    expect(toQuantity('1,000.01', money)).toBe(100_001)
  })

  it('is refused with more than two decimals or letters', () => {
    for (const typed of ['1.234', '+5', '5元', '', '.5', '1e3']) expect(toQuantity(typed, money)).toBeNull()
  })

  it('keeps a minus sign, for the bounds to refuse in their own words', () => {
    expect(toQuantity('-5', money)).toBe(-500)
    expect(toQuantity('－5', goods)).toBe(-5)
  })

  it('is whole units for any other need', () => {
    expect(toQuantity(' 30 ', goods)).toBe(30)
    expect(toQuantity('2.5', goods)).toBeNull()
  })

  it('reads back as it was typed', () => {
    expect(toTyped(20_000, money)).toBe('200')
    expect(toTyped(1250, money)).toBe('12.50')
    expect(toTyped(7, money)).toBe('0.07')
    expect(toTyped(40, goods)).toBe('40')
  })
})

describe('the quantity rule, as the API applies it', () => {
  it('takes at least the minimum and at most what remains', () => {
    expect(quantityProblem(10, goods)).toBeNull()
    expect(quantityProblem(9, goods)).toBe('tooSmall')
    expect(quantityProblem(4001, goods)).toBe('tooLarge')
    expect(quantityProblem(0, goods)).toBe('invalid')
    expect(quantityProblem(null, goods)).toBe('invalid')
  })

  it('takes less than the minimum when that is exactly what remains', () => {
    const nearlyFull = { ...goods, remaining_quantity: 4 }
    expect(quantityProblem(4, nearlyFull)).toBeNull()
    expect(quantityProblem(3, nearlyFull)).toBe('tooSmall')
    expect(smallestPledge(nearlyFull)).toBe(4)
    expect(smallestPledge(goods)).toBe(10)
  })
})

describe('idempotency keys', () => {
  it('are fresh each time, and visible ASCII the API takes', () => {
    const a = newIdempotencyKey()
    const b = newIdempotencyKey()
    expect(a).not.toBe(b)
    expect(a).toMatch(/^[0-9a-f-]{36}$/)
  })
})
