// Accessibility: axe-core checks every main page, public and signed in, against WCAG 2.1 A
// and AA. No serious or critical violation is allowed; the minor and moderate ones found are
// attached to the run's report. Each page is loaded once; the pages of one need, offer,
// product, board or pledge are reached by the first link their list shows.
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page, type TestInfo } from '@playwright/test'
import { signIn } from './support'

const BLOCKING = new Set(['serious', 'critical'])

interface Found {
  page: string
  id: string
  impact: string
  help: string
  targets: string[]
}

/** Runs axe on the page as it stands, and returns what it found. */
async function audit(page: Page, name: string): Promise<Found[]> {
  await page.waitForLoadState('networkidle')
  await expect(page.locator('#app')).not.toBeEmpty()
  const results = await new AxeBuilder({ page })
    // The best practices too, for the report; only the serious and critical fail the test.
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze()
  return results.violations.map((v) => ({
    page: name,
    id: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)}`),
  }))
}

/** The first link on the page whose path matches `pattern`. */
async function firstLink(page: Page, pattern: RegExp): Promise<string> {
  const hrefs = await page.locator('a[href]').evaluateAll((links) =>
    links.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
  )
  const found = hrefs.find((href) => pattern.test(href))
  expect(found, `a link like ${pattern} on ${page.url()}`).toBeTruthy()
  return found!
}

/** Visits each page in turn (a path, or a function giving one from the page before). */
async function walk(page: Page, info: TestInfo, pages: [string, string | (() => Promise<string>)][]) {
  const found: Found[] = []
  for (const [name, where] of pages) {
    const path = typeof where === 'string' ? where : await where()
    // Signing in has already landed on the first page.
    if (new URL(page.url()).pathname !== path) await page.goto(path)
    found.push(...(await audit(page, name)))
  }
  await info.attach('axe-violations.json', { body: JSON.stringify(found, null, 2), contentType: 'application/json' })
  for (const f of found) console.log(`[axe] ${f.impact} ${f.id} on ${f.page}: ${f.help} — ${f.targets.join(', ')}`)
  expect(found.filter((f) => BLOCKING.has(f.impact))).toEqual([])
}

test('the public pages have no serious accessibility violation', async ({ page }, info) => {
  await walk(page, info, [
    ['home', '/'],
    ['needs hall', '/needs'],
    ['a need', () => firstLink(page, /^\/needs\/\d+$/)],
    ['offers hall', '/offers'],
    ['an offer', () => firstLink(page, /^\/offers\/\d+$/)],
    ['products hall', '/products'],
    ['a product', () => firstLink(page, /^\/products\/\d+$/)],
    ['notices', '/notices'],
    ['transparency', '/transparency'],
    ['boards', '/pairings'],
    ['a board', () => firstLink(page, /^\/pairings\/\d+$/)],
    ['login', '/login'],
    ['register', '/register'],
  ])
})

test('the cadre’s pages have no serious accessibility violation', async ({ page }, info) => {
  await signIn(page, 'cadre', '/cadre/households')
  await walk(page, info, [
    ['households', '/cadre/households'],
    ['needs worklist', '/cadre/needs'],
    ['need editor', '/cadre/needs/new'],
  ])
})

test('the verifier’s review has no serious accessibility violation', async ({ page }, info) => {
  await signIn(page, 'verifier', '/review')
  await walk(page, info, [['review', '/review']])
})

test('the donor’s pledges have no serious accessibility violation', async ({ page }, info) => {
  await signIn(page, 'donor', '/me/pledges')
  await walk(page, info, [
    ['my pledges', '/me/pledges'],
    ['a pledge', () => firstLink(page, /^\/pledges\/\d+$/)],
  ])
})

test('the admin’s pages have no serious accessibility violation', async ({ page }, info) => {
  await signIn(page, 'admin', '/admin/users')
  await walk(page, info, [
    ['users', '/admin/users'],
    ['organisations', '/admin/organisations'],
  ])
})
