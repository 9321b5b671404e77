// The bounds the API document states for a request field (`bounds.gen.ts`, generated from
// openapi.json), and the field error the server would answer a value with by them: the forms
// refuse before sending what the server would refuse, in the same words (`fieldErrorText`).
import { BOUNDS } from './bounds.gen'
import type { FieldError } from './client'

export type BoundedSchema = keyof typeof BOUNDS
export type BoundedField<S extends BoundedSchema> = keyof (typeof BOUNDS)[S] & string

export interface Bound {
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  pattern?: string
  minItems?: number
  maxItems?: number
  itemPattern?: string
  required?: boolean
}

/** The document's bounds of `schema.field`. */
export function bound<S extends BoundedSchema>(schema: S, field: BoundedField<S>): Bound {
  return (BOUNDS[schema] as Record<string, Bound>)[field] ?? {}
}

const fieldError = (e: Omit<FieldError, 'message'>): FieldError => ({ ...e, message: '' }) as FieldError

/** A text's length as the server counts it: characters, leading and trailing spaces not counted. */
export function textLength(text: string): number {
  return [...text.trim()].length
}

/**
 * What the server would say of `value` as `schema.field` by the document's rules, or null when
 * they hold. Texts are measured trimmed; an empty value is only wrong when the field is required.
 */
export function checkValue(b: Bound, value: unknown): FieldError | null {
  const empty = value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
  if (empty) return b.required ? fieldError({ code: 'required' }) : null
  if (typeof value === 'string') {
    const length = textLength(value)
    if ((b.minLength !== undefined && length < b.minLength) || (b.maxLength !== undefined && length > b.maxLength)) {
      return fieldError({ code: 'length', min: b.minLength, max: b.maxLength })
    }
    if (b.pattern !== undefined && !new RegExp(b.pattern, 'u').test(value)) return fieldError({ code: 'invalid' })
    return null
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    if (typeof value === 'number' && !Number.isInteger(value)) return fieldError({ code: 'invalid_type' })
    if ((b.minimum !== undefined && value < b.minimum) || (b.maximum !== undefined && value > b.maximum)) {
      return fieldError({ code: 'range', min: b.minimum, max: b.maximum })
    }
    return null
  }
  if (Array.isArray(value)) {
    if ((b.minItems !== undefined && value.length < b.minItems) || (b.maxItems !== undefined && value.length > b.maxItems)) {
      return fieldError({ code: 'items', min: b.minItems, max: b.maxItems })
    }
    return null
  }
  return null
}

export function check<S extends BoundedSchema>(schema: S, field: BoundedField<S>, value: unknown): FieldError | null {
  return checkValue(bound(schema, field), value)
}
