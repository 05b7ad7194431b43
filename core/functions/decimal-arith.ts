/**
 * DECIMAL arithmetic with DuckDB's result types. Arguments stay in their own types (an integer
 * operand counts as DECIMAL(w, 0)); the kernels rescale internally, so no cast is needed.
 * Narrow results (≤ 15 digits) run as exact double arithmetic on scaled integers; wider ones
 * use bigint.
 */
import {
  type DecimalType, type LogicalType, DECIMAL_FLOAT_MAX_WIDTH, DECIMAL_MAX_WIDTH, decimal, physicalOf, typeToString,
} from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import type { BoundScalar, ScalarKernel } from '../hooks/contracts.ts'
import {
  POW10, POW10_BIG, compactValidity, mergeValidity, outOfRange, rowValid, scaledBig,
} from './kernel-util.ts'

/** Width of the DECIMAL an integer type converts to without loss. */
export function decimalOfInteger(t: LogicalType): DecimalType | undefined {
  switch (t.id) {
    case 'TINYINT': return decimal(3, 0)
    case 'SMALLINT': return decimal(5, 0)
    case 'INTEGER': return decimal(10, 0)
    case 'BIGINT': return decimal(19, 0)
    case 'HUGEINT': return decimal(DECIMAL_MAX_WIDTH, 0)
    case 'DECIMAL': return t
    default: return undefined
  }
}

/** Both operands DECIMAL-compatible and at least one a DECIMAL. */
export function decimalOperands(argTypes: readonly LogicalType[]): [DecimalType, DecimalType] | undefined {
  if (argTypes.length !== 2) return undefined
  const [x, y] = argTypes as [LogicalType, LogicalType]
  if (x.id !== 'DECIMAL' && y.id !== 'DECIMAL') return undefined
  const a = decimalOfInteger(x), b = decimalOfInteger(y)
  return a !== undefined && b !== undefined ? [a, b] : undefined
}

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>
const INT64_WIDTH = 18

/** What a DECIMAL +, - or * kernel computes: the executor may redo it in exact doubles (execution/exact-decimal.ts). */
export interface DecimalArithmetic {
  readonly op: '+' | '-' | '*'
  readonly left: DecimalType
  readonly right: DecimalType
  readonly returns: DecimalType
}

const ARITHMETIC = new WeakMap<ScalarKernel, DecimalArithmetic>()

/** the DECIMAL arithmetic a bound call performs, or undefined when it is another function */
export function decimalArithmeticOf(fn: BoundScalar): DecimalArithmetic | undefined {
  return ARITHMETIC.get(fn.invoke)
}

function described(kernel: ScalarKernel, d: DecimalArithmetic): ScalarKernel {
  ARITHMETIC.set(kernel, d)
  return kernel
}

export function bindDecimalAddSub(op: '+' | '-', argTypes: readonly LogicalType[]): Bound | undefined {
  const ops = decimalOperands(argTypes)
  if (ops === undefined) return undefined
  const [a, b] = ops
  const scale = Math.max(a.scale, b.scale)
  let width = Math.max(a.width - a.scale, b.width - b.scale) + scale + 1
  const maxWidth = Math.max(a.width, b.width)
  // DuckDB keeps 64-bit results when both inputs are 64-bit and checks overflow instead
  if (width > INT64_WIDTH && maxWidth <= INT64_WIDTH) width = INT64_WIDTH
  width = Math.min(width, DECIMAL_MAX_WIDTH)
  const returns = decimal(width, scale)
  return { argTypes, returns, invoke: described(decimalLinearKernel(op, a, b, returns), { op, left: a, right: b, returns }) }
}

export function bindDecimalMultiply(argTypes: readonly LogicalType[]): Bound | undefined {
  const ops = decimalOperands(argTypes)
  if (ops === undefined) return undefined
  const [a, b] = ops
  const scale = a.scale + b.scale
  if (scale > DECIMAL_MAX_WIDTH) return undefined
  let width = a.width + b.width
  const maxWidth = Math.max(a.width, b.width)
  if (width > INT64_WIDTH && maxWidth <= INT64_WIDTH && scale < INT64_WIDTH) width = INT64_WIDTH
  width = Math.min(width, DECIMAL_MAX_WIDTH)
  const returns = decimal(width, scale)
  return { argTypes, returns, invoke: described(decimalMultiplyKernel(a, b, returns), { op: '*', left: a, right: b, returns }) }
}

export function bindDecimalModulo(argTypes: readonly LogicalType[]): Bound | undefined {
  const ops = decimalOperands(argTypes)
  if (ops === undefined) return undefined
  const [a, b] = ops
  const scale = Math.max(a.scale, b.scale)
  const width = Math.min(Math.max(a.width - a.scale, b.width - b.scale) + scale, DECIMAL_MAX_WIDTH)
  const returns = decimal(width, scale)
  return { argTypes, returns, invoke: decimalModuloKernel(a, b, returns) }
}

export function bindDecimalNegate(argTypes: readonly LogicalType[]): Bound | undefined {
  const t = argTypes[0]
  if (argTypes.length !== 1 || t === undefined || t.id !== 'DECIMAL') return undefined
  const kernel: ScalarKernel = (args, count) => {
    const src = args[0]!.data as Float64Array | bigint[]
    if (src instanceof Float64Array) {
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) out[i] = -src[i]!
      return new Vector(t, count, out, null)
    }
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) out[i] = -src[i]!
    return new Vector(t, count, out, null)
  }
  return { argTypes, returns: t, invoke: kernel, inline: physicalOf(t) === 'f64' ? ([x]) => `(-${x})` : undefined }
}

function isNarrow(v: Vector): boolean { return v.physical !== 'i64' && v.physical !== 'big' }

const SAFE = Number.MAX_SAFE_INTEGER

/**
 * A vector's scaled integers as doubles, for the wide kernels' fast path: while every operand
 * and result stays within ±2^53 the double arithmetic is exact and one BigInt per row is all
 * that is built (TPC-H Q1's DECIMAL(18,x) products); beyond, or on NaN (a NULL row's
 * unspecified entry), the row takes the bigint path.
 */
function numbersOf(v: Vector, count: number): Float64Array {
  if (v.data instanceof Float64Array) return v.data
  const out = new Float64Array(count)
  if (v.physical === 'big' || v.physical === 'i64') {
    const d = v.data as ArrayLike<bigint | null>
    for (let i = 0; i < count; i++) { const x = d[i]; out[i] = typeof x === 'bigint' ? Number(x) : NaN }
  } else {
    const d = v.data as ArrayLike<number>
    for (let i = 0; i < count; i++) out[i] = d[i]!
  }
  return out
}

function overflow(op: string, t: DecimalType, detail: string) {
  return outOfRange(`Overflow in ${op} of ${typeToString(t)} (${detail})`, 'cast to DOUBLE or a wider DECIMAL')
}

function decimalLinearKernel(op: '+' | '-', a: DecimalType, b: DecimalType, returns: DecimalType): ScalarKernel {
  const fa = POW10[returns.scale - a.scale]!, fb = POW10[returns.scale - b.scale]!
  const faBig = POW10_BIG[returns.scale - a.scale]!, fbBig = POW10_BIG[returns.scale - b.scale]!
  const limit = POW10_BIG[returns.width]!
  const sign = op === '+' ? 1 : -1
  const narrowOut = returns.width <= DECIMAL_FLOAT_MAX_WIDTH
  return (args, count) => {
    const x = args[0]!, y = args[1]!
    if (narrowOut && isNarrow(x) && isNarrow(y)) {
      const xa = x.data as Float64Array, ya = y.data as Float64Array
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) out[i] = xa[i]! * fa + sign * ya[i]! * fb
      return new Vector(returns, count, out, null)
    }
    const xs = numbersOf(x, count), ys = numbersOf(y, count)
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) {
      const s = Math.round(xs[i]!) * fa, t = Math.round(ys[i]!) * fb
      const d = s + sign * t
      if (s <= SAFE && s >= -SAFE && t <= SAFE && t >= -SAFE && d <= SAFE && d >= -SAFE) { out[i] = BigInt(d); continue }
      const p = scaledBig(x, i) * faBig, q = scaledBig(y, i) * fbBig
      const r = op === '+' ? p + q : p - q
      if ((r >= limit || r <= -limit) && rowValid(args, i)) {
        throw overflow(op === '+' ? 'addition' : 'subtraction', returns, `${p} ${op} ${q}`)
      }
      out[i] = r
    }
    return finish(returns, out, null)
  }
}

function decimalMultiplyKernel(a: DecimalType, b: DecimalType, returns: DecimalType): ScalarKernel {
  const limit = POW10_BIG[returns.width]!
  const narrowOut = returns.width <= DECIMAL_FLOAT_MAX_WIDTH
  void a; void b
  return (args, count) => {
    const x = args[0]!, y = args[1]!
    if (narrowOut && isNarrow(x) && isNarrow(y)) {
      const xa = x.data as Float64Array, ya = y.data as Float64Array
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) out[i] = xa[i]! * ya[i]!
      return new Vector(returns, count, out, null)
    }
    const xs = numbersOf(x, count), ys = numbersOf(y, count)
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) {
      const d = Math.round(xs[i]!) * Math.round(ys[i]!)
      if (d <= SAFE && d >= -SAFE) { out[i] = BigInt(d); continue }
      const r = scaledBig(x, i) * scaledBig(y, i)
      if ((r >= limit || r <= -limit) && rowValid(args, i)) {
        throw overflow('multiplication', returns, `${scaledBig(x, i)} * ${scaledBig(y, i)}`)
      }
      out[i] = r
    }
    return finish(returns, out, null)
  }
}

function decimalModuloKernel(a: DecimalType, b: DecimalType, returns: DecimalType): ScalarKernel {
  const faBig = POW10_BIG[returns.scale - a.scale]!, fbBig = POW10_BIG[returns.scale - b.scale]!
  return (args, count) => {
    const x = args[0]!, y = args[1]!
    let valid = mergeValidity(args, count)
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) {
      const q = scaledBig(y, i) * fbBig
      if (q === 0n) {
        if (valid === null) valid = new Uint8Array(count).fill(1)
        valid[i] = 0
        out[i] = 0n
        continue
      }
      out[i] = (scaledBig(x, i) * faBig) % q
    }
    return finish(returns, out, compactValidity(valid, count))
  }
}

function finish(t: DecimalType, values: bigint[], validity: Uint8Array | null): Vector {
  if (physicalOf(t) === 'f64') {
    const out = new Float64Array(values.length)
    for (let i = 0; i < values.length; i++) out[i] = Number(values[i]!)
    return new Vector(t, values.length, out, validity)
  }
  return new Vector(t, values.length, values, validity)
}
