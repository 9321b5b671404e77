import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { call, client, onUnauthenticated, upload, type Schemas } from '@/api/client'
import { i18n, setLocale } from '@/locales'
import { createAppRouter } from '@/router'
import { useSession } from '@/stores/session'
import { fakeApi } from '../mount'

const me = (locale = 'zh-CN'): Schemas['Me'] => ({ id: 8, email: 'donor@demo.duijie.cn', mobile: null, display_name: '王女士', locale, confirmed: true, roles: [] })
const refused = { status: 401, body: { error: { code: 'unauthenticated', message: 'sign in' } } }

function stubApi(table: Record<string, unknown>) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  return api
}

let assign: ReturnType<typeof vi.fn<(url: string | URL) => void>>
beforeEach(() => {
  setActivePinia(createPinia())
  setLocale('zh-CN')
  assign = vi.fn<(url: string | URL) => void>()
  vi.spyOn(window.location, 'assign').mockImplementation(assign)
})
afterEach(() => {
  onUnauthenticated(null)
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

describe('the 401 middleware', () => {
  it('reports an ended session for any call but /me and signing in', async () => {
    const ended = vi.fn()
    onUnauthenticated(ended)
    stubApi({
      'GET /api/v1/me': refused,
      'POST /api/v1/auth/login': { status: 401, body: { error: { code: 'invalid_credentials', message: 'no' } } },
      'GET /api/v1/me/pledges': refused,
      'POST /api/v1/pledges/3/photos': refused,
      'GET /api/v1/needs/3': { status: 404, body: { error: { code: 'not_found', message: 'no' } } },
    })
    await call(client.GET('/api/v1/me')).catch(() => undefined)
    await call(client.POST('/api/v1/auth/login', { body: { login: 'a', password: 'b' } })).catch(() => undefined)
    await call(client.GET('/api/v1/needs/{id}', { params: { path: { id: 3 } } })).catch(() => undefined)
    expect(ended).not.toHaveBeenCalled()

    await expect(call(client.GET('/api/v1/me/pledges'))).rejects.toMatchObject({ status: 401 })
    expect(ended).toHaveBeenCalledTimes(1)
    await expect(upload('/api/v1/pledges/3/photos', new Blob(['{}'], { type: 'image/jpeg' }))).rejects.toMatchObject({ status: 401 })
    expect(ended).toHaveBeenCalledTimes(2)
  })
})

describe('the session', () => {
  it('loads the app afresh after signing out', async () => {
    const api = stubApi({ 'POST /api/v1/auth/logout': { status: 204, body: null } })
    const session = useSession()
    session.user = me()
    await session.logout()
    expect(api.calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/auth/logout' })
    expect(session.signedIn).toBe(false)
    expect(assign).toHaveBeenCalledWith('/')
  })

  it("takes the account's saved language on sign-in and on /me", async () => {
    stubApi({ 'POST /api/v1/auth/login': { user: me('en') }, 'GET /api/v1/me': me('zh-CN') })
    const session = useSession()
    await session.login('donor@demo.duijie.cn', 'pw')
    expect(i18n.global.locale.value).toBe('en')
    expect(document.documentElement.lang).toBe('en')
    await session.load()
    expect(i18n.global.locale.value).toBe('zh-CN')
  })

  it("saves a signed-in user's language switch on the account, and only switches once saved", async () => {
    const api = stubApi({ 'PATCH /api/v1/me': me('en') })
    const session = useSession()
    await session.changeLocale('en')
    expect(api.calls).toHaveLength(0)
    expect(i18n.global.locale.value).toBe('en')

    setLocale('zh-CN')
    session.user = me()
    await session.changeLocale('en')
    expect(api.calls[0]).toMatchObject({ method: 'PATCH', url: '/api/v1/me', body: { locale: 'en' } })
    expect(session.user?.locale).toBe('en')
    expect(i18n.global.locale.value).toBe('en')

    setLocale('zh-CN')
    stubApi({ 'PATCH /api/v1/me': { status: 500, body: { error: { code: 'internal', message: 'x' } } } })
    await expect(session.changeLocale('en')).rejects.toMatchObject({ status: 500 })
    expect(i18n.global.locale.value).toBe('zh-CN')
  })
})

describe('the router and the session', () => {
  it('sends a user whose session ended to sign in, then loads the app afresh', async () => {
    stubApi({ 'GET /api/v1/me': me(), 'GET /api/v1/me/pledges': refused, 'POST /api/v1/auth/login': { user: me() } })
    const router = createAppRouter(createMemoryHistory())
    await router.push('/me/pledges?status=pledged')
    const session = useSession()
    expect(session.signedIn).toBe(true)

    await call(client.GET('/api/v1/me/pledges')).catch(() => undefined)
    expect(session.signedIn).toBe(false)
    // (The sign-in page's chunk loads first.)
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'), { timeout: 5000 })
    expect(router.currentRoute.value.query.next).toBe('/me/pledges?status=pledged')

    await session.login('donor@demo.duijie.cn', 'pw')
    await router.replace('/me/pledges?status=pledged')
    expect(assign).toHaveBeenCalledWith('/me/pledges?status=pledged')
  })

  it('lets a signed-in page through when /me cannot be reached, and asks again next time', async () => {
    document.cookie = 'duijie_csrf=test; path=/'
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('offline')
    })
    const router = createAppRouter(createMemoryHistory())
    await router.push('/me/pledges')
    expect(router.currentRoute.value.name).toBe('my-pledges')
    expect(useSession().known).toBe(false)

    stubApi({ 'GET /api/v1/me': refused })
    await router.push('/me/notifications')
    expect(router.currentRoute.value.name).toBe('login')
  })
})

describe('a signed-out page view', () => {
  it('does not ask /me without a session cookie, so the browser logs no 401', async () => {
    const api = stubApi({})
    document.cookie = 'duijie_csrf=; Max-Age=0; path=/'
    const session = useSession()
    await session.load()
    expect(api.calls).toEqual([])
    expect(session.known).toBe(true)
    expect(session.signedIn).toBe(false)
  })

  it('asks /me with one, and forgets the cookie when the server no longer knows the session', async () => {
    stubApi({})
    document.cookie = 'duijie_csrf=stale; path=/'
    const api = fakeApi({})
    vi.stubGlobal('fetch', async (request: Request) =>
      request.url.endsWith('/api/v1/me') ? new Response(JSON.stringify(refused.body), { status: 401 }) : api.fetchImpl(request),
    )
    const session = useSession()
    await session.load()
    expect(session.signedIn).toBe(false)
    expect(document.cookie).not.toContain('duijie_csrf=stale')
    vi.stubGlobal('fetch', vi.fn())
    await useSession().load()
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('uploads', () => {
  it('go through the client middleware: content type, language and CSRF header', async () => {
    document.cookie = 'duijie_csrf=tok%2Ben'
    const seen: Request[] = []
    vi.stubGlobal('fetch', async (request: Request) => {
      seen.push(request)
      return new Response(JSON.stringify({ id: 'p' }), { status: 201, headers: { 'content-type': 'application/json' } })
    })
    await expect(upload('/api/v1/needs/3/photos', new Blob(['x'], { type: 'image/png' }))).resolves.toEqual({ id: 'p' })
    const sent = seen[0] as Request
    expect(sent.headers.get('content-type')).toBe('image/png')
    expect(sent.headers.get('accept-language')).toBe('zh-CN')
    expect(sent.headers.get('x-csrf-token')).toBe('tok+en')
    expect(await sent.text()).toBe('x')
    document.cookie = 'duijie_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT'
  })
})
