// A newcomer registers, is told on the need's page and in the pledge dialog that their address
// must be confirmed first, follows the link in the mail the server sent (read from the mail
// files it writes with no SMTP relay), and then pledges.
import { expect, test } from '@playwright/test'
import { mailedLink, screenshot } from './support'

const NEED = '墩背村小学课桌椅'
const EMAIL = `newcomer-${Date.now()}@example.cn`

test('a newcomer confirms their address through the mailed link, then pledges', async ({ page }) => {
  await page.goto('/register')
  await page.getByTestId('register-name').fill('新来的志愿者')
  await page.getByTestId('register-email').fill(EMAIL)
  await page.getByTestId('register-password').fill('a-long-password-1')
  await page.getByTestId('register-confirm').fill('a-long-password-1')
  await page.getByTestId('register-submit').click()
  await expect(page.getByTestId('signed-in-as')).toBeVisible()

  await page.goto('/needs')
  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  await expect(page.getByTestId('confirm-notice-text').first()).toContainText(EMAIL)
  await page.getByTestId('pledge-button').click()
  const dialog = page.getByTestId('pledge-dialog')
  await expect(dialog.getByTestId('confirm-notice')).toBeVisible()
  await expect(dialog.getByTestId('pledge-submit')).toBeDisabled()
  await screenshot(page, '20-pledge-needs-confirmation')
  await page.keyboard.press('Escape')

  const link = await mailedLink(EMAIL, 'email_confirmation', '/confirm-email')
  await page.goto(link)
  await expect(page.getByTestId('confirm-done')).toContainText('邮箱已确认')
  await screenshot(page, '21-email-confirmed')

  await page.goto('/needs')
  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  await expect(page.getByTestId('confirm-notice')).toHaveCount(0)
  await page.getByTestId('pledge-button').click()
  await expect(dialog).toBeVisible()
  await dialog.getByTestId('pledge-quantity').fill('1')
  await dialog.getByTestId('pledge-submit').click()
  await expect(dialog).toBeHidden()
  await page.goto('/me/pledges')
  await expect(page.getByTestId('my-pledge-row').filter({ hasText: NEED })).toBeVisible()
})
