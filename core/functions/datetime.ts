/**
 * Date/time functions (DuckDB names and semantics), registered through the hooks like any
 * extension's. The temporal operator overloads ('+', '-', '*', '/') are in datetime-operators.ts.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ScalarKernel, ScalarOverload } from '../hooks/contracts.ts'
import {
  BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, type Interval, type LogicalType, TIME, TIMESTAMP, TIMESTAMPTZ, VARCHAR, type Value, list,
  struct,
} from '../types/types.ts'
import { Vector, constantVector, getValue } from '../vector/vector.ts'
import {
  DATE_INFINITY, DATE_NEG_INFINITY, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MILLI, MICROS_PER_MINUTE,
  MICROS_PER_SECOND, type DatePartUnit, addIntervalToTimestamp, age, checkTimestampRange, civilInto, dateDiff,
  dateOfTimestamp, datePartOfDate, datePartOfInterval, datePartOfTime, datePartOfTimestamp, dayOfWeek, daysFromCivil,
  checkTimestampParts, daysInMonth, intervalToMicros, isFiniteDate, timestampFromDate, truncateDays, truncateInterval, truncateTimestamp, dateSub,
} from '../types/datetime.ts'
import { DAY_NAMES, MONTH_NAMES, compileFormat, strftime, strptime } from '../types/datetime-format.ts'
import { parseDate } from '../types/parse.ts'
import { UnitCache, big, num, onlyUserErrors, rowKernel, str } from './datetime-kernels.ts'
import { registerTemporalOperators } from './datetime-operators.ts'
import { registerTimeBucket } from './datetime-bucket.ts'
import { registerZoneFunctions } from './datetime-zones.ts'

export function registerDateTimeFunctions(hooks: Hooks): void {
  registerClock(hooks)
  registerParts(hooks)
  registerTruncAndDiff(hooks)
  registerConstructors(hooks)
  registerFormatting(hooks)
  registerIntervalConstructors(hooks)
  registerTemporalOperators(hooks)
  registerTimeBucket(hooks)
  registerZoneFunctions(hooks)
}

/**
 * date_part with a constant part whose result is fractional ('epoch', 'julian') returns DOUBLE
 * in DuckDB, which a fixed overload cannot express: the binder should call the function named
 * here instead (date_part('epoch', x) → epoch(x)). undefined = keep date_part (BIGINT).
 */
export function datePartSpecialization(part: string): string | undefined {
  switch (part.trim().toLowerCase()) {
    case 'epoch': return 'epoch'
    case 'julian': return 'julian'
    default: return undefined
  }
}

// ---- clock ------------------------------------------------------------------------------------

function registerClock(hooks: Hooks): void {
  // an instant (TIMESTAMPTZ, as DuckDB), and localtimestamp the same moment as a plain TIMESTAMP
  hooks.registerScalar({
    name: 'now', aliases: ['current_timestamp', 'get_current_timestamp', 'transaction_timestamp'],
    description: 'the time the current statement started', nulls: 'propagate', volatility: 'stable',
    overloads: [{ args: [], returns: TIMESTAMPTZ, invoke: (_args, count, ctx) => constantVector(TIMESTAMPTZ, ctx.statementTime, count) }],
  })
  hooks.registerScalar({
    name: 'localtimestamp', description: 'the time the current statement started, as a TIMESTAMP', nulls: 'propagate', volatility: 'stable',
    overloads: [{ args: [], returns: TIMESTAMP, invoke: (_args, count, ctx) => constantVector(TIMESTAMP, ctx.statementTime, count) }],
  })
  hooks.registerScalar({
    name: 'current_date', aliases: ['today'], description: 'the date the current statement started',
    nulls: 'propagate', volatility: 'stable',
    overloads: [{ args: [], returns: DATE, invoke: (_a, count, ctx) => constantVector(DATE, dateOfTimestamp(ctx.statementTime), count) }],
  })
  hooks.registerScalar({
    name: 'current_time', aliases: ['get_current_time', 'localtime'], description: 'the time of day the current statement started',
    nulls: 'propagate', volatility: 'stable',
    overloads: [{
      args: [], returns: TIME,
      invoke: (_a, count, ctx) => constantVector(TIME, ctx.statementTime - dateOfTimestamp(ctx.statementTime) * MICROS_PER_DAY, count),
    }],
  })
}

// ---- parts ------------------------------------------------------------------------------------

/** One date-part function: on DATE and TIMESTAMP (and INTERVAL when it applies) → BIGINT. */
function partOverloads(unit: DatePartUnit, withInterval: boolean, withTime: boolean): ScalarOverload[] {
  const out: ScalarOverload[] = [
    { args: [DATE], returns: BIGINT, invoke: datePartOfDateKernel(unit) },
    { args: [TIMESTAMP], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => finiteOrNull(num(a[0]!, i), ts => datePartOfTimestamp(unit, ts))) },
  ]
  if (withInterval) out.push({ args: [INTERVAL], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => datePartOfInterval(unit, ivAt(a[0]!, i))) })
  if (withTime) out.push({ args: [TIME], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => datePartOfTime(unit, num(a[0]!, i))) })
  return out
}

function finiteOrNull(ts: number, f: (ts: number) => number): number | null {
  return Number.isFinite(ts) ? f(ts) : null
}

/** Typed loop for DATE parts: the most common calls (year(d), month(d), …). */
function datePartOfDateKernel(unit: DatePartUnit): ScalarKernel {
  return (args, count) => {
    const d = args[0]!.data as Int32Array
    const valid = args[0]!.validity
    const out = new BigInt64Array(count)
    let validity: Uint8Array | null = null
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) continue
      const days = d[i]!
      if (!isFiniteDate(days)) {
        if (validity === null) validity = new Uint8Array(count).fill(1)
        validity[i] = 0
        continue
      }
      out[i] = BigInt(datePartOfDate(unit, days))
    }
    return new Vector(BIGINT, count, out, validity)
  }
}

function ivAt(v: Vector, i: number): Interval { return (v.data as Interval[])[i]! }

const PART_FUNCTIONS: readonly [name: string, unit: DatePartUnit, interval: boolean, time: boolean, aliases: string[]][] = [
  ['year', 'year', true, false, []], ['month', 'month', true, false, []], ['day', 'day', true, false, ['dayofmonth']],
  ['hour', 'hour', true, true, []], ['minute', 'minute', true, true, []], ['second', 'second', true, true, []],
  ['millisecond', 'milliseconds', true, true, []], ['microsecond', 'microseconds', true, true, []],
  ['nanosecond', 'nanoseconds', true, true, []],
  ['quarter', 'quarter', true, false, []], ['week', 'week', false, false, ['weekofyear']],
  ['dayofweek', 'dow', false, false, ['weekday']], ['isodow', 'isodow', false, false, []],
  ['dayofyear', 'doy', false, false, []], ['isoyear', 'isoyear', false, false, []], ['yearweek', 'yearweek', false, false, []],
  ['decade', 'decade', true, false, []], ['century', 'century', true, false, []],
  ['millennium', 'millennium', true, false, []], ['era', 'era', false, false, []],
]

function registerParts(hooks: Hooks): void {
  for (const [name, unit, withInterval, withTime, aliases] of PART_FUNCTIONS) {
    hooks.registerScalar({
      name, aliases, description: `the ${name} part of a date, timestamp${withInterval ? ' or interval' : ''}`,
      nulls: 'propagate', volatility: 'immutable', overloads: partOverloads(unit, withInterval, withTime),
    })
  }
  const cache = new UnitCache()
  hooks.registerScalar({
    name: 'date_part', aliases: ['datepart'],
    description: "a part ('year', 'month', 'dow', 'epoch', …) of a date, time, timestamp or interval; EXTRACT uses it",
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [VARCHAR, DATE], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => {
        const d = (a[1]!.data as Int32Array)[i]!
        return isFiniteDate(d) ? Math.trunc(datePartOfDate(cache.get(str(a[0]!, i)), d)) : null
      }) },
      { args: [VARCHAR, TIMESTAMP], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) =>
        finiteOrNull(num(a[1]!, i), ts => Math.trunc(datePartOfTimestamp(cache.get(str(a[0]!, i)), ts)))) },
      { args: [VARCHAR, TIME], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => Math.trunc(datePartOfTime(cache.get(str(a[0]!, i)), num(a[1]!, i)))) },
      { args: [VARCHAR, INTERVAL], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => Math.trunc(datePartOfInterval(cache.get(str(a[0]!, i)), ivAt(a[1]!, i)))) },
    ],
  })
  hooks.registerScalar({
    name: 'epoch', description: 'seconds since 1970-01-01 (with fraction) of a date, timestamp, time or interval',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [DATE], returns: DOUBLE, invoke: rowKernel(DOUBLE, (a, i) => {
        const d = (a[0]!.data as Int32Array)[i]!
        return isFiniteDate(d) ? datePartOfDate('epoch', d) : null
      }) },
      { args: [TIMESTAMP], returns: DOUBLE, invoke: rowKernel(DOUBLE, (a, i) => finiteOrNull(num(a[0]!, i), ts => ts / MICROS_PER_SECOND)) },
      { args: [TIME], returns: DOUBLE, invoke: rowKernel(DOUBLE, (a, i) => num(a[0]!, i) / MICROS_PER_SECOND) },
      { args: [INTERVAL], returns: DOUBLE, invoke: rowKernel(DOUBLE, (a, i) => datePartOfInterval('epoch', ivAt(a[0]!, i))) },
    ],
  })
  hooks.registerScalar({
    name: 'julian', description: 'the Julian day number of a date or timestamp', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [TIMESTAMP], returns: DOUBLE, invoke: rowKernel(DOUBLE, (a, i) => finiteOrNull(num(a[0]!, i), ts => datePartOfTimestamp('julian', ts))) },
    ],
  })
  // epoch_ms / epoch_us / epoch_ns of timestamps, dates, times and intervals (30-day months)
  const epochUnit = (name: string, scale: (micros: number) => bigint, extra: ScalarOverload[], description: string): void => {
    const ofMicros = (m: number): bigint | null => Number.isFinite(m) ? scale(m) : null
    hooks.registerScalar({
      name, description, nulls: 'propagate', volatility: 'immutable',
      overloads: [
        { args: [TIMESTAMP], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => ofMicros(num(a[0]!, i))) },
        { args: [DATE], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => {
          const d = (a[0]!.data as Int32Array)[i]!
          return isFiniteDate(d) ? ofMicros(d * MICROS_PER_DAY) : null
        }) },
        { args: [TIME], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => ofMicros(num(a[0]!, i))) },
        { args: [INTERVAL], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) => ofMicros(intervalToMicros(ivAt(a[0]!, i)))) },
        ...extra,
      ],
    })
  }
  epochUnit('epoch_us', m => BigInt(m), [], 'microseconds since 1970-01-01')
  epochUnit('epoch_ns', m => BigInt(m) * 1000n, [], 'nanoseconds since 1970-01-01 (microsecond precision)')
  epochUnit('epoch_ms', m => BigInt(Math.trunc(m / MICROS_PER_MILLI)), [
    { args: [BIGINT], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => checkedTs(Number(big(a[0]!, i)) * MICROS_PER_MILLI)) },
  ], 'milliseconds since 1970-01-01 of a timestamp, or the timestamp of a count of milliseconds')
  hooks.registerScalar({
    name: 'last_day', description: 'the last day of the month of a date or timestamp', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [DATE], returns: DATE, invoke: rowKernel(DATE, (a, i) => lastDay((a[0]!.data as Int32Array)[i]!)) },
      { args: [TIMESTAMP], returns: DATE, invoke: rowKernel(DATE, (a, i) => lastDay(dateOfTimestamp(num(a[0]!, i)))) },
    ],
  })
  const nameFn = (name: string, names: readonly string[], pick: (days: number) => number): void => {
    hooks.registerScalar({
      name, description: `the English ${name === 'dayname' ? 'weekday' : 'month'} name of a date or timestamp`,
      nulls: 'propagate', volatility: 'immutable',
      overloads: [
        { args: [DATE], returns: VARCHAR, invoke: rowKernel(VARCHAR, (a, i) => {
          const d = (a[0]!.data as Int32Array)[i]!
          return isFiniteDate(d) ? names[pick(d)]! : null
        }) },
        { args: [TIMESTAMP], returns: VARCHAR, invoke: rowKernel(VARCHAR, (a, i) => {
          const ts = num(a[0]!, i)
          return Number.isFinite(ts) ? names[pick(dateOfTimestamp(ts))]! : null
        }) },
      ],
    })
  }
  const civil = new Int32Array(3)
  nameFn('dayname', DAY_NAMES, dayOfWeek)
  nameFn('monthname', MONTH_NAMES, d => { civilInto(d, civil); return civil[1]! - 1 })
  hooks.registerScalar({
    name: 'isfinite', description: 'false for infinity and -infinity', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [DATE], returns: BOOLEAN, invoke: rowKernel(BOOLEAN, (a, i) => isFiniteDate((a[0]!.data as Int32Array)[i]!)) },
      { args: [TIMESTAMP], returns: BOOLEAN, invoke: rowKernel(BOOLEAN, (a, i) => Number.isFinite(num(a[0]!, i))) },
    ],
  })
  hooks.registerScalar({
    name: 'isinf', description: 'true for infinity and -infinity', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [DATE], returns: BOOLEAN, invoke: rowKernel(BOOLEAN, (a, i) => !isFiniteDate((a[0]!.data as Int32Array)[i]!)) },
      { args: [TIMESTAMP], returns: BOOLEAN, invoke: rowKernel(BOOLEAN, (a, i) => !Number.isFinite(num(a[0]!, i))) },
    ],
  })
}

function lastDay(days: number): number | null {
  if (!isFiniteDate(days)) return null
  const c = new Int32Array(3)
  civilInto(days, c)
  return daysFromCivil(c[0]!, c[1]!, daysInMonth(c[0]!, c[1]!))
}

/** Microseconds given as a BIGINT, checked exactly before they become a double. */
function bigMicros(v: bigint): number {
  if (v > 9223372036854775806n || v < -9223372022400000000n) {
    throw new GrizzlyError(SqlState.datetimeOverflow, `timestamp out of range: ${v} microseconds`,
      { hint: 'TIMESTAMP values must lie between 290309 BC and 294247 AD' })
  }
  return Number(v)
}

function partsTs(days: number, time: number): number {
  checkTimestampParts(days, time)
  return days * MICROS_PER_DAY + time
}

function checkedTs(ts: number): number {
  checkTimestampRange(ts)
  return ts
}

// ---- date_trunc, date_diff, date_sub, age, date_add ---------------------------------------------

function registerTruncAndDiff(hooks: Hooks): void {
  const cache = new UnitCache()
  hooks.registerScalar({
    name: 'date_trunc', aliases: ['datetrunc'], description: 'truncates a date, timestamp or interval to a unit (year, month, week, day, hour, …)',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [VARCHAR, TIMESTAMP], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => truncateTimestamp(cache.get(str(a[0]!, i)), num(a[1]!, i))) },
      { args: [VARCHAR, DATE], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) =>
        timestampFromDate(truncateDays(cache.get(str(a[0]!, i)), (a[1]!.data as Int32Array)[i]!))) },
      { args: [VARCHAR, INTERVAL], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => truncateInterval(cache.get(str(a[0]!, i)), ivAt(a[1]!, i))) },
    ],
  })
  const diff = (f: (unit: DatePartUnit, x: number, y: number) => number) => (name: string, aliases: string[], description: string): void => {
    const c = new UnitCache()
    hooks.registerScalar({
      name, aliases, description, nulls: 'propagate', volatility: 'immutable',
      overloads: [
        { args: [VARCHAR, DATE, DATE], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) =>
          f(c.get(str(a[0]!, i)), timestampFromDate((a[1]!.data as Int32Array)[i]!), timestampFromDate((a[2]!.data as Int32Array)[i]!))) },
        { args: [VARCHAR, TIMESTAMP, TIMESTAMP], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) =>
          f(c.get(str(a[0]!, i)), num(a[1]!, i), num(a[2]!, i))) },
        { args: [VARCHAR, TIME, TIME], returns: BIGINT, invoke: rowKernel(BIGINT, (a, i) =>
          f(c.get(str(a[0]!, i)), num(a[1]!, i), num(a[2]!, i))) },
      ],
    })
  }
  diff(finiteDiff(dateDiff))('date_diff', ['datediff'], 'the number of unit boundaries crossed from the second to the third argument')
  diff(finiteDiff(dateSub))('date_sub', ['datesub'], 'the number of whole units from the second to the third argument')
  hooks.registerScalar({
    name: 'age', description: 'the interval between two timestamps in years, months and days; with one argument, from it to today',
    nulls: 'propagate', volatility: 'stable',
    overloads: [
      { args: [TIMESTAMP, TIMESTAMP], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => finiteAge(num(a[0]!, i), num(a[1]!, i))) },
      { args: [TIMESTAMP], returns: INTERVAL, invoke: (args, count, ctx) => {
        const today = dateOfTimestamp(ctx.statementTime) * MICROS_PER_DAY
        return rowKernel(INTERVAL, (a, i) => finiteAge(today, num(a[0]!, i)))(args, count, ctx)
      } },
    ],
  })
  hooks.registerScalar({
    name: 'date_add', description: 'a date or timestamp plus an interval', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [DATE, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) =>
        addIntervalToTimestamp(timestampFromDate((a[0]!.data as Int32Array)[i]!), ivAt(a[1]!, i))) },
      { args: [TIMESTAMP, INTERVAL], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => addIntervalToTimestamp(num(a[0]!, i), ivAt(a[1]!, i))) },
    ],
  })
}

/** age() of an infinite timestamp is NULL (DuckDB). */
function finiteAge(a: number, b: number): Interval | null {
  return Number.isFinite(a) && Number.isFinite(b) ? age(a, b) : null
}

function finiteDiff(f: (unit: DatePartUnit, x: number, y: number) => number): (unit: DatePartUnit, x: number, y: number) => number {
  return (unit, x, y) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new GrizzlyError(SqlState.datetimeOverflow, 'cannot compute a difference with an infinite date or timestamp')
    }
    return f(unit, x, y)
  }
}

// ---- constructors ---------------------------------------------------------------------------------

function makeDate(y: number, m: number, d: number): number {
  if (!(m >= 1 && m <= 12) || !(d >= 1 && d <= daysInMonth(y, m))) {
    throw new GrizzlyError(SqlState.datetimeOverflow, `date field value out of range: ${y}-${m}-${d}`,
      { hint: 'month must be 1..12 and day must exist in that month' })
  }
  return daysFromCivil(y, m, d)
}

function makeTime(h: number, m: number, s: number): number {
  if (!(h >= 0 && h <= 24) || !(m >= 0 && m <= 59) || !(s >= 0 && s <= 60)) {
    throw new GrizzlyError(SqlState.datetimeOverflow, `time field value out of range: ${h}:${m}:${s}`,
      { hint: 'hour must be 0..24, minute 0..59, second 0..60' })
  }
  const t = h * MICROS_PER_HOUR + m * MICROS_PER_MINUTE + Math.round(s * MICROS_PER_SECOND)
  if (t > MICROS_PER_DAY) throw new GrizzlyError(SqlState.datetimeOverflow, `time field value out of range: ${h}:${m}:${s}`)
  return t
}

const YMD = struct([{ name: 'year', type: BIGINT }, { name: 'month', type: BIGINT }, { name: 'day', type: BIGINT }])

function registerConstructors(hooks: Hooks): void {
  const n = (v: Vector, i: number): number => Number(big(v, i))
  hooks.registerScalar({
    name: 'make_date', description: 'the date of a year, month and day, or of a count of days since 1970-01-01',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [BIGINT, BIGINT, BIGINT], returns: DATE, invoke: rowKernel(DATE, (a, i) => makeDate(n(a[0]!, i), n(a[1]!, i), n(a[2]!, i))) },
      { args: [INTEGER], returns: DATE, invoke: rowKernel(DATE, (a, i) => (a[0]!.data as Int32Array)[i]!) },
      // make_date(date_part(['year', 'month', 'day'], d)); a NULL field gives NULL
      { args: [YMD], returns: DATE, invoke: rowKernel(DATE, (a, i) => {
        const p = getValue(a[0]!, i) as { readonly [f: string]: Value }
        const [y, m, d] = [p.year, p.month, p.day]
        return y == null || m == null || d == null ? null : makeDate(Number(y), Number(m), Number(d))
      }) },
    ],
  })
  hooks.registerScalar({
    name: 'make_time', description: 'the time of an hour, minute and (fractional) second', nulls: 'propagate', volatility: 'immutable',
    overloads: [{ args: [BIGINT, BIGINT, DOUBLE], returns: TIME, invoke: rowKernel(TIME, (a, i) => makeTime(n(a[0]!, i), n(a[1]!, i), num(a[2]!, i))) }],
  })
  hooks.registerScalar({
    name: 'make_timestamp', description: 'the timestamp of year, month, day, hour, minute and second, or of microseconds since 1970',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, DOUBLE], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) =>
        partsTs(makeDate(n(a[0]!, i), n(a[1]!, i), n(a[2]!, i)), makeTime(n(a[3]!, i), n(a[4]!, i), num(a[5]!, i)))) },
      { args: [BIGINT], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => bigMicros(big(a[0]!, i))) },
    ],
  })
  hooks.registerScalar({
    name: 'make_timestamp_ms', description: 'the timestamp of a number of milliseconds since 1970-01-01',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [{ args: [BIGINT], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => checkedTs(Number(big(a[0]!, i)) * MICROS_PER_MILLI)) }],
  })
  hooks.registerScalar({
    name: 'make_timestamp_ns', description: 'the timestamp of a number of nanoseconds since 1970-01-01 (kept to microseconds)',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [{ args: [BIGINT], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => {
      const ns = big(a[0]!, i)
      return Number(ns / 1000n - (ns % 1000n < 0n ? 1n : 0n))
    }) }],
  })
  hooks.registerScalar({
    name: 'date', description: 'the DATE of a text, timestamp or date (as CAST(x AS DATE))', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [VARCHAR], returns: DATE, invoke: rowKernel(DATE, (a, i) => parseDate(str(a[0]!, i))) },
      { args: [TIMESTAMP], returns: DATE, invoke: rowKernel(DATE, (a, i) => dateOfTimestamp(num(a[0]!, i))) },
      { args: [DATE], returns: DATE, invoke: args => args[0]! },
    ],
  })
  hooks.registerScalar({
    name: 'to_timestamp', description: 'the timestamp of a number of seconds since 1970-01-01', nulls: 'propagate', volatility: 'immutable',
    overloads: [{ args: [DOUBLE], returns: TIMESTAMPTZ, invoke: rowKernel(TIMESTAMPTZ, (a, i) => {
      const s = num(a[0]!, i)
      if (!Number.isFinite(s)) throw new GrizzlyError(SqlState.datetimeOverflow, `cannot convert ${s} seconds to a timestamp`)
      return checkedTs(Math.round(s * MICROS_PER_SECOND))
    }) }],
  })
}

// ---- strftime / strptime ----------------------------------------------------------------------------

function registerFormatting(hooks: Hooks): void {
  const fmt = (a: readonly Vector[], i: number): ReturnType<typeof compileFormat> => compileFormat(str(a[1]!, i))
  hooks.registerScalar({
    name: 'strftime', description: 'formats a date or timestamp with % codes (%Y-%m-%d %H:%M:%S)', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [TIMESTAMP, VARCHAR], returns: VARCHAR, invoke: rowKernel(VARCHAR, (a, i) => strftime(num(a[0]!, i), fmt(a, i))) },
      { args: [DATE, VARCHAR], returns: VARCHAR, invoke: rowKernel(VARCHAR, (a, i) => {
        const d = (a[0]!.data as Int32Array)[i]!
        return d === DATE_INFINITY ? 'infinity' : d === DATE_NEG_INFINITY ? '-infinity' : strftime(d * MICROS_PER_DAY, fmt(a, i))
      }) },
    ],
  })
  // strftime(format, value) is accepted too, as DuckDB does
  hooks.registerScalar({
    name: 'strftime', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [VARCHAR, TIMESTAMP], returns: VARCHAR, invoke: rowKernel(VARCHAR, (a, i) => strftime(num(a[1]!, i), compileFormat(str(a[0]!, i)))) },
      { args: [VARCHAR, DATE], returns: VARCHAR, invoke: rowKernel(VARCHAR, (a, i) => {
        const d = (a[1]!.data as Int32Array)[i]!
        return d === DATE_INFINITY ? 'infinity' : d === DATE_NEG_INFINITY ? '-infinity' : strftime(d * MICROS_PER_DAY, compileFormat(str(a[0]!, i)))
      }) },
    ],
  })
  const firstMatch = (text: string, formats: readonly Value[]): number => {
    let last: unknown
    for (const f of formats) {
      if (f === null) continue
      try { return strptime(text, f as string) } catch (e) { onlyUserErrors(e); last = e }
    }
    throw last ?? new GrizzlyError(SqlState.invalidParameterValue, 'strptime needs at least one format')
  }
  const formatsAt = (v: Vector, i: number): readonly Value[] => getValue(v, i) as readonly Value[]
  hooks.registerScalar({
    name: 'strptime', description: 'parses text into a timestamp with % codes; with a list, the first format that matches',
    nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [VARCHAR, VARCHAR], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => strptime(str(a[0]!, i), str(a[1]!, i))) },
      { args: [VARCHAR, list(VARCHAR)], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => firstMatch(str(a[0]!, i), formatsAt(a[1]!, i))) },
    ],
  })
  hooks.registerScalar({
    name: 'try_strptime', description: 'as strptime, but NULL when the text does not match', nulls: 'propagate', volatility: 'immutable',
    overloads: [
      { args: [VARCHAR, VARCHAR], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => {
        compileFormat(str(a[1]!, i)) // a bad format is still an error
        try { return strptime(str(a[0]!, i), str(a[1]!, i)) } catch (e) { onlyUserErrors(e); return null }
      }) },
      { args: [VARCHAR, list(VARCHAR)], returns: TIMESTAMP, invoke: rowKernel(TIMESTAMP, (a, i) => {
        const formats = formatsAt(a[1]!, i)
        for (const f of formats) if (f !== null) compileFormat(f as string)
        try { return firstMatch(str(a[0]!, i), formats) } catch (e) { onlyUserErrors(e); return null }
      }) },
    ],
  })
}

// ---- to_days(n) and friends ------------------------------------------------------------------------

function registerIntervalConstructors(hooks: Hooks): void {
  const make = (name: string, arg: LogicalType, build: (x: number) => Interval): void => {
    hooks.registerScalar({
      name, description: `an interval of the given number of ${name.slice(3)}`, nulls: 'propagate', volatility: 'immutable',
      overloads: [{ args: [arg], returns: INTERVAL, invoke: rowKernel(INTERVAL, (a, i) => {
        const v = arg.id === 'DOUBLE' ? num(a[0]!, i) : arg.id === 'BIGINT' ? Number(big(a[0]!, i)) : (a[0]!.data as Int32Array)[i]!
        const out = build(v)
        if (!(Math.abs(out.micros) < 9223372036854775807) || Math.abs(out.months) > 2147483647 || Math.abs(out.days) > 2147483647) {
          throw new GrizzlyError(SqlState.datetimeOverflow, `interval value out of range in ${name}(${v})`)
        }
        return out
      }) }],
    })
  }
  make('to_years', BIGINT, x => ({ months: x * 12, days: 0, micros: 0 }))
  make('to_months', BIGINT, x => ({ months: x, days: 0, micros: 0 }))
  make('to_quarters', BIGINT, x => ({ months: x * 3, days: 0, micros: 0 }))
  make('to_decades', BIGINT, x => ({ months: x * 120, days: 0, micros: 0 }))
  make('to_centuries', BIGINT, x => ({ months: x * 1200, days: 0, micros: 0 }))
  make('to_millennia', BIGINT, x => ({ months: x * 12000, days: 0, micros: 0 }))
  make('to_weeks', BIGINT, x => ({ months: 0, days: x * 7, micros: 0 }))
  make('to_days', BIGINT, x => ({ months: 0, days: x, micros: 0 }))
  make('to_hours', BIGINT, x => ({ months: 0, days: 0, micros: x * MICROS_PER_HOUR }))
  make('to_minutes', BIGINT, x => ({ months: 0, days: 0, micros: x * MICROS_PER_MINUTE }))
  make('to_seconds', DOUBLE, x => ({ months: 0, days: 0, micros: Math.round(x * MICROS_PER_SECOND) }))
  make('to_milliseconds', DOUBLE, x => ({ months: 0, days: 0, micros: Math.round(x * MICROS_PER_MILLI) }))
  make('to_microseconds', BIGINT, x => ({ months: 0, days: 0, micros: x }))
}
