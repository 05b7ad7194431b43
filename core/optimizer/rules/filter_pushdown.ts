/**
 * filter_pushdown: moves each conjunct of a filter as close to the data as SQL allows —
 * through projections (substituting the projected expressions), into both inputs of inner
 * joins and the preserved input of outer joins, into join conditions (a cross join with an
 * equality filter becomes an inner join), below grouping on group columns, through sorts,
 * DISTINCT and set operations, and finally into ScanNode.filters. Nothing moves below a LIMIT,
 * a window (unless on its partition columns) or grouping sets; volatile conjuncts stay put.
 */
import { assertNever } from '../../errors.ts'
import type { BoundExpr, ColumnId } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { JoinNode, LogicalPlan, TableFunctionNode } from '../../plan/logical.ts'
import type { TableFunctionFilter } from '../../hooks/contracts.ts'
import { type LogicalType, type Value, isNumeric } from '../../types/types.ts'
import type { OptimizerRule } from '../index.ts'
import {
  colrefOf, conjunction, containsVolatile, hasSideEffectsOrSubquery, idsOf, isSubset, mapExpr, mapNodeExpressions,
  mapSubqueryPlans, splitConjuncts, substitute, withChildren,
} from '../plan-util.ts'

export const filterPushdown: OptimizerRule = {
  name: 'filter_pushdown',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    const next = push(plan, [])
    return next === plan ? undefined : next
  },
}

const isVolatile = containsVolatile

/** core/binder/sample.ts's draw functions */
function isSampleDraw(e: BoundExpr): boolean {
  let found = false
  mapExpr(e, x => { if (x.kind === 'call' && x.fn.name.startsWith('tablesample_')) found = true; return x })
  return found
}

function hasSubquery(e: BoundExpr): boolean {
  let found = false
  mapExpr(e, x => { if (x.kind === 'subquery') found = true; return x })
  return found
}

/** Puts the conjuncts that could not go lower back as a filter over `plan`. */
function above(plan: LogicalPlan, preds: readonly BoundExpr[]): LogicalPlan {
  const predicate = conjunction(preds)
  return predicate === null ? plan : { kind: 'filter', input: plan, predicate, output: plan.output }
}

/** Pushes nothing into any input: only recurses. */
function recurse(plan: LogicalPlan): LogicalPlan {
  const kids = childList(plan)
  const next = kids.map(k => push(k, []))
  return next.every((k, i) => k === kids[i]) ? plan : withChildren(plan, next)
}

function childList(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'scan': case 'values': case 'table_function': case 'empty': case 'cte_ref': return []
    case 'join': case 'set_op': return [p.left, p.right]
    case 'cte': return [p.definition, p.body]
    case 'recursive_cte': return [p.anchor, p.recursive]
    default: return [p.input]
  }
}

/** `preds` are conjuncts (deterministic) to apply on top of `plan`'s output. */
const isTrue = (e: BoundExpr): boolean => e.kind === 'const' && e.value === true

function push(input: LogicalPlan, allPreds: readonly BoundExpr[]): LogicalPlan {
  const plan = mapNodeExpressions(input, e => mapSubqueryPlans(e, p => push(p, [])))
  const preds = allPreds.filter(p => !isTrue(p))
  switch (plan.kind) {
    case 'filter': {
      const own = splitConjuncts(plan.predicate)
      const movable = own.filter(c => !isVolatile(c))
      const pinned = own.filter(isVolatile)
      // a table sample's filter: filters above it stay above, or they would change which rows it draws
      if (pinned.some(isSampleDraw)) return above(above(push(plan.input, movable), pinned), preds)
      return above(push(plan.input, [...preds, ...movable]), pinned)
    }
    case 'project': {
      const map = new Map<ColumnId, BoundExpr>()
      plan.exprs.forEach((e, i) => map.set(plan.output[i]!.id, e))
      const down: BoundExpr[] = [], keep: BoundExpr[] = []
      for (const p of preds) {
        const refs = referencedColumns(p)
        const ok = !hasSubquery(p) && [...refs].every(id => {
          const e = map.get(id)
          return e !== undefined && !hasSideEffectsOrSubquery(e)
        })
        if (ok) down.push(substitute(p, map))
        else keep.push(p)
      }
      return above(withChildren(plan, [push(plan.input, down)]), keep)
    }
    case 'scan': {
      const ids = idsOf(plan.output)
      const into: BoundExpr[] = [], keep: BoundExpr[] = []
      for (const p of preds) (!hasSubquery(p) && isSubset(referencedColumns(p), ids) ? into : keep).push(p)
      const scan = into.length === 0 ? plan : { ...plan, filters: [...plan.filters, ...into] }
      return above(scan, keep)
    }
    case 'join': return pushJoin(plan, preds)
    case 'aggregate': {
      if (plan.groupingSets !== null) return above(recurse(plan), preds)
      const map = new Map<ColumnId, BoundExpr>()
      plan.groups.forEach((g, i) => map.set(plan.output[i]!.id, g))
      const down: BoundExpr[] = [], keep: BoundExpr[] = []
      for (const p of preds) {
        const refs = referencedColumns(p)
        // a constant conjunct must stay above: it decides whether the one global group appears
        const ok = refs.size > 0 && !hasSubquery(p) &&
          [...refs].every(id => { const g = map.get(id); return g !== undefined && !hasSideEffectsOrSubquery(g) })
        if (ok) down.push(substitute(p, map))
        else keep.push(p)
      }
      return above(withChildren(plan, [push(plan.input, down)]), keep)
    }
    case 'window': {
      const inputIds = idsOf(plan.input.output)
      const partitionedBy = (id: ColumnId): boolean =>
        plan.windows.every(w => w.partitionBy.some(e => e.kind === 'colref' && e.id === id))
      const down: BoundExpr[] = [], keep: BoundExpr[] = []
      for (const p of preds) {
        const refs = referencedColumns(p)
        const ok = refs.size > 0 && isSubset(refs, inputIds) && [...refs].every(partitionedBy)
        ;(ok ? down : keep).push(p)
      }
      return above(withChildren(plan, [push(plan.input, down)]), keep)
    }
    case 'sort': return withChildren(plan, [push(plan.input, preds)])
    case 'distinct':
      if (plan.on === null) return withChildren(plan, [push(plan.input, preds)])
      return above(recurse(plan), preds)
    case 'set_op': {
      const down = preds.filter(p => !hasSubquery(p))
      const keep = preds.filter(hasSubquery)
      const side = (child: LogicalPlan): LogicalPlan => {
        const map = new Map<ColumnId, BoundExpr>()
        plan.output.forEach((c, i) => { const src = child.output[i]; if (src !== undefined) map.set(c.id, colrefOf(src)) })
        return push(child, down.map(p => substitute(p, map)))
      }
      return above(withChildren(plan, [side(plan.left), side(plan.right)]), keep)
    }
    case 'cte': return withChildren(plan, [push(plan.definition, []), push(plan.body, preds)])
    case 'table_function': return above(plan.fn.pushdown?.filters === true ? withSkipFilters(plan, preds) : plan, preds)
    case 'limit': case 'top_n': case 'values': case 'empty': case 'cte_ref':
    case 'recursive_cte': case 'insert': case 'update': case 'delete': case 'unnest':
      return above(recurse(plan), preds)
    default: return assertNever(plan, 'plan node')
  }
}

/**
 * A filter above an outer join that can never be TRUE when the NULL-extended side's columns are
 * NULL removes every NULL-extended row: the outer join is really an inner (or one-sided) join.
 */
function strengthen(plan: JoinNode, preds: readonly BoundExpr[]): JoinNode {
  if (plan.joinType !== 'left' && plan.joinType !== 'right' && plan.joinType !== 'full') return plan
  const L = idsOf(plan.left.output), R = idsOf(plan.right.output)
  const rejectsRight = preds.some(p => rejectsNulls(p, R))
  const rejectsLeft = preds.some(p => rejectsNulls(p, L))
  let joinType: JoinNode['joinType'] = plan.joinType
  if (joinType === 'left' && rejectsRight) joinType = 'inner'
  else if (joinType === 'right' && rejectsLeft) joinType = 'inner'
  else if (joinType === 'full') {
    joinType = rejectsLeft && rejectsRight ? 'inner' : rejectsRight ? 'right' : rejectsLeft ? 'left' : 'full'
  }
  return joinType === plan.joinType ? plan : { ...plan, joinType }
}

/** True when `p` is NULL or FALSE whenever all of `ids` are NULL. */
export function rejectsNulls(p: BoundExpr, ids: ReadonlySet<ColumnId>): boolean {
  switch (p.kind) {
    case 'compare':
      return p.op !== 'distinct' && p.op !== 'not_distinct' && (nullIfNull(p.left, ids) || nullIfNull(p.right, ids))
    case 'is_null': return p.not && nullIfNull(p.arg, ids)
    case 'and': return p.args.some(a => rejectsNulls(a, ids))
    case 'or': return p.args.length > 0 && p.args.every(a => rejectsNulls(a, ids))
    case 'in_list': return nullIfNull(p.arg, ids)
    case 'colref': return ids.has(p.id)
    default: return false
  }
}

/** True when `e` is NULL whenever all of `ids` are NULL. */
function nullIfNull(e: BoundExpr, ids: ReadonlySet<ColumnId>): boolean {
  switch (e.kind) {
    case 'colref': return ids.has(e.id)
    case 'cast': return nullIfNull(e.expr, ids)
    case 'call': return e.fn.nulls === 'propagate' && e.args.some(a => nullIfNull(a, ids))
    case 'compare': return e.op !== 'distinct' && e.op !== 'not_distinct' && (nullIfNull(e.left, ids) || nullIfNull(e.right, ids))
    case 'not': return nullIfNull(e.arg, ids)
    default: return false
  }
}

function pushJoin(original: JoinNode, preds: readonly BoundExpr[]): LogicalPlan {
  const plan = strengthen(original, preds)
  const L = idsOf(plan.left.output), R = idsOf(plan.right.output)
  const onLeft = (e: BoundExpr): boolean => isSubset(referencedColumns(e), L)
  const onRight = (e: BoundExpr): boolean => isSubset(referencedColumns(e), R)
  const own = plan.condition === null ? [] : splitConjuncts(plan.condition).filter(c => !isTrue(c))
  const toLeft: BoundExpr[] = [], toRight: BoundExpr[] = [], cond: BoundExpr[] = [], keep: BoundExpr[] = []
  const build = (joinType: JoinNode['joinType']): LogicalPlan => {
    const condition = conjunction(cond)
    const type = joinType === 'inner' || joinType === 'cross' ? (condition === null ? 'cross' : 'inner') : joinType
    const join: JoinNode = {
      ...plan, joinType: type, condition, left: push(plan.left, toLeft), right: push(plan.right, toRight),
    }
    return above(join, keep)
  }
  switch (plan.joinType) {
    case 'inner': case 'cross': {
      for (const p of preds) {
        if (onLeft(p)) toLeft.push(p)
        else if (onRight(p) && !plan.lateral) toRight.push(p)
        else if (isSubset(referencedColumns(p), new Set([...L, ...R]))) cond.push(p)
        else keep.push(p)
      }
      for (const c of own) {
        if (isVolatile(c)) cond.push(c)
        else if (onLeft(c)) toLeft.push(c)
        else if (onRight(c) && !plan.lateral) toRight.push(c)
        else cond.push(c)
      }
      return build(plan.joinType)
    }
    case 'left': case 'right': {
      const preserved = plan.joinType === 'left' ? onLeft : onRight
      const other = plan.joinType === 'left' ? onRight : onLeft
      const toPreserved = plan.joinType === 'left' ? toLeft : toRight
      const toOther = plan.joinType === 'left' ? toRight : toLeft
      for (const p of preds) (preserved(p) ? toPreserved : keep).push(p)
      for (const c of own) {
        if (!isVolatile(c) && other(c) && !plan.lateral) toOther.push(c)
        else cond.push(c)
      }
      return build(plan.joinType)
    }
    case 'semi': case 'anti': {
      for (const p of preds) (onLeft(p) ? toLeft : keep).push(p)
      for (const c of own) {
        if (isVolatile(c)) cond.push(c)
        else if (onRight(c) && !plan.lateral) toRight.push(c)
        else if (plan.joinType === 'semi' && onLeft(c) && referencedColumns(c).size > 0) toLeft.push(c)
        else cond.push(c)
      }
      return build(plan.joinType)
    }
    case 'mark': case 'single': {
      cond.push(...own)
      for (const p of preds) (onLeft(p) ? toLeft : keep).push(p)
      return build(plan.joinType)
    }
    case 'full':
      cond.push(...own)
      keep.push(...preds)
      return build(plan.joinType)
    case 'asof': case 'asof_left': case 'asof_semi': case 'asof_anti': {
      // a left row's match depends only on that row: left filters commute; conditions over the
      // right side alone narrow the rows that can be matched (DuckDB)
      for (const p of preds) (onLeft(p) ? toLeft : keep).push(p)
      for (const c of own) (!isVolatile(c) && onRight(c) && !plan.lateral ? toRight : cond).push(c)
      return build(plan.joinType)
    }
    default: return assertNever(plan.joinType, 'join type')
  }
}

/**
 * A table function that can skip data (Parquet row groups by their statistics) gets the simple
 * conjuncts — column op constant, IS [NOT] NULL, IN (constants) — as hints; the conjuncts
 * themselves stay in the Filter above, since skipping is never a substitute for filtering.
 */
function withSkipFilters(plan: TableFunctionNode, preds: readonly BoundExpr[]): TableFunctionNode {
  const columnOf = new Map<ColumnId, number>()
  plan.output.forEach((c, i) => columnOf.set(c.id, plan.columns[i]!))
  const column = (e: BoundExpr): number | undefined => e.kind === 'colref' ? columnOf.get(e.id) : undefined
  const flip = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const
  const found: TableFunctionFilter[] = []
  const visit = (e: BoundExpr): void => {
    if (e.kind === 'and') { e.args.forEach(visit); return }
    if (e.kind === 'is_null') {
      const c = column(e.arg)
      if (c !== undefined) found.push({ kind: 'is_null', column: c, not: e.not })
      return
    }
    if (e.kind === 'in_list') {
      const c = column(e.arg)
      if (c === undefined || e.not || !e.list.every(x => x.kind === 'const')) return
      found.push({ kind: 'in', column: c, values: e.list.map(x => x.kind === 'const' ? x.value : null), type: e.arg.type })
      return
    }
    if (e.kind !== 'compare') return
    const op = e.op
    if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return
    // a parameter's value is filled in when the statement runs
    const operand = (x: BoundExpr): { value: Value; type: LogicalType; param?: number } | undefined =>
      x.kind === 'const' && x.value !== null ? { value: x.value, type: x.type }
        : x.kind === 'param' ? { value: null, type: x.type, param: x.index }
          // an integer parameter widened to BIGINT / DOUBLE: the operator widens the value the same way
          : x.kind === 'cast' && !x.try && x.expr.kind === 'param' && (x.type.id === 'BIGINT' || x.type.id === 'DOUBLE') && isNumeric(x.expr.type)
            ? { value: null, type: x.type, param: x.expr.index } : undefined
    const lc = column(e.left), rc = column(e.right)
    const right = operand(e.right), left = operand(e.left)
    if (lc !== undefined && right !== undefined) found.push({ kind: 'compare', column: lc, op, ...right })
    else if (rc !== undefined && left !== undefined) found.push({ kind: 'compare', column: rc, op: flip[op], ...left })
  }
  preds.forEach(visit)
  if (found.length === 0) return plan
  const seen = new Set((plan.filters ?? []).map(f => JSON.stringify(f, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v)))
  const fresh = found.filter(f => !seen.has(JSON.stringify(f, (_k, v: unknown) => typeof v === 'bigint' ? `${v}n` : v)))
  return fresh.length === 0 ? plan : { ...plan, filters: [...(plan.filters ?? []), ...fresh] }
}
