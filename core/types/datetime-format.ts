/**
 * strftime / strptime with DuckDB's % codes. A format string is compiled once into segments
 * (cached), then applied per row without re-reading the format.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import {
  MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND, civilInto, dayOfWeek, daysFromCivil,
  daysInMonth, isoYearWeek, checkTimestampRange,
} from './datetime.ts'

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December']

/** A compiled format: literal text or one specifier letter ('-d' for the unpadded forms). */
type Segment = { readonly literal: string } | { readonly spec: string }

const SPECS = new Set(['a', 'A', 'w', 'u', 'd', 'e', 'b', 'h', 'B', 'm', 'y', 'Y', 'G', 'H', 'I', 'p', 'M', 'S', 'f', 'g', 'n',
  'z', 'Z', 'j', 'U', 'W', 'V', 'c', 'x', 'X', '%', '-d', '-m', '-y', '-H', '-I', '-M', '-S', '-j', 'T', 'D', 'F', 'R', 's'])

const cache = new Map<string, readonly Segment[]>()

function badFormat(format: string, detail: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `invalid format string "${format}": ${detail}`,
    { hint: 'use % codes such as %Y-%m-%d %H:%M:%S; write %% for a literal %' })
}

export function compileFormat(format: string): readonly Segment[] {
  const hit = cache.get(format)
  if (hit !== undefined) return hit
  const out: Segment[] = []
  let lit = ''
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!
    if (c !== '%') { lit += c; continue }
    let spec = format[i + 1]
    if (spec === undefined) throw badFormat(format, 'it ends with a lone %')
    i++
    if (spec === '-') {
      const next = format[i + 1]
      if (next === undefined) throw badFormat(format, 'it ends with %-')
      spec = `-${next}`
      i++
    }
    if (!SPECS.has(spec)) throw badFormat(format, `unknown specifier %${spec}`)
    if (lit.length > 0) { out.push({ literal: lit }); lit = '' }
    // composite specifiers expand to their parts
    switch (spec) {
      case 'c': out.push(...compileFormat('%Y-%m-%d %H:%M:%S')); break
      case 'x': case 'F': out.push(...compileFormat('%Y-%m-%d')); break
      case 'X': case 'T': out.push(...compileFormat('%H:%M:%S')); break
      case 'D': out.push(...compileFormat('%m/%d/%y')); break
      case 'R': out.push(...compileFormat('%H:%M')); break
      case '%': out.push({ literal: '%' }); break
      default: out.push({ spec })
    }
  }
  if (lit.length > 0) out.push({ literal: lit })
  if (cache.size > 256) cache.clear()
  cache.set(format, out)
  return out
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0')
  return n < 0 ? `-${s}` : s
}

const civil = new Int32Array(3)

/** Formats a timestamp (microseconds) with a compiled format. */
export function strftime(ts: number, format: readonly Segment[] | string): string {
  const segs = typeof format === 'string' ? compileFormat(format) : format
  if (!Number.isFinite(ts)) return ts > 0 ? 'infinity' : '-infinity'
  const days = Math.floor(ts / MICROS_PER_DAY)
  const t = ts - days * MICROS_PER_DAY
  civilInto(days, civil)
  const year = civil[0]!, month = civil[1]!, day = civil[2]!
  const hour = Math.floor(t / MICROS_PER_HOUR)
  const minute = Math.floor(t / MICROS_PER_MINUTE) % 60
  const second = Math.floor(t / MICROS_PER_SECOND) % 60
  const micros = t % MICROS_PER_SECOND
  let out = ''
  for (const s of segs) {
    if ('literal' in s) { out += s.literal; continue }
    switch (s.spec) {
      case 'a': out += DAY_NAMES[dayOfWeek(days)]!.slice(0, 3); break
      case 'A': out += DAY_NAMES[dayOfWeek(days)]!; break
      case 'w': out += dayOfWeek(days); break
      case 'u': out += dayOfWeek(days) === 0 ? 7 : dayOfWeek(days); break
      case 'd': out += pad(day, 2); break
      case '-d': out += day; break
      case 'e': out += day < 10 ? ` ${day}` : String(day); break
      case 'b': case 'h': out += MONTH_NAMES[month - 1]!.slice(0, 3); break
      case 'B': out += MONTH_NAMES[month - 1]!; break
      case 'm': out += pad(month, 2); break
      case '-m': out += month; break
      case 'y': out += pad(((year % 100) + 100) % 100, 2); break
      case '-y': out += ((year % 100) + 100) % 100; break
      case 'Y': out += pad(year, 4); break
      case 'G': out += pad(isoYearWeek(days).isoYear, 4); break
      case 'H': out += pad(hour, 2); break
      case '-H': out += hour; break
      case 'I': out += pad(hour % 12 === 0 ? 12 : hour % 12, 2); break
      case '-I': out += hour % 12 === 0 ? 12 : hour % 12; break
      case 'p': out += hour < 12 ? 'AM' : 'PM'; break
      case 'M': out += pad(minute, 2); break
      case '-M': out += minute; break
      case 'S': out += pad(second, 2); break
      case '-S': out += second; break
      case 'f': out += pad(micros, 6); break
      case 'g': out += pad(Math.floor(micros / 1000), 3); break
      case 'n': out += pad(micros * 1000, 9); break
      case 'z': out += '+00'; break
      case 'Z': break
      case 's': out += Math.floor(ts / MICROS_PER_SECOND); break
      case 'j': out += pad(days - daysFromCivil(year, 1, 1) + 1, 3); break
      case '-j': out += days - daysFromCivil(year, 1, 1) + 1; break
      case 'U': out += pad(weekOfYear(days, year, 0), 2); break
      case 'W': out += pad(weekOfYear(days, year, 1), 2); break
      case 'V': out += pad(isoYearWeek(days).week, 2); break
      default: break
    }
  }
  return out
}

/** %U (weeks start Sunday) / %W (weeks start Monday): days before the first such day are week 0. */
function weekOfYear(days: number, year: number, firstDay: number): number {
  const jan1 = daysFromCivil(year, 1, 1)
  const offset = (firstDay - dayOfWeek(jan1) + 7) % 7
  const first = jan1 + offset
  return days < first ? 0 : Math.floor((days - first) / 7) + 1
}

// ---- strptime ---------------------------------------------------------------------------------

function parseFailure(text: string, format: string, at: number, what: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidDatetimeFormat,
    `could not parse "${text}" with format "${format}": ${what} at position ${at + 1}`,
    { hint: 'check that the text matches the format; use try_strptime to get NULL instead of an error' })
}

function matchName(text: string, pos: number, names: readonly string[]): [index: number, length: number] | undefined {
  const rest = text.slice(pos, pos + 12).toLowerCase()
  for (let k = 0; k < names.length; k++) {
    const full = names[k]!.toLowerCase()
    if (rest.startsWith(full)) return [k, full.length]
  }
  for (let k = 0; k < names.length; k++) {
    const abbr = names[k]!.slice(0, 3).toLowerCase()
    if (rest.startsWith(abbr)) return [k, 3]
  }
  return undefined
}

/** Parses `text` with a strftime-style format into a timestamp (UTC microseconds). */
export function strptime(text: string, format: string): number {
  const segs = compileFormat(format)
  let pos = 0
  let year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
  let pm: boolean | null = null
  let offset = 0
  let dayOfYear = -1
  const skipSpaces = (): void => { while (pos < text.length && /\s/.test(text[pos]!)) pos++ }
  const readInt = (maxDigits: number, allowSign = false): number => {
    skipSpaces()
    let sign = 1
    if (allowSign && (text[pos] === '-' || text[pos] === '+')) { if (text[pos] === '-') sign = -1; pos++ }
    let v = 0, k = 0
    while (k < maxDigits && pos < text.length) {
      const c = text.charCodeAt(pos)
      if (c < 48 || c > 57) break
      v = v * 10 + (c - 48); pos++; k++
    }
    if (k === 0) throw parseFailure(text, format, pos, 'expected a number')
    return sign * v
  }
  const readFraction = (digits: number): number => {
    let v = 0, k = 0
    while (k < 9 && pos < text.length) {
      const c = text.charCodeAt(pos)
      if (c < 48 || c > 57) break
      if (k < 6) v += (c - 48) * 10 ** (5 - k)
      pos++; k++
    }
    if (k === 0 || k > digits) throw parseFailure(text, format, pos, `expected up to ${digits} fraction digits`)
    return v
  }
  for (const s of segs) {
    if ('literal' in s) {
      for (const ch of s.literal) {
        if (/\s/.test(ch)) { skipSpaces(); continue }
        if (text[pos] !== ch) throw parseFailure(text, format, pos, `expected "${ch}"`)
        pos++
      }
      continue
    }
    switch (s.spec) {
      case 'Y': case 'G': year = readInt(7, true); break
      case 'y': case '-y': { const y = readInt(2); year = y < 69 ? 2000 + y : 1900 + y; break }
      case 'm': case '-m': month = readInt(2); break
      case 'd': case '-d': case 'e': day = readInt(2); break
      case 'H': case '-H': case 'I': case '-I': hour = readInt(2); break
      case 'M': case '-M': minute = readInt(2); break
      case 'S': case '-S': second = readInt(2); break
      case 'f': micros = readFraction(6); break
      case 'g': micros = readFraction(3); break
      case 'n': micros = readFraction(9); break
      case 'j': case '-j': dayOfYear = readInt(3); break
      case 's': {
        const secs = readInt(12, true)
        const d = Math.floor(secs / 86400)
        const c = new Int32Array(3); civilInto(d, c)
        year = c[0]!; month = c[1]!; day = c[2]!
        const rem = secs - d * 86400
        hour = Math.floor(rem / 3600); minute = Math.floor(rem / 60) % 60; second = rem % 60
        break
      }
      case 'p': {
        skipSpaces()
        const w = text.slice(pos, pos + 2).toUpperCase()
        if (w !== 'AM' && w !== 'PM') throw parseFailure(text, format, pos, 'expected AM or PM')
        pm = w === 'PM'; pos += 2
        break
      }
      case 'a': case 'A': {
        skipSpaces()
        const m = matchName(text, pos, DAY_NAMES)
        if (m === undefined) throw parseFailure(text, format, pos, 'expected a day name')
        pos += m[1]
        break
      }
      case 'b': case 'h': case 'B': {
        skipSpaces()
        const m = matchName(text, pos, MONTH_NAMES)
        if (m === undefined) throw parseFailure(text, format, pos, 'expected a month name')
        month = m[0] + 1; pos += m[1]
        break
      }
      case 'z': {
        skipSpaces()
        if (text[pos] === 'Z' || text[pos] === 'z') { pos++; break }
        const sign = text[pos] === '-' ? -1 : text[pos] === '+' ? 1 : 0
        if (sign === 0) throw parseFailure(text, format, pos, 'expected a zone offset such as +02 or -0530')
        pos++
        const hh = readInt(2)
        let mm = 0
        if (text[pos] === ':') pos++
        if (/\d/.test(text[pos] ?? '')) mm = readInt(2)
        offset = sign * (hh * MICROS_PER_HOUR + mm * MICROS_PER_MINUTE)
        break
      }
      case 'Z': { skipSpaces(); while (pos < text.length && /[A-Za-z_/+\-0-9]/.test(text[pos]!)) pos++; break }
      case 'w': case 'u': readInt(1); break
      case 'U': case 'W': case 'V': readInt(2); break
      default: throw parseFailure(text, format, pos, `%${s.spec} cannot be parsed`)
    }
  }
  if (pos < text.length && text.slice(pos).trim().length > 0) throw parseFailure(text, format, pos, 'unexpected trailing text')
  if (pm !== null) {
    if (hour < 1 || hour > 12) throw parseFailure(text, format, 0, 'hour must be 1..12 with AM/PM')
    hour = (hour % 12) + (pm ? 12 : 0)
  }
  let days: number
  if (dayOfYear >= 0) {
    days = daysFromCivil(year, 1, 1) + dayOfYear - 1
  } else {
    if (month < 1 || month > 12) throw parseFailure(text, format, 0, `month ${month} is out of range`)
    if (day < 1 || day > daysInMonth(year, month)) throw parseFailure(text, format, 0, `day ${day} is out of range for the month`)
    days = daysFromCivil(year, month, day)
  }
  if (hour > 24 || minute > 59 || second > 60) throw parseFailure(text, format, 0, 'time of day is out of range')
  const ts = days * MICROS_PER_DAY + hour * MICROS_PER_HOUR + minute * MICROS_PER_MINUTE + second * MICROS_PER_SECOND + micros - offset
  checkTimestampRange(ts)
  return ts
}
