/**
 * nearest_scan: `ORDER BY f(col, q) LIMIT k` over a table scan, where an index on `col` ranks by
 * f (its `nearest` capability names f) and q is a constant or parameter, reads only the rows the
 * index finds nearest to q. Filters stay in the scan: the scan asks the index for more
 * candidates until k rows pass them (see execution/ops/nearest-scan.ts). Projections between
 * the top-N and the scan are looked through.
 *
 * When f's value is only ordered by (nothing above reads it), the top-N goes: the scan hands up
 * the LIMIT / OFFSET rows in the index's order, so f is never computed and the key column not
 * read (the plan is pruned again). When the query shows f's value (`SELECT f(…) AS d … ORDER BY
 * d`), the top-N stays and orders the candidates by f itself, so the rows come out in the order
 * of the values shown.
 */
import type { TableIndex } from '../../catalog/catalog.ts'
import { type BoundExpr, type ColumnId, referencedColumns, type SortKey } from '../../plan/expr.ts'
import type { LogicalPlan, NearestAccess, ScanNode, TopNNode } from '../../plan/logical.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import { mapSubqueryPlans, nodeExpressions, rewriteEveryNode } from '../plan-util.ts'
import { isRuntimeConstant } from './index_scan.ts'
import { projectionPruning } from './projection_pruning.ts'

export const nearestScan: OptimizerRule = {
  name: 'nearest_scan',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    const shown = shownColumns(plan)
    let ordered = 0
    const next = rewriteEveryNode(plan, node => {
      if (node.kind !== 'top_n') return node
      const out = rewriteTopN(node, shown)
      if (out.kind !== 'top_n') ordered++
      return out
    })
    if (next === undefined || ordered === 0 || ctx.disabled.has(projectionPruning.name)) return next
    // the key column and f's projection are no longer read
    return projectionPruning.rewrite(next, ctx) ?? next
  },
}

/**
 * Columns some part of the plan reads or returns, other than as a top-N's sort key: the root's
 * and subqueries' outputs and every column an expression refers to.
 */
function shownColumns(plan: LogicalPlan): Set<ColumnId> {
  const shown = new Set<ColumnId>(plan.output.map(c => c.id))
  const visit = (p: LogicalPlan): LogicalPlan => { for (const c of p.output) shown.add(c.id); return p }
  rewriteEveryNode(plan, node => {
    const exprs = node.kind === 'top_n' ? [node.limit, ...(node.offset === null ? [] : [node.offset])] : nodeExpressions(node)
    for (const e of exprs) { referencedColumns(e, shown); mapSubqueryPlans(e, visit) }
    return node
  })
  return shown
}

function rewriteTopN(node: TopNNode, shown: ReadonlySet<ColumnId>): LogicalPlan {
  const key = node.keys.length === 1 ? node.keys[0]! : undefined
  // NULL distances (NULL keys) sort last, after every row the index can return
  if (key === undefined || key.nullsFirst || !isRuntimeConstant(node.limit) || (node.offset !== null && !isRuntimeConstant(node.offset))) return node
  const ordered = key.expr.kind !== 'colref' || !shown.has(key.expr.id)
  const input = withNearest(node.input, key.expr, key, node, ordered)
  if (input === null) return node
  return ordered ? input : { ...node, input }
}

/** `plan` with its scan reading through a nearest-neighbour index for `expr`, or null */
function withNearest(plan: LogicalPlan, expr: BoundExpr, key: SortKey, top: TopNNode, ordered: boolean): LogicalPlan | null {
  if (plan.kind === 'project') {
    const inner = throughProject(expr, plan.exprs, plan.output.map(c => c.id))
    if (inner === null) return null
    const input = withNearest(plan.input, inner, key, top, ordered)
    return input === null ? null : { ...plan, input }
  }
  if (plan.kind !== 'scan' || plan.index !== undefined || plan.nearest !== undefined || plan.table.provider.fetch === undefined) return null
  const nearest = accessFor(plan, expr, key.descending, top, ordered)
  return nearest === null ? null : { ...plan, nearest }
}

/** the expression over the project's input that `e` (over its output) stands for */
function throughProject(e: BoundExpr, exprs: readonly BoundExpr[], ids: readonly number[]): BoundExpr | null {
  const at = (id: number): BoundExpr | null => { const i = ids.indexOf(id); return i < 0 ? null : exprs[i]! }
  if (e.kind === 'colref') return at(e.id)
  if (e.kind !== 'call') return null
  const args: BoundExpr[] = []
  for (const a of e.args) {
    if (isRuntimeConstant(a)) { args.push(a); continue }
    if (a.kind !== 'colref') return null
    const inner = at(a.id)
    if (inner === null) return null
    args.push(inner)
  }
  return { ...e, args }
}

function accessFor(scan: ScanNode, e: BoundExpr, descending: boolean, top: TopNNode, ordered: boolean): NearestAccess | null {
  if (e.kind !== 'call' || e.args.length !== 2) return null
  const [a, b] = e.args as [BoundExpr, BoundExpr]
  const atA = keyPosition(scan, a)
  const at = atA ?? keyPosition(scan, b)
  const query = atA !== null ? b : a
  if (at === null || !isRuntimeConstant(query)) return null
  const column = scan.columns[at]!
  const fn = e.fn.name.toLowerCase()
  const fits = (index: TableIndex): boolean => {
    const caps = index.instance.capabilities.nearest
    if (caps === undefined || index.columns.length !== 1 || index.columns[0] !== column || index.instance.nearest === undefined) return false
    return (descending ? caps.descending ?? [] : caps.ascending).includes(fn)
  }
  const index = (scan.table.provider.tableIndexes?.() ?? []).find(fits)
  if (index === undefined) return null
  const access: NearestAccess = { index, fn, query, limit: top.limit, offset: top.offset }
  if (!ordered) return access
  return { ...access, ordered: { key: { expr: e, descending, nullsFirst: false }, column: scan.output[at]!, tableColumn: column } }
}

/** the scan output position of a reference to a table column, or null */
function keyPosition(scan: ScanNode, e: BoundExpr): number | null {
  // FLOAT[n] read as DOUBLE[n] orders the same
  if (e.kind === 'cast' && !e.try && e.type.id === 'ARRAY') return keyPosition(scan, e.expr)
  if (e.kind !== 'colref') return null
  const i = scan.output.findIndex(c => c.id === e.id)
  return i >= 0 && scan.columns[i]! >= 0 ? i : null
}
