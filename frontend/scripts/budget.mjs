// The performance budget of the public pages: the JavaScript a first visit to each public
// route downloads (the entry, everything it imports statically, the route's own chunk and its
// static imports), gzipped, must stay within BUDGET_KB. Read from Vite's build manifest.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 250
const PUBLIC_VIEWS = ['home/Home', 'hall/Hall', 'need/Need', 'offers/Offers', 'offers/Offer', 'products/Products', 'products/Product', 'notices/Notices', 'transparency/Transparency'].map((v) => `src/views/${v}.vue`)

const manifest = JSON.parse(readFileSync('dist/.vite/manifest.json', 'utf8'))
const gzipped = new Map()
function size(file) {
  if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(`dist/${file}`), { level: 9 }).length)
  return gzipped.get(file)
}

function closure(key, seen = new Set()) {
  const chunk = manifest[key]
  if (!chunk || seen.has(chunk.file)) return seen
  seen.add(chunk.file)
  for (const dep of chunk.imports ?? []) closure(dep, seen)
  return seen
}

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
let failed = false
for (const view of PUBLIC_VIEWS) {
  if (!manifest[view]) {
    console.error(`budget: ${view} is not in the build`)
    failed = true
    continue
  }
  const files = closure(view, closure(entry))
  const js = [...files].filter((f) => f.endsWith('.js'))
  const kb = js.reduce((n, f) => n + size(f), 0) / 1024
  const verdict = kb <= BUDGET_KB ? 'ok' : 'OVER BUDGET'
  console.log(`budget: ${view.padEnd(34)} ${kb.toFixed(1).padStart(6)} KB gzipped JS in ${js.length} files (${verdict}, limit ${BUDGET_KB} KB)`)
  if (kb > BUDGET_KB) failed = true
}
process.exit(failed ? 1 : 0)
