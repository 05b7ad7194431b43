/**
 * Shared pieces for built-in kernels: validity merging, scaled DECIMAL reads, text rendering of
 * any argument, generated typed-array loops and the uniform overflow / domain errors.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import { type LogicalType, type PhysicalType, physicalOf, typeToString } from '../types/types.ts'
import { Vector, getValue } from '../vector/vector.ts'
import type { ScalarKernel } from '../hooks/contracts.ts'
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

export const POW10_BIG: readonly bigint[] = Array.from({ length: 40 }, (_, k) => 10n ** BigInt(k))
export const POW10: readonly number[] = Array.from({ length: 40 }, (_, k) => 10 ** k)

/** Scaled-integer element of a DECIMAL (or integer) vector as a bigint; 0n for NULL rows. */
export function scaledBig(v: Vector, i: number): bigint {
  if (v.validity !== null && v.validity[i] === 0) return 0n
  const x = (v.data as ArrayLike<number | bigint>)[i]!
  return typeof x === 'bigint' ? x : BigInt(Math.round(x))
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

/** Reads row i of any vector as its SQL text (VARCHAR rows as they are). */
export function textReader(v: Vector): (i: number) => string {
  if (v.physical === 'str') { const d = v.data as string[]; return i => d[i]! }
  return i => { const x = getValue(v, i); return x === null ? '' : formatValue(v.type, x) }
}
