// The pledge flow by keyboard alone: a donor signs in, searches the hall, opens a need, opens
// the pledge dialog, fills and sends it — with Tab, Enter, Space and typing, never a click.
// Focus is visible where it lands, and the dialog keeps it inside while open.
import { expect, test, type Locator, type Page } from '@playwright/test'
import { PASSWORD } from './support'

// One set of the desks: the other flows leave them plenty.
const NEED = '墩背村小学课桌椅'

/** Whether focus is on `target` or inside it. */
function holdsFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))
}

/** Presses Tab until focus reaches `target` (at most `limit` times). */
async function tabTo(page: Page, target: Locator, limit = 60) {
  for (let i = 0; i < limit; i++) {
    if (await holdsFocus(target)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${target}`)
}

/** The visible focus indicator of the focused element (or its focus-styled wrapper). */
function focusRing(page: Page): Promise<{ outline: string; shadow: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement
    const styled = el.closest('.el-input__wrapper, .el-textarea') ?? el
    const own = getComputedStyle(el)
    const wrapper = getComputedStyle(styled)
    const outline = own.outlineStyle !== 'none' && own.outlineWidth !== '0px' ? `${own.outlineStyle} ${own.outlineWidth}` : ''
    const shadow = [own.boxShadow, wrapper.boxShadow].find((s) => s && s !== 'none') ?? ''
    return { outline, shadow }
  })
}

test('a donor pledges with the keyboard alone', async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent('/needs')}`)
  await tabTo(page, page.getByTestId('login-account'))
  await page.keyboard.type('donor@demo.duijie.cn')
  await tabTo(page, page.getByTestId('login-password'))
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
  await expect(page).toHaveURL(/\/needs/)

  // The hall: the words box, then the need's link in the results.
  await tabTo(page, page.getByTestId('hall-search'))
  await page.keyboard.type(NEED)
  await page.keyboard.press('Enter')
  const link = page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first()
  await expect(link).toBeVisible()
  await tabTo(page, link)
  const ring = await focusRing(page)
  expect(ring.outline || ring.shadow, 'a focused link shows a ring').not.toBe('')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('need-title')).toHaveText(NEED)

  // The pledge dialog opens with Space on its button, and takes focus in.
  const button = page.getByTestId('pledge-button')
  await tabTo(page, button)
  expect(Object.values(await focusRing(page)).join(''), 'a focused button shows a ring').not.toBe('')
  await page.keyboard.press('Space')
  const dialog = page.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await expect.poll(() => holdsFocus(dialog)).toBe(true)

  await tabTo(page, dialog.getByTestId('pledge-quantity'))
  await page.keyboard.type('1')
  expect((await focusRing(page)).shadow, 'a focused field shows its ring').not.toBe('')
  await tabTo(page, dialog.getByTestId('pledge-message'))
  await page.keyboard.type('键盘也能认捐')

  // Focus stays in the dialog, however far one tabs, both ways.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press(i < 12 ? 'Tab' : 'Shift+Tab')
    expect(await holdsFocus(dialog), `Tab ${i + 1} left the dialog`).toBe(true)
  }

  await tabTo(page, dialog.getByTestId('pledge-submit'))
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  // The page says it is done, with a link to the pledge made.
  const done = page.getByRole('status').filter({ has: page.locator('a[href^="/pledges/"]') })
  await expect(done).toBeVisible()
})
