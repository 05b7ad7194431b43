/**
 * JavaScript parameter values ($1, ?) → typed internal values. Numbers that are 32-bit
 * integers bind as INTEGER, other numbers as DOUBLE, bigints as BIGINT (HUGEINT past its range;
 * past ±2^127 refused), strings as untyped
 * string literals (VARCHAR unless the context asks for another type),
 * Dates as TIMESTAMP, Uint8Arrays as BLOB, arrays as LISTs of their elements' common type.
 */
import { GrizzlyError, SqlState } from './errors.ts'
import { STRING_LITERAL } from './types/coercion.ts'
import {
  type LogicalType, type Value, BIGINT, BIGINT_MAX, BIGINT_MIN, BLOB, BOOLEAN, DOUBLE, HUGEINT, HUGEINT_MAX, HUGEINT_MIN, INTEGER,
  NULL_TYPE, TIMESTAMP, list,
  typeEquals,
} from './types/types.ts'

export interface BoundParameter { readonly type: LogicalType; readonly value: Value }

export function bindParameter(v: unknown, index: number): BoundParameter {
  if (v === null || v === undefined) return { type: NULL_TYPE, value: null }
  switch (typeof v) {
    case 'boolean': return { type: BOOLEAN, value: v }
    case 'number':
      if (isInt32(v)) return { type: INTEGER, value: v }
      return { type: DOUBLE, value: v }
    case 'bigint':
      if (v >= BIGINT_MIN && v <= BIGINT_MAX) return { type: BIGINT, value: v }
      if (v >= HUGEINT_MIN && v <= HUGEINT_MAX) return { type: HUGEINT, value: v }
      throw new GrizzlyError(SqlState.numericOutOfRange, `parameter $${index} is ${v}, beyond HUGEINT's range`,
        { hint: 'pass integers between -2^127 and 2^127 - 1, or the number as a string cast to DOUBLE or DECIMAL' })
    // like a string literal: '2024-01-31' compared with a DATE column becomes a DATE
    case 'string': return { type: STRING_LITERAL, value: v }
    default: break
  }
  if (v instanceof Date) {
    const ms = v.getTime()
    if (Number.isNaN(ms)) throw badParameter(index, 'an invalid Date')
    return { type: TIMESTAMP, value: ms * 1000 }
  }
  if (v instanceof Uint8Array) return { type: BLOB, value: v }
  if (Array.isArray(v)) {
    const numbers = numberList(v)
    if (numbers !== null) return numbers
    const items = v.map((x, i) => bindParameter(x, index))
    let child: LogicalType = NULL_TYPE
    for (const it of items) {
      if (it.type.id === 'NULL') continue
      if (child.id === 'NULL') child = it.type
      else if (!typeEquals(child, it.type)) {
        if ((child.id === 'INTEGER' && it.type.id === 'DOUBLE') || (child.id === 'DOUBLE' && it.type.id === 'INTEGER')) child = DOUBLE
        else throw badParameter(index, 'an array whose elements have different types')
      }
    }
    if (child.id === 'NULL') child = INTEGER
    return { type: list(child), value: items.map(it => it.value) }
  }
  throw badParameter(index, `a value of type ${Object.prototype.toString.call(v).slice(8, -1)}`)
}

const isInt32 = (x: number): boolean => Number.isInteger(x) && x >= -2147483648 && x <= 2147483647

const INTEGER_LIST = list(INTEGER)
const DOUBLE_LIST = list(DOUBLE)

/** an array of numbers (an embedding, say) typed as the general rule would, without a bound value per element */
function numberList(v: readonly unknown[]): BoundParameter | null {
  let integers = true
  for (let i = 0; i < v.length; i++) {
    const x = v[i]
    if (typeof x !== 'number') return null
    if (integers && !isInt32(x)) integers = false
  }
  return { type: integers ? INTEGER_LIST : DOUBLE_LIST, value: v.slice() as number[] }
}

function badParameter(index: number, what: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `parameter $${index} is ${what}, which cannot be passed to SQL`,
    { hint: 'pass numbers, bigints, strings, booleans, Dates, Uint8Arrays, arrays of these, or null' })
}
