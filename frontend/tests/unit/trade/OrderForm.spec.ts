import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import OrderForm from '@/views/products/components/OrderForm.vue'
import { useSession } from '@/stores/session'
import { fakeApi, mountWithApp } from '../mount'
import { buyer, order, publicProduct } from './fixtures'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

/** The fake API, recording each order's Idempotency-Key too. */
function api(table: Record<string, unknown>) {
  const fake = fakeApi({ 'GET /api/v1/organisations/1': { id: 1, kind: 'enterprise', name: '梅州客都农业发展有限公司', verified: true }, ...table })
  const keys: (string | null)[] = []
  vi.stubGlobal('fetch', async (input: Request) => {
    if (input.method === 'POST') keys.push(input.headers.get('Idempotency-Key'))
    return fake.fetchImpl(input)
  })
  return { ...fake, keys }
}

async function mountForm(product = publicProduct()) {
  const mounted = await mountWithApp(OrderForm, { props: { product: product as never }, route: '/products/7', attachTo: document.body })
  const session = useSession()
  session.user = buyer as never
  session.known = true
  await flushPromises()
  return mounted
}

async function type(id: string, value: string) {
  const el = document.body.querySelector<HTMLInputElement>(`[data-testid=${id}] input, input[data-testid=${id}], textarea[data-testid=${id}], [data-testid=${id}] textarea`)!
  el.value = value
  el.dispatchEvent(new Event('input'))
  el.dispatchEvent(new Event('change'))
  await flushPromises()
}
async function fill() {
  await type('order-quantity', '10')
  await type('order-name', ' 刘主任 ')
  await type('order-phone', '13800138000')
  await type('order-address', '广州市天河区体育西路 100 号')
}
async function submit() {
  document.body.querySelector<HTMLButtonElement>('[data-testid=order-submit]')!.click()
  await flushPromises()
}
const errorsShown = () => new Promise((resolve) => setTimeout(resolve, 150))

describe('the order form', () => {
  it('orders with the delivery data and an Idempotency-Key, kept for a retry and new after an order', async () => {
    const fake = api({ 'POST /api/v1/products/7/orders': { status: 503, body: { error: { code: 'database_unavailable', message: 'x' } } } })
    const { wrapper } = await mountForm()
    await fill()
    await submit()
    expect(fake.calls.at(-1)!.body).toEqual({ quantity: 10, org_id: null, recipient_name: '刘主任', recipient_phone: '13800138000', delivery_address: '广州市天河区体育西路 100 号', note: null })
    // A retry after a failure is the same order: the same key.
    vi.stubGlobal('fetch', async (input: Request) => {
      fake.keys.push(input.headers.get('Idempotency-Key'))
      return new Response(JSON.stringify(order()), { status: 201, headers: { 'content-type': 'application/json' } })
    })
    await submit()
    expect(fake.keys).toHaveLength(2)
    expect(fake.keys[0]).toBeTruthy()
    expect(fake.keys[1]).toBe(fake.keys[0])
    expect(wrapper.emitted('ordered')?.[0]?.[0]).toMatchObject({ id: 31 })
    // The next order is another one.
    await submit()
    expect(fake.keys[2]).not.toBe(fake.keys[0])
  })

  it('refuses less than the minimum order before asking the server', async () => {
    const fake = api({})
    await mountForm()
    await fill()
    await type('order-quantity', '1')
    await submit()
    await errorsShown()
    expect(document.body.textContent).toContain('至少起订 2 斤')
    expect(fake.calls.filter((c) => c.method === 'POST')).toHaveLength(0)
  })

  it('says how much is left when the stock ran short, and offers to take just that', async () => {
    api({ 'POST /api/v1/products/7/orders': { status: 409, body: { error: { code: 'out_of_stock', message: 'x', details: { stock: 4 } } } } })
    const { wrapper } = await mountForm()
    await fill()
    await submit()
    const alert = document.body.querySelector('[data-testid=order-out-of-stock]')!
    expect(alert.textContent).toContain('库存不足：现在只剩 4 斤。')
    expect(wrapper.emitted('stale')).toHaveLength(1)
    alert.querySelector('button')!.click()
    await flushPromises()
    expect(document.body.querySelector<HTMLInputElement>('[data-testid=order-quantity] input')!.value).toBe('4')
  })

  it('shows the server’s field errors on their fields, in Chinese', async () => {
    api({
      'POST /api/v1/products/7/orders': {
        status: 400,
        body: { error: { code: 'validation_failed', message: 'x', fields: { recipient_phone: [{ code: 'mobile', message: 'not a mobile number' }] } } },
      },
    })
    await mountForm()
    await fill()
    await submit()
    await errorsShown()
    expect(document.body.textContent).toContain('手机号应为 11 位数字，以 13–19 开头')
    expect(document.body.textContent).not.toContain('not a mobile number')
  })

  it('offers to buy for the verified organisations one acts for', async () => {
    const fake = api({ 'POST /api/v1/products/7/orders': { status: 201, body: order() } })
    await mountForm()
    expect(document.body.querySelector('[data-testid=order-org]')).not.toBeNull()
    expect(fake.calls.some((c) => c.url === '/api/v1/organisations/1')).toBe(true)
  })
})
