/**
 * subquery_decorrelation: WHERE conjuncts that test a subquery become joins the executor can
 * run once for all rows instead of once per outer value:
 *   EXISTS (…)           → semi join      NOT EXISTS (…)   → anti join
 *   x op ANY (…), x IN   → semi join on `x op column`
 *   x NOT IN (uncorrelated) → mark join, keeping rows whose mark is FALSE (NULL-correct)
 *   (SELECT agg … WHERE inner = outer) in a filter or projection → LEFT JOIN to a grouped
 *   aggregate (scalar-subquery.ts)
 *   LATERAL (… WHERE inner = outer)  → an ordinary join on the correlated conjuncts
 * The correlated conjuncts of the subquery's top filter become the join condition; a subquery
 * that reads outer columns anywhere else is left for the executor.
 */
import type { BoundExpr, ColumnId, SubqueryBoundExpr } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { FilterNode, JoinNode, LogicalPlan } from '../../plan/logical.ts'
import { BOOLEAN } from '../../types/types.ts'
import type { FunctionContext } from '../../hooks/contracts.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import { decorrelateScalar } from '../scalar-subquery.ts'
import {
  colrefOf, conjunction, containsVolatile, idsOf, isSubset, mapExpr, mapNodeExpressions, mapSubqueryPlans, nodeExpressions,
  planReferences, splitConjuncts, substitute, transformUp,
} from '../plan-util.ts'

export const subqueryDecorrelation: OptimizerRule = {
  name: 'subquery_decorrelation',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    const ids = { next: maxColumnId(plan) + 1 }
    const next = rewriteTree(plan, ids, ctx.env.fnCtx)
    return next === plan ? undefined : next
  },
}

function rewriteTree(plan: LogicalPlan, ids: { next: number }, fnCtx: FunctionContext): LogicalPlan {
  return transformUp(plan, node => {
    const inner = mapNodeExpressions(node, e => mapSubqueryPlans(e, p => rewriteTree(p, ids, fnCtx)))
    if (inner.kind === 'filter') {
      const scalar = rewriteScalars([inner.predicate], inner.input, ids, fnCtx)
      return rewriteFilter(inner, scalar.input, scalar.exprs[0]!, ids)
    }
    if (inner.kind === 'project') {
      const scalar = rewriteScalars(inner.exprs, inner.input, ids, fnCtx)
      return scalar.input === inner.input ? inner : { ...inner, input: scalar.input, exprs: scalar.exprs }
    }
    if (inner.kind === 'join' && inner.lateral) return decorrelateLateral(inner) ?? inner
    return inner
  })
}

/**
 * A LATERAL subquery that reads the left side only in its top filter is an ordinary join on
 * that filter: `t, LATERAL (SELECT … FROM u WHERE u.x = t.a)` → `t JOIN u ON u.x = t.a`, with
 * the subquery's projections computed above the join. For LEFT joins the projections must be
 * plain columns, so NULL-extended rows stay NULL.
 */
function decorrelateLateral(join: JoinNode): LogicalPlan | undefined {
  if (join.joinType !== 'cross' && join.joinType !== 'inner' && join.joinType !== 'left') return undefined
  // a table function's arguments are bound inside it, out of sight: it may read the left side
  if (containsTableFunction(join.right)) return undefined
  const outerIds = idsOf(join.left.output)
  const readsOuter = (e: BoundExpr): boolean => [...referencedColumns(e)].some(id => outerIds.has(id))
  // compose the projections on top of the right side into expressions over what lies below
  const composed = new Map<ColumnId, BoundExpr>()
  join.right.output.forEach(c => composed.set(c.id, colrefOf(c)))
  let p = join.right
  while (p.kind === 'project') {
    const proj = p
    if (proj.exprs.some(e => readsOuter(e) || containsVolatile(e) || hasSubquery(e))) return undefined
    if (join.joinType === 'left' && proj.exprs.some(e => e.kind !== 'colref')) return undefined
    const map = new Map<ColumnId, BoundExpr>()
    proj.exprs.forEach((e, i) => map.set(proj.output[i]!.id, e))
    for (const [id, e] of composed) composed.set(id, substitute(e, map))
    p = proj.input
  }
  const split = pullCorrelated(p, outerIds)
  if (split === undefined) return undefined
  const own = join.condition === null ? [] : splitConjuncts(substitute(join.condition, composed))
  const condition = conjunction([...own, ...split.conditions])
  const inner: JoinNode = {
    kind: 'join', left: join.left, right: split.plan, condition, markColumn: null, lateral: false,
    joinType: join.joinType === 'left' ? 'left' : condition === null ? 'cross' : 'inner',
    output: [...join.left.output, ...split.plan.output],
  }
  const exprs = [...join.left.output.map(colrefOf), ...join.right.output.map(c => composed.get(c.id)!)]
  return { kind: 'project', input: inner, exprs, output: join.output }
}

/** Replaces correlated scalar aggregate subqueries in `exprs` by joins onto `input`. */
function rewriteScalars(exprs: readonly BoundExpr[], input: LogicalPlan, ids: { next: number }, fnCtx: FunctionContext):
  { input: LogicalPlan; exprs: readonly BoundExpr[] } {
  let current = input
  const out = exprs.map(e => mapExpr(e, x => {
    if (x.kind !== 'subquery' || x.subqueryKind !== 'scalar') return x
    const r = decorrelateScalar(x, current, ids, fnCtx)
    if (r === undefined) return x
    current = r.input
    return r.value
  }))
  return current === input ? { input, exprs } : { input: current, exprs: out }
}

/** The largest column id anywhere in the plan, subquery plans included. */
export function maxColumnId(plan: LogicalPlan): number {
  let max = 0
  transformUp(plan, node => {
    for (const c of node.output) if (c.id > max) max = c.id
    if (node.kind === 'join' && node.markColumn !== null && node.markColumn.id > max) max = node.markColumn.id
    for (const e of nodeExpressions(node)) {
      mapSubqueryPlans(e, p => { max = Math.max(max, maxColumnId(p)); return p })
      for (const id of referencedColumns(e)) if (id > max) max = id
    }
    return node
  })
  return max
}

function rewriteFilter(filter: FilterNode, scalarInput: LogicalPlan, scalarPredicate: BoundExpr, ids: { next: number }): LogicalPlan {
  let input = scalarInput
  const kept: BoundExpr[] = []
  let changed = scalarInput !== filter.input
  for (const c of splitConjuncts(scalarPredicate)) {
    const next = joinFor(c, input, ids)
    if (next === undefined) { kept.push(c); continue }
    input = next.plan
    if (next.residual !== null) kept.push(next.residual)
    changed = true
  }
  if (!changed) return filter
  const predicate = conjunction(kept)
  const filtered: LogicalPlan = predicate === null ? input : { kind: 'filter', input, predicate, output: input.output }
  // mark joins and scalar rewrites add columns: project back to the filter's columns
  if (filtered.output.length === filter.output.length) return filtered
  return { kind: 'project', input: filtered, exprs: filter.output.map(colrefOf), output: filter.output }
}

interface Rewritten { readonly plan: LogicalPlan; readonly residual: BoundExpr | null }

function joinFor(conjunct: BoundExpr, outer: LogicalPlan, ids: { next: number }): Rewritten | undefined {
  const negated = conjunct.kind === 'not' && conjunct.arg.kind === 'subquery'
  const sub = conjunct.kind === 'subquery' ? conjunct : negated && conjunct.kind === 'not' ? conjunct.arg as SubqueryBoundExpr : undefined
  if (sub === undefined) return undefined
  const outerIds = idsOf(outer.output)
  if (!sub.correlated.every(c => outerIds.has(c.id))) return undefined
  if (sub.left !== null && (!isSubset(referencedColumns(sub.left), outerIds) || containsVolatile(sub.left))) return undefined
  const join = (joinType: JoinNode['joinType'], right: LogicalPlan, condition: BoundExpr | null): JoinNode => ({
    kind: 'join', joinType, left: outer, right, condition, markColumn: null, lateral: false,
    output: outer.output,
  })
  switch (sub.subqueryKind) {
    case 'exists': {
      const split = pullCorrelated(stripForExists(sub.plan), outerIds)
      if (split === undefined) return undefined
      return { plan: join(negated ? 'anti' : 'semi', split.plan, conjunction(split.conditions)), residual: null }
    }
    case 'any': {
      if (sub.left === null || sub.op === null) return undefined
      const stripped = stripProjects(sub.plan)
      if (stripped === undefined) return undefined
      const split = pullCorrelated(stripped.plan, outerIds)
      if (split === undefined) return undefined
      const compare: BoundExpr = { kind: 'compare', op: sub.op, left: sub.left, right: stripped.column, type: BOOLEAN }
      if (!negated) return { plan: join('semi', split.plan, conjunction([compare, ...split.conditions])), residual: null }
      // NOT IN must see NULLs: only the uncorrelated case maps exactly onto a mark join
      if (split.conditions.length > 0 || sub.op !== '=') return undefined
      const mark = { id: ids.next++, name: 'mark', type: BOOLEAN }
      const plan: JoinNode = {
        kind: 'join', joinType: 'mark', left: outer, right: split.plan, condition: compare, markColumn: mark,
        lateral: false, output: [...outer.output, mark],
      }
      return { plan, residual: { kind: 'not', arg: colrefOf(mark), type: BOOLEAN } }
    }
    case 'scalar': case 'all': return undefined
  }
}

/** For EXISTS only the presence of rows matters: projections and sorts on top can go. */
function stripForExists(plan: LogicalPlan): LogicalPlan {
  let p = plan
  while ((p.kind === 'project' && !p.exprs.some(e => containsVolatile(e) || hasSubquery(e))) || p.kind === 'sort') p = p.input
  return p
}

/** Removes projections on top, rewriting the single output column into an expression below them. */
function stripProjects(plan: LogicalPlan): { plan: LogicalPlan; column: BoundExpr } | undefined {
  const first = plan.output[0]
  if (plan.output.length !== 1 || first === undefined) return undefined
  let column: BoundExpr = colrefOf(first)
  let p = plan
  while (p.kind === 'project' || p.kind === 'sort') {
    if (p.kind === 'project') {
      const map = new Map<ColumnId, BoundExpr>()
      p.exprs.forEach((e, i) => map.set(p.output[i]!.id, e))
      column = substitute(column, map)
    }
    p = p.input
  }
  if (containsVolatile(column) || hasSubquery(column)) return undefined
  return { plan: p, column }
}

function containsTableFunction(plan: LogicalPlan): boolean {
  let found = false
  transformUp(plan, n => { if (n.kind === 'table_function') found = true; return n })
  return found
}

function hasSubquery(e: BoundExpr): boolean {
  let found = false
  mapSubqueryPlans(e, x => { found = true; return x })
  return found
}

/**
 * Splits the subquery plan into an uncorrelated plan and the conjuncts that read outer
 * columns, which must all sit in its top filter (or the scan's pushed filters).
 */
function pullCorrelated(plan: LogicalPlan, outerIds: ReadonlySet<ColumnId>): { plan: LogicalPlan; conditions: BoundExpr[] } | undefined {
  const readsOuter = (e: BoundExpr): boolean => [...referencedColumns(e)].some(id => outerIds.has(id))
  let rest = plan
  const conditions: BoundExpr[] = []
  if (plan.kind === 'filter') {
    const own = splitConjuncts(plan.predicate)
    const correlated = own.filter(readsOuter)
    if (correlated.some(c => containsVolatile(c) || hasSubquery(c))) return undefined
    conditions.push(...correlated)
    const remaining = conjunction(own.filter(c => !readsOuter(c)))
    rest = remaining === null ? plan.input : { ...plan, predicate: remaining }
  } else if (plan.kind === 'scan') {
    const correlated = plan.filters.filter(readsOuter)
    conditions.push(...correlated)
    rest = correlated.length === 0 ? plan : { ...plan, filters: plan.filters.filter(f => !readsOuter(f)) }
  }
  const stillReads = planReferences(rest)
  for (const id of outerIds) if (stillReads.has(id)) return undefined
  return { plan: rest, conditions }
}
