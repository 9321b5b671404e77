// Every message in the user's language: a field error the server finds reads in Chinese, and in
// English once the user switches through the header; an irreversible step asks first, and
// cancelling it changes nothing; a signed-out visitor's pages log no console error (no /me 401).
// The accounts here are ones the other flows do not use (their language is saved on the account,
// and set back to Chinese at the end); nothing here is created or consumed on the server.
import { expect, test, type Page } from '@playwright/test'
import { signIn } from './support'

const NEED = '墩背村小学课桌椅'
const PHONE = '有事请打 13800001111 联系我'

/** Switches the app's language through the header's selector (saved on a signed-in account). */
async function switchTo(page: Page, locale: 'zh-CN' | 'en') {
  const select = page.getByTestId('locale-select')
  await select.selectOption(locale)
  await expect(page.locator('html')).toHaveAttribute('lang', locale)
  await expect(select).toBeEnabled()
}

/** The errors the page logs to its console, and the /me calls it makes. */
function watch(page: Page) {
  const errors: string[] = []
  const me: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/v1/me') me.push(request.method())
  })
  return { errors, me }
}

test('signed-out page views ask no /me and log no console error', async ({ page }) => {
  const seen = watch(page)
  for (const path of ['/', '/needs', '/offers', '/products', '/transparency']) {
    await page.goto(path)
    await expect(page.locator('main h1').first()).toBeVisible()
    await page.waitForLoadState('networkidle')
  }
  await page.goto('/needs')
  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  await page.waitForLoadState('networkidle')
  expect(seen.me).toEqual([])
  expect(seen.errors).toEqual([])
})

test('the pledge message’s field error reads in Chinese, then in English', async ({ page }) => {
  await signIn(page, 'coop', '/needs')
  try {
    await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
    await expect(page.getByTestId('need-title')).toHaveText(NEED)
    const dialog = page.getByTestId('pledge-dialog')
    const message = dialog.locator('.el-form-item').filter({ has: page.getByTestId('pledge-message') })

    await page.getByTestId('pledge-button').click()
    // Refused before sending by the API document's bound, in the words the server's would read.
    await dialog.getByTestId('pledge-quantity').fill('-5')
    await expect(dialog).toContainText('不能小于 1')
    await expect(dialog).not.toContainText('请填写整数')
    await dialog.getByTestId('pledge-quantity').fill('5')
    await dialog.getByTestId('pledge-message').fill(PHONE)
    await dialog.getByTestId('pledge-submit').click()
    // Found by the server (a phone number in public text): its code, in Chinese.
    await expect(message).toContainText('不能包含电话号码，联系请通过平台')
    await expect(dialog).not.toContainText('phone number')
    await dialog.getByRole('button', { name: '取消' }).click()
    await expect(dialog).toBeHidden()

    await switchTo(page, 'en')
    await page.getByTestId('pledge-button').click()
    await dialog.getByTestId('pledge-quantity').fill('5')
    await dialog.getByTestId('pledge-message').fill(PHONE)
    await dialog.getByTestId('pledge-submit').click()
    await expect(message).toContainText('Must not contain a phone number: contact goes through the platform')
    await expect(dialog).not.toContainText('电话号码')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  } finally {
    await switchTo(page, 'zh-CN')
  }
})

test('the need editor’s field errors read in both languages, and submitting asks first', async ({ page }) => {
  await signIn(page, 'cadre-heyuan', '/cadre/needs/new')
  try {
    const field = (testId: string) => page.locator('.el-form-item').filter({ has: page.getByTestId(testId) })
    const posts: string[] = []
    page.on('request', (request) => {
      if (request.method() !== 'GET' && new URL(request.url()).pathname.startsWith('/api/v1/needs')) posts.push(request.url())
    })
    await page.getByTestId('need-form-category').click()
    await page.getByRole('option', { name: '基础设施' }).click()
    await page.getByTestId('need-form-title').fill('村道路灯')
    await page.getByTestId('need-form-description').fill(`村道夜间没有照明，需要安装太阳能路灯。${PHONE}`)
    await page.getByTestId('need-form-quantity').locator('input').fill('10')
    await page.getByTestId('need-form-unit-value').locator('input').fill('800')

    // A need whose total is beyond the server's bound is refused before sending.
    await page.getByTestId('need-form-quantity').locator('input').fill('-5')
    await page.getByTestId('need-form-quantity').locator('input').blur()
    await expect(field('need-form-quantity')).toContainText('不能小于 1')
    await page.getByTestId('need-form-quantity').locator('input').fill('999999999999')
    await page.getByTestId('need-form-quantity').locator('input').blur()
    await expect(field('need-form-quantity')).toContainText('此处不能大于 1,000,000')
    await expect(page.getByText('合计约')).toHaveCount(0)
    await page.getByTestId('need-form-quantity').locator('input').fill('10')
    await page.getByTestId('need-form-quantity').locator('input').blur()
    await expect(page.getByText('合计约 ¥8,000')).toBeVisible()

    // Submitting for review cannot be undone: it asks, and cancelling sends nothing.
    await page.getByTestId('need-submit-review').click()
    const box = page.locator('.el-message-box')
    await expect(box).toContainText('提交后这条需求不能再编辑')
    await box.getByRole('button', { name: '取消' }).click()
    await expect(box).toBeHidden()
    expect(posts).toEqual([])
    await expect(page).toHaveURL(/\/cadre\/needs\/new$/)

    // The phone number in the description reaches the server, which refuses it by its code.
    await page.getByTestId('need-form-submit').click()
    await expect(field('need-form-description')).toContainText('不能包含电话号码，联系请通过平台')
    expect(posts).toHaveLength(1)
    await expect(page).toHaveURL(/\/cadre\/needs\/new$/)

    await switchTo(page, 'en')
    await page.getByTestId('need-form-submit').click()
    await expect(field('need-form-description')).toContainText('Must not contain a phone number: contact goes through the platform')
    expect(posts).toHaveLength(2)
    // A title too short by the document's bound is refused before sending, in the same words.
    await page.getByTestId('need-form-title').fill('路灯')
    await page.getByTestId('need-form-submit').click()
    await expect(field('need-form-title')).toContainText('Must be 4–60 characters')
    expect(posts).toHaveLength(2)
  } finally {
    await switchTo(page, 'zh-CN')
  }
})
