/**
 * Value-level helpers shared by the generated loops and the interpreter: ordering of every
 * type (SQL semantics, not JavaScript's), interval normalisation, defaults for NULL slots.
 */
import { InternalError } from '../errors.ts'
import {
  type Interval, type LogicalType, type PhysicalType, type StructType, type Value, physicalOf,
} from '../types/types.ts'

const MICROS_PER_DAY = 86_400_000_000

/**
 * One number that orders intervals as PostgreSQL and DuckDB do: a month counts as 30 days,
 * so '1 month' = '30 days'.
 */
export function intervalKey(iv: Interval): number {
  return (iv.months * 30 + iv.days) * MICROS_PER_DAY + iv.micros
}

/** Byte-wise ordering of BLOBs; a prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/** Floating-point order with NaN equal to itself and above every other value (PostgreSQL). */
export function compareFloat(a: number, b: number): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a === b) return 0
  const an = a !== a, bn = b !== b
  return an === bn ? 0 : an ? 1 : -1
}

/**
 * Total order of two non-NULL values of `type` (-1, 0, 1). Nested values compare element by
 * element; inside them NULL sorts after every value, as DuckDB does.
 */
export function compareValues(a: Value, b: Value, type: LogicalType): number {
  switch (type.id) {
    case 'NULL': return 0
    case 'BOOLEAN': return a === b ? 0 : a ? 1 : -1
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE': case 'TIME': case 'TIMESTAMP':
    case 'BIGINT': case 'DECIMAL': case 'VARCHAR':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
    case 'REAL': case 'DOUBLE': return compareFloat(a as number, b as number)
    case 'BLOB': return compareBytes(a as Uint8Array, b as Uint8Array)
    case 'INTERVAL': {
      const x = intervalKey(a as Interval), y = intervalKey(b as Interval)
      return x < y ? -1 : x > y ? 1 : 0
    }
    case 'LIST': case 'ARRAY': {
      const xs = a as readonly Value[], ys = b as readonly Value[]
      const n = Math.min(xs.length, ys.length)
      for (let i = 0; i < n; i++) {
        const c = compareNullable(xs[i] ?? null, ys[i] ?? null, type.child)
        if (c !== 0) return c
      }
      return xs.length === ys.length ? 0 : xs.length < ys.length ? -1 : 1
    }
    case 'STRUCT': {
      const x = a as { readonly [k: string]: Value }, y = b as { readonly [k: string]: Value }
      for (const f of (type as StructType).fields) {
        const c = compareNullable(x[f.name] ?? null, y[f.name] ?? null, f.type)
        if (c !== 0) return c
      }
      return 0
    }
  }
}

function compareNullable(a: Value, b: Value, type: LogicalType): number {
  if (a === null) return b === null ? 0 : 1
  if (b === null) return -1
  return compareValues(a, b, type)
}

/** The JavaScript value a NULL slot of this physical type holds in generated loops. */
export function defaultLiteral(p: PhysicalType): string {
  switch (p) {
    case 'u8': return 'false'
    case 'i8': case 'i16': case 'i32': case 'f32': case 'f64': case 'date': return '0'
    case 'i64': case 'big': return '0n'
    case 'str': return "''"
    case 'blob': return 'rt.EMPTY_BYTES'
    case 'interval': return 'rt.ZERO_INTERVAL'
    case 'null': case 'list': case 'array': case 'struct': return 'null'
  }
}

export const EMPTY_BYTES = new Uint8Array(0)
export const ZERO_INTERVAL: Interval = Object.freeze({ months: 0, days: 0, micros: 0 })

/** Physical types whose values are flat scalars the generated loops can handle. */
export function isFlat(t: LogicalType): boolean {
  const p = physicalOf(t)
  return p !== 'list' && p !== 'array' && p !== 'struct'
}

/**
 * Brings a boxed value (a constant or parameter) to the exact internal form of `type`, so the
 * loops never mix number and bigint: parameters may arrive as numbers for BIGINT columns.
 */
export function normalizeValue(value: Value, type: LogicalType): Value {
  if (value === null) return null
  const p = physicalOf(type)
  switch (p) {
    case 'i64': case 'big':
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw new InternalError(`non-integer ${value} given for ${type.id}`)
        return BigInt(value)
      }
      return value
    case 'i8': case 'i16': case 'i32': case 'f32': case 'f64': case 'date':
      if (typeof value === 'bigint') return Number(value)
      if (typeof value === 'boolean') return value ? 1 : 0
      return value
    case 'u8': return value === true || value === 1
    default: return value
  }
}
