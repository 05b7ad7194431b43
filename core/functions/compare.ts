/**
 * Ordering of values for min/max, greatest/least, list_sort and friends: the engine's total
 * order (NaN above every number, intervals by their 30-day-month key, nested values element by
 * element with NULL last inside them).
 */
import { type Interval, type LogicalType, type StructType, type Value, structKey } from '../types/types.ts'

const MICROS_PER_DAY = 86_400_000_000

export function intervalKey(iv: Interval): number {
  return (iv.months * 30 + iv.days) * MICROS_PER_DAY + iv.micros
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

export function compareFloat(a: number, b: number): number {
  if (a < b) return -1
  if (a > b) return 1
  if (a === b) return 0
  const an = a !== a, bn = b !== b
  return an === bn ? 0 : an ? 1 : -1
}

/** -1, 0 or 1 for two non-NULL values of `type`. */
export function compareValues(a: Value, b: Value, type: LogicalType): number {
  switch (type.id) {
    case 'NULL': return 0
    case 'BOOLEAN': return a === b ? 0 : a ? 1 : -1
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
      for (const [k, f] of (type as StructType).fields.entries()) {
        const c = compareNullable(x[structKey(f, k)] ?? null, y[structKey(f, k)] ?? null, f.type)
        if (c !== 0) return c
      }
      return 0
    }
    default:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0
  }
}

/** NULLs after every value. */
export function compareNullable(a: Value, b: Value, type: LogicalType): number {
  if (a === null) return b === null ? 0 : 1
  if (b === null) return -1
  return compareValues(a, b, type)
}

/** Equality as GROUP BY / DISTINCT see it: NULL equals NULL, NaN equals NaN. */
export function valuesEqual(a: Value, b: Value, type: LogicalType): boolean {
  if (a === null || b === null) return a === b
  return compareValues(a, b, type) === 0
}

/** A string key identifying a value for hashing (distinct, mode, list_distinct). */
export function valueKey(v: Value): string {
  if (v === null) return '\u0000N'
  switch (typeof v) {
    case 'string': return 's' + v
    case 'number': return 'n' + (Object.is(v, -0) ? 0 : v)
    case 'bigint': return 'b' + v
    case 'boolean': return v ? 'T' : 'F'
    default:
      if (v instanceof Uint8Array) return 'x' + Array.from(v).join(',')
      return 'j' + JSON.stringify(v, (_k, x) => typeof x === 'bigint' ? `${x}n` : x)
  }
}
