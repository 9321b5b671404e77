import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import Users from '@/views/admin/Users.vue'
import GrantDialog from '@/views/admin/components/GrantDialog.vue'
import { useSession } from '@/stores/session'
import { confirmAction, notifySuccess } from '@/utils/feedback'
import type { Schemas } from '@/api/client'
import { fakeApi, mountWithApp, paged } from '../mount'
import { pairing } from '../pairings/fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

const admin: Schemas['Me'] = { id: 1, email: 'admin@demo.duijie.cn', mobile: null, display_name: '平台管理员', locale: 'zh-CN', confirmed: true, roles: [{ id: 1, role: 'admin', region_code: null, organisation_id: null, pairing_id: null }] }
const user = (overrides: Record<string, unknown> = {}) => ({
  id: 4, email: 'verifier@demo.duijie.cn', mobile: null, display_name: '平远县扶贫办审核员', is_active: true,
  created_at: '2026-12-02T01:00:00Z', last_login_at: null,
  roles: [{ id: 5, role: 'verifier' as const, region_code: '441426', organisation_id: null, pairing_id: null }], ...overrides,
})
const users = (list: unknown[]) => ({ users: list, total: list.length, page: 1, per_page: 20 })
const names = {
  'GET /api/v1/organisations': paged([]),
  'GET /api/v1/pairings': paged([pairing()]),
  'GET /api/v1/regions/441426': { region: { code: '441426', name: '平远县', level: 'county', leaf: false }, path: [{ code: '44', name: '广东省', level: 'province', leaf: false }, { code: '4414', name: '梅州市', level: 'city', leaf: false }, { code: '441426', name: '平远县', level: 'county', leaf: false }] },
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('the users page', () => {
  it('lists accounts with their roles in words, and searches', async () => {
    const api = fakeApi({ ...names, 'GET /api/v1/users?page=1&per_page=20': users([user(), { ...user({ id: 1, roles: admin.roles }), display_name: '平台管理员' }]), 'GET /api/v1/users?q=verifier&page=1&per_page=20': users([user()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(Users, { route: '/admin/users' })
    useSession().user = admin
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="admin-user-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]?.text()).toContain('审核员 · 梅州市 平远县')
    // No one changes their own roles.
    expect(rows[1]?.find('[data-testid="admin-user-grant"]').exists()).toBe(false)
    expect(rows[1]?.find('[data-testid="admin-role-revoke"]').exists()).toBe(false)
    await wrapper.get('#user-search').setValue('verifier')
    await wrapper.get('form.search').trigger('submit')
    await flushPromises()
    expect(api.calls.map((c) => c.url)).toContain('/api/v1/users?q=verifier&page=1&per_page=20')
    expect(wrapper.findAll('[data-testid="admin-user-row"]')).toHaveLength(1)
  })

  it('revokes a role once the administrator confirms', async () => {
    const api = fakeApi({ ...names, 'GET /api/v1/users': users([user()]), 'DELETE /api/v1/users/4/roles/5': { status: 204, body: null } })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(Users, { route: '/admin/users' })
    useSession().user = admin
    await flushPromises()
    await wrapper.get('[data-testid="admin-role-revoke"]').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalled()
    expect(api.calls.find((c) => c.method === 'DELETE')?.url).toBe('/api/v1/users/4/roles/5')
    expect(notifySuccess).toHaveBeenCalledWith('已撤销 审核员 · 梅州市 平远县')
  })

  it('does not revoke what the administrator did not confirm', async () => {
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    const api = fakeApi({ ...names, 'GET /api/v1/users': users([user()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(Users, { route: '/admin/users' })
    useSession().user = admin
    await flushPromises()
    await wrapper.get('[data-testid="admin-role-revoke"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false)
  })
})

describe('granting a role', () => {
  const donor = user({ id: 8, display_name: '爱心市民王女士', roles: [] })

  // The form is filled through the component's state: Element's selects open in teleported
  // popups that the test DOM does not lay out.
  async function dialog(table: Record<string, unknown> = {}) {
    const api = fakeApi(table)
    vi.stubGlobal('fetch', api.fetchImpl)
    const mounted = await mountWithApp(GrantDialog, { props: { user: null, pairings: [pairing()], organisations: [] }, attachTo: document.body })
    await mounted.wrapper.setProps({ user: donor })
    await flushPromises()
    const submit = () => document.querySelector<HTMLButtonElement>('[data-testid="admin-grant-submit"]')?.click()
    return { ...mounted, api, submit }
  }

  it('asks a cadre for a village before sending', async () => {
    const { api, submit, wrapper } = await dialog()
    submit()
    await flushPromises()
    // (The region picker reads the provinces; nothing is sent.)
    expect(api.calls.filter((c) => c.method !== 'GET')).toEqual([])
    await vi.waitFor(() => expect(document.body.textContent).toContain('村干部的范围须选到村'))
    wrapper.unmount()
  })

  it('grants a coordinator their pairing, and tells a new grant from one already held', async () => {
    const { api, submit, wrapper } = await dialog({ 'POST /api/v1/users/8/roles': { status: 201, body: null } })
    const state = wrapper.vm as unknown as { form: { role: string; pairing_id?: number } }
    state.form.role = 'coordinator'
    state.form.pairing_id = 1
    await flushPromises()
    submit()
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'POST')).toMatchObject({ url: '/api/v1/users/8/roles', body: { role: 'coordinator', pairing_id: 1, region_code: null, organisation_id: null } })
    expect(notifySuccess).toHaveBeenCalledWith('已授予角色')
    expect(wrapper.emitted('granted')).toHaveLength(1)
    wrapper.unmount()
  })

  it('says so when the user held the role already', async () => {
    const { submit, wrapper } = await dialog({ 'POST /api/v1/users/8/roles': { status: 200, body: null } })
    const state = wrapper.vm as unknown as { form: { role: string } }
    state.form.role = 'admin'
    await flushPromises()
    submit()
    await flushPromises()
    expect(notifySuccess).toHaveBeenCalledWith('该用户已有这个角色，未作改动')
    wrapper.unmount()
  })

  it("shows the server's refusal of a scope on its field", async () => {
    const { submit, wrapper } = await dialog({
      'POST /api/v1/users/8/roles': { status: 422, body: { error: { code: 'validation_failed', message: 'x', fields: { pairing_id: [{ code: 'not_found_reference', message: 'is not a known pairing' }] } } } },
    })
    const state = wrapper.vm as unknown as { form: { role: string; pairing_id?: number } }
    state.form.role = 'coordinator'
    state.form.pairing_id = 99
    await flushPromises()
    submit()
    await flushPromises()
    await vi.waitFor(() => expect(document.querySelector('.el-form-item__error')?.textContent).toBe('所选内容不存在或不可用'))
    wrapper.unmount()
  })
})
