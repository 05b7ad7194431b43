/**
 * Bound expressions: typed, name-resolved expressions produced by the binder and consumed by
 * the optimizer and the expression compiler. Columns are referenced by ColumnId — a number
 * unique within one statement that a plan node defines in its `output` (DuckDB's ColumnBinding)
 * — so rules can move expressions between nodes without renumbering.
 */
import type { LogicalType, Value } from '../types/types.ts'
import type { BoundAggregate, BoundScalar, BoundWindow } from '../hooks/contracts.ts'
import type { LogicalPlan } from './logical.ts'

export type ColumnId = number

export interface OutputColumn {
  readonly id: ColumnId
  readonly name: string
  readonly type: LogicalType
}

export type BoundExpr =
  | ColumnRefExpr
  | ConstantExpr
  | ParameterExpr
  | CallExpr
  | CastBoundExpr
  | CompareExpr
  | AndExpr
  | OrExpr
  | NotExpr
  | IsNullBoundExpr
  | CaseBoundExpr
  | InListBoundExpr
  | SubqueryBoundExpr

export interface ColumnRefExpr { readonly kind: 'colref'; readonly id: ColumnId; readonly type: LogicalType; readonly name: string }
/** value is in internal form (see Value in types.ts) */
export interface ConstantExpr { readonly kind: 'const'; readonly value: Value; readonly type: LogicalType }
/** $index (1-based); its value arrives at execution time, cast to `type` */
export interface ParameterExpr { readonly kind: 'param'; readonly index: number; readonly type: LogicalType }
/** scalar function or operator (+, -, ||, …) call; args already cast to fn.argTypes */
export interface CallExpr { readonly kind: 'call'; readonly fn: BoundScalar; readonly args: readonly BoundExpr[]; readonly type: LogicalType }
export interface CastBoundExpr { readonly kind: 'cast'; readonly expr: BoundExpr; readonly type: LogicalType; readonly try: boolean }
/** comparison of two values of the same type; 'distinct'/'not_distinct' are IS [NOT] DISTINCT FROM (never NULL) */
export interface CompareExpr {
  readonly kind: 'compare'
  readonly op: CompareOp
  readonly left: BoundExpr
  readonly right: BoundExpr
  readonly type: LogicalType
}
export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'distinct' | 'not_distinct'
/** three-valued AND / OR over any number of BOOLEAN arguments */
export interface AndExpr { readonly kind: 'and'; readonly args: readonly BoundExpr[]; readonly type: LogicalType }
export interface OrExpr { readonly kind: 'or'; readonly args: readonly BoundExpr[]; readonly type: LogicalType }
export interface NotExpr { readonly kind: 'not'; readonly arg: BoundExpr; readonly type: LogicalType }
export interface IsNullBoundExpr { readonly kind: 'is_null'; readonly arg: BoundExpr; readonly not: boolean; readonly type: LogicalType }
/** searched CASE; simple CASE is rewritten to this by the binder */
export interface CaseBoundExpr {
  readonly kind: 'case'
  readonly whens: readonly { readonly when: BoundExpr; readonly then: BoundExpr }[]
  readonly else: BoundExpr
  readonly type: LogicalType
}
/** x [NOT] IN (list); all of one type, NULL semantics as SQL */
export interface InListBoundExpr { readonly kind: 'in_list'; readonly arg: BoundExpr; readonly list: readonly BoundExpr[]; readonly not: boolean; readonly type: LogicalType }

/**
 * A subquery in an expression. `plan` may reference columns of enclosing queries (ColumnIds
 * not defined inside it): those are listed in `correlated`. The optimizer rewrites these into
 * joins where it can; the executor evaluates the rest directly (once if uncorrelated, per
 * distinct outer values if correlated).
 * - scalar: plan has one output column; more than one row is error 21000.
 * - exists: TRUE iff plan yields a row.
 * - in / any / all: `left op plan-column` with SQL NULL semantics; `in` is `= any`.
 */
export interface SubqueryBoundExpr {
  readonly kind: 'subquery'
  readonly subqueryKind: 'scalar' | 'exists' | 'any' | 'all'
  readonly plan: LogicalPlan
  readonly correlated: readonly ColumnRefExpr[]
  /** for any/all */
  readonly left: BoundExpr | null
  readonly op: CompareOp | null
  readonly type: LogicalType
}

/** An aggregate call in an Aggregate node. */
export interface BoundAggregateCall {
  readonly fn: BoundAggregate
  readonly args: readonly BoundExpr[]
  readonly distinct: boolean
  readonly filter: BoundExpr | null
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY y)) */
  readonly orderBy: readonly SortKey[]
  readonly type: LogicalType
}

export interface SortKey {
  readonly expr: BoundExpr
  readonly descending: boolean
  /** resolved: true = NULLs sort first */
  readonly nullsFirst: boolean
}

export type BoundFrameBound =
  | { readonly kind: 'unbounded_preceding' }
  | { readonly kind: 'preceding'; readonly offset: BoundExpr }
  | { readonly kind: 'current_row' }
  | { readonly kind: 'following'; readonly offset: BoundExpr }
  | { readonly kind: 'unbounded_following' }

export interface BoundFrame {
  readonly units: 'rows' | 'range' | 'groups'
  readonly start: BoundFrameBound
  readonly end: BoundFrameBound
  readonly exclude: 'no_others' | 'current_row' | 'group' | 'ties'
}

/** One window function computation in a Window node. */
export interface BoundWindowCall {
  /** either a window function or an aggregate used over a frame */
  readonly fn: { readonly kind: 'window'; readonly window: BoundWindow } | { readonly kind: 'aggregate'; readonly aggregate: BoundAggregateCall }
  readonly args: readonly BoundExpr[]
  readonly partitionBy: readonly BoundExpr[]
  readonly orderBy: readonly SortKey[]
  readonly frame: BoundFrame
  readonly ignoreNulls: boolean
  readonly type: LogicalType
}

/** Calls `visit` on every direct child expression (not into subquery plans). */
/** Does the expression call a volatile function (random(), nextval(), …) outside subqueries? */
export function isVolatile(e: BoundExpr): boolean {
  if (e.kind === 'call' && e.fn.volatility === 'volatile') return true
  return exprChildren(e).some(isVolatile)
}

export function exprChildren(e: BoundExpr): readonly BoundExpr[] {
  switch (e.kind) {
    case 'colref': case 'const': case 'param': return []
    case 'call': return e.args
    case 'cast': return [e.expr]
    case 'compare': return [e.left, e.right]
    case 'and': case 'or': return e.args
    case 'not': case 'is_null': return [e.arg]
    case 'case': return [...e.whens.flatMap(w => [w.when, w.then]), e.else]
    case 'in_list': return [e.arg, ...e.list]
    case 'subquery': return [...(e.left ? [e.left] : []), ...e.correlated]
  }
}

/** ColumnIds an expression reads (including the correlated references of its subqueries). */
export function referencedColumns(e: BoundExpr, into: Set<ColumnId> = new Set()): Set<ColumnId> {
  if (e.kind === 'colref') into.add(e.id)
  for (const c of exprChildren(e)) referencedColumns(c, into)
  return into
}
