// 撤下核查: a verifier of the area takes a published need out of public view with a reason; the
// hall no longer finds it and its page is gone for the public; its cadre reads the reason,
// corrects the need and submits it again; passed again, it is back in view, its public timeline
// saying it was withdrawn from view, never why.
import { expect, test, type Page } from '@playwright/test'
import { screenshot, signIn } from './support'

const NEED = '村道太阳能路灯'
const REASON = '照片里能看到村民家的门牌号，需要换一张再公开。'
const CORRECTED = '墩背村主干道约两公里无照明，夜间出行不便。需要太阳能路灯40盏（照片已更换）。'

test.describe.configure({ mode: 'serial' })

let needPath = ''

/** Whether the hall's search for the need lists it, the search index being eventually current. */
async function expectInHall(page: Page, listed: boolean) {
  await expect(async () => {
    await page.goto(`/needs?q=${encodeURIComponent('太阳能路灯')}`)
    await expect(page.getByTestId('hall-total')).toBeVisible()
    await expect(page.getByTestId('need-card').filter({ hasText: NEED })).toHaveCount(listed ? 1 : 0, { timeout: 1_000 })
  }).toPass({ timeout: 30_000 })
}

test('a verifier of the area takes a published need out of view, with a reason', async ({ page }) => {
  await expectInHall(page, true)
  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  needPath = new URL(page.url()).pathname
  expect(needPath).toMatch(/^\/needs\/\d+$/)
  // The public has no such button.
  await expect(page.getByTestId('takedown-button')).toHaveCount(0)

  await signIn(page, 'verifier', needPath)
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  // Opened and left: nothing happens.
  await page.getByTestId('takedown-button').click()
  await expect(page.getByTestId('takedown-reason-input')).toBeVisible()
  await page.getByRole('dialog').getByRole('button', { name: '取消' }).click()
  await expect(page.getByTestId('takedown-reason-input')).toBeHidden()
  await expect(page.getByTestId('takedown-notice')).toHaveCount(0)

  // A reason is needed.
  await page.getByTestId('takedown-button').click()
  await page.getByTestId('takedown-submit').click()
  await expect(page.getByRole('dialog')).toContainText('请填写撤下的原因')
  await page.getByTestId('takedown-reason-input').fill(REASON)
  await screenshot(page, '50-takedown-dialog')
  await page.getByTestId('takedown-submit').click()
  await expect(page.getByTestId('takedown-notice')).toContainText('公众看不到它')
  await expect(page.getByTestId('need-status')).toContainText('已下架核查')
  await expect(page.getByTestId('takedown-reason')).toHaveText(REASON)
  await expect(page.getByTestId('takedown-button')).toHaveCount(0)
  await screenshot(page, '51-taken-down')
})

test('the public no longer finds it, and its page is gone without a word of the reason', async ({ page }) => {
  await expectInHall(page, false)
  await page.goto(needPath)
  await expect(page.getByRole('alert')).toContainText('找不到该内容')
  await expect(page.getByTestId('need-title')).toHaveCount(0)
  await expect(page.locator('body')).not.toContainText(REASON)
  await expect(page.locator('body')).not.toContainText(NEED)
  await screenshot(page, '52-taken-down-public')
})

test('its cadre reads the reason, corrects the need and submits it again', async ({ page }) => {
  await signIn(page, 'cadre', '/cadre/needs?status=taken_down')
  const row = page.getByTestId('cadre-need-row').filter({ hasText: NEED })
  await expect(row.getByTestId('need-status')).toHaveAttribute('data-status', 'taken_down')
  await row.getByRole('link', { name: NEED }).click()
  await expect(page).toHaveURL(/\/cadre\/needs\/\d+\/edit/)
  await expect(page.getByTestId('takedown-alert')).toContainText(REASON)
  await page.getByTestId('need-form-description').fill(CORRECTED)
  await screenshot(page, '53-taken-down-editor')
  await page.getByTestId('need-submit-review').click()
  // Submitting cannot be undone: the editor asks first.
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('need-status')).toHaveAttribute('data-status', 'submitted')
  await expect(page.getByTestId('takedown-alert')).toHaveCount(0)
})

test('passed again, it is back in view; its public timeline says it was withdrawn, never why', async ({ page, browser }) => {
  await signIn(page, 'verifier', '/review')
  await page.getByTestId('review-tab-submitted').click()
  const row = page.getByTestId('review-row').filter({ hasText: NEED })
  await row.getByTestId('review-open').click()
  await page.getByTestId('review-verify').click()
  await expect(page.getByTestId('review-row').filter({ hasText: NEED })).toHaveCount(0)

  const visitor = await (await browser.newContext()).newPage()
  await visitor.goto(needPath)
  await expect(visitor.getByTestId('need-title')).toHaveText(NEED)
  await expect(visitor.getByText(CORRECTED)).toBeVisible()
  await expect(visitor.locator('body')).toContainText('撤下核查')
  await expect(visitor.locator('body')).not.toContainText(REASON)
  await expect(visitor.getByTestId('takedown-reason')).toHaveCount(0)
  await screenshot(visitor, '54-back-in-view')
  await expectInHall(visitor, true)
  await visitor.context().close()
})
