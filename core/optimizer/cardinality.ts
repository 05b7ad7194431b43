/**
 * Rough row-count estimates for join ordering: table sizes from the providers, fixed
 * selectivities for predicates (equality 0.1, ranges 0.3, anything else 0.5; a scan's
 * `column = constant` / `IN` keeps 1 / distinct values when the column's count is known), joins on an
 * equality as large as their larger input (the usual key/foreign-key case).
 */
import type { Transaction } from '../catalog/catalog.ts'
import { assertNever } from '../errors.ts'
import type { BoundExpr, ColumnId } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { baseDistinct } from './column-stats.ts'
import { splitConjuncts } from './plan-util.ts'

const DEFAULT_ROWS = 1000

export function selectivity(predicate: BoundExpr, distinct?: (column: ColumnId) => number | undefined): number {
  let s = 1
  for (const c of splitConjuncts(predicate)) {
    const d = distinct === undefined ? undefined : pointLookup(c, distinct)
    if (d !== undefined) s *= d
    else if (c.kind === 'compare') s *= c.op === '=' || c.op === 'not_distinct' ? 0.1 : c.op === '<>' || c.op === 'distinct' ? 0.9 : 0.3
    else if (c.kind === 'in_list') s *= Math.min(0.5, 0.1 * c.list.length)
    else if (c.kind === 'is_null') s *= c.not ? 0.9 : 0.1
    else s *= 0.5
  }
  return s
}

/**
 * `column = constant` keeps 1 / (distinct values) of the rows and `column IN (k constants)` k of
 * them, when the column's distinct count is known: TPC-H Q8's `p_type = …` keeps 1 in 150 parts,
 * not the fixed tenth, which decides whether lineitem meets part or orders first.
 */
function pointLookup(c: BoundExpr, distinct: (column: ColumnId) => number | undefined): number | undefined {
  let column: BoundExpr, values: number
  if (c.kind === 'compare' && c.op === '=') {
    if (c.right.kind === 'const') column = c.left
    else if (c.left.kind === 'const') column = c.right
    else return undefined
    values = 1
  } else if (c.kind === 'in_list' && !c.not && c.list.every(e => e.kind === 'const')) {
    column = c.arg
    values = c.list.length
  } else return undefined
  if (column.kind !== 'colref') return undefined
  const d = distinct(column.id)
  return d === undefined || d < 1 ? undefined : Math.min(1, values / d)
}

/** Whether a join condition holds an equality between the two sides (a hash join key). */
export function hasEquality(condition: BoundExpr | null): boolean {
  return condition !== null && splitConjuncts(condition).some(c => c.kind === 'compare' && (c.op === '=' || c.op === 'not_distinct'))
}

export function estimateRows(plan: LogicalPlan, txn: Transaction): number {
  const est = (p: LogicalPlan): number => estimateRows(p, txn)
  switch (plan.kind) {
    case 'scan': {
      let rows: number
      try { rows = plan.table.provider.estimatedRows(txn) } catch { rows = DEFAULT_ROWS }
      const distinct = (id: ColumnId): number | undefined => baseDistinct(plan, id, txn)
      for (const f of plan.filters) rows *= selectivity(f, distinct)
      return Math.max(1, rows)
    }
    case 'filter': return Math.max(1, est(plan.input) * selectivity(plan.predicate))
    case 'project': case 'sort': case 'window': return est(plan.input)
    case 'unnest': return est(plan.input) * 4
    case 'aggregate': return plan.groups.length === 0 ? 1 : Math.max(1, est(plan.input) / 2)
    case 'distinct': return Math.max(1, est(plan.input) / 2)
    case 'join': {
      const l = est(plan.left), r = est(plan.right)
      switch (plan.joinType) {
        case 'cross': return l * r
        case 'inner':
          return hasEquality(plan.condition) ? Math.max(l, r) : l * r * (plan.condition === null ? 1 : selectivity(plan.condition))
        case 'left': return Math.max(l, hasEquality(plan.condition) ? Math.max(l, r) : l * r)
        case 'right': return Math.max(r, hasEquality(plan.condition) ? Math.max(l, r) : l * r)
        case 'full': return l + r
        case 'semi': case 'anti': return Math.max(1, l / 2)
        case 'mark': case 'single': return l
        case 'asof': case 'asof_left': return l
        case 'asof_semi': case 'asof_anti': return Math.max(1, l / 2)
        default: return assertNever(plan.joinType, 'join type')
      }
    }
    case 'limit': case 'top_n': {
      const input = est(plan.input)
      const lim = plan.limit
      if (lim !== null && lim.kind === 'const' && (typeof lim.value === 'number' || typeof lim.value === 'bigint')) {
        return Math.min(input, Number(lim.value))
      }
      return input
    }
    case 'set_op': {
      const l = est(plan.left), r = est(plan.right)
      return plan.op === 'union' ? l + r : plan.op === 'intersect' ? Math.min(l, r) : l
    }
    case 'values': return plan.rows.length
    case 'table_function': return plan.fn.estimatedRows ?? DEFAULT_ROWS
    case 'empty': return 0
    case 'cte': return est(plan.body)
    case 'cte_ref': return plan.estimatedRows ?? DEFAULT_ROWS
    case 'recursive_cte': return DEFAULT_ROWS
    case 'insert': case 'update': case 'delete': return 1
    default: return assertNever(plan, 'plan node')
  }
}
