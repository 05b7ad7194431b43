/**
 * join_order: a tree of inner and cross joins is flattened into its inputs and conditions and
 * rebuilt greedily: start from the smallest input, then repeatedly join the input that keeps
 * the estimated result smallest, preferring inputs connected by a condition over cross
 * products. Each condition is attached to the lowest join where all its columns are available,
 * and the smaller side of each join goes right (the hash join's build side); LEFT and RIGHT
 * joins are mirrored for the same reason. A projection on top restores the original column
 * order when it changed.
 */
import type { Transaction } from '../../catalog/catalog.ts'
import type { BoundExpr, ColumnId } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { JoinNode, LogicalPlan } from '../../plan/logical.ts'
import { estimateRows, hasEquality } from '../cardinality.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import {
  colrefOf, conjunction, idsOf, isSubset, mapNodeExpressions, mapSubqueryPlans, splitConjuncts, withChildren,
} from '../plan-util.ts'

export const joinOrder: OptimizerRule = {
  name: 'join_order',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    const next = reorder(plan, ctx.txn)
    return next === plan ? undefined : next
  },
}

function isReorderable(p: LogicalPlan): p is JoinNode {
  return p.kind === 'join' && (p.joinType === 'inner' || p.joinType === 'cross') && !p.lateral
}

function reorder(input: LogicalPlan, txn: Transaction): LogicalPlan {
  const plan = mapNodeExpressions(input, e => mapSubqueryPlans(e, p => reorder(p, txn)))
  if (!isReorderable(plan)) {
    const kids = kidsOf(plan)
    const next = kids.map(k => reorder(k, txn))
    const rebuilt = next.every((k, i) => k === kids[i]) ? plan : withChildren(plan, next)
    return rebuilt.kind === 'join' ? swapOuterJoin(rebuilt, txn) : rebuilt
  }
  const leaves: LogicalPlan[] = [], conditions: BoundExpr[] = []
  const shape = flatten(plan, leaves, conditions)
  const inputs = leaves.map(l => reorder(l, txn))
  const built = greedy(inputs, conditions, txn)
  if (built.shape === shape && inputs.every((x, i) => x === leaves[i])) return plan
  if (built.shape === shape) return rebuildSame(plan, inputs, { i: 0 })
  return restoreOrder(built.plan, plan)
}

function kidsOf(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'scan': case 'values': case 'table_function': case 'empty': case 'cte_ref': return []
    case 'join': case 'set_op': return [p.left, p.right]
    case 'cte': return [p.definition, p.body]
    case 'recursive_cte': return [p.anchor, p.recursive]
    default: return [p.input]
  }
}

/** Collects the inputs and conditions of a join tree; returns its shape, e.g. "((0,1),2)". */
function flatten(p: LogicalPlan, leaves: LogicalPlan[], conditions: BoundExpr[]): string {
  if (!isReorderable(p)) {
    leaves.push(p)
    return String(leaves.length - 1)
  }
  const l = flatten(p.left, leaves, conditions)
  const r = flatten(p.right, leaves, conditions)
  if (p.condition !== null) conditions.push(...splitConjuncts(p.condition))
  return `(${l},${r})`
}

/** The original tree with its leaves replaced (when only the inputs changed). */
function rebuildSame(p: LogicalPlan, inputs: readonly LogicalPlan[], at: { i: number }): LogicalPlan {
  if (!isReorderable(p)) return inputs[at.i++]!
  const left = rebuildSame(p.left, inputs, at)
  const right = rebuildSame(p.right, inputs, at)
  return { ...p, left, right, output: [...left.output, ...right.output] }
}

interface Part { plan: LogicalPlan; ids: Set<ColumnId>; rows: number; shape: string }

function greedy(inputs: readonly LogicalPlan[], conditions: readonly BoundExpr[], txn: Transaction): Part {
  const parts: Part[] = inputs.map((plan, i) => ({ plan, ids: idsOf(plan.output), rows: estimateRows(plan, txn), shape: String(i) }))
  const pending = conditions.map(c => ({ expr: c, refs: referencedColumns(c) }))
  const allIds = new Set(parts.flatMap(p => [...p.ids]))
  let startIndex = 0
  parts.forEach((p, i) => { if (p.rows < parts[startIndex]!.rows) startIndex = i })
  let current = parts.splice(startIndex, 1)[0]!
  while (parts.length > 0) {
    let best = -1, bestRows = Infinity, bestConnected = false
    parts.forEach((p, i) => {
      const both = new Set([...current.ids, ...p.ids])
      const conds = pending.filter(c => isSubset(c.refs, both) && !isSubset(c.refs, current.ids) && !isSubset(c.refs, p.ids))
      const connected = conds.length > 0
      const condition = conjunction(conds.map(c => c.expr))
      const rows = connected && hasEquality(condition) ? Math.max(current.rows, p.rows) : current.rows * p.rows * (connected ? 0.3 : 1)
      if ((connected && !bestConnected) || (connected === bestConnected && rows < bestRows)) {
        best = i; bestRows = rows; bestConnected = connected
      }
    })
    const next = parts.splice(best, 1)[0]!
    const ids = new Set([...current.ids, ...next.ids])
    const last = parts.length === 0
    // the top join also takes conditions that read columns from outside this tree
    const usable = pending.filter(c => isSubset(c.refs, ids) || (last && !isSubset(c.refs, allIds)))
    for (const c of usable) pending.splice(pending.indexOf(c), 1)
    const condition = conjunction(usable.map(c => c.expr))
    const [left, right] = next.rows > current.rows ? [next, current] : [current, next]
    const join: JoinNode = {
      kind: 'join', joinType: condition === null ? 'cross' : 'inner', left: left.plan, right: right.plan, condition,
      markColumn: null, lateral: false, output: [...left.plan.output, ...right.plan.output],
    }
    current = { plan: join, ids, rows: bestRows, shape: `(${left.shape},${right.shape})` }
  }
  return current
}

/** A projection restoring the original column order, when the new tree produces another. */
function restoreOrder(plan: LogicalPlan, original: LogicalPlan): LogicalPlan {
  const same = plan.output.length === original.output.length && plan.output.every((c, i) => c.id === original.output[i]!.id)
  if (same) return { ...plan, output: original.output }
  return { kind: 'project', input: plan, exprs: original.output.map(colrefOf), output: original.output }
}

/**
 * The hash join builds its right input: a LEFT join whose right side is much larger than its
 * left becomes the mirrored RIGHT join (and vice versa), with the column order restored.
 */
function swapOuterJoin(join: JoinNode, txn: Transaction): LogicalPlan {
  if ((join.joinType !== 'left' && join.joinType !== 'right') || join.lateral || !hasEquality(join.condition)) return join
  const l = estimateRows(join.left, txn), r = estimateRows(join.right, txn)
  if (r <= l * 2) return join
  const swapped: JoinNode = {
    ...join, joinType: join.joinType === 'left' ? 'right' : 'left', left: join.right, right: join.left,
    output: [...join.right.output, ...join.left.output],
  }
  return restoreOrder(swapped, join)
}
