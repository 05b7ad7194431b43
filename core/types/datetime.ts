/**
 * Calendar arithmetic for DATE (Int32 days since 1970-01-01), TIME and TIMESTAMP (microseconds,
 * held in doubles) and INTERVAL (months, days, micros kept apart). The calendar is the proleptic
 * Gregorian one with astronomical year numbering (year 0 = 1 BC), as DuckDB and PostgreSQL use.
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { Interval } from './types.ts'

export const MICROS_PER_MILLI = 1000
export const MICROS_PER_SECOND = 1_000_000
export const MICROS_PER_MINUTE = 60_000_000
export const MICROS_PER_HOUR = 3_600_000_000
export const MICROS_PER_DAY = 86_400_000_000
/** DuckDB orders and normalises intervals with 30-day months and 24-hour days. */
export const DAYS_PER_MONTH = 30
export const MICROS_PER_MONTH = DAYS_PER_MONTH * MICROS_PER_DAY

/** DATE 'infinity' / '-infinity' (DuckDB uses the Int32 extremes). */
export const DATE_INFINITY = 2147483647
export const DATE_NEG_INFINITY = -2147483647
/** TIMESTAMP 'infinity' / '-infinity'. */
export const TIMESTAMP_INFINITY = Infinity
export const TIMESTAMP_NEG_INFINITY = -Infinity

/** Largest |year| a DATE can hold (Int32 days reach about 5.8 million years). */
export const MAX_YEAR = 5881580
export const MIN_YEAR = -5877641

export const ZERO_INTERVAL: Interval = Object.freeze({ months: 0, days: 0, micros: 0 })

// ---- civil dates ------------------------------------------------------------------------------

export function isLeapYear(year: number): boolean {
  return (year & 3) === 0 && (year % 100 !== 0 || year % 400 === 0)
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1]!
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's algorithm; valid for any year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

/**
 * Writes [year, month, day] of `days` into `out` (no allocation, for hot loops).
 */
export function civilInto(days: number, out: Int32Array): void {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  out[0] = yoe + era * 400 + (m <= 2 ? 1 : 0)
  out[1] = m
  out[2] = d
}

export interface CivilDate { readonly year: number; readonly month: number; readonly day: number }

const scratch = new Int32Array(3)
export function civilFromDays(days: number): CivilDate {
  civilInto(days, scratch)
  return { year: scratch[0]!, month: scratch[1]!, day: scratch[2]! }
}

export function yearOfDays(days: number): number { civilInto(days, scratch); return scratch[0]! }

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(days: number): number {
  const r = (days + 4) % 7
  return r < 0 ? r + 7 : r
}
/** 1 = Monday … 7 = Sunday */
export function isoDayOfWeek(days: number): number { const d = dayOfWeek(days); return d === 0 ? 7 : d }

export function dayOfYear(days: number): number {
  civilInto(days, scratch)
  return days - daysFromCivil(scratch[0]!, 1, 1) + 1
}

/** Days of the Monday that starts ISO week 1 of `isoYear`. */
function isoWeekOneStart(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4)
  return jan4 - (isoDayOfWeek(jan4) - 1)
}

/** ISO-8601 year and week number of a date. */
export function isoYearWeek(days: number): { readonly isoYear: number; readonly week: number } {
  const y = yearOfDays(days)
  let start = isoWeekOneStart(y + 1)
  let isoYear = y + 1
  if (days < start) { start = isoWeekOneStart(y); isoYear = y }
  if (days < start) { start = isoWeekOneStart(y - 1); isoYear = y - 1 }
  return { isoYear, week: Math.floor((days - start) / 7) + 1 }
}

export function isFiniteDate(days: number): boolean { return days !== DATE_INFINITY && days !== DATE_NEG_INFINITY }

// ---- timestamps -------------------------------------------------------------------------------

/** The timestamp at midnight of a date; dates outside the TIMESTAMP range are errors (22008). */
export function timestampFromDate(days: number): number {
  if (days === DATE_INFINITY) return TIMESTAMP_INFINITY
  if (days === DATE_NEG_INFINITY) return TIMESTAMP_NEG_INFINITY
  const ts = days * MICROS_PER_DAY
  if (ts < TIMESTAMP_MIN || ts > TIMESTAMP_MAX) checkTimestampRange(ts)
  return ts
}

/** The DATE part of a timestamp (floor, so times before 1970 belong to the right day). */
export function dateOfTimestamp(micros: number): number {
  if (micros === TIMESTAMP_INFINITY) return DATE_INFINITY
  if (micros === TIMESTAMP_NEG_INFINITY) return DATE_NEG_INFINITY
  return Math.floor(micros / MICROS_PER_DAY)
}

/** The time-of-day part of a timestamp, in [0, MICROS_PER_DAY). */
export function timeOfTimestamp(micros: number): number {
  const t = micros % MICROS_PER_DAY
  return t < 0 ? t + MICROS_PER_DAY : t
}

export interface TimestampParts {
  readonly year: number; readonly month: number; readonly day: number
  readonly hour: number; readonly minute: number; readonly second: number; readonly micros: number
}

export function timestampToParts(ts: number): TimestampParts {
  const days = dateOfTimestamp(ts)
  const t = ts - days * MICROS_PER_DAY
  civilInto(days, scratch)
  return {
    year: scratch[0]!, month: scratch[1]!, day: scratch[2]!,
    hour: Math.floor(t / MICROS_PER_HOUR),
    minute: Math.floor(t / MICROS_PER_MINUTE) % 60,
    second: Math.floor(t / MICROS_PER_SECOND) % 60,
    micros: t % MICROS_PER_SECOND,
  }
}

export function timestampFromParts(year: number, month: number, day: number, hour: number, minute: number, second: number, micros: number): number {
  return daysFromCivil(year, month, day) * MICROS_PER_DAY + hour * MICROS_PER_HOUR + minute * MICROS_PER_MINUTE +
    second * MICROS_PER_SECOND + micros
}

// ---- intervals --------------------------------------------------------------------------------

export function interval(months: number, days: number, micros: number): Interval { return { months, days, micros } }

/**
 * Adds months to a civil date, clamping the day to the end of the target month
 * (2024-01-31 + 1 month = 2024-02-29), as PostgreSQL and DuckDB do.
 */
export function addMonthsToDays(days: number, months: number): number {
  if (months === 0) return days
  civilInto(days, scratch)
  const total = scratch[0]! * 12 + (scratch[1]! - 1) + months
  const year = Math.floor(total / 12)
  const month = total - year * 12 + 1
  const day = Math.min(scratch[2]!, daysInMonth(year, month))
  return daysFromCivil(year, month, day)
}

export function addIntervalToDate(days: number, iv: Interval): number {
  return addIntervalToTimestamp(timestampFromDate(days), iv)
}

export function addIntervalToTimestamp(ts: number, iv: Interval): number {
  if (!Number.isFinite(ts)) return ts
  let days = dateOfTimestamp(ts)
  const time = ts - days * MICROS_PER_DAY
  days = addMonthsToDays(days, iv.months) + iv.days
  // check the range on the day and the time of day: near the limits the sum itself is too coarse
  let t = time + iv.micros
  const carry = Math.floor(t / MICROS_PER_DAY)
  days += carry
  t -= carry * MICROS_PER_DAY
  checkTimestampParts(days, t)
  const out = days * MICROS_PER_DAY + t
  checkTimestampRange(out)
  return out
}

export function subtractIntervalFromTimestamp(ts: number, iv: Interval): number {
  return addIntervalToTimestamp(ts, negateInterval(iv))
}

/** TIME ± INTERVAL wraps around midnight, ignoring months and days (as DuckDB). */
export function addIntervalToTime(time: number, iv: Interval): number {
  const t = (time + iv.micros) % MICROS_PER_DAY
  return t < 0 ? t + MICROS_PER_DAY : t
}

export function negateInterval(iv: Interval): Interval {
  return { months: -iv.months || 0, days: -iv.days || 0, micros: -iv.micros || 0 }
}

export function addIntervals(a: Interval, b: Interval): Interval {
  return { months: a.months + b.months, days: a.days + b.days, micros: a.micros + b.micros }
}

export function subtractIntervals(a: Interval, b: Interval): Interval {
  return { months: a.months - b.months, days: a.days - b.days, micros: a.micros - b.micros }
}

/**
 * INTERVAL * number with PostgreSQL's (and DuckDB's) rule: months and days multiply and
 * truncate separately; the fractional month becomes days, the remaining fractional days become
 * time. Intermediate fractions are rounded to microseconds so 0.3 * 4 months is 1 month 6 days,
 * not 1 month 5 days 24:00:00.
 */
export function multiplyInterval(iv: Interval, factor: number): Interval {
  const months = Math.trunc(iv.months * factor)
  let days = Math.trunc(iv.days * factor)
  const monthRemainderDays = roundToMicros((iv.months * factor - months) * DAYS_PER_MONTH)
  let secRemainder = roundToMicros((iv.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * 86400)
  if (Math.abs(secRemainder) >= 86400) {
    days += Math.trunc(secRemainder / 86400)
    secRemainder -= Math.trunc(secRemainder / 86400) * 86400
  }
  days += Math.trunc(monthRemainderDays)
  const micros = Math.round(iv.micros * factor + secRemainder * MICROS_PER_SECOND)
  return { months: months || 0, days: days || 0, micros: micros || 0 }
}

function roundToMicros(x: number): number { return Math.round(x * 1e6) / 1e6 }

/** The interval between two timestamps as DuckDB's `-` gives it: days and micros, no months. */
export function timestampDifference(a: number, b: number): Interval {
  const diff = a - b
  const days = Math.trunc(diff / MICROS_PER_DAY)
  return { months: 0, days: days || 0, micros: (diff - days * MICROS_PER_DAY) || 0 }
}

/** Normal form used for ordering and equality: 30-day months, 24-hour days (DuckDB). */
export function normalizeInterval(iv: Interval): Interval {
  let { months, days, micros } = iv
  const monthsFromDays = Math.trunc(days / DAYS_PER_MONTH)
  days -= monthsFromDays * DAYS_PER_MONTH
  const monthsFromMicros = Math.trunc(micros / MICROS_PER_MONTH)
  micros -= monthsFromMicros * MICROS_PER_MONTH
  const daysFromMicros = Math.trunc(micros / MICROS_PER_DAY)
  micros -= daysFromMicros * MICROS_PER_DAY
  months += monthsFromDays + monthsFromMicros
  days += daysFromMicros
  return { months: months || 0, days: days || 0, micros: micros || 0 }
}

/** -1, 0 or 1; '1 month' = '30 days' = '720 hours' compare equal, as in DuckDB. */
export function compareIntervals(a: Interval, b: Interval): number {
  const x = normalizeInterval(a), y = normalizeInterval(b)
  if (x.months !== y.months) return x.months < y.months ? -1 : 1
  if (x.days !== y.days) return x.days < y.days ? -1 : 1
  if (x.micros !== y.micros) return x.micros < y.micros ? -1 : 1
  return 0
}

/** A single number with the same order as compareIntervals (exact while |value| < 2^53 µs). */
export function intervalSortKey(iv: Interval): number {
  return iv.months * MICROS_PER_MONTH + iv.days * MICROS_PER_DAY + iv.micros
}

export function intervalEquals(a: Interval, b: Interval): boolean { return compareIntervals(a, b) === 0 }

/** Total microseconds counting a month as 30 days (for epoch-like uses). */
export function intervalToMicros(iv: Interval): number {
  return iv.months * MICROS_PER_MONTH + iv.days * MICROS_PER_DAY + iv.micros
}

// ---- range checks -----------------------------------------------------------------------------

/** DuckDB's TIMESTAMP range: 290309 BC to 294247 AD. */
export const TIMESTAMP_MIN = -9223372022400000000
export const TIMESTAMP_MAX = 9223372036854775806

export function checkTimestampRange(ts: number): void {
  if (Number.isNaN(ts) || ((ts < TIMESTAMP_MIN || ts > TIMESTAMP_MAX) && Number.isFinite(ts))) {
    throw new GrizzlyError(SqlState.datetimeOverflow, 'timestamp out of range',
      { hint: 'TIMESTAMP values must lie between 290309 BC and 294247 AD' })
  }
}

const MAX_TIMESTAMP_DAYS = daysFromCivil(294247, 1, 10)
const MAX_TIMESTAMP_TIME = 4 * MICROS_PER_HOUR + 54 * MICROS_PER_SECOND + 775806
const MIN_TIMESTAMP_DAYS = daysFromCivil(-290308, 12, 22)

/**
 * Range check on a date and a time of day before they are added: near the limits a double
 * cannot tell neighbouring microseconds apart, the parts can.
 */
export function checkTimestampParts(days: number, time: number): void {
  if (days > MAX_TIMESTAMP_DAYS || (days === MAX_TIMESTAMP_DAYS && time > MAX_TIMESTAMP_TIME) || days < MIN_TIMESTAMP_DAYS) {
    throw new GrizzlyError(SqlState.datetimeOverflow, 'timestamp out of range',
      { hint: 'TIMESTAMP values must lie between 290309-12-22 (BC) and 294247-01-10 04:00:54.775806' })
  }
}

export function checkDateRange(days: number): void {
  if (!(days >= DATE_NEG_INFINITY && days <= DATE_INFINITY) || !Number.isInteger(days)) {
    throw new GrizzlyError(SqlState.datetimeOverflow, 'date out of range',
      { hint: 'DATE values must lie between 5877642 BC and 5881580 AD' })
  }
}

// date_part / date_trunc / date_diff / date_sub / age live in datetime-parts.ts
export * from './datetime-parts.ts'
