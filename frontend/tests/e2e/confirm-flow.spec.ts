// A newcomer registers, is told on the need's page and in the pledge dialog that their address
// must be confirmed first, follows the link in the mail the server sent (read from the mail
// files it writes with no SMTP relay), and then pledges.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { dataDir } from '../../playwright.config'
import { screenshot } from './support'

const NEED = '墩背村小学课桌椅'
const EMAIL = `newcomer-${Date.now()}@example.cn`

/** The decoded text parts of a raw RFC 5322 message (base64 or quoted-printable). */
function decodedText(raw: string): string {
  return raw
    .split(/\r?\n--/)
    .map((part) => {
      const [head = '', ...rest] = part.split(/\r?\n\r?\n/)
      const body = rest.join('\n\n')
      if (/content-transfer-encoding:\s*base64/i.test(head)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
        const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        return Buffer.from(bytes, 'latin1').toString('utf8')
      }
      return body
    })
    .join('\n')
}

/** The path of the confirmation link mailed to `address`, once the mail is written. */
async function confirmationLink(address: string): Promise<string> {
  let link = ''
  await expect
    .poll(
      () => {
        const dir = join(dataDir, 'mail')
        let files: string[] = []
        try {
          files = readdirSync(dir).filter((f) => f.endsWith('.eml'))
        } catch {
          return ''
        }
        for (const file of files) {
          const raw = readFileSync(join(dir, file), 'utf8')
          if (!raw.includes(address) || !raw.includes('email_confirmation')) continue
          const found = /\/confirm-email\?token=[0-9a-f]{64}/.exec(decodedText(raw))
          if (found) link = found[0]
        }
        return link
      },
      { timeout: 30_000, message: `a confirmation mail to ${address}` },
    )
    .not.toBe('')
  return link
}

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

  const link = await confirmationLink(EMAIL)
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
