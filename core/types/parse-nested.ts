/**
 * LIST/ARRAY text `[1, 2, NULL]` and STRUCT text `{'a': 1, b: x}` — the forms formatValue
 * writes — parsed back for casts from VARCHAR, following DuckDB's rules:
 * - an element may mix unquoted text and '…' / "…" sections (`nested"["bracket` is `nested[bracket`);
 * - inside quotes a backslash takes the next character literally; outside quotes `\'` and `\"`
 *   are literal quotes and any other backslash is kept;
 * - unquoted text is trimmed; brackets inside an element must balance;
 * - an unquoted NULL is SQL NULL, an empty unquoted element is the empty string;
 * - struct keys run to the first top-level ':' (so a key may hold a comma).
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import { type ArrayType, type ListType, type LogicalType, type StructType, type Value, typeToString } from './types.ts'
import { parseValue } from './parse.ts'

function invalid(type: LogicalType, text: string, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${typeToString(type)}: "${text}"`, { hint })
}

/** One scanned piece: its unescaped text, the raw source text, whether any of it was quoted. */
interface Piece { readonly text: string; readonly raw: string; readonly quoted: boolean; readonly end: number }

const SPACE = /\s/

/**
 * Scans from `start` until an unquoted, top-level character in `stops` (or the end of `body`).
 * Throws on unbalanced brackets or an unterminated quote.
 */
function scan(body: string, start: number, stops: string, type: LogicalType, whole: string, brackets = true): Piece {
  let i = start
  while (i < body.length && SPACE.test(body[i]!)) i++
  const rawStart = i
  let out = ''
  let significant = 0
  let quoted = false
  let quote = ''
  let depth = 0
  for (; i < body.length; i++) {
    const c = body[i]!
    if (quote !== '') {
      if (c === '\\' && i + 1 < body.length) { out += body[++i]; significant = out.length; continue }
      if (c === quote) { quote = ''; significant = out.length; continue }
      out += c; significant = out.length
      continue
    }
    if (depth === 0 && stops.includes(c)) break
    if (c === '\\' && (body[i + 1] === '"' || body[i + 1] === "'")) { out += body[++i]; significant = out.length; continue }
    if (c === '"' || c === "'") { quote = c; quoted = true; continue }
    if (!brackets) { /* struct keys may hold unbalanced brackets: 'user(name' */ }
    else if (c === '[' || c === '{' || c === '(') depth++
    else if (c === ']' || c === '}' || c === ')') {
      if (--depth < 0) throw invalid(type, whole, 'brackets are not balanced')
    }
    out += c
    if (!SPACE.test(c)) significant = out.length
  }
  if (quote !== '') throw invalid(type, whole, 'a quoted element is not closed')
  if (depth !== 0) throw invalid(type, whole, 'brackets are not balanced')
  let rawEnd = i
  while (rawEnd > rawStart && SPACE.test(body[rawEnd - 1]!)) rawEnd--
  return { text: out.slice(0, significant), raw: body.slice(rawStart, rawEnd), quoted, end: i }
}

function isNestedType(t: LogicalType): boolean { return t.id === 'LIST' || t.id === 'ARRAY' || t.id === 'STRUCT' }

function pieceValue(p: Piece, type: LogicalType, lenient: boolean): Value {
  if (!p.quoted && p.text.length === 4 && p.text.toUpperCase() === 'NULL') return null
  // nested children parse their own text, quotes and all
  const text = isNestedType(type) ? p.raw : p.text
  if (!lenient) return parseValue(text, type)
  try {
    switch (type.id) {
      case 'LIST': return parseNestedList(text, type, null, true)
      case 'ARRAY': return parseNestedList(text, type, type.size, true)
      case 'STRUCT': return parseNestedStruct(text, type, true)
      default: return parseValue(text, type)
    }
  } catch (e) {
    if (e instanceof GrizzlyError) return null
    throw e
  }
}

function body(text: string, open: string, close: string, type: LogicalType, hint: string): string {
  const t = text.trim()
  if (t[0] !== open || t[t.length - 1] !== close || t.length < 2) throw invalid(type, text, hint)
  return t.slice(1, -1)
}

/**
 * `lenient` (TRY_CAST) turns elements that do not parse into NULL elements, as DuckDB does;
 * the list's own structure must still be well formed.
 */
export function parseNestedList(text: string, type: ListType | ArrayType, size: number | null, lenient = false): Value[] {
  const inner = body(text, '[', ']', type, 'expected a list such as [1, 2, NULL]')
  const out: Value[] = []
  if (inner.trim().length > 0) {
    let pos = 0
    for (;;) {
      const p = scan(inner, pos, ',', type, text)
      out.push(pieceValue(p, type.child, lenient))
      if (p.end >= inner.length) break
      pos = p.end + 1
    }
  }
  if (size !== null && out.length !== size) {
    throw new GrizzlyError(SqlState.invalidParameterValue,
      `cannot cast a list of ${out.length} elements to ${typeToString(type)}`, { hint: `an ${typeToString(type)} holds exactly ${size} elements` })
  }
  return out
}

export function parseNestedStruct(text: string, type: StructType, lenient = false): { [field: string]: Value } {
  const inner = body(text, '{', '}', type, "expected a struct such as {'a': 1, 'b': x}")
  const out: { [field: string]: Value } = {}
  for (const f of type.fields) out[f.name] = null
  if (inner.trim().length === 0) return out
  let pos = 0
  for (;;) {
    const key = scan(inner, pos, ':', type, text, false)
    if (key.end >= inner.length) throw invalid(type, text, 'each struct entry must be written as name: value')
    const field = type.fields.find(f => f.name === key.text) ?? type.fields.find(f => f.name.toLowerCase() === key.text.toLowerCase())
    if (field === undefined) {
      throw invalid(type, text, `the struct has no field "${key.text}"; its fields are ${type.fields.map(f => f.name).join(', ')}`)
    }
    const value = scan(inner, key.end + 1, ',', type, text)
    out[field.name] = pieceValue(value, field.type, lenient)
    if (value.end >= inner.length) break
    pos = value.end + 1
  }
  return out
}
