/**
 * index_join: an inner, left, right, semi or anti join on `outer_expr = t.k`, where one side is
 * a scan of a table with an index whose first key column is k and the other side is small,
 * probes the index once per outer row instead of hashing the whole table. For an inner join
 * either side may be the indexed one; otherwise the side whose rows are not kept (the right of
 * left / semi / anti joins, the left of right joins). Chosen when the outer side is estimated at most
 * MAX_OUTER_FRACTION of the indexed table's rows. The whole join condition (and the scan's
 * filters) still apply to every pair.
 */
import type { TableIndex } from '../../catalog/catalog.ts'
import type { BoundExpr, ColumnId } from '../../plan/expr.ts'
import type { IndexJoinAccess, JoinNode, LogicalPlan, ScanNode } from '../../plan/logical.ts'
import { isInteger, typeEquals, type LogicalType } from '../../types/types.ts'
import { widensInteger } from '../../indexes/table-indexes.ts'
import { estimateRows } from '../cardinality.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import { idsOf, refsOf, rewriteEveryNode, splitConjuncts } from '../plan-util.ts'

/** which side may be the indexed one, per join type */
const INDEXABLE_SIDES: Partial<Record<JoinNode['joinType'], readonly ('left' | 'right')[]>> = {
  inner: ['right', 'left'], left: ['right'], semi: ['right'], anti: ['right'], right: ['left'],
}

/** an index join when the outer side has at most this fraction of the indexed table's rows */
export const MAX_OUTER_FRACTION = 0.05

export const indexJoin: OptimizerRule = {
  name: 'index_join',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    return rewriteEveryNode(plan, node => rewriteNode(node, ctx))
  },
}

function rewriteNode(node: LogicalPlan, ctx: OptimizerContext): LogicalPlan {
  if (node.kind !== 'join' || node.lateral || node.condition === null || node.indexJoin !== undefined) return node
  const sides = INDEXABLE_SIDES[node.joinType]
  if (sides === undefined) return node
  let best: { access: IndexJoinAccess; outerRows: number } | null = null
  for (const indexed of sides) {
    const inner = indexed === 'right' ? node.right : node.left
    const outer = indexed === 'right' ? node.left : node.right
    if (inner.kind !== 'scan' || inner.index !== undefined) continue
    const access = accessFor(node, inner, outer, indexed)
    if (access === null) continue
    const innerRows = inner.table.provider.estimatedRows(ctx.txn)
    const outerRows = estimateRows(outer, ctx.txn)
    if (outerRows > innerRows * MAX_OUTER_FRACTION) continue
    if (best === null || outerRows < best.outerRows) best = { access, outerRows }
  }
  return best === null ? node : { ...node, indexJoin: best.access }
}

function accessFor(join: JoinNode, inner: ScanNode, outer: LogicalPlan, indexed: 'left' | 'right'): IndexJoinAccess | null {
  const indexes = inner.table.provider.tableIndexes?.() ?? []
  if (indexes.length === 0 || inner.table.provider.fetch === undefined) return null
  const columnOf = new Map<ColumnId, number>()
  inner.output.forEach((c, i) => { const tc = inner.columns[i]!; if (tc >= 0) columnOf.set(c.id, tc) })
  const outerIds = idsOf(outer.output)
  for (const c of splitConjuncts(join.condition!)) {
    if (c.kind !== 'compare' || c.op !== '=') continue
    for (const [a, b] of [[c.left, c.right], [c.right, c.left]] as const) {
      const key = keyColumn(a, columnOf, inner)
      if (key === null || !probesFrom(b, outerIds) || !valueFits(b.type, key.type)) continue
      const index = indexes.find(ix => leads(ix, key.column))
      if (index !== undefined) return { index, indexed, probe: b }
    }
  }
  return null
}

/** the index can look up equality on this column alone */
function leads(index: TableIndex, column: number): boolean {
  if (index.columns[0] !== column) return false
  const caps = index.instance.capabilities
  return index.columns.length === 1 ? caps.equality : caps.equality && caps.range
}

/** an expression over the outer side's columns only (no subqueries) */
function probesFrom(e: BoundExpr, outerIds: ReadonlySet<ColumnId>): boolean {
  const refs = refsOf([e])
  if (refs.size === 0) return false
  for (const r of refs) if (!outerIds.has(r)) return false
  return !hasSubquery(e)
}

function hasSubquery(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'subquery': return true
    case 'const': case 'param': case 'colref': return false
    case 'cast': return hasSubquery(e.expr)
    case 'call': return e.args.some(hasSubquery)
    default: return true
  }
}

function keyColumn(e: BoundExpr, columnOf: ReadonlyMap<ColumnId, number>, scan: ScanNode): { column: number; type: LogicalType } | null {
  if (e.kind === 'cast' && !e.try && e.expr.kind === 'colref' && widensInteger(e.expr.type, e.type)) return keyColumn(e.expr, columnOf, scan)
  if (e.kind !== 'colref') return null
  const column = columnOf.get(e.id)
  if (column === undefined) return null
  return { column, type: scan.table.columns[column]!.type }
}

function valueFits(value: LogicalType, column: LogicalType): boolean {
  return typeEquals(value, column) || (isInteger(value) && isInteger(column))
}
