/**
 * semi_join_pushdown: a semi or anti join keeps or drops each left row by a test on that row's
 * columns alone, so it is a filter, and moves like one: through projections that pass its
 * columns through and into the input of an inner / cross join that holds all the left columns
 * its condition reads. It stays above filters (those left by filter_pushdown are cheap tests, a
 * scalar subquery's comparison, better run before the hash probe). TPC-H Q18's `o_orderkey IN (SELECT l_orderkey … HAVING …)`
 * then cuts orders to a few rows before they meet lineitem, instead of filtering the whole
 * lineitem ⋈ orders ⋈ customer result. Runs before join_order, which sees the narrowed input
 * as one relation (estimated at half its rows).
 *
 * Only joins whose condition is all key equalities (left side = right side) move: testing such a
 * row is one hash lookup wherever it happens. A residual (Q21's `l2.l_suppkey <> l1.l_suppkey`)
 * costs a scan of the key's matches per row and tends to keep most rows, so it stays above the
 * joins that narrow its input first.
 */
import type { BoundExpr, ColumnId } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { JoinNode, LogicalPlan } from '../../plan/logical.ts'
import type { OptimizerRule } from '../index.ts'
import {
  containsVolatile, hasSideEffectsOrSubquery, idsOf, isSubset, rewriteEveryNode, splitConjuncts, substitute,
} from '../plan-util.ts'

export const semiJoinPushdown: OptimizerRule = {
  name: 'semi_join_pushdown',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    return rewriteEveryNode(plan, rewriteNode)
  },
}

function rewriteNode(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'join' || (node.joinType !== 'semi' && node.joinType !== 'anti')) return node
  if (node.lateral || node.markColumn !== null || node.indexJoin !== undefined || node.condition === null) return node
  if (containsVolatile(node.condition) || hasSideEffectsOrSubquery(node.condition)) return node
  const leftIds = idsOf(node.left.output), rightIds = idsOf(node.right.output)
  if (!splitConjuncts(node.condition).every(c => isKeyEquality(c, leftIds, rightIds))) return node
  const uses = new Set([...referencedColumns(node.condition)].filter(id => leftIds.has(id)))
  if (uses.size === 0) return node
  const pushed = sink(node.left, node, node.condition, uses)
  return pushed ?? node
}

function isKeyEquality(c: BoundExpr, left: ReadonlySet<ColumnId>, right: ReadonlySet<ColumnId>): boolean {
  if (c.kind !== 'compare' || (c.op !== '=' && c.op !== 'not_distinct')) return false
  const a = referencedColumns(c.left), b = referencedColumns(c.right)
  if (a.size === 0 || b.size === 0) return false
  return (isSubset(a, left) && isSubset(b, right)) || (isSubset(a, right) && isSubset(b, left))
}

/**
 * `input` with the semi join applied at the lowest place that still holds the columns `uses`
 * (read by `condition`), or null when it cannot go below `input` itself.
 */
function sink(input: LogicalPlan, semi: JoinNode, condition: BoundExpr, uses: ReadonlySet<ColumnId>): LogicalPlan | null {
  const place = (at: LogicalPlan, cond: BoundExpr, cols: ReadonlySet<ColumnId>): LogicalPlan =>
    sink(at, semi, cond, cols) ?? { ...semi, left: at, condition: cond, output: at.output }
  switch (input.kind) {
    case 'join': {
      if ((input.joinType !== 'inner' && input.joinType !== 'cross') || input.indexJoin !== undefined) return null
      if (isSubset(uses, idsOf(input.left.output))) return { ...input, left: place(input.left, condition, uses) }
      // a lateral right side reads the left row: it must see every left row
      if (!input.lateral && isSubset(uses, idsOf(input.right.output))) return { ...input, right: place(input.right, condition, uses) }
      return null
    }
    case 'project': {
      // only columns passed through unchanged: the condition then reads them below; a volatile
      // expression must still run once per row it ran for before
      if (input.exprs.some(containsVolatile)) return null
      const map = new Map<ColumnId, BoundExpr>()
      const below = new Set<ColumnId>()
      for (const id of uses) {
        const at = input.output.findIndex(c => c.id === id)
        const e = input.exprs[at]
        if (e === undefined || e.kind !== 'colref') return null
        map.set(id, e)
        below.add(e.id)
      }
      return { ...input, input: place(input.input, substitute(condition, map), below) }
    }
    default:
      return null
  }
}
