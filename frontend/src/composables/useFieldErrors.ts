// Errors from the API shown on the form field they name (`fields: {"title": ["…"]}`), and the
// rest as a message. Field names are the API's (`target_quantity`), which the forms use as
// their `prop`s.
import { reactive } from 'vue'
import { ApiError } from '@/api/client'
import { notifyError } from '@/utils/feedback'

export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({})

  function clear() {
    for (const key of Object.keys(errors)) delete errors[key]
  }

  /** Shows `e`: on its fields when it names any, and always as a message. */
  function show(e: unknown) {
    clear()
    const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e))
    for (const [field, messages] of Object.entries(error.fields)) {
      errors[field] = messages.join('；')
    }
    notifyError(error)
  }

  return { errors, clear, show }
}

export { notifyError }
