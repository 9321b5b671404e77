import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import PledgePage from '@/views/pledges/Pledge.vue'
import { useSession, type Me } from '@/stores/session'
import { fakeApi, mountWithApp, paged } from '../mount'
import { cadre, donor, needOfVillage, pledge, received, shipped, thanked } from './fixtures'

vi.mock('@/utils/feedback', () => ({ notifySuccess: vi.fn(), notifyError: vi.fn(), confirmAction: vi.fn(async () => true) }))

/** The pledge page for `user`, over a fake API whose answers may change as moves are made. */
async function mountPage(user: Me, table: Record<string, unknown>) {
  const answers = { ...table }
  const api = fakeApi(new Proxy(answers, { get: (t, key: string) => t[key] }))
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(PledgePage, { props: { id: '9' }, route: '/pledges/9' })
  useSession().user = user
  await flushPromises()
  await flushPromises()
  return { ...mounted, api, answers }
}

beforeEach(() => vi.clearAllMocks())
afterEach(() => vi.unstubAllGlobals())

describe('a pledge’s page', () => {
  it('offers its donor to mark it shipped or cancel it, and nothing of the village’s', async () => {
    const { wrapper } = await mountPage(donor, { 'GET /api/v1/pledges/9': pledge(), 'GET /api/v1/needs/1': needOfVillage(false) })
    expect(wrapper.get('[data-testid="pledge-status"]').text()).toBe('已认捐')
    expect(wrapper.find('[data-testid="pledge-ship"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="pledge-cancel"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="confirm-receipt-submit"]').exists()).toBe(false)
  })

  it('lets the village’s cadre confirm receipt with a photo, then thank the donor', async () => {
    const { wrapper, api, answers } = await mountPage(cadre, {
      'GET /api/v1/pledges/9': shipped(),
      'GET /api/v1/needs/1': needOfVillage(),
      'GET /api/v1/me/pledges': paged([]),
      'POST /api/v1/pledges/9/photos': { status: 201, body: { id: '0000000000000000000000000000001f', url: '/api/v1/photos/0000000000000000000000000000001f', width: 320, height: 240, public: false } },
      'POST /api/v1/pledges/9/confirm': received(),
    })
    expect(wrapper.find('[data-testid="pledge-ship"]').exists()).toBe(false)

    // Confirming before any photo is refused here, without asking the server.
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.text()).toContain('请先上传至少一张收货照片'))
    expect(api.calls.some((c) => c.url.endsWith('/confirm'))).toBe(false)

    const input = wrapper.get('[data-testid="confirm-receipt-photo"]')
    Object.defineProperty(input.element, 'files', { value: [new File(['0'], 'desks.png', { type: 'image/png' })], configurable: true })
    await input.trigger('change')
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/pledges/9/photos')).toBe(true)
    expect(wrapper.find('img[src^="blob:"]').exists()).toBe(true)

    await wrapper.get('form').trigger('submit')
    await flushPromises()
    expect(api.calls.find((c) => c.url === '/api/v1/pledges/9/confirm')?.body).toEqual({ received_quantity: 2 })
    expect(wrapper.get('[data-testid="pledge-status"]').text()).toBe('已收到')

    answers['POST /api/v1/pledges/9/thanks'] = {
      status: 422,
      body: { error: { code: 'private_data', message: 'note must not contain private data', fields: { note: [{ code: 'private_data', kind: 'mobile', message: 'contains a phone number' }] } } },
    }
    // Too short by the API document's bound: refused before sending, in the server's words.
    await wrapper.get('[data-testid="thanks-message"]').setValue(' 谢 ')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.text()).toContain('应为 2–500 个字'))
    expect(api.calls.some((c) => c.url === '/api/v1/pledges/9/thanks')).toBe(false)
    await wrapper.get('[data-testid="thanks-message"]').setValue('谢谢，电话13800001111')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await vi.waitFor(() => expect(wrapper.text()).toContain('不能包含电话号码，联系请通过平台'))

    answers['POST /api/v1/pledges/9/thanks'] = thanked()
    await wrapper.get('[data-testid="thanks-message"]').setValue('课桌椅已送到学校，谢谢您！')
    await wrapper.get('form').trigger('submit')
    await flushPromises()
    await flushPromises()
    expect(api.calls.filter((c) => c.url === '/api/v1/pledges/9/thanks').at(-1)?.body).toEqual({ note: '课桌椅已送到学校，谢谢您！' })
    expect(wrapper.get('[data-testid="pledge-status"]').text()).toBe('已致谢')
    expect(wrapper.get('[data-testid="pledge-thanks"]').text()).toBe('课桌椅已送到学校，谢谢您！')
  })

  it('treats a cadre who pledged it themselves as its donor', async () => {
    const { wrapper, api } = await mountPage(cadre, {
      'GET /api/v1/pledges/9': shipped(),
      'GET /api/v1/needs/1': needOfVillage(),
      'GET /api/v1/me/pledges': paged([shipped()]),
    })
    expect(api.calls.find((c) => c.url.startsWith('/api/v1/me/pledges'))?.url).toBe('/api/v1/me/pledges?page=1&per_page=100&status=shipped')
    expect(wrapper.find('[data-testid="confirm-receipt-submit"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('等待村里确认收到')
  })

  it('says so when the pledge cannot be seen', async () => {
    const { wrapper } = await mountPage(donor, { 'GET /api/v1/pledges/9': { status: 404, body: { error: { code: 'not_found', message: 'pledge' } } } })
    expect(wrapper.get('[role="alert"]').text()).toContain('找不到该内容')
  })
})
