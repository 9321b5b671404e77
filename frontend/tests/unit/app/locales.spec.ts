import { beforeAll, describe, expect, it } from 'vitest'
import { errorMessage, i18n, loadTradeMessages, loadWorkspaceMessages } from '@/locales'

// Every feature's messages, those loaded with their pages too.
const messages = { 'zh-CN': {} as Record<string, unknown>, en: {} as Record<string, unknown> }
beforeAll(async () => {
  await loadTradeMessages()
  await loadWorkspaceMessages()
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

  it('say an error with the figures of its details', () => {
    const locale = i18n.global.locale as unknown as { value: string }
    const was = locale.value
    try {
      locale.value = 'zh-CN'
      expect(errorMessage('pledge_limit', 'fallback', { limit: 20, current: 20 })).toContain('已有 20 笔认捐尚未发出')
      expect(errorMessage('order_share_limit', 'fallback', { limit: 5, current: 4, unit: 'bottle' })).toContain('最多订购该产品库存中的 5，您已有 4')
      locale.value = 'en'
      expect(errorMessage('pledge_share_limit', 'fallback', { limit: 5, current: 4 })).toContain('at most 5 of this need, and you have pledged 4')
      expect(errorMessage('no_such_code', 'the server’s words')).toBe('the server’s words')
    } finally {
      locale.value = was
    }
  })
})
