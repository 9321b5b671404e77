import { describe, expect, it } from 'vitest'
// @ts-expect-error -- a plain Node script, without types
import { boundsOf, render } from '../../../scripts/bounds.mjs'
import { bound, check } from '@/api/bounds'
import generated from '@/api/bounds.gen.ts?raw'
import doc from '@/api/openapi.json'
import { fieldErrorText } from '@/composables/useFieldErrors'
import { i18n, setLocale } from '@/locales'


describe('the bounds of the API document', () => {
  it('are those of openapi.json now (npm run api:types writes them)', () => {
    expect(generated).toBe(render(boundsOf(doc)))
  })

  it('are read through allOf, with whether a field is required', () => {
    expect(bound('NewNeed', 'title')).toEqual({ minLength: 4, maxLength: 60, required: true })
    expect(bound('NewNeed', 'unit_value_fen')).toEqual({ minimum: 1, maximum: 100_000_000 })
    expect(bound('NewPledge', 'message')).toEqual({ maxLength: 200 })
    expect(bound('Thanks', 'note')).toMatchObject({ minLength: 2, maxLength: 500, required: true })
  })

  it('refuse what the server would, with the words its answer reads in', () => {
    setLocale('zh-CN')
    const say = (e: ReturnType<typeof check>, money = false) => (e ? fieldErrorText(e, money) : null)
    // Length in characters, trimmed, as the server counts.
    expect(say(check('NewNeed', 'title', '  一二三  '))).toBe('应为 4–60 个字')
    expect(say(check('NewNeed', 'title', '一二三四'))).toBeNull()
    expect(say(check('NewNeed', 'title', '😀'.repeat(60)))).toBeNull()
    expect(say(check('NewNeed', 'title', '字'.repeat(61)))).toBe('应为 4–60 个字')
    expect(say(check('NewNeed', 'title', ''))).toBe('此项必填')
    expect(say(check('NewPledge', 'message', ''))).toBeNull()
    expect(say(check('NewPledge', 'quantity', -5))).toBe('不能小于 1')
    expect(say(check('NewPledge', 'message', '字'.repeat(201)))).toBe('最多 200 个字')
    // Money is said in 元, never in fen.
    expect(say(check('NewNeed', 'unit_value_fen', 100_000_001), true)).toBe('应在 ¥0.01 到 ¥1,000,000 之间')
    expect(say(check('NewNeed', 'village_code', '4414'))).toBe('此项填写有误')
    setLocale('en')
    expect(say(check('NewNeed', 'unit_value_fen', 0), true)).toBe('Must be between ¥0.01 and ¥1,000,000')
    expect(say(check('Thanks', 'note', ' x '))).toBe('Must be 2–500 characters')
    setLocale('zh-CN')
  })
})

describe('the server’s field codes', () => {
  // The one list of them: the API document's FieldCode enum (the server's FieldCode::ALL).
  const codes: string[] = doc.components.schemas.FieldCode.enum

  it('each have words in both languages', () => {
    expect(codes.length).toBeGreaterThan(20)
    const te = i18n.global.te as (key: string, locale: string) => boolean
    for (const locale of ['zh-CN', 'en'] as const) {
      setLocale(locale)
      const generic = fieldErrorText({ code: 'unknown_to_the_app', message: '' } as never)
      for (const code of codes) {
        expect(te(`errors.field.${code}`, locale), `${locale}: errors.field.${code}`).toBe(true)
        const text = fieldErrorText({ code, min: 1, max: 9, levels: ['village'], message: 'English for developers' } as never)
        expect(text, `${locale}: ${code}`).not.toBe(code === 'invalid' ? '' : generic)
        expect(text).not.toContain('English for developers')
        expect(text).not.toMatch(/\bfen\b|\{/)
      }
    }
    setLocale('zh-CN')
  })
})

describe('the server’s error codes', () => {
  it('each have words in both languages, so no server English shows as a toast', async () => {
    // The one list of them: the server's error table (ErrorCode in src/error.rs).
    const table = (await import('../../../../src/error.rs?raw')).default as string
    const codes = [...table.matchAll(/^\s+[A-Z][A-Za-z]+ = "([a-z_]+)", [A-Z_]+;$/gm)].map((m) => m[1]!)
    expect(codes.length).toBeGreaterThan(30)
    const te = i18n.global.te as (key: string, locale: string) => boolean
    for (const locale of ['zh-CN', 'en']) {
      expect(codes.filter((code) => !te(`errors.${code}`, locale)), locale).toEqual([])
    }
  })
})
