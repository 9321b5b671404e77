import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import FollowButton from '@/components/FollowButton.vue'
import { useSession } from '@/stores/session'
import { notifySuccess } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { demoFollows, donor, follow } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

type Target = { kind: 'region' | 'category' | 'pairing' | 'organisation'; target: string; what?: string; name?: string }

/** Buttons side by side, as a page holds them. */
function page(targets: Target[]) {
  return defineComponent({ render: () => h('div', targets.map((p) => h(FollowButton, { key: `${p.kind}:${p.target}`, ...p }))) })
}

async function mountButtons(targets: Target[], table: Record<string, unknown> = {}, { signedIn = true, route = '/needs' } = {}) {
  const api = fakeApi({ 'GET /api/v1/me/follows': paged(demoFollows()), ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(page(targets), { route, attachTo: document.body })
  const session = useSession()
  session.known = true
  if (signedIn) session.user = donor
  await flushPromises()
  return { ...mounted, api }
}

const REGION: Target = { kind: 'region', target: '441426', what: '该地区', name: '平远县' }
const FOLLOWED: Target = { kind: 'region', target: '4414', what: '该地区', name: '广东省梅州市' }

type Wrapper = Awaited<ReturnType<typeof mountButtons>>['wrapper']
const button = (wrapper: Wrapper, target: string) => wrapper.get(`[data-follow-target="${target}"]`)

/** Opens a button's menu and picks one of its items (the menu is in the page's body). */
async function pick(wrapper: Wrapper, target: string, item: string) {
  const trigger = button(wrapper, target).get('[data-testid="follow-button"]')
  await trigger.trigger('click')
  const menu = await vi.waitFor(() => {
    const open = document.getElementById(trigger.attributes('aria-controls') ?? '')
    expect(open, 'the open menu').toBeTruthy()
    return open!
  })
  const found = menu.querySelector<HTMLElement>(`[data-testid="${item}"]`)
  expect(found, `${item} in the menu`).toBeTruthy()
  found!.click()
  await flushPromises()
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('关注 button', () => {
  it('shows 已关注 with the mode for what the account follows, and 关注 for the rest', async () => {
    const { wrapper } = await mountButtons([FOLLOWED, REGION, { kind: 'category', target: 'education', what: '该类别' }])
    expect(button(wrapper, '4414').text()).toContain('已关注该地区 · 即时提醒')
    expect(button(wrapper, '4414').attributes('data-following')).toBe('instant')
    expect(button(wrapper, 'education').text()).toContain('已关注该类别 · 每日汇总')
    expect(button(wrapper, '441426').text()).toContain('关注该地区')
    expect(button(wrapper, '441426').attributes('data-following')).toBe('no')
    expect(button(wrapper, '4414').get('button').attributes('aria-label')).toBe('已关注该地区 · 即时提醒：广东省梅州市')
  })

  it('reads the follows once for every button on the page', async () => {
    const { api } = await mountButtons([FOLLOWED, REGION, { kind: 'category', target: 'medical' }])
    expect(api.calls.filter((c) => c.url.startsWith('/api/v1/me/follows?'))).toHaveLength(1)
  })

  it('follows with the mode chosen in its menu', async () => {
    const made = follow({ id: 7, target: '441426', label: '广东省梅州市平远县', mode: 'daily' })
    const { wrapper, api } = await mountButtons([REGION], { 'POST /api/v1/me/follows': { status: 201, body: made } })
    await pick(wrapper, '441426', 'follow-mode-daily')
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ target_kind: 'region', target: '441426', mode: 'daily' })
    expect(button(wrapper, '441426').text()).toContain('已关注该地区 · 每日汇总')
    expect(notifySuccess).toHaveBeenCalledWith('已关注平远县，每日汇总')
  })

  it('changes a follow’s mode, and leaves it', async () => {
    const { wrapper, api } = await mountButtons([FOLLOWED], {
      'PATCH /api/v1/me/follows/1': follow({ mode: 'daily' }),
      'DELETE /api/v1/me/follows/1': { status: 204, body: null },
    })
    await pick(wrapper, '4414', 'follow-mode-daily')
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ mode: 'daily' })
    expect(button(wrapper, '4414').text()).toContain('已关注该地区 · 每日汇总')

    await pick(wrapper, '4414', 'follow-unfollow')
    expect(api.calls.some((c) => c.method === 'DELETE' && c.url === '/api/v1/me/follows/1')).toBe(true)
    expect(button(wrapper, '4414').text()).toContain('关注该地区')
    expect(notifySuccess).toHaveBeenLastCalledWith('已取消关注广东省梅州市')
  })

  it('sends a visitor to sign in, to come back to the button', async () => {
    const { wrapper, router, api } = await mountButtons([REGION], {}, { signedIn: false, route: '/needs?region=441426' })
    expect(api.calls).toHaveLength(0)
    await button(wrapper, '441426').get('[data-testid="follow-button"]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query.next).toBe('/needs?region=441426&follow=region:441426')
  })

  it('opens its menu once back from signing in, and forgets the request', async () => {
    const { wrapper, router } = await mountButtons([REGION], {}, { route: '/needs?region=441426&follow=region:441426' })
    expect(router.currentRoute.value.query).toEqual({ region: '441426' })
    await vi.waitFor(() => expect(button(wrapper, '441426').get('button').attributes('aria-expanded')).toBe('true'))
  })

  it('says a refused target in words, beside the button', async () => {
    const refused = {
      status: 422,
      body: { error: { code: 'validation_failed', message: 'x', fields: { target: [{ code: 'not_found_reference', message: 'names nothing' }] } } },
    }
    const { wrapper } = await mountButtons([{ kind: 'organisation', target: '99' }], { 'POST /api/v1/me/follows': refused })
    await pick(wrapper, '99', 'follow-mode-instant')
    expect(button(wrapper, '99').get('[role="alert"]').text()).toBe('所选内容不存在或不可用')
    expect(button(wrapper, '99').attributes('data-following')).toBe('no')
  })
})
