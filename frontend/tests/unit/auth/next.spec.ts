import { describe, expect, it } from 'vitest'
import { safeNext } from '@/views/auth/next'

describe('safeNext', () => {
  it('follows a path on this site, with its query', () => {
    expect(safeNext('/me/pledges?status=pledged')).toBe('/me/pledges?status=pledged')
    expect(safeNext(['/pledges/7', '/other'])).toBe('/pledges/7')
  })

  it('refuses anything that could leave the site', () => {
    for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '', '/a\nb']) {
      expect(safeNext(next)).toBeNull()
    }
    expect(safeNext(undefined)).toBeNull()
    expect(safeNext(null)).toBeNull()
  })

  it('does not send a visitor back to the sign-in pages', () => {
    expect(safeNext('/login?next=/x')).toBeNull()
    expect(safeNext('/register')).toBeNull()
    expect(safeNext('/logins-report')).toBe('/logins-report')
  })
})
