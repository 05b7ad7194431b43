/**
 * Shared pieces for built-in kernels: validity merging, reading numeric vectors of any physical
 * layout, generated typed-array loops and the uniform overflow / domain errors.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import {
  type DecimalType, type LogicalType, type PhysicalType, type Value, DECIMAL_MAX_WIDTH, physicalOf, typeToString,
} from '../types/types.ts'
import { Vector, allocData, getValue } from '../vector/vector.ts'
import type { FunctionContext, ScalarKernel } from '../hooks/contracts.ts'
import { formatValue } from '../types/format.ts'

/** AND of the validity masks of `vectors` (null = all valid). */
export function mergeValidity(vectors: readonly Vector[], count: number): Uint8Array | null {
  let out: Uint8Array | null = null
  for (const v of vectors) {
    const m = v.validity
    if (m === null) continue
    if (out === null) { out = new Uint8Array(count); out.set(m.subarray(0, count)) }
    else for (let i = 0; i < count; i++) out[i] = out[i]! & m[i]!
  }
  return out
}

/** true when row i of every vector is valid */
export function rowValid(vectors: readonly Vector[], i: number): boolean {
  for (const v of vectors) if (v.validity !== null && v.validity[i] === 0) return false
  return true
}

/** Drops an all-ones mask so consumers can take the no-NULL fast path. */
export function compactValidity(mask: Uint8Array | null, count: number): Uint8Array | null {
  if (mask === null) return null
  for (let i = 0; i < count; i++) if (mask[i] === 0) return mask
  return null
}

export function arg(args: readonly Vector[], i: number): Vector {
  const v = args[i]
  if (v === undefined) throw new InternalError(`kernel called without argument ${i + 1}`)
  return v
}

/** Typed-array constructor name of a fixed-width physical type, for generated code. */
export function arrayCtorName(p: PhysicalType): string {
  switch (p) {
    case 'u8': return 'Uint8Array'
    case 'i8': return 'Int8Array'
    case 'i16': return 'Int16Array'
    case 'i32': case 'date': return 'Int32Array'
    case 'i64': return 'BigInt64Array'
    case 'f32': return 'Float32Array'
    case 'f64': return 'Float64Array'
    default: throw new InternalError(`no typed array for physical type ${p}`)
  }
}

/** SQL name used in overflow messages, e.g. "Overflow in addition of INTEGER (1 + 2)". */
export function overflowError(opName: string, type: LogicalType, detail: string): GrizzlyError {
  return new GrizzlyError(SqlState.numericOutOfRange, `Overflow in ${opName} of ${typeToString(type)} (${detail})`,
    { hint: 'cast the operands to a wider type, e.g. BIGINT, DECIMAL or DOUBLE' })
}

export function outOfRange(message: string, hint?: string): GrizzlyError {
  return new GrizzlyError(SqlState.numericOutOfRange, message, { hint })
}

export function invalidParameter(message: string, hint?: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, message, { hint })
}

/**
 * Compiles an element-wise loop over `count` rows. `body(a, b, …)` is a JS expression over the
 * per-row argument expressions; names of helpers passed in `helpers` are in scope. Only code from
 * this module goes into the source text; values reach it as arguments.
 */
export function compileMapKernel(
  returns: LogicalType, arity: number, body: (args: readonly string[]) => string,
  helpers: Readonly<Record<string, unknown>> = {},
): ScalarKernel {
  const outCtor = arrayCtorName(physicalOf(returns))
  const names = Array.from({ length: arity }, (_, k) => `a${k}`)
  const elems = names.map(n => `${n}[i]`)
  const src = [
    ...names.map((n, k) => `const ${n} = args[${k}].data;`),
    `const out = new ${outCtor}(count);`,
    `for (let i = 0; i < count; i++) out[i] = ${body(elems)};`,
    'return new Vector(returns, count, out, null);',
  ].join('\n')
  const helperNames = Object.keys(helpers)
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('Vector', 'returns', ...helperNames, `return function kernel(args, count, ctx) {\n${src}\n}`)
  return make(Vector, returns, ...helperNames.map(h => helpers[h])) as ScalarKernel
}

/** Reads a numeric-ish element as a JS number, whatever the physical layout. */
export function numberAt(v: Vector, i: number): number {
  const d = v.data as ArrayLike<number | bigint>
  const x = d[i]
  return typeof x === 'bigint' ? Number(x) : (x as number)
}

/** Scale of a DECIMAL type, 0 for other types. */
export function scaleOf(t: LogicalType): number { return t.id === 'DECIMAL' ? t.scale : 0 }

export const POW10_BIG: readonly bigint[] = Array.from({ length: 40 }, (_, k) => 10n ** BigInt(k))
export const POW10: readonly number[] = Array.from({ length: 40 }, (_, k) => 10 ** k)

/** Scaled-integer element of a DECIMAL (or integer) vector as a bigint; 0n for NULL rows. */
export function scaledBig(v: Vector, i: number): bigint {
  if (v.validity !== null && v.validity[i] === 0) return 0n
  const x = (v.data as ArrayLike<number | bigint>)[i]!
  return typeof x === 'bigint' ? x : BigInt(Math.round(x))
}

/** Writes scaled-integer bigints into a fresh vector of DECIMAL type `t` (either layout). */
export function decimalVectorFromBig(t: DecimalType, values: readonly bigint[], validity: Uint8Array | null): Vector {
  const n = values.length
  if (physicalOf(t) === 'f64') {
    const out = new Float64Array(n)
    for (let i = 0; i < n; i++) out[i] = Number(values[i]!)
    return new Vector(t, n, out, validity)
  }
  return new Vector(t, n, values.slice(), validity)
}

/** Throws 22003 when |x| does not fit DECIMAL(width). */
export function checkDecimalFits(x: bigint, width: number, what: string): void {
  const limit = POW10_BIG[Math.min(width, DECIMAL_MAX_WIDTH)]!
  if (x >= limit || x <= -limit) {
    throw outOfRange(`Overflow in ${what}: value does not fit DECIMAL(${width})`, 'cast to DOUBLE or a wider DECIMAL')
  }
}

/** An empty vector of `type` with `count` zeroed rows, to be filled in by a kernel. */
export function blankVector(type: LogicalType, count: number, validity: Uint8Array | null = null): Vector {
  return new Vector(type, count, allocData(physicalOf(type), count), validity)
}

/** All rows of v hold the same (valid) value — lets kernels precompile a pattern once. */
export function isUniform(v: Vector, count: number): boolean {
  if (count === 0) return true
  if (v.validity !== null) {
    for (let i = 0; i < count; i++) if (v.validity[i] === 0) return false
  }
  const d = v.data as ArrayLike<unknown> | null
  if (d === null) return false
  const first = d[0]
  for (let i = 1; i < count; i++) if (d[i] !== first) return false
  return true
}

/** Boxed value of row i, typed as a string-returning read for VARCHAR vectors. */
export function strings(v: Vector): string[] { return v.data as string[] }

export type { FunctionContext, Value }
export { getValue }

/** Reads row i of any vector as its SQL text (VARCHAR rows as they are). */
export function textReader(v: Vector): (i: number) => string {
  if (v.physical === 'str') { const d = v.data as string[]; return i => d[i]! }
  return i => { const x = getValue(v, i); return x === null ? '' : formatValue(v.type, x) }
}
