/**
 * Scaled-integer DECIMAL helpers for both storage forms: a number when width ≤ 15 (exact in a
 * double), a bigint when wider. Rounding is half away from zero, as DuckDB does.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import {
  DECIMAL_FLOAT_MAX_WIDTH, DECIMAL_MAX_WIDTH, type DecimalType, type LogicalType, decimal, typeToString,
} from './types.ts'

export type DecimalValue = number | bigint

/** 10^k as numbers (exact to 10^22) and bigints. */
export const POW10: readonly number[] = Array.from({ length: 39 }, (_, k) => 10 ** k)
export const POW10_BIG: readonly bigint[] = Array.from({ length: 78 }, (_, k) => 10n ** BigInt(k))

export function isWideDecimal(width: number): boolean { return width > DECIMAL_FLOAT_MAX_WIDTH }

export function pow10Big(k: number): bigint { return POW10_BIG[k] ?? 10n ** BigInt(k) }

/** v / 10^k rounded half away from zero (numbers; exact while |v| < 2^53). */
export function divRoundNumber(v: number, k: number): number {
  if (k === 0) return v
  const d = POW10[k]!
  const q = Math.trunc(v / d)
  const r = v - q * d
  if (2 * Math.abs(r) >= d) return v < 0 ? q - 1 : q + 1
  return q
}

/** v / 10^k rounded half away from zero (bigints). */
export function divRoundBig(v: bigint, k: number): bigint {
  if (k === 0) return v
  const d = pow10Big(k)
  const q = v / d
  const r = v - q * d
  const twice = r < 0n ? -2n * r : 2n * r
  if (twice >= d) return v < 0n ? q - 1n : q + 1n
  return q
}

/** Changes the scale of a scaled integer by `toScale - fromScale` digits, rounding when shrinking. */
export function rescaleBig(v: bigint, fromScale: number, toScale: number): bigint {
  if (toScale >= fromScale) return v * pow10Big(toScale - fromScale)
  return divRoundBig(v, fromScale - toScale)
}

export function rescaleNumber(v: number, fromScale: number, toScale: number): number {
  if (toScale >= fromScale) return v * POW10[toScale - fromScale]!
  return divRoundNumber(v, fromScale - toScale)
}

/** Largest magnitude + 1 of a DECIMAL(width, _) scaled integer: 10^width. */
export function decimalLimitBig(width: number): bigint { return pow10Big(width) }

export function fitsWidthBig(v: bigint, width: number): boolean {
  const limit = pow10Big(width)
  return v < limit && v > -limit
}

export function fitsWidthNumber(v: number, width: number): boolean {
  const limit = POW10[width]!
  return v < limit && v > -limit
}

export function toBig(v: DecimalValue): bigint { return typeof v === 'bigint' ? v : BigInt(v) }

/** The storage form for a DECIMAL of `width` (number ≤ 15 digits, bigint above). */
export function toStorage(v: bigint, width: number): DecimalValue {
  return isWideDecimal(width) ? v : Number(v)
}

export function decimalOverflow(text: string, type: LogicalType): GrizzlyError {
  return new GrizzlyError(SqlState.numericOutOfRange, `value ${text} does not fit in ${typeToString(type)}`,
    { hint: `a ${typeToString(type)} holds at most ${(type as DecimalType).width - (type as DecimalType).scale} digits before the decimal point; cast to a wider DECIMAL or to DOUBLE` })
}

/** Rescales any decimal value from `from` to `to`, checking the target width. */
export function rescaleDecimal(v: DecimalValue, from: DecimalType, to: DecimalType): DecimalValue {
  if (!isWideDecimal(from.width) && !isWideDecimal(to.width) && to.scale - from.scale <= 15) {
    const r = rescaleNumber(v as number, from.scale, to.scale)
    if (Number.isSafeInteger(r) || Math.abs(r) < 2 ** 53) {
      if (!fitsWidthNumber(r, to.width)) throw decimalOverflow(formatScaled(toBig(v), from.scale), to)
      return r
    }
  }
  const r = rescaleBig(toBig(v), from.scale, to.scale)
  if (!fitsWidthBig(r, to.width)) throw decimalOverflow(formatScaled(toBig(v), from.scale), to)
  return toStorage(r, to.width)
}

function formatScaled(v: bigint, scale: number): string {
  const neg = v < 0n
  let s = (neg ? -v : v).toString()
  if (scale > 0) {
    s = s.padStart(scale + 1, '0')
    s = `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`
  }
  return neg ? `-${s}` : s
}

/** A scaled integer as a double. */
export function decimalToDouble(v: DecimalValue, scale: number): number {
  if (typeof v === 'number') return scale === 0 ? v : v / POW10[scale]!
  if (scale === 0) return Number(v)
  // split so the integer part does not lose the fraction's precision
  const d = pow10Big(scale)
  const q = v / d
  return Number(q) + Number(v - q * d) / POW10[scale]!
}

/**
 * A double as a DECIMAL(width, scale) scaled integer, rounding half away from zero;
 * NaN, infinities and values wider than `width` digits are errors (22003).
 */
export function doubleToDecimal(x: number, type: DecimalType): DecimalValue {
  if (!Number.isFinite(x)) {
    throw new GrizzlyError(SqlState.numericOutOfRange, `cannot convert ${x} to ${typeToString(type)}`,
      { hint: 'NaN and infinity have no DECIMAL value' })
  }
  // DuckDB scales in double precision and then rounds half away from zero
  const r = roundHalfAway(x * POW10[type.scale]!)
  if (!(Math.abs(r) < POW10[type.width]!)) throw decimalOverflow(String(x), type)
  if (!isWideDecimal(type.width)) return r
  const big = BigInt(r)
  if (!fitsWidthBig(big, type.width)) throw decimalOverflow(String(x), type)
  return big
}

export function roundHalfAway(x: number): number {
  const t = Math.trunc(x)
  const r = x - t
  if (r >= 0.5) return t + 1
  if (r <= -0.5) return t - 1
  return t
}

/** Round half to even, as DuckDB's float → integer casts do (nearbyint). */
export function roundHalfEven(x: number): number {
  const t = Math.trunc(x)
  const r = Math.abs(x - t)
  if (r > 0.5 || (r === 0.5 && t % 2 !== 0)) return x < 0 ? t - 1 : t + 1
  return t
}

// ---- result types (DuckDB's rules) ---------------------------------------------------------------

function capped(width: number, scale: number, what: string): DecimalType {
  if (scale > DECIMAL_MAX_WIDTH) {
    throw new GrizzlyError(SqlState.numericOutOfRange, `the result of ${what} needs a DECIMAL scale of ${scale}, more than ${DECIMAL_MAX_WIDTH}`,
      { hint: 'cast one side to DOUBLE or to a DECIMAL with fewer fractional digits' })
  }
  return decimal(Math.min(width, DECIMAL_MAX_WIDTH), scale)
}

/** DECIMAL + / - DECIMAL: the larger scale, integer digits of the wider side plus one carry digit. */
export function decimalAddType(a: DecimalType, b: DecimalType): DecimalType {
  const scale = Math.max(a.scale, b.scale)
  const intDigits = Math.max(a.width - a.scale, b.width - b.scale)
  return capped(intDigits + scale + 1, scale, 'a DECIMAL addition')
}
export const decimalSubtractType = decimalAddType

/** DECIMAL * DECIMAL: widths and scales add. */
export function decimalMultiplyType(a: DecimalType, b: DecimalType): DecimalType {
  return capped(a.width + b.width, a.scale + b.scale, 'a DECIMAL multiplication')
}

/** The DECIMAL an integer type converts to without loss (DuckDB). */
export function decimalForIntegerType(t: LogicalType): DecimalType | undefined {
  switch (t.id) {
    case 'TINYINT': return decimal(3, 0)
    case 'SMALLINT': return decimal(5, 0)
    case 'INTEGER': return decimal(10, 0)
    case 'BIGINT': return decimal(19, 0)
    default: return undefined
  }
}
