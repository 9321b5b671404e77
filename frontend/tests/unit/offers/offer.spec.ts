import { afterEach, describe, expect, it } from 'vitest'
import { i18n, setLocale } from '@/locales'
import { lastValidDay, matchProblem, payRange, reasonText, reasonsText, type Reason, type Translate } from '@/components/offer'

const translate = i18n.global as unknown as Translate

afterEach(() => setLocale('zh-CN'))

describe('a match’s reasons', () => {
  const reasons: Reason[] = [
    { code: 'paired', program: 'wanqi' },
    { code: 'urgency', urgency: 'urgent' },
    { code: 'deadline', days: 12 },
    { code: 'covers', percent: 80 },
    { code: 'near', level: 'village' },
  ]

  it('are said in Chinese, in the order given, joined by a middle dot', () => {
    expect(reasonsText(reasons, translate)).toBe('结对帮扶（万企帮万村） · 紧急 · 12 天内截止 · 可满足 80% · 同村')
  })

  it('are said in English when the reader reads English', () => {
    setLocale('en')
    expect(reasonsText(reasons, translate)).toBe('Paired (10,000 Enterprises) · Urgent · Deadline within 12 days · Covers 80% · Same village')
  })

  it('name every level of closeness, every programme and both urgencies', () => {
    const near = ['village', 'town', 'county', 'city', 'province'].map((level) => reasonText({ code: 'near', level }, translate))
    expect(near).toEqual(['同村', '同镇', '同县', '同市', '同省'])
    expect(reasonText({ code: 'paired', program: 'duikou' }, translate)).toBe('结对帮扶（对口帮扶）')
    expect(reasonText({ code: 'paired', program: 'dingdian' }, translate)).toBe('结对帮扶（定点扶贫）')
    expect(reasonText({ code: 'urgency', urgency: 'critical' }, translate)).toBe('特急')
    expect(reasonText({ code: 'anywhere' }, translate)).toBe('不限地区')
  })

  it('say a deadline of today or tomorrow as people would', () => {
    expect(reasonText({ code: 'deadline', days: 0 }, translate)).toBe('今天截止')
    setLocale('en')
    expect(reasonText({ code: 'deadline', days: 1 }, translate)).toBe('Deadline within 1 day')
  })

  it('leave out what this app cannot say, never showing a code', () => {
    const odd = [{ code: 'near', level: 'galaxy' }, { code: 'sunny' }, { code: 'covers', percent: 100 }] as unknown as Reason[]
    expect(reasonsText(odd, translate)).toBe('可满足 100%')
  })
})

describe('an offer’s terms', () => {
  it('end on the day before the instant the offer lapses, in Beijing', () => {
    expect(lastValidDay('2027-03-01T16:00:00Z')).toBe('2027-03-01')
    expect(lastValidDay('2026-12-31T16:00:00Z')).toBe('2026-12-31')
  })

  it('state a job’s monthly pay as a range, one figure, or nothing', () => {
    expect(payRange(400_000, 600_000)).toBe('¥4,000–¥6,000')
    expect(payRange(400_000, null)).toBe('¥4,000')
    expect(payRange(500_000, 500_000)).toBe('¥5,000')
    expect(payRange(null, undefined)).toBeNull()
  })
})

describe('a quantity of a need from an offer', () => {
  const need = { remaining_quantity: 20, min_pledge_quantity: 5 }

  it('is a whole number from the need’s smallest pledge up to what the offer covers', () => {
    expect(matchProblem(5, need, 12)).toBeNull()
    expect(matchProblem(12, need, 12)).toBeNull()
    expect(matchProblem(13, need, 12)).toBe('tooLarge')
    expect(matchProblem(4, need, 12)).toBe('tooSmall')
    expect(matchProblem(0, need, 12)).toBe('invalid')
    expect(matchProblem(null, need, 12)).toBe('invalid')
    expect(matchProblem(2.5, need, 12)).toBe('invalid')
  })

  it('may be under the smallest pledge when it is all the need lacks', () => {
    expect(matchProblem(3, { remaining_quantity: 3, min_pledge_quantity: 5 }, 3)).toBeNull()
  })
})
