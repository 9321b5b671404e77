import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import ProductPage from '@/views/products/Product.vue'
import ProductEditor from '@/views/products/ProductEditor.vue'
import MyProducts from '@/views/products/MyProducts.vue'
import { useSession } from '@/stores/session'
import { fakeApi, mountWithApp, paged } from '../mount'
import { buyer, productDetail, publicProduct } from './fixtures'

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const cadre = { id: 2, display_name: '陈村官', locale: 'zh-CN', confirmed: true, roles: [{ id: 2, role: 'cadre', organisation_id: null, pairing_id: null, region_code: '441426100200' }] }
const cooperative = { id: 9, kind: 'cooperative', name: '墩背村百花蜜专业合作社', region_code: '441426100200', verified: true }

async function mountPage(detail: unknown, user: unknown = null, table: Record<string, unknown> = {}) {
  const api = fakeApi({ 'GET /api/v1/products/7': detail, 'GET /api/v1/organisations/1': { id: 1, kind: 'enterprise', name: '客都农业', verified: true }, ...table })
  vi.stubGlobal('fetch', api.fetchImpl)
  const mounted = await mountWithApp(ProductPage, { props: { id: '7' }, route: '/products/7', attachTo: document.body })
  const session = useSession()
  session.user = user as never
  session.known = true
  await flushPromises()
  return { ...mounted, api }
}

describe('a product’s page', () => {
  it('shows the product, its certificate and timeline, and the order form to a buyer', async () => {
    const { wrapper } = await mountPage(productDetail(), buyer)
    const text = wrapper.text()
    expect(wrapper.get('[data-testid=product-name]').text()).toBe('平远百花蜜')
    expect(wrapper.get('[data-testid=product-price]').text()).toBe('¥58/斤')
    expect(text).toContain('库存 120 斤')
    expect(wrapper.get('[data-testid=product-households]').text()).toBe('带动 12 户脱贫户')
    expect(wrapper.get('[data-testid=product-certificate-no]').text()).toBe('平扶产认〔2026〕12号')
    expect(text).toContain('认定为扶贫产品')
    expect(wrapper.find('[data-testid=order-form]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=product-manage]').exists()).toBe(false)
  })

  it('sends a visitor to sign in to order, and says why a sold-out product takes no order', async () => {
    const { wrapper } = await mountPage(productDetail({ stock: 0, available: false }))
    expect(wrapper.get('[data-testid=product-closed]').text()).toBe('已售罄，暂不能下单。')
    expect(wrapper.find('[data-testid=order-form]').exists()).toBe(false)
  })

  it('gives its sellers their moves and no order form, and its verifiers certification', async () => {
    const { wrapper, api } = await mountPage(productDetail({}, { actions: ['edit', 'delist'], seller_verified: true }), cadre, {
      'POST /api/v1/products/7/delist': productDetail({ status: 'delisted', available: false }, { actions: ['edit', 'list'], seller_verified: true }),
    })
    expect(wrapper.find('[data-testid=order-form]').exists()).toBe(false)
    expect(wrapper.find('[data-testid=product-edit]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=product-certify]').exists()).toBe(false)
    wrapper.get('[data-testid=product-delist]').trigger('click')
    await flushPromises()
    // Asked first.
    document.body.querySelector<HTMLButtonElement>('.el-message-box__btns .el-button--primary')!.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    expect(api.calls.some((c) => c.method === 'POST' && c.url === '/api/v1/products/7/delist')).toBe(true)
    expect(wrapper.get('[data-testid=product-status]').attributes('data-status')).toBe('delisted')

    const verifier = await mountPage(productDetail({}, { actions: ['certify', 'revoke'], seller_verified: true }), buyer)
    expect(verifier.wrapper.find('[data-testid=product-certify]').text()).toBe('更新认定')
    expect(verifier.wrapper.find('[data-testid=product-revoke]').exists()).toBe(true)
  })
})

describe('the product editor', () => {
  it('offers a cadre their village’s cooperatives, sends the price in fen and shows the server’s field errors', async () => {
    const api = fakeApi({
      'GET /api/v1/me': cadre,
      'GET /api/v1/organisations': paged([cooperative, { id: 1, kind: 'enterprise', name: '客都农业', region_code: '4414', verified: true }]),
      'POST /api/v1/products': {
        status: 422,
        body: { error: { code: 'validation_failed', message: 'x', fields: { min_order: [{ code: 'exceeds', max: 120, message: 'x' }] } } },
      },
    })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(ProductEditor, { route: '/products/new', attachTo: document.body })
    await flushPromises()
    // The cadre's village's cooperative, chosen already; no enterprise.
    expect(wrapper.get('[data-testid=product-form-seller]').text()).toContain('墩背村百花蜜专业合作社')
    wrapper.get('[data-testid=product-form-category]').trigger('click')
    await flushPromises()
    const honey = [...document.body.querySelectorAll<HTMLElement>('.el-select-dropdown__item')].find((o) => o.textContent?.includes('蜂蜜'))!
    honey.click()
    await flushPromises()
    const type = async (id: string, value: string) => {
      const el = document.body.querySelector<HTMLInputElement>(`[data-testid=${id}] input, input[data-testid=${id}], textarea[data-testid=${id}]`)!
      el.value = value
      el.dispatchEvent(new Event('input'))
      el.dispatchEvent(new Event('change'))
      await flushPromises()
    }
    await type('product-form-name', '平远百花蜜')
    await type('product-form-description', '墩背村蜂农放养中华蜂，采百花酿成的土蜂蜜。')
    await type('product-form-price', '58.5')
    await type('product-form-min-order', '200')
    await type('product-form-stock', '120')
    await type('product-form-households', '12')
    document.body.querySelector<HTMLButtonElement>('[data-testid=product-form-save]')!.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 150))
    const post = api.calls.find((c) => c.method === 'POST')
    expect(post?.body).toMatchObject({ seller_id: 9, category: 'honey', unit: 'jin', unit_price_fen: 5850, min_order: 200, stock: 120, households_supported: 12 })
    expect(document.body.textContent).toContain('此处不能大于 120')
  })
})

describe('我的产品', () => {
  it('lists one’s products with their status, each with its page and editor', async () => {
    const api = fakeApi({ 'GET /api/v1/me/products': paged([publicProduct({ id: 8, status: 'draft', name: '墩背村高山茶' }), publicProduct()]) })
    vi.stubGlobal('fetch', api.fetchImpl)
    const { wrapper } = await mountWithApp(MyProducts, { route: '/me/products' })
    useSession().user = cadre as never
    await flushPromises()
    const rows = wrapper.findAll('[data-testid=my-product-row]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.get('[data-testid=product-card-status]').text()).toBe('草稿')
    expect(rows[0]!.find('a[href="/products/8/edit"]').exists()).toBe(true)
    expect(rows[1]!.find('a[href="/products/7"]').exists()).toBe(true)
  })
})
