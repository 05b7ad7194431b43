/**
 * INTERVAL text: PostgreSQL's verbose form ('1 year 2 mons -3 days 04:05:06.7', '@ 1 day ago'),
 * bare times ('04:05', '-1:00:00') and a lone number of seconds ('31.5'). ISO-8601 durations
 * ('P1Y2M') are rejected, as DuckDB rejects them.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Interval } from './types.ts'
import {
  DAYS_PER_MONTH, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MILLI, MICROS_PER_MINUTE, MICROS_PER_SECOND,
} from './datetime.ts'

const HINT = "expected e.g. '1 day', '2 hours 30 minutes', '1 year 2 months', '04:05:06' or '-1 day'"

function invalid(text: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidDatetimeFormat, `invalid input syntax for type INTERVAL: "${text}"`, { hint: HINT })
}

/** What one unit adds: months, days, micros per 1. */
type UnitWeight = readonly [months: number, days: number, micros: number]

const UNITS: ReadonlyMap<string, UnitWeight> = (() => {
  const m = new Map<string, UnitWeight>()
  const add = (names: string[], w: UnitWeight): void => { for (const n of names) m.set(n, w) }
  add(['millennium', 'millennia', 'millenniums', 'millenium', 'milleniums', 'mil', 'mils'], [12000, 0, 0])
  add(['century', 'centuries', 'c', 'cent'], [1200, 0, 0])
  add(['decade', 'decades', 'dec', 'decs'], [120, 0, 0])
  add(['year', 'years', 'y', 'yr', 'yrs'], [12, 0, 0])
  add(['quarter', 'quarters', 'q'], [3, 0, 0])
  add(['month', 'months', 'mon', 'mons'], [1, 0, 0])
  add(['week', 'weeks', 'w'], [0, 7, 0])
  add(['day', 'days', 'd'], [0, 1, 0])
  add(['hour', 'hours', 'h', 'hr', 'hrs'], [0, 0, MICROS_PER_HOUR])
  add(['minute', 'minutes', 'm', 'min', 'mins'], [0, 0, MICROS_PER_MINUTE])
  add(['second', 'seconds', 's', 'sec', 'secs'], [0, 0, MICROS_PER_SECOND])
  add(['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds'], [0, 0, MICROS_PER_MILLI])
  add(['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'usecond', 'useconds'], [0, 0, 1])
  return m
})()

/** The weight of an interval unit name ('day', 'hours', …), for INTERVAL n UNIT and to_days(). */
export function intervalUnitWeight(unit: string): UnitWeight | undefined { return UNITS.get(unit.toLowerCase()) }

class Acc {
  months = 0
  days = 0
  micros = 0
  /** adds value × weight, spilling fractions into smaller units as PostgreSQL does */
  add(value: number, w: UnitWeight): void {
    if (w[0] !== 0) {
      const months = value * w[0]
      const whole = Math.trunc(months)
      this.months += whole
      // fractional years keep whole months only; fractional months spill into days
      if (w[0] === 1) this.addDays((months - whole) * DAYS_PER_MONTH)
      else this.addDays(Math.trunc((months - whole) * DAYS_PER_MONTH))
    } else if (w[1] !== 0) {
      this.addDays(value * w[1])
    } else {
      // DuckDB drops digits below a microsecond (round first to undo binary noise: 0.3 s), except
      // that a fraction of the microsecond unit itself rounds half away ('1.5 us' is 2 us)
      if (w[2] === 1) this.micros += Math.sign(value) * Math.round(Math.abs(value))
      else this.micros += Math.trunc(Math.round(value * w[2] * 1000) / 1000)
    }
  }
  addDays(d: number): void {
    const whole = Math.trunc(d)
    this.days += whole
    this.micros += Math.round((d - whole) * MICROS_PER_DAY)
  }
  result(negate: boolean, text: string): Interval {
    const s = negate ? -1 : 1
    const months = this.months * s || 0, days = this.days * s || 0, micros = this.micros * s || 0
    // months and days are 32-bit, microseconds 64-bit in DuckDB ('-2147483648 months ago' overflows)
    if (!(months >= -INT32_MAX - 1 && months <= INT32_MAX && days >= -INT32_MAX - 1 && days <= INT32_MAX && Math.abs(micros) <= 2 ** 63)) {
      throw new GrizzlyError(SqlState.datetimeOverflow, `interval out of range: "${text}"`,
        { hint: 'months and days must each stay within -2147483648 … 2147483647' })
    }
    return { months, days, micros }
  }
}

const INT32_MAX = 2147483647

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/i

export function parseInterval(text: string): Interval {
  let t = text.trim()
  if (t.startsWith('@')) t = t.slice(1).trim()
  if (t.length === 0) throw invalid(text)
  const acc = new Acc()
  let negate = false
  let pos = 0
  let any = false
  while (pos < t.length) {
    while (pos < t.length && /\s/.test(t[pos]!)) pos++
    if (pos >= t.length) break
    const rest = t.slice(pos)
    if (/^ago$/i.test(rest.trim())) { negate = true; break }
    const time = /^([+-]?)(\d+):(\d*)(?::(\d+(?:\.\d*)?)?)?/.exec(rest)
    if (time !== null) {
      const sign = time[1] === '-' ? -1 : 1
      const h = Number(time[2]), m = Number(time[3] || 0), s = time[4] === undefined ? 0 : Number(time[4])
      if (m > 59 || s >= 60) throw invalid(text)
      acc.micros += sign * (h * MICROS_PER_HOUR + m * MICROS_PER_MINUTE + Math.round(s * MICROS_PER_SECOND))
      pos += time[0].length
      any = true
      continue
    }
    const num = NUMBER.exec(rest)
    if (num === null) throw invalid(text)
    const value = Number(num[0])
    pos += num[0].length
    while (pos < t.length && /\s/.test(t[pos]!)) pos++
    const word = /^[a-zA-Z]+/.exec(t.slice(pos))
    if (word === null) {
      // a bare number means seconds, but only on its own ('47.210 5' is an error, as in DuckDB)
      if (any || t.slice(pos).trim().length > 0) throw invalid(text)
      acc.add(value, [0, 0, MICROS_PER_SECOND])
    } else {
      const w = UNITS.get(word[0].toLowerCase())
      if (w === undefined) {
        throw new GrizzlyError(SqlState.invalidDatetimeFormat, `invalid input syntax for type INTERVAL: "${text}"`,
          { hint: `unknown unit "${word[0]}"; use year, month, week, day, hour, minute, second, millisecond or microsecond` })
      }
      acc.add(value, w)
      pos += word[0].length
    }
    any = true
  }
  if (!any) throw invalid(text)
  return acc.result(negate, text)
}
