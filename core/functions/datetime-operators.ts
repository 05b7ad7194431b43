/**
 * Temporal overloads of the operators '+', '-', '*' and '/', registered as further definitions
 * under the operator names (the numeric ones are registered elsewhere; the registry keeps both).
 * Result types follow DuckDB: DATE + INTERVAL is a TIMESTAMP, DATE - DATE a BIGINT of days,
 * TIMESTAMP - TIMESTAMP an INTERVAL of days and microseconds, TIMESTAMPTZ ± INTERVAL stays
 * TIMESTAMPTZ, TIMETZ ± INTERVAL keeps its offset, DATE + TIMETZ is a TIMESTAMPTZ.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
import { BIGINT, DATE, DOUBLE, INTEGER, INTERVAL, type Interval, TIME, TIMESTAMP, TIMESTAMPTZ, TIMETZ } from '../types/types.ts'
import { encodeTimeTz, timeTzMicros, timeTzOffset } from '../types/timetz.ts'
import { Vector } from '../vector/vector.ts'
import {
  DATE_INFINITY, DATE_NEG_INFINITY, MICROS_PER_DAY, MICROS_PER_SECOND, addIntervalToTime, checkTimestampParts, checkTimestampRange, addIntervalToTimestamp, addIntervals,
  isFiniteDate, multiplyInterval, negateInterval, subtractIntervals, timestampDifference, timestampFromDate,
  subtractIntervalFromTimestamp,
} from '../types/datetime.ts'
import { big, num, rowKernel } from './datetime-kernels.ts'

const iv = (v: Vector, i: number): Interval => (v.data as Interval[])[i]!
const day = (v: Vector, i: number): number => (v.data as Int32Array)[i]!

function dateOutOfRange(): GrizzlyError {
  return new GrizzlyError(SqlState.datetimeOverflow, 'date out of range',
    { hint: 'DATE values must lie between 5877642 BC and 5881580 AD' })
}

/** DATE ± INTEGER days as a typed loop; infinite dates stay infinite. */
function dateShift(sign: 1 | -1, dateFirst: boolean): ScalarKernel {
  return (args, count) => {
    const d = args[dateFirst ? 0 : 1]!.data as Int32Array
    const n = args[dateFirst ? 1 : 0]!.data as Int32Array
    const va = args[0]!.validity, vb = args[1]!.validity
    const out = new Int32Array(count)
    for (let i = 0; i < count; i++) {
      const x = d[i]!
      if (x === DATE_INFINITY || x === DATE_NEG_INFINITY) { out[i] = x; continue }
      const r = x + sign * n[i]!
      if (r >= DATE_INFINITY || r <= DATE_NEG_INFINITY) {
        if ((va !== null && va[i] === 0) || (vb !== null && vb[i] === 0)) continue
        throw dateOutOfRange()
      }
      out[i] = r
    }
    return new Vector(DATE, count, out, null)
  }
}

const dateMinusDate: ScalarKernel = (args, count) => {
  const a = args[0]!.data as Int32Array, b = args[1]!.data as Int32Array
  const out = new BigInt64Array(count)
  for (let i = 0; i < count; i++) out[i] = BigInt(a[i]! - b[i]!)
  return new Vector(BIGINT, count, out, null)
}

export function registerTemporalOperators(hooks: Hooks): void {
  hooks.registerScalar({
    name: '+', nulls: 'propagate', volatility: 'immutable', description: 'date/time addition',
    overloads: [
      { args: [DATE, INTEGER], returns: DATE, invoke: dateShift(1, true) },
      { args: [INTEGER, DATE], returns: DATE, invoke: dateShift(1, false) },
      { args: [DATE, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => addIntervalToTimestamp(timestampFromDate(day(a[0]!, i)), iv(a[1]!, i))) },
      { args: [INTERVAL, DATE], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => addIntervalToTimestamp(timestampFromDate(day(a[1]!, i)), iv(a[0]!, i))) },
      { args: [TIMESTAMP, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => addIntervalToTimestamp(num(a[0]!, i), iv(a[1]!, i))) },
      { args: [INTERVAL, TIMESTAMP], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => addIntervalToTimestamp(num(a[1]!, i), iv(a[0]!, i))) },
      { args: [INTERVAL, INTERVAL], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => checkInterval(addIntervals(iv(a[0]!, i), iv(a[1]!, i)))) },
      { args: [DATE, TIME], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => dateAndTime(day(a[0]!, i), num(a[1]!, i))) },
      { args: [TIME, DATE], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => dateAndTime(day(a[1]!, i), num(a[0]!, i))) },
      { args: [TIME, INTERVAL], returns: TIME, invoke: rowKernel(TIME, (a, i) => addIntervalToTime(num(a[0]!, i), iv(a[1]!, i))) },
      { args: [INTERVAL, TIME], returns: TIME, invoke: rowKernel(TIME, (a, i) => addIntervalToTime(num(a[1]!, i), iv(a[0]!, i))) },
      { args: [TIMESTAMPTZ, INTERVAL], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => addIntervalToTimestamp(num(a[0]!, i), iv(a[1]!, i))) },
      { args: [INTERVAL, TIMESTAMPTZ], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => addIntervalToTimestamp(num(a[1]!, i), iv(a[0]!, i))) },
      { args: [TIMETZ, INTERVAL], returns: TIMETZ, invoke: rowKernel(TIMETZ, (a, i) => timeTzPlus(big(a[0]!, i), iv(a[1]!, i))) },
      { args: [INTERVAL, TIMETZ], returns: TIMETZ, invoke: rowKernel(TIMETZ, (a, i) => timeTzPlus(big(a[1]!, i), iv(a[0]!, i))) },
      { args: [DATE, TIMETZ], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => dateAndTimeTz(day(a[0]!, i), big(a[1]!, i))) },
      { args: [TIMETZ, DATE], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => dateAndTimeTz(day(a[1]!, i), big(a[0]!, i))) },
    ],
  })
  hooks.registerScalar({
    name: '-', nulls: 'propagate', volatility: 'immutable', description: 'date/time subtraction, or interval negation',
    overloads: [
      { args: [DATE, INTEGER], returns: DATE, invoke: dateShift(-1, true) },
      { args: [DATE, DATE], returns: BIGINT, invoke: dateMinusDate, inline: ([a, b]) => `BigInt(${a} - ${b})` },
      { args: [DATE, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => subtractIntervalFromTimestamp(timestampFromDate(day(a[0]!, i)), iv(a[1]!, i))) },
      { args: [TIMESTAMP, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => subtractIntervalFromTimestamp(num(a[0]!, i), iv(a[1]!, i))) },
      { args: [TIMESTAMP, TIMESTAMP], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => timestampMinus(num(a[0]!, i), num(a[1]!, i))) },
      { args: [INTERVAL, INTERVAL], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => checkInterval(subtractIntervals(iv(a[0]!, i), iv(a[1]!, i)))) },
      { args: [TIME, INTERVAL], returns: TIME, invoke: rowKernel(TIME, (a, i) => addIntervalToTime(num(a[0]!, i), negateInterval(iv(a[1]!, i)))) },
      { args: [TIMESTAMPTZ, INTERVAL], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => subtractIntervalFromTimestamp(num(a[0]!, i), iv(a[1]!, i))) },
      { args: [TIMESTAMPTZ, TIMESTAMPTZ], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => timestampMinus(num(a[0]!, i), num(a[1]!, i))) },
      { args: [TIMETZ, INTERVAL], returns: TIMETZ, invoke: rowKernel(TIMETZ, (a, i) => timeTzPlus(big(a[0]!, i), negateInterval(iv(a[1]!, i)))) },
      { args: [INTERVAL], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => negateInterval(iv(a[0]!, i))) },
    ],
  })
  hooks.registerScalar({
    name: '*', nulls: 'propagate', volatility: 'immutable', description: 'interval scaling',
    overloads: [
      { args: [INTERVAL, BIGINT], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => checkInterval(multiplyInterval(iv(a[0]!, i), Number(big(a[1]!, i))))) },
      { args: [BIGINT, INTERVAL], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => checkInterval(multiplyInterval(iv(a[1]!, i), Number(big(a[0]!, i))))) },
      { args: [INTERVAL, DOUBLE], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => checkInterval(multiplyInterval(iv(a[0]!, i), num(a[1]!, i)))) },
      { args: [DOUBLE, INTERVAL], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => checkInterval(multiplyInterval(iv(a[1]!, i), num(a[0]!, i)))) },
    ],
  })
  hooks.registerScalar({
    name: '/', nulls: 'propagate', volatility: 'immutable', description: 'interval division',
    overloads: [
      { args: [INTERVAL, DOUBLE], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => {
        const d = num(a[1]!, i)
        // DuckDB gives NULL for an interval divided by zero
        return d === 0 ? null : checkInterval(multiplyInterval(iv(a[0]!, i), 1 / d))
      }) },
    ],
  })
}

function dateAndTime(days: number, time: number): number {
  if (!isFiniteDate(days)) return timestampFromDate(days)
  checkTimestampParts(days, time)
  return days * MICROS_PER_DAY + time
}

/** The wall-clock time moves round the clock; the offset stays (DuckDB). */
function timeTzPlus(key: bigint, v: Interval): bigint {
  return encodeTimeTz(addIntervalToTime(timeTzMicros(key), v), timeTzOffset(key))
}

/** DATE + TIMETZ: that wall-clock moment at the value's offset, as a UTC instant. */
function dateAndTimeTz(days: number, key: bigint): number {
  if (!isFiniteDate(days)) return timestampFromDate(days)
  const ts = dateAndTime(days, timeTzMicros(key)) - timeTzOffset(key) * MICROS_PER_SECOND
  checkTimestampRange(ts)
  return ts
}

function timestampMinus(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new GrizzlyError(SqlState.datetimeOverflow, 'cannot subtract infinite timestamps',
      { hint: 'filter out infinity / -infinity first' })
  }
  return timestampDifference(a, b)
}

const INT32_MAX = 2147483647

function checkInterval(v: Interval): Interval {
  if (Math.abs(v.months) > INT32_MAX || Math.abs(v.days) > INT32_MAX || !Number.isFinite(v.micros) || Math.abs(v.micros) > 9.2e18) {
    throw new GrizzlyError(SqlState.datetimeOverflow, 'interval out of range',
      { hint: 'months and days must fit in 32 bits, microseconds in 64 bits' })
  }
  return v
}
