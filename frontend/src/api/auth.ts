// Accounts: who is signed in (`/me`), signing in and out, registering, resetting a forgotten
// password by mail, the account's language.
import { call, client, type Schemas } from './client'

/** Who is signed in; a 401 (nobody) is an answer here, not an ended session. */
export function getMe() {
  return call(client.GET('/api/v1/me'))
}

export function login(account: string, password: string) {
  return call(client.POST('/api/v1/auth/login', { body: { login: account, password } }))
}

export function logout() {
  return call(client.POST('/api/v1/auth/logout'))
}

export function register(account: Schemas['Registration']) {
  return call(client.POST('/api/v1/auth/register', { body: account }))
}

export function changeMyLocale(locale: string) {
  return call(client.PATCH('/api/v1/me', { body: { locale } }))
}

/** Ask for a reset link by mail: the answer is the same whether or not the address is registered. */
export function forgotPassword(email: string) {
  return call(client.POST('/api/v1/auth/password/forgot', { body: { email } }))
}

/** Confirm the account's email address with the token of its confirmation mail's link. */
export function confirmEmail(token: string) {
  return call(client.POST('/api/v1/auth/email/confirm', { body: { token } }))
}

/** Mail the signed-in account a new confirmation link; a mobile-only account gives the address. */
export function resendConfirmation(email?: string) {
  return call(client.POST('/api/v1/auth/email/resend', { body: email ? { email } : {} }))
}

/** Set a new password with the token of a reset mail's link; signs nobody in. */
export function resetPassword(token: string, password: string) {
  return call(client.POST('/api/v1/auth/password/reset', { body: { token, password } }))
}

/** The account's personal API tokens: scope, expiry and last use (never their secrets). */
export function listTokens(page = 1, perPage = 20) {
  return call(client.GET('/api/v1/auth/tokens', { params: { query: { page, per_page: perPage } } }))
}

/** A new personal API token; the answer holds its secret, shown this once. */
export function createToken(request: Schemas['TokenRequest']) {
  return call(client.POST('/api/v1/auth/tokens', { body: request }))
}

export function revokeToken(id: number) {
  return call(client.DELETE('/api/v1/auth/tokens/{id}', { params: { path: { id } } }))
}
