// Mounts a component as the app would: with i18n, a fresh Pinia and a memory router holding
// the app's real routes. Element Plus components resolve globally for the tests.
import { mount, type ComponentMountingOptions } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ElementPlus from 'element-plus'
import type { Component } from 'vue'
import { i18n, loadTradeMessages, loadWorkspaceMessages, setLocale } from '@/locales'
import { routes } from '@/router'

export async function mountWithApp<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { route?: string; locale?: 'zh-CN' | 'en' } = {},
) {
  const pinia = createPinia()
  setActivePinia(pinia)
  setLocale(options.locale ?? 'zh-CN')
  await Promise.all([loadTradeMessages(), loadWorkspaceMessages()])
  const router = createRouter({ history: createMemoryHistory(), routes })
  await router.push(options.route ?? '/')
  await router.isReady()
  const wrapper = mount(component, {
    ...options,
    global: { plugins: [pinia, i18n, router, ElementPlus], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>)
  return { wrapper, router, pinia }
}

/** Answers `fetch` calls from a table of `METHOD path` → JSON body (status 200 unless given). */
/** A whole list as one page of the server's `{items, total, page, per_page}`. */
export function paged<T>(items: T[], perPage = 100) {
  return { items, total: items.length, page: 1, per_page: perPage }
}

export function fakeApi(table: Record<string, unknown | { status: number; body: unknown }>) {
  // A browser with a session holds its CSRF cookie (the app asks /me only then): a table that
  // answers /me with an account has one.
  const me = table['GET /api/v1/me'] as { status?: number } | undefined
  if (me !== undefined && !(typeof me === 'object' && me !== null && 'status' in me && me.status !== 200)) document.cookie = 'duijie_csrf=test; path=/'
  else document.cookie = 'duijie_csrf=; Max-Age=0; path=/'
  const calls: { method: string; url: string; body?: unknown }[] = []
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init)
    const url = new URL(request.url, 'http://localhost')
    const key = `${request.method} ${url.pathname}`
    const text = request.method === 'GET' ? '' : await request.clone().text()
    calls.push({ method: request.method, url: url.pathname + url.search, body: text ? JSON.parse(text) : undefined })
    const entry = table[`${key}${url.search}`] ?? table[key]
    if (entry === undefined) {
      return new Response(JSON.stringify({ error: { code: 'not_found', message: `no fake for ${key}` } }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      })
    }
    const { status, body } =
      typeof entry === 'object' && entry !== null && 'status' in entry && 'body' in entry
        ? (entry as { status: number; body: unknown })
        : { status: 200, body: entry }
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  }
  return { fetchImpl, calls }
}
