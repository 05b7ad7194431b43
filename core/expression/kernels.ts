/**
 * Whole-vector steps shared by the compiler and the interpreter: scalar kernel calls with NULL
 * propagation, casts, parameters and subqueries. Both paths go through these, so they agree
 * on semantics by construction where it matters most (errors, NULLs).
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { BoundScalar, FunctionContext } from '../hooks/contracts.ts'
import type { ColumnId, ParameterExpr, SubqueryBoundExpr } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import { type LogicalType, type Value, typeEquals, typeToString } from '../types/types.ts'
import { type DataChunk, Vector, nullVector } from '../vector/vector.ts'
import { castVector } from '../functions/cast.ts'
import { normalizeValue } from './runtime.ts'
import type { ExprEnv, Layout } from './env.ts'

/** Calls a scalar kernel on `count` rows; with nulls 'propagate', argument NULLs become result NULLs. */
export function invokeScalar(fn: BoundScalar, args: readonly Vector[], count: number, env: ExprEnv): Vector {
  const result = checkedCall(fn, count, () => fn.invoke(args, count, env.fnCtx))
  if (fn.nulls === 'handle') return result
  return withMergedValidity(result, args, count)
}

/**
 * `fn.start` (a kernel that runs a chunk ahead) with invokeScalar's checks on both halves: its
 * errors become engine errors and the result must have `count` rows. Only for nulls 'handle'.
 */
export function startScalar(fn: BoundScalar, args: readonly Vector[], count: number, fnCtx: FunctionContext): () => Vector {
  let finish: () => Vector
  try {
    finish = fn.start!(args, count, fnCtx)
  } catch (e) {
    throw asEngineError(e, `function ${fn.name}`)
  }
  return () => checkedCall(fn, count, finish)
}

/** `call`'s result: its errors as engine errors, and `count` rows or an internal error */
function checkedCall(fn: BoundScalar, count: number, call: () => Vector): Vector {
  let result: Vector
  try {
    result = call()
  } catch (e) {
    throw asEngineError(e, `function ${fn.name}`)
  }
  if (result.length !== count) throw new InternalError(`function ${fn.name} returned ${result.length} rows for ${count}`)
  return result
}

/** A view of `result` whose validity also has a 0 wherever one of `args` is NULL. */
export function withMergedValidity(result: Vector, args: readonly Vector[], count: number): Vector {
  let merged: Uint8Array | null = null
  for (const a of args) {
    const v = a.validity
    if (v === null) continue
    if (merged === null) {
      merged = new Uint8Array(count)
      const own = result.validity
      if (own === null) merged.fill(1)
      else merged.set(own.subarray(0, count))
    }
    for (let i = 0; i < count; i++) merged[i]! &= v[i]!
  }
  if (merged === null) return result
  return new Vector(result.type, result.length, result.data, merged, result.offsets, result.children)
}

/** Casts `input` to `target`; try = TRY_CAST (failures become NULL). */
export function castVectorVia(input: Vector, target: LogicalType, tryCast: boolean, env: ExprEnv): Vector {
  if (typeEquals(input.type, target)) return input
  if (input.type.id === 'NULL') return nullVector(target, input.length)
  // an extension may register its own cast for a pair; otherwise the built-in conversions
  const def = env.hooks.cast(input.type.id, target.id)
  try {
    const out = def !== undefined ? def.invoke(input, target, tryCast, env.fnCtx) : castVector(input, target, tryCast, env.fnCtx)
    if (out.length !== input.length) throw new InternalError(`cast to ${typeToString(target)} changed the row count`)
    return out
  } catch (e) {
    throw asEngineError(e, `cast to ${typeToString(target)}`)
  }
}

/** The value of $index in internal form of `type`. */
export function parameterValue(e: ParameterExpr, env: ExprEnv): Value { return parameterOf(e, env.params) }

/** The value of $index among `params`, in internal form of `type`. */
export function parameterOf(e: ParameterExpr, params: readonly Value[]): Value {
  if (e.index < 1 || e.index > params.length) {
    throw new GrizzlyError(SqlState.invalidParameter,
      `no value given for parameter $${e.index} (${params.length} given)`,
      { hint: 'pass one value per $n placeholder' })
  }
  return normalizeValue(params[e.index - 1] ?? null, e.type)
}

/**
 * Hands a subquery to the executor with the outer columns it reads: its correlated columns,
 * and for ANY/ALL the columns of its left operand.
 */
export function evaluateSubqueryExpr(e: SubqueryBoundExpr, chunk: DataChunk, layout: Layout, env: ExprEnv): Vector {
  const outer = new Map<ColumnId, Vector>()
  for (const id of subqueryOuterColumns(e)) outer.set(id, columnOf(chunk, layout, id))
  const out = env.evaluateSubquery(e, outer, chunk.size)
  if (out.length !== chunk.size) throw new InternalError(`subquery produced ${out.length} rows for ${chunk.size}`)
  return out
}

export function subqueryOuterColumns(e: SubqueryBoundExpr): Set<ColumnId> {
  const ids = new Set<ColumnId>()
  for (const c of e.correlated) ids.add(c.id)
  if (e.left !== null) referencedColumns(e.left, ids)
  return ids
}

export function columnOf(chunk: DataChunk, layout: Layout, id: ColumnId): Vector {
  const index = layout.get(id)
  if (index === undefined) throw new InternalError(`column #${id} is not in the input of this expression`)
  return chunk.column(index)
}

/** Kernels may throw anything; users only ever see GrizzlyErrors. */
export function asEngineError(e: unknown, where: string): GrizzlyError {
  if (e instanceof GrizzlyError) return e
  if (e instanceof RangeError && /Invalid array length|allocation failed/i.test(e.message)) {
    return new GrizzlyError(SqlState.programLimitExceeded, `${where}: out of memory (${e.message})`)
  }
  return new InternalError(`${where} failed: ${e instanceof Error ? e.message : String(e)}`, e)
}
