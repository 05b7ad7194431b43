/**
 * Field text to column values, straight into the vector's typed array. Plain integers,
 * decimals, doubles, ISO dates and timestamps are read from char codes without slicing; any
 * other form goes through the same parser CAST uses, so a value reads as CAST would read it.
 */
import { GrizzlyError } from '../../errors.ts'
import { daysFromCivil, daysInMonth, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND } from '../../types/datetime.ts'
import { strptime } from '../../types/datetime-format.ts'
import { parseValue } from '../../types/parse.ts'
import type { LogicalType, Value } from '../../types/types.ts'

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

/** A plain integer of at most 15 digits, else NaN (the caller then takes the slow path). */
export function fastInt(text: string, s: number, e: number): number {
  let neg = false
  let c = text.charCodeAt(s)
  if (c === 45 || c === 43) { neg = c === 45; s++ }
  const len = e - s
  if (len <= 0 || len > 15) return Number.NaN
  let v = 0
  for (let i = s; i < e; i++) {
    c = text.charCodeAt(i) - 48
    if (c < 0 || c > 9) return Number.NaN
    v = v * 10 + c
  }
  return neg ? -v : v
}

/**
 * digits[.digits] with at most 15 significant digits: exact as mantissa / 10^k (both exact
 * doubles, so the quotient is correctly rounded). `sep` is the decimal separator's code.
 * Returns NaN for anything else.
 */
export function fastDouble(text: string, s: number, e: number, sep: number): number {
  let neg = false
  let c = text.charCodeAt(s)
  if (c === 45 || c === 43) { neg = c === 45; s++ }
  if (s >= e || e - s > 16) return Number.NaN
  let v = 0, frac = -1, digits = 0
  for (let i = s; i < e; i++) {
    c = text.charCodeAt(i)
    if (c === sep && frac < 0) { frac = 0; continue }
    c -= 48
    if (c < 0 || c > 9) return Number.NaN
    v = v * 10 + c
    digits++
    if (frac >= 0) frac++
  }
  if (digits === 0 || digits > 15) return Number.NaN
  const r = frac > 0 ? v / POW10[frac]! : v
  return neg ? -r : r
}

/** Decimal text scaled by 10^scale when it fits 15 digits exactly, else NaN. */
export function fastDecimal(text: string, s: number, e: number, scale: number, sep: number): number {
  let neg = false
  let c = text.charCodeAt(s)
  if (c === 45 || c === 43) { neg = c === 45; s++ }
  if (s >= e || e - s > 16) return Number.NaN
  let v = 0, frac = -1, digits = 0
  for (let i = s; i < e; i++) {
    c = text.charCodeAt(i)
    if (c === sep && frac < 0) { frac = 0; continue }
    c -= 48
    if (c < 0 || c > 9) return Number.NaN
    if (frac >= scale) { if (frac === scale && c >= 5) v += 1; frac++; continue }
    v = v * 10 + c
    digits++
    if (frac >= 0) frac++
  }
  if (digits === 0 && frac < 0) return Number.NaN
  if (frac > scale) frac = scale
  const shift = scale - Math.max(frac, 0)
  if (digits + shift > 15) return Number.NaN
  v *= POW10[shift]!
  return neg ? -v : v
}

function d2(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48, b = text.charCodeAt(i + 1) - 48
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1
}

/** YYYY-MM-DD exactly, as days; NaN otherwise. */
export function fastDate(text: string, s: number, e: number): number {
  if (e - s !== 10 || text.charCodeAt(s + 4) !== 45 || text.charCodeAt(s + 7) !== 45) return Number.NaN
  const y1 = d2(text, s), y2 = d2(text, s + 2), m = d2(text, s + 5), d = d2(text, s + 8)
  if (y1 < 0 || y2 < 0 || m < 1 || m > 12 || d < 1) return Number.NaN
  const y = y1 * 100 + y2
  if (d > daysInMonth(y, m)) return Number.NaN
  return daysFromCivil(y, m, d)
}

/** YYYY-MM-DD[ T]HH:MM:SS[.f{1,6}], as microseconds; NaN otherwise. */
export function fastTimestamp(text: string, s: number, e: number): number {
  const len = e - s
  if (len < 19 || len > 26) return Number.NaN
  const days = fastDate(text, s, s + 10)
  const sep = text.charCodeAt(s + 10)
  if (days !== days || (sep !== 32 && sep !== 84) || text.charCodeAt(s + 13) !== 58 || text.charCodeAt(s + 16) !== 58) return Number.NaN
  const h = d2(text, s + 11), mi = d2(text, s + 14), sec = d2(text, s + 17)
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return Number.NaN
  let micros = 0
  if (len > 19) {
    if (text.charCodeAt(s + 19) !== 46 || len === 20) return Number.NaN
    let scale = 100000
    for (let i = s + 20; i < e; i++) {
      const c = text.charCodeAt(i) - 48
      if (c < 0 || c > 9) return Number.NaN
      micros += c * scale; scale /= 10
    }
  }
  return days * MICROS_PER_DAY + h * MICROS_PER_HOUR + mi * MICROS_PER_MINUTE + sec * MICROS_PER_SECOND + micros
}

/** Slow path for one value: strptime formats, then the CAST parser. Throws a GrizzlyError. */
export function slowValue(text: string, type: LogicalType, dateFormat: string | null, timestampFormat: string | null, decimalSep: string): Value {
  if (type.id === 'DATE' && dateFormat !== null) return Math.floor(strptime(text, dateFormat) / MICROS_PER_DAY)
  if (type.id === 'TIMESTAMP' && timestampFormat !== null) return strptime(text, timestampFormat)
  if (decimalSep === ',' && (type.id === 'DOUBLE' || type.id === 'REAL' || type.id === 'DECIMAL')) {
    if (text.includes('.')) throw new GrizzlyError('22P02', `"${text}" uses '.' but the decimal separator is ','`)
    text = text.replace(',', '.')
  }
  return parseValue(text, type)
}
