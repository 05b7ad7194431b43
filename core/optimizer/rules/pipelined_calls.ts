/**
 * pipelined_calls: a call whose kernel can start a chunk ahead (`BoundScalar.start`: ONNX
 * inference on its own thread) is computed by a pipelined projection, which starts chunks N+1
 * and N+2 before it hands chunk N up. The scan and packing of one chunk then overlap the kernel's
 * work on the previous one.
 *
 * Only calls every row needs are moved: a projection's expression itself, an aggregate's
 * argument (without FILTER) or group key, an AND-ed term of a filter (also one pushed into a
 * scan), each possibly under a cast or one side of a comparison. A filter's other terms are
 * applied first, so the calls see only the rows that pass them (never more rows than before).
 * A call under CASE, COALESCE or any other function stays where it is: moving it would run it
 * on rows that branch never reaches. A projection whose own expressions are such calls is marked
 * pipelined in place; elsewhere a pipelined projection of the input's columns plus the calls
 * is put under the node, which then reads the calls' columns (a filter is followed by a
 * projection back to its own columns, so every node's output stays what its rows hold).
 * Parallel aggregates are left alone (their input runs in fragments on other threads).
 */
import type { BoundExpr, CallExpr, OutputColumn } from '../../plan/expr.ts'
import type { LogicalPlan, ProjectNode } from '../../plan/logical.ts'
import { renderExpr } from '../../plan/explain.ts'
import type { OptimizerRule } from '../index.ts'
import { colrefOf, conjunction, rewriteEveryNode, splitConjuncts } from '../plan-util.ts'
import { maxColumnId } from './subquery_decorrelation.ts'

export const pipelinedCalls: OptimizerRule = {
  name: 'pipelined_calls',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    if (!containsStartable(plan)) return undefined
    const ids = { next: maxColumnId(plan) + 1 }
    return rewriteEveryNode(plan, node => rewriteNode(node, ids))
  },
}

const startable = (e: BoundExpr): e is CallExpr => e.kind === 'call' && e.fn.start !== undefined && e.fn.nulls === 'handle'

/** whether any expression anywhere in the plan calls a startable kernel (most plans: no, and the rule costs nothing) */
function containsStartable(plan: LogicalPlan): boolean {
  let found = false
  rewriteEveryNode(plan, node => {
    if (!found && (node.kind === 'project' || node.kind === 'aggregate' || node.kind === 'filter' || node.kind === 'scan')) {
      const visit = (e: BoundExpr): BoundExpr => { if (startable(e)) found = true; return e }
      const exprs = node.kind === 'project' ? node.exprs : node.kind === 'filter' ? splitConjuncts(node.predicate)
        : node.kind === 'scan' ? node.filters : [...node.groups, ...node.aggregates.flatMap(a => a.args)]
      for (const e of exprs) replaceNeeded(e, visit)
    }
    return node
  })
  return found
}

/** [terms with a needed startable call, the others] */
function partition(terms: readonly BoundExpr[]): [BoundExpr[], BoundExpr[]] {
  const needing: BoundExpr[] = []
  const rest: BoundExpr[] = []
  for (const t of terms) {
    let found = false
    replaceNeeded(t, call => { found = true; return call })
    ;(found ? needing : rest).push(t)
  }
  return [needing, rest]
}

/** `e` with `f` applied to each startable call that every row evaluates (see the file comment) */
function replaceNeeded(e: BoundExpr, f: (call: CallExpr) => BoundExpr): BoundExpr {
  if (startable(e)) return f(e)
  if (e.kind === 'cast' && !e.try) {
    const expr = replaceNeeded(e.expr, f)
    return expr === e.expr ? e : { ...e, expr }
  }
  if (e.kind === 'compare') {
    const left = replaceNeeded(e.left, f)
    const right = replaceNeeded(e.right, f)
    return left === e.left && right === e.right ? e : { ...e, left, right }
  }
  return e
}

function rewriteNode(node: LogicalPlan, ids: { next: number }): LogicalPlan {
  switch (node.kind) {
    case 'project': {
      if (node.pipelined === true) return node
      if (node.exprs.some(startable)) return { ...node, pipelined: true }
      return hoist(node, node.input, node.exprs, (exprs, input) => ({ ...node, exprs, input }), ids)
    }
    case 'aggregate': {
      if (node.parallel !== undefined) return node
      const flat = [...node.groups, ...node.aggregates.flatMap(a => a.filter === null ? a.args : [])]
      return hoist(node, node.input, flat, (exprs, input) => {
        let at = node.groups.length
        const aggregates = node.aggregates.map(a => {
          if (a.filter !== null) return a
          const args = exprs.slice(at, at + a.args.length)
          at += a.args.length
          return { ...a, args }
        })
        return { ...node, groups: exprs.slice(0, node.groups.length), aggregates, input }
      }, ids)
    }
    case 'filter': {
      const [needing, rest] = partition(splitConjuncts(node.predicate))
      if (needing.length === 0) return node
      // the other terms first, so the calls run only on rows that pass them
      const below = rest.length === 0 ? node.input : { ...node, predicate: conjunction(rest)! }
      return hoist(node, below, needing, (terms, input) => filterThenDrop(terms, input, node.output), ids)
    }
    case 'scan': {
      // filters pushed into a plain scan: the calls come out above it, the others stay in it
      if (node.index !== undefined || node.nearest !== undefined) return node
      const [needing, rest] = partition(node.filters)
      if (needing.length === 0) return node
      return hoist(node, { ...node, filters: rest }, needing, (terms, input) => filterThenDrop(terms, input, node.output), ids)
    }
    default: return node
  }
}

/** the filter's terms over the pipelined projection, then only the columns the filter had */
function filterThenDrop(terms: readonly BoundExpr[], input: ProjectNode, output: readonly OutputColumn[]): LogicalPlan {
  const filtered: LogicalPlan = { kind: 'filter', input, predicate: conjunction(terms)!, output: input.output }
  return { kind: 'project', input: filtered, exprs: output.map(colrefOf), output }
}

/**
 * Moves the needed startable calls of `exprs` into a pipelined projection over `input`;
 * `rebuild` makes the node from the rewritten expressions over that projection.
 */
function hoist(node: LogicalPlan, input: LogicalPlan, exprs: readonly BoundExpr[], rebuild: (exprs: BoundExpr[], input: ProjectNode) => LogicalPlan, ids: { next: number }): LogicalPlan {
  const calls: CallExpr[] = []
  const columns: OutputColumn[] = []
  const rewritten = exprs.map(e => replaceNeeded(e, call => {
    const column = { id: ids.next++, name: renderExpr(call), type: call.type }
    calls.push(call)
    columns.push(column)
    return colrefOf(column)
  }))
  if (calls.length === 0) return node
  const below: ProjectNode = {
    kind: 'project', input, pipelined: true,
    exprs: [...input.output.map(colrefOf), ...calls],
    output: [...input.output, ...columns],
  }
  return rebuild(rewritten, below)
}
