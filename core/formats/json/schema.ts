/**
 * JSON values ↔ SQL types: the type a sample of values suggests (as DuckDB's read_json detects
 * it), and the conversion of one JSON value to the engine's internal value of a given type.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import { formatValue } from '../../types/format.ts'
import { parseDate, parseTimestamp, parseValue } from '../../types/parse.ts'
import { BIGINT, BOOLEAN, DATE, DOUBLE, type LogicalType, NULL_TYPE, TIMESTAMP, VARCHAR, type Value, list, struct, type StructField } from '../../types/types.ts'
import type { JsonValue } from './parse.ts'

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?Z?$/

/** The type one JSON value suggests; `depth` levels of nesting become STRUCT/LIST, deeper is VARCHAR. */
export function typeOfJson(v: JsonValue, depth: number, dateFormat: boolean): LogicalType {
  if (v === null) return NULL_TYPE
  switch (typeof v) {
    case 'boolean': return BOOLEAN
    // values come from the exact parser: integers are bigints, other numbers are numbers
    case 'number': return DOUBLE
    case 'bigint': return v >= -(2n ** 63n) && v < 2n ** 63n ? BIGINT : DOUBLE
    case 'string': {
      if (dateFormat) {
        if (DATE_TEXT.test(v) && parses(parseDate, v)) return DATE
        if (TIMESTAMP_TEXT.test(v) && parses(parseTimestamp, v.replace(/Z$/, ''))) return TIMESTAMP
      }
      return VARCHAR
    }
    default: break
  }
  if (depth <= 0) return VARCHAR
  if (Array.isArray(v)) {
    let child: LogicalType = NULL_TYPE
    for (const item of v) child = mergeTypes(child, typeOfJson(item, depth - 1, dateFormat))
    return list(child)
  }
  const fields: StructField[] = []
  for (const [name, item] of Object.entries(v)) fields.push({ name, type: typeOfJson(item, depth - 1, dateFormat) })
  return struct(fields)
}

function parses(f: (s: string) => number, s: string): boolean {
  try { return Number.isFinite(f(s)) } catch { return false }
}

/** The narrowest type holding both (DuckDB's JSON detection): mixed kinds become VARCHAR (JSON text). */
export function mergeTypes(a: LogicalType, b: LogicalType): LogicalType {
  if (a.id === 'NULL') return b
  if (b.id === 'NULL') return a
  if (a.id === b.id) {
    if (a.id === 'LIST' && b.id === 'LIST') return list(mergeTypes(a.child, b.child))
    if (a.id === 'STRUCT' && b.id === 'STRUCT') {
      const fields: StructField[] = a.fields.map(f => {
        const other = b.fields.find(g => g.name === f.name)
        return other === undefined ? f : { name: f.name, type: mergeTypes(f.type, other.type) }
      })
      for (const g of b.fields) if (!a.fields.some(f => f.name === g.name)) fields.push(g)
      return struct(fields)
    }
    return a
  }
  const numeric = (t: LogicalType): boolean => t.id === 'BIGINT' || t.id === 'DOUBLE'
  if (numeric(a) && numeric(b)) return DOUBLE
  const temporal = (t: LogicalType): boolean => t.id === 'DATE' || t.id === 'TIMESTAMP'
  if (temporal(a) && temporal(b)) return TIMESTAMP
  return VARCHAR
}

/** The type to give a column once sampling is done (a column of only NULLs reads as VARCHAR). */
export function finalType(t: LogicalType): LogicalType {
  switch (t.id) {
    case 'NULL': return VARCHAR
    case 'LIST': return list(finalType(t.child))
    case 'STRUCT': return t.fields.length === 0 ? VARCHAR : struct(t.fields.map(f => ({ name: f.name, type: finalType(f.type) })))
    default: return t
  }
}

/** JSON text of a value, as DuckDB writes JSON inside a VARCHAR. */
export function jsonText(v: JsonValue): string {
  if (typeof v === 'string') return v
  return stringifyJson(v)
}

export function stringifyJson(v: JsonValue): string {
  if (typeof v === 'bigint') return v.toString()
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${stringifyJson(x)}`).join(',')}}`
}

/** Raised by `convertJson` when a value does not fit its column's type. */
export class JsonConversionError extends Error {}

/** Raised by `convertJson` for an integer JSON.parse may have rounded: the caller parses exactly and converts again. */
export class UnsafeInteger extends JsonConversionError {}

/** One JSON value as the internal value of `type`. */
export function convertJson(v: JsonValue, type: LogicalType): Value {
  if (v === null) return null
  switch (type.id) {
    case 'VARCHAR': return jsonText(v)
    case 'BIGINT':
      if (typeof v === 'number' && Number.isInteger(v)) {
        if (!Number.isSafeInteger(v)) throw new UnsafeInteger(`${v} may have been rounded`)
        return BigInt(v)
      }
      if (typeof v === 'bigint') {
        if (v >= -(2n ** 63n) && v < 2n ** 63n) return v
        throw new JsonConversionError(`${v} is out of range for BIGINT`)
      }
      break
    case 'DOUBLE':
      if (typeof v === 'number') return v
      if (typeof v === 'bigint') return Number(v)
      break
    case 'BOOLEAN':
      if (typeof v === 'boolean') return v
      break
    case 'LIST':
      if (Array.isArray(v)) return v.map(item => convertJson(item, type.child))
      throw new JsonConversionError(`expected a JSON array, found ${kindOf(v)}`)
    case 'ARRAY':
      if (Array.isArray(v) && v.length === type.size) return v.map(item => convertJson(item, type.child))
      throw new JsonConversionError(`expected a JSON array of ${type.size} values, found ${kindOf(v)}`)
    case 'STRUCT': {
      if (typeof v !== 'object' || Array.isArray(v)) throw new JsonConversionError(`expected a JSON object, found ${kindOf(v)}`)
      const out: { [k: string]: Value } = {}
      for (const f of type.fields) out[f.name] = convertJson(v[f.name] ?? null, f.type)
      return out
    }
    case 'NULL': return null
    default: break
  }
  if (typeof v === 'object') throw new JsonConversionError(`cannot read ${kindOf(v)} as ${type.id}`)
  const text = typeof v === 'string' ? (type.id === 'TIMESTAMP' ? v.replace(/Z$/, '') : v) : String(v)
  try {
    return parseValue(text, type)
  } catch (e) {
    throw new JsonConversionError(e instanceof GrizzlyError ? e.message : `cannot read ${JSON.stringify(text)} as ${type.id}`)
  }
}

function kindOf(v: JsonValue): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'string') return 'a string'
  return typeof v === 'boolean' ? 'a boolean' : 'a number'
}

/** An internal value as a JSON value, as DuckDB's JSON writer renders each type. */
export function toJson(type: LogicalType, v: Value): JsonValue {
  if (v === null) return null
  switch (type.id) {
    case 'BOOLEAN': return v === true || v === 1
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': return v as number
    case 'BIGINT': return v as bigint
    case 'HUGEINT': return new RawNumber(String(v)) as unknown as JsonValue
    case 'REAL': case 'DOUBLE': {
      // as DuckDB renders them (1.0 stays 1.0, so it reads back as DOUBLE); NaN/inf are not JSON numbers
      const text = formatValue(type, v)
      return (JSON_NUMBER.test(text) ? new RawNumber(text) : text) as unknown as JsonValue
    }
    case 'DECIMAL': {
      // DuckDB writes a DECIMAL as a number without trailing zeros (-0.50 → -0.5, 1.00 → 1.0)
      const text = formatValue(type, v)
      return new RawNumber(text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '.0') : text) as unknown as JsonValue
    }
    case 'LIST': case 'ARRAY': return (v as readonly Value[]).map(item => toJson(type.child, item))
    case 'STRUCT': {
      const out: { [k: string]: JsonValue } = {}
      const obj = v as { readonly [k: string]: Value }
      for (const f of type.fields) out[f.name] = toJson(f.type, obj[f.name] ?? null)
      return out
    }
    case 'NULL': return null
    default: return formatValue(type, v)
  }
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** A number written exactly as its text (DECIMAL keeps its digits). */
export class RawNumber { constructor(readonly text: string) {} }

/** JSON text for writing: like stringifyJson, plus RawNumber. */
export function writeJson(v: JsonValue | RawNumber): string {
  if (v instanceof RawNumber) return v.text
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null'
  if (v === null || typeof v !== 'object') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(x => writeJson(x)).join(',')}]`
  let out = '{'
  let first = true
  for (const k in v) {
    out += `${first ? '' : ','}${JSON.stringify(k)}:${writeJson(v[k] as JsonValue)}`
    first = false
  }
  return out + '}'
}

export function conversionFailure(path: string, line: number, message: string): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" line ${line}: ${message}`, {
    hint: 'raise sample_size so detection sees more rows, give the types with columns = {…}, or add ignore_errors = true',
  })
}
