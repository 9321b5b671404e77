import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import NeedView from '@/views/need/Need.vue'
import { useSession } from '@/stores/session'
import { donor, follow } from '../follows/fixtures'
import { fakeApi, mountWithApp, paged } from '../mount'
import { me, needDetail } from './fixtures'

// Parts loaded after the page (the offers, the 关注 buttons) may arrive after a test ended:
// its page is unmounted first, so they never ask the next test's API.
const mounted: { unmount(): void; vm: { $: { isUnmounted: boolean } } }[] = []
afterEach(() => {
  for (const wrapper of mounted.splice(0)) if (!wrapper.vm.$.isUnmounted) wrapper.unmount()
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const signedOut = { status: 401, body: { error: { code: 'unauthenticated', message: '' } } }
const pledges = [
  { id: 3, display_name: '爱心人士', quantity: 1000, status: 'received', message: '单位食堂认购', thanks_note: '谢谢！', created_at: '2026-11-29T04:00:00Z' },
]

async function mountNeed(detail: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const api = fakeApi({
    'GET /api/v1/me': signedOut,
    [`GET /api/v1/needs/${String(detail.id)}`]: detail,
    [`GET /api/v1/needs/${String(detail.id)}/pledges`]: paged(pledges, 20),
    ...extra,
  })
  vi.stubGlobal('fetch', api.fetchImpl)
  const page = await mountWithApp(NeedView, { props: { id: String(detail.id) }, route: `/needs/${String(detail.id)}`, attachTo: document.body })
  mounted.push(page.wrapper)
  await flushPromises()
  return { ...page, api }
}

describe('the need page', () => {
  it('shows the need as the public sees it: progress, remaining, place, timeline, photos and pledges', async () => {
    const { wrapper } = await mountNeed(needDetail())
    expect(wrapper.get('[data-testid=need-title]').text()).toBe('杞园村沙田柚消费帮扶')
    expect(wrapper.get('h1').classes()).toContain('page-title')
    expect(wrapper.findAll('h1')).toHaveLength(1)
    expect(wrapper.get('[data-testid=need-status]').text()).toBe('已发布')
    expect(wrapper.get('[data-testid=need-remaining]').text()).toBe('4,000 公斤')
    expect(wrapper.text()).toContain('广东省 · 梅州市 · 平远县 · 大柘镇 · 杞园村委会')
    expect(wrapper.text()).toContain('杞园村委会 · 村集体')
    expect(wrapper.text()).toContain('录入需求')
    expect(wrapper.text()).toContain('认捐方 · 爱心人士')
    expect(wrapper.get('.photos img').attributes('src')).toBe('/api/v1/photos/0000000000000000000000000000000b')
    expect(wrapper.text()).toContain('单位食堂认购')
    expect(wrapper.text()).toContain('村里致谢：谢谢！')
  })

  it('offers 认捐 only while the need takes pledges, and 举报 only during its notice', async () => {
    const open = await mountNeed(needDetail())
    expect(open.wrapper.find('[data-testid=pledge-button]').exists()).toBe(true)
    expect(open.wrapper.find('[data-testid=report-button]').exists()).toBe(false)
    open.wrapper.unmount()

    const inNotice = await mountNeed(needDetail({ status: 'in_notice', published_at: null }))
    expect(inNotice.wrapper.find('[data-testid=pledge-button]').exists()).toBe(false)
    expect(inNotice.wrapper.text()).toContain('公示期结束后即可认捐')
    expect(inNotice.wrapper.find('[data-testid=report-button]').exists()).toBe(true)
    inNotice.wrapper.unmount()

    const full = await mountNeed(needDetail({ status: 'fully_pledged', remaining_quantity: 0 }))
    expect(full.wrapper.find('[data-testid=pledge-button]').exists()).toBe(false)
    expect(full.wrapper.text()).toContain('已全部认捐')
  })

  it('sends a visitor to sign in before pledging, and back here after', async () => {
    const { wrapper, router } = await mountNeed(needDetail())
    await wrapper.get('[data-testid=pledge-button]').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'))
    expect(router.currentRoute.value.query.next).toBe('/needs/8?pledge=1')
  })

  it('opens the pledge dialog for a signed-in donor', async () => {
    const { wrapper } = await mountNeed(needDetail(), { 'GET /api/v1/me': me })
    await wrapper.get('[data-testid=pledge-button]').trigger('click')
    await flushPromises()
    expect(document.body.querySelector('[data-testid=pledge-dialog]')).not.toBeNull()
  })

  it('shows the pledges a page at a time, and the next on asking for more', async () => {
    const more = { id: 9, display_name: '梅州客都农业', quantity: 5, status: 'pledged', message: null, thanks_note: null, created_at: '2026-11-30T04:00:00Z' }
    const api = fakeApi({
      'GET /api/v1/me': signedOut,
      'GET /api/v1/needs/8': needDetail(),
      'GET /api/v1/needs/8/pledges?page=1&per_page=20': { items: pledges, total: pledges.length + 1, page: 1, per_page: 20 },
      'GET /api/v1/needs/8/pledges?page=2&per_page=20': { items: [more], total: pledges.length + 1, page: 2, per_page: 20 },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(NeedView, { props: { id: '8' }, route: '/needs/8' })
    mounted.push(wrapper)
    await flushPromises()
    const rows = () => wrapper.findAll('[data-testid="need-pledge-row"]').map((r) => Number(r.attributes('data-pledge-id')))
    expect(rows()).toEqual(pledges.map((p) => p.id))
    const button = wrapper.get('[data-testid="need-pledges-more"]')
    expect(button.text()).toContain(`已显示 ${String(pledges.length)} / 共 ${String(pledges.length + 1)} 笔`)
    await button.trigger('click')
    await flushPromises()
    expect(rows()).toEqual([...pledges.map((p) => p.id), 9])
    expect(wrapper.find('[data-testid="need-pledges-more"]').exists()).toBe(false)
  })

  it('opens the pledge dialog straight away on coming back from signing in', async () => {
    const api = fakeApi({ 'GET /api/v1/me': me, 'GET /api/v1/needs/8': needDetail(), 'GET /api/v1/needs/8/pledges': paged([], 20) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { router, wrapper } = await mountWithApp(NeedView, { props: { id: '8' }, route: '/needs/8?pledge=1', attachTo: document.body })
    // Signed in, its 关注 buttons read the follows: unmounted after the test, so that a late
    // read never reaches the next test's API.
    mounted.push(wrapper)
    await flushPromises()
    await vi.waitFor(() => expect(document.body.querySelector('[data-testid=pledge-dialog]')).not.toBeNull())
    expect(router.currentRoute.value.query).toEqual({})
  })

  it('shows a summary of the review to staff, read-only', async () => {
    const review = {
      allowed_actions: ['close'], household_id: null, open_objections: 2, rejection_reason: null,
      requires_second_verification: false, verified_at: '2026-11-24T00:00:00Z', second_verified_at: null,
    }
    const { wrapper } = await mountNeed(needDetail({ review }))
    expect(wrapper.text()).toContain('审核信息')
    expect(wrapper.get('a[href="/needs/8/objections"]').text()).toBe('去处理')
    expect(wrapper.find('button[data-testid=verify]').exists()).toBe(false)
  })

  it('says so when the need does not exist', async () => {
    const api = fakeApi({ 'GET /api/v1/me': signedOut })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(NeedView, { props: { id: '999' }, route: '/needs/999' })
    mounted.push(wrapper)
    await flushPromises()
    expect(wrapper.get('[role=alert]').text()).toContain('找不到该内容')
  })

  it('offers to follow the need’s village and its county, showing what the account follows', async () => {
    const county = follow({ id: 5, target: '441426', label: '广东省梅州市平远县', mode: 'daily' })
    const { wrapper, api } = await mountNeed(needDetail(), { 'GET /api/v1/me/follows': paged([county]) })
    await vi.waitFor(() => expect(wrapper.find('[data-testid=need-follows]').exists()).toBe(true))
    const row = (role: string) => wrapper.get(`[data-testid=need-follow-${role}]`)
    expect(row('village').text()).toContain('本村')
    expect(row('village').text()).toContain('杞园村委会')
    expect(row('village').get('[data-follow-target]').attributes('data-follow-target')).toBe('441426100201')
    expect(row('county').text()).toContain('平远县')
    expect(row('county').get('[data-follow-target]').attributes('data-follow-target')).toBe('441426')
    // A visitor sees 关注, and reads no follows.
    expect(row('county').text()).toContain('关注')
    expect(row('county').text()).not.toContain('已关注')
    expect(api.calls.some((c) => c.url.startsWith('/api/v1/me/follows?'))).toBe(false)

    useSession().user = donor
    await flushPromises()
    expect(row('county').text()).toContain('已关注 · 每日汇总')
    expect(row('village').get('button').attributes('aria-label')).toBe('关注：杞园村委会')
  })
})
