/**
 * Correlated scalar aggregate subqueries become a grouped aggregate joined to the outer rows:
 *
 *   SELECT a, (SELECT count(*) FROM u WHERE u.x = t.a) FROM t
 *   → SELECT a, CASE WHEN g.x IS NULL THEN 0 ELSE g.n END
 *     FROM t LEFT JOIN (SELECT x, count(*) n FROM u GROUP BY x) g ON t.a = g.x
 *
 * Only equality correlations are handled (they become the grouping keys). An aggregate that is
 * not NULL over no rows (count → 0) would become NULL for outer rows without a match — the
 * "count bug" — so such results are taken from the aggregate's own empty-input value when the
 * group key is NULL (it is never NULL for a match, since `=` never matches NULL).
 */
import type { FunctionContext } from '../hooks/contracts.ts'
import type { BoundExpr, ColumnId, OutputColumn, SubqueryBoundExpr } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import type { AggregateNode, JoinNode, LogicalPlan } from '../plan/logical.ts'
import { BOOLEAN, type Value } from '../types/types.ts'
import { getValue } from '../vector/vector.ts'
import {
  colrefOf, conjunction, containsVolatile, idsOf, mapExpr, planReferences, splitConjuncts, substitute,
} from './plan-util.ts'

export interface ScalarRewrite {
  /** the outer input with the grouped aggregate left-joined to it */
  readonly input: LogicalPlan
  /** replaces the subquery expression, over `input`'s columns */
  readonly value: BoundExpr
}

/** Rewrites one correlated scalar subquery over `outer`, or undefined when its shape is not handled. */
export function decorrelateScalar(sub: SubqueryBoundExpr, outer: LogicalPlan, ids: { next: number },
  fnCtx: FunctionContext): ScalarRewrite | undefined {
  if (sub.subqueryKind !== 'scalar' || sub.correlated.length === 0) return undefined
  const outerIds = idsOf(outer.output)
  if (!sub.correlated.every(c => outerIds.has(c.id))) return undefined
  const first = sub.plan.output[0]
  if (sub.plan.output.length !== 1 || first === undefined) return undefined

  // projections on top: fold them into one expression over the aggregate's columns
  let value: BoundExpr = colrefOf(first)
  let p = sub.plan
  while (p.kind === 'project') {
    const map = new Map<ColumnId, BoundExpr>()
    p.exprs.forEach((e, i) => map.set(p.output[i]!.id, e))
    value = substitute(value, map)
    p = p.input
  }
  if (p.kind !== 'aggregate' || p.groups.length > 0 || p.groupingSets !== null || p.groupingIdColumn !== null) return undefined
  if (containsVolatile(value) || hasSubquery(value)) return undefined
  const agg = p

  // the correlated equalities must sit in the filter (or scan filters) right under the aggregate
  const readsOuter = (e: BoundExpr): boolean => [...referencedColumns(e)].some(id => outerIds.has(id))
  const below = agg.input
  let conjuncts: BoundExpr[]
  let rebuild: (remaining: BoundExpr[]) => LogicalPlan
  if (below.kind === 'filter') {
    conjuncts = splitConjuncts(below.predicate)
    rebuild = remaining => { const c = conjunction(remaining); return c === null ? below.input : { ...below, predicate: c } }
  } else if (below.kind === 'scan') {
    conjuncts = [...below.filters]
    rebuild = remaining => ({ ...below, filters: remaining })
  } else {
    return undefined
  }
  const innerIds = idsOf(below.output)
  const keys: { outer: BoundExpr; inner: BoundExpr }[] = []
  const remaining: BoundExpr[] = []
  for (const c of conjuncts) {
    if (!readsOuter(c)) { remaining.push(c); continue }
    if (c.kind !== 'compare' || c.op !== '=' || containsVolatile(c) || hasSubquery(c)) return undefined
    const side = (e: BoundExpr): 'outer' | 'inner' | undefined => {
      const refs = [...referencedColumns(e)]
      if (refs.length === 0) return undefined
      if (refs.every(id => outerIds.has(id))) return 'outer'
      if (refs.every(id => innerIds.has(id))) return 'inner'
      return undefined
    }
    const l = side(c.left), r = side(c.right)
    if (l === 'outer' && r === 'inner') keys.push({ outer: c.left, inner: c.right })
    else if (l === 'inner' && r === 'outer') keys.push({ outer: c.right, inner: c.left })
    else return undefined
  }
  if (keys.length === 0) return undefined
  const input = rebuild(remaining)
  const stillReads = planReferences(input)
  for (const id of outerIds) if (stillReads.has(id)) return undefined
  for (const a of agg.aggregates) {
    for (const e of [...a.args, ...(a.filter === null ? [] : [a.filter]), ...a.orderBy.map(k => k.expr)]) {
      if (readsOuter(e)) return undefined
    }
  }

  // empty-input values of the aggregates, for outer rows without a group
  const emptyValues: Value[] = []
  try {
    for (const a of agg.aggregates) {
      const state = a.fn.createState(fnCtx)
      state.resize(1)
      emptyValues.push(getValue(state.finalize(1), 0))
    }
  } catch {
    return undefined
  }

  const groupOutput: OutputColumn[] = keys.map((k, i) => ({ id: ids.next++, name: `key${i}`, type: k.inner.type }))
  const aggOutput = agg.output.slice(agg.groups.length)
  const grouped: AggregateNode = {
    ...agg, input, groups: keys.map(k => k.inner), output: [...groupOutput, ...aggOutput],
  }
  const condition = conjunction(keys.map((k, i): BoundExpr => ({
    kind: 'compare', op: '=', left: k.outer, right: colrefOf(groupOutput[i]!), type: BOOLEAN,
  })))
  const join: JoinNode = {
    kind: 'join', joinType: 'left', left: outer, right: grouped, condition, markColumn: null, lateral: false,
    output: [...outer.output, ...grouped.output],
  }
  const noMatch: BoundExpr = { kind: 'is_null', arg: colrefOf(groupOutput[0]!), not: false, type: BOOLEAN }
  const fixes = new Map<ColumnId, BoundExpr>()
  aggOutput.forEach((c, i) => {
    const empty = emptyValues[i] ?? null
    if (empty === null) return
    fixes.set(c.id, {
      kind: 'case', type: c.type,
      whens: [{ when: noMatch, then: { kind: 'const', value: empty, type: c.type } }],
      else: colrefOf(c),
    })
  })
  return { input: join, value: substitute(value, fixes) }
}

function hasSubquery(e: BoundExpr): boolean {
  let found = false
  mapExpr(e, x => { if (x.kind === 'subquery') found = true; return x })
  return found
}
