import { describe, expect, it } from 'vitest'
import { navigation } from '@/components/navigation'

const targets = (signedIn: boolean, workspace?: string) => navigation({ signedIn }, workspace).map((l) => l.to)

describe('the public header’s navigation', () => {
  it('offers visitors the public pages only', () => {
    expect(targets(false)).toEqual(['/', '/needs', '/offers', '/products', '/notices', '/transparency', '/pairings'])
  })

  it('offers a signed-in account the public pages and one way into its workspace', () => {
    expect(targets(true, '/review')).toEqual(['/', '/needs', '/offers', '/products', '/notices', '/transparency', '/pairings', '/review'])
    const link = navigation({ signedIn: true }, '/cadre/households').at(-1)
    expect(link).toEqual({ to: '/cadre/households', label: 'common.nav.workspace', testid: 'workspace-link' })
    expect(targets(true)).toContain('/me/pledges')
  })
})
