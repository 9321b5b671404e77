import { beforeAll, describe, expect, it } from 'vitest'
import { i18n, loadTradeMessages } from '@/locales'

// Every feature's messages, those loaded with their pages too.
const messages = { 'zh-CN': {} as Record<string, unknown>, en: {} as Record<string, unknown> }
beforeAll(async () => {
  await loadTradeMessages()
  messages['zh-CN'] = i18n.global.getLocaleMessage('zh-CN') as Record<string, unknown>
  messages.en = i18n.global.getLocaleMessage('en') as Record<string, unknown>
})

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

describe('locales', () => {
  it('give English every key Chinese has, and no other', () => {
    const zh = keys(messages['zh-CN']).sort()
    const en = keys(messages.en).sort()
    expect(en.filter((k) => !zh.includes(k))).toEqual([])
    expect(zh.filter((k) => !en.includes(k))).toEqual([])
  })

  it('have no empty message', () => {
    for (const lang of [messages['zh-CN'], messages.en]) {
      const empty = keys(lang).filter((k) => k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], lang) === '')
      expect(empty).toEqual([])
    }
  })
})
