// The needs hall as people search it: ticking a category keeps the other categories listed with
// what ticking them would add (the API counts each facet without its own filter), and a second
// tick finds either; a click on a county's name in the region cascader filters by it, and a
// reload keeps the cascader and the chip showing it, until the chip is removed. The specs share
// one database and other specs add needs, so counts are read from the page, never assumed.
import { expect, test, type Page } from '@playwright/test'

/** The count a facet value shows. */
async function count(page: Page, field: string, value: string): Promise<number> {
  return Number(await page.getByTestId(`facet-${field}-${value}`).locator('.count').innerText())
}

/** The number of needs found, from "共找到 N 条…". */
async function total(page: Page): Promise<number> {
  return Number((await page.getByTestId('hall-total').innerText()).replace(/[^\d]/g, ''))
}

test('ticking a category keeps the others with their counts, and two find either', async ({ page }) => {
  await page.goto('/needs')
  await expect(page.getByTestId('hall-total')).toBeVisible()
  const education = await count(page, 'category', 'education')
  const medical = await count(page, 'category', 'medical')
  expect(education).toBeGreaterThan(0)
  expect(medical).toBeGreaterThan(0)

  await page.getByTestId('facet-category-education').click()
  await expect(page).toHaveURL(/[?&]category=education(&|$)/)
  await expect.poll(() => total(page)).toBe(education)
  // 医疗 is still there, with the needs ticking it would add.
  await expect(page.getByTestId('facet-category-medical')).toBeVisible()
  expect(await count(page, 'category', 'medical')).toBe(medical)
  expect(await count(page, 'category', 'education')).toBe(education)

  await page.getByTestId('facet-category-medical').click()
  await expect(page).toHaveURL(/category=education&category=medical/)
  await expect.poll(() => total(page)).toBe(education + medical)
  await expect(page.getByTestId('facet-category-education')).toHaveClass(/is-checked/)
  await expect(page.getByTestId('facet-category-medical')).toHaveClass(/is-checked/)
})

test('a click on a county’s name filters by it; a reload keeps it; removing the chip clears it', async ({ page }) => {
  await page.goto('/needs')
  await expect(page.getByTestId('hall-total')).toBeVisible()
  const everywhere = await total(page)
  const region = page.getByTestId('hall-region')
  const input = region.locator('.el-cascader input')
  const chip = region.locator('.chosen')

  await region.locator('.el-cascader').click()
  const panel = page.locator('.el-cascader__dropdown:visible')
  // Each name chooses its region, and opens its next level.
  for (const [name, code] of [['广东省', '44'], ['梅州市', '4414'], ['平远县', '441426']] as const) {
    await panel.locator('.region-name', { hasText: name }).click()
    await expect(page).toHaveURL(new RegExp(`[?&]region=${code}(&|$)`))
  }
  await page.keyboard.press('Escape')
  await expect(chip).toContainText('广东省 / 梅州市 / 平远县')
  await expect(input).toHaveValue('广东省 / 梅州市 / 平远县')
  const inPingyuan = await total(page)
  expect(inPingyuan).toBeGreaterThan(0)
  expect(inPingyuan).toBeLessThanOrEqual(everywhere)

  await page.reload()
  await expect(page.getByTestId('hall-total')).toBeVisible()
  await expect(chip).toContainText('广东省 / 梅州市 / 平远县')
  await expect(input).toHaveValue('广东省 / 梅州市 / 平远县')
  await expect.poll(() => total(page)).toBe(inPingyuan)

  await chip.getByRole('button', { name: '清除地区' }).click()
  await expect(page).not.toHaveURL(/region=/)
  await expect(chip).toHaveCount(0)
  await expect(input).toHaveValue('')
  await expect.poll(() => total(page)).toBe(everywhere)
})
