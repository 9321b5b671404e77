// Exports (导出), CSV or XLSX: a region's public needs, an organisation's ledger (台账) and its
// purchases of villages' products (消费帮扶台账). Fetched through the client like any call (the
// session cookie, the language), as a file: a refusal (`export_too_large`, `rate_limited`, …)
// is an `ApiError` to say in the reader's language, never the raw JSON a plain link would open.
import { answered, client } from './client'

export type ExportKind = 'needs' | 'ledger' | 'purchases'
export type ExportFormat = 'csv' | 'xlsx'

/** `needs` of a region code (any level), or the `ledger` or `purchases` (消费帮扶台账) of an organisation id. */
export function exportUrl(kind: ExportKind, subject: string | number, format: ExportFormat): string {
  const key = kind === 'needs' ? 'region' : 'org'
  return `/api/v1/exports/${kind}?${key}=${encodeURIComponent(String(subject))}&format=${format}`
}

export interface ExportFile {
  blob: Blob
  /** The server's name for it (`filename*`, UTF-8, else `filename`), or one made from the request. */
  fileName: string
}

/** The file name of a `Content-Disposition` header, as RFC 6266 gives it. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition)
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim())
    } catch {
      // Not valid percent-encoding: the plain name below.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/i.exec(disposition)
  return plain?.[1] ?? plain?.[2] ?? null
}

/** Fetches an export; throws the server's refusal as an `ApiError`. */
export async function fetchExport(kind: ExportKind, subject: string | number, format: ExportFormat): Promise<ExportFile> {
  const answer =
    kind === 'needs'
      ? await answered(client.GET('/api/v1/exports/needs', { params: { query: { region: String(subject), format } }, parseAs: 'blob' }))
      : await answered(
          client.GET(kind === 'ledger' ? '/api/v1/exports/ledger' : '/api/v1/exports/purchases', {
            params: { query: { org: Number(subject), format } },
            parseAs: 'blob',
          }),
        )
  return {
    blob: answer.data as unknown as Blob,
    fileName: fileNameOf(answer.response.headers.get('content-disposition')) ?? `${kind}-${subject}.${format}`,
  }
}
