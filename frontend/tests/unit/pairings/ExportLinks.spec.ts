import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fileNameOf } from '@/api/exports'
import ExportLinks from '@/views/pairings/components/ExportLinks.vue'
import { mountWithApp } from '../mount'

const CSV = 'id,title\n1,村道太阳能路灯\n'

/** A fetch answering every call with `response()`, and the requests it was given. */
function answering(response: () => Response) {
  const requests: Request[] = []
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(input instanceof Request ? input : new Request(String(input), init))
    return response()
  })
  return requests
}

function refusal(status: number, code: string, details: Record<string, unknown> = {}) {
  return () =>
    new Response(JSON.stringify({ error: { code, message: `english ${code}`, details } }), {
      status,
      headers: { 'content-type': 'application/json' },
    })
}

/** The files the page handed the browser to save: (name, the blob's text). */
function savedFiles() {
  const saved: { name: string; href: string }[] = []
  const blobs = new Map<string, Blob>()
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob: Blob | MediaSource) => {
    const href = `blob:test/${blobs.size}`
    blobs.set(href, blob as Blob)
    return href
  })
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined)
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, href: this.getAttribute('href') ?? '' })
  })
  return { saved, text: (href: string) => blobs.get(href)?.text() }
}

async function mountLinks(locale: 'zh-CN' | 'en' = 'zh-CN') {
  const { wrapper } = await mountWithApp(ExportLinks, {
    props: { kind: 'needs', subject: '441426', label: '平远县的需求' },
    locale,
    attachTo: document.body,
  })
  return wrapper
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  document.body.innerHTML = ''
})

describe('export links', () => {
  it('fetch the file through the API client and save it under the name the server gives', async () => {
    const requests = answering(
      () =>
        new Response(CSV, {
          status: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="needs-441426.csv"; filename*=UTF-8''${encodeURIComponent('平远县需求.csv')}`,
          },
        }),
    )
    const files = savedFiles()
    const wrapper = await mountLinks()
    const link = wrapper.get('[data-testid="export-needs-csv"]')
    expect(link.attributes('href')).toBe('/api/v1/exports/needs?region=441426&format=csv')
    await link.trigger('click')
    await flushPromises()

    expect(requests).toHaveLength(1)
    expect(new URL(requests[0]!.url).pathname + new URL(requests[0]!.url).search).toBe('/api/v1/exports/needs?region=441426&format=csv')
    expect(requests[0]!.headers.get('accept-language')).toBe('zh-CN')
    expect(files.saved.map((f) => f.name)).toEqual(['平远县需求.csv'])
    expect(await files.text(files.saved[0]!.href)).toBe(CSV)
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })

  it('say an export too large in Chinese, with the most rows one may hold, and save nothing', async () => {
    answering(refusal(422, 'export_too_large', { max_rows: 50000 }))
    const files = savedFiles()
    const wrapper = await mountLinks()
    await wrapper.get('[data-testid="export-needs-xlsx"]').trigger('click')
    await flushPromises()

    const problem = wrapper.get('[data-testid="export-needs-problem"]')
    expect(problem.attributes('role')).toBe('alert')
    expect(problem.text()).toContain('这份导出超过 50000 行')
    expect(problem.text()).not.toContain('{')
    expect(files.saved).toEqual([])
  })

  it('say too many exports in English to an English reader, and clear it on the next success', async () => {
    let refuse = true
    answering(() =>
      refuse
        ? refusal(429, 'rate_limited')()
        : new Response(CSV, { status: 200, headers: { 'content-disposition': 'attachment; filename="needs-441426.csv"' } }),
    )
    const files = savedFiles()
    const wrapper = await mountLinks('en')
    await wrapper.get('[data-testid="export-needs-csv"]').trigger('click')
    await flushPromises()
    expect(wrapper.get('[data-testid="export-needs-problem"]').text()).toBe('Too many attempts. Try again later.')
    expect(files.saved).toEqual([])

    refuse = false
    await wrapper.get('[data-testid="export-needs-csv"]').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="export-needs-problem"]').exists()).toBe(false)
    expect(files.saved.map((f) => f.name)).toEqual(['needs-441426.csv'])
  })
})

describe('a download’s file name', () => {
  it('is the UTF-8 name when there is one, else the plain one', () => {
    expect(fileNameOf(`attachment; filename="ledger-1.csv"; filename*=UTF-8''%E5%8F%B0%E8%B4%A6.csv`)).toBe('台账.csv')
    expect(fileNameOf('attachment; filename="ledger-1.xlsx"')).toBe('ledger-1.xlsx')
    expect(fileNameOf('attachment; filename=ledger-1.csv')).toBe('ledger-1.csv')
    expect(fileNameOf(`attachment; filename="x.csv"; filename*=UTF-8''%E5%ZZ`)).toBe('x.csv')
    expect(fileNameOf(null)).toBeNull()
    expect(fileNameOf('attachment')).toBeNull()
  })
})
