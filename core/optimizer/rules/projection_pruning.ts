/**
 * projection_pruning: walks down with the set of columns the consumer needs and drops the rest
 * — scan columns, projected expressions, unused aggregates and window calls, VALUES and table
 * function columns — so less data is read and carried. The root keeps all of its columns.
 * Every node keeps at least one column, so row counts stay visible to operators. A materialised
 * CTE computes only the columns some reference reads; the others become NULL, since CTE scans
 * read the stored rows by position.
 */
import { assertNever } from '../../errors.ts'
import type { BoundExpr, ColumnId, OutputColumn } from '../../plan/expr.ts'
import { exprChildren, referencedColumns } from '../../plan/expr.ts'
import { type LogicalPlan, planChildren, type ProjectNode } from '../../plan/logical.ts'
import type { OptimizerRule } from '../index.ts'
import {
  containsVolatile, idsOf, mapNodeExpressions, mapSubqueryPlans, nodeExpressions, planReferences, refsOf, substitute,
  withChildren,
} from '../plan-util.ts'

export const projectionPruning: OptimizerRule = {
  name: 'projection_pruning',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    const counts = new Map<number, number>()
    countCteNodes(plan, counts)
    cteReads = new Map([...counts].filter(([, n]) => n === 1).map(([id]) => [id, new Set<number>()]))
    try {
      const next = pruneAll(plan)
      return next === plan ? undefined : next
    } finally {
      cteReads = new Map()
    }
  },
}

/**
 * While a rewrite runs: for each CTE defined by exactly one CteNode, the positions of its
 * columns that some CTE scan's consumers read (filled as the body is pruned, before its definition).
 */
let cteReads = new Map<number, Set<number>>()

function countCteNodes(p: LogicalPlan, counts: Map<number, number>): void {
  if (p.kind === 'cte') counts.set(p.cteId, (counts.get(p.cteId) ?? 0) + 1)
  for (const e of nodeExpressions(p)) mapSubqueryPlans(e, sub => { countCteNodes(sub, counts); return sub })
  for (const c of planChildren(p)) countCteNodes(c, counts)
}

/** A CTE definition whose unread columns are NULL constants (volatile ones still run), then pruned below. */
function pruneDefinition(definition: LogicalPlan, read: ReadonlySet<number> | undefined): LogicalPlan {
  if (read === undefined || definition.kind !== 'project' || read.size === definition.output.length) return pruneAll(definition)
  let changed = false
  const exprs = definition.exprs.map((e, i): BoundExpr => {
    if (read.has(i) || e.kind === 'const' || containsVolatile(e)) return e
    changed = true
    return { kind: 'const', value: null, type: definition.output[i]!.type }
  })
  return pruneAll(changed ? { ...definition, exprs } : definition)
}

/** Prunes a plan whose every output column is needed (the root, subquery plans). */
function pruneAll(plan: LogicalPlan): LogicalPlan {
  return prune(plan, idsOf(plan.output))
}

/** Indexes of the entries to keep: the needed ones, or the first when none is needed. */
function keepIndexes(output: readonly OutputColumn[], need: ReadonlySet<ColumnId>): number[] {
  const keep: number[] = []
  output.forEach((c, i) => { if (need.has(c.id)) keep.push(i) })
  if (keep.length === 0 && output.length > 0) keep.push(0)
  return keep
}

function union(a: ReadonlySet<ColumnId>, b: Iterable<ColumnId>): Set<ColumnId> {
  const s = new Set(a)
  for (const x of b) s.add(x)
  return s
}

function prune(input: LogicalPlan, need: ReadonlySet<ColumnId>): LogicalPlan {
  const plan = mapNodeExpressions(input, e => mapSubqueryPlans(e, pruneAll))
  const own = refsOf(nodeExpressions(plan))
  switch (plan.kind) {
    case 'scan': {
      const required = union(need, own)
      const keep = keepIndexes(plan.output, required)
      if (keep.length === plan.output.length) return plan
      return { ...plan, output: keep.map(i => plan.output[i]!), columns: keep.map(i => plan.columns[i]!) }
    }
    case 'project': {
      const keep = keepIndexes(plan.output, need)
      const exprs = keep.map(i => plan.exprs[i]!)
      const child = prune(plan.input, refsOf(exprs))
      if (child.kind === 'project') {
        const merged = mergeProjects(exprs, child)
        if (merged !== undefined) return { ...plan, input: child.input, exprs: merged, output: keep.map(i => plan.output[i]!) }
      }
      if (keep.length === plan.output.length && child === plan.input) return plan
      return { ...plan, input: child, exprs, output: keep.map(i => plan.output[i]!) }
    }
    case 'aggregate': {
      const g = plan.groups.length
      const aggIndexes: number[] = []
      plan.aggregates.forEach((_, k) => { if (need.has(plan.output[g + k]!.id)) aggIndexes.push(k) })
      // a global aggregate must still yield its one row: keep one aggregate when none is needed
      if (aggIndexes.length === 0 && g === 0 && plan.aggregates.length > 0) aggIndexes.push(0)
      const aggregates = aggIndexes.map(k => plan.aggregates[k]!)
      const required = refsOf(plan.groups)
      for (const a of aggregates) {
        for (const x of a.args) referencedColumns(x, required)
        if (a.filter !== null) referencedColumns(a.filter, required)
        for (const k of a.orderBy) referencedColumns(k.expr, required)
      }
      const child = prune(plan.input, required)
      if (aggregates.length === plan.aggregates.length && child === plan.input) return plan
      const output = [
        ...plan.output.slice(0, g),
        ...aggIndexes.map(k => plan.output[g + k]!),
        ...plan.output.slice(g + plan.aggregates.length),
      ]
      return { ...plan, input: child, aggregates, output }
    }
    case 'window': {
      const base = plan.input.output.length
      const kept = plan.windows.map((_, k) => k).filter(k => need.has(plan.output[base + k]!.id))
      const windows = kept.map(k => plan.windows[k]!)
      const required = new Set<ColumnId>()
      const inputIds = idsOf(plan.input.output)
      for (const id of need) if (inputIds.has(id)) required.add(id)
      const windowRefs = refsOf(nodeExpressions({ ...plan, windows }))
      const child = prune(plan.input, union(required, windowRefs))
      if (windows.length === plan.windows.length && child === plan.input) return plan
      return { ...plan, input: child, windows, output: [...child.output, ...kept.map(k => plan.output[base + k]!)] }
    }
    case 'join': {
      const required = union(need, own)
      if (plan.markColumn !== null) required.delete(plan.markColumn.id)
      if (plan.lateral) planReferences(plan.right, required)
      const left = prune(plan.left, required)
      // semi/anti/mark output only the left side, but the condition may read the right
      const right = prune(plan.right, required)
      if (left === plan.left && right === plan.right) return plan
      const available = union(idsOf(left.output), idsOf(right.output))
      if (plan.markColumn !== null) available.add(plan.markColumn.id)
      return { ...plan, left, right, output: plan.output.filter(c => available.has(c.id)) }
    }
    case 'filter': case 'sort': case 'limit': case 'top_n': {
      const child = prune(plan.input, union(need, own))
      return child === plan.input ? plan : { ...plan, input: child, output: child.output }
    }
    case 'distinct': {
      // every column takes part in DISTINCT; DISTINCT ON keeps whole rows
      const child = pruneAll(plan.input)
      return child === plan.input ? plan : { ...plan, input: child }
    }
    case 'values': {
      const keep = keepIndexes(plan.output, need)
      if (keep.length === plan.output.length) return plan
      return { ...plan, output: keep.map(i => plan.output[i]!), rows: plan.rows.map(r => keep.map(i => r[i]!)) }
    }
    case 'table_function': {
      const keep = keepIndexes(plan.output, need)
      if (keep.length === plan.output.length) return plan
      return { ...plan, output: keep.map(i => plan.output[i]!), columns: keep.map(i => plan.columns[i]!) }
    }
    case 'empty': {
      const keep = keepIndexes(plan.output, need)
      return keep.length === plan.output.length ? plan : { ...plan, output: keep.map(i => plan.output[i]!) }
    }
    case 'cte': {
      const body = prune(plan.body, need)
      const definition = pruneDefinition(plan.definition, cteReads.get(plan.cteId))
      if (definition === plan.definition && body === plan.body) return plan
      return { ...plan, definition, body, output: body.output }
    }
    case 'update': {
      const child = prune(plan.input, union(own, [plan.rowIdColumn]))
      return child === plan.input ? plan : { ...plan, input: child }
    }
    case 'delete': {
      const child = prune(plan.input, new Set([plan.rowIdColumn]))
      return child === plan.input ? plan : { ...plan, input: child }
    }
    case 'set_op': case 'recursive_cte': case 'insert': {
      const kids = plan.kind === 'set_op' ? [plan.left, plan.right]
        : plan.kind === 'recursive_cte' ? [plan.anchor, plan.recursive] : [plan.input]
      const next = kids.map(pruneAll)
      return next.every((k, i) => k === kids[i]) ? plan : withChildren(plan, next)
    }
    case 'cte_ref': {
      const read = cteReads.get(plan.cteId)
      if (read !== undefined) plan.output.forEach((c, i) => { if (need.has(c.id)) read.add(i) })
      return plan
    }
    case 'unnest': {
      // every list decides how many rows come out: all stay, and the inputs they read
      const child = prune(plan.input, union(need, own))
      if (child === plan.input) return plan
      const base = plan.output.length - plan.lists.length
      return { ...plan, input: child, output: [...child.output, ...plan.output.slice(base)] }
    }
    default: return assertNever(plan, 'plan node')
  }
}

/**
 * A projection over a projection becomes one, substituting the inner expressions, unless that
 * would compute an expensive or volatile inner expression more than once.
 */
function mergeProjects(outer: readonly BoundExpr[], inner: ProjectNode): BoundExpr[] | undefined {
  const uses = new Map<ColumnId, number>()
  const count = (e: BoundExpr): void => {
    if (e.kind === 'colref') uses.set(e.id, (uses.get(e.id) ?? 0) + 1)
    for (const c of exprChildren(e)) count(c)
  }
  outer.forEach(count)
  const map = new Map<ColumnId, BoundExpr>()
  for (let i = 0; i < inner.exprs.length; i++) {
    const e = inner.exprs[i]!, id = inner.output[i]!.id
    const cheap = e.kind === 'colref' || e.kind === 'const' || e.kind === 'param'
    if (!cheap && (containsVolatile(e) || hasSubquery(e) || (uses.get(id) ?? 0) > 1)) return undefined
    map.set(id, e)
  }
  if (outer.some(hasSubquery)) return undefined
  return outer.map(e => substitute(e, map))
}

function hasSubquery(e: BoundExpr): boolean {
  let found = false
  mapSubqueryPlans(e, p => { found = true; return p })
  return found
}
