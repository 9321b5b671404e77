// Errors from the API shown on the form field they name, and the rest as a message. The API
// names each field's broken rules by code and parameters (`fields: {"title": [{"code":
// "length", "min": 4, "max": 60, "message": "…"}]}`); they are put in the user's language from
// `errors.field` in the locales. The server's `message` is English for developers and is never
// shown: a code this app does not know reads "此项填写有误" / "This field is not valid". Field
// names are the API's (`target_quantity`), which the forms use as their `prop`s.
import { reactive } from 'vue'
import { ApiError, type FieldError } from '@/api/client'
import { i18n } from '@/locales'
import { notifyError } from '@/utils/feedback'
import { formatYuanShort } from '@/utils/format'

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

/** One field error in the app's language, from its code and parameters. */
export function fieldErrorText(error: FieldError): string {
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
  const named = { min: error.min, max: error.max, days: error.days, levels, field: other, amount }
  return tr(key(error), named) ?? tr(error.code, named) ?? (tr('invalid') as string)
}

/** Each field's errors in the app's language, joined: `{"title": "应为 4–60 个字"}`. */
export function fieldMessages(fields: Record<string, FieldError[]>): Record<string, string> {
  const separator = (i18n.global as unknown as Translate).t('errors.field.separator')
  const messages: Record<string, string> = {}
  for (const [field, errors] of Object.entries(fields)) {
    messages[field] = errors.map(fieldErrorText).join(separator)
  }
  return messages
}

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  /** Shows `e`: on its fields when it names any, and always as a message. */
  function show(e: unknown) {
    clear()
    const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
    Object.assign(errors, fieldMessages(error.fields))
    notifyError(error)
  }

  return { errors, clear, show }
}

export { notifyError }
