/**
 * Numeric functions: rounding, powers and logarithms, trigonometry, sign and bit helpers,
 * random numbers. Types follow DuckDB (round on DECIMAL stays DECIMAL, sign is TINYINT,
 * factorial returns HUGEINT, gcd/lcm are BIGINT).
 */
import type { Hooks } from '../hooks/registry.ts'
import type { BoundScalar, ScalarBindInfo, ScalarKernel, ScalarOverload } from '../hooks/contracts.ts'
import {
  BIGINT, BOOLEAN, DOUBLE, HUGEINT, INTEGER, type DecimalType, type LogicalType, REAL, TINYINT, decimal, physicalOf,
} from '../types/types.ts'
import { roundHalfAway } from '../types/decimal.ts'
import { Vector } from '../vector/vector.ts'
import {
  POW10, POW10_BIG, compileMapKernel, outOfRange, overflowError, rowValid, scaledBig, mergeValidity, compactValidity,
} from './kernel-util.ts'
import { INTEGER_TYPES } from './operators.ts'
import { ieeeOps, rangeOf, type IntTypeId } from './numeric-kernels.ts'

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>

/** A DOUBLE → DOUBLE function, with an optional domain check that raises for valid rows only. */
function doubleFn(expr: (x: string) => string, domain?: { bad: (x: number) => boolean; error: (x: number) => Error }, helpers?: Record<string, unknown>): ScalarOverload {
  const plain = compileMapKernel(DOUBLE, 1, ([x]) => expr(x!), helpers ?? {})
  if (helpers !== undefined && domain === undefined) return { args: [DOUBLE], returns: DOUBLE, invoke: plain }
  if (domain === undefined) return { args: [DOUBLE], returns: DOUBLE, invoke: plain, inline: ([x]) => expr(x!) }
  const invoke: ScalarKernel = (args, count, ctx) => {
    const a = args[0]!.data as Float64Array
    for (let i = 0; i < count; i++) {
      if (domain.bad(a[i]!) && rowValid(args, i)) throw domain.error(a[i]!)
    }
    return plain(args, count, ctx)
  }
  return { args: [DOUBLE], returns: DOUBLE, invoke }
}

function double2(expr: (x: string, y: string) => string): ScalarOverload {
  return { args: [DOUBLE, DOUBLE], returns: DOUBLE, invoke: compileMapKernel(DOUBLE, 2, ([x, y]) => expr(x!, y!)), inline: ([x, y]) => expr(x!, y!) }
}

const logDomain = {
  bad: (x: number) => x <= 0,
  error: (x: number) => outOfRange(x === 0 ? 'cannot take logarithm of zero' : 'cannot take logarithm of a negative number'),
}

/** Rounds half away from zero to `digits` decimals, as DuckDB does for doubles. */
export function roundDouble(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x
  if (digits === 0) return roundHalfAway(x)
  if (digits < 0) {
    const p = Math.pow(10, -digits)
    if (!Number.isFinite(p)) return 0
    return roundHalfAway(x / p) * p
  }
  const m = Math.pow(10, digits)
  const r = roundHalfAway(x * m) / m
  return Number.isFinite(r) ? r : x
}

function roundDoubleKernel(withDigits: boolean, t: LogicalType): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as Float64Array
    const d = withDigits ? args[1]!.data as Int32Array : null
    const out = t.id === 'REAL' ? new Float32Array(count) : new Float64Array(count)
    for (let i = 0; i < count; i++) out[i] = roundDouble(a[i]!, d === null ? 0 : d[i]!)
    return new Vector(t, count, out, null)
  }
}

type RoundMode = 'round' | 'ceil' | 'floor' | 'trunc'

/** Integer division of a scaled value by 10^k with the given rounding mode. */
function shiftDown(v: bigint, k: number, mode: RoundMode): bigint {
  if (k <= 0) return v
  // beyond 38 digits every stored value rounds to zero
  if (k >= POW10_BIG.length) return 0n
  const d = POW10_BIG[k]!
  const q = v / d, r = v % d
  if (r === 0n) return q
  switch (mode) {
    case 'trunc': return q
    case 'floor': return v < 0n ? q - 1n : q
    case 'ceil': return v > 0n ? q + 1n : q
    case 'round': {
      const twice = (r < 0n ? -r : r) * 2n
      return twice >= d ? (v < 0n ? q - 1n : q + 1n) : q
    }
  }
}

/** round/ceil/floor/trunc on DECIMAL: the result keeps the width and drops digits. */
function decimalRounding(mode: RoundMode, src: DecimalType, digits: number | null): Bound {
  const keep = digits === null ? 0 : Math.max(0, Math.min(digits, src.scale))
  const returns = decimal(src.width, keep)
  const drop = src.scale - keep
  // negative digits round to tens, hundreds, … and keep scale 0
  const extra = digits !== null && digits < 0 ? -digits : 0
  const invoke: ScalarKernel = (args, count) => {
    const x = args[0]!
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) {
      // one rounding step to the final digit (rounding twice would carry: 1049.5 → 1050 → 1100)
      out[i] = extra === 0 ? shiftDown(scaledBig(x, i), drop, mode)
        : extra >= POW10_BIG.length ? 0n : shiftDown(scaledBig(x, i), drop + extra, mode) * POW10_BIG[extra]!
    }
    if (physicalOf(returns) === 'f64') return new Vector(returns, count, Float64Array.from(out, Number), null)
    return new Vector(returns, count, out, null)
  }
  return { argTypes: digits === null ? [src] : [src, INTEGER], returns, invoke }
}

/** round(integer, negative digits) rounds to tens, hundreds, …; non-negative digits keep it. */
function roundIntegerKernel(t: LogicalType): ScalarKernel {
  return (args, count) => {
    const x = args[0]!, d = args[1]!.data as Int32Array
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) {
      const k = d[i]!
      const v = scaledBig(x, i)
      out[i] = k >= 0 ? v : -k >= POW10_BIG.length ? 0n : shiftDown(v, -k, 'round') * POW10_BIG[-k]!
    }
    const [lo, hi] = rangeOf(t.id as IntTypeId)
    const data = t.id === 'BIGINT' ? new BigInt64Array(count) : new (t.id === 'INTEGER' ? Int32Array : t.id === 'SMALLINT' ? Int16Array : Int8Array)(count)
    for (let i = 0; i < count; i++) {
      const v = out[i]!
      if ((v < BigInt(lo) || v > BigInt(hi)) && rowValid(args, i)) throw overflowError('rounding', t, String(v))
      if (data instanceof BigInt64Array) data[i] = v
      else data[i] = Number(v)
    }
    return new Vector(t, count, data, null)
  }
}

function absIntKernel(t: LogicalType): ScalarKernel {
  const [lo] = rangeOf(t.id as IntTypeId)
  return (args, count) => {
    const a = args[0]!.data as Int32Array | BigInt64Array
    if (a instanceof BigInt64Array) {
      const out = new BigInt64Array(count)
      for (let i = 0; i < count; i++) {
        const x = a[i]!
        if (x === lo && rowValid(args, i)) throw outOfRange(`Overflow on abs(${x})`)
        out[i] = x < 0n ? -x : x
      }
      return new Vector(t, count, out, null)
    }
    const out = new (a.constructor as Int32ArrayConstructor)(count)
    for (let i = 0; i < count; i++) {
      const x = a[i]!
      if (x === lo && rowValid(args, i)) throw outOfRange(`Overflow on abs(${x})`)
      out[i] = x < 0 ? -x : x
    }
    return new Vector(t, count, out, null)
  }
}

function bindDecimalUnary(fn: (src: DecimalType) => Bound) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const t = argTypes[0]
    return argTypes.length === 1 && t?.id === 'DECIMAL' ? fn(t) : undefined
  }
}

function absDecimal(t: DecimalType): Bound {
  const invoke: ScalarKernel = (args, count) => {
    const src = args[0]!.data as Float64Array | bigint[]
    if (src instanceof Float64Array) {
      const out = new Float64Array(count)
      for (let i = 0; i < count; i++) out[i] = Math.abs(src[i]!)
      return new Vector(t, count, out, null)
    }
    const out = new Array<bigint>(count)
    for (let i = 0; i < count; i++) { const x = src[i]!; out[i] = x < 0n ? -x : x }
    return new Vector(t, count, out, null)
  }
  return { argTypes: [t], returns: t, invoke }
}

function signKernel(): ScalarKernel {
  return (args, count) => {
    const x = args[0]!
    const out = new Int8Array(count)
    const d = x.data as ArrayLike<number | bigint>
    for (let i = 0; i < count; i++) {
      const v = d[i]!
      out[i] = v > 0 ? 1 : v < 0 ? -1 : 0
    }
    return new Vector(TINYINT, count, out, null)
  }
}

function gcdBig(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a
  if (b < 0n) b = -b
  while (b !== 0n) { const t = a % b; a = b; b = t }
  return a
}

function gcdLcmKernel(lcm: boolean): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as BigInt64Array, b = args[1]!.data as BigInt64Array
    const out = new BigInt64Array(count)
    for (let i = 0; i < count; i++) {
      const x = a[i]!, y = b[i]!
      if (!lcm) { out[i] = gcdBig(x, y); continue }
      if (x === 0n || y === 0n) { out[i] = 0n; continue }
      const r = (x < 0n ? -x : x) / gcdBig(x, y) * (y < 0n ? -y : y)
      if (r > 9223372036854775807n && rowValid(args, i)) throw overflowError('lcm', BIGINT, `${x}, ${y}`)
      out[i] = r
    }
    return new Vector(BIGINT, count, out, null)
  }
}

const factorialKernel: ScalarKernel = (args, count) => {
  const a = args[0]!.data as Int32Array
  const out = new Array<bigint>(count)
  for (let i = 0; i < count; i++) {
    const n = a[i]!
    if (n > 33 && rowValid(args, i)) throw outOfRange(`Value out of range: factorial(${n}) does not fit HUGEINT`)
    if (n < 0 && rowValid(args, i)) throw outOfRange('factorial of a negative number is undefined')
    let r = 1n
    for (let k = 2; k <= n && k <= 33; k++) r *= BigInt(k)
    out[i] = r
  }
  return new Vector(HUGEINT, count, out, null)
}

function bitCountKernel(t: LogicalType): ScalarKernel {
  return (args, count) => {
    const a = args[0]!.data as Int32Array | BigInt64Array
    const out = new Int8Array(count)
    if (a instanceof BigInt64Array) {
      for (let i = 0; i < count; i++) {
        let x = BigInt.asUintN(64, a[i]!), n = 0
        while (x !== 0n) { n += Number(x & 1n); x >>= 1n }
        out[i] = n
      }
    } else {
      const bits = t.id === 'TINYINT' ? 8 : t.id === 'SMALLINT' ? 16 : 32
      const mask = bits === 32 ? -1 : (1 << bits) - 1
      for (let i = 0; i < count; i++) {
        let x = (a[i]! & mask) >>> 0, n = 0
        while (x !== 0) { x &= x - 1; n++ }
        out[i] = n
      }
    }
    return new Vector(TINYINT, count, out, null)
  }
}

const randomKernel: ScalarKernel = (_args, count, ctx) => {
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = ctx.random()
  return new Vector(DOUBLE, count, out, null)
}

const setseedKernel: ScalarKernel = (args, count, ctx) => {
  const a = args[0]!.data as Float64Array
  for (let i = 0; i < count; i++) {
    if (!rowValid(args, i)) continue
    const s = a[i]!
    if (!(s >= -1 && s <= 1)) throw outOfRange(`setseed accepts seeds between -1.0 and 1.0, got ${s}`, 'pass a seed such as 0.42')
    ctx.setSeed(s)
  }
  return new Vector({ id: 'NULL' }, count, null, new Uint8Array(count))
}

function predicateOnDouble(test: (x: string) => string): ScalarOverload {
  return { args: [DOUBLE], returns: BOOLEAN, invoke: compileMapKernel(BOOLEAN, 1, ([x]) => `(${test(x!)}) ? 1 : 0`), inline: ([x]) => test(x!) }
}

export function registerMathFunctions(hooks: Hooks): void {
  const reg = (name: string, overloads: ScalarOverload[], extra: { aliases?: string[]; description?: string; bind?: (t: readonly LogicalType[], info?: ScalarBindInfo) => Bound | undefined } = {}) =>
    hooks.registerScalar({ name, nulls: 'propagate', volatility: 'immutable', overloads, ...extra })

  reg('abs', [
    ...INTEGER_TYPES.map(t => ({ args: [t], returns: t, invoke: absIntKernel(t) })),
    { args: [REAL], returns: REAL, invoke: compileMapKernel(REAL, 1, ([x]) => `Math.abs(${x})`), inline: ([x]) => `Math.abs(${x})` },
    { args: [DOUBLE], returns: DOUBLE, invoke: compileMapKernel(DOUBLE, 1, ([x]) => `Math.abs(${x})`), inline: ([x]) => `Math.abs(${x})` },
  ], { description: 'absolute value', bind: bindDecimalUnary(absDecimal) })

  reg('round', [
    ...INTEGER_TYPES.map(t => ({ args: [t], returns: t, invoke: (args: readonly Vector[]) => args[0]! })),
    ...INTEGER_TYPES.map(t => ({ args: [t, INTEGER], returns: t, invoke: roundIntegerKernel(t) })),
    { args: [DOUBLE], returns: DOUBLE, invoke: roundDoubleKernel(false, DOUBLE) },
    { args: [DOUBLE, INTEGER], returns: DOUBLE, invoke: roundDoubleKernel(true, DOUBLE) },
    { args: [REAL], returns: REAL, invoke: roundDoubleKernel(false, REAL) },
    { args: [REAL, INTEGER], returns: REAL, invoke: roundDoubleKernel(true, REAL) },
  ], {
    description: 'round half away from zero, optionally to a number of decimal digits',
    bind: (argTypes, info) => {
      const t = argTypes[0]
      if (t?.id !== 'DECIMAL') return undefined
      if (argTypes.length === 1) return decimalRounding('round', t, null)
      // constant digits fix the result scale, as DuckDB (ROUND(x::DECIMAL(18,10), 2) is DECIMAL(18,2))
      const digits = info?.constants[1]
      if (argTypes.length === 2 && (typeof digits === 'number' || typeof digits === 'bigint')) return decimalRounding('round', t, Number(digits))
      return undefined // digits come as a value: see roundDecimalDigits
    },
  })
  for (const mode of ['ceil', 'floor', 'trunc'] as const) {
    const fn = mode === 'ceil' ? 'Math.ceil' : mode === 'floor' ? 'Math.floor' : 'Math.trunc'
    reg(mode, [
      { args: [DOUBLE], returns: DOUBLE, invoke: compileMapKernel(DOUBLE, 1, ([x]) => `${fn}(${x})`), inline: ([x]) => `${fn}(${x})` },
      { args: [REAL], returns: REAL, invoke: compileMapKernel(REAL, 1, ([x]) => `${fn}(${x})`), inline: ([x]) => `${fn}(${x})` },
      ...(mode === 'trunc' ? INTEGER_TYPES.map(t => ({ args: [t], returns: t, invoke: (args: readonly Vector[]) => args[0]! })) : []),
    ], {
      aliases: mode === 'ceil' ? ['ceiling'] : undefined,
      bind: bindDecimalUnary(t => decimalRounding(mode, t, null)),
    })
  }
  reg('sqrt', [doubleFn(x => `Math.sqrt(${x})`, { bad: x => x < 0, error: () => outOfRange('cannot take square root of a negative number') })])
  reg('cbrt', [doubleFn(x => `Math.cbrt(${x})`)])
  reg('exp', [doubleFn(x => `Math.exp(${x})`)])
  reg('ln', [doubleFn(x => `Math.log(${x})`, logDomain)])
  reg('log10', [doubleFn(x => `Math.log10(${x})`, logDomain)])
  reg('log2', [doubleFn(x => `Math.log2(${x})`, logDomain)])
  const logBase: ScalarKernel = (args, count) => {
    const b = args[0]!.data as Float64Array, x = args[1]!.data as Float64Array
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) {
      if ((x[i]! <= 0 || b[i]! <= 0) && rowValid(args, i)) throw logDomain.error(x[i]! <= 0 ? x[i]! : b[i]!)
      if (b[i] === 1 && rowValid(args, i)) throw outOfRange('division by zero in based logarithm', 'the base of a logarithm must not be 1')
      out[i] = Math.log(x[i]!) / Math.log(b[i]!)
    }
    return new Vector(DOUBLE, count, out, null)
  }
  reg('log', [doubleFn(x => `Math.log10(${x})`, logDomain), { args: [DOUBLE, DOUBLE], returns: DOUBLE, invoke: logBase }],
    { description: 'log(x) is the base-10 logarithm; log(b, x) the base-b logarithm' })
  reg('power', [double2((x, y) => `Math.pow(${x}, ${y})`)], { aliases: ['pow'] })
  reg('pi', [{ args: [], returns: DOUBLE, invoke: (_a, count) => new Vector(DOUBLE, count, new Float64Array(count).fill(Math.PI), null), inline: () => 'Math.PI' }])
  reg('degrees', [doubleFn(x => `(${x} * (180 / Math.PI))`)])
  reg('radians', [doubleFn(x => `(${x} * (Math.PI / 180))`)])
  // the periodic functions have no value at ±infinity (DuckDB raises; NaN stays NaN)
  const infinite = { bad: (x: number) => x === Infinity || x === -Infinity, error: (x: number) => outOfRange(`input value ${x} is out of range for a trigonometric function`) }
  for (const f of ['sin', 'cos', 'tan', 'asin', 'acos', 'atan'] as const) {
    if (f === 'asin' || f === 'acos') {
      reg(f, [doubleFn(x => `Math.${f}(${x})`, { bad: x => x < -1 || x > 1, error: x => outOfRange(`${f} is undefined outside [-1,1], got ${x}`) })])
    } else if (f === 'atan') reg(f, [doubleFn(x => `Math.${f}(${x})`)])
    else reg(f, [doubleFn(x => `Math.${f}(${x})`, infinite)])
  }
  reg('cot', [doubleFn(x => `(1 / Math.tan(${x}))`, infinite)])
  reg('atan2', [double2((y, x) => `Math.atan2(${y}, ${x})`)])
  reg('isnan', [predicateOnDouble(x => `${x} !== ${x}`)])
  reg('isinf', [predicateOnDouble(x => `(${x} === Infinity || ${x} === -Infinity)`)])
  reg('isfinite', [predicateOnDouble(x => `Number.isFinite(${x})`)])
  reg('sign', [...INTEGER_TYPES, DOUBLE].map(t => ({ args: [t], returns: TINYINT, invoke: signKernel() })),
    { bind: argTypes => argTypes.length === 1 && argTypes[0]?.id === 'DECIMAL' ? { argTypes, returns: TINYINT, invoke: signKernel() } : undefined })
  reg('gcd', [{ args: [BIGINT, BIGINT], returns: BIGINT, invoke: gcdLcmKernel(false) }], { aliases: ['greatest_common_divisor'] })
  reg('lcm', [{ args: [BIGINT, BIGINT], returns: BIGINT, invoke: gcdLcmKernel(true) }], { aliases: ['least_common_multiple'] })
  reg('factorial', [{ args: [INTEGER], returns: HUGEINT, invoke: factorialKernel }])
  reg('even', [doubleFn(x => `(${x} >= 0 ? 2 * Math.ceil(${x} / 2) : 2 * Math.floor(${x} / 2))`)],
    { description: 'round away from zero to the next even number' })
  reg('bit_count', INTEGER_TYPES.map(t => ({ args: [t], returns: TINYINT, invoke: bitCountKernel(t) })))
  hooks.registerScalar({
    name: 'random', nulls: 'propagate', volatility: 'volatile', description: 'a random number in [0, 1)',
    overloads: [{ args: [], returns: DOUBLE, invoke: randomKernel }],
  })
  hooks.registerScalar({
    name: 'setseed', nulls: 'handle', volatility: 'volatile', description: 'seed random() with a number in [-1, 1]',
    overloads: [{ args: [DOUBLE], returns: { id: 'NULL' }, invoke: setseedKernel }],
  })
  registerRoundWithDigits(hooks)
  registerMoreMath(hooks)
}

/** Round half to even (banker's rounding) to `digits` decimals. */
export function roundEven(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x
  const m = Math.pow(10, digits)
  if (!Number.isFinite(m) || m === 0) return digits < 0 ? 0 : x
  const y = x * m
  const f = Math.floor(y), diff = y - f
  let r: number
  if (diff > 0.5) r = f + 1
  else if (diff < 0.5) r = f
  else r = f % 2 === 0 ? f : f + 1
  return r / m
}

/** ln Γ(x) by the Lanczos approximation of Numerical Recipes (3rd ed., g = 671/128), ~1e-15. */
const LANCZOS = [57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
  0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3,
  -0.210264441724104883e-3, 0.217439618115212643e-3, -0.164318106536763890e-3, 0.844182239838527433e-4,
  -0.261908384015814087e-4, 0.368991826595316234e-5]
export function lnGamma(x: number): number {
  // C's lgamma: both infinities give +inf
  if (x === Infinity || x === -Infinity) return Infinity
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x)
  let y = x
  let tmp = x + 5.24218750000000000
  tmp = (x + 0.5) * Math.log(tmp) - tmp
  let ser = 0.999999999999997092
  for (let j = 0; j < 14; j++) ser += LANCZOS[j]! / ++y
  return tmp + Math.log(2.5066282746310005 * ser / x)
}

export function gamma(x: number): number {
  if (x === Infinity) return Infinity
  if (x === -Infinity) return NaN
  if (Number.isInteger(x) && x > 0 && x < 171) {
    let r = 1
    for (let k = 2; k < x; k++) r *= k
    return r
  }
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x))
  return Math.exp(lnGamma(x))
}

function registerMoreMath(hooks: Hooks): void {
  const reg = (name: string, overloads: ScalarOverload[], aliases: string[] = []) =>
    hooks.registerScalar({ name, aliases, nulls: 'propagate', volatility: 'immutable', overloads })
  const gammaDomain = {
    bad: (x: number) => x === 0 || (x < 0 && Number.isInteger(x)),
    error: (x: number) => outOfRange(x === 0 ? 'cannot take gamma of zero' : 'cannot take gamma of a negative integer'),
  }
  reg('gamma', [doubleFn(x => `gammaFn(${x})`, gammaDomain, { gammaFn: gamma })])
  reg('lgamma', [doubleFn(x => `lnGammaFn(${x})`, gammaDomain, { lnGammaFn: lnGamma })])
  reg('signbit', [DOUBLE, REAL].map(t => ({
    args: [t], returns: BOOLEAN,
    invoke: compileMapKernel(BOOLEAN, 1, ([x]) => `(${x} < 0 || Object.is(${x}, -0)) ? 1 : 0`),
    inline: ([x]: readonly string[]) => `(${x} < 0 || Object.is(${x}, -0))`,
  })))
  const nextAfter = (x: number, y: number): number => {
    if (Number.isNaN(x) || Number.isNaN(y)) return NaN
    if (x === y) return y
    if (x === 0) return y > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE
    const buf = new DataView(new ArrayBuffer(8))
    buf.setFloat64(0, x)
    let bits = buf.getBigInt64(0)
    bits += (y > x) === (x > 0) ? 1n : -1n
    buf.setBigInt64(0, bits)
    return buf.getFloat64(0)
  }
  const nextAfterF32 = (x: number, y: number): number => {
    if (Number.isNaN(x) || Number.isNaN(y)) return NaN
    if (x === y) return y
    const buf = new DataView(new ArrayBuffer(4))
    if (x === 0) { buf.setInt32(0, 1); const t = buf.getFloat32(0); return y > 0 ? t : -t }
    buf.setFloat32(0, x)
    buf.setInt32(0, buf.getInt32(0) + ((y > x) === (x > 0) ? 1 : -1))
    return buf.getFloat32(0)
  }
  reg('nextafter', [
    { args: [DOUBLE, DOUBLE], returns: DOUBLE, invoke: compileMapKernel(DOUBLE, 2, ([x, y]) => `f(${x}, ${y})`, { f: nextAfter }) },
    { args: [REAL, REAL], returns: REAL, invoke: compileMapKernel(REAL, 2, ([x, y]) => `f(${x}, ${y})`, { f: nextAfterF32 }) },
  ])
  const evenKernel = (withDigits: boolean): ScalarKernel => (args, count) => {
    const a = args[0]!.data as Float64Array, d = withDigits ? args[1]!.data as Int32Array : null
    const out = new Float64Array(count)
    for (let i = 0; i < count; i++) out[i] = roundEven(a[i]!, d === null ? 0 : d[i]!)
    return new Vector(DOUBLE, count, out, null)
  }
  reg('round_even', [
    { args: [DOUBLE], returns: DOUBLE, invoke: evenKernel(false) },
    { args: [DOUBLE, INTEGER], returns: DOUBLE, invoke: evenKernel(true) },
  ], ['roundbankers'])
  // floored division and the matching modulo (sign of the divisor); NULL on zero without IEEE ops
  const flooredKernel = (mod: boolean): ScalarKernel => (args, count, ctx) => {
    const a = args[0]!.data as Float64Array, b = args[1]!.data as Float64Array
    const out = new Float64Array(count)
    const ieee = ieeeOps(ctx)
    let valid: Uint8Array | null = null
    for (let i = 0; i < count; i++) {
      const x = a[i]!, y = b[i]!
      if (y === 0 && !ieee) { valid ??= new Uint8Array(count).fill(1); valid[i] = 0; continue }
      const q = Math.floor(x / y)
      out[i] = mod ? x - y * q : q
    }
    return new Vector(DOUBLE, count, out, valid === null ? null : compactValidity(mergeValidityInto(valid, args, count), count))
  }
  reg('fdiv', [{ args: [DOUBLE, DOUBLE], returns: DOUBLE, invoke: flooredKernel(false) }])
  reg('fmod', [{ args: [DOUBLE, DOUBLE], returns: DOUBLE, invoke: flooredKernel(true) }])
  // add(a, b) and friends are the operators under function names
  for (const [name, op] of [['add', '+'], ['subtract', '-'], ['multiply', '*'], ['divide', '//']] as const) {
    for (const def of hooks.scalar(op) ?? []) hooks.registerScalar({ ...def, name, aliases: [] })
  }
}

/**
 * round(DECIMAL, digits): the result scale depends on the digits, which DuckDB requires to be
 * a constant. The binder only passes types, so this overload keeps the input scale and rounds
 * to the requested digits (the value is right; the scale may show trailing zeros).
 */
function registerRoundWithDigits(hooks: Hooks): void {
  hooks.registerScalar({
    name: 'round', nulls: 'propagate', volatility: 'immutable',
    bind: argTypes => {
      const t = argTypes[0]
      if (argTypes.length !== 2 || t?.id !== 'DECIMAL' || !isIntegerish(argTypes[1]!)) return undefined
      const invoke: ScalarKernel = (args, count) => {
        const x = args[0]!, d = args[1]!.data as Int32Array
        const out = new Array<bigint>(count)
        for (let i = 0; i < count; i++) {
          const digits = d[i]!
          const drop = t.scale - digits
          const v = scaledBig(x, i)
          out[i] = drop <= 0 ? v : drop >= POW10_BIG.length ? 0n : shiftDown(v, drop, 'round') * POW10_BIG[drop]!
        }
        const valid = compactValidity(mergeValidity(args, count), count)
        if (physicalOf(t) === 'f64') return new Vector(t, count, Float64Array.from(out, Number), valid)
        return new Vector(t, count, out, valid)
      }
      return { argTypes: [t, INTEGER], returns: t, invoke }
    },
  })
}

function mergeValidityInto(valid: Uint8Array, args: readonly Vector[], count: number): Uint8Array {
  const m = mergeValidity(args, count)
  if (m !== null) for (let i = 0; i < count; i++) valid[i] = valid[i]! & m[i]!
  return valid
}

function isIntegerish(t: LogicalType): boolean {
  return t.id === 'TINYINT' || t.id === 'SMALLINT' || t.id === 'INTEGER' || t.id === 'BIGINT' || t.id === 'NULL'
}

export { POW10 }
