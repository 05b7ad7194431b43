/**
 * Values to text, exactly as DuckDB's CAST(value AS VARCHAR) renders them: this is what result
 * rows show, what `::VARCHAR` returns and what the conformance runner compares.
 */
import { InternalError, assertNever } from '../errors.ts'
import { type Interval, type LogicalType, type Value, structKey } from './types.ts'
import {
  DATE_INFINITY, DATE_NEG_INFINITY, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE,
  MICROS_PER_SECOND, civilInto,
} from './datetime.ts'
import { formatOffset, timeTzMicros, timeTzOffset } from './timetz.ts'

export function formatValue(type: LogicalType, value: Value): string {
  if (value === null) return 'NULL'
  switch (type.id) {
    case 'NULL': return 'NULL'
    case 'BOOLEAN': return value === true || value === 1 ? 'true' : 'false'
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'HUGEINT': return String(value)
    case 'DOUBLE': return formatDouble(value as number)
    case 'REAL': return formatReal(value as number)
    case 'DECIMAL': return formatDecimal(value as number | bigint, type.scale, type.width)
    case 'VARCHAR': return value as string
    case 'BLOB': return formatBlob(value as Uint8Array)
    case 'DATE': return formatDate(value as number)
    case 'TIME': return formatTime(value as number)
    case 'TIMESTAMP': return formatTimestamp(value as number)
    case 'TIMESTAMPTZ': return formatTimestampTz(value as number)
    case 'TIMETZ': return formatTime(timeTzMicros(value as bigint)) + formatOffset(timeTzOffset(value as bigint))
    case 'INTERVAL': return formatInterval(value as Interval)
    case 'LIST': case 'ARRAY': {
      const items = value as readonly Value[]
      if (type.id === 'LIST' && type.map === true) return formatMap(type.child, items)
      let out = '['
      for (let i = 0; i < items.length; i++) {
        if (i > 0) out += ', '
        out += formatNested(type.child, items[i]!)
      }
      return out + ']'
    }
    case 'STRUCT': {
      const obj = value as { readonly [k: string]: Value }
      // an unnamed struct (ROW(…)) prints as a tuple, as DuckDB does
      if (type.fields.length > 0 && type.fields.every(f => f.name === '')) {
        return `(${type.fields.map((f, i) => formatNested(f.type, obj[structKey(f, i)] ?? null)).join(', ')})`
      }
      let out = '{'
      type.fields.forEach((f, i) => {
        if (i > 0) out += ', '
        out += `${quoteNestedString(f.name)}: ${formatNested(f.type, obj[structKey(f, i)] ?? null)}`
      })
      return out + '}'
    }
    default: return assertNever(type, 'type')
  }
}

/** A MAP as DuckDB prints it: {k1=v1, k2=v2} */
function formatMap(entry: LogicalType, items: readonly Value[]): string {
  if (entry.id !== 'STRUCT') throw new InternalError('a MAP entry is not a STRUCT')
  const [k, v] = entry.fields
  let out = '{'
  for (let i = 0; i < items.length; i++) {
    const e = items[i] as { readonly [f: string]: Value } | null
    if (i > 0) out += ', '
    out += `${formatNested(k!.type, e?.[k!.name] ?? null)}=${formatNested(v!.type, e?.[v!.name] ?? null)}`
  }
  return out + '}'
}

/**
 * An element inside a LIST/STRUCT: a leaf whose text would be ambiguous (a string with a comma,
 * a timestamp with colons, 'null', …) is quoted, as DuckDB does.
 */
function formatNested(type: LogicalType, value: Value): string {
  if (value === null) return 'NULL'
  const text = formatValue(type, value)
  if (type.id === 'LIST' || type.id === 'ARRAY' || type.id === 'STRUCT') return text
  return needsQuotes(text) ? quoteNestedString(text) : text
}

const SPECIAL_IN_NESTED = /["'(),:=[\]{}]/

function needsQuotes(s: string): boolean {
  if (s.length === 0) return true
  if (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1))) return true
  if (s.length === 4 && s.toLowerCase() === 'null') return true
  return SPECIAL_IN_NESTED.test(s)
}

function isSpace(c: number): boolean { return c === 32 || (c >= 9 && c <= 13) }

function quoteNestedString(s: string): string {
  return `'${s.replace(/[\\']/g, m => `\\${m}`)}'`
}

// ---- numbers -----------------------------------------------------------------------------------

/**
 * Shortest round-trip digits laid out like Python's repr: fixed notation for decimal exponents
 * in [-4, 16), scientific with at least two exponent digits otherwise.
 */
export function formatDouble(x: number): string {
  const a = x < 0 ? -x : x
  // JS already prints shortest digits in fixed notation in this range; only '.0' may be missing
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x)
    return s.indexOf('.') < 0 ? `${s}.0` : s
  }
  if (Number.isNaN(x)) return 'nan'
  if (x === Infinity) return 'inf'
  if (x === -Infinity) return '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  return layoutShortest(x.toExponential())
}

/**
 * REAL as DuckDB prints it: the fewest digits that lie strictly inside the float's rounding
 * interval, skipping a length where rounding the exact value is a tie (so 1263725.75 and
 * 42991832.0 print exactly, 0.1 prints as 0.1).
 */
export function formatReal(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (x === Infinity) return 'inf'
  if (x === -Infinity) return '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const f = Math.fround(x)
  const a = f < 0 ? -f : f
  F32[0] = a
  const bits = U32[0]!
  U32[0] = bits - 1
  const below = bits === 0 ? 0 : F32[0]!
  U32[0] = bits + 1
  // above the largest float there is no neighbour: mirror the gap below
  const above = F32[0] === Infinity ? a + (a - below) : F32[0]!
  const lowMid = (a + below) / 2
  const highMid = (a + above) / 2
  for (let p = 1; p <= 9; p++) {
    const r = a.toExponential(p - 1)
    const d = Number(r)
    if (d > lowMid && d < highMid && !roundingTie(a, p)) return layoutShortest(f < 0 ? `-${r}` : r)
  }
  return layoutShortest(f.toExponential(8))
}

const F32 = new Float32Array(1)
const U32 = new Uint32Array(F32.buffer)

/** Whether the exact decimal value of `a` has exactly 5 (then zeros) after its first p digits. */
function roundingTie(a: number, p: number): boolean {
  const ex = a.toExponential(Math.min(100, p + 40))
  const mantissa = ex.slice(0, ex.indexOf('e')).replace('.', '')
  if (mantissa.charCodeAt(p) !== 53) return false
  for (let i = p + 1; i < mantissa.length; i++) if (mantissa.charCodeAt(i) !== 48) return false
  return true
}

/** `s` is JS exponential notation ("-1.2345e+17"); returns Python repr layout. */
function layoutShortest(s: string): string {
  const e = s.indexOf('e')
  const negative = s.charCodeAt(0) === 45
  const mantissa = s.slice(negative ? 1 : 0, e)
  const exp = Number(s.slice(e + 1))
  const digits = mantissa.replace('.', '')
  const sign = negative ? '-' : ''
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
    const intLen = exp + 1
    if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`
    return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`
  }
  const m = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`
  const absExp = Math.abs(exp)
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`
}

/**
 * A scaled integer with exactly `scale` fractional digits. When width = scale there is no
 * integer digit at all and DuckDB prints none ('.100').
 */
export function formatDecimal(scaled: number | bigint, scale: number, width = scale + 1): string {
  let negative: boolean
  let digits: string
  if (typeof scaled === 'bigint') {
    negative = scaled < 0n
    digits = (negative ? -scaled : scaled).toString()
  } else {
    if (!Number.isFinite(scaled)) throw new InternalError(`non-finite DECIMAL value ${scaled}`)
    negative = scaled < 0
    digits = Math.abs(scaled).toFixed(0)
  }
  if (scale > 0) {
    if (digits.length <= scale) digits = (width > scale ? '0' : '') + '0'.repeat(scale - digits.length) + digits
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  }
  return negative ? `-${digits}` : digits
}

// ---- BLOB --------------------------------------------------------------------------------------

const HEX = '0123456789ABCDEF'

export function formatBlob(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (b >= 32 && b <= 126 && b !== 92 && b !== 39 && b !== 34) out += String.fromCharCode(b)
    else out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`
  }
  return out
}

// ---- dates and times ---------------------------------------------------------------------------

const civil = new Int32Array(3)

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : String(i)))

function pad2(n: number): string { return n < 100 ? TWO_DIGITS[n]! : String(n) }

function yearText(year: number): string {
  const y = year <= 0 ? 1 - year : year
  if (y >= 1000) return String(y)
  return y >= 100 ? `0${y}` : y >= 10 ? `00${y}` : `000${y}`
}

function dateText(days: number): string {
  civilInto(days, civil)
  const year = civil[0]!
  const text = `${yearText(year)}-${pad2(civil[1]!)}-${pad2(civil[2]!)}`
  return year <= 0 ? `${text} (BC)` : text
}

export function formatDate(days: number): string {
  if (days === DATE_INFINITY) return 'infinity'
  if (days === DATE_NEG_INFINITY) return '-infinity'
  return dateText(days)
}

/** HH:MM:SS[.ffffff] with trailing zeros of the fraction dropped. */
export function formatTime(micros: number): string {
  const h = Math.floor(micros / MICROS_PER_HOUR)
  const m = Math.floor(micros / MICROS_PER_MINUTE) % 60
  const s = Math.floor(micros / MICROS_PER_SECOND) % 60
  const frac = micros % MICROS_PER_SECOND
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}${fraction(frac)}`
}

function fraction(micros: number): string {
  if (micros === 0) return ''
  // drop trailing zeros arithmetically, then left-pad to the remaining digit count
  let digits = 6
  while (micros % 10 === 0) { micros /= 10; digits-- }
  const s = String(micros)
  return s.length === digits ? `.${s}` : `.${'0'.repeat(digits - s.length)}${s}`
}

export function formatTimestamp(micros: number): string {
  if (micros === Infinity) return 'infinity'
  if (micros === -Infinity) return '-infinity'
  const days = Math.floor(micros / MICROS_PER_DAY)
  return `${dateText(days)} ${formatTime(micros - days * MICROS_PER_DAY)}`
}

/** An instant in UTC with its `+00` offset; infinities stay bare. */
export function formatTimestampTz(micros: number): string {
  if (micros === Infinity || micros === -Infinity) return formatTimestamp(micros)
  return `${formatTimestamp(micros)}+00`
}

/** `1 year 2 months 3 days 04:05:06.7`, `-1 day`, `36:00:00`, `00:00:00` for zero. */
export function formatInterval(iv: Interval): string {
  const parts: string[] = []
  if (iv.months !== 0) {
    const years = Math.trunc(iv.months / 12)
    const months = iv.months - years * 12
    if (years !== 0) parts.push(`${years} year${years === 1 || years === -1 ? '' : 's'}`)
    if (months !== 0) parts.push(`${months} month${months === 1 || months === -1 ? '' : 's'}`)
  }
  if (iv.days !== 0) parts.push(`${iv.days} day${iv.days === 1 || iv.days === -1 ? '' : 's'}`)
  if (iv.micros !== 0) {
    const negative = iv.micros < 0
    let us = Math.abs(iv.micros)
    const h = Math.floor(us / MICROS_PER_HOUR); us -= h * MICROS_PER_HOUR
    const m = Math.floor(us / MICROS_PER_MINUTE); us -= m * MICROS_PER_MINUTE
    const s = Math.floor(us / MICROS_PER_SECOND); us -= s * MICROS_PER_SECOND
    parts.push(`${negative ? '-' : ''}${pad2(h)}:${pad2(m)}:${pad2(s)}${fraction(us)}`)
  } else if (parts.length === 0) {
    return '00:00:00'
  }
  return parts.join(' ')
}
