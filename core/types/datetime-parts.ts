/**
 * The unit-driven calendar functions: date_part, date_trunc, date_diff, date_sub and age, in
 * DuckDB's numbering (ISO weeks, centuries starting at year 1, 30-day interval months, …).
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { Interval } from './types.ts'
import {
  DAYS_PER_MONTH, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MILLI, MICROS_PER_MINUTE, MICROS_PER_SECOND,
  civilInto, dateOfTimestamp, dayOfWeek, daysFromCivil, daysInMonth, interval, isFiniteDate, isoDayOfWeek,
  isoYearWeek, negateInterval, timestampToParts,
} from './datetime.ts'

const scratch = new Int32Array(3)

/** Days of the Monday that starts ISO week 1 of `isoYear`. */
function isoWeekOneStart(isoYear: number): number {
  const jan4 = daysFromCivil(isoYear, 1, 4)
  return jan4 - (isoDayOfWeek(jan4) - 1)
}

// ---- date_part / date_trunc units ---------------------------------------------------------------

export type DatePartUnit =
  | 'nanoseconds' | 'microseconds' | 'milliseconds' | 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month'
  | 'quarter' | 'year' | 'decade' | 'century' | 'millennium' | 'dow' | 'isodow' | 'doy' | 'epoch'
  | 'isoyear' | 'yearweek' | 'era' | 'julian' | 'timezone' | 'timezone_hour' | 'timezone_minute'

const UNIT_ALIASES: ReadonlyMap<string, DatePartUnit> = new Map<string, DatePartUnit>([
  ...['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'usecond', 'useconds'].map(a => [a, 'microseconds'] as const),
  ...['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds'].map(a => [a, 'milliseconds'] as const),
  ...['second', 'seconds', 's', 'sec', 'secs'].map(a => [a, 'second'] as const),
  ...['minute', 'minutes', 'm', 'min', 'mins'].map(a => [a, 'minute'] as const),
  ...['hour', 'hours', 'h', 'hr', 'hrs'].map(a => [a, 'hour'] as const),
  ...['day', 'days', 'd', 'dayofmonth'].map(a => [a, 'day'] as const),
  ...['week', 'weeks', 'w', 'weekofyear'].map(a => [a, 'week'] as const),
  ...['month', 'months', 'mon', 'mons'].map(a => [a, 'month'] as const),
  ...['quarter', 'quarters'].map(a => [a, 'quarter'] as const),
  ...['year', 'years', 'y', 'yr', 'yrs'].map(a => [a, 'year'] as const),
  ...['decade', 'decades', 'dec', 'decs'].map(a => [a, 'decade'] as const),
  ...['century', 'centuries', 'c', 'cent', 'cents'].map(a => [a, 'century'] as const),
  ...['millennium', 'millennia', 'millenium', 'mil', 'mils'].map(a => [a, 'millennium'] as const),
  ...['dow', 'dayofweek', 'weekday'].map(a => [a, 'dow'] as const),
  ['isodow', 'isodow'], ['doy', 'doy'], ['dayofyear', 'doy'], ['epoch', 'epoch'], ['isoyear', 'isoyear'],
  ['yearweek', 'yearweek'], ['era', 'era'], ['julian', 'julian'],
  ['timezone', 'timezone'], ['timezone_hour', 'timezone_hour'], ['timezone_minute', 'timezone_minute'],
])

export function parseDatePartUnit(text: string): DatePartUnit {
  const u = UNIT_ALIASES.get(text.trim().toLowerCase())
  if (u === undefined) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `unknown date part "${text}"`,
      { hint: didYouMean(text, UNIT_ALIASES.keys()) ?? 'use one of year, quarter, month, week, day, hour, minute, second, millisecond, microsecond, dow, doy, epoch, …' })
  }
  return u
}

function truncDiv(a: number, b: number): number { return Math.trunc(a / b) }

/** date_part(unit, DATE); epoch and julian are doubles, the rest whole numbers. */
export function datePartOfDate(unit: DatePartUnit, days: number): number {
  if (unit === 'epoch') return days * 86400
  if (unit === 'timezone' || unit === 'timezone_hour' || unit === 'timezone_minute') {
    throw new GrizzlyError(SqlState.invalidParameterValue, `date part "${unit}" does not apply to DATE`,
      { hint: 'a DATE has no time zone; cast it to TIMESTAMP first' })
  }
  return datePartOfTimestamp(unit, days * MICROS_PER_DAY)
}

/** date_part(unit, TIMESTAMP) in DuckDB's numbering. */
export function datePartOfTimestamp(unit: DatePartUnit, ts: number): number {
  const days = dateOfTimestamp(ts)
  const t = ts - days * MICROS_PER_DAY
  switch (unit) {
    case 'nanoseconds': return (t % MICROS_PER_MINUTE) * 1000
    case 'microseconds': return t % MICROS_PER_MINUTE
    case 'milliseconds': return Math.floor((t % MICROS_PER_MINUTE) / MICROS_PER_MILLI)
    case 'second': return Math.floor(t / MICROS_PER_SECOND) % 60
    case 'minute': return Math.floor(t / MICROS_PER_MINUTE) % 60
    case 'hour': return Math.floor(t / MICROS_PER_HOUR)
    case 'epoch': return ts / MICROS_PER_SECOND
    case 'julian': return days + 2440588 + t / MICROS_PER_DAY
    case 'timezone': case 'timezone_hour': case 'timezone_minute': return 0
    default: return datePartOfDays(unit, days)
  }
}

function datePartOfDays(unit: DatePartUnit, days: number): number {
  civilInto(days, scratch)
  const year = scratch[0]!, month = scratch[1]!, day = scratch[2]!
  switch (unit) {
    case 'day': return day
    case 'month': return month
    case 'year': return year
    case 'quarter': return Math.floor((month - 1) / 3) + 1
    case 'decade': return truncDiv(year, 10)
    case 'century': return year > 0 ? truncDiv(year - 1, 100) + 1 : truncDiv(year, 100) - 1
    case 'millennium': return year > 0 ? truncDiv(year - 1, 1000) + 1 : truncDiv(year, 1000) - 1
    case 'dow': return dayOfWeek(days)
    case 'isodow': return isoDayOfWeek(days)
    case 'doy': return days - daysFromCivil(year, 1, 1) + 1
    case 'week': return isoYearWeek(days).week
    case 'isoyear': return isoYearWeek(days).isoYear
    case 'yearweek': {
      const w = isoYearWeek(days)
      return w.isoYear * 100 + (w.isoYear > 0 ? w.week : -w.week)
    }
    case 'era': return year > 0 ? 1 : 0
    case 'julian': return days + 2440588
    case 'epoch': return days * 86400
    case 'nanoseconds': case 'microseconds': case 'milliseconds': case 'second': case 'minute': case 'hour':
    case 'timezone': case 'timezone_hour': case 'timezone_minute':
      return 0
  }
}

/** date_part(unit, TIME) */
export function datePartOfTime(unit: DatePartUnit, t: number): number {
  switch (unit) {
    case 'nanoseconds': return (t % MICROS_PER_MINUTE) * 1000
    case 'microseconds': return t % MICROS_PER_MINUTE
    case 'milliseconds': return Math.floor((t % MICROS_PER_MINUTE) / MICROS_PER_MILLI)
    case 'second': return Math.floor(t / MICROS_PER_SECOND) % 60
    case 'minute': return Math.floor(t / MICROS_PER_MINUTE) % 60
    case 'hour': return Math.floor(t / MICROS_PER_HOUR)
    case 'epoch': return t / MICROS_PER_SECOND
    case 'timezone': case 'timezone_hour': case 'timezone_minute': return 0
    default:
      throw new GrizzlyError(SqlState.invalidParameterValue, `date part "${unit}" does not apply to TIME`,
        { hint: 'TIME values have hour, minute, second, millisecond, microsecond and epoch parts' })
  }
}

/** date_part(unit, INTERVAL) as DuckDB computes it. */
export function datePartOfInterval(unit: DatePartUnit, iv: Interval): number {
  switch (unit) {
    case 'year': return truncDiv(iv.months, 12)
    case 'month': return iv.months % 12
    case 'day': return iv.days
    case 'decade': return truncDiv(iv.months, 120)
    case 'century': return truncDiv(iv.months, 1200)
    case 'millennium': return truncDiv(iv.months, 12000)
    case 'quarter': return truncDiv(iv.months % 12, 3) + 1
    case 'hour': return truncDiv(iv.micros, MICROS_PER_HOUR)
    case 'minute': return truncDiv(iv.micros, MICROS_PER_MINUTE) % 60
    case 'second': return truncDiv(iv.micros, MICROS_PER_SECOND) % 60
    case 'milliseconds': return truncDiv(iv.micros % MICROS_PER_MINUTE, MICROS_PER_MILLI)
    case 'microseconds': return iv.micros % MICROS_PER_MINUTE
    case 'nanoseconds': return (iv.micros % MICROS_PER_MINUTE) * 1000
    case 'epoch': {
      const years = truncDiv(iv.months, 12)
      const days = 365 * years + DAYS_PER_MONTH * (iv.months % 12) + iv.days
      return days * 86400 + years * 21600 + iv.micros / MICROS_PER_SECOND
    }
    default:
      throw new GrizzlyError(SqlState.invalidParameterValue, `date part "${unit}" does not apply to INTERVAL`,
        { hint: 'INTERVAL values have year, month, day, hour, minute, second, millisecond, microsecond and epoch parts' })
  }
}

/** date_trunc(unit, TIMESTAMP) → TIMESTAMP */
export function truncateTimestamp(unit: DatePartUnit, ts: number): number {
  if (!Number.isFinite(ts)) return ts
  const days = dateOfTimestamp(ts)
  const t = ts - days * MICROS_PER_DAY
  switch (unit) {
    case 'nanoseconds': case 'microseconds': return ts
    case 'milliseconds': return days * MICROS_PER_DAY + t - (t % MICROS_PER_MILLI)
    case 'second': case 'epoch': return days * MICROS_PER_DAY + t - (t % MICROS_PER_SECOND)
    case 'minute': return days * MICROS_PER_DAY + t - (t % MICROS_PER_MINUTE)
    case 'hour': return days * MICROS_PER_DAY + t - (t % MICROS_PER_HOUR)
    default: return truncateDays(unit, days) * MICROS_PER_DAY
  }
}

/** date_trunc for units of a day or more, on days. */
export function truncateDays(unit: DatePartUnit, days: number): number {
  if (!isFiniteDate(days)) return days
  civilInto(days, scratch)
  const year = scratch[0]!, month = scratch[1]!
  switch (unit) {
    case 'nanoseconds': case 'microseconds': case 'milliseconds': case 'second': case 'minute': case 'hour': case 'day':
    case 'doy': case 'dow': case 'isodow': case 'julian': case 'epoch':
      return days
    case 'week': case 'yearweek': return days - (isoDayOfWeek(days) - 1)
    case 'month': return daysFromCivil(year, month, 1)
    case 'quarter': return daysFromCivil(year, month - ((month - 1) % 3), 1)
    case 'year': return daysFromCivil(year, 1, 1)
    case 'decade': return daysFromCivil(Math.floor(year / 10) * 10, 1, 1)
    // DuckDB starts centuries and millennia at years divisible by 100 / 1000
    case 'century': return daysFromCivil(Math.floor(year / 100) * 100, 1, 1)
    case 'millennium': return daysFromCivil(Math.floor(year / 1000) * 1000, 1, 1)
    case 'isoyear': return isoWeekOneStart(isoYearWeek(days).isoYear)
    case 'era': case 'timezone': case 'timezone_hour': case 'timezone_minute':
      throw new GrizzlyError(SqlState.invalidParameterValue, `date_trunc does not support the unit "${unit}"`,
        { hint: 'use year, quarter, month, week, day, hour, minute, second, millisecond or microsecond' })
  }
}

/** date_trunc(unit, INTERVAL) */
export function truncateInterval(unit: DatePartUnit, iv: Interval): Interval {
  switch (unit) {
    case 'millennium': return interval(iv.months - (iv.months % 12000), 0, 0)
    case 'century': return interval(iv.months - (iv.months % 1200), 0, 0)
    case 'decade': return interval(iv.months - (iv.months % 120), 0, 0)
    case 'year': case 'isoyear': return interval(iv.months - (iv.months % 12), 0, 0)
    case 'quarter': return interval(iv.months - (iv.months % 3), 0, 0)
    case 'month': return interval(iv.months, 0, 0)
    case 'week': case 'yearweek': return interval(iv.months, iv.days - (iv.days % 7), 0)
    case 'day': case 'dow': case 'isodow': case 'doy': return interval(iv.months, iv.days, 0)
    case 'hour': return interval(iv.months, iv.days, iv.micros - (iv.micros % MICROS_PER_HOUR))
    case 'minute': return interval(iv.months, iv.days, iv.micros - (iv.micros % MICROS_PER_MINUTE))
    case 'second': case 'epoch': return interval(iv.months, iv.days, iv.micros - (iv.micros % MICROS_PER_SECOND))
    case 'milliseconds': return interval(iv.months, iv.days, iv.micros - (iv.micros % MICROS_PER_MILLI))
    case 'microseconds': case 'nanoseconds': return iv
    default:
      throw new GrizzlyError(SqlState.invalidParameterValue, `date_trunc does not support the unit "${unit}" for INTERVAL`)
  }
}

/**
 * date_diff(unit, a, b): the number of `unit` boundaries crossed going from a to b (DuckDB).
 * Both arguments are timestamps in microseconds.
 */
export function dateDiff(unit: DatePartUnit, a: number, b: number): number {
  switch (unit) {
    case 'nanoseconds': return (b - a) * 1000
    case 'microseconds': return b - a
    case 'milliseconds': return Math.floor(b / MICROS_PER_MILLI) - Math.floor(a / MICROS_PER_MILLI)
    case 'second': return Math.floor(b / MICROS_PER_SECOND) - Math.floor(a / MICROS_PER_SECOND)
    case 'minute': return Math.floor(b / MICROS_PER_MINUTE) - Math.floor(a / MICROS_PER_MINUTE)
    case 'hour': return Math.floor(b / MICROS_PER_HOUR) - Math.floor(a / MICROS_PER_HOUR)
    case 'day': case 'doy': case 'dow': case 'isodow': case 'julian':
      return dateOfTimestamp(b) - dateOfTimestamp(a)
    // DuckDB counts whole weeks of days here, not Monday boundaries
    case 'week': case 'yearweek': return Math.trunc((dateOfTimestamp(b) - dateOfTimestamp(a)) / 7)
    default: {
      const pa = yearMonth(dateOfTimestamp(a)), pb = yearMonth(dateOfTimestamp(b))
      switch (unit) {
        case 'month': return pb - pa
        case 'quarter': return Math.floor(pb / 3) - Math.floor(pa / 3)
        case 'year': return Math.floor(pb / 12) - Math.floor(pa / 12)
        case 'decade': return Math.floor(pb / 120) - Math.floor(pa / 120)
        case 'century': return Math.floor(pb / 1200) - Math.floor(pa / 1200)
        case 'millennium': return Math.floor(pb / 12000) - Math.floor(pa / 12000)
        case 'isoyear': return isoYearWeek(dateOfTimestamp(b)).isoYear - isoYearWeek(dateOfTimestamp(a)).isoYear
        default:
          throw new GrizzlyError(SqlState.invalidParameterValue, `date_diff does not support the unit "${unit}"`)
      }
    }
  }
}

/**
 * date_sub(unit, a, b): whole units from a to b (DuckDB). Month-based units count a month as
 * complete when b's day-of-month and time reach a's, or b is the last day of its month.
 */
export function dateSub(unit: DatePartUnit, a: number, b: number): number {
  switch (unit) {
    case 'nanoseconds': return (b - a) * 1000
    case 'microseconds': return b - a
    case 'milliseconds': return Math.trunc((b - a) / MICROS_PER_MILLI)
    case 'second': return Math.trunc((b - a) / MICROS_PER_SECOND)
    case 'minute': return Math.trunc((b - a) / MICROS_PER_MINUTE)
    case 'hour': return Math.trunc((b - a) / MICROS_PER_HOUR)
    case 'day': case 'doy': case 'dow': case 'isodow': case 'julian': return Math.trunc((b - a) / MICROS_PER_DAY)
    case 'week': case 'yearweek': return Math.trunc((b - a) / (7 * MICROS_PER_DAY))
    default: break
  }
  if (a > b) return -dateSub(unit, b, a)
  const x = timestampToParts(a), y = timestampToParts(b)
  let months = (y.year - x.year) * 12 + (y.month - x.month)
  const yEndOfMonth = y.day === daysInMonth(y.year, y.month)
  const xTime = ((x.hour * 60 + x.minute) * 60 + x.second) * MICROS_PER_SECOND + x.micros
  const yTime = ((y.hour * 60 + y.minute) * 60 + y.second) * MICROS_PER_SECOND + y.micros
  const yDay = yEndOfMonth && x.day >= y.day ? x.day : y.day
  if (yDay < x.day || (yDay === x.day && yTime < xTime)) months--
  switch (unit) {
    case 'month': return months
    case 'quarter': return Math.trunc(months / 3)
    case 'year': case 'isoyear': return Math.trunc(months / 12)
    case 'decade': return Math.trunc(months / 120)
    case 'century': return Math.trunc(months / 1200)
    case 'millennium': return Math.trunc(months / 12000)
    default:
      throw new GrizzlyError(SqlState.invalidParameterValue, `date_sub does not support the unit "${unit}"`)
  }
}

function yearMonth(days: number): number {
  civilInto(days, scratch)
  return scratch[0]! * 12 + scratch[1]! - 1
}

/**
 * age(a, b): a - b as years, months, days and time, borrowing from the larger unit as
 * PostgreSQL does ('2024-03-01' - '2024-01-31' = 1 month 1 day).
 */
export function age(a: number, b: number): Interval {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    throw new GrizzlyError(SqlState.datetimeOverflow, 'age of an infinite timestamp is not defined')
  }
  const negative = a < b
  const hi = negative ? b : a, lo = negative ? a : b
  const x = timestampToParts(hi), y = timestampToParts(lo)
  let micros = (x.hour - y.hour) * MICROS_PER_HOUR + (x.minute - y.minute) * MICROS_PER_MINUTE +
    (x.second - y.second) * MICROS_PER_SECOND + (x.micros - y.micros)
  let days = x.day - y.day
  let months = (x.year - y.year) * 12 + (x.month - y.month)
  if (micros < 0) { micros += MICROS_PER_DAY; days-- }
  if (days < 0) {
    // borrow the length of the earlier timestamp's month, as PostgreSQL and DuckDB do
    days += daysInMonth(y.year, y.month)
    months--
  }
  return negative ? negateInterval({ months, days, micros }) : { months, days, micros }
}
