// vue-i18n with zh-CN as the default and English switchable. Messages live in one file per
// feature under `zh-CN/` and `en/`; both languages must have the same keys (a unit test checks).
import { createI18n } from 'vue-i18n'
import { setApiLanguage } from '@/api/client'

// The 消费帮扶 pages' messages (`products`, `orders`) come with those pages, not in every page's
// first download: `loadTradeMessages()` adds them before such a page shows.
// The workspace's, and those of the pages only signed-in people reach through it (`workspace`,
// `cadre`, `admin`, `tokens`, `notifications`), come with the workspace: a visitor never sees them.
const zhModules = import.meta.glob<{ default: Record<string, unknown> }>(['./zh-CN/*.ts', '!./zh-CN/products.ts', '!./zh-CN/orders.ts', '!./zh-CN/workspace.ts', '!./zh-CN/cadre.ts', '!./zh-CN/admin.ts', '!./zh-CN/tokens.ts', '!./zh-CN/notifications.ts'], { eager: true })
const enModules = import.meta.glob<{ default: Record<string, unknown> }>(['./en/*.ts', '!./en/products.ts', '!./en/orders.ts', '!./en/workspace.ts', '!./en/cadre.ts', '!./en/admin.ts', '!./en/tokens.ts', '!./en/notifications.ts'], { eager: true })
const tradeModules = import.meta.glob<{ default: Record<string, unknown> }>(['./zh-CN/products.ts', './zh-CN/orders.ts', './en/products.ts', './en/orders.ts'])
const workspaceModules = import.meta.glob<{ default: Record<string, unknown> }>([
  './zh-CN/workspace.ts', './en/workspace.ts', './zh-CN/cadre.ts', './en/cadre.ts', './zh-CN/admin.ts', './en/admin.ts', './zh-CN/tokens.ts', './en/tokens.ts', './zh-CN/notifications.ts', './en/notifications.ts',
])

function merge(modules: Record<string, { default: Record<string, unknown> }>) {
  const messages: Record<string, unknown> = {}
  for (const [path, module] of Object.entries(modules)) {
    const name = path.replace(/^.*\/(.*)\.ts$/, '$1')
    messages[name] = module.default
  }
  return messages
}

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale)
export const messages = { 'zh-CN': merge(zhModules), en: merge(enModules) }

const STORAGE_KEY = 'duijie.locale'

function initialLocale(): Locale {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null
  return isLocale(saved) ? saved : 'zh-CN'
}

const startLocale = initialLocale()

export const i18n = createI18n({
  legacy: false,
  locale: startLocale,
  fallbackLocale: 'zh-CN',
  messages: messages as never,
  missingWarn: false,
  fallbackWarn: false,
})

/** The page's `lang` (screen readers, fonts, hyphenation) and the API's language follow the app's. */
function follow(locale: Locale) {
  if (typeof document !== 'undefined') document.documentElement.lang = locale
  setApiLanguage(locale)
}

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  localStorage.setItem(STORAGE_KEY, locale)
  follow(locale)
}

follow(startLocale)

/** Adds messages loaded when needed (`./<locale>/<name>.ts`) under their names. */
async function mergeLater(modules: Record<string, () => Promise<{ default: Record<string, unknown> }>>) {
  for (const [path, load] of Object.entries(modules)) {
    const [, locale, name] = /^\.\/(.*)\/(.*)\.ts$/.exec(path) ?? []
    if (!locale || !name) continue
    const module = await load()
    const global = i18n.global as unknown as { mergeLocaleMessage(locale: string, message: Record<string, unknown>): void }
    global.mergeLocaleMessage(locale, { [name]: module.default })
  }
}

let trade: Promise<void> | null = null

/** The 消费帮扶 pages' messages in both languages, loaded once; their pages' routes await this. */
export function loadTradeMessages(): Promise<void> {
  trade ??= mergeLater(tradeModules)
  return trade
}

let workspace: Promise<void> | null = null

/** The workspace's messages (and its pages') in both languages, loaded once, with the workspace's layout. */
export function loadWorkspaceMessages(): Promise<void> {
  workspace ??= mergeLater(workspaceModules)
  return workspace
}

/** A page's module, once the 消费帮扶 messages are there too. */
export async function withTradeMessages<T>(page: Promise<T>): Promise<T> {
  const [module] = await Promise.all([page, loadTradeMessages()])
  return module
}

/** The message for an API error code, or the server's own message when there is none. */
export function errorMessage(code: string, fallback: string, details: Record<string, unknown> = {}): string {
  const global = i18n.global as unknown as { te(key: string): boolean; t(key: string, named?: Record<string, unknown>): string }
  const key = `errors.${code}`
  // An error's `details` fill the message's placeholders: `{limit}`, `{current}`.
  return global.te(key) ? global.t(key, details) : fallback
}

/** A list in the app's language: “因病、因学和缺劳力”, “illness, schooling, and lack of labour”. */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(i18n.global.locale.value, { style: 'long', type: 'conjunction' }).format(items)
}
