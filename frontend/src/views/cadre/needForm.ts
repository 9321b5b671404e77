// The need editor's form and what it sends: money typed in yuan goes out in fen, a deadline
// picked as a date is the end of that day in Beijing, and an edit sends only what changed.
import { check } from '@/api/bounds'
import type { FieldError, Schemas } from '@/api/client'
import { fenToYuan, yuanToFen } from '@/utils/format'
import type { Category, Unit, Urgency } from './codes'

type Need = Schemas['NeedDetail']
export type NewNeed = Schemas['NewNeed']
export type NeedChanges = Schemas['NeedChanges']

export interface Draft {
  beneficiary: 'household' | 'village'
  village_code: string
  household_id: number | null
  category: Category | ''
  title: string
  description: string
  unit: Unit
  /** In the unit; in yuan for money. */
  target: number | null | undefined
  /** Estimated value of one unit, in yuan (none for money). */
  unit_value_yuan: number | null | undefined
  urgency: Urgency
  /** `YYYY-MM-DD`, a Beijing date. */
  deadline: string
  /** The smallest pledge taken, in the unit (yuan for money); empty for any. */
  min_pledge: number | null | undefined
}

const TIME_ZONE = 'Asia/Shanghai'
const DEFAULT_DEADLINE_DAYS = 30

/** The Beijing date of an instant, as `YYYY-MM-DD`. */
export function beijingDate(iso: string | Date): string {
  return new Date(iso).toLocaleDateString('en-CA', { timeZone: TIME_ZONE })
}

/** The last second of a Beijing date, as an ISO instant. */
export function endOfBeijingDay(date: string): string {
  return new Date(`${date}T23:59:59+08:00`).toISOString()
}

const filled = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n)

export function draftOf(need: Need | null, now = new Date()): Draft {
  if (!need) {
    return {
      beneficiary: 'village',
      village_code: '',
      household_id: null,
      category: '',
      title: '',
      description: '',
      unit: 'item',
      target: undefined,
      unit_value_yuan: undefined,
      urgency: 'normal',
      deadline: beijingDate(new Date(now.getTime() + DEFAULT_DEADLINE_DAYS * 86_400_000)),
      min_pledge: undefined,
    }
  }
  const unit = need.unit
  const money = unit === 'money'
  return {
    beneficiary: need.beneficiary.kind,
    village_code: need.region_codes[need.region_codes.length - 1] ?? '',
    household_id: need.review?.household_id ?? null,
    category: need.category,
    title: need.title,
    description: need.description,
    unit,
    target: money ? fenToYuan(need.target_quantity) : need.target_quantity,
    unit_value_yuan: money ? undefined : fenToYuan(need.unit_value_fen),
    urgency: need.urgency,
    deadline: beijingDate(need.deadline),
    min_pledge: need.min_pledge_quantity > 1 ? (money ? fenToYuan(need.min_pledge_quantity) : need.min_pledge_quantity) : undefined,
  }
}

/** The draft's quantities in the wire's units. */
function quantities(d: Draft) {
  const money = d.unit === 'money'
  const inUnit = (n: number) => (money ? yuanToFen(n) : Math.round(n))
  return {
    target_quantity: filled(d.target) ? inUnit(d.target) : 0,
    unit_value_fen: money || !filled(d.unit_value_yuan) ? null : yuanToFen(d.unit_value_yuan),
    min_pledge_quantity: filled(d.min_pledge) ? inUnit(d.min_pledge) : null,
  }
}

export function newNeedOf(d: Draft): NewNeed {
  const household = d.beneficiary === 'household'
  return {
    beneficiary: d.beneficiary,
    household_id: household ? d.household_id : null,
    village_code: household ? null : d.village_code,
    // The form requires a category before it sends.
    category: d.category as Category,
    title: d.title.trim(),
    description: d.description.trim(),
    unit: d.unit,
    ...quantities(d),
    urgency: d.urgency,
    deadline: endOfBeijingDay(d.deadline),
  }
}

/** What an edit of `need` changes. A new unit takes its value per unit along (the API wants both). */
export function changesOf(d: Draft, need: Need): NeedChanges {
  const out: NeedChanges = {}
  const q = quantities(d)
  const unitChanged = d.unit !== need.unit
  if (d.category && d.category !== need.category) out.category = d.category
  if (d.title.trim() !== need.title) out.title = d.title.trim()
  if (d.description.trim() !== need.description) out.description = d.description.trim()
  if (unitChanged) out.unit = d.unit
  if (q.target_quantity !== need.target_quantity) out.target_quantity = q.target_quantity
  if (q.unit_value_fen !== null && (unitChanged || q.unit_value_fen !== need.unit_value_fen)) out.unit_value_fen = q.unit_value_fen
  if (d.urgency !== need.urgency) out.urgency = d.urgency
  if (d.deadline !== beijingDate(need.deadline)) out.deadline = endOfBeijingDay(d.deadline)
  const minimum = q.min_pledge_quantity ?? 1
  if (minimum !== need.min_pledge_quantity) out.min_pledge_quantity = minimum
  return out
}

/**
 * The server's bounds of a need's target that the API document states only in words
 * (`NeedFields.target_quantity`: at most 1,000,000 units, or 1 亿元 in fen; a total value of at
 * most 1 亿元): its `exceeds` and `total_value` rules.
 */
export const NEED_MAX_QUANTITY = 1_000_000
export const NEED_MAX_TOTAL_FEN = 10_000_000_000

/** The draft's total value in fen, counted exactly (BigInt); null while a figure is missing. */
export function totalFen(d: Pick<Draft, 'unit' | 'target' | 'unit_value_yuan'>): bigint | null {
  if (!filled(d.target)) return null
  if (d.unit === 'money') return BigInt(yuanToFen(d.target))
  if (!filled(d.unit_value_yuan)) return null
  return BigInt(Math.round(d.target)) * BigInt(yuanToFen(d.unit_value_yuan))
}

const fieldError = (e: Omit<FieldError, 'message'>): FieldError => ({ ...e, message: '' }) as FieldError

/**
 * What the server would say of the draft's target: the document's bounds (at least 1), then its
 * rules in words (at most so many units, or 1 亿元 in all). Null when it would take it.
 */
export function targetProblem(d: Pick<Draft, 'unit' | 'target' | 'unit_value_yuan'>): FieldError | null {
  const money = d.unit === 'money'
  const sent = filled(d.target) ? (money ? yuanToFen(d.target) : d.target) : null
  const problem = check('NewNeed', 'target_quantity', sent)
  if (problem || sent === null) return problem
  const most = money ? NEED_MAX_TOTAL_FEN : NEED_MAX_QUANTITY
  if (sent > most) return fieldError({ code: 'exceeds', max: most })
  const total = totalFen(d)
  if (total !== null && total > BigInt(NEED_MAX_TOTAL_FEN)) return fieldError({ code: 'total_value', max: NEED_MAX_TOTAL_FEN })
  return null
}
