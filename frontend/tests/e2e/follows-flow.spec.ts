// 关注, as the demo donor walks it: on the needs hall they see what they follow already (梅州市
// at once, 教育助学 in a daily digest); they pick 平远县 in the cascader, click 关注该地区, choose
// 每日汇总, find it in 我的关注 with 每日汇总 and leave it there. A visitor who clicks 关注该结对 on
// a pairing's page signs in and comes back to the button's menu; a need's page offers its village
// and its county. Every follow made here is left again: the specs share one database.
import { expect, test } from '@playwright/test'
import { fillLogin, pickRegion, screenshot, signIn } from './support'

const NEED = '墩背村小学课桌椅'
const PAIRING = '广州 → 梅州、清远 对口帮扶'

test.describe.configure({ mode: 'serial' })

test('the donor follows 平远县 from the needs hall for a daily digest, and leaves it in 我的关注', async ({ page }) => {
  await signIn(page, 'donor', '/needs')
  await pickRegion(page, 'hall-region', ['广东省', '梅州市'])
  await expect(page).toHaveURL(/region=4414/)
  const bar = page.getByTestId('hall-follow')
  const region = bar.locator('[data-follow-kind="region"]')
  // The demo donor follows 梅州市 already, at once, and 教育助学 in a daily digest.
  await expect(region).toHaveAttribute('data-follow-target', '4414')
  await expect(region).toHaveAttribute('data-following', 'instant')
  await expect(region).toContainText('已关注该地区 · 即时提醒')
  await page.getByTestId('facet-category-education').click()
  await expect(page).toHaveURL(/category=education/)
  const category = bar.locator('[data-follow-kind="category"]')
  await expect(category).toHaveAttribute('data-following', 'daily')
  await expect(category).toContainText('已关注该类别 · 每日汇总')
  await screenshot(page, '40-hall-followed')

  await pickRegion(page, 'hall-region', ['广东省', '梅州市', '平远县'])
  await expect(page).toHaveURL(/region=441426/)
  await expect(region).toHaveAttribute('data-follow-target', '441426')
  await expect(region).toHaveAttribute('data-following', 'no')
  await expect(region.getByTestId('follow-button')).toHaveText(/关注该地区/)
  await region.getByTestId('follow-button').click()
  const menu = page.locator('.follow-menu:visible')
  await expect(menu).toContainText('选择提醒方式')
  await expect(menu).toContainText('每天一封邮件，汇总前一天的新需求')
  await screenshot(page, '41-hall-follow-menu')
  await menu.getByTestId('follow-mode-daily').click()
  await expect(region).toHaveAttribute('data-following', 'daily')
  await expect(region).toContainText('已关注该地区 · 每日汇总')
  await expect(page.getByText('已关注广东省梅州市平远县，每日汇总')).toBeVisible()

  await page.getByTestId('workspace-link').click()
  await page.getByTestId('menu-my-follows').click()
  await expect(page).toHaveURL(/\/me\/follows$/)
  const row = page.locator('[data-testid="my-follow-row"][data-follow-target="441426"]')
  await expect(row.getByTestId('my-follow-name')).toHaveText('广东省梅州市平远县')
  await expect(row.getByTestId('my-follow-kind')).toHaveText('地区')
  await expect(row).toHaveAttribute('data-mode', 'daily')
  await expect(row.getByTestId('my-follow-mode-daily')).toHaveClass(/is-active/)
  await expect(page.getByTestId('my-follow-row')).toHaveCount(3)
  await screenshot(page, '42-my-follows')

  await row.getByTestId('my-follow-remove').click()
  await expect(page.getByRole('dialog')).toContainText('取消关注“广东省梅州市平远县”后')
  await page.getByRole('button', { name: '确定' }).click()
  await expect(row).toHaveCount(0)
  await expect(page.getByTestId('my-follow-row')).toHaveCount(2)
  await expect(page.locator('[data-testid="my-follow-row"][data-follow-target="4414"]')).toHaveAttribute('data-mode', 'instant')

  // Left: the hall offers it again.
  await page.goto('/needs?region=441426')
  await expect(page.getByTestId('hall-follow').locator('[data-follow-kind="region"]')).toHaveAttribute('data-following', 'no')
})

test('a visitor who clicks 关注该结对 signs in, and comes back to choose how to hear', async ({ page }) => {
  await page.goto('/pairings')
  await page.getByTestId('pairing-row').filter({ hasText: PAIRING }).getByRole('link').first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PAIRING)
  const follow = page.locator('[data-follow-kind="pairing"]')
  await expect(follow).toContainText('关注该结对')
  await follow.getByTestId('follow-button').click()
  await expect(page).toHaveURL(/\/login\?next=/)
  await fillLogin(page, 'donor')

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(PAIRING)
  await expect(page).not.toHaveURL(/follow=/)
  const menu = page.locator('.follow-menu:visible')
  await expect(menu).toContainText('选择提醒方式')
  await screenshot(page, '43-pairing-follow-after-sign-in')
  await menu.getByTestId('follow-mode-instant').click()
  await expect(follow).toHaveAttribute('data-following', 'instant')
  await expect(follow).toContainText('已关注该结对 · 即时提醒')

  // Leaving from the same menu.
  await follow.getByTestId('follow-button').click()
  await expect(menu).toContainText('更改提醒方式')
  await menu.getByTestId('follow-unfollow').click()
  await expect(follow).toHaveAttribute('data-following', 'no')
  await expect(follow).toContainText('关注该结对')
})

test('a need’s page offers its village and its county to follow', async ({ page }) => {
  await signIn(page, 'donor', `/needs?q=${encodeURIComponent('课桌椅')}`)
  await page.getByTestId('need-card').filter({ hasText: NEED }).getByRole('link').first().click()
  await expect(page.getByTestId('need-title')).toHaveText(NEED)
  const village = page.getByTestId('need-follow-village')
  const county = page.getByTestId('need-follow-county')
  await expect(village).toContainText('本村')
  await expect(village).toContainText('墩背村')
  await expect(county).toContainText('平远县')
  await expect(county.locator('[data-follow-target]')).toHaveAttribute('data-follow-target', '441426')
  await expect(county.locator('[data-follow-target]')).toHaveAttribute('data-following', 'no')

  // The side column is sticky: the menu is opened where it needs no scrolling, which would move
  // its button (and the menu after it) under the pointer.
  await page.getByTestId('need-follows').evaluate((el) => el.scrollIntoView({ block: 'center' }))
  await village.getByTestId('follow-button').click()
  await page.locator('.follow-menu:visible').getByTestId('follow-mode-instant').click()
  await expect(village.locator('[data-follow-target]')).toHaveAttribute('data-following', 'instant')
  await expect(village).toContainText('已关注 · 即时提醒')
  await screenshot(page, '44-need-follows')

  await village.getByTestId('follow-button').click()
  await page.locator('.follow-menu:visible').getByTestId('follow-unfollow').click()
  await expect(village.locator('[data-follow-target]')).toHaveAttribute('data-following', 'no')
})
