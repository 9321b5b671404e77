import { describe, expect, it } from 'vitest'
import { navigation } from '@/components/navigation'

const targets = (signedIn: boolean) => navigation({ signedIn }).map((l) => l.to)

describe('the public header’s navigation', () => {
  it('offers visitors the public pages only', () => {
    expect(targets(false)).toEqual(['/', '/needs', '/offers', '/products', '/notices', '/transparency', '/pairings'])
  })

  it('offers a signed-in account the public pages and one way into its workspace', () => {
    expect(targets(true)).toEqual(['/', '/needs', '/offers', '/products', '/notices', '/transparency', '/pairings', '/workspace'])
    expect(navigation({ signedIn: true }).at(-1)).toEqual({ to: '/workspace', label: 'common.nav.workspace', testid: 'workspace-link' })
  })
})
