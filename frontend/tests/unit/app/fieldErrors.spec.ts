import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, type FieldError } from '@/api/client'
import { fieldErrorText, fieldMessages, useFieldErrors } from '@/composables/useFieldErrors'
import { setLocale } from '@/locales'

vi.mock('@/utils/feedback', () => ({ notifyError: vi.fn() }))

const error = (e: Omit<FieldError, 'message'>): FieldError => ({ message: 'English for developers', ...e }) as FieldError

afterEach(() => setLocale('zh-CN'))

describe('a field error', () => {
  it('is said in Chinese from its code and parameters', () => {
    setLocale('zh-CN')
    expect(fieldErrorText(error({ code: 'length', min: 4, max: 60 }))).toBe('应为 4–60 个字')
    expect(fieldErrorText(error({ code: 'length', max: 200 }))).toBe('最多 200 个字')
    expect(fieldErrorText(error({ code: 'range', min: 1, max: 30 }))).toBe('应在 1 到 30 之间')
    expect(fieldErrorText(error({ code: 'range', min: 5 }))).toBe('不能小于 5')
    expect(fieldErrorText(error({ code: 'range', min: 1, max: 1 }))).toBe('应为 1')
    expect(fieldErrorText(error({ code: 'items', min: 1 }))).toBe('至少选择 1 项')
    expect(fieldErrorText(error({ code: 'required' }))).toBe('此项必填')
    expect(fieldErrorText(error({ code: 'one_of', allowed: ['item', 'money'] }))).toBe('请从可选项中选择')
    expect(fieldErrorText(error({ code: 'id_card', reason: 'check_character' }))).toBe('身份证号校验位不对，请逐位核对')
    expect(fieldErrorText(error({ code: 'region_code', levels: ['town', 'county'] }))).toBe('应为乡镇或县级行政区划')
    expect(fieldErrorText(error({ code: 'region_code' }))).toBe('行政区划代码无效')
    expect(fieldErrorText(error({ code: 'private_data', kind: 'mobile' }))).toBe('不能包含电话号码，联系请通过平台')
    expect(fieldErrorText(error({ code: 'min_days_ahead', days: 4 }))).toBe('应至少在 4 天以后')
    expect(fieldErrorText(error({ code: 'not_before', field: 'starts_on' }))).toBe('不能早于开始日期')
    expect(fieldErrorText(error({ code: 'total_value', max: 10_000_000_000 }))).toBe('总价值超过¥1亿，请拆分为几个较小的需求')
    // The rules the API document cannot state (answered 422) have codes of their own.
    expect(fieldErrorText(error({ code: 'required_with', field: 'unit' }))).toBe('根据计量单位，此项必填')
    expect(fieldErrorText(error({ code: 'exceeds', max: 3 }))).toBe('此处不能大于 3')
    expect(fieldErrorText(error({ code: 'below', min: 5 }))).toBe('此处不能小于 5')
    expect(fieldErrorText(error({ code: 'one_of_with', allowed: ['jin'], field: 'kind' }))).toBe('根据类型，不能选这一项')
    expect(fieldErrorText(error({ code: 'region_level', levels: ['village'], field: 'kind' }))).toBe('此处应为村级行政区划')
  })

  it('is said in English when the app is in English', () => {
    setLocale('en')
    expect(fieldErrorText(error({ code: 'length', min: 4, max: 60 }))).toBe('Must be 4–60 characters')
    expect(fieldErrorText(error({ code: 'range', max: 30 }))).toBe('Must be at most 30')
    expect(fieldErrorText(error({ code: 'required' }))).toBe('This field is required')
    expect(fieldErrorText(error({ code: 'credit_code', reason: 'format' }))).toBe(
      'A unified social credit code has 18 digits or capital letters (not I, O, Z, S or V)',
    )
    expect(fieldErrorText(error({ code: 'region_code', levels: ['village'] }))).toBe('Must be a village')
    expect(fieldErrorText(error({ code: 'mismatch', field: 'household_id' }))).toBe('Does not match the household chosen')
    expect(fieldErrorText(error({ code: 'required_with', field: 'role' }))).toBe('Required here, given the role')
    expect(fieldErrorText(error({ code: 'exceeds', max: 3 }))).toBe('Must be at most 3 here')
    expect(fieldErrorText(error({ code: 'required_with' }))).toBe('Required here, given the other fields')
  })

  it('never shows the server’s English: a code the app does not know reads as a generic complaint', () => {
    const unknown = { code: 'moon_phase', message: 'the moon is not full' } as unknown as FieldError
    setLocale('zh-CN')
    expect(fieldErrorText(unknown)).toBe('此项填写有误')
    setLocale('en')
    expect(fieldErrorText(unknown)).toBe('This field is not valid')
  })

  it('joins a field’s several errors in the language’s own way', () => {
    const fields = { title: [error({ code: 'length', min: 4, max: 60 }), error({ code: 'private_data', kind: 'email' })] }
    setLocale('zh-CN')
    expect(fieldMessages(fields)).toEqual({ title: '应为 4–60 个字；不能包含电子邮箱地址' })
    setLocale('en')
    expect(fieldMessages(fields)).toEqual({ title: 'Must be 4–60 characters; Must not contain an email address' })
  })
})

describe('useFieldErrors', () => {
  it('puts each field’s errors on it, in the user’s language, and clears them', () => {
    setLocale('zh-CN')
    const { errors, show, clear } = useFieldErrors()
    show(
      new ApiError(400, 'validation_failed', 'invalid value for: title, deadline', {
        title: [error({ code: 'length', min: 4, max: 60 })],
        deadline: [error({ code: 'future' })],
      }),
    )
    expect({ ...errors }).toEqual({ title: '应为 4–60 个字', deadline: '应为将来的时间' })
    expect(JSON.stringify(errors)).not.toContain('English for developers')
    clear()
    expect({ ...errors }).toEqual({})
  })
})
