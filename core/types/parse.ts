/**
 * Text to values: what CAST(text AS type) and typed literals (DATE '…') accept. Parsing is
 * strict — anything not fully understood is an error naming the expected form — but follows
 * DuckDB in what it tolerates (surrounding spaces, '1.5' as an integer rounds, '1_000').
 */
import { GrizzlyError, SqlState, assertNever } from '../errors.ts'
import {
  BIGINT_MAX, BIGINT_MIN, HUGEINT_MAX, HUGEINT_MIN, INTEGER_RANGE, type DecimalType, type LogicalType, type StructType,
  type Value, typeToString,
} from './types.ts'
import { POW10_BIG, divRoundBig, fitsWidthBig, toStorage } from './decimal.ts'
import {
  DATE_INFINITY, DATE_NEG_INFINITY, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND,
  checkTimestampParts, checkTimestampRange, daysFromCivil, daysInMonth,
} from './datetime.ts'
import { parseInterval } from './parse-interval.ts'
import { parseNestedList, parseNestedStruct } from './parse-nested.ts'
import { MAX_TZ_OFFSET, encodeTimeTz, namedZoneOffsetAtLocal } from './timetz.ts'

export function parseValue(text: string, type: LogicalType): Value {
  switch (type.id) {
    case 'NULL': return null
    case 'BOOLEAN': return parseBoolean(text)
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': return parseSmallInteger(text, type)
    case 'BIGINT': return parseBigint(text)
    case 'HUGEINT': return parseHugeint(text)
    case 'DOUBLE': return parseDouble(text)
    case 'REAL': return Math.fround(parseDouble(text, type))
    case 'DECIMAL': return parseDecimal(text, type)
    case 'VARCHAR': return text
    case 'BLOB': return parseBlob(text)
    case 'DATE': return parseDate(text)
    case 'TIME': return parseTime(text)
    case 'TIMESTAMP': return parseTimestamp(text)
    case 'TIMESTAMPTZ': return parseTimestampTz(text)
    case 'TIMETZ': return parseTimeTz(text)
    case 'INTERVAL': return parseInterval(text)
    case 'LIST': return parseNestedList(text, type, null)
    case 'ARRAY': return parseNestedList(text, type, type.size)
    case 'STRUCT': return parseNestedStruct(text, type as StructType)
    default: return assertNever(type, 'type')
  }
}

export function invalidInput(type: string, text: string, hint?: string, code: string = SqlState.invalidTextRepresentation): GrizzlyError {
  return new GrizzlyError(code, `invalid input syntax for type ${type}: "${text}"`, { hint })
}

function outOfRange(type: string, text: string): GrizzlyError {
  return new GrizzlyError(SqlState.numericOutOfRange, `value "${text.trim()}" is out of range for type ${type}`,
    { hint: `${type} holds ${rangeText(type)}; cast to a wider type` })
}

function rangeText(type: string): string {
  switch (type) {
    case 'TINYINT': return '-128 to 127'
    case 'SMALLINT': return '-32768 to 32767'
    case 'INTEGER': return '-2147483648 to 2147483647'
    case 'BIGINT': return '-9223372036854775808 to 9223372036854775807'
    case 'HUGEINT': return '-170141183460469231731687303715884105728 to 170141183460469231731687303715884105727'
    default: return 'a limited range'
  }
}

// ---- booleans ------------------------------------------------------------------------------------

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1'])
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0'])

export function parseBoolean(text: string): boolean {
  const t = text.trim().toLowerCase()
  if (TRUE_WORDS.has(t)) return true
  if (FALSE_WORDS.has(t)) return false
  throw invalidInput('BOOLEAN', text, "use true/false, t/f, yes/no, on/off or 1/0")
}

// ---- integers ------------------------------------------------------------------------------------

const INTEGER_TEXT = /^[+-]?(?:\d+(?:_\d+)*)$/
const NUMERIC_TEXT = /^[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/
// DuckDB takes hex and binary without a sign, with underscores only between digits
const HEX_TEXT = /^0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*$/
const BIN_TEXT = /^0[bB][01]+(?:_[01]+)*$/

/** Integer text to a bigint, rounding a fractional or exponent form half away from zero. */
function integerTextToBig(text: string, type: string): bigint {
  const t = text.trim()
  if (INTEGER_TEXT.test(t)) return BigInt(t.includes('_') ? t.replace(/_/g, '') : t)
  if (HEX_TEXT.test(t) || BIN_TEXT.test(t)) return BigInt(t.replace(/_/g, ''))
  if (NUMERIC_TEXT.test(t)) return roundedNumericText(t.replace(/_/g, ''), 0)
  throw invalidInput(type, text, `expected a whole number such as 42 or -7`)
}

/** Exact decimal text (with optional exponent) scaled by 10^scale, rounded half away from zero. */
function roundedNumericText(t: string, scale: number): bigint {
  let mantissa = t
  let exp = 0
  const e = t.search(/[eE]/)
  if (e >= 0) {
    mantissa = t.slice(0, e); exp = Number(t.slice(e + 1))
    if (Math.abs(exp) > 2147483647) throw new GrizzlyError(SqlState.numericOutOfRange, `exponent of "${t}" is out of range`)
  }
  const neg = mantissa[0] === '-'
  if (mantissa[0] === '-' || mantissa[0] === '+') mantissa = mantissa.slice(1)
  const dot = mantissa.indexOf('.')
  const intPart = dot < 0 ? mantissa : mantissa.slice(0, dot)
  const fracPart = dot < 0 ? '' : mantissa.slice(dot + 1)
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, '') || '0'
  // value = digits * 10^(exp - fracPart.length); we want value * 10^scale
  const shift = exp - fracPart.length + scale
  if (shift > 400) throw new GrizzlyError(SqlState.numericOutOfRange, `value "${t}" is out of range`)
  let v: bigint
  if (shift >= 0) v = BigInt(digits) * (POW10_BIG[shift] ?? 10n ** BigInt(shift))
  else if (-shift > digits.length + 1) v = 0n
  else v = divRoundBig(BigInt(digits), -shift)
  return neg ? -v : v
}

function parseSmallInteger(text: string, type: LogicalType & { id: 'TINYINT' | 'SMALLINT' | 'INTEGER' }): number {
  const t = text.trim()
  // fast path: plain decimal digits
  if (t.length > 0 && t.length < 16 && /^[+-]?\d+$/.test(t)) {
    const v = Number(t)
    const [lo, hi] = INTEGER_RANGE[type.id]
    if (v < lo || v > hi) throw outOfRange(type.id, text)
    return v
  }
  const big = integerTextToBig(text, type.id)
  const [lo, hi] = INTEGER_RANGE[type.id]
  if (big < BigInt(lo) || big > BigInt(hi)) throw outOfRange(type.id, text)
  return Number(big)
}

export function parseBigint(text: string): bigint {
  const big = integerTextToBig(text, 'BIGINT')
  if (big < BIGINT_MIN || big > BIGINT_MAX) throw outOfRange('BIGINT', text)
  return big
}

export function parseHugeint(text: string): bigint {
  const big = integerTextToBig(text, 'HUGEINT')
  if (big < HUGEINT_MIN || big > HUGEINT_MAX) throw outOfRange('HUGEINT', text)
  return big
}

// ---- floating point ------------------------------------------------------------------------------

const FLOAT_TEXT = /^[+-]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

export function parseDouble(text: string, type: LogicalType = { id: 'DOUBLE' }): number {
  if (isPlainNumber(text)) return Number(text)
  const t = text.trim()
  if (FLOAT_TEXT.test(t)) return Number(t.includes('_') ? t.replace(/_/g, '') : t)
  const lower = t.toLowerCase()
  switch (lower) {
    case 'inf': case '+inf': case 'infinity': case '+infinity': return Infinity
    case '-inf': case '-infinity': return -Infinity
    case 'nan': case '+nan': case '-nan': return NaN
  }
  throw invalidInput(typeToString(type), text, "expected a number such as 3.14, -2e10, 'inf' or 'nan'")
}

/** [sign] digits [. digits] [e [sign] digits] with no spaces or underscores: Number() reads it exactly. */
function isPlainNumber(t: string): boolean {
  const n = t.length
  let i = 0
  let c = t.charCodeAt(0)
  if (c === 43 || c === 45) c = t.charCodeAt(++i)
  let digits = 0
  while (c >= 48 && c <= 57) { digits++; c = t.charCodeAt(++i) }
  if (c === 46) {
    c = t.charCodeAt(++i)
    while (c >= 48 && c <= 57) { digits++; c = t.charCodeAt(++i) }
  }
  if (digits === 0) return false
  if (c === 101 || c === 69) {
    c = t.charCodeAt(++i)
    if (c === 43 || c === 45) c = t.charCodeAt(++i)
    let e = 0
    while (c >= 48 && c <= 57) { e++; c = t.charCodeAt(++i) }
    if (e === 0) return false
  }
  return i === n
}

// ---- DECIMAL -------------------------------------------------------------------------------------

export function parseDecimal(text: string, type: DecimalType): number | bigint {
  if (type.width <= 15) {
    const fast = narrowDecimal(text, type)
    if (fast !== undefined) return fast
  }
  let t = text.trim()
  if (HEX_TEXT.test(t) || BIN_TEXT.test(t)) t = BigInt(t.replace(/_/g, '')).toString()
  t = t.replace(/_/g, '')
  if (!NUMERIC_TEXT.test(t)) {
    throw invalidInput(typeToString(type), text, `expected a number such as 12.5 with at most ${type.width - type.scale} digits before the point`)
  }
  const v = roundedNumericText(t, type.scale)
  if (!fitsWidthBig(v, type.width)) {
    throw new GrizzlyError(SqlState.numericOutOfRange, `value "${text.trim()}" does not fit in ${typeToString(type)}`,
      { hint: `${typeToString(type)} holds at most ${type.width - type.scale} digits before the decimal point; use a wider DECIMAL or DOUBLE` })
  }
  return toStorage(v, type.width)
}

/**
 * Plain [sign]digits[.digits] text of a narrow DECIMAL without building a bigint; undefined
 * sends anything unusual (exponents, spaces, too many digits, overflow) to the exact path.
 */
function narrowDecimal(t: string, type: DecimalType): number | undefined {
  const n = t.length
  let i = 0
  let neg = false
  let c = t.charCodeAt(0)
  if (c === 43 || c === 45) { neg = c === 45; c = t.charCodeAt(++i) }
  let v = 0, digits = 0, frac = -1
  for (; i < n; i++) {
    c = t.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      if (frac >= 0) { if (frac === type.scale) break; frac++ }
      v = v * 10 + (c - 48); digits++
    } else if (c === 46 && frac < 0) frac = 0
    else return undefined
  }
  if (digits === 0 || digits > 15) return undefined
  if (i < n) {
    // more fractional digits than the scale: round half away from zero on the next digit
    const next = t.charCodeAt(i)
    for (let k = i; k < n; k++) { const d = t.charCodeAt(k); if (d < 48 || d > 57) return undefined }
    if (next >= 53) v += 1
  }
  if (frac < 0) frac = 0
  v *= POW10_NUM[type.scale - frac]!
  if (!(v < POW10_NUM[type.width]!)) return undefined
  return neg ? -v || 0 : v
}

const POW10_NUM: readonly number[] = Array.from({ length: 40 }, (_, k) => 10 ** k)

// ---- BLOB ----------------------------------------------------------------------------------------

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 65 && c <= 70) return c - 55
  if (c >= 97 && c <= 102) return c - 87
  return -1
}

/** Printable ASCII stands for itself; any other byte is written \xHH. */
export function parseBlob(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 92) {
      const h = hexDigit(text.charCodeAt(i + 2)), l = hexDigit(text.charCodeAt(i + 3))
      const x = text.charCodeAt(i + 1)
      if ((x !== 120 && x !== 88) || h < 0 || l < 0) {
        throw invalidInput('BLOB', text, 'a backslash in BLOB text must start a \\xHH escape with two hex digits')
      }
      out[n++] = h * 16 + l
      i += 3
    } else if (c > 127) {
      throw invalidInput('BLOB', text, 'non-ASCII characters must be written as \\xHH escapes of their bytes')
    } else {
      out[n++] = c
    }
  }
  return out.slice(0, n)
}

// ---- dates and times -----------------------------------------------------------------------------

const DATE_HINT = "expected a date as YYYY-MM-DD (optionally followed by ' (BC)'), 'infinity' or '-infinity'"
const TIME_HINT = 'expected a time as HH:MM[:SS[.ffffff]]'
const TIMESTAMP_HINT = "expected a timestamp as YYYY-MM-DD[ HH:MM[:SS[.ffffff]]][+HH[:MM]], 'infinity' or '-infinity'"

/** A small cursor over the text, so date/time parsing allocates nothing per value. */
class Cursor {
  pos = 0
  constructor(readonly text: string) {}
  get done(): boolean { return this.pos >= this.text.length }
  peek(): number { return this.text.charCodeAt(this.pos) }
  skipSpaces(): void { while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++ }
  /** reads 1..max digits; -1 when none */
  digits(max: number): number {
    let v = 0, k = 0
    while (k < max && this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos)
      if (c < 48 || c > 57) break
      v = v * 10 + (c - 48); this.pos++; k++
    }
    return k === 0 ? -1 : v
  }
  eat(c: number): boolean {
    if (this.text.charCodeAt(this.pos) === c) { this.pos++; return true }
    return false
  }
}

function isSpace(c: number): boolean { return c === 32 || (c >= 9 && c <= 13) }

function specialDate(t: string): number | undefined {
  const c = t.charCodeAt(0) | 0x20
  // fast exit for the common case: a date starts with a digit or '-digit'
  if (c >= 48 && c <= 57) return undefined
  switch (t.trim().toLowerCase()) {
    case 'infinity': case '+infinity': case 'inf': case '+inf': return DATE_INFINITY
    case '-infinity': case '-inf': return DATE_NEG_INFINITY
    case 'epoch': return 0
    default: return undefined
  }
}

/** Reads YYYY-MM-DD (separators - / . or space, used consistently), returns days or undefined. */
function readDate(c: Cursor): number | undefined {
  c.skipSpaces()
  const neg = c.eat(45)
  let year = c.digits(7)
  if (year < 0) return undefined
  const sep = c.peek()
  if (sep !== 45 && sep !== 47 && sep !== 46 && sep !== 32 && sep !== 92) return undefined
  c.pos++
  const month = c.digits(2)
  if (month < 1 || month > 12 || !c.eat(sep)) return undefined
  const day = c.digits(2)
  if (day < 1) return undefined
  const save = c.pos
  c.skipSpaces()
  let bc = false
  if (c.text.startsWith('(BC)', c.pos) || c.text.startsWith('(bc)', c.pos)) { bc = true; c.pos += 4 } else c.pos = save
  if (neg) year = -year
  if (bc) {
    if (year <= 0) return undefined
    year = 1 - year
  }
  if (day > daysInMonth(year, month)) return undefined
  return daysFromCivil(year, month, day)
}

export function parseDate(text: string): number {
  const special = specialDate(text)
  if (special !== undefined) return special
  const c = new Cursor(text)
  const days = readDate(c)
  if (days === undefined) throw invalidInput('DATE', text, DATE_HINT, SqlState.invalidDatetimeFormat)
  // DuckDB accepts (and drops) a time part after the date
  c.skipSpaces()
  if (!c.done) {
    if (c.peek() === 84 || c.peek() === 116) c.pos++
    if (readTime(c) === undefined) throw invalidInput('DATE', text, DATE_HINT, SqlState.invalidDatetimeFormat)
    readOffset(c)
    c.skipSpaces()
    if (!c.done) throw invalidInput('DATE', text, DATE_HINT, SqlState.invalidDatetimeFormat)
  }
  if (days > 2147483646 || days < -2147483646) throw new GrizzlyError(SqlState.datetimeOverflow, `date out of range: "${text}"`)
  return days
}

/** Reads HH:MM[:SS[.ffffff]] and returns microseconds, or undefined. */
function readTime(c: Cursor): number | undefined {
  c.skipSpaces()
  const h = c.digits(2)
  if (h < 0 || h > 24 || !c.eat(58)) return undefined
  // DuckDB reads '11:' as 11:00:00 and '11:11:' as 11:11:00
  let m = c.digits(2)
  if (m < 0) m = 0
  else if (m > 59) return undefined
  let s = 0, micros = 0
  if (c.eat(58)) {
    s = c.digits(2)
    if (s < 0) s = 0
    else if (s > 59) return undefined
    if (c.eat(46)) {
      let scale = 100000, k = 0
      while (!c.done) {
        const d = c.peek() - 48
        if (d < 0 || d > 9) break
        if (k < 6) micros += d * scale // digits past microseconds are dropped, as DuckDB does
        scale /= 10; k++; c.pos++
      }
      if (k === 0) return undefined
    }
  }
  const t = h * MICROS_PER_HOUR + m * MICROS_PER_MINUTE + s * MICROS_PER_SECOND + micros
  if (t > MICROS_PER_DAY) return undefined
  return t
}

/** Reads an optional zone offset (Z, +HH, +HHMM, +HH:MM, UTC) and returns it in microseconds. */
function readOffset(c: Cursor): number | undefined {
  const save = c.pos
  c.skipSpaces()
  const ch = c.peek()
  if (ch === 90 || ch === 122) { c.pos++; return 0 }
  if ((ch | 0x20) === 117 || (ch | 0x20) === 103) {
    const word = c.text.slice(c.pos, c.pos + 3).toUpperCase()
    if (word === 'UTC' || word === 'GMT') { c.pos += 3; return 0 }
  }
  if (ch !== 43 && ch !== 45) { c.pos = save; return undefined }
  c.pos++
  const start = c.pos
  const hh = c.digits(2)
  if (hh < 0) { c.pos = save; return undefined }
  let mm = 0
  if (c.eat(58)) mm = c.digits(2)
  else if (c.pos - start === 2) { const x = c.digits(2); if (x >= 0) mm = x }
  if (mm < 0 || mm > 59 || hh > 15) { c.pos = save; return undefined }
  if (c.eat(58)) c.digits(2)
  const off = hh * MICROS_PER_HOUR + mm * MICROS_PER_MINUTE
  return ch === 45 ? -off : off
}

export function parseTime(text: string): number {
  const c = new Cursor(text)
  let t = readTime(c)
  // a timestamp's text gives its time of day ('2021-08-20' is midnight), as DuckDB reads it
  if (t === undefined) {
    c.pos = 0
    if (readDate(c) !== undefined) {
      c.skipSpaces()
      if (c.done) t = 0
      else {
        if (c.peek() === 84 || c.peek() === 116) c.pos++
        t = readTime(c)
      }
    }
  }
  if (t === undefined) throw invalidInput('TIME', text, TIME_HINT, SqlState.invalidDatetimeFormat)
  readOffset(c)
  c.skipSpaces()
  if (!c.done) throw invalidInput('TIME', text, TIME_HINT, SqlState.invalidDatetimeFormat)
  return t
}

/**
 * YYYY-MM-DD[( |T)HH:MM[:SS[.f]]][offset]. A zone offset is accepted and ignored, as DuckDB and
 * PostgreSQL do for TIMESTAMP WITHOUT TIME ZONE.
 */
export function parseTimestamp(text: string): number {
  return readTimestamp(text, 'TIMESTAMP', false)
}

/**
 * TIMESTAMP WITH TIME ZONE: the same text, and the offset (`+05:30`, `Z`, `UTC`) or IANA zone
 * name (`Europe/Berlin`) after it moves the value to UTC; without one the text is UTC.
 */
export function parseTimestampTz(text: string): number {
  return readTimestamp(text, 'TIMESTAMP WITH TIME ZONE', true)
}

function readTimestamp(text: string, typeName: string, zoned: boolean): number {
  const special = specialDate(text)
  if (special !== undefined) {
    return special === DATE_INFINITY ? Infinity : special === DATE_NEG_INFINITY ? -Infinity : 0
  }
  const bad = (): GrizzlyError => invalidInput(typeName, text, TIMESTAMP_HINT, SqlState.invalidDatetimeFormat)
  const c = new Cursor(text)
  const days = readDate(c)
  if (days === undefined) throw bad()
  let time = 0
  let zone: number | string | undefined
  const afterDate = c.pos
  c.skipSpaces()
  if (!c.done) {
    if (c.peek() === 84 || c.peek() === 116) c.pos++
    else if (c.pos === afterDate) throw bad()
    const t = readTime(c)
    if (t === undefined) throw bad()
    time = t
    if (zoned) {
      zone = readZoneOffset(c)
      if (Number.isNaN(zone)) throw bad()
      if (zone === undefined) zone = readZoneName(c)
    } else readOffset(c)
    c.skipSpaces()
    if (!c.done) throw bad()
  }
  checkTimestampParts(days, time)
  let ts = days * MICROS_PER_DAY + time
  if (typeof zone === 'number') ts -= zone * MICROS_PER_SECOND
  else if (typeof zone === 'string') {
    const offset = namedZoneOffsetAtLocal(zone, ts)
    if (offset === undefined) throw bad()
    ts -= offset * MICROS_PER_SECOND
  }
  checkTimestampRange(ts)
  return ts
}

/** A zone name after a space (`Europe/Berlin`, `America/Argentina/Buenos_Aires`), or undefined. */
function readZoneName(c: Cursor): string | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9_+\-]*(?:\/[A-Za-z0-9_+\-]+)*)/.exec(c.text.slice(c.pos))
  if (m === null) return undefined
  c.pos += m[0].length
  return m[1]
}

/**
 * A strict zone offset: Z, UTC, GMT, ±HH, ±HHMM, ±HH:MM, ±HH:MM:SS (hours up to 15). Seconds east
 * of UTC; undefined when there is none; NaN when one starts but is malformed.
 */
function readZoneOffset(c: Cursor): number | undefined {
  const save = c.pos
  c.skipSpaces()
  const ch = c.peek()
  if (ch === 90 || ch === 122) { c.pos++; return 0 }
  const word = c.text.slice(c.pos, c.pos + 3).toUpperCase()
  if (word === 'UTC' || word === 'GMT') { c.pos += 3; return 0 }
  if (ch !== 43 && ch !== 45) { c.pos = save; return undefined }
  c.pos++
  const two = (): number => {
    const start = c.pos
    const v = c.digits(2)
    return c.pos - start === 2 ? v : NaN
  }
  const hh = two()
  let mm = 0, ss = 0
  if (c.eat(58)) {
    mm = two()
    if (c.eat(58)) ss = two()
  } else if (c.pos < c.text.length && c.peek() >= 48 && c.peek() <= 57) {
    mm = two()
    if (c.pos < c.text.length && c.peek() >= 48 && c.peek() <= 57) ss = two()
  }
  if (!(hh <= 15 && mm <= 59 && ss <= 59)) return NaN
  const off = hh * 3600 + mm * 60 + ss
  return ch === 45 ? -off : off
}

/** TIME WITH TIME ZONE: [date ]HH:MM[:SS[.f]][offset]; no offset means UTC. */
export function parseTimeTz(text: string): bigint {
  const bad = (): GrizzlyError => new GrizzlyError(SqlState.invalidDatetimeFormat,
    `time field value out of range: "${text}"`, { hint: 'expected a time as HH:MM[:SS[.ffffff]][+HH[:MM[:SS]]]' })
  const c = new Cursor(text)
  if (readDate(c) !== undefined) {
    c.skipSpaces()
    if (c.peek() === 84 || c.peek() === 116) c.pos++
  } else c.pos = 0
  const t = readTime(c)
  if (t === undefined) throw bad()
  const offset = readZoneOffset(c)
  if (offset !== undefined && !(Math.abs(offset) <= MAX_TZ_OFFSET)) throw bad()
  c.skipSpaces()
  if (!c.done) throw bad()
  return encodeTimeTz(t, offset ?? 0)
}
