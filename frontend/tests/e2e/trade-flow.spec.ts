// 消费帮扶 as its people would walk it. A product comes to sale: the administrator registers and
// verifies a village cooperative, the village's cadre lists its eggs through the editor, the
// county's verifier certifies them as a 扶贫产品. A purchase runs its course: the demo's honey of
// 墩背村 (平远百花蜜, certified) is found in the products hall by the enterprise and ordered for
// its organisation; the village's side confirms and ships it; the enterprise confirms what
// arrived (with a photo); the seller records the payment; the purchase shows on the
// enterprise's dashboard and the pairing's board. The specs share one database: everything is
// found by its own name and ids.
import { expect, test, type Page } from '@playwright/test'
import { photoPng, screenshot, signIn } from './support'

const HONEY = '平远百花蜜'
const EGGS = '墩背村土鸡蛋'
const COOPERATIVE = '墩背村百花蜜专业合作社（演示）'
const BUYER_ORG = '梅州客都农业发展有限公司（演示）'
const QUANTITY = 10

test.describe.configure({ mode: 'serial' })

let eggsId = ''
let orderId = ''

/** Chooses `names` down a village-only region cascader (no radio on its levels). */
async function pickVillage(page: Page, wrapperTestId: string, names: string[]) {
  await page.getByTestId(wrapperTestId).locator('.el-cascader').click()
  const panel = page.locator('.el-cascader__dropdown:visible')
  for (const [i, name] of names.entries()) {
    await panel.locator('.el-cascader-menu').nth(i).locator('.el-cascader-node', { hasText: name }).click()
  }
}

/** The Beijing date `days` from now, `YYYY-MM-DD`. */
function day(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' })
}

/** The buyer searches the hall for the honey (certified only) and opens it. */
async function findInHall(page: Page) {
  // The hall searches an index the products reach shortly after each change.
  await expect(async () => {
    await page.goto(`/products?q=${encodeURIComponent(HONEY)}&certified=true`)
    await expect(page.getByTestId('product-card').filter({ hasText: HONEY }).first()).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 20_000 })
  const card = page.getByTestId('product-card').filter({ hasText: HONEY }).first()
  await expect(card.getByTestId('product-certified')).toBeVisible()
  await expect(card.getByTestId('product-price')).toContainText('/斤')
  await screenshot(page, '51-products-hall')
  await card.getByRole('link', { name: HONEY }).click()
}

test('the administrator registers and verifies a village cooperative', async ({ page }) => {
  await signIn(page, 'admin', '/admin/organisations')
  const row = page.getByTestId('admin-org-row').filter({ hasText: COOPERATIVE })
  await expect(page.getByTestId('admin-org-row').first()).toBeVisible()
  if ((await row.count()) === 0) {
    await page.getByTestId('admin-org-create').click()
    await page.getByTestId('admin-org-kind-cooperative').click()
    await page.getByTestId('admin-org-name').fill(COOPERATIVE)
    await pickVillage(page, 'admin-org-region', ['广东省', '梅州市', '平远县', '大柘镇', '墩背村委会'])
    await page.getByTestId('admin-org-create-submit').click()
    // Registered by an administrator, it may be verified at once: shown among all of them.
    await page.locator('.el-radio-button', { hasText: '全部' }).click()
  }
  await expect(row).toBeVisible()
  const verify = row.getByTestId('admin-org-verify')
  if ((await verify.count()) > 0) await verify.click()
  await expect(row).toContainText('已认证')
})

test('the village’s cadre lists its eggs for the cooperative through the editor', async ({ page }) => {
  await signIn(page, 'cadre', '/me/products')
  await page.getByTestId('my-products-new').click()
  await expect(page).toHaveURL(/\/products\/new$/)
  await page.getByTestId('product-form-seller').click()
  await page.getByRole('option', { name: COOPERATIVE }).click()
  await page.getByTestId('product-form-category').click()
  await page.getByRole('option', { name: '肉禽蛋' }).click()
  await page.getByTestId('product-form-name').fill(EGGS)
  await page.getByTestId('product-form-description').fill('墩背村农户在山林里散养的土鸡下的蛋，合作社统一收集、装箱，冷链发货。')
  await page.getByTestId('product-unit-jin').click()
  await page.getByTestId('product-form-price').locator('input').fill('58')
  await page.getByTestId('product-form-min-order').locator('input').fill('2')
  await page.getByTestId('product-form-stock').locator('input').fill('300')
  await page.getByTestId('product-form-households').locator('input').fill('12')
  await screenshot(page, '50-product-editor')

  await page.getByTestId('product-form-list').click()
  await expect(page).toHaveURL(/\/products\/\d+$/)
  eggsId = /\/products\/(\d+)$/.exec(page.url())?.[1] ?? ''
  await expect(page.getByTestId('product-name')).toHaveText(EGGS)
  await expect(page.getByTestId('product-status')).toHaveAttribute('data-status', 'listed')
  await expect(page.getByTestId('product-households')).toHaveText('带动 12 户脱贫户')
  // Its sellers may not order it themselves.
  await expect(page.getByTestId('order-form')).toHaveCount(0)
})

test('the county’s verifier certifies the eggs as a 扶贫产品', async ({ page }) => {
  await signIn(page, 'verifier', `/products/${eggsId}`)
  await expect(page.getByTestId('product-name')).toHaveText(EGGS)
  await page.getByTestId('product-certify').click()
  await page.getByTestId('certify-number').fill('平扶产认〔2026〕12号')
  await page.locator('#certify-until').fill(day(365))
  await page.locator('#certify-until').press('Enter')
  await page.getByTestId('certify-submit').click()
  await expect(page.getByTestId('product-certificate-no')).toHaveText('平扶产认〔2026〕12号')
  await expect(page.getByTestId('product-certified').first()).toBeVisible()
})

test('the enterprise finds the honey in the products hall and orders it for its organisation', async ({ page }) => {
  await signIn(page, 'enterprise', '/products')
  await findInHall(page)
  await expect(page).toHaveURL(/\/products\/\d+$/)
  await expect(page.getByTestId('product-name')).toHaveText(HONEY)

  await page.getByTestId('order-quantity').locator('input').fill(String(QUANTITY))
  await page.getByTestId('order-org').click()
  await page.getByRole('option', { name: BUYER_ORG }).click()
  await page.getByTestId('order-name').fill('刘主任')
  await page.getByTestId('order-phone').fill('13800138000')
  await page.getByTestId('order-address').fill('广州市天河区体育西路 100 号客都农业食堂')
  await page.getByTestId('order-note').fill('工作日送货')
  await screenshot(page, '52-product-order')
  await page.getByTestId('order-submit').click()

  await expect(page.getByTestId('order-done')).toBeVisible()
  await page.getByTestId('order-done-link').click()
  await expect(page).toHaveURL(/\/orders\/\d+$/)
  orderId = /\/orders\/(\d+)$/.exec(page.url())?.[1] ?? ''
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'ordered')
  await expect(page.getByTestId('order-buyer')).toHaveText(BUYER_ORG)
  await expect(page.getByTestId('order-quantity')).toHaveText(`${QUANTITY} 斤`)

  // In 我的采购.
  await page.goto('/me/orders')
  await expect(page.locator(`[data-testid=order-card][data-order-id="${orderId}"]`)).toBeVisible()
})

test('the village’s side confirms the order and ships it', async ({ page }) => {
  await signIn(page, 'cadre', '/me/orders?side=seller')
  const card = page.locator(`[data-testid=order-card][data-order-id="${orderId}"]`)
  await expect(card).toContainText('有待您处理的步骤')
  await card.getByRole('link', { name: HONEY }).click()
  await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`))
  await page.getByTestId('order-confirm').click()
  // It cannot be taken back: the page asks first.
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'confirmed')

  await page.getByTestId('order-carrier').fill('顺丰速运')
  await page.getByTestId('order-tracking').fill('SF1234567890')
  await page.getByTestId('order-ship').click()
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'shipped')
  await expect(page.getByTestId('order-carrier-shown')).toHaveText('顺丰速运 · SF1234567890')
  await screenshot(page, '53-order-shipped')
})

test('the enterprise confirms what arrived, with a photo', async ({ page }) => {
  await signIn(page, 'enterprise', `/orders/${orderId}`)
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'shipped')
  await page.getByTestId('order-photo').setInputFiles({ name: 'honey.png', mimeType: 'image/png', buffer: photoPng() })
  await expect(page.getByTestId('order-steps').locator('.tile img')).toHaveCount(1)
  await expect(page.getByTestId('order-receive')).toBeEnabled()
  await page.getByTestId('order-receive').click()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'received')
  await expect(page.getByTestId('order-received-shown')).toHaveText(`${QUANTITY} 斤`)
})

test('the seller records the payment: the order is settled', async ({ page }) => {
  await signIn(page, 'cadre', `/orders/${orderId}`)
  await page.getByTestId('order-payment').fill('ICBC-20261207-0001')
  await page.getByTestId('order-settle').click()
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'settled')
  await screenshot(page, '54-order-settled')
})

/** The id of the first role's scope of `kind` the signed-in account holds. */
async function myScope(page: Page, kind: 'organisation_id' | 'pairing_id'): Promise<number> {
  const me = (await (await page.request.get('/api/v1/me')).json()) as { roles: Record<string, number | null>[] }
  return me.roles.map((r) => r[kind]).find((id): id is number => typeof id === 'number') ?? 0
}

test('the purchase is in the enterprise’s dashboard, with its ledger', async ({ page }) => {
  await signIn(page, 'enterprise', '/')
  await page.goto(`/organisations/${await myScope(page, 'organisation_id')}`)
  const row = page.locator(`[data-testid=org-purchases] [data-testid=purchase-row][data-order-id="${orderId}"]`)
  await expect(row).toContainText(HONEY)
  await expect(row).toContainText('扶贫产品')
  await expect(row).toContainText('已结清')
  await expect(page.getByTestId('consumption-figures').first()).toBeVisible()
  await expect(page.getByTestId('export-purchases-csv')).toHaveAttribute('href', /\/api\/v1\/exports\/purchases\?org=\d+&format=csv/)
  await screenshot(page, '55-org-purchases')
})

test('the purchase is on the pairing’s board the coordinator sees', async ({ page }) => {
  await signIn(page, 'coordinator', '/')
  await page.goto(`/pairings/${await myScope(page, 'pairing_id')}`)
  const row = page.locator(`[data-testid=board-purchases] [data-testid=purchase-row][data-order-id="${orderId}"]`)
  await expect(row).toContainText(HONEY)
  await expect(row).toContainText(BUYER_ORG)
  await expect(page.getByTestId('member-purchases').filter({ hasText: '¥' }).first()).toBeVisible()
  await screenshot(page, '56-board-purchases')
})
