// Accounts: who is signed in (`/me`), signing in and out, registering, the account's language.
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
