// 对接 the other way round, as its people would walk it: the enterprise offers desk sets for
// the villages of its pairings through the editor and publishes them; the cadre of 墩背村 finds
// the offer beside the village's desks need, with why it fits, and asks for some; the
// enterprise accepts on its offer's page, and the pledge it became shows on both sides (the
// enterprise's 我的认捐, the need's pledges). The specs share one database: the hall may hold
// other offers, and the need other pledges, so everything is found by its own title and ids.
import { expect, test, type Page } from '@playwright/test'
import { screenshot, signIn } from './support'

const NEED = '墩背村小学课桌椅'
const TITLE = `全新课桌椅捐赠（${Date.now() % 100000}）`
const ORGANISATION = '客都农业'
const OFFERED = 10
const ASKED = 3

test.describe.configure({ mode: 'serial' })

let offerId = ''
let needId = ''
let pledgeId = ''

test('the enterprise offers desk sets for its pairings through the editor, and publishes them', async ({ page }) => {
  await signIn(page, 'enterprise', '/offers')
  await expect(page.getByTestId('offers-total')).toBeVisible()
  await screenshot(page, '30-offers-hall')

  await page.getByTestId('offer-new').click()
  await expect(page).toHaveURL(/\/offers\/new$/)
  // Offered for the organisation the account acts for, to its pairings, by default.
  await expect(page.getByTestId('offer-form-as')).toContainText(ORGANISATION)
  await page.getByTestId('offer-kind-goods').click()
  await page.getByTestId('offer-unit-set').click()
  await page.getByTestId('offer-form-category').click()
  await page.getByRole('option', { name: '教育助学' }).click()
  await page.getByTestId('offer-form-title').fill(TITLE)
  await page.getByTestId('offer-form-description').fill('客都农业捐赠全新课桌椅，送到结对村的村小学，秋季开学前到位。')
  await page.getByTestId('offer-form-quantity').locator('input').fill(String(OFFERED))
  await expect(page.getByTestId('offer-destination-pairings').locator('input')).toBeChecked()
  await screenshot(page, '31-offer-editor')

  await page.getByTestId('offer-form-publish').click()
  await expect(page).toHaveURL(/\/offers\/\d+$/)
  offerId = /\/offers\/(\d+)$/.exec(page.url())?.[1] ?? ''
  await expect(page.getByTestId('offer-title')).toHaveText(TITLE)
  await expect(page.getByTestId('offer-status')).toHaveAttribute('data-status', 'published')
  await expect(page.getByTestId('offer-status')).toContainText('发布中')
  await expect(page.getByTestId('offer-remaining')).toHaveText(`${OFFERED} 套`)
  await expect(page.getByTestId('offer-reach')).toContainText('墩背村')
  // Its matches: the desks of 墩背村, paired through 万企帮万村.
  const match = page.getByTestId('need-suggestion').filter({ hasText: NEED })
  await expect(match.getByTestId('match-reasons')).toContainText('结对帮扶（万企帮万村）')
  await screenshot(page, '32-offer-page')

  // The hall finds it by its words once the index has it.
  await expect(async () => {
    await page.goto(`/offers?q=${encodeURIComponent(TITLE)}`)
    await expect(page.getByTestId('offer-card').filter({ hasText: TITLE })).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 20_000 })
})

test('the cadre sees the offer beside the village’s desks need, with why it fits, and asks for it', async ({ page }) => {
  await signIn(page, 'cadre', '/needs')
  await page.getByTestId('hall-search').fill('课桌椅')
  await page.getByTestId('hall-search-submit').click()
  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  needId = /\/needs\/(\d+)/.exec(page.url())?.[1] ?? ''

  const card = page.getByTestId('need-offers').getByTestId('offer-card').filter({ hasText: TITLE })
  await expect(card).toBeVisible()
  const reasons = card.getByTestId('match-reasons')
  await expect(reasons).toContainText('结对帮扶（万企帮万村）')
  await expect(reasons).toContainText('同村')
  await expect(reasons).toContainText('可满足')
  await card.scrollIntoViewIfNeeded()
  await screenshot(page, '33-need-offers')

  await card.getByTestId('need-offer-request').click()
  const dialog = page.getByTestId('match-dialog')
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('match-quantity').fill(String(ASKED))
  await dialog.getByTestId('match-note').fill('一年级教室最缺课桌椅，先申请三套。')
  await screenshot(page, '34-request-dialog')
  await dialog.getByTestId('match-submit').click()
  await expect(dialog).toBeHidden()

  const request = page.getByTestId('need-offer-request-row').filter({ hasText: TITLE })
  await expect(request).toHaveAttribute('data-status', 'pending')
  await expect(request).toContainText('待答复')
  await expect(card).toContainText('已申请，等待提供方答复')
  await screenshot(page, '35-need-request-pending')
})

test('the enterprise accepts on its offer’s page, and the pledge shows on both sides', async ({ page }) => {
  await signIn(page, 'enterprise', `/offers/${offerId}`)
  const request = page.getByTestId('offer-request').filter({ hasText: NEED })
  await expect(request).toHaveAttribute('data-status', 'pending')
  await expect(request).toContainText(`申请 ${ASKED} 套`)
  await screenshot(page, '36-offer-request')

  await request.getByTestId('offer-request-accept').click()
  await page.getByRole('button', { name: '确定' }).click()
  await expect(request).toHaveAttribute('data-status', 'accepted')
  await expect(page.getByTestId('offer-remaining')).toHaveText(`${OFFERED - ASKED} 套`)
  const link = request.getByRole('link', { name: '查看认捐' })
  pledgeId = /\/pledges\/(\d+)/.exec((await link.getAttribute('href')) ?? '')?.[1] ?? ''
  expect(pledgeId).toMatch(/^\d+$/)
  await expect(page.getByText('接受申请，转为认捐')).toBeVisible()
  await screenshot(page, '37-offer-accepted')

  await page.goto('/me/pledges')
  const mine = page.locator(`[data-testid="my-pledge-row"][data-pledge-id="${pledgeId}"]`)
  await expect(mine).toContainText(NEED)
  await expect(mine).toContainText(`${ASKED} 套`)
  await expect(mine.getByTestId('pledge-status')).toContainText('已认捐')
  await screenshot(page, '38-enterprise-pledges')

  await page.goto('/me/offers')
  const row = page.locator(`[data-testid="my-offer-row"][data-offer-id="${offerId}"]`)
  await expect(row).toContainText(`剩余 ${OFFERED - ASKED} 套`)
  await screenshot(page, '39-my-offers')

  await page.goto(`/needs/${needId}`)
  const pledge = page.locator(`[data-testid="need-pledge-row"][data-pledge-id="${pledgeId}"]`)
  await expect(pledge).toContainText(ORGANISATION)
  await expect(pledge).toContainText(`${ASKED} 套`)
  await screenshot(page, '40-need-pledged-from-offer')
})

test('the offers hall reads well on a 360 px phone', async ({ browser }) => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' })
  const page: Page = await phone.newPage()
  for (const [path, name] of [['/offers', '41-phone-offers'], [`/offers/${offerId}`, '42-phone-offer']] as const) {
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0)
    await screenshot(page, name)
  }
  await phone.close()
})
