// Each demo role's workspace: signed in, the account opens it from the public header and
// reaches every page of its menu by clicking the menu, each page under its heading and its
// breadcrumbs (a full-page screenshot of each); the menu fits a 1366 px screen without
// overflowing, and on a 390 px phone it is a drawer.
import { expect, test, type Page } from '@playwright/test'
import { screenshot, signIn } from './support'

interface Visit {
  /** The menu item's id (`menu-<id>`), also the screenshot's name. */
  item: string
  heading: string
  crumbs: string[]
}

const MINE = '我的帮扶'
const mine: Visit[] = [
  { item: 'my-pledges', heading: '我的认捐', crumbs: [MINE, '我的认捐'] },
  { item: 'my-follows', heading: '我的关注', crumbs: [MINE, '我的关注'] },
  { item: 'my-offers', heading: '我的帮扶资源', crumbs: [MINE, '我的帮扶资源'] },
  { item: 'my-orders', heading: '我的订单', crumbs: [MINE, '我的订单'] },
  { item: 'notifications', heading: '通知设置', crumbs: [MINE, '通知设置'] },
  { item: 'tokens', heading: 'API 令牌', crumbs: [MINE, 'API 令牌'] },
]
const products = (group: string): Visit => ({ item: 'my-products', heading: '我的产品', crumbs: [group, '我的产品'] })
const organisation = (id: number, name: string): Visit => ({ item: `organisation-${id}`, heading: name, crumbs: ['我的单位', name] })

const ENTERPRISE = '梅州客都农业发展有限公司（演示）'
const COOPS = ['平远县墩背村蜂业专业合作社（演示）', '平远县杞园村茶叶专业合作社（演示）']
const PAIRING = '广州 → 梅州、清远 对口帮扶'

/** What each demo account's menu holds, in its order, past its own giving. */
const ROLES: Record<string, { groups: string[] | ((page: Page) => Promise<string[]>); pages: Visit[] | ((page: Page) => Promise<Visit[]>) }> = {
  donor: { groups: [MINE], pages: mine },
  cadre: {
    groups: [MINE, '村务'],
    pages: [
      ...mine,
      { item: 'households', heading: '农户档案', crumbs: ['村务', '农户'] },
      { item: 'needs', heading: '需求工作台', crumbs: ['村务', '需求工作台'] },
      products('村务'),
    ],
  },
  verifier: {
    groups: [MINE, '审核'],
    pages: [
      ...mine,
      { item: 'review', heading: '需求审核', crumbs: ['审核', '审核队列'] },
      { item: 'objections', heading: '需求审核', crumbs: ['审核', '异议核查'] },
      products('审核'),
    ],
  },
  // The menu's ids carry the organisations' and pairings' ids, which the demo seed chooses:
  // they are read from the menu, by name.
  coordinator: {
    groups: [MINE, '我的结对'],
    pages: async (page) => [...mine, { item: await idOf(page, PAIRING), heading: PAIRING, crumbs: ['我的结对', PAIRING] }],
  },
  enterprise: {
    groups: [MINE, '我的单位'],
    pages: async (page) => [...mine, organisation(await orgId(page, ENTERPRISE), ENTERPRISE), products('我的单位')],
  },
  coop: {
    groups: [MINE, '我的单位'],
    pages: async (page) => [
      ...mine,
      organisation(await orgId(page, COOPS[0]!), COOPS[0]!),
      organisation(await orgId(page, COOPS[1]!), COOPS[1]!),
      products('我的单位'),
    ],
  },
  // The administrator may also administer organisations it registered (the trade flow registers
  // a cooperative when the demo has none): those are in its menu too, under 我的单位.
  admin: {
    groups: async (page) => [MINE, ...((await administered(page)).length ? ['我的单位'] : []), '管理'],
    pages: async (page) => [
      ...mine,
      ...(await administered(page)),
      ...((await administered(page)).length ? [products('我的单位')] : []),
      { item: 'admin-organisations', heading: '组织审核', crumbs: ['管理', '组织审核'] },
      { item: 'admin-users', heading: '用户与角色', crumbs: ['管理', '用户与角色'] },
    ],
  },
}

/** The id of the menu item named `name` (its names load after the menu). */
async function idOf(page: Page, name: string): Promise<string> {
  const item = page.getByTestId('workspace-menu').getByRole('link', { name, exact: true })
  await expect(item).toBeVisible()
  return (await item.getAttribute('data-testid'))!.replace(/^menu-/, '')
}
const orgId = async (page: Page, name: string) => Number((await idOf(page, name)).replace('organisation-', ''))

/** The organisations the menu lists under 我的单位, as visits. */
async function administered(page: Page): Promise<Visit[]> {
  const links = page.getByTestId('workspace-menu').locator('[data-testid^="menu-organisation-"]')
  // An organisation is called `#<id>` until its name has loaded.
  await expect(links.filter({ hasText: /#\d+/ })).toHaveCount(0)
  const visits: Visit[] = []
  for (const link of await links.all()) {
    const name = (await link.innerText()).trim()
    visits.push(organisation(Number((await link.getAttribute('data-testid'))!.replace('menu-organisation-', '')), name))
  }
  return visits
}

/** Nothing sticks out sideways: not the page, not the menu. */
async function expectNoOverflow(page: Page) {
  const widths = await page.evaluate(() => {
    const aside = document.querySelector('.ws-aside')
    return {
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      menu: aside ? aside.scrollWidth - aside.clientWidth : 0,
    }
  })
  expect(widths).toEqual({ page: 0, menu: 0 })
}

test.use({ viewport: { width: 1366, height: 768 } })

for (const [who, role] of Object.entries(ROLES)) {
  test(`the ${who}'s workspace: every page of its menu, by the menu`, async ({ page }) => {
    await signIn(page, who)
    // From the public site into the workspace, and back to it in one click.
    await page.getByTestId('workspace-link').click()
    const menu = page.getByTestId('workspace-menu')
    await expect(menu).toBeVisible()
    await expect(page.getByTestId('workspace-public-hall')).toHaveAttribute('href', '/needs')
    await expect(page.getByTestId('signed-in-as')).toBeVisible()
    await expect(menu.getByTestId('menu-tokens')).toBeVisible()
    const groups = typeof role.groups === 'function' ? await role.groups(page) : role.groups
    await expect(menu.locator('.group-label')).toHaveText(groups)

    const pages = typeof role.pages === 'function' ? await role.pages(page) : role.pages
    await expect(menu.locator('.menu-item')).toHaveCount(pages.length)
    for (const visit of pages) {
      await menu.getByTestId(`menu-${visit.item}`).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(visit.heading)
      await expect(page.getByTestId('breadcrumbs').locator('.crumb')).toHaveText(visit.crumbs)
      await expect(menu.getByTestId(`menu-${visit.item}`)).toHaveClass(/is-active/)
      await expectNoOverflow(page)
      await screenshot(page, `workspace-${who}-${visit.item}`)
    }

    await page.getByTestId('workspace-public-hall').click()
    await expect(page).toHaveURL(/\/needs$/)
    await expect(page.getByTestId('workspace-menu')).toHaveCount(0)
    await expect(page.getByTestId('workspace-link')).toBeVisible()
  })
}

test('on a 390 px phone the menu is a drawer', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await signIn(page, 'cadre', '/me/pledges')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的认捐')
  await expect(page.getByTestId('workspace-menu')).toHaveCount(0)
  await expectNoOverflow(page)
  await page.getByTestId('workspace-menu-toggle').click()
  const menu = page.getByTestId('workspace-menu')
  await expect(menu).toBeVisible()
  await screenshot(page, 'workspace-phone-drawer')
  await menu.getByTestId('menu-needs').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('需求工作台')
  await expect(page.getByTestId('breadcrumbs').locator('.crumb')).toHaveText(['村务', '需求工作台'])
  await expect(menu).toBeHidden()
  await expectNoOverflow(page)
  await screenshot(page, 'workspace-phone-needs')
})
