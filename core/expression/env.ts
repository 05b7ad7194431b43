/**
 * What compiled expressions need from their surroundings. Kept apart from index.ts so the
 * compiler's own modules can import the types without a cycle.
 */
import type { FunctionContext } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ColumnId, SubqueryBoundExpr } from '../plan/expr.ts'
import type { Value } from '../types/types.ts'
import type { DataChunk, Vector } from '../vector/vector.ts'

export interface ExprEnv {
  readonly fnCtx: FunctionContext
  /** $1.. in internal form */
  readonly params: readonly Value[]
  readonly hooks: Hooks
  /**
   * provided by the executor: evaluates a subquery expression for `count` rows, given the
   * vectors of the outer columns it reads (its `correlated` columns and, for ANY/ALL, the
   * columns its `left` operand references)
   */
  evaluateSubquery(expr: SubqueryBoundExpr, outer: ReadonlyMap<ColumnId, Vector>, count: number): Vector
}

/** column id → index of the column in the input chunk */
export type Layout = ReadonlyMap<ColumnId, number>

export type CompiledExpression = (chunk: DataChunk) => Vector

export type CompiledPredicate = (chunk: DataChunk) => { sel: Int32Array; count: number }
