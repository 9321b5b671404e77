// The bounds the API document states for each request field (lengths, numbers' least and
// greatest values, patterns, how many items), taken out of `src/api/openapi.json` into a small
// module the forms import (`src/api/bounds.gen.ts`): the forms refuse before sending what the
// server would refuse, by the same rules. `npm run api:types` runs this after regenerating the
// types; a unit test fails when the module no longer matches the document.
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const KEYS = ['minLength', 'maxLength', 'minimum', 'maximum', 'pattern', 'minItems', 'maxItems']

/** The schemas the API takes as request bodies. */
function requestBodies(doc) {
  const names = new Set()
  for (const item of Object.values(doc.paths)) {
    for (const operation of Object.values(item)) {
      for (const media of Object.values(operation?.requestBody?.content ?? {})) {
        const ref = media.schema?.$ref
        if (ref) names.add(ref.split('/').pop())
      }
    }
  }
  return names
}

/** `{schema: {field: {minLength, …, required}}}` for each request body with a bounded field. */
export function boundsOf(doc) {
  const schemas = doc.components.schemas
  const bodies = requestBodies(doc)
  const resolve = (s) => (s && s.$ref ? schemas[s.$ref.split('/').pop()] : s)
  /** An object schema's properties and required names, its `allOf` parts merged. */
  function object(schema, seen = new Set()) {
    const s = resolve(schema)
    if (!s || seen.has(s)) return { properties: {}, required: [] }
    seen.add(s)
    const out = { properties: { ...(s.properties ?? {}) }, required: [...(s.required ?? [])] }
    for (const part of s.allOf ?? []) {
      const inner = object(part, seen)
      Object.assign(out.properties, inner.properties)
      out.required.push(...inner.required)
    }
    return out
  }
  const result = {}
  for (const name of [...bodies].sort()) {
    const { properties, required } = object(schemas[name])
    const fields = {}
    for (const field of Object.keys(properties).sort()) {
      const p = properties[field]
      const rule = {}
      for (const key of KEYS) if (p[key] !== undefined) rule[key] = p[key]
      const items = resolve(p.items)
      if (items?.pattern !== undefined) rule.itemPattern = items.pattern
      if (Object.keys(rule).length === 0) continue
      if (required.includes(field)) rule.required = true
      fields[field] = rule
    }
    if (Object.keys(fields).length > 0) result[name] = fields
  }
  return result
}

export function render(bounds) {
  return `// Generated from openapi.json by scripts/bounds.mjs (npm run api:types): do not edit.
// The bounds the API document states for each field of each schema.
export const BOUNDS = ${JSON.stringify(bounds, null, 2)} as const
`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'api')
  const openapi = join(api, 'openapi.json')
  const generated = join(api, 'bounds.gen.ts')
  writeFileSync(generated, render(boundsOf(JSON.parse(readFileSync(openapi, 'utf8')))))
}
