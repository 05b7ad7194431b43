/**
 * or_factorization: makes ORs of conjunctions usable by filter_pushdown and the join planner.
 *
 * 1. Conjuncts common to every branch are pulled out:
 *    `(a AND x) OR (a AND y)` → `a AND (x OR y)`; a branch left empty makes the OR TRUE
 *    (`a OR (a AND y)` → `a`). Distributivity and absorption hold in three-valued logic, so this
 *    is an exact rewrite. Without it a join equality inside every branch is invisible and the
 *    join becomes a nested loop (TPC-H q19).
 * 2. For every input relation that all branches constrain, the branches restricted to that
 *    relation are OR-ed into an extra conjunct: `(n1 = 'F' AND n2 = 'G') OR (n1 = 'G' AND n2 = 'F')`
 *    implies `n1 IN ('F', 'G')` and `n2 IN ('G', 'F')` (TPC-H q07). The original OR stays; the
 *    derived filters only let pushdown filter each input early. They are implied (TRUE whenever
 *    the original is TRUE), so they go only where rows are kept on TRUE alone: filters and join
 *    conditions (not mark joins, whose mark column tells FALSE from NULL).
 */
import { assertNever } from '../../errors.ts'
import type { BoundExpr, ColumnId } from '../../plan/expr.ts'
import { referencedColumns } from '../../plan/expr.ts'
import type { LogicalPlan } from '../../plan/logical.ts'
import { BOOLEAN, typeEquals, type Value } from '../../types/types.ts'
import type { OptimizerRule } from '../index.ts'
import { MIRRORED } from './constant_folding.ts'
import {
  conjunction, hasSideEffectsOrSubquery, idsOf, isSubset, rewriteEveryNode, splitConjuncts,
} from '../plan-util.ts'

export const orFactorization: OptimizerRule = {
  name: 'or_factorization',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    return rewriteEveryNode(plan, rewriteNode)
  },
}

function rewriteNode(node: LogicalPlan): LogicalPlan {
  if (node.kind === 'filter') {
    const predicate = rewritePredicate(node.predicate, relationsOf(node.input))
    return predicate === node.predicate ? node : { ...node, predicate }
  }
  if (node.kind === 'join' && node.condition !== null && node.joinType !== 'mark') {
    const condition = rewritePredicate(node.condition, [...relationsOf(node.left), ...relationsOf(node.right)])
    return condition === node.condition ? node : { ...node, condition }
  }
  return node
}

/** The column sets of the inputs below a tree of joins (and filters, which keep their input's columns). */
function relationsOf(p: LogicalPlan, into: Set<ColumnId>[] = []): Set<ColumnId>[] {
  if (p.kind === 'join') {
    relationsOf(p.left, into)
    relationsOf(p.right, into)
  } else if (p.kind === 'filter') {
    relationsOf(p.input, into)
  } else {
    into.push(idsOf(p.output))
  }
  return into
}

/** Returns the same object when nothing changed. */
export function rewritePredicate(predicate: BoundExpr, relations: readonly ReadonlySet<ColumnId>[]): BoundExpr {
  const conjuncts = splitConjuncts(predicate)
  if (!conjuncts.some(c => c.kind === 'or')) return predicate
  const out: BoundExpr[] = []
  const add = (e: BoundExpr): void => { if (!out.some(o => exprEquals(o, e))) out.push(e) }
  let changed = false
  for (const c of conjuncts) {
    if (c.kind !== 'or') { add(c); continue }
    const parts = factorOr(c)
    if (parts.length !== 1 || parts[0] !== c) changed = true
    for (const part of parts) {
      add(part)
      if (part.kind !== 'or') continue
      for (const derived of deriveRelationFilters(part, relations)) {
        if (!out.some(o => exprEquals(o, derived))) { out.push(derived); changed = true }
      }
    }
  }
  return changed ? conjunction(out) ?? predicate : predicate
}

function branchesOf(or: BoundExpr, into: BoundExpr[] = []): BoundExpr[] {
  if (or.kind === 'or') for (const a of or.args) branchesOf(a, into)
  else into.push(or)
  return into
}

/**
 * `OR(branches)` as a list of conjuncts: the ones common to every branch, then the OR of what
 * is left (omitted when a branch is left with nothing, since that branch is then TRUE).
 */
export function factorOr(or: BoundExpr): BoundExpr[] {
  const branches = branchesOf(or).map(b => splitConjuncts(b))
  const [first, ...others] = branches
  if (first === undefined) return [or]
  const common: BoundExpr[] = []
  for (const c of first) {
    // two calls of random() are two different values: never treat them as one
    if (hasSideEffectsOrSubquery(c)) continue
    if (common.some(x => exprEquals(x, c))) continue
    if (others.every(b => b.some(x => exprEquals(x, c)))) common.push(c)
  }
  if (common.length === 0) return [or]
  const rests = branches.map(b => b.filter(x => !common.some(y => exprEquals(x, y))))
  if (rests.some(r => r.length === 0)) return common
  return [...common, orOf(rests.map(r => conjunction(r)!))]
}

function orOf(branches: readonly BoundExpr[]): BoundExpr {
  const distinct: BoundExpr[] = []
  for (const b of branches) if (!distinct.some(d => exprEquals(d, b))) distinct.push(b)
  if (distinct.length === 1) return distinct[0]!
  return asInList(distinct) ?? { kind: 'or', args: distinct, type: BOOLEAN }
}

/** `x = c1 OR x = c2 …` as `x IN (c1, c2, …)` (same three-valued result), when every branch has that form. */
function asInList(branches: readonly BoundExpr[]): BoundExpr | null {
  let arg: BoundExpr | null = null
  const list: BoundExpr[] = []
  for (const b of branches) {
    if (b.kind !== 'compare' || b.op !== '=') return null
    const [x, c] = b.right.kind === 'const' ? [b.left, b.right] : b.left.kind === 'const' ? [b.right, b.left] : [null, null]
    if (x === null || c === null) return null
    if (arg === null) arg = x
    else if (!exprEquals(arg, x) || !typeEquals(arg.type, c.type)) return null
    list.push(c)
  }
  if (arg === null || hasSideEffectsOrSubquery(arg)) return null
  return { kind: 'in_list', arg, list, not: false, type: BOOLEAN }
}

/**
 * For each relation every branch constrains, the OR of the branches cut down to their conjuncts
 * over that relation alone. Skipped when the OR reads that relation only (it is pushed down whole).
 */
function deriveRelationFilters(or: BoundExpr, relations: readonly ReadonlySet<ColumnId>[]): BoundExpr[] {
  const branches = branchesOf(or).map(b => splitConjuncts(b).map(c => ({ c, refs: referencedColumns(c) })))
  const all = referencedColumns(or)
  const out: BoundExpr[] = []
  for (const rel of relations) {
    // an OR over this relation alone is pushed down as it is
    if (isSubset(all, rel)) continue
    const restricted: BoundExpr[][] = []
    for (const b of branches) {
      const r = b.filter(x => x.refs.size > 0 && isSubset(x.refs, rel) && !hasSideEffectsOrSubquery(x.c)).map(x => x.c)
      if (r.length === 0) break
      restricted.push(r)
    }
    if (restricted.length !== branches.length) continue
    const parts = factorOr(orOf(restricted.map(r => conjunction(r)!)))
    out.push(...parts)
  }
  return out
}

/** Structural equality of bound expressions; `a = b` equals `b = a` and `a < b` equals `b > a`. */
export function exprEquals(a: BoundExpr, b: BoundExpr): boolean {
  if (a === b) return true
  if (a.kind !== b.kind) return false
  switch (a.kind) {
    case 'colref': return a.id === (b as typeof a).id
    case 'const': {
      const o = b as typeof a
      return typeEquals(a.type, o.type) && valueEquals(a.value, o.value)
    }
    case 'param': { const o = b as typeof a; return a.index === o.index && typeEquals(a.type, o.type) }
    case 'call': {
      const o = b as typeof a
      return (a.fn === o.fn || (a.fn.name === o.fn.name && typeEquals(a.fn.returns, o.fn.returns) &&
        a.fn.argTypes.length === o.fn.argTypes.length && a.fn.argTypes.every((t, i) => typeEquals(t, o.fn.argTypes[i]!)))) &&
        typeEquals(a.type, o.type) && listEquals(a.args, o.args)
    }
    case 'cast': {
      const o = b as typeof a
      return a.try === o.try && typeEquals(a.type, o.type) && exprEquals(a.expr, o.expr)
    }
    case 'compare': {
      const o = b as typeof a
      if (a.op === o.op && exprEquals(a.left, o.left) && exprEquals(a.right, o.right)) return true
      return MIRRORED[a.op] === o.op && exprEquals(a.left, o.right) && exprEquals(a.right, o.left)
    }
    case 'and': case 'or': return listEquals(a.args, (b as typeof a).args)
    case 'not': return exprEquals(a.arg, (b as typeof a).arg)
    case 'is_null': { const o = b as typeof a; return a.not === o.not && exprEquals(a.arg, o.arg) }
    case 'case': {
      const o = b as typeof a
      return typeEquals(a.type, o.type) && a.whens.length === o.whens.length &&
        a.whens.every((w, i) => exprEquals(w.when, o.whens[i]!.when) && exprEquals(w.then, o.whens[i]!.then)) &&
        exprEquals(a.else, o.else)
    }
    case 'in_list': {
      const o = b as typeof a
      return a.not === o.not && exprEquals(a.arg, o.arg) && listEquals(a.list, o.list)
    }
    // two subqueries are the same only as the same object (checked above)
    case 'subquery': return false
    default: return assertNever(a, 'expression')
  }
}

function listEquals(a: readonly BoundExpr[], b: readonly BoundExpr[]): boolean {
  return a.length === b.length && a.every((x, i) => exprEquals(x, b[i]!))
}

function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true
  if (a === null || b === null) return false
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b)
  if (typeof a !== 'object' || typeof b !== 'object') return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i])
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false
    const xs = a as readonly Value[], ys = b as readonly Value[]
    return xs.length === ys.length && xs.every((x, i) => valueEquals(x, ys[i]!))
  }
  const ra = a as { readonly [k: string]: Value }, rb = b as { readonly [k: string]: Value }
  const ka = Object.keys(ra), kb = Object.keys(rb)
  return ka.length === kb.length && ka.every(k => k in rb && valueEquals(ra[k]!, rb[k]!))
}
