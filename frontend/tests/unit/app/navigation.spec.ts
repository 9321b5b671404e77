import { describe, expect, it } from 'vitest'
import { navigation } from '@/components/navigation'
import type { RoleName } from '@/stores/session'

const as = (signedIn: boolean, ...roles: RoleName[]) => ({ signedIn, has: (...w: RoleName[]) => w.some((r) => roles.includes(r)) })
const targets = (s: ReturnType<typeof as>) => navigation(s).map((l) => l.to)

describe('navigation', () => {
  it('offers visitors the public pages only', () => {
    expect(targets(as(false))).toEqual(['/', '/needs', '/offers', '/products', '/notices', '/transparency', '/pairings'])
  })

  it('offers each workspace to its roles and no other', () => {
    expect(targets(as(true))).toContain('/me/pledges')
    expect(targets(as(true))).toContain('/me/offers')
    expect(targets(as(true)).slice(7, 9)).toEqual(['/me/pledges', '/me/follows'])
    expect(targets(as(false))).not.toContain('/me/follows')
    expect(targets(as(false))).not.toContain('/me/offers')
    expect(targets(as(true))).not.toContain('/review')
    expect(targets(as(true, 'cadre'))).toContain('/cadre/needs')
    expect(targets(as(true, 'verifier'))).toContain('/review')
    expect(targets(as(true, 'verifier'))).not.toContain('/admin/users')
    expect(targets(as(true))).toContain('/me/orders')
    expect(targets(as(false))).not.toContain('/me/orders')
    // 我的产品: those who sell (a cooperative's people, a village's cadres) and the verifiers who certify.
    expect(targets(as(true))).not.toContain('/me/products')
    expect(targets(as(true, 'org_member'))).toContain('/me/products')
    expect(targets(as(true, 'verifier'))).toContain('/me/products')
    expect(targets(as(true, 'admin'))).toEqual(expect.arrayContaining(['/admin/organisations', '/admin/users']))
  })
})
