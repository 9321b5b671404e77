import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { fieldErrorText } from '@/composables/useFieldErrors'
import { setLocale } from '@/locales'
import { beijingDate, changesOf, draftOf, endOfBeijingDay, newNeedOf, targetProblem, totalFen } from '@/views/cadre/needForm'

function need(over: Partial<Schemas['NeedDetail']> = {}): Schemas['NeedDetail'] {
  return {
    id: 17, title: '村卫生室血压计', description: '村卫生室需要两台电子血压计，方便老人测量。', category: 'medical', category_label: '医疗健康',
    status: 'draft', unit: 'item', unit_label: '件', pledge_kind: 'goods', target_quantity: 2, pledged_quantity: 0, received_quantity: 0,
    remaining_quantity: 2, min_pledge_quantity: 1, unit_value_fen: 30000, target_value_fen: 60000, remaining_value_fen: 60000,
    progress_percent: 0, urgency: 'normal', deadline: '2027-01-01T15:59:59Z',
    beneficiary: { kind: 'village', poverty_causes: [], summary: '墩背村委会 · 村集体' },
    region_codes: ['44', '4414', '441426', '441426100', '441426100200'], region_names: [], created_at: '', updated_at: '', version: 1,
    timeline: [], photos: [], review: { requires_second_verification: false, open_objections: 0, allowed_actions: ['edit', 'submit', 'withdraw'] },
    ...over,
  }
}

describe('the need form', () => {
  it('picks deadlines as Beijing dates, ending the day there', () => {
    expect(beijingDate('2027-01-01T15:59:59Z')).toBe('2027-01-01')
    expect(beijingDate('2027-01-01T16:00:00Z')).toBe('2027-01-02')
    expect(endOfBeijingDay('2027-01-01')).toBe('2027-01-01T15:59:59.000Z')
  })

  it('sends money in fen, and a village’s need with its village only', () => {
    const draft = { ...draftOf(null), village_code: '441426100200', category: 'education' as const, title: '两名学生学费', description: '两名学生本学年的学费和住宿费。', unit: 'money' as const, target: 6000.5, min_pledge: 100, deadline: '2027-02-01' }
    expect(newNeedOf(draft)).toMatchObject({
      beneficiary: 'village', village_code: '441426100200', household_id: null,
      target_quantity: 600050, unit_value_fen: null, min_pledge_quantity: 10000, deadline: '2027-02-01T15:59:59.000Z',
    })
  })

  it('sends a household’s need with the household, not the village', () => {
    const draft = { ...draftOf(null), beneficiary: 'household' as const, village_code: '441426100200', household_id: 1, category: 'medical' as const, title: '轮椅一台', description: '老人行动不便，需要一台轮椅。', target: 1, unit_value_yuan: 800 }
    expect(newNeedOf(draft)).toMatchObject({ beneficiary: 'household', household_id: 1, village_code: null, target_quantity: 1, unit_value_fen: 80000 })
  })

  it('reads a saved need back as it was typed', () => {
    expect(draftOf(need({ unit: 'money', target_quantity: 600050, unit_value_fen: 1, min_pledge_quantity: 10000 }))).toMatchObject({
      unit: 'money', target: 6000.5, unit_value_yuan: undefined, min_pledge: 100, deadline: '2027-01-01', village_code: '441426100200',
    })
  })

  it('sends only what an edit changed, and a new unit with its value', () => {
    const saved = need()
    expect(changesOf(draftOf(saved), saved)).toEqual({})
    expect(changesOf({ ...draftOf(saved), title: '村卫生室电子血压计 ', target: 3 }, saved)).toEqual({ title: '村卫生室电子血压计', target_quantity: 3 })
    expect(changesOf({ ...draftOf(saved), unit: 'set' }, saved)).toEqual({ unit: 'set', unit_value_fen: 30000 })
    expect(changesOf({ ...draftOf(saved), deadline: '2027-01-05' }, saved)).toEqual({ deadline: '2027-01-05T15:59:59.000Z' })
  })
})

describe('a need’s target', () => {
  const say = (d: Parameters<typeof targetProblem>[0]) => {
    const problem = targetProblem(d)
    return problem ? fieldErrorText(problem, d.unit === 'money') : null
  }

  it('is refused before sending as the server would, its total counted exactly', () => {
    setLocale('zh-CN')
    expect(say({ unit: 'set', target: 50, unit_value_yuan: 300 })).toBeNull()
    expect(totalFen({ unit: 'set', target: 50, unit_value_yuan: 300 })).toBe(1_500_000n)
    // 999999999999 × 99999999999999 yuan is no total to show: beyond the server's bounds.
    expect(say({ unit: 'set', target: 999_999_999_999, unit_value_yuan: 99_999_999_999_999 })).toBe('此处不能大于 1,000,000')
    expect(say({ unit: 'set', target: 1_000_000, unit_value_yuan: 100_000 })).toBe('总价值超过¥1亿，请拆分为几个较小的需求')
    expect(totalFen({ unit: 'set', target: 1_000_000, unit_value_yuan: 100_000 })).toBe(10_000_000_000_000n)
    expect(say({ unit: 'set', target: 1000, unit_value_yuan: 100_000 })).toBeNull()
    // A negative quantity is refused, not made 1.
    expect(say({ unit: 'set', target: -5, unit_value_yuan: 10 })).toBe('不能小于 1')
    expect(say({ unit: 'money', target: -5, unit_value_yuan: undefined })).toBe('不能小于 ¥0.01')
    expect(say({ unit: 'money', target: 100_000_001, unit_value_yuan: undefined })).toBe('此处不能大于 ¥100,000,000')
    expect(say({ unit: 'set', target: undefined, unit_value_yuan: 10 })).toBe('此项必填')
    setLocale('en')
    expect(say({ unit: 'set', target: 0, unit_value_yuan: 10 })).toBe('Must be at least 1')
    setLocale('zh-CN')
  })
})
