// Errors from the API shown on the form field they name, and the rest as a message. The API
// names each field's broken rules by code and parameters (`fields: {"title": [{"code":
// "length", "min": 4, "max": 60, "message": "…"}]}`); they are put in the user's language from
// `errors.field` in the locales. The server's `message` is English for developers and is never
// shown: a code this app does not know reads "此项填写有误" / "This field is not valid". Field
// names are the API's (`target_quantity`), which the forms use as their `prop`s. A money field's
// bounds (`unit_value_fen`, a money need's quantities) are said in 元, never in fen.
//
// `schemaRule` checks a form field before it is sent by the bounds the API document states
// (`@/api/bounds`), and says what is wrong in the same words as the server's answer would.
import { reactive } from 'vue'
import type { FormItemRule } from 'element-plus'
import { checkValue, bound, type Bound, type BoundedField, type BoundedSchema } from '@/api/bounds'
import { ApiError, type FieldError } from '@/api/client'
import { i18n } from '@/locales'
import { notifyError } from '@/utils/feedback'
import { formatYuan, formatYuanShort } from '@/utils/format'

type Translate = {
  t(key: string, named?: Record<string, unknown>): string
  te(key: string): boolean
  locale: { value: string }
}

/** The key under `errors.field` for `error`: its code, refined by its parameters. */
function key(error: FieldError): string {
  const { code, min, max } = error
  switch (code) {
    case 'length':
    case 'items':
    case 'range': {
      if (code === 'range' && min !== undefined && min === max) return 'range_exact'
      if (min !== undefined && max !== undefined) return code
      if (min !== undefined) return `${code}_min`
      if (max !== undefined) return `${code}_max`
      return 'invalid'
    }
    case 'id_card':
    case 'credit_code':
      return error.reason ? `${code}_${error.reason}` : code
    case 'private_data':
      return error.kind ? `${code}_${error.kind}` : code
    case 'region_code':
      return error.levels?.length ? 'region_code_levels' : code
    case 'region_level':
      return error.levels?.length ? code : 'invalid'
    default:
      return code
  }
}

/** Whether a field holds money in fen; by default, the API's `…_fen` fields. */
export type MoneyFields = (field: string) => boolean
const FEN_FIELDS: MoneyFields = (field) => field.endsWith('_fen')

/** One field error in the app's language, from its code and parameters (`money`: its bounds are fen, said in 元). */
export function fieldErrorText(error: FieldError, money = false): string {
  const i18nGlobal = i18n.global as unknown as Translate
  const locale = i18nGlobal.locale.value
  const tr = (name: string, named?: Record<string, unknown>) => {
    const full = `errors.field.${name}`
    return i18nGlobal.te(full) ? i18nGlobal.t(full, named) : null
  }
  const levels = new Intl.ListFormat(locale, { type: 'disjunction' }).format(
    (error.levels ?? []).map((l) => tr(`level.${l}`) ?? l),
  )
  const other = tr(`other.${error.field}`) ?? tr('other.other')
  const amount = error.max === undefined ? '' : formatYuanShort(error.max, locale)
  const figure = (n: number | undefined) => {
    if (n === undefined) return n
    // Large figures grouped (1,000,000); lengths as they are (10–1000 个字).
    return money ? formatYuan(n, locale) : Math.abs(n) >= 10_000 ? n.toLocaleString(locale) : n
  }
  const named = { min: figure(error.min), max: figure(error.max), days: error.days, levels, field: other, amount }
  return tr(key(error), named) ?? tr(error.code, named) ?? (tr('invalid') as string)
}

/** Each field's errors in the app's language, joined: `{"title": "应为 4–60 个字"}`. */
export function fieldMessages(fields: Record<string, FieldError[]>, money: MoneyFields = FEN_FIELDS): Record<string, string> {
  const separator = (i18n.global as unknown as Translate).t('errors.field.separator')
  const messages: Record<string, string> = {}
  for (const [field, errors] of Object.entries(fields)) {
    messages[field] = errors.map((e) => fieldErrorText(e, money(field))).join(separator)
  }
  return messages
}

interface RuleOptions {
  /** The value the API would be sent for the form's (yuan typed for fen, a date for an instant…). */
  value?: (value: unknown) => unknown
  /** Whether the field's figures are fen (said in 元). */
  money?: boolean | (() => boolean)
  trigger?: 'blur' | 'change'
  /** Bounds of the form's own beyond the document's (a rule the server states only in words). */
  extra?: Bound
}

/**
 * An Element Plus rule refusing what the server would refuse of `schema.field` by the API
 * document's bounds, with the words its answer would be shown in.
 */
export function schemaRule<S extends BoundedSchema>(schema: S, field: BoundedField<S>, options: RuleOptions = {}): FormItemRule {
  return {
    trigger: options.trigger ?? 'blur',
    required: bound(schema, field).required,
    validator: (_rule, value: unknown, callback: (error?: Error) => void) => {
      const sent = options.value ? options.value(value) : value
      const problem = checkValue({ ...bound(schema, field), ...options.extra }, sent)
      const money = typeof options.money === 'function' ? options.money() : (options.money ?? FEN_FIELDS(field))
      if (problem) callback(new Error(fieldErrorText(problem, money)))
      else callback()
    },
  }
}

export function useFieldErrors(options: { money?: MoneyFields } = {}) {
  const errors = reactive<Record<string, string>>({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  /** Shows `e`: on its fields when it names any, and always as a message. */
  function show(e: unknown) {
    clear()
    const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
    Object.assign(errors, fieldMessages(error.fields, options.money))
    notifyError(error)
  }

  return { errors, clear, show }
}

export { notifyError }
