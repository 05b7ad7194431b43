/**
 * Generated element-wise loops for the fixed-width numeric types. Each (operator, type) pair
 * gets its own compiled function so every loop stays monomorphic; overflow is detected in the
 * loop with a cheap flag and only then located (so garbage in NULL rows never raises).
 */
import { InternalError } from '../errors.ts'
import {
  BIGINT_MAX, BIGINT_MIN, INTEGER_RANGE, type LogicalType, physicalOf,
} from '../types/types.ts'
import { Vector } from '../vector/vector.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
import { arrayCtorName, mergeValidity, overflowError, rowValid, compactValidity } from './kernel-util.ts'

export type IntTypeId = 'TINYINT' | 'SMALLINT' | 'INTEGER' | 'BIGINT'
export type NumTypeId = IntTypeId | 'REAL' | 'DOUBLE'

const OP_NAMES: Readonly<Record<string, string>> = {
  '+': 'addition', '-': 'subtraction', '*': 'multiplication', '//': 'division', '%': 'modulo',
  '<<': 'left shift', '>>': 'right shift',
}

export function rangeOf(t: IntTypeId): readonly [number, number] | readonly [bigint, bigint] {
  return t === 'BIGINT' ? [BIGINT_MIN, BIGINT_MAX] : INTEGER_RANGE[t]
}

function build(src: string, returns: LogicalType, helpers: Record<string, unknown>): ScalarKernel {
  const names = Object.keys(helpers)
  const make = new Function('Vector', 'returns', ...names, `return function kernel(args, count, ctx) {\n${src}\n}`)
  return make(Vector, returns, ...names.map(n => helpers[n])) as ScalarKernel
}

/** Throws for the first valid row whose exact result leaves the type's range. */
function locateOverflow(op: string, type: LogicalType, exact: (a: number | bigint, b: number | bigint) => number | bigint) {
  const id = type.id as IntTypeId
  const [lo, hi] = rangeOf(id)
  return (args: readonly Vector[], count: number): void => {
    const a = args[0]!.data as ArrayLike<number | bigint>
    const b = args[1]!.data as ArrayLike<number | bigint>
    for (let i = 0; i < count; i++) {
      if (!rowValid(args, i)) continue
      const r = exact(a[i]!, b[i]!)
      if (r < lo || r > hi) throw overflowError(OP_NAMES[op] ?? op, type, `${a[i]} ${op} ${b[i]}`)
    }
  }
}

/** +, -, * on an integer type, with overflow errors as DuckDB raises them. */
export function checkedIntKernel(op: '+' | '-' | '*', type: LogicalType): ScalarKernel {
  const id = type.id as IntTypeId
  const ctor = arrayCtorName(physicalOf(type))
  if (id === 'BIGINT') {
    const exact = (a: number | bigint, b: number | bigint): bigint =>
      op === '+' ? (a as bigint) + (b as bigint) : op === '-' ? (a as bigint) - (b as bigint) : (a as bigint) * (b as bigint)
    return build(`
      const a = args[0].data, b = args[1].data, out = new BigInt64Array(count);
      let bad = false;
      for (let i = 0; i < count; i++) { const r = a[i] ${op} b[i]; if (r > MAX || r < MIN) bad = true; out[i] = BigInt.asIntN(64, r); }
      if (bad) locate(args, count);
      return new Vector(returns, count, out, null);`, type,
    { MAX: BIGINT_MAX, MIN: BIGINT_MIN, locate: locateOverflow(op, type, exact) })
  }
  const [lo, hi] = INTEGER_RANGE[id]
  // products of two 32-bit values may round in doubles, but only when far outside the range
  const exact = (a: number | bigint, b: number | bigint): number =>
    op === '+' ? (a as number) + (b as number) : op === '-' ? (a as number) - (b as number) : (a as number) * (b as number)
  return build(`
    const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    let bad = false;
    for (let i = 0; i < count; i++) { const r = a[i] ${op} b[i]; if (r > ${hi} || r < ${lo}) bad = true; out[i] = r; }
    if (bad) locate(args, count);
    return new Vector(returns, count, out, null);`, type,
  { locate: locateOverflow(op, type, exact) })
}

/** Plain float arithmetic (+, -, *, /): IEEE results, no errors. */
export function floatKernel(op: '+' | '-' | '*' | '/', type: LogicalType): ScalarKernel {
  const ctor = arrayCtorName(physicalOf(type))
  return build(`
    const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    for (let i = 0; i < count; i++) out[i] = a[i] ${op} b[i];
    return new Vector(returns, count, out, null);`, type, {})
}

/**
 * Integer division (truncating) and modulo: a zero divisor gives NULL (DuckDB), and
 * MIN // -1 overflows. Sets validity itself, merging the arguments' NULLs.
 */
export function intDivModKernel(op: '//' | '%', type: LogicalType): ScalarKernel {
  const id = type.id as IntTypeId
  const ctor = arrayCtorName(physicalOf(type))
  const zero = id === 'BIGINT' ? '0n' : '0'
  const expr = id === 'BIGINT' ? (op === '//' ? 'x / y' : 'x % y') : (op === '//' ? 'Math.trunc(x / y)' : 'x % y')
  const [lo] = rangeOf(id)
  const minusOne = id === 'BIGINT' ? '-1n' : '-1'
  const minLit = id === 'BIGINT' ? `${lo}n` : `${lo}`
  return build(`
    const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    let valid = merge(args, count);
    for (let i = 0; i < count; i++) {
      const x = a[i], y = b[i];
      if (y === ${zero}) { if (valid === null) { valid = new Uint8Array(count).fill(1); } valid[i] = 0; continue; }
      ${op === '//' ? `if (y === ${minusOne} && x === ${minLit} && (valid === null || valid[i] === 1)) throw overflow(x);` : ''}
      out[i] = ${op === '%' && id !== 'BIGINT' ? '(x % y) + 0' : expr};
    }
    return new Vector(returns, count, out, compact(valid, count));`, type, {
    merge: mergeValidity, compact: compactValidity,
    overflow: (x: number | bigint) => overflowError('division', type, `${x} // -1`),
  })
}

/** True unless `SET ieee_floating_point_ops = false` asked for NULL on a zero divisor. */
export function ieeeOps(ctx: { setting(name: string): unknown } | undefined): boolean {
  if (ctx === undefined) return true
  try { return ctx.setting('ieee_floating_point_ops') !== false } catch { return true }
}

/**
 * Float `/` and `%`: IEEE results (inf, NaN) by default; NULL for a zero divisor when
 * ieee_floating_point_ops is off (DuckDB).
 */
export function floatIeeeKernel(op: '/' | '%', type: LogicalType): ScalarKernel {
  const ctor = arrayCtorName(physicalOf(type))
  return build(`
    const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    if (ieee(ctx)) {
      for (let i = 0; i < count; i++) out[i] = a[i] ${op} b[i];
      return new Vector(returns, count, out, null);
    }
    let valid = merge(args, count);
    for (let i = 0; i < count; i++) {
      const y = b[i];
      if (y === 0) { if (valid === null) valid = new Uint8Array(count).fill(1); valid[i] = 0; continue; }
      out[i] = a[i] ${op} y;
    }
    return new Vector(returns, count, out, compact(valid, count));`, type, { ieee: ieeeOps, merge: mergeValidity, compact: compactValidity })
}

/** Float `//`: true division that is NULL on a zero divisor (DuckDB). */
export function floatDivModKernel(op: '//', type: LogicalType): ScalarKernel {
  const ctor = arrayCtorName(physicalOf(type))
  return build(`
    const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    let valid = merge(args, count);
    for (let i = 0; i < count; i++) {
      const y = b[i];
      if (y === 0) { if (valid === null) valid = new Uint8Array(count).fill(1); valid[i] = 0; continue; }
      out[i] = a[i] / y;
    }
    return new Vector(returns, count, out, compact(valid, count));`, type, { merge: mergeValidity, compact: compactValidity })
}

/** Unary minus; integer MIN overflows. */
export function negateKernel(type: LogicalType): ScalarKernel {
  const p = physicalOf(type)
  const ctor = arrayCtorName(p)
  if (type.id === 'REAL' || type.id === 'DOUBLE') {
    return build(`const a = args[0].data, out = new ${ctor}(count);
      for (let i = 0; i < count; i++) out[i] = -a[i];
      return new Vector(returns, count, out, null);`, type, {})
  }
  const [lo] = rangeOf(type.id as IntTypeId)
  const minLit = type.id === 'BIGINT' ? `${lo}n` : `${lo}`
  return build(`const a = args[0].data, out = new ${ctor}(count);
    let bad = false;
    for (let i = 0; i < count; i++) { const x = a[i]; if (x === ${minLit}) bad = true; out[i] = -x; }
    if (bad) for (let i = 0; i < count; i++) if (a[i] === ${minLit} && valid(args, i)) throw overflow();
    return new Vector(returns, count, out, null);`, type, {
    valid: rowValid,
    overflow: () => overflowError('negation', type, `-(${lo})`),
  })
}

/** &, |, xor on integers (no overflow possible). */
export function bitwiseKernel(op: '&' | '|' | '^', type: LogicalType): ScalarKernel {
  const ctor = arrayCtorName(physicalOf(type))
  return build(`const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    for (let i = 0; i < count; i++) out[i] = a[i] ${op} b[i];
    return new Vector(returns, count, out, null);`, type, {})
}

export function bitNotKernel(type: LogicalType): ScalarKernel {
  const ctor = arrayCtorName(physicalOf(type))
  return build(`const a = args[0].data, out = new ${ctor}(count);
    for (let i = 0; i < count; i++) out[i] = ~a[i];
    return new Vector(returns, count, out, null);`, type, {})
}

const BITS: Readonly<Record<IntTypeId, number>> = { TINYINT: 8, SMALLINT: 16, INTEGER: 32, BIGINT: 64 }

/** << and >>: shift counts outside [0, bits) are errors for <<, give 0 (or -1) for >>. */
export function shiftKernel(op: '<<' | '>>', type: LogicalType): ScalarKernel {
  const id = type.id as IntTypeId
  const bits = BITS[id]
  const [lo, hi] = rangeOf(id)
  if (id === 'BIGINT') {
    return (args, count) => {
      const a = args[0]!.data as BigInt64Array, b = args[1]!.data as BigInt64Array
      const out = new BigInt64Array(count)
      for (let i = 0; i < count; i++) {
        if (!rowValid(args, i)) continue
        const x = a[i]!, s = b[i]!
        if (s < 0n || s >= 64n) {
          if (op === '<<') throw overflowError('left shift', type, `${x} << ${s}`)
          out[i] = x < 0n ? -1n : 0n
          continue
        }
        const r = op === '<<' ? x << s : x >> s
        if (r > BIGINT_MAX || r < BIGINT_MIN) throw overflowError('left shift', type, `${x} << ${s}`)
        out[i] = r
      }
      return new Vector(type, count, out, null)
    }
  }
  const ctor = arrayCtorName(physicalOf(type))
  return build(`const a = args[0].data, b = args[1].data, out = new ${ctor}(count);
    for (let i = 0; i < count; i++) {
      const x = a[i], s = b[i];
      if (s < 0 || s >= ${bits}) {
        ${op === '<<' ? 'if (valid(args, i)) throw overflow(x, s); continue;' : 'out[i] = x < 0 ? -1 : 0; continue;'}
      }
      ${op === '<<'
    ? `const r = x * Math.pow(2, s); if ((r > ${hi} || r < ${lo}) && valid(args, i)) throw overflow(x, s); out[i] = r;`
    : 'out[i] = x >> s;'}
    }
    return new Vector(returns, count, out, null);`, type, {
    valid: rowValid,
    overflow: (x: number, s: number) => overflowError('left shift', type, `${x} << ${s}`),
  })
}

export function identityKernel(): ScalarKernel {
  return args => {
    const v = args[0]
    if (v === undefined) throw new InternalError('identity kernel called without an argument')
    return v
  }
}
