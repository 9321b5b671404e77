// The form's early check of a resident ID-card number (居民身份证号码, GB 11643-1999): 17 digits
// and a check character computed from them (ISO 7064 MOD 11-2). The server checks it again and
// decides; this only spares the cadre a round trip for a mistyped digit.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

export type IdCardProblem = 'format' | 'checksum'

export function idCardProblem(raw: string): IdCardProblem | null {
  const value = raw.trim().toUpperCase()
  if (!/^[0-9]{17}[0-9X]$/.test(value)) return 'format'
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(value[i]), 0)
  return CHECK[sum % 11] === value[17] ? null : 'checksum'
}
