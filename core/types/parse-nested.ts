/**
 * LIST/ARRAY text `[1, 2, NULL]` and STRUCT text `{'a': 1, b: x}` — the forms formatValue
 * writes — parsed back for casts from VARCHAR. Elements may be quoted with ' or " (backslash
 * escapes inside); an unquoted NULL is SQL NULL.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import { type ArrayType, type ListType, type LogicalType, type StructType, type Value, typeToString } from './types.ts'
import { parseValue } from './parse.ts'

function invalid(type: LogicalType, text: string, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${typeToString(type)}: "${text}"`, { hint })
}

/** One element as written: its text, and whether it was quoted (then it is never NULL). */
interface RawItem { readonly text: string; readonly quoted: boolean }

/** Splits `body` at top-level occurrences of `sep`, honouring brackets and quotes. */
function splitTopLevel(body: string, sep: number, type: LogicalType, whole: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote = 0
  let start = 0
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i)
    if (quote !== 0) {
      if (c === 92) i++
      else if (c === quote) quote = 0
      continue
    }
    if (c === 39 || c === 34) quote = c
    else if (c === 91 || c === 123 || c === 40) depth++
    else if (c === 93 || c === 125 || c === 41) {
      depth--
      if (depth < 0) throw invalid(type, whole, 'brackets are not balanced')
    } else if (c === sep && depth === 0) {
      parts.push(body.slice(start, i))
      start = i + 1
    }
  }
  if (quote !== 0) throw invalid(type, whole, 'a quoted element is not closed')
  if (depth !== 0) throw invalid(type, whole, 'brackets are not balanced')
  parts.push(body.slice(start))
  return parts
}

function unquote(raw: string): RawItem {
  const t = raw.trim()
  const q = t.charCodeAt(0)
  if (t.length >= 2 && (q === 39 || q === 34) && t.charCodeAt(t.length - 1) === q) {
    let out = ''
    for (let i = 1; i < t.length - 1; i++) {
      const c = t[i]!
      if (c === '\\' && i + 1 < t.length - 1) { out += t[i + 1]; i++ } else out += c
    }
    return { text: out, quoted: true }
  }
  return { text: t, quoted: false }
}

function elementValue(item: RawItem, type: LogicalType): Value {
  if (!item.quoted && item.text.length === 4 && item.text.toUpperCase() === 'NULL') return null
  return parseValue(item.text, type)
}

export function parseNestedList(text: string, type: ListType | ArrayType, size: number | null): Value[] {
  const t = text.trim()
  if (t.charCodeAt(0) !== 91 || t.charCodeAt(t.length - 1) !== 93) {
    throw invalid(type, text, 'expected a list such as [1, 2, NULL]')
  }
  const body = t.slice(1, -1)
  const out: Value[] = []
  if (body.trim().length > 0) {
    for (const part of splitTopLevel(body, 44, type, text)) {
      const item = unquote(part)
      if (!item.quoted && item.text.length === 0) throw invalid(type, text, 'a list element is empty; write NULL or quote it')
      out.push(elementValue(item, type.child))
    }
  }
  if (size !== null && out.length !== size) {
    throw new GrizzlyError(SqlState.invalidParameterValue,
      `cannot cast a list of ${out.length} elements to ${typeToString(type)}`, { hint: `an ${typeToString(type)} holds exactly ${size} elements` })
  }
  return out
}

export function parseNestedStruct(text: string, type: StructType): { [field: string]: Value } {
  const t = text.trim()
  if (t.charCodeAt(0) !== 123 || t.charCodeAt(t.length - 1) !== 125) {
    throw invalid(type, text, "expected a struct such as {'a': 1, 'b': x}")
  }
  const body = t.slice(1, -1)
  const out: { [field: string]: Value } = {}
  for (const f of type.fields) out[f.name] = null
  if (body.trim().length === 0) return out
  for (const part of splitTopLevel(body, 44, type, text)) {
    const kv = splitTopLevel(part, 58, type, text)
    if (kv.length < 2) throw invalid(type, text, "each struct entry must be written as name: value")
    const key = unquote(kv[0]!).text
    const valueText = kv.slice(1).join(':')
    const field = type.fields.find(f => f.name === key) ?? type.fields.find(f => f.name.toLowerCase() === key.toLowerCase())
    if (field === undefined) {
      throw invalid(type, text, `the struct has no field "${key}"; its fields are ${type.fields.map(f => f.name).join(', ')}`)
    }
    out[field.name] = elementValue(unquote(valueText), field.type)
  }
  return out
}
