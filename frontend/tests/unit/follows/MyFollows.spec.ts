import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import MyFollows from '@/views/follows/MyFollows.vue'
import { setLocale } from '@/locales'
import { useSession } from '@/stores/session'
import { confirmAction, notifyError } from '@/utils/feedback'
import { fakeApi, mountWithApp, paged } from '../mount'
import { demoFollows, donor, follow } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

async function mountPage(table: Record<string, unknown>, locale: 'zh-CN' | 'en' = 'zh-CN') {
  const api = fakeApi({ 'GET /api/v1/me/follows': paged(demoFollows()), ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(MyFollows, { route: '/me/follows', locale })
  useSession().user = donor
  await flushPromises()
  return { ...mounted, api }
}
type Wrapper = Awaited<ReturnType<typeof mountPage>>['wrapper']
const row = (wrapper: Wrapper, id: number) => wrapper.get(`[data-testid="my-follow-row"][data-follow-id="${id}"]`)
const modeButton = (wrapper: Wrapper, id: number, mode: string) => row(wrapper, id).get(`[data-testid="my-follow-mode-${mode}"] input`)

beforeEach(() => vi.clearAllMocks())
afterEach(() => {
  vi.unstubAllGlobals()
  setLocale('zh-CN')
  document.body.innerHTML = ''
})

describe('我的关注', () => {
  it('lists each follow with its kind, its name linked to its needs, and how its alerts come', async () => {
    const pairing = follow({ id: 3, target_kind: 'pairing', target: '2', label: '梅州市平远县—客都农业结对', mode: 'instant' })
    const { wrapper } = await mountPage({ 'GET /api/v1/me/follows': paged([...demoFollows(), pairing]) })
    const region = row(wrapper, 1)
    expect(region.get('[data-testid="my-follow-kind"]').text()).toBe('地区')
    expect(region.get('[data-testid="my-follow-name"]').text()).toBe('广东省梅州市')
    expect(region.get('[data-testid="my-follow-name"]').attributes('href')).toBe('/needs?region=4414')
    expect((modeButton(wrapper, 1, 'instant').element as HTMLInputElement).checked).toBe(true)
    expect(row(wrapper, 2).get('[data-testid="my-follow-name"]').attributes('href')).toBe('/needs?category=education')
    expect(row(wrapper, 2).attributes('data-mode')).toBe('daily')
    expect(row(wrapper, 3).get('[data-testid="my-follow-kind"]').text()).toBe('结对')
    expect(row(wrapper, 3).get('[data-testid="my-follow-name"]').attributes('href')).toBe('/pairings/2')
    expect(wrapper.get('a[href="/me/notifications"]').text()).toBe('通知设置')
  })

  it('switches a follow to the daily digest at once, and keeps it when the server refuses', async () => {
    const { wrapper, api } = await mountPage({ 'PATCH /api/v1/me/follows/1': follow({ mode: 'daily' }) })
    await modeButton(wrapper, 1, 'daily').setValue(true)
    await flushPromises()
    expect(api.calls.find((c) => c.method === 'PATCH')).toMatchObject({ url: '/api/v1/me/follows/1', body: { mode: 'daily' } })
    expect(row(wrapper, 1).attributes('data-mode')).toBe('daily')

    const refused = await mountPage({ 'PATCH /api/v1/me/follows/1': { status: 404, body: { error: { code: 'not_found', message: 'x' } } } })
    await modeButton(refused.wrapper, 1, 'daily').setValue(true)
    await flushPromises()
    expect(notifyError).toHaveBeenCalled()
    expect(row(refused.wrapper, 1).attributes('data-mode')).toBe('instant')
  })

  it('leaves a follow only once the person agrees', async () => {
    const { wrapper, api } = await mountPage({ 'DELETE /api/v1/me/follows/2': { status: 204, body: null } })
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await row(wrapper, 2).get('[data-testid="my-follow-remove"]').trigger('click')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false)

    await row(wrapper, 2).get('[data-testid="my-follow-remove"]').trigger('click')
    await flushPromises()
    expect(vi.mocked(confirmAction).mock.calls[1]?.[0]).toContain('教育助学')
    expect(api.calls.some((c) => c.method === 'DELETE' && c.url === '/api/v1/me/follows/2')).toBe(true)
    expect(wrapper.find('[data-follow-id="2"]').exists()).toBe(false)
    expect(wrapper.findAll('[data-testid="my-follow-row"]')).toHaveLength(1)
  })

  it('says what following does when there is nothing followed, and where to start', async () => {
    const { wrapper } = await mountPage({ 'GET /api/v1/me/follows': paged([]) })
    const empty = wrapper.get('[data-testid="my-follows-empty"]')
    expect(empty.text()).toContain('您还没有关注任何地区、类别、结对或组织')
    expect(empty.text()).toContain('发布新需求时，我们会发邮件提醒您')
    expect(empty.get('a[href="/needs"]').text()).toBe('去需求大厅')
  })

  it('speaks English on an English page, a category by its English name', async () => {
    const { wrapper } = await mountPage({}, 'en')
    expect(wrapper.get('h1').text()).toBe('My follows')
    expect(row(wrapper, 2).get('[data-testid="my-follow-name"]').text()).toBe('Education')
    expect(row(wrapper, 2).get('[data-testid="my-follow-kind"]').text()).toBe('Category')
    expect(row(wrapper, 2).text()).toContain('Daily digest')
    expect(row(wrapper, 2).text()).not.toMatch(/[\u4e00-\u9fff]/)
  })
})
