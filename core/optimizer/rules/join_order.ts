/**
 * join_order: a tree of inner and cross joins is flattened into its inputs and conditions (the
 * join graph, join-graph.ts) and rebuilt. Up to ten inputs, dynamic programming finds the
 * tree with the fewest estimated intermediate rows among those joining only connected sets, so
 * a cross product is taken only between parts no condition links; beyond ten, or when a
 * condition over three inputs is the only link, a greedy order adds the connected input that
 * keeps the result smallest. Each condition is attached to the lowest join where all its
 * columns are available, and the smaller side of each join goes right (the hash join's build
 * side); LEFT and RIGHT joins are mirrored for the same reason. A projection on top restores
 * the original column order when it changed.
 */
import type { Transaction } from '../../catalog/catalog.ts'
import type { BoundExpr } from '../../plan/expr.ts'
import type { JoinNode, LogicalPlan } from '../../plan/logical.ts'
import { estimateRows, hasEquality } from '../cardinality.ts'
import { JoinGraph, bit, bitCount } from '../join-graph.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import {
  colrefOf, conjunction, mapNodeExpressions, mapSubqueryPlans, splitConjuncts, withChildren,
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
  const graph = new JoinGraph(inputs, conditions, txn)
  const built = build(graph, order(graph), graph.conditions.map(() => false))
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

interface Part { plan: LogicalPlan; mask: bigint; rows: number; shape: string }

/** up to this many inputs every connected split is tried (3^n pairs); beyond, greedy */
const EXHAUSTIVE_LIMIT = 10

/** a join order: an input, or two sub-orders */
type Order = number | { readonly left: Order; readonly right: Order; readonly mask: bigint }

function order(graph: JoinGraph): Order {
  const n = graph.inputs.length
  return (n <= EXHAUSTIVE_LIMIT ? exhaustive(graph) : undefined) ?? greedy(graph)
}

/**
 * Dynamic programming over sets of inputs: the cheapest tree for each connected set, cost the
 * sum of every join's estimated output rows. Cross products only join whole connected
 * components, smallest first. Undefined when a component cannot be built from pairs (a
 * condition over three inputs and nothing else linking them).
 */
function exhaustive(graph: JoinGraph): Order | undefined {
  const best = new Map<bigint, { cost: number; order: Order }>()
  graph.inputs.forEach((_, i) => best.set(bit(i), { cost: 0, order: i }))
  const all = graph.all
  for (let mask = 1n; mask <= all; mask++) {
    if (bitCount(mask) < 2) continue
    const low = mask & -mask
    let found: { cost: number; order: Order } | undefined
    // each split once: the side holding the lowest input is `a`
    for (let a = (mask - 1n) & mask; a > 0n; a = (a - 1n) & mask) {
      if ((a & low) === 0n) continue
      const b = mask ^ a
      const ba = best.get(a), bb = best.get(b)
      if (ba === undefined || bb === undefined || !graph.connected(a, b)) continue
      const cost = ba.cost + bb.cost + graph.rows(mask)
      if (found === undefined || cost < found.cost) found = { cost, order: { left: ba.order, right: bb.order, mask } }
    }
    if (found !== undefined) best.set(mask, found)
  }
  const components = connectedComponents(graph)
  const orders: Order[] = []
  for (const c of components) {
    const o = best.get(c)?.order
    if (o === undefined) return undefined
    orders.push(o)
  }
  return crossProducts(graph, orders)
}

/** Greedy: from the smallest input, add the connected input that keeps the result smallest. */
function greedy(graph: JoinGraph): Order {
  const rest = graph.inputs.map((_, i) => i)
  let startAt = 0
  rest.forEach((i, k) => { if (graph.inputs[i]!.rows < graph.inputs[rest[startAt]!]!.rows) startAt = k })
  let current: Order = rest.splice(startAt, 1)[0]!
  let mask = bit(current)
  while (rest.length > 0) {
    let pick = -1, pickRows = Infinity, pickConnected = false
    rest.forEach((i, k) => {
      const connected = graph.connected(mask, bit(i))
      const rows = graph.rows(mask | bit(i))
      if ((connected && !pickConnected) || (connected === pickConnected && rows < pickRows)) {
        pick = k; pickRows = rows; pickConnected = connected
      }
    })
    const i = rest.splice(pick, 1)[0]!
    mask |= bit(i)
    current = { left: current, right: i, mask }
  }
  return current
}

/** Sets of inputs linked by conditions (a condition over inputs links them all). */
function connectedComponents(graph: JoinGraph): bigint[] {
  const components = graph.inputs.map((_, i) => bit(i))
  for (const c of graph.conditions) {
    if (c.outer || c.mask === 0n) continue
    const touched = components.filter(m => (m & c.mask) !== 0n)
    if (touched.length < 2) continue
    const merged = touched.reduce((x, y) => x | y, 0n)
    for (const m of touched) components.splice(components.indexOf(m), 1)
    components.push(merged)
  }
  return components
}

/** Unconnected parts joined by cross products, smallest first. */
function crossProducts(graph: JoinGraph, orders: readonly Order[]): Order {
  const sized = orders.map(o => ({ o, rows: graph.rows(maskOf(o)) })).sort((x, y) => x.rows - y.rows)
  let current = sized[0]!.o
  for (const { o } of sized.slice(1)) current = { left: current, right: o, mask: maskOf(current) | maskOf(o) }
  return current
}

function maskOf(o: Order): bigint { return typeof o === 'number' ? bit(o) : o.mask }

/**
 * The plan of an order. Each condition goes on the lowest join holding all its inputs (the
 * top join takes the ones reading columns from outside the tree); the side estimated cheaper
 * to build (`buildCost`) goes right, where the hash join builds.
 */
function build(graph: JoinGraph, o: Order, used: boolean[]): Part {
  if (typeof o === 'number') return { plan: graph.inputs[o]!.plan, mask: bit(o), rows: graph.inputs[o]!.rows, shape: String(o) }
  const a = build(graph, o.left, used), b = build(graph, o.right, used)
  const top = o.mask === graph.all
  const conds: BoundExpr[] = []
  graph.conditions.forEach((c, i) => {
    if (!used[i] && (c.outer ? top : (c.mask & o.mask) === c.mask)) { used[i] = true; conds.push(c.expr) }
  })
  const condition = conjunction(conds)
  const [left, right] = buildCost(b) > buildCost(a) ? [b, a] : [a, b]
  const join: JoinNode = {
    kind: 'join', joinType: condition === null ? 'cross' : 'inner', left: left.plan, right: right.plan, condition,
    markColumn: null, lateral: false, output: [...left.plan.output, ...right.plan.output],
  }
  return { plan: join, mask: o.mask, rows: graph.rows(o.mask), shape: `(${left.shape},${right.shape})` }
}

/**
 * What building a side costs: its rows times the columns the hash join copies out of it. Rows
 * alone would build TPC-H Q7's 140K-row, nine-column join result instead of probing it with the
 * 150K customers' two columns; DuckDB's build/probe choice weighs row width the same way.
 */
const buildCost = (p: Part): number => p.rows * Math.max(1, p.plan.output.length)

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
