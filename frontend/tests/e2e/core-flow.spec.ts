// The core flow, as its people would walk it: a visitor searches the hall with a facet and a
// region, signs in as a donor and pledges; the donor marks the pledge shipped; the village
// cadre confirms receipt with a photo and thanks the donor; the donor sees the thanks.
import { expect, test, type Page } from '@playwright/test'
import { photoPng, pickRegion, screenshot, signIn, fillLogin } from './support'

const NEED = '墩背村小学课桌椅'
const THANKS = '课桌椅已经用上了，孩子们谢谢您！'

test.describe.configure({ mode: 'serial' })

let pledgeId = ''

test('a visitor finds a need by facet and region, and a donor pledges to it', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByTestId('home-figures')).toBeVisible()
  await screenshot(page, '01-home')

  await page.goto('/needs')
  const total = page.getByTestId('hall-total')
  await expect(total).toBeVisible()
  await expect(page.getByTestId('need-card').first()).toBeVisible()
  const before = await page.getByTestId('need-card').count()

  await page.getByTestId('facet-category-education').click()
  await expect(page).toHaveURL(/category=education/)
  await expect(page.getByTestId('need-card').filter({ hasText: '城西村小学图书角' })).toBeVisible()

  await pickRegion(page, 'hall-region', ['广东省', '梅州市'])
  await expect(page).toHaveURL(/region=4414/)
  await expect(page.getByTestId('need-card').filter({ hasText: NEED })).toBeVisible()
  await expect(page.getByTestId('need-card').filter({ hasText: '城西村小学图书角' })).toHaveCount(0)
  expect(await page.getByTestId('need-card').count()).toBeLessThanOrEqual(before)
  await screenshot(page, '02-hall-filtered')

  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  await screenshot(page, '03-need-detail')

  // Pledging asks a visitor to sign in first, and comes back to the need's pledge dialog.
  await page.getByTestId('pledge-button').click()
  await expect(page).toHaveURL(/\/login/)
  await screenshot(page, '04-login')
  await fillLogin(page, 'donor')
  await expect(page.getByTestId('need-title')).toHaveText(NEED)

  const dialog = page.getByTestId('pledge-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('pledge-quantity').fill('5')
  await dialog.getByTestId('pledge-message').fill('祝孩子们学习进步')
  await screenshot(page, '05-pledge-dialog')
  await dialog.getByTestId('pledge-submit').click()
  await expect(dialog).toBeHidden()

  await page.goto('/me/pledges')
  const row = page.getByTestId('my-pledge-row').filter({ hasText: NEED }).first()
  await expect(row).toBeVisible()
  pledgeId = (await row.getAttribute('data-pledge-id')) ?? ''
  expect(pledgeId).toMatch(/^\d+$/)
  await row.getByTestId('pledge-ship').click()
  await page.getByTestId('pledge-ship-reference').fill('SF1234567890')
  await expect(page.getByTestId('pledge-ship-submit')).toBeVisible()
  await page.getByTestId('pledge-ship-submit').click()
  await expect(row.getByTestId('pledge-status')).toContainText('已发出')
  await screenshot(page, '06-my-pledges-shipped')
})

test('the cadre confirms receipt with a photo and thanks the donor', async ({ page }) => {
  await signIn(page, 'cadre', '/cadre/needs')
  await expect(page).toHaveURL(/\/cadre\/needs/)
  const link = page.locator(`[data-testid="cadre-pledge-to-confirm"][href$="/pledges/${pledgeId}"]`)
  await expect(link).toBeVisible()
  await screenshot(page, '07-cadre-needs')
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/pledges/${pledgeId}$`))

  await page.getByTestId('confirm-receipt-photo').setInputFiles({ name: 'desks.png', mimeType: 'image/png', buffer: photoPng() })
  await expect(page.getByTestId('confirm-receipt-quantity')).toBeVisible()
  await page.getByTestId('confirm-receipt-submit').click()
  await expect(page.getByTestId('pledge-status')).toContainText('已收到')

  await page.getByTestId('thanks-message').fill(THANKS)
  await page.getByTestId('thanks-submit').click()
  await expect(page.getByTestId('pledge-status')).toContainText('已致谢')
  await screenshot(page, '08-pledge-confirmed-thanked')
})

test('the donor sees the thanks on 我的认捐', async ({ page }) => {
  await signIn(page, 'donor', '/me/pledges')
  const row = page.locator(`[data-testid="my-pledge-row"][data-pledge-id="${pledgeId}"]`)
  await expect(row.getByTestId('pledge-thanks')).toContainText(THANKS)
  await screenshot(page, '09-donor-thanks')
})

test('the public pages read well on a 360 px phone', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' })
  const page: Page = await phone.newPage()
  for (const [path, name] of [['/', '10-phone-home'], ['/needs', '11-phone-hall'], ['/transparency', '12-phone-transparency']] as const) {
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0)
    await screenshot(page, name)
  }
  await phone.close()
})
