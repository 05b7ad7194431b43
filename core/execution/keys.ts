/**
 * Row keys: hashing a set of key vectors per row, NULL-aware equality of rows across vectors,
 * and sort comparators over values of any type. Hash joins, aggregates, DISTINCT, set
 * operations, sorts and windows all go through these, so every operator agrees on what
 * "equal" and "before" mean (NaN equals NaN and sorts last, -0 = 0, intervals compare by their
 * normalised value, strings by UTF-16 code unit order, nested values lexicographically).
 */
import { InternalError } from '../errors.ts'
import { type Interval, type LogicalType, type StructType, type Value, structKey } from '../types/types.ts'
import { getValue, type Vector } from '../vector/vector.ts'
import { compareBytes } from '../functions/compare.ts'
import { sortIndexesByKeys } from './index-sort.ts'

// ---- hashing ----------------------------------------------------------------------------------

const NULL_HASH = 0x9e3779b9 | 0
const scratchF64 = new Float64Array(1)
const scratchU32 = new Uint32Array(scratchF64.buffer)

function mix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h
}

function hashNumber(x: number): number {
  if (x === (x | 0)) return x | 0 // integers, and -0 → 0
  if (x !== x) return 0x7ff80000
  scratchF64[0] = x
  return (scratchU32[0]! * 31 + scratchU32[1]!) | 0
}

export function hashString(s: string): number {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h
}

function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5 | 0
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
  return h
}

function hashBigint(x: bigint): number {
  if (x >= -0x80000000n && x <= 0x7fffffffn) return Number(x) | 0
  return hashString(x.toString())
}

/** The normalised form DuckDB compares intervals by: 30-day months, 24-hour days. */
export function normaliseInterval(iv: Interval): [number, number, number] {
  const DAY = 86_400_000_000
  let micros = iv.micros
  let days = iv.days + Math.trunc(micros / DAY)
  micros = micros % DAY
  let months = iv.months + Math.trunc(days / 30)
  days = days % 30
  // keep the parts' signs consistent so equal durations compare equal
  if (micros < 0 && days > 0) { days -= 1; micros += DAY }
  if (micros > 0 && days < 0) { days += 1; micros -= DAY }
  if (days < 0 && months > 0) { months -= 1; days += 30 }
  if (days > 0 && months < 0) { months += 1; days -= 30 }
  return [months, days, micros === 0 ? 0 : micros]
}

/** A string that identifies a value of one type (for nested keys and per-value caches). */
export function valueKey(v: Value): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return `${x}n`
    if (x instanceof Uint8Array) return `b:${Array.from(x).join(',')}`
    if (typeof x === 'number') {
      if (Number.isNaN(x)) return 'NaN'
      if (x === Infinity) return 'Inf'
      if (x === -Infinity) return '-Inf'
      return x === 0 ? 0 : x
    }
    if (x !== null && typeof x === 'object' && 'months' in x && 'days' in x && 'micros' in x) {
      return `i:${normaliseInterval(x as Interval).join(',')}`
    }
    return x
  })
}

/** Mixes the hash of each row of `v` into `out` (first key: overwrite). */
export function hashVector(v: Vector, count: number, out: Uint32Array | Int32Array, first: boolean): void {
  const valid = v.validity
  const d = v.data
  const combine = (i: number, h: number): void => {
    out[i] = first ? mix(h) : mix(Math.imul(out[i]!, 31) + h)
  }
  switch (v.physical) {
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': {
      const a = d as Int32Array
      for (let i = 0; i < count; i++) combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : a[i]!)
      return
    }
    case 'f32': case 'f64': {
      const a = d as Float64Array
      for (let i = 0; i < count; i++) combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : hashNumber(a[i]!))
      return
    }
    case 'i64': {
      const a = d as BigInt64Array
      // the low and high words of each value, read without creating bigints
      const words = new Int32Array(a.buffer, a.byteOffset, a.length * 2)
      for (let i = 0; i < count; i++) {
        combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : (words[2 * i]! ^ Math.imul(words[2 * i + 1]!, 0x27d4eb2d)))
      }
      return
    }
    case 'big': {
      const a = d as bigint[]
      for (let i = 0; i < count; i++) combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : hashBigint(a[i]!))
      return
    }
    case 'str': {
      const a = d as string[]
      for (let i = 0; i < count; i++) combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : hashString(a[i]!))
      return
    }
    case 'blob': {
      const a = d as Uint8Array[]
      for (let i = 0; i < count; i++) combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : hashBytes(a[i]!))
      return
    }
    case 'interval': {
      const a = d as Interval[]
      for (let i = 0; i < count; i++) {
        if (valid !== null && valid[i] === 0) { combine(i, NULL_HASH); continue }
        const [m, dd, us] = normaliseInterval(a[i]!)
        combine(i, Math.imul(m, 31 * 31) + Math.imul(dd, 31) + hashNumber(us))
      }
      return
    }
    case 'null':
      for (let i = 0; i < count; i++) combine(i, NULL_HASH)
      return
    case 'list': case 'array': case 'struct':
      for (let i = 0; i < count; i++) {
        combine(i, valid !== null && valid[i] === 0 ? NULL_HASH : hashString(valueKey(getValue(v, i))))
      }
      return
  }
}

/** Hash of every row over several key vectors. */
export function hashRows(keys: readonly Vector[], count: number, out = new Int32Array(count)): Int32Array {
  if (keys.length === 0) { out.fill(0, 0, count); return out }
  for (let k = 0; k < keys.length; k++) hashVector(keys[k]!, count, out, k === 0)
  return out
}

// ---- equality ---------------------------------------------------------------------------------

/** Equality of a[i] and b[j], both known to be valid, for vectors of one type. */
export type ValueEquals = (a: Vector, i: number, b: Vector, j: number) => boolean

export function valueEquals(type: LogicalType): ValueEquals {
  const cmp = valueComparator(type)
  switch (type.id) {
    case 'BOOLEAN': case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE': case 'BIGINT':
      return (a, i, b, j) => (a.data as Int32Array)[i] === (b.data as Int32Array)[j]
    case 'REAL': case 'DOUBLE': case 'TIME': case 'TIMESTAMP': case 'TIMESTAMPTZ':
      return (a, i, b, j) => {
        const x = (a.data as Float64Array)[i]!, y = (b.data as Float64Array)[j]!
        return x === y || (x !== x && y !== y)
      }
    case 'DECIMAL':
      return (a, i, b, j) => (a.data as Float64Array)[i] === (b.data as Float64Array)[j]
    case 'VARCHAR':
      return (a, i, b, j) => (a.data as string[])[i] === (b.data as string[])[j]
    default:
      return (a, i, b, j) => cmp(a, i, b, j) === 0
  }
}

/** Equality per row over several columns; `nullsEqual` makes NULL match NULL (GROUP BY, set ops). */
export type RowEquals = (a: readonly Vector[], i: number, b: readonly Vector[], j: number) => boolean

export function rowEquals(types: readonly LogicalType[], nullsEqual: boolean): RowEquals {
  const eqs = types.map(valueEquals)
  const n = eqs.length
  return (a, i, b, j) => {
    for (let k = 0; k < n; k++) {
      const x = a[k]!, y = b[k]!
      const xv = x.validity === null || x.validity[i] === 1
      const yv = y.validity === null || y.validity[j] === 1
      if (!xv || !yv) {
        if (nullsEqual && xv === yv) continue
        return false
      }
      if (!eqs[k]!(x, i, y, j)) return false
    }
    return true
  }
}

// ---- ordering ---------------------------------------------------------------------------------

/** Order of a[i] and b[j], both valid: negative, 0 or positive. */
export type ValueComparator = (a: Vector, i: number, b: Vector, j: number) => number

function compareNumbers(x: number, y: number): number {
  if (x < y) return -1
  if (x > y) return 1
  if (x === y) return 0
  // NaN sorts after everything and equals itself
  const xn = x !== x, yn = y !== y
  return xn === yn ? 0 : xn ? 1 : -1
}


function compareIntervals(x: Interval, y: Interval): number {
  const a = normaliseInterval(x), b = normaliseInterval(y)
  return compareNumbers(a[0], b[0]) || compareNumbers(a[1], b[1]) || compareNumbers(a[2], b[2])
}

const bigComparator: ValueComparator = (a, i, b, j) => {
  const x = (a.data as bigint[])[i]!, y = (b.data as bigint[])[j]!
  return x < y ? -1 : x > y ? 1 : 0
}

export function valueComparator(type: LogicalType): ValueComparator {
  switch (type.id) {
    case 'NULL': return () => 0
    case 'BOOLEAN': case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE':
      return (a, i, b, j) => (a.data as Int32Array)[i]! - (b.data as Int32Array)[j]!
    case 'REAL': case 'DOUBLE': case 'TIME': case 'TIMESTAMP': case 'TIMESTAMPTZ':
      return (a, i, b, j) => compareNumbers((a.data as Float64Array)[i]!, (b.data as Float64Array)[j]!)
    case 'DECIMAL':
      if (type.width <= 15) return (a, i, b, j) => compareNumbers((a.data as Float64Array)[i]!, (b.data as Float64Array)[j]!)
      return bigComparator
    case 'HUGEINT': return bigComparator
    case 'BIGINT': case 'TIMETZ':
      return (a, i, b, j) => {
        const x = (a.data as BigInt64Array)[i]!, y = (b.data as BigInt64Array)[j]!
        return x < y ? -1 : x > y ? 1 : 0
      }
    case 'VARCHAR':
      return (a, i, b, j) => {
        const x = (a.data as string[])[i]!, y = (b.data as string[])[j]!
        return x < y ? -1 : x > y ? 1 : 0
      }
    case 'BLOB': return (a, i, b, j) => compareBytes((a.data as Uint8Array[])[i]!, (b.data as Uint8Array[])[j]!)
    case 'INTERVAL': return (a, i, b, j) => compareIntervals((a.data as Interval[])[i]!, (b.data as Interval[])[j]!)
    case 'LIST': case 'ARRAY': case 'STRUCT':
      return (a, i, b, j) => compareBoxed(getValue(a, i), getValue(b, j), type)
  }
}

/** Compares two boxed values of `type`; NULLs (inside nested values) sort last. */
export function compareBoxed(x: Value, y: Value, type: LogicalType): number {
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
  switch (type.id) {
    case 'NULL': return 0
    case 'BOOLEAN': return Number(x) - Number(y)
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE': case 'REAL': case 'DOUBLE':
    case 'TIME': case 'TIMESTAMP': case 'TIMESTAMPTZ':
      return compareNumbers(x as number, y as number)
    case 'DECIMAL': case 'BIGINT': case 'HUGEINT': case 'TIMETZ': {
      const a = x as number | bigint, b = y as number | bigint
      if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b)
      return a < b ? -1 : a > b ? 1 : 0
    }
    case 'VARCHAR': return (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0
    case 'BLOB': return compareBytes(x as Uint8Array, y as Uint8Array)
    case 'INTERVAL': return compareIntervals(x as Interval, y as Interval)
    case 'LIST': case 'ARRAY': {
      const a = x as readonly Value[], b = y as readonly Value[]
      const n = Math.min(a.length, b.length)
      for (let k = 0; k < n; k++) {
        const c = compareBoxed(a[k]!, b[k]!, type.child)
        if (c !== 0) return c
      }
      return a.length - b.length
    }
    case 'STRUCT': {
      const a = x as { readonly [f: string]: Value }, b = y as { readonly [f: string]: Value }
      for (const [k, f] of (type as StructType).fields.entries()) {
        const c = compareBoxed(a[structKey(f, k)] ?? null, b[structKey(f, k)] ?? null, f.type)
        if (c !== 0) return c
      }
      return 0
    }
  }
}

export interface SortSpec {
  readonly descending: boolean
  readonly nullsFirst: boolean
}

/** Compares rows i and j of the same key vectors by several keys, then by row index (stable). */
export function rowComparator(keys: readonly Vector[], specs: readonly SortSpec[]): (i: number, j: number) => number {
  const byKeys = keyComparator(keys, specs)
  return (i, j) => byKeys(i, j) || i - j
}

/** Compares rows i and j of the same key vectors by several keys only (0 for peers). */
export function keyComparator(keys: readonly Vector[], specs: readonly SortSpec[]): (i: number, j: number) => number {
  if (keys.length !== specs.length) throw new InternalError('sort keys and specs differ in length')
  const cmp = crossKeyComparator(keys.map(k => k.type), specs)
  return (i, j) => cmp(keys, i, keys, j)
}

/**
 * Compares row i of columns `a` with row j of columns `b` (say, two chunks of sorted runs) by
 * the keys of `types` held from column `first` on, in the order `specs` asks (0 for peers).
 */
export function crossKeyComparator(types: readonly LogicalType[], specs: readonly SortSpec[], first = 0): (a: readonly Vector[], i: number, b: readonly Vector[], j: number) => number {
  const cmps = types.map(valueComparator)
  const n = types.length
  return (a, i, b, j) => {
    for (let k = 0; k < n; k++) {
      const va = a[first + k]!, vb = b[first + k]!, s = specs[k]!
      const iv = va.validity === null || va.validity[i] === 1
      const jv = vb.validity === null || vb.validity[j] === 1
      if (!iv || !jv) {
        if (iv === jv) continue
        return (!iv ? -1 : 1) * (s.nullsFirst ? 1 : -1)
      }
      const c = cmps[k]!(va, i, vb, j)
      if (c !== 0) return s.descending ? -c : c
    }
    return 0
  }
}

/** Row indexes 0..count-1 ordered by the keys (stable). */
export function sortedOrder(keys: readonly Vector[], specs: readonly SortSpec[], count: number): Int32Array {
  const order = new Int32Array(count)
  for (let i = 0; i < count; i++) order[i] = i
  if (keys.length === 0 || count < 2) return order
  const normalized: Float64Array[] = []
  for (let k = 0; k < keys.length; k++) {
    const n = normalizedKey(keys[k]!, specs[k]!, count)
    if (n === null) break
    normalized.push(n)
  }
  if (normalized.length === keys.length) {
    sortIndexesByKeys(order, normalized)
    return order
  }
  order.sort(rowComparator(keys, specs))
  return order
}

/**
 * The key as doubles whose ascending order is the requested order (negated for DESC, NULLs as
 * ±Infinity, strings replaced by their rank), so sorting compares plain numbers; null when the
 * type or the values (NaN, infinities next to NULLs, huge bigints) need the generic comparator.
 */
export function normalizedKey(v: Vector, spec: SortSpec, count: number): Float64Array | null {
  const out = new Float64Array(count)
  const valid = v.validity
  const sign = spec.descending ? -1 : 1
  const nullValue = spec.nullsFirst ? -Infinity : Infinity
  switch (v.physical) {
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64': {
      const d = v.data as Float64Array
      for (let i = 0; i < count; i++) {
        const x = d[i]!
        if (x !== x || x === Infinity || x === -Infinity) {
          if (valid === null || valid[i] === 1) return null
        }
        out[i] = sign * x
      }
      break
    }
    case 'i64': {
      const d = v.data as BigInt64Array
      for (let i = 0; i < count; i++) {
        const x = d[i]!
        if (x > 9007199254740991n || x < -9007199254740991n) {
          if (valid === null || valid[i] === 1) return null
          out[i] = 0
          continue
        }
        out[i] = sign * Number(x)
      }
      break
    }
    case 'str': {
      const d = v.data as string[]
      const distinct = new Map<string, number>()
      for (let i = 0; i < count; i++) if (valid === null || valid[i] === 1) distinct.set(d[i]!, 0)
      const sorted = [...distinct.keys()].sort()
      for (let r = 0; r < sorted.length; r++) distinct.set(sorted[r]!, r)
      for (let i = 0; i < count; i++) out[i] = valid !== null && valid[i] === 0 ? 0 : sign * distinct.get(d[i]!)!
      break
    }
    default: return null
  }
  if (valid !== null) for (let i = 0; i < count; i++) if (valid[i] === 0) out[i] = nullValue
  return out
}
