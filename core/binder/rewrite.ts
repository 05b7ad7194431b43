/**
 * Helpers over bound expressions: a structural key (to find repeated expressions, e.g. a
 * GROUP BY expression reused in the SELECT list) and a top-down rewrite.
 */
import { assertNever } from '../errors.ts'
import type { BoundExpr, SubqueryBoundExpr } from '../plan/expr.ts'
import { typeToString } from '../types/types.ts'

const subqueryIds = new WeakMap<SubqueryBoundExpr, number>()
let nextSubqueryId = 0

function valueKey(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'string') return JSON.stringify(v)
  if (v instanceof Uint8Array) return `x${Buffer.from(v).toString('hex')}`
  if (v !== null && typeof v === 'object') {
    if (Array.isArray(v)) return `[${v.map(valueKey).join(',')}]`
    return `{${Object.entries(v).map(([k, x]) => `${k}:${valueKey(x)}`).join(',')}}`
  }
  return String(v)
}

/** Equal keys ⇔ the expressions compute the same thing (subqueries are only equal to themselves). */
export function exprKey(e: BoundExpr): string {
  switch (e.kind) {
    case 'colref': return `#${e.id}`
    case 'const': return `c(${valueKey(e.value)}:${typeToString(e.type)})`
    case 'param': return `$${e.index}:${typeToString(e.type)}`
    case 'call': return `${e.fn.name}/${e.fn.argTypes.map(typeToString).join(',')}(${e.args.map(exprKey).join(',')})`
    case 'cast': return `cast${e.try ? '?' : ''}(${exprKey(e.expr)}:${typeToString(e.type)})`
    case 'compare': return `(${exprKey(e.left)}${e.op}${exprKey(e.right)})`
    case 'and': case 'or': return `${e.kind}(${e.args.map(exprKey).join(',')})`
    case 'not': return `not(${exprKey(e.arg)})`
    case 'is_null': return `isnull${e.not ? '!' : ''}(${exprKey(e.arg)})`
    case 'case': return `case(${e.whens.map(w => `${exprKey(w.when)}:${exprKey(w.then)}`).join(',')};${exprKey(e.else)})`
    case 'in_list': return `in${e.not ? '!' : ''}(${exprKey(e.arg)};${e.list.map(exprKey).join(',')})`
    case 'subquery': {
      let id = subqueryIds.get(e)
      if (id === undefined) { id = ++nextSubqueryId; subqueryIds.set(e, id) }
      return `sq${id}`
    }
    default: return assertNever(e, 'expression')
  }
}

/** Rewrites top-down: where `f` returns an expression it replaces the subtree. */
export function rewriteExpr(e: BoundExpr, f: (e: BoundExpr) => BoundExpr | undefined): BoundExpr {
  const r = f(e)
  if (r !== undefined) return r
  const go = (x: BoundExpr): BoundExpr => rewriteExpr(x, f)
  switch (e.kind) {
    case 'colref': case 'const': case 'param': return e
    case 'call': return { ...e, args: e.args.map(go) }
    case 'cast': return { ...e, expr: go(e.expr) }
    case 'compare': return { ...e, left: go(e.left), right: go(e.right) }
    case 'and': case 'or': return { ...e, args: e.args.map(go) }
    case 'not': case 'is_null': return { ...e, arg: go(e.arg) }
    case 'case': return { ...e, whens: e.whens.map(w => ({ when: go(w.when), then: go(w.then) })), else: go(e.else) }
    case 'in_list': return { ...e, arg: go(e.arg), list: e.list.map(go) }
    case 'subquery': {
      // the plan's own references stay; the correlated list and the left operand follow the rewrite
      const correlated = e.correlated.map(c => { const x = go(c); return x.kind === 'colref' ? x : c })
      return { ...e, left: e.left === null ? null : go(e.left), correlated }
    }
    default: return assertNever(e, 'expression')
  }
}
