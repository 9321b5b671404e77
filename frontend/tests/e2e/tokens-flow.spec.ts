// API 令牌: a donor makes a personal API token with a scope and a lifetime, sees its secret once,
// uses it from a script (a bearer header, no cookie), sees that use in the list with the
// scope and expiry, revokes it, and the revoked token is refused.
import { expect, test, type APIRequestContext } from '@playwright/test'
import { PASSWORD, screenshot, signIn } from './support'

const NAME = `记账脚本 ${Date.now() % 100000}`

/** A Beijing calendar day as the tokens page writes it (`2027/01/06`), `days` from `at`. */
function dayAfter(at: number, days: number): string {
  return new Date(at + days * 86_400_000).toLocaleDateString('zh-CN', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
  })
}

/** What `GET /api/v1/me` answers to the token alone (this request context has no cookie). */
async function meWith(request: APIRequestContext, secret: string) {
  const response = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${secret}` } })
  return { status: response.status(), body: await response.text() }
}

test('a personal API token is made, shown once, used, listed with its use, and revoked', async ({ page, request }) => {
  await signIn(page, 'donor', '/me/tokens')
  await page.getByTestId('token-name').fill(NAME)
  await page.getByTestId('token-scope-pledge').click()
  await page.getByTestId('token-expiry-30').click()
  await page.getByTestId('token-password').fill(PASSWORD)
  const before = Date.now()
  await page.getByTestId('token-submit').click()
  const secretBox = page.getByTestId('token-secret')
  await expect(secretBox).toHaveText(/^djt_\S+$/)
  const secret = (await secretBox.innerText()).trim()
  const after = Date.now()
  await screenshot(page, '40-token-created')

  const row = page.getByTestId('token-row').filter({ hasText: NAME })
  await expect(row.getByTestId('token-row-scope')).toHaveText('认捐下单')
  const expires = await row.getByTestId('token-row-expires').innerText()
  expect([dayAfter(before, 30), dayAfter(after, 30)].some((day) => expires.startsWith(day)), expires).toBe(true)
  await expect(row.getByTestId('token-row-last-used')).toHaveText('从未使用')
  await expect(row.getByTestId('token-row-status')).toHaveAttribute('data-status', 'active')
  await expect(row).not.toContainText(secret)

  // A script uses it: the token alone is the donor.
  const used = await meWith(request, secret)
  expect(used.status, used.body).toBe(200)
  expect(JSON.parse(used.body).email).toBe('donor@demo.duijie.cn')

  // Back on the page: the secret is not shown again; the list shows the use.
  await page.reload()
  await expect(row).toBeVisible()
  await expect(page.getByTestId('token-secret')).toHaveCount(0)
  await expect(page.locator('body')).not.toContainText(secret)
  await expect(row.getByTestId('token-row-last-used')).not.toHaveText('从未使用')
  await expect(row.getByTestId('token-row-last-used')).toHaveText(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/)
  await screenshot(page, '41-token-used')

  // Revoked (after a confirmation), it is refused.
  await row.getByTestId('token-revoke').click()
  await page.getByRole('button', { name: '确定' }).click()
  await expect(row.getByTestId('token-row-status')).toHaveAttribute('data-status', 'revoked')
  await expect(row.getByTestId('token-revoke')).toHaveCount(0)
  const refused = await meWith(request, secret)
  expect(refused.status, refused.body).toBe(401)
  await screenshot(page, '42-token-revoked')
})
