// The one HTTP client of the app, typed by the API's own OpenAPI document (`schema.d.ts` is
// generated from `openapi.json`, which a Rust test keeps equal to what the server describes).
//
// Every call goes through `call()`: a successful answer is returned as its typed body, any
// other answer is thrown as an `ApiError` carrying the server's stable error `code`, its
// `fields` (each field's broken rules, by code and parameters, which `useFieldErrors` puts in
// the user's language on the form field they name) and `details`.
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
/** One rule a field breaks: `{code: 'length', min: 4, max: 60, message}` (`message` is English, for developers). */
export type FieldError = Schemas['FieldError']

const CSRF_COOKIE = 'duijie_csrf'
const CSRF_HEADER = 'x-csrf-token'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, FieldError[]> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The language the API should answer in, set by the i18n plugin when the user switches. */
let language = 'zh-CN'
export function setApiLanguage(locale: string) {
  language = locale
}

function csrfToken(): string | undefined {
  return document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1)
}

/**
 * Whether this browser holds a session: the CSRF cookie is set beside the session's (same
 * lifetime, but readable here) on sign-in and removed on sign-out. Without it there is no session
 * to ask `/me` about, so a signed-out page view does not (its 401 would be logged by the browser).
 */
export function hasSessionCookie(): boolean {
  return csrfToken() !== undefined && csrfToken() !== ''
}

/** Forgets the session cookie's hint once the server said the session is gone (a 401). */
export function forgetSessionCookie() {
  document.cookie = `${CSRF_COOKIE}=; Max-Age=0; Path=/`
}

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', language)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const token = csrfToken()
      if (token) request.headers.set(CSRF_HEADER, decodeURIComponent(token))
    }
    return request
  },
}

/**
 * What to do when a signed-in session has ended on the server (expired, or signed out
 * elsewhere): set by the router, which sends the user to sign in again. Kept here as a hook so
 * that the client imports neither the router nor the session store.
 */
let unauthenticated: (() => void) | null = null
export function onUnauthenticated(handler: (() => void) | null) {
  unauthenticated = handler
}

/** The calls whose 401 is an answer, not an ended session: who is signed in, and signing in. */
const ANSWERS_401 = new Set(['GET /api/v1/me', 'POST /api/v1/auth/login'])

function checkSession(method: string, url: string, status: number) {
  if (status !== 401 || !unauthenticated) return
  const path = new URL(url, window.location.origin).pathname
  if (!ANSWERS_401.has(`${method.toUpperCase()} ${path}`)) unauthenticated()
}

const session: Middleware = {
  onResponse({ request, response }) {
    checkSession(request.method, request.url, response.status)
    return response
  },
}

// `fetch` is looked up at each call, not when the client is made, so tests can replace it.
export const client = createClient<paths>({
  baseUrl: '',
  credentials: 'same-origin',
  fetch: (request) => globalThis.fetch(request),
})
client.use(headers, session)

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, FieldError[]> | null; details?: Record<string, unknown> }
}

/** Turns a failed answer (or a failed connection) into an `ApiError`. */
export function toApiError(status: number, body: unknown): ApiError {
  const error = (body as ErrorBody | undefined)?.error
  if (error?.code) {
    return new ApiError(status, error.code, error.message ?? error.code, error.fields ?? {}, error.details ?? {})
  }
  return new ApiError(status, status === 0 ? 'network' : 'http_error', `HTTP ${status}`)
}

type Answer<T> = { data?: T; error?: unknown; response: Response }

/** Awaits an openapi-fetch call and returns its body, or throws an `ApiError`. */
export async function call<T>(request: Promise<Answer<T>>): Promise<T> {
  return (await answered(request)).data
}

/** Like `call`, with the answer's response too (its headers: a download's file name). */
export async function answered<T>(request: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  let answer: Answer<T>
  try {
    answer = await request
  } catch {
    throw new ApiError(0, 'network', 'network error')
  }
  if (answer.response.ok) return { data: answer.data as T, response: answer.response }
  throw toApiError(answer.response.status, answer.error)
}

/**
 * The untyped face of the client's POST, for uploads only: the photo routes take a picture's raw
 * bytes (which the generated schema can only describe as `number[]`) at a URL whose id is
 * already filled in. It is the same client, so the same middleware: Accept-Language, the CSRF
 * header and the ended-session check.
 */
type RawPost = (
  url: string,
  init: { body: Blob; bodySerializer: (body: Blob) => Blob; headers: Record<string, string> },
) => Promise<Answer<unknown>>

/** Sends a file's bytes as the body (photo uploads take raw bytes with their content type). */
export function upload<T>(url: string, file: Blob): Promise<T> {
  const post = client.POST as unknown as RawPost
  const headers = { 'Content-Type': file.type || 'application/octet-stream' }
  return call(post(url, { body: file, bodySerializer: (body) => body, headers })) as Promise<T>
}
