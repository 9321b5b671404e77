// The verifier's flow: a cadre records a need and submits it; the verifier rejects it with a
// reason the cadre then sees; the verifier passes another submitted need, which goes into its
// public notice period (公示) and is listed there for anyone to object to.
import { expect, test } from '@playwright/test'
import { photoPng, screenshot, signIn } from './support'

const PASSED = '村民电商直播培训'
const REJECTED = `村委会办公电脑（测试 ${Date.now() % 100000}）`
const REASON = '办公设备不属于帮扶需求范围，请改报村民能直接受益的项目。'

test.describe.configure({ mode: 'serial' })

test('a cadre records a need and submits it for review', async ({ page }) => {
  await signIn(page, 'cadre', '/cadre/needs/new')
  await page.getByTestId('need-form-category').click()
  await page.getByRole('option', { name: '基础设施' }).click()
  await page.getByTestId('need-form-title').fill(REJECTED)
  await page.getByTestId('need-form-description').fill('村委会现有电脑老旧，需要更换两台办公电脑。')
  await page.getByTestId('need-form-quantity').locator('input').fill('2')
  await page.getByTestId('need-form-unit-value').locator('input').fill('3000')
  await screenshot(page, '20-need-editor')
  await page.getByTestId('need-form-submit').click()
  await expect(page).toHaveURL(/\/cadre\/needs\/\d+\/edit/)
  // A new photo is the staff's until the cadre chooses, and confirms, to show it publicly.
  await page.getByTestId('need-photo-input').setInputFiles({ name: 'computers.png', mimeType: 'image/png', buffer: photoPng() })
  await expect(page.getByTestId('photo-visibility')).toHaveText('仅工作人员可见')
  await page.getByTestId('photo-publish').click()
  await page.getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('photo-visibility')).toHaveText('公开')
  await screenshot(page, '20-need-editor-photo')
  await page.getByTestId('need-submit-review').click()
  // Submitting cannot be undone: the editor asks first.
  await page.locator('.el-message-box').getByRole('button', { name: '确定' }).click()
  await expect(page.getByTestId('need-status')).toContainText('待审核')
})

test('the verifier rejects one with a reason and passes another into 公示', async ({ page }) => {
  await signIn(page, 'verifier', '/review')
  await page.getByTestId('review-tab-submitted').click()
  const rejected = page.getByTestId('review-row').filter({ hasText: REJECTED })
  await expect(rejected).toBeVisible()
  await screenshot(page, '21-review-queue')

  await rejected.getByTestId('review-open').click()
  await page.getByTestId('review-reject').click()
  await page.getByTestId('review-reason').fill(REASON)
  await screenshot(page, '22-review-reject')
  await page.getByTestId('review-reject-submit').click()
  await expect(page.getByTestId('review-row').filter({ hasText: REJECTED })).toHaveCount(0)

  const passed = page.getByTestId('review-row').filter({ hasText: PASSED })
  await passed.getByTestId('review-open').click()
  await page.getByTestId('review-verify').click()
  await expect(page.getByTestId('review-row').filter({ hasText: PASSED })).toHaveCount(0)

  await page.goto('/notices')
  const notice = page.getByTestId('notice-row').filter({ hasText: PASSED })
  await expect(notice).toBeVisible()
  await screenshot(page, '23-notices')
})

test('the cadre sees the rejection and its reason', async ({ page }) => {
  await signIn(page, 'cadre', '/cadre/needs')
  const row = page.getByTestId('cadre-need-row').filter({ hasText: REJECTED })
  await page.getByText('未通过').first().click().catch(() => undefined)
  await expect(row).toBeVisible()
  await row.getByRole('link').first().click()
  await expect(page.getByText(REASON)).toBeVisible()
  await screenshot(page, '24-cadre-rejected')
})

test('the transparency page, a pairing board and the admin pages render for their people', async ({ page }) => {
  await page.goto('/transparency')
  await expect(page.getByTestId('transparency-figures')).toBeVisible()
  await screenshot(page, '25-transparency')

  await signIn(page, 'coordinator', '/pairings')
  await page.getByTestId('pairing-row').first().getByRole('link').first().click()
  await expect(page.getByTestId('pairing-board')).toBeVisible()
  await screenshot(page, '26-pairing-board')

  await signIn(page, 'admin', '/admin/organisations')
  await expect(page.getByTestId('admin-org-row').first()).toBeVisible()
  await screenshot(page, '27-admin-organisations')
  await page.goto('/admin/users')
  await expect(page.getByTestId('admin-user-row').first()).toBeVisible()
  await screenshot(page, '28-admin-users')
})
