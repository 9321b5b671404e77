// What the end-to-end flows share: signing in through the login page, screenshots of the
// main pages (kept as the run's artefacts), a small real photo to upload, and the links in the
// mail the server writes (no SMTP relay: `<data dir>/mail/*.eml`).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { expect, type Page } from '@playwright/test'
import { dataDir } from '../../playwright.config'

export const PASSWORD = 'demo-password-2024'
export const SCREENSHOTS = 'test-results/screenshots'
mkdirSync(SCREENSHOTS, { recursive: true })

/** A full-page screenshot, `name`.png, after the page has settled. */
export async function screenshot(page: Page, name: string) {
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true })
}

/** Signs in as a demo account (`donor`, `cadre`, …) through the login page. */
export async function signIn(page: Page, who: string, next = '/') {
  await page.goto(`/login?next=${encodeURIComponent(next)}`)
  await fillLogin(page, who)
  await expect(page.getByTestId('signed-in-as')).toBeVisible()
}

export async function fillLogin(page: Page, who: string) {
  await page.getByTestId('login-account').fill(`${who}@demo.duijie.cn`)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
}

/** A 24×16 PNG of two colours, made here so the test needs no file of its own. */
export function photoPng(): Buffer {
  const width = 24
  const height = 16
  const raw = Buffer.alloc((width * 3 + 1) * height)
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    raw[row] = 0
    for (let x = 0; x < width; x++) {
      const i = row + 1 + x * 3
      raw[i] = x < width / 2 ? 200 : 30
      raw[i + 1] = 120
      raw[i + 2] = y < height / 2 ? 40 : 220
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf: Buffer) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const sum = Buffer.alloc(4)
    sum.writeUInt32BE(crc(body))
    return Buffer.concat([length, body, sum])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8
  header[9] = 2
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** Picks a region in the cascader inside `wrapper` by clicking down the names given. */
export async function pickRegion(page: Page, wrapperTestId: string, names: string[]) {
  await page.getByTestId(wrapperTestId).locator('.el-cascader').click()
  const panel = page.locator('.el-cascader__dropdown:visible')
  for (const [i, name] of names.entries()) {
    const node = panel.locator('.el-cascader-menu').nth(i).locator('.el-cascader-node', { hasText: name })
    if (i === names.length - 1) {
      await node.locator('.el-radio').click()
    } else {
      await node.click()
    }
  }
  await page.keyboard.press('Escape')
}

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

/** The raw mails the server has written so far (none before its first). */
export function mailFiles(): string[] {
  const dir = join(dataDir, 'mail')
  let files: string[] = []
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'))
  } catch {
    return []
  }
  return files.map((file) => readFileSync(join(dir, file), 'utf8'))
}

/**
 * The path of the link (`/confirm-email`, `/reset-password`) in the `kind` mail (its
 * notification kind: `email_confirmation`, `password_reset`) to `address`, once the mail is
 * written (the last found, should there be several).
 */
export async function mailedLink(address: string, kind: string, path: string): Promise<string> {
  const pattern = new RegExp(`${path}\\?token=[0-9a-f]{64}`, 'g')
  let link = ''
  await expect
    .poll(
      () => {
        const links = mailFiles()
          .filter((raw) => raw.includes(address) && raw.includes(kind))
          .flatMap((raw) => decodedText(raw).match(pattern) ?? [])
        link = links.at(-1) ?? ''
        return link
      },
      { timeout: 30_000, message: `a ${kind} mail to ${address}` },
    )
    .not.toBe('')
  return link
}
