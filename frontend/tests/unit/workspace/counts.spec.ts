import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { onChanged } from '@/api/changes'
import type { Schemas } from '@/api/client'
import { confirmReceipt } from '@/api/pledges'
import { useSession } from '@/stores/session'
import { REFRESH_DELAY_MS, useWorkspaceCounts } from '@/stores/workspaceCounts'
import { fakeApi } from '../mount'

type Role = Schemas['RoleView']
const me = (roles: Partial<Role>[]): Schemas['Me'] => ({
  id: 8, email: 'x@demo.duijie.cn', mobile: null, display_name: '王女士', locale: 'zh-CN', confirmed: true,
  roles: roles.map((r, i) => ({ id: i + 1, role: 'cadre', region_code: null, organisation_id: null, pairing_id: null, ...r })),
})
const total = (n: number) => ({ items: [], total: n, page: 1, per_page: 1 })
const failed = { status: 500, body: { error: { code: 'internal', message: 'x' } } }

function stubApi(table: Record<string, unknown>) {
  const api = fakeApi(table)
  vi.stubGlobal('fetch', api.fetchImpl)
  return api
}

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('the counts beside the workspace menu', () => {
  it('counts a donor’s pledges to ship, asking one item of the list', async () => {
    const api = stubApi({ 'GET /api/v1/me/pledges?page=1&per_page=1&status=pledged': total(2) })
    useSession().user = me([])
    const workspace = useWorkspaceCounts()
    await workspace.refresh()
    expect(workspace.counts).toEqual({ pledgesToShip: 2 })
    expect(api.calls.map((c) => c.url)).toEqual(['/api/v1/me/pledges?page=1&per_page=1&status=pledged'])
  })

  it('counts a cadre’s drafts and rejected needs together', async () => {
    stubApi({
      'GET /api/v1/me/pledges': total(0),
      'GET /api/v1/needs?status=draft&page=1&per_page=1': total(3),
      'GET /api/v1/needs?status=rejected&page=1&per_page=1': total(1),
    })
    useSession().user = me([{ role: 'cadre', region_code: '441426100200' }])
    const workspace = useWorkspaceCounts()
    await workspace.refresh()
    expect(workspace.counts).toEqual({ pledgesToShip: 0, needsToRedo: 4 })
  })

  it('counts a verifier’s submitted needs and those under objection, and an administrator’s organisations to verify', async () => {
    stubApi({
      'GET /api/v1/me/pledges': total(0),
      'GET /api/v1/needs?status=submitted&page=1&per_page=1': total(5),
      'GET /api/v1/needs?status=suspended&page=1&per_page=1': total(1),
      'GET /api/v1/organisations?verified=false&page=1&per_page=1': total(2),
    })
    useSession().user = me([{ role: 'verifier', region_code: '441426' }, { role: 'admin' }])
    const workspace = useWorkspaceCounts()
    await workspace.refresh()
    expect(workspace.counts).toEqual({ pledgesToShip: 0, needsToReview: 5, needsObjected: 1, organisationsToVerify: 2 })
  })

  it('shows no count that failed, and drops one it had', async () => {
    stubApi({ 'GET /api/v1/me/pledges': total(1), 'GET /api/v1/needs?status=submitted&page=1&per_page=1': failed, 'GET /api/v1/needs': total(0) })
    useSession().user = me([{ role: 'verifier', region_code: '441426' }])
    const workspace = useWorkspaceCounts()
    await workspace.refresh()
    expect(workspace.counts).toEqual({ pledgesToShip: 1, needsObjected: 0 })
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify(failed.body), { status: 500 }))
    await workspace.refresh()
    expect(workspace.counts).toEqual({})
  })

  it('reads them again shortly after a change, once for a burst of calls', async () => {
    vi.useFakeTimers()
    const api = stubApi({ 'GET /api/v1/me/pledges': total(1), 'POST /api/v1/pledges/4/confirm': { id: 4 } })
    useSession().user = me([])
    const workspace = useWorkspaceCounts()
    const stop = onChanged(workspace.refreshSoon)
    await confirmReceipt(4, 1)
    await confirmReceipt(4, 1)
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS)
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(1)
    vi.useRealTimers()
    await vi.waitFor(() => expect(workspace.counts).toEqual({ pledgesToShip: 1 }))
    stop()
  })
})
