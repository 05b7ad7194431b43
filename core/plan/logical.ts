/**
 * The logical plan: what the binder produces, the optimizer rewrites and the physical planner
 * turns into operators. Every node is readonly, has a `kind`, and lists the columns it
 * produces in `output` (ColumnIds unique within the statement).
 */
import type { LogicalType } from '../types/types.ts'
import type { BoundTableFunction, TableFunctionFilter } from '../hooks/contracts.ts'
import type {
  BoundAggregateCall, BoundExpr, BoundWindowCall, ColumnId, OutputColumn, SortKey,
} from './expr.ts'
import type { TableEntry, TableIndex } from '../catalog/catalog.ts'

export type LogicalPlan =
  | ScanNode
  | FilterNode
  | ProjectNode
  | AggregateNode
  | WindowNode
  | JoinNode
  | SortNode
  | LimitNode
  | TopNNode
  | DistinctNode
  | SetOpNode
  | ValuesNode
  | TableFunctionNode
  | EmptyNode
  | CteNode
  | CteRefNode
  | RecursiveCteNode
  | InsertNode
  | UpdateNode
  | DeleteNode
  | UnnestNode

export interface PlanBase { readonly output: readonly OutputColumn[] }

/** Read a catalog table. `columns[i]` is the table column index producing output[i]; -1 = row id. */
export interface ScanNode extends PlanBase {
  readonly kind: 'scan'
  readonly table: TableEntry
  readonly columns: readonly number[]
  /** conjuncts pushed into the scan (over this node's output ids); the scan applies them all */
  readonly filters: readonly BoundExpr[]
  /** set by the index_scan rule: read only the rows this index finds (filters still apply) */
  readonly index?: IndexAccess
  /** set by the nearest_scan rule: read only the rows this index finds nearest (filters still apply) */
  readonly nearest?: NearestAccess
}

/**
 * A nearest-neighbour lookup under `ORDER BY f(key, query) LIMIT k`: at least `limit + offset`
 * rows that pass the scan's filters, the nearest the index finds (all passing rows when fewer);
 * the top-N above orders them by f, unless `ordered` is set.
 */
export interface NearestAccess {
  readonly index: TableIndex
  /** the distance function's name, for EXPLAIN */
  readonly fn: string
  readonly query: BoundExpr
  readonly limit: BoundExpr
  readonly offset: BoundExpr | null
  /**
   * Set when the scan replaces the top-N (f was only ordered by, never shown): it hands up the
   * LIMIT / OFFSET rows nearest first, in the index's order, and orders rows by `key` itself
   * when it reads the table instead.
   */
  readonly ordered?: NearestOrder
}

export interface NearestOrder {
  /** f(key column, query) over the scan's output, or over `column` when that is not in it */
  readonly key: SortKey
  /** the key column as the scan's output named it, and its table column */
  readonly column: OutputColumn
  readonly tableColumn: number
}

/**
 * An index lookup: equality on the first `equal.length` key columns, then optional bounds on
 * the next one. Values are constant or parameter expressions of the key column's type, or of
 * another integer type (converted when the scan runs).
 */
export interface IndexAccess {
  readonly index: TableIndex
  readonly equal: readonly BoundExpr[]
  readonly lower: IndexBound | null
  readonly upper: IndexBound | null
  /** the key column after `equal` is one of these (an IN list); no bounds then */
  readonly anyOf?: readonly BoundExpr[]
  /** the optimizer's count of matching entries when it chose the index */
  readonly estimate: number
}

export interface IndexBound { readonly expr: BoundExpr; readonly inclusive: boolean }

export interface FilterNode extends PlanBase { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: BoundExpr }

export interface ProjectNode extends PlanBase {
  readonly kind: 'project'
  readonly input: LogicalPlan
  /** exprs[i] computes output[i] */
  readonly exprs: readonly BoundExpr[]
  /**
   * set by the pipelined_calls rule: the calls among exprs whose kernels have a two-phase
   * `start` run ahead (started on chunks N+1 and N+2 before chunk N is returned)
   */
  readonly pipelined?: true
}

/**
 * GROUP BY. output = groups (ids of `groupIds`) then aggregates (ids of `aggregateIds`), then,
 * with grouping sets, the grouping id column when `groupingIdColumn` is set.
 * groupingSets: each set lists indexes into `groups`; null = one set of all groups.
 */
export interface AggregateNode extends PlanBase {
  readonly kind: 'aggregate'
  readonly input: LogicalPlan
  readonly groups: readonly BoundExpr[]
  readonly aggregates: readonly BoundAggregateCall[]
  readonly groupingSets: readonly (readonly number[])[] | null
  /** id of a BIGINT column holding GROUPING(all groups) bits per row, or null */
  readonly groupingIdColumn: ColumnId | null
  /** set by the parallel_aggregate rule: scan to aggregate runs on this many threads */
  readonly parallel?: number
}

/** output = input columns then one column per window call */
export interface WindowNode extends PlanBase {
  readonly kind: 'window'
  readonly input: LogicalPlan
  readonly windows: readonly BoundWindowCall[]
  /**
   * set by the window_topn rule when a filter above keeps only rows whose first call
   * (row_number / rank / dense_rank) is ≤ k: the operator may drop every other row
   */
  readonly topK?: number
}

/**
 * Joins. output: inner/left/right/full/cross = left then right columns (outer sides nullable);
 * semi/anti = left columns; mark = left columns then `markColumn` (BOOLEAN, three-valued: TRUE if a
 * match, NULL if no match but a comparison was NULL, else FALSE — for IN / ANY / EXISTS rewrites);
 * single = left then right, error 21000 if a left row matches more than one right row (scalar subqueries).
 * asof / asof_left = left then right, each left row paired with its one closest right row under the
 * condition's inequality (see plan/asof.ts); asof_left keeps unmatched left rows; asof_semi /
 * asof_anti output the left columns of the rows with / without such a match.
 */
export interface JoinNode extends PlanBase {
  readonly kind: 'join'
  readonly joinType: 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti' | 'mark' | 'single' | 'asof' | 'asof_left' | 'asof_semi' | 'asof_anti'
  readonly left: LogicalPlan
  readonly right: LogicalPlan
  /** null = cross product */
  readonly condition: BoundExpr | null
  readonly markColumn: OutputColumn | null
  /** the right side references left columns (LATERAL / correlated): evaluate per left row */
  readonly lateral: boolean
  /** set by the index_join rule: probe an index of one side's table per row of the other */
  readonly indexJoin?: IndexJoinAccess
}

/**
 * An index nested-loop join: `indexed` is the side that is a scan of an indexed table; for each
 * row of the other side, `probe` (over that side's columns) is looked up as the first key
 * column of `index`. The whole join condition still applies to every pair.
 */
export interface IndexJoinAccess {
  readonly index: TableIndex
  readonly indexed: 'left' | 'right'
  readonly probe: BoundExpr
}

export interface SortNode extends PlanBase { readonly kind: 'sort'; readonly input: LogicalPlan; readonly keys: readonly SortKey[] }

/** limit/offset are constant or parameter expressions, evaluated once at execution */
export interface LimitNode extends PlanBase {
  readonly kind: 'limit'
  readonly input: LogicalPlan
  readonly limit: BoundExpr | null
  readonly offset: BoundExpr | null
  /** LIMIT n PERCENT: `limit` is a percentage (0–100) of the input's rows */
  readonly percent?: boolean
}

export interface TopNNode extends PlanBase {
  readonly kind: 'top_n'
  readonly input: LogicalPlan
  readonly keys: readonly SortKey[]
  readonly limit: BoundExpr
  readonly offset: BoundExpr | null
}

/** DISTINCT (on = null) or DISTINCT ON (keep the first row per `on` values in `orderBy` order) */
export interface DistinctNode extends PlanBase {
  readonly kind: 'distinct'
  readonly input: LogicalPlan
  readonly on: readonly BoundExpr[] | null
  readonly orderBy: readonly SortKey[]
}

/** output ids are new; columns match positionally with both inputs (already cast to one type) */
export interface SetOpNode extends PlanBase {
  readonly kind: 'set_op'
  readonly op: 'union' | 'intersect' | 'except'
  readonly all: boolean
  readonly left: LogicalPlan
  readonly right: LogicalPlan
}

export interface ValuesNode extends PlanBase { readonly kind: 'values'; readonly rows: readonly (readonly BoundExpr[])[] }

export interface TableFunctionNode extends PlanBase {
  readonly kind: 'table_function'
  readonly name: string
  readonly fn: BoundTableFunction
  /** fn column index producing output[i] */
  readonly columns: readonly number[]
  /** filters handed to a function that skips data with them (fn.pushdown); the Filter above still applies */
  readonly filters?: readonly TableFunctionFilter[]
}

/** no rows (e.g. WHERE false after folding) */
export interface EmptyNode extends PlanBase { readonly kind: 'empty' }

/** A materialised WITH query: `definition` computed once, read by CteRef nodes inside `body` */
export interface CteNode extends PlanBase {
  readonly kind: 'cte'
  readonly cteId: number
  readonly name: string
  readonly definition: LogicalPlan
  readonly body: LogicalPlan
  /** CteRef nodes bound for it (EXPLAIN) */
  readonly references: number
  /**
   * the definition reads no outer column nor recursive working table: computed once per
   * statement execution even when this node sits in a subquery run per outer row; false: once
   * per run of the node
   */
  readonly perStatement: boolean
}

/** reads a materialized CTE or, inside a recursive CTE, the working table */
export interface CteRefNode extends PlanBase {
  readonly kind: 'cte_ref'
  readonly cteId: number
  readonly name: string
  /** column i of the CTE produces output[i] */
  /** the definition's estimated rows (set by the optimizer for join ordering) */
  readonly estimatedRows?: number
}

/** WITH RECURSIVE: anchor, then repeat `recursive` over the previous iteration's rows until none */
export interface RecursiveCteNode extends PlanBase {
  readonly kind: 'recursive_cte'
  readonly cteId: number
  readonly name: string
  readonly anchor: LogicalPlan
  readonly recursive: LogicalPlan
  /** UNION (deduplicate) vs UNION ALL */
  readonly distinct: boolean
}

/**
 * INSERT: `input` produces one column per entry of `columns` (table column indexes), already
 * cast; missing columns take their defaults. output = returning columns (or one BIGINT count).
 */
export interface InsertNode extends PlanBase {
  readonly kind: 'insert'
  readonly table: TableEntry
  readonly input: LogicalPlan
  readonly columns: readonly number[]
  readonly onConflict: BoundOnConflict | null
  /** RETURNING expressions over `returningColumns` (ids standing for the inserted row's table columns) */
  readonly returning: readonly BoundExpr[]
  readonly returningColumns: readonly OutputColumn[]
}

export interface BoundOnConflict {
  /** table column indexes forming the conflicting key */
  readonly target: readonly number[]
  readonly action: 'nothing' | 'update'
  /** for update: table column index → new value over `existingColumns` and `excludedColumns` */
  readonly set: readonly { readonly column: number; readonly value: BoundExpr }[]
  readonly where: BoundExpr | null
  readonly existingColumns: readonly OutputColumn[]
  readonly excludedColumns: readonly OutputColumn[]
  /**
   * DO NOTHING without a conflict target (INSERT OR IGNORE): a conflict on any primary key or
   * UNIQUE constraint skips the row, not only one on `target`
   */
  readonly anyConstraint?: boolean
}

/** UPDATE: input yields the row id column (`rowIdColumn`) and the new values of `columns` */
export interface UpdateNode extends PlanBase {
  readonly kind: 'update'
  readonly table: TableEntry
  readonly input: LogicalPlan
  readonly rowIdColumn: ColumnId
  readonly columns: readonly number[]
  readonly values: readonly BoundExpr[]
  readonly returning: readonly BoundExpr[]
  readonly returningColumns: readonly OutputColumn[]
}

export interface DeleteNode extends PlanBase {
  readonly kind: 'delete'
  readonly table: TableEntry
  readonly input: LogicalPlan
  readonly rowIdColumn: ColumnId
  readonly returning: readonly BoundExpr[]
  readonly returningColumns: readonly OutputColumn[]
}

/**
 * unnest(list) in a SELECT list: every input row repeated once per element of its longest list,
 * shorter lists padded with NULL; a row whose lists are all NULL or empty yields nothing.
 * output = input columns, then one column per entry of `lists` (the element type).
 */
export interface UnnestNode extends PlanBase {
  readonly kind: 'unnest'
  readonly input: LogicalPlan
  /** LIST-typed expressions over the input */
  readonly lists: readonly BoundExpr[]
}

export type PlanKind = LogicalPlan['kind']

/** Direct inputs of a node. */
export function planChildren(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'scan': case 'values': case 'table_function': case 'empty': case 'cte_ref': return []
    case 'filter': case 'project': case 'aggregate': case 'window': case 'sort': case 'limit':
    case 'top_n': case 'distinct': case 'insert': case 'update': case 'delete': case 'unnest':
      return [p.input]
    case 'join': case 'set_op': return [p.left, p.right]
    case 'cte': return [p.definition, p.body]
    case 'recursive_cte': return [p.anchor, p.recursive]
  }
}

export type { LogicalType }
