// Where to go once signed in. `?next=` comes from the address bar, so it is only followed when
// it is a path on this site: never another origin (`//evil.example`, `/\evil.example`, which
// browsers read as one), and never back to the sign-in pages themselves.
import type { LocationQueryValue } from 'vue-router'

export function safeNext(next: LocationQueryValue | LocationQueryValue[] | undefined): string | null {
  const value = Array.isArray(next) ? next[0] : next
  if (typeof value !== 'string' || !value.startsWith('/')) return null
  if (value.startsWith('//') || value.startsWith('/\\')) return null
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return null
  if (/^\/(login|register)(?:[/?#]|$)/.test(value)) return null
  return value
}
