// A person who forgot their password: 忘记密码 on the sign-in page, their address, the link in the
// mail the server sent (read from the mail files it writes with no SMTP relay), a new password.
// Every session the account had is gone, the new password signs in and the old one does not;
// an address with no account gets the same answer, and no mail.
import { expect, test } from '@playwright/test'
import { mailedLink, mailFiles, screenshot } from './support'

const STAMP = Date.now()
const EMAIL = `forgetful-${STAMP}@example.cn`
const UNKNOWN = `nobody-${STAMP}@example.cn`
const OLD = 'an-old-password-1'
const NEW = 'a-brand-new-password-2'

async function signInWith(page: import('@playwright/test').Page, password: string) {
  await page.goto('/login')
  await page.getByTestId('login-account').fill(EMAIL)
  await page.getByTestId('login-password').fill(password)
  await page.getByTestId('login-submit').click()
}

test('a forgotten password is reset through the mailed link, and every old session ends', async ({ page, browser }) => {
  // An account, signed in here (registering signs in).
  await page.goto('/register')
  await page.getByTestId('register-name').fill('健忘的志愿者')
  await page.getByTestId('register-email').fill(EMAIL)
  await page.getByTestId('register-password').fill(OLD)
  await page.getByTestId('register-confirm').fill(OLD)
  await page.getByTestId('register-submit').click()
  await expect(page.getByTestId('signed-in-as')).toBeVisible()

  // Elsewhere, someone asks for a reset: first for an address with no account, then for theirs.
  const elsewhere = await browser.newContext()
  const other = await elsewhere.newPage()
  await other.goto('/login')
  await other.getByTestId('login-forgot').click()
  await expect(other).toHaveURL(/\/forgot-password/)
  await other.getByTestId('forgot-email').fill(UNKNOWN)
  await other.getByTestId('forgot-submit').click()
  const unknownAnswer = await other.getByTestId('forgot-sent').innerText()
  expect(unknownAnswer).toContain('如果该邮箱已注册')

  await other.goto('/forgot-password')
  await other.getByTestId('forgot-email').fill(EMAIL)
  await other.getByTestId('forgot-submit').click()
  await expect(other.getByTestId('forgot-sent')).toHaveText(unknownAnswer)
  await screenshot(other, '30-forgot-sent')

  const link = await mailedLink(EMAIL, 'password_reset', '/reset-password')
  // The address with no account was asked for first; by now its mail would be there too.
  expect(mailFiles().filter((raw) => raw.includes(UNKNOWN))).toEqual([])

  await other.goto(link)
  await other.getByTestId('reset-password').fill(NEW)
  await other.getByTestId('reset-confirm').fill(NEW)
  await screenshot(other, '31-reset-password')
  await other.getByTestId('reset-submit').click()
  await expect(other).toHaveURL(/\/login\?reset=1/)
  await expect(other.getByTestId('login-after-reset')).toContainText('所有设备均已退出登录')
  await elsewhere.close()

  // The link works once.
  await page.goto(link)
  await page.getByTestId('reset-password').fill('yet-another-password-3')
  await page.getByTestId('reset-confirm').fill('yet-another-password-3')
  await page.getByTestId('reset-submit').click()
  await expect(page.getByTestId('reset-invalid')).toBeVisible()

  // The session this browser had is gone: a page for the signed-in sends it to sign in.
  await page.goto('/me/pledges')
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0)

  // The old password no longer signs in; the new one does.
  await signInWith(page, OLD)
  await expect(page.getByTestId('login-error')).toBeVisible()
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0)
  await signInWith(page, NEW)
  await expect(page.getByTestId('signed-in-as')).toHaveText('健忘的志愿者')
})
