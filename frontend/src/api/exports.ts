// Exports (导出), CSV or XLSX: a region's public needs, an organisation's ledger (台账) and its
// purchases of villages' products (消费帮扶台账). Links,
// not calls: the browser downloads them with the session cookie, under the server's file name.
export type ExportKind = 'needs' | 'ledger' | 'purchases'
export type ExportFormat = 'csv' | 'xlsx'

/** `needs` of a region code (any level), or the `ledger` or `purchases` (消费帮扶台账) of an organisation id. */
export function exportUrl(kind: ExportKind, subject: string | number, format: ExportFormat): string {
  const key = kind === 'needs' ? 'region' : 'org'
  return `/api/v1/exports/${kind}?${key}=${encodeURIComponent(String(subject))}&format=${format}`
}
