/**
 * What PostgreSQL (12 and later) looks at to decide whether a WITH query without MATERIALIZED /
 * NOT MATERIALIZED is computed once or folded into the query that reads it: how many times the
 * query names it, and whether it calls a volatile function. Both are read from the syntax tree
 * before anything is bound, so a CTE read once is still bound at its one reference.
 */
import type { CommonTableExpr, Query } from '../parser/ast.ts'
import type { Hooks } from '../hooks/registry.ts'

/**
 * FROM-clause references to the CTE `name` in `node` (the query or statement the WITH belongs
 * to, without its WITH clause). A nested WITH that defines the same name hides it from its body
 * and from the CTEs after it.
 */
export function countCteReferences(node: unknown, name: string): number {
  return count(node, name.toLowerCase())
}

function count(node: unknown, name: string): number {
  if (node === null || typeof node !== 'object') return 0
  if (Array.isArray(node)) {
    let n = 0
    for (const x of node) n += count(x, name)
    return n
  }
  const n = node as { readonly kind?: unknown; readonly name?: unknown; readonly with?: unknown }
  if (n.kind === 'table_ref' && Array.isArray(n.name) && n.name.length === 1 && String(n.name[0]).toLowerCase() === name) return 1
  if (n.kind === 'query' && n.with !== null && typeof n.with === 'object') {
    const q = node as Query
    const ctes = q.with!.ctes
    const at = ctes.findIndex(c => c.name.toLowerCase() === name)
    if (at >= 0) {
      // CTEs before the one that shadows the name still see ours (and that one too unless RECURSIVE)
      const visible = ctes.slice(0, q.with!.recursive ? at : at + 1)
      return visible.reduce((sum, c) => sum + count(c.query, name), 0)
    }
  }
  let total = 0
  for (const value of Object.values(node)) total += count(value, name)
  return total
}

/** Does the CTE's query call a volatile function (random(), nextval(), …) anywhere, subqueries included? */
export function callsVolatileFunction(cte: CommonTableExpr, hooks: Hooks): boolean {
  return volatileIn(cte.query, hooks)
}

function volatileIn(node: unknown, hooks: Hooks): boolean {
  if (node === null || typeof node !== 'object') return false
  if (Array.isArray(node)) return node.some(x => volatileIn(x, hooks))
  const n = node as { readonly kind?: unknown; readonly name?: unknown }
  if (n.kind === 'function' && Array.isArray(n.name)) {
    const fn = String(n.name[n.name.length - 1])
    if (hooks.scalar(fn)?.some(d => d.volatility === 'volatile') === true) return true
  }
  return Object.values(node).some(v => volatileIn(v, hooks))
}
