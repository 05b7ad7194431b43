/**
 * Numeric casts (BOOLEAN, integers, REAL/DOUBLE, DECIMAL in both storage forms) as tight loops
 * over typed arrays, one loop per source storage, so each stays monomorphic. Failures call
 * `sink.fail(i, text)`, which throws or (TRY_CAST) marks the row NULL. A HUGEINT source is read
 * as what it is, a scale-0 integer in bigints, so it shares the wide DECIMAL loops.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import {
  BIGINT_MAX, BIGINT_MIN, HUGEINT_MAX, HUGEINT_MIN, INTEGER_RANGE, type DecimalType, type LogicalType, decimal, typeToString,
} from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import {
  POW10, decimalToDouble, divRoundBig, divRoundNumber, doubleToDecimal, fitsWidthBig, isWideDecimal, pow10Big,
  rescaleDecimal, roundHalfEven,
} from '../types/decimal.ts'
import { formatValue } from '../types/format.ts'

/** Collects per-row failures: throws at the first one, or with TRY_CAST nulls the row. */
export class FailSink {
  /** validity of the result; starts as the input's, copied on the first TRY_CAST failure */
  validity: Uint8Array | null
  private copied = false
  constructor(readonly input: Vector, readonly target: LogicalType, readonly tryCast: boolean) {
    this.validity = input.validity
  }
  fail(i: number, error: () => GrizzlyError): void {
    if (!this.tryCast) throw error()
    if (!this.copied) {
      const v = new Uint8Array(this.input.length)
      if (this.validity === null) v.fill(1)
      else v.set(this.validity)
      this.validity = v
      this.copied = true
    }
    this.validity![i] = 0
  }
}

export function castOutOfRange(valueText: string, from: LogicalType, to: LogicalType): GrizzlyError {
  return new GrizzlyError(SqlState.numericOutOfRange,
    `cannot cast ${typeToString(from)} value ${valueText} to ${typeToString(to)}: out of range`,
    { hint: `use a wider type than ${typeToString(to)}, or TRY_CAST to get NULL instead` })
}

function isNumericId(id: string): boolean {
  return id === 'BOOLEAN' || id === 'TINYINT' || id === 'SMALLINT' || id === 'INTEGER' || id === 'BIGINT' ||
    id === 'HUGEINT' || id === 'REAL' || id === 'DOUBLE' || id === 'DECIMAL'
}

/** The scaled-integer view of a DECIMAL or HUGEINT source, which the DECIMAL loops read. */
function asScaled(t: LogicalType): DecimalType | undefined {
  return t.id === 'DECIMAL' ? t : t.id === 'HUGEINT' ? HUGEINT_AS_DECIMAL : undefined
}
const HUGEINT_AS_DECIMAL = decimal(38, 0)
export function isNumericCast(from: LogicalType, to: LogicalType): boolean {
  return isNumericId(from.id) && isNumericId(to.id)
}

/** Source values of the flat numeric storages that hold JS numbers. */
type NumArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array

export function castNumeric(input: Vector, target: LogicalType, tryCast: boolean): Vector {
  const from = input.type
  const sink = new FailSink(input, target, tryCast)
  const n = input.length
  const valid = input.validity
  const err = (i: number) => () => castOutOfRange(formatValue(from, valueAt(input, i)), from, target)
  let out: Vector['data']
  switch (target.id) {
    case 'BOOLEAN': out = toBoolean(input, n); break
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': {
      const [lo, hi] = INTEGER_RANGE[target.id]
      out = target.id === 'TINYINT' ? new Int8Array(n) : target.id === 'SMALLINT' ? new Int16Array(n) : new Int32Array(n)
      toSmallInt(input, out, lo, hi, valid, sink, err)
      break
    }
    case 'BIGINT': out = toWideInteger(input, n, valid, sink, err, BIGINT_TARGET, new BigInt64Array(n)); break
    case 'HUGEINT': out = toWideInteger(input, n, valid, sink, err, HUGEINT_TARGET, new Array<bigint>(n).fill(0n)); break
    case 'DOUBLE': case 'REAL': {
      const d = target.id === 'DOUBLE' ? new Float64Array(n) : new Float32Array(n)
      toFloat(input, d, valid, sink, err)
      out = d
      break
    }
    case 'DECIMAL': out = toDecimal(input, target, n, valid, sink, err); break
    default: throw new GrizzlyError(SqlState.cannotCoerce, `cannot cast ${typeToString(from)} to ${typeToString(target)}`)
  }
  return new Vector(target, n, out, sink.validity)
}

function valueAt(v: Vector, i: number): number | bigint | boolean {
  const d = v.data as ArrayLike<number | bigint>
  if (v.physical === 'u8') return d[i] === 1
  return d[i]!
}

function toBoolean(input: Vector, n: number): Uint8Array {
  const out = new Uint8Array(n)
  const d = input.data
  if (input.physical === 'i64' || input.physical === 'big') {
    const s = d as ArrayLike<bigint>
    for (let i = 0; i < n; i++) out[i] = s[i] !== 0n ? 1 : 0
  } else {
    const s = d as NumArray
    for (let i = 0; i < n; i++) out[i] = s[i] !== 0 ? 1 : 0
  }
  return out
}

type Err = (i: number) => () => GrizzlyError

function toSmallInt(input: Vector, out: Int8Array | Int16Array | Int32Array, lo: number, hi: number,
  valid: Uint8Array | null, sink: FailSink, err: Err): void {
  const n = input.length
  const from = asScaled(input.type)
  if (from !== undefined) {
    const scale = from.scale
    if (input.physical === 'big') {
      const s = input.data as bigint[]
      const blo = BigInt(lo), bhi = BigInt(hi)
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue
        const r = divRoundBig(s[i]!, scale)
        if (r < blo || r > bhi) { sink.fail(i, err(i)); continue }
        out[i] = Number(r)
      }
    } else {
      const s = input.data as Float64Array
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue
        const r = divRoundNumber(s[i]!, scale)
        if (r < lo || r > hi) { sink.fail(i, err(i)); continue }
        out[i] = r
      }
    }
    return
  }
  switch (input.physical) {
    case 'i64': {
      const s = input.data as BigInt64Array
      const blo = BigInt(lo), bhi = BigInt(hi)
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue
        const v = s[i]!
        if (v < blo || v > bhi) { sink.fail(i, err(i)); continue }
        out[i] = Number(v)
      }
      return
    }
    case 'f32': case 'f64': {
      // DuckDB rounds floats to the nearest integer, ties to even
      const s = input.data as Float64Array
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue
        const r = roundHalfEven(s[i]!)
        if (!(r >= lo && r <= hi)) { sink.fail(i, err(i)); continue }
        out[i] = r
      }
      return
    }
    default: {
      const s = input.data as Int32Array
      if (lo <= -2147483648) { out.set(s); return }
      for (let i = 0; i < n; i++) {
        const v = s[i]!
        if (v < lo || v > hi) {
          if (valid !== null && valid[i] === 0) continue
          sink.fail(i, err(i)); continue
        }
        out[i] = v
      }
    }
  }
}

/** the integer range a cast lands in, as bigints and (for float sources, exact at these powers of two) as a half-open number range */
interface IntegerRange { readonly min: bigint; readonly max: bigint; readonly floatFrom: number; readonly floatTo: number }
const BIGINT_TARGET: IntegerRange = { min: BIGINT_MIN, max: BIGINT_MAX, floatFrom: -(2 ** 63), floatTo: 2 ** 63 }
const HUGEINT_TARGET: IntegerRange = { min: HUGEINT_MIN, max: HUGEINT_MAX, floatFrom: -(2 ** 127), floatTo: 2 ** 127 }

/**
 * To BIGINT or HUGEINT (`out` of n zeros): integers and booleans widen, DECIMALs round half away
 * from zero and floats half to even (as DuckDB), a value outside `range` fails.
 */
function toWideInteger<T extends BigInt64Array | bigint[]>(input: Vector, n: number, valid: Uint8Array | null, sink: FailSink, err: Err, range: IntegerRange, out: T): T {
  const from = asScaled(input.type)
  if (from !== undefined) {
    const s = input.data as ArrayLike<number | bigint>
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue
      const x = s[i]!
      const r = typeof x === 'bigint' ? divRoundBig(x, from.scale) : BigInt(divRoundNumber(x, from.scale))
      if (r < range.min || r > range.max) { sink.fail(i, err(i)); continue }
      out[i] = r
    }
    return out
  }
  switch (input.physical) {
    case 'f32': case 'f64': {
      const s = input.data as Float64Array
      for (let i = 0; i < n; i++) {
        if (valid !== null && valid[i] === 0) continue
        const r = roundHalfEven(s[i]!)
        if (!(r >= range.floatFrom && r < range.floatTo)) { sink.fail(i, err(i)); continue }
        out[i] = BigInt(r)
      }
      return out
    }
    default: {
      if (input.physical === 'i64' && out instanceof BigInt64Array) { out.set(input.data as BigInt64Array); return out }
      const s = input.data as ArrayLike<number | bigint>
      for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = BigInt(s[i]!)
      return out
    }
  }
}

function toFloat(input: Vector, out: Float64Array | Float32Array, valid: Uint8Array | null, sink: FailSink, err: Err): void {
  const n = input.length
  const from = asScaled(input.type)
  if (from !== undefined) {
    const scale = from.scale
    if (input.physical === 'big') {
      const s = input.data as bigint[]
      for (let i = 0; i < n; i++) if (valid === null || valid[i] === 1) out[i] = decimalToDouble(s[i]!, scale)
    } else {
      const s = input.data as Float64Array
      const d = POW10[scale]!
      if (scale === 0) out.set(s)
      else for (let i = 0; i < n; i++) out[i] = s[i]! / d
    }
  } else if (input.physical === 'i64') {
    const s = input.data as BigInt64Array
    for (let i = 0; i < n; i++) out[i] = Number(s[i]!)
  } else {
    out.set(input.data as Float64Array)
  }
  if (out instanceof Float32Array) {
    // a finite double beyond REAL's range must not silently become infinity
    for (let i = 0; i < n; i++) {
      const v = out[i]!
      if ((v === Infinity || v === -Infinity) && (valid === null || valid[i] === 1)) {
        const src = input.physical === 'f64' ? (input.data as Float64Array)[i]! : v
        if (Number.isFinite(src)) sink.fail(i, err(i))
      }
    }
  }
}

function toDecimal(input: Vector, target: DecimalType, n: number, valid: Uint8Array | null, sink: FailSink, err: Err): Vector['data'] {
  const from = asScaled(input.type)
  const wide = isWideDecimal(target.width)
  const scale = target.scale
  if (from !== undefined) {
    // rescale; the helper checks the width
    const out: (number | bigint)[] | Float64Array = wide ? new Array<bigint>(n).fill(0n) : new Float64Array(n)
    const s = input.data as ArrayLike<number | bigint>
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue
      try { out[i] = rescaleDecimal(s[i]!, from, target) as never } catch (e) {
        if (!(e instanceof GrizzlyError)) throw e
        sink.fail(i, () => e)
      }
    }
    return out as Vector['data']
  }
  if (input.physical === 'f32' || input.physical === 'f64') {
    const out: bigint[] | Float64Array = wide ? new Array<bigint>(n).fill(0n) : new Float64Array(n)
    const s = input.data as Float64Array
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue
      try { out[i] = doubleToDecimal(s[i]!, target) as never } catch (e) {
        if (!(e instanceof GrizzlyError)) throw e
        sink.fail(i, err(i))
      }
    }
    return out
  }
  if (input.type.id === 'BOOLEAN' && scale >= target.width) {
    // DuckDB: when 1.0 does not fit, true becomes the smallest unit (DECIMAL(1,1): 0.1)
    const out: bigint[] | Float64Array = wide ? new Array<bigint>(n).fill(0n) : new Float64Array(n)
    const s = input.data as Uint8Array
    for (let i = 0; i < n; i++) out[i] = (wide ? BigInt(s[i]!) : s[i]!) as never
    return out
  }
  // integers and booleans: multiply by 10^scale, check the width
  if (!wide && input.physical !== 'i64') {
    const out = new Float64Array(n)
    const s = input.data as Int32Array
    const m = POW10[scale]!
    const limit = POW10[target.width]!
    for (let i = 0; i < n; i++) {
      const v = s[i]! * m
      if (v >= limit || v <= -limit) {
        if (valid !== null && valid[i] === 0) continue
        sink.fail(i, err(i)); continue
      }
      out[i] = v
    }
    return out
  }
  const m = pow10Big(scale)
  const big = (i: number): bigint => input.physical === 'i64' ? (input.data as BigInt64Array)[i]! : BigInt((input.data as Int32Array)[i]!)
  const out: bigint[] | Float64Array = wide ? new Array<bigint>(n).fill(0n) : new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue
    const v = big(i) * m
    if (!fitsWidthBig(v, target.width)) { sink.fail(i, err(i)); continue }
    out[i] = (wide ? v : Number(v)) as never
  }
  return out
}

