// How quantities, money and times are shown. Money is kept in fen (分) by the API; a `money`
// need's quantities are fen too. Times are shown in Beijing time, whatever the device's zone.
const TIME_ZONE = 'Asia/Shanghai'

/** Yuan (as typed, up to 2 decimals) in fen, the API's unit of money. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100)
}

export function fenToYuan(fen: number): number {
  return fen / 100
}

export function formatYuan(fen: number, locale = 'zh-CN'): string {
  const yuan = fenToYuan(fen)
  return `¥${yuan.toLocaleString(locale, { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`
}

/** Large sums as 万 / 亿 in Chinese (¥12.5万), with separators in English. */
export function formatYuanShort(fen: number, locale = 'zh-CN'): string {
  const yuan = fenToYuan(fen)
  if (locale === 'zh-CN') {
    if (Math.abs(yuan) >= 1e8) return `¥${trim(yuan / 1e8)}亿`
    if (Math.abs(yuan) >= 1e4) return `¥${trim(yuan / 1e4)}万`
  }
  return `¥${Math.round(yuan).toLocaleString(locale)}`
}

function trim(n: number): string {
  return n.toFixed(n >= 100 ? 0 : 1).replace(/\.0$/, '')
}

/** A quantity in its unit: `¥1,200` for money, `12 件` otherwise. */
export function formatQuantity(quantity: number, unit: string, unitLabel: string, locale = 'zh-CN'): string {
  if (unit === 'money') return formatYuan(quantity, locale)
  return `${quantity.toLocaleString(locale)} ${unitLabel}`
}

export function formatDate(iso: string | null | undefined, locale = 'zh-CN'): string {
  if (!iso) return '—'
  return new Date(iso).toLocaleDateString(locale, { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
}

/** A calendar day (`YYYY-MM-DD`, a Beijing date as the API gives it) in the reader's format. */
export function formatDay(day: string | null | undefined, locale = 'zh-CN'): string {
  if (!day) return '—'
  return formatDate(`${day}T12:00:00+08:00`, locale)
}

export function formatDateTime(iso: string | null | undefined, locale = 'zh-CN'): string {
  if (!iso) return '—'
  return new Date(iso).toLocaleString(locale, {
    timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  })
}

/** Whole days from now until `iso` (negative when past). */
export function daysUntil(iso: string, now = Date.now()): number {
  return Math.ceil((new Date(iso).getTime() - now) / 86_400_000)
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(1).replace(/\.0$/, '')}%`
}
