/**
 * time_bucket(width, ts [, offset | origin]) as DuckDB defines it: fixed-width buckets
 * (days and smaller) are aligned to 2000-01-03 00:00:00 (a Monday), month-based buckets to
 * 2000-01-01; an offset shifts the grid, an origin replaces it.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import { DATE, INTERVAL, type Interval, TIMESTAMP } from '../types/types.ts'
import {
  MICROS_PER_DAY, addIntervalToTimestamp, civilInto, daysFromCivil, dateOfTimestamp, negateInterval, timestampFromDate,
} from '../types/datetime.ts'
import { num, rowKernel } from './datetime-kernels.ts'

const DEFAULT_ORIGIN_MICROS = daysFromCivil(2000, 1, 3) * MICROS_PER_DAY
const DEFAULT_ORIGIN_MONTHS = 2000 * 12

function widthError(message: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, message,
    { hint: "use a positive width made only of months/years (e.g. '3 months') or only of days and smaller units (e.g. '15 minutes')" })
}

const civil = new Int32Array(3)

function monthsOf(ts: number): number {
  civilInto(dateOfTimestamp(ts), civil)
  return civil[0]! * 12 + civil[1]! - 1
}

/** The start of the bucket holding `ts`; `origin` is a timestamp or undefined for the default grid. */
export function timeBucket(width: Interval, ts: number, origin: number | undefined): number | null {
  if (width.months !== 0 && (width.days !== 0 || width.micros !== 0)) {
    throw widthError('time_bucket widths cannot mix months with days or time')
  }
  if (width.months < 0 || width.days < 0 || width.micros < 0 || (width.months === 0 && width.days === 0 && width.micros === 0)) {
    throw widthError('time_bucket width must be positive')
  }
  if (!Number.isFinite(ts)) return ts
  if (origin !== undefined && !Number.isFinite(origin)) return null
  if (width.months !== 0) {
    const base = origin === undefined ? DEFAULT_ORIGIN_MONTHS : monthsOf(origin)
    const m = base + Math.floor((monthsOf(ts) - base) / width.months) * width.months
    const year = Math.floor(m / 12)
    return daysFromCivil(year, m - year * 12 + 1, 1) * MICROS_PER_DAY
  }
  const w = width.days * MICROS_PER_DAY + width.micros
  const base = origin ?? DEFAULT_ORIGIN_MICROS
  return base + Math.floor((ts - base) / w) * w
}

function withOffset(width: Interval, ts: number, offset: Interval): number | null {
  if (!Number.isFinite(ts)) return ts
  const r = timeBucket(width, addIntervalToTimestamp(ts, negateInterval(offset)), undefined)
  return r === null ? null : addIntervalToTimestamp(r, offset)
}

export function registerTimeBucket(hooks: Hooks): void {
  const iv = (a: readonly { data: unknown }[], k: number, i: number): Interval => (a[k]!.data as Interval[])[i]!
  const day = (a: readonly { data: unknown }[], k: number, i: number): number => (a[k]!.data as Int32Array)[i]!
  const toDate = (ts: number | null): number | null => ts === null ? null : dateOfTimestamp(ts)
  hooks.registerScalar({
    // date_bin is PostgreSQL's name for the same bucketing
    name: 'time_bucket', aliases: ['date_bin'], description: 'the start of the fixed-width bucket (e.g. 15 minutes, 1 month) holding a timestamp or date',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [INTERVAL, TIMESTAMP], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => timeBucket(iv(a, 0, i), num(a[1]!, i), undefined)) },
      { args: [INTERVAL, TIMESTAMP, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => withOffset(iv(a, 0, i), num(a[1]!, i), iv(a, 2, i))) },
      { args: [INTERVAL, TIMESTAMP, TIMESTAMP], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => timeBucket(iv(a, 0, i), num(a[1]!, i), num(a[2]!, i))) },
      { args: [INTERVAL, DATE], returns: DATE, invoke: rowKernel(DATE, (a, i) => toDate(timeBucket(iv(a, 0, i), timestampFromDate(day(a, 1, i)), undefined))) },
      { args: [INTERVAL, DATE, INTERVAL], returns: DATE, invoke: rowKernel(DATE, (a, i) => toDate(withOffset(iv(a, 0, i), timestampFromDate(day(a, 1, i)), iv(a, 2, i)))) },
      { args: [INTERVAL, DATE, DATE], returns: DATE, invoke: rowKernel(DATE, (a, i) =>
        toDate(timeBucket(iv(a, 0, i), timestampFromDate(day(a, 1, i)), timestampFromDate(day(a, 2, i))))) },
    ],
  })
}
