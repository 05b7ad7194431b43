/**
 * Plan and expression plumbing the rules share: rebuilding a node with new children or new
 * expressions, splitting and joining conjunctions, substituting column references.
 */
import { assertNever } from '../errors.ts'
import type {
  BoundAggregateCall, BoundExpr, BoundFrameBound, BoundWindowCall, ColumnId, ColumnRefExpr, OutputColumn, SortKey,
} from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { BOOLEAN, typeEquals } from '../types/types.ts'

/** The node with its inputs replaced (same order as planChildren). */
export function withChildren(p: LogicalPlan, children: readonly LogicalPlan[]): LogicalPlan {
  const [a, b] = children
  switch (p.kind) {
    case 'scan': case 'values': case 'table_function': case 'empty': case 'cte_ref': return p
    case 'filter': case 'project': case 'aggregate': case 'window': case 'sort': case 'limit':
    case 'top_n': case 'distinct': case 'insert': case 'update': case 'delete': case 'unnest':
      return a === p.input ? p : { ...p, input: a! }
    case 'join': case 'set_op': return a === p.left && b === p.right ? p : { ...p, left: a!, right: b! }
    case 'cte': return a === p.definition && b === p.body ? p : { ...p, definition: a!, body: b! }
    case 'recursive_cte': return a === p.anchor && b === p.recursive ? p : { ...p, anchor: a!, recursive: b! }
    default: return assertNever(p, 'plan node')
  }
}

/**
 * The node with every expression it holds (not its inputs' expressions) passed through `f`.
 * Returns the same object when nothing changed, so rules can detect "no rewrite".
 */
export function mapNodeExpressions(p: LogicalPlan, f: (e: BoundExpr) => BoundExpr): LogicalPlan {
  const list = (xs: readonly BoundExpr[]): readonly BoundExpr[] => {
    const ys = xs.map(f)
    return ys.every((y, i) => y === xs[i]) ? xs : ys
  }
  const opt = (x: BoundExpr | null): BoundExpr | null => (x === null ? null : f(x))
  const keys = (ks: readonly SortKey[]): readonly SortKey[] => {
    const ys = ks.map(k => { const e = f(k.expr); return e === k.expr ? k : { ...k, expr: e } })
    return ys.every((y, i) => y === ks[i]) ? ks : ys
  }
  const agg = (c: BoundAggregateCall): BoundAggregateCall => {
    const args = list(c.args), filter = opt(c.filter), orderBy = keys(c.orderBy)
    return args === c.args && filter === c.filter && orderBy === c.orderBy ? c : { ...c, args, filter, orderBy }
  }
  const bound = (b: BoundFrameBound): BoundFrameBound => {
    if (b.kind !== 'preceding' && b.kind !== 'following') return b
    const offset = f(b.offset)
    return offset === b.offset ? b : { ...b, offset }
  }
  const win = (w: BoundWindowCall): BoundWindowCall => {
    const args = list(w.args), partitionBy = list(w.partitionBy), orderBy = keys(w.orderBy)
    const start = bound(w.frame.start), end = bound(w.frame.end)
    const fn = w.fn.kind === 'aggregate' ? (() => { const a = agg(w.fn.aggregate); return a === w.fn.aggregate ? w.fn : { kind: 'aggregate' as const, aggregate: a } })() : w.fn
    if (args === w.args && partitionBy === w.partitionBy && orderBy === w.orderBy && start === w.frame.start &&
      end === w.frame.end && fn === w.fn) return w
    return { ...w, fn, args, partitionBy, orderBy, frame: { ...w.frame, start, end } }
  }
  const same = <T>(xs: readonly T[], ys: readonly T[]): boolean => xs.length === ys.length && xs.every((x, i) => x === ys[i])
  switch (p.kind) {
    case 'scan': { const filters = list(p.filters); return filters === p.filters ? p : { ...p, filters } }
    case 'filter': { const predicate = f(p.predicate); return predicate === p.predicate ? p : { ...p, predicate } }
    case 'project': { const exprs = list(p.exprs); return exprs === p.exprs ? p : { ...p, exprs } }
    case 'unnest': { const lists = list(p.lists); return lists === p.lists ? p : { ...p, lists } }
    case 'aggregate': {
      const groups = list(p.groups), aggregates = p.aggregates.map(agg)
      return groups === p.groups && same(aggregates, p.aggregates) ? p : { ...p, groups, aggregates }
    }
    case 'window': { const windows = p.windows.map(win); return same(windows, p.windows) ? p : { ...p, windows } }
    case 'join': { const condition = opt(p.condition); return condition === p.condition ? p : { ...p, condition } }
    case 'sort': { const k = keys(p.keys); return k === p.keys ? p : { ...p, keys: k } }
    case 'limit': {
      const limit = opt(p.limit), offset = opt(p.offset)
      return limit === p.limit && offset === p.offset ? p : { ...p, limit, offset }
    }
    case 'top_n': {
      const k = keys(p.keys), limit = f(p.limit), offset = opt(p.offset)
      return k === p.keys && limit === p.limit && offset === p.offset ? p : { ...p, keys: k, limit, offset }
    }
    case 'distinct': {
      const on = p.on === null ? null : list(p.on), orderBy = keys(p.orderBy)
      return on === p.on && orderBy === p.orderBy ? p : { ...p, on, orderBy }
    }
    case 'values': {
      const rows = p.rows.map(list)
      return same(rows, p.rows) ? p : { ...p, rows }
    }
    case 'insert': {
      const returning = list(p.returning)
      let onConflict = p.onConflict
      if (onConflict !== null) {
        const set = onConflict.set.map(s => { const v = f(s.value); return v === s.value ? s : { ...s, value: v } })
        const where = opt(onConflict.where)
        if (!same(set, onConflict.set) || where !== onConflict.where) onConflict = { ...onConflict, set, where }
      }
      return returning === p.returning && onConflict === p.onConflict ? p : { ...p, returning, onConflict }
    }
    case 'update': {
      const values = list(p.values), returning = list(p.returning)
      return values === p.values && returning === p.returning ? p : { ...p, values, returning }
    }
    case 'delete': { const returning = list(p.returning); return returning === p.returning ? p : { ...p, returning } }
    case 'set_op': case 'table_function': case 'empty': case 'cte': case 'cte_ref': case 'recursive_cte': return p
    default: return assertNever(p, 'plan node')
  }
}

/** Every expression a node holds (not its inputs'). */
export function nodeExpressions(p: LogicalPlan): BoundExpr[] {
  const out: BoundExpr[] = []
  mapNodeExpressions(p, e => { out.push(e); return e })
  return out
}

/** Applies `f` bottom-up to every node of the tree; keeps identity where nothing changed. */
export function transformUp(p: LogicalPlan, f: (p: LogicalPlan) => LogicalPlan): LogicalPlan {
  const kids = childrenOf(p)
  const next = kids.map(k => transformUp(k, f))
  const rebuilt = next.every((k, i) => k === kids[i]) ? p : withChildren(p, next)
  return f(rebuilt)
}

/**
 * Applies `f` bottom-up to every node, the plans of subqueries in node expressions included;
 * undefined when nothing changed (the shape an OptimizerRule's rewrite returns).
 */
export function rewriteEveryNode(plan: LogicalPlan, f: (node: LogicalPlan) => LogicalPlan): LogicalPlan | undefined {
  const walk = (p: LogicalPlan): LogicalPlan => transformUp(p, node => f(mapNodeExpressions(node, e => mapSubqueryPlans(e, walk))))
  const next = walk(plan)
  return next === plan ? undefined : next
}

function childrenOf(p: LogicalPlan): readonly LogicalPlan[] {
  switch (p.kind) {
    case 'scan': case 'values': case 'table_function': case 'empty': case 'cte_ref': return []
    case 'filter': case 'project': case 'aggregate': case 'window': case 'sort': case 'limit':
    case 'top_n': case 'distinct': case 'insert': case 'update': case 'delete': case 'unnest':
      return [p.input]
    case 'join': case 'set_op': return [p.left, p.right]
    case 'cte': return [p.definition, p.body]
    case 'recursive_cte': return [p.anchor, p.recursive]
    default: return assertNever(p, 'plan node')
  }
}

/** Rewrites the plans of subqueries inside a node's expressions (and nested ones) with `f`. */
export function mapSubqueryPlans(e: BoundExpr, f: (p: LogicalPlan) => LogicalPlan): BoundExpr {
  return mapExpr(e, x => {
    if (x.kind !== 'subquery') return x
    const plan = f(x.plan)
    return plan === x.plan ? x : { ...x, plan }
  })
}

/** Bottom-up expression rewrite; keeps identity where nothing changed. */
export function mapExpr(e: BoundExpr, f: (e: BoundExpr) => BoundExpr): BoundExpr {
  const kids = (xs: readonly BoundExpr[]): readonly BoundExpr[] => {
    const ys = xs.map(x => mapExpr(x, f))
    return ys.every((y, i) => y === xs[i]) ? xs : ys
  }
  let r: BoundExpr = e
  switch (e.kind) {
    case 'colref': case 'const': case 'param': break
    case 'call': { const args = kids(e.args); if (args !== e.args) r = { ...e, args }; break }
    case 'cast': { const x = mapExpr(e.expr, f); if (x !== e.expr) r = { ...e, expr: x }; break }
    case 'compare': {
      const left = mapExpr(e.left, f), right = mapExpr(e.right, f)
      if (left !== e.left || right !== e.right) r = { ...e, left, right }
      break
    }
    case 'and': case 'or': { const args = kids(e.args); if (args !== e.args) r = { ...e, args }; break }
    case 'not': case 'is_null': { const arg = mapExpr(e.arg, f); if (arg !== e.arg) r = { ...e, arg }; break }
    case 'case': {
      const whens = e.whens.map(w => {
        const when = mapExpr(w.when, f), then = mapExpr(w.then, f)
        return when === w.when && then === w.then ? w : { when, then }
      })
      const els = mapExpr(e.else, f)
      if (els !== e.else || whens.some((w, i) => w !== e.whens[i])) r = { ...e, whens, else: els }
      break
    }
    case 'in_list': {
      const arg = mapExpr(e.arg, f), list = kids(e.list)
      if (arg !== e.arg || list !== e.list) r = { ...e, arg, list }
      break
    }
    case 'subquery': {
      // correlated refs are outer columns: substitutions must reach them too
      const left = e.left === null ? null : mapExpr(e.left, f)
      if (left !== e.left) r = { ...e, left }
      break
    }
    default: return assertNever(e, 'expression')
  }
  return f(r)
}

export function splitConjuncts(e: BoundExpr, into: BoundExpr[] = []): BoundExpr[] {
  if (e.kind === 'and') for (const a of e.args) splitConjuncts(a, into)
  else into.push(e)
  return into
}

export function conjunction(parts: readonly BoundExpr[]): BoundExpr | null {
  if (parts.length === 0) return null
  if (parts.length === 1) return parts[0]!
  return { kind: 'and', args: parts, type: BOOLEAN }
}

/** Replaces column references found in `map`. */
export function substitute(e: BoundExpr, map: ReadonlyMap<ColumnId, BoundExpr>): BoundExpr {
  return mapExpr(e, x => (x.kind === 'colref' ? map.get(x.id) ?? x : x))
}

export function colrefOf(c: OutputColumn): ColumnRefExpr {
  return { kind: 'colref', id: c.id, type: c.type, name: c.name }
}

export function idsOf(output: readonly OutputColumn[]): Set<ColumnId> {
  return new Set(output.map(c => c.id))
}

export function refsOf(es: readonly BoundExpr[]): Set<ColumnId> {
  const s = new Set<ColumnId>()
  for (const e of es) referencedColumns(e, s)
  return s
}

export function isSubset(a: ReadonlySet<ColumnId>, b: ReadonlySet<ColumnId>): boolean {
  for (const x of a) if (!b.has(x)) return false
  return true
}

/** True when the expression calls a volatile function or holds a subquery anywhere. */
export function hasSideEffectsOrSubquery(e: BoundExpr): boolean {
  let found = false
  mapExpr(e, x => {
    if (x.kind === 'subquery' || (x.kind === 'call' && x.fn.volatility === 'volatile')) found = true
    return x
  })
  return found
}

export function sameOutput(a: readonly OutputColumn[], b: readonly OutputColumn[]): boolean {
  return a.length === b.length && a.every((c, i) => c.id === b[i]!.id && typeEquals(c.type, b[i]!.type))
}

/** Every column id any expression in the tree reads (for LATERAL inputs that read outer columns). */
export function planReferences(p: LogicalPlan, into: Set<ColumnId> = new Set()): Set<ColumnId> {
  for (const e of nodeExpressions(p)) referencedColumns(e, into)
  for (const c of childrenOf(p)) planReferences(c, into)
  return into
}

/** True when the expression calls a volatile function anywhere (random(), nextval()). */
export function containsVolatile(e: BoundExpr): boolean {
  let found = false
  mapExpr(e, x => { if (x.kind === 'call' && x.fn.volatility === 'volatile') found = true; return x })
  return found
}
