/**
 * nearest_scan: `ORDER BY f(col, q) LIMIT k` over a table scan, where an index on `col` ranks by
 * f (its `nearest` capability names f) and q is a constant or parameter, reads only the rows the
 * index finds nearest to q. The top-N stays above and orders those rows by f itself, so the
 * answer equals a full sort whenever the index finds the true neighbours. Filters stay in the
 * scan: the scan asks the index for more candidates until k rows pass them (see
 * execution/ops/nearest-scan.ts). Projections between the top-N and the scan are looked through.
 */
import type { TableIndex } from '../../catalog/catalog.ts'
import type { BoundExpr, SortKey } from '../../plan/expr.ts'
import type { LogicalPlan, NearestAccess, ScanNode, TopNNode } from '../../plan/logical.ts'
import type { OptimizerRule } from '../index.ts'
import { rewriteEveryNode } from '../plan-util.ts'
import { isRuntimeConstant } from './index_scan.ts'

export const nearestScan: OptimizerRule = {
  name: 'nearest_scan',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    return rewriteEveryNode(plan, node => node.kind === 'top_n' ? rewriteTopN(node) : node)
  },
}

function rewriteTopN(node: TopNNode): LogicalPlan {
  const key = node.keys.length === 1 ? node.keys[0]! : undefined
  // NULL distances (NULL keys) sort last, after every row the index can return
  if (key === undefined || key.nullsFirst || !isRuntimeConstant(node.limit) || (node.offset !== null && !isRuntimeConstant(node.offset))) return node
  const input = withNearest(node.input, key.expr, key, node)
  return input === null ? node : { ...node, input }
}

/** `plan` with its scan reading through a nearest-neighbour index for `expr`, or null */
function withNearest(plan: LogicalPlan, expr: BoundExpr, key: SortKey, top: TopNNode): LogicalPlan | null {
  if (plan.kind === 'project') {
    const inner = throughProject(expr, plan.exprs, plan.output.map(c => c.id))
    if (inner === null) return null
    const input = withNearest(plan.input, inner, key, top)
    return input === null ? null : { ...plan, input }
  }
  if (plan.kind !== 'scan' || plan.index !== undefined || plan.nearest !== undefined || plan.table.provider.fetch === undefined) return null
  const nearest = accessFor(plan, expr, key.descending, top)
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

function accessFor(scan: ScanNode, e: BoundExpr, descending: boolean, top: TopNNode): NearestAccess | null {
  if (e.kind !== 'call' || e.args.length !== 2) return null
  const [a, b] = e.args as [BoundExpr, BoundExpr]
  const column = tableColumn(scan, a) ?? tableColumn(scan, b)
  const query = tableColumn(scan, a) !== null ? b : a
  if (column === null || !isRuntimeConstant(query)) return null
  const fn = e.fn.name.toLowerCase()
  const fits = (index: TableIndex): boolean => {
    const caps = index.instance.capabilities.nearest
    if (caps === undefined || index.columns.length !== 1 || index.columns[0] !== column || index.instance.nearest === undefined) return false
    return (descending ? caps.descending ?? [] : caps.ascending).includes(fn)
  }
  const index = (scan.table.provider.tableIndexes?.() ?? []).find(fits)
  return index === undefined ? null : { index, fn, query, limit: top.limit, offset: top.offset }
}

/** the table column a scan output reference reads, or null */
function tableColumn(scan: ScanNode, e: BoundExpr): number | null {
  // FLOAT[n] read as DOUBLE[n] orders the same
  if (e.kind === 'cast' && !e.try && e.type.id === 'ARRAY') return tableColumn(scan, e.expr)
  if (e.kind !== 'colref') return null
  const i = scan.output.findIndex(c => c.id === e.id)
  const column = i < 0 ? -1 : scan.columns[i]!
  return column >= 0 ? column : null
}
