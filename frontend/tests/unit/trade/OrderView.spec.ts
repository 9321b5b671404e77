import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OrderPage from '@/views/orders/Order.vue'
import MyOrders from '@/views/orders/MyOrders.vue'
import { fakeApi, mountWithApp, paged } from '../mount'
import { order } from './fixtures'
import { confirmAction } from '@/utils/feedback'

vi.mock('@/utils/feedback', async (original) => ({ ...(await original<typeof import('@/utils/feedback')>()), confirmAction: vi.fn(async () => true) }))

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

async function mountOrder(table: Record<string, unknown>, shown = order()) {
  const api = fakeApi({ 'GET /api/v1/orders/31': shown, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(OrderPage, { props: { id: '31' }, route: '/orders/31', attachTo: document.body })
  await flushPromises()
  return { ...mounted, api }
}
async function type(id: string, value: string) {
  const el = document.body.querySelector<HTMLInputElement>(`[data-testid=${id}] input, input[data-testid=${id}], textarea[data-testid=${id}]`)!
  el.value = value
  el.dispatchEvent(new Event('input'))
  el.dispatchEvent(new Event('change'))
  await flushPromises()
}
const click = async (id: string) => {
  document.body.querySelector<HTMLButtonElement>(`[data-testid=${id}]`)!.click()
  await flushPromises()
}
const errorsShown = () => new Promise((resolve) => setTimeout(resolve, 150))

describe('an order’s page', () => {
  it('shows the order, its delivery data and timeline, and only the steps the API opens to the viewer', async () => {
    const { wrapper } = await mountOrder({})
    const text = wrapper.text()
    expect(text).toContain('订单 #31')
    expect(text).toContain('待确认')
    expect(text).toContain('¥580')
    expect(text).toContain('¥58/斤')
    expect(text).toContain('广州市天河区体育西路 100 号')
    expect(text).toContain('您是：销售方')
    expect(text).toContain('下单')
    expect(wrapper.find('[data-testid=order-confirm]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=order-ship]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=order-cancel]').exists()).toBe(false)
  })

  it('confirms, then ships with the carrier and tracking number', async () => {
    const confirmed = order({ status: 'confirmed', actions: ['ship'] })
    const shipped = order({ status: 'shipped', actions: [], carrier: '顺丰速运', tracking_ref: 'SF1' })
    const { wrapper, api } = await mountOrder({ 'POST /api/v1/orders/31/confirm': confirmed, 'POST /api/v1/orders/31/ship': shipped })
    await click('order-confirm')
    expect(wrapper.get('[data-testid=order-status]').attributes('data-status')).toBe('confirmed')
    await click('order-ship')
    await errorsShown()
    expect(document.body.textContent).toContain('请填写物流公司或配送方式')
    await type('order-carrier', '顺丰速运')
    await type('order-tracking', 'SF1')
    await click('order-ship')
    expect(api.calls.at(-1)).toMatchObject({ url: '/api/v1/orders/31/ship', body: { carrier: '顺丰速运', tracking_ref: 'SF1' } })
    expect(wrapper.get('[data-testid=order-carrier-shown]').text()).toBe('顺丰速运 · SF1')
    expect(wrapper.text()).toContain('已发货，等待采购方确认收货。')
  })

  it('asks before confirming, receiving or settling, and sends nothing when cancelled', async () => {
    const { api } = await mountOrder({})
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    await click('order-confirm')
    expect(confirmAction).toHaveBeenLastCalledWith('确认后须按约定供货，采购方将不能再取消订单。确定确认吗？', '确认订单')
    expect(api.calls.filter((c) => c.method === 'POST')).toEqual([])
  })

  it('declines with a reason, shown on the reason field when the server refuses it', async () => {
    const { api } = await mountOrder({
      'POST /api/v1/orders/31/decline': { status: 400, body: { error: { code: 'validation_failed', message: 'x', fields: { reason: [{ code: 'length', min: 2, max: 500, message: 'x' }] } } } },
    })
    await click('order-decline-open')
    await type('order-decline-reason', '本批已售完')
    await click('order-decline')
    await errorsShown()
    expect(api.calls.at(-1)).toMatchObject({ url: '/api/v1/orders/31/decline', body: { reason: '本批已售完' } })
    expect(document.body.textContent).toContain('应为 2–500 个字')
  })

  it('lets the buyer confirm what arrived, and the seller record the payment', async () => {
    const shipped = order({ status: 'shipped', sides: ['buyer'], actions: ['receive'] })
    const received = order({ status: 'received', sides: ['buyer'], actions: [], received_quantity: 9 })
    const { api, wrapper } = await mountOrder({ 'POST /api/v1/orders/31/receive': received }, shipped)
    await type('order-received', '9')
    await click('order-receive')
    expect(api.calls.at(-1)).toMatchObject({ url: '/api/v1/orders/31/receive', body: { received_quantity: 9 } })
    expect(wrapper.get('[data-testid=order-received-shown]').text()).toBe('9 斤')
  })
})

describe('我的订单', () => {
  it('lists one’s purchases by default, and the orders received on the seller’s tab, by status', async () => {
    const api = fakeApi({
      'GET /api/v1/me/orders?side=buyer&page=1&per_page=20': paged([order({ sides: ['buyer'], actions: [] })]),
      'GET /api/v1/me/orders?side=seller&page=1&per_page=20&status=ordered': paged([order(), order({ id: 32 })]),
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper, router } = await mountWithApp(MyOrders, { route: '/me/orders' })
    await flushPromises()
    expect(wrapper.findAll('[data-testid=order-card]')).toHaveLength(1)
    expect(wrapper.text()).toContain('梅州客都农业发展有限公司 向 墩背村百花蜜专业合作社 采购')
    await router.push('/me/orders?side=seller&status=ordered')
    await flushPromises()
    expect(wrapper.findAll('[data-testid=order-card]')).toHaveLength(2)
    expect(wrapper.text()).toContain('有待您处理的步骤')
  })
})
