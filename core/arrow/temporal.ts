/**
 * 64-bit Arrow / Parquet timestamps and dates → engine values, shared by registered Arrow tables
 * and the file readers. As DuckDB stores them, the int64 extremes ±(2^63 − 1) of any unit are
 * ±infinity, and DATE's int32 extremes ±(2^31 − 1) are how the engine holds infinite dates
 * already. Anything else outside the engine's range is 22008, never a wrapped or far-off date.
 */
import * as arrow from 'apache-arrow'
import { GrizzlyError, SqlState } from '../errors.ts'
import { DATE_INFINITY, DATE_NEG_INFINITY, TIMESTAMP_MAX, TIMESTAMP_MIN } from '../types/datetime.ts'

const TWO_32 = 4294967296
const MILLIS_PER_DAY = 86_400_000
/**
 * The 32-bit halves of 2^63 − 1 and −(2^63 − 1): compared as words because a double cannot
 * tell them from their neighbours, and in nanoseconds they would look like ordinary dates.
 */
const INF_HI = 0x7fffffff, INF_LO = -1, NEG_INF_HI = -0x80000000, NEG_INF_LO = 1
const INT64_INFINITY = 2n ** 63n - 1n
const INT32_MIN = -2147483648

/** microseconds per unit of an Arrow TimeUnit (a fraction for nanoseconds) */
export function microsPer(unit: arrow.TimeUnit): number {
  switch (unit) {
    case arrow.TimeUnit.SECOND: return 1_000_000
    case arrow.TimeUnit.MILLISECOND: return 1000
    case arrow.TimeUnit.MICROSECOND: return 1
    case arrow.TimeUnit.NANOSECOND: return 0.001
  }
}

function unitName(scale: number): string {
  return scale === 1_000_000 ? 'seconds' : scale === 1000 ? 'milliseconds' : scale === 1 ? 'microseconds' : 'nanoseconds'
}

export function floorDiv(v: bigint, d: bigint): number {
  const q = v / d
  return Number(v < 0n && q * d !== v ? q - 1n : q)
}

/** 64-bit integers times `scale` as doubles, read as two 32-bit halves (no BigInt per row). */
export function int64ToNumbers(values: BigInt64Array | BigUint64Array, from: number, n: number, scale: number, signed: boolean): Float64Array {
  const words = new Int32Array(values.buffer, values.byteOffset + from * 8, n * 2)
  const out = new Float64Array(n)
  if (scale === 1) {
    for (let i = 0; i < n; i++) out[i] = (words[2 * i]! >>> 0) + (signed ? words[2 * i + 1]! : words[2 * i + 1]! >>> 0) * TWO_32
  } else if (scale > 1) {
    for (let i = 0; i < n; i++) out[i] = ((words[2 * i]! >>> 0) + (signed ? words[2 * i + 1]! : words[2 * i + 1]! >>> 0) * TWO_32) * scale
  } else {
    // nanoseconds exceed 2^53: divide exactly, rounding down as the other units do
    const big = values as BigInt64Array
    const div = BigInt(Math.round(1 / scale))
    for (let i = 0; i < n; i++) out[i] = floorDiv(big[from + i]!, div)
  }
  return out
}

/** TIME values of an Arrow unit (32- or 64-bit, `scale` microseconds per unit) as engine microseconds */
export function timesToMicros(values: Int32Array | BigInt64Array, bitWidth: number, from: number, n: number, scale: number): Float64Array {
  if (bitWidth === 64) return int64ToNumbers(values as BigInt64Array, from, n, scale, true)
  const src = values as Int32Array, out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = src[from + i]! * scale
  return out
}

function timestampOverflow(raw: bigint, scale: number): GrizzlyError {
  return new GrizzlyError(SqlState.datetimeOverflow, `timestamp out of range: ${raw} ${unitName(scale)} since 1970-01-01`, {
    hint: 'TIMESTAMP values must lie between 290309 BC and 294247 AD; only ±9223372036854775807 stand for ±infinity',
  })
}

/**
 * Timestamps of `scale` microseconds per unit (see microsPer) as engine microseconds. Rows that
 * `valid` marks NULL are not checked: what lies under a NULL is undefined.
 */
export function timestampsToMicros(values: BigInt64Array, from: number, n: number, scale: number, valid: Uint8Array | null): Float64Array {
  const out = int64ToNumbers(values, from, n, scale, true)
  const words = new Int32Array(values.buffer, values.byteOffset + from * 8, n * 2)
  for (let i = 0; i < n; i++) {
    const x = out[i]!
    // every sentinel lies outside this in microseconds and coarser units, so most rows stop here
    if (scale >= 1 && x > TIMESTAMP_MIN && x < 9e18) continue
    const hi = words[2 * i + 1]!, lo = words[2 * i]!
    if (hi === INF_HI && lo === INF_LO) out[i] = Infinity
    else if (hi === NEG_INF_HI && lo === NEG_INF_LO) out[i] = -Infinity
    else if (!(x >= TIMESTAMP_MIN && x <= TIMESTAMP_MAX) && (valid === null || valid[i] === 1)) throw timestampOverflow(values[from + i]!, scale)
  }
  return out
}

/** One timestamp statistic (Parquet min/max) as engine microseconds, or undefined out of range. */
export function timestampToMicros(v: bigint, scale: number): number | undefined {
  if (v === INT64_INFINITY) return Infinity
  if (v === -INT64_INFINITY) return -Infinity
  const x = scale >= 1 ? Number(v) * scale : floorDiv(v, BigInt(Math.round(1 / scale)))
  return x >= TIMESTAMP_MIN && x <= TIMESTAMP_MAX ? x : undefined
}

function dateOverflow(raw: string): GrizzlyError {
  return new GrizzlyError(SqlState.datetimeOverflow, `date out of range: ${raw}`, {
    hint: 'DATE values must lie between 5877642 BC and 5881580 AD; only ±2147483647 days (±9223372036854775807 milliseconds) stand for ±infinity',
  })
}

/** Date64 (milliseconds since 1970-01-01) as engine days; the int64 extremes are ±infinity. */
export function millisToDays(values: BigInt64Array, from: number, n: number, valid: Uint8Array | null): Int32Array {
  const ms = int64ToNumbers(values, from, n, 1, true)
  const words = new Int32Array(values.buffer, values.byteOffset + from * 8, n * 2)
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const days = Math.floor(ms[i]! / MILLIS_PER_DAY)
    if (days > DATE_NEG_INFINITY && days < DATE_INFINITY) { out[i] = days; continue }
    const hi = words[2 * i + 1]!, lo = words[2 * i]!
    if (hi === INF_HI && lo === INF_LO) out[i] = DATE_INFINITY
    else if (hi === NEG_INF_HI && lo === NEG_INF_LO) out[i] = DATE_NEG_INFINITY
    else if (valid === null || valid[i] === 1) throw dateOverflow(`${values[from + i]!} milliseconds since 1970-01-01`)
  }
  return out
}

/**
 * Date32 days are the engine's own layout, infinities included; only −2^31 has no meaning
 * (DuckDB's range stops one short of it). Checked without copying: indexOf is a native scan.
 */
export function checkDays(days: Int32Array, valid: Uint8Array | null): void {
  for (let i = days.indexOf(INT32_MIN); i >= 0; i = days.indexOf(INT32_MIN, i + 1)) {
    if (valid === null || valid[i] === 1) throw dateOverflow(`${INT32_MIN} days since 1970-01-01`)
  }
}

/** A 22008 from a column's values, made to name the column (and the file it came from). */
export function locateOverflow(e: unknown, column: string, path?: string): unknown {
  if (!(e instanceof GrizzlyError) || e.code !== SqlState.datetimeOverflow) return e
  const where = path === undefined ? `column "${column}"` : `column "${column}" of "${path}"`
  return new GrizzlyError(e.code, `${where}: ${e.message}`, { hint: e.hint, cause: e })
}
