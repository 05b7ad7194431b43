/**
 * constant_folding: evaluates constant subexpressions once at plan time, simplifies AND/OR/NOT
 * and CASE around known values, removes filters that are always true and turns those that can
 * never be true into an empty result. Volatile calls are never folded, and an expression whose
 * evaluation fails (1/0, a bad cast) is left for execution to report, only if a row reaches it.
 */
import type { ExprEnv } from '../../expression/index.ts'
import { evaluateConstant, isConstantExpression } from '../../expression/index.ts'
import type { BoundExpr, CompareOp } from '../../plan/expr.ts'
import type { EmptyNode, LogicalPlan } from '../../plan/logical.ts'
import { BOOLEAN } from '../../types/types.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import { assertNever } from '../../errors.ts'
import { containsVolatile, mapExpr, mapNodeExpressions, mapSubqueryPlans, splitConjuncts, transformUp } from '../plan-util.ts'

export const constantFolding: OptimizerRule = {
  name: 'constant_folding',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    const next = foldPlan(plan, ctx.env)
    return next === plan ? undefined : next
  },
}

function foldPlan(plan: LogicalPlan, env: ExprEnv): LogicalPlan {
  return transformUp(plan, node => simplifyNode(
    mapNodeExpressions(node, e => mapSubqueryPlans(foldExpr(e, env), p => foldPlan(p, env))), env))
}

const TRUE: BoundExpr = { kind: 'const', value: true, type: BOOLEAN }
const FALSE: BoundExpr = { kind: 'const', value: false, type: BOOLEAN }

function isConst(e: BoundExpr, value: boolean | null): boolean {
  return e.kind === 'const' && e.value === value
}

/** Folds bottom-up; each node is simplified after its children are. */
export function foldExpr(e: BoundExpr, env: ExprEnv): BoundExpr {
  return mapExpr(e, x => simplify(x, env))
}

function simplify(e: BoundExpr, env: ExprEnv): BoundExpr {
  switch (e.kind) {
    case 'const': case 'colref': case 'param': case 'subquery': return e
    case 'and': case 'or': {
      const absorbing = e.kind === 'and' ? false : true
      const args: BoundExpr[] = []
      let sawNull = false
      for (const a of e.args.flatMap(x => (x.kind === e.kind ? (x as typeof e).args : [x]))) {
        if (isConst(a, absorbing)) return absorbing ? TRUE : FALSE
        if (isConst(a, !absorbing)) continue
        if (isConst(a, null)) { sawNull = true; continue }
        args.push(a)
      }
      if (sawNull) args.push({ kind: 'const', value: null, type: BOOLEAN })
      if (args.length === 0) return absorbing ? FALSE : TRUE
      if (args.length === 1) return args[0]!
      return args.length === e.args.length && args.every((a, i) => a === e.args[i]) ? e : { ...e, args }
    }
    case 'case': {
      // drop branches that can never be taken; a leading always-true branch decides
      const whens = e.whens.filter(w => !isConst(w.when, false) && !isConst(w.when, null))
      const first = whens[0]
      if (first !== undefined && isConst(first.when, true)) return first.then
      if (whens.length === 0) return e.else
      const next = whens.length === e.whens.length ? e : { ...e, whens }
      return tryFold(next, env)
    }
    case 'compare':
      // x = NULL is NULL whatever x is (but IS [NOT] DISTINCT FROM is never NULL)
      if (e.op !== 'distinct' && e.op !== 'not_distinct' && (isNullConst(e.left) || isNullConst(e.right)) &&
        !hasVolatile(e)) return nullOf(e)
      // constants go right (5 < a → a > 5), the form scans and indexes recognise
      if (isValueLeaf(e.left) && !isValueLeaf(e.right)) {
        return tryFold({ ...e, op: MIRRORED[e.op], left: e.right, right: e.left }, env)
      }
      return tryFold(e, env)
    case 'not': {
      // push NOT into what it negates, so the result is a plain comparison again
      const a = e.arg
      if (a.kind === 'not') return a.arg
      if (a.kind === 'compare') return { ...a, op: NEGATED[a.op] }
      if (a.kind === 'is_null') return { ...a, not: !a.not }
      if (a.kind === 'in_list') return { ...a, not: !a.not }
      return tryFold(e, env)
    }
    case 'call':
      if (e.fn.nulls === 'propagate' && e.fn.volatility !== 'volatile' && e.args.some(isNullConst) && !hasVolatile(e)) return nullOf(e)
      return tryFold(e, env)
    case 'in_list':
      if (isNullConst(e.arg) && !hasVolatile(e)) return nullOf(e)
      return tryFold(e, env)
    case 'cast': case 'is_null': return tryFold(e, env)
    default: return assertNever(e, 'expression')
  }
}

function isValueLeaf(e: BoundExpr): boolean { return e.kind === 'const' || e.kind === 'param' }

/** a op b ⇔ b MIRRORED[op] a */
export const MIRRORED: Readonly<Record<CompareOp, CompareOp>> = {
  '=': '=', '<>': '<>', '<': '>', '<=': '>=', '>': '<', '>=': '<=', distinct: 'distinct', not_distinct: 'not_distinct',
}
/** NOT (a op b) ⇔ a NEGATED[op] b, NULLs included; comparisons are a total order (NaN largest) */
const NEGATED: Readonly<Record<CompareOp, CompareOp>> = {
  '=': '<>', '<>': '=', '<': '>=', '<=': '>', '>': '<=', '>=': '<', distinct: 'not_distinct', not_distinct: 'distinct',
}

function isNullConst(e: BoundExpr): boolean { return e.kind === 'const' && e.value === null }
function nullOf(e: BoundExpr): BoundExpr { return { kind: 'const', value: null, type: e.type } }
const hasVolatile = containsVolatile

/**
 * Stable functions (now(), settings-dependent ones) are constant within a statement but a plan
 * may be prepared once and run many times: only immutable work is done at plan time.
 */
function isFoldable(e: BoundExpr): boolean {
  if (!isConstantExpression(e)) return false
  let stable = false
  mapExpr(e, x => { if (x.kind === 'call' && x.fn.volatility !== 'immutable') stable = true; return x })
  return !stable
}

function tryFold(e: BoundExpr, env: ExprEnv): BoundExpr {
  if (!isFoldable(e)) return e
  try {
    return { kind: 'const', value: evaluateConstant(e, env), type: e.type }
  } catch {
    return e
  }
}

function empty(node: LogicalPlan): EmptyNode {
  return { kind: 'empty', output: node.output }
}

/** Node-level consequences of folded expressions: dead filters, empty inputs. */
function simplifyNode(node: LogicalPlan, _env: ExprEnv): LogicalPlan {
  switch (node.kind) {
    case 'filter': {
      const p = node.predicate
      if (isConst(p, true)) return node.input
      if (p.kind === 'const' || splitConjuncts(p).some(c => isConst(c, false) || isConst(c, null))) return empty(node)
      return node.input.kind === 'empty' ? empty(node) : node
    }
    case 'scan': {
      if (node.filters.some(f => isConst(f, false) || isConst(f, null))) return empty(node)
      const filters = node.filters.filter(f => !isConst(f, true))
      return filters.length === node.filters.length ? node : { ...node, filters }
    }
    case 'project': case 'sort': case 'window': case 'distinct': case 'top_n': case 'unnest':
      return node.input.kind === 'empty' ? empty(node) : node
    case 'limit':
      if (node.input.kind === 'empty') return empty(node)
      return node.limit !== null && node.limit.kind === 'const' && (node.limit.value === 0 || node.limit.value === 0n)
        ? empty(node) : node
    case 'join': {
      const c = node.condition
      const never = c !== null && (isConst(c, false) || isConst(c, null))
      switch (node.joinType) {
        case 'inner': case 'cross': case 'semi':
          if (never || node.left.kind === 'empty' || node.right.kind === 'empty') return empty(node)
          break
        case 'left': case 'anti': case 'mark': case 'single':
          if (node.left.kind === 'empty') return empty(node)
          break
        case 'right':
          if (node.right.kind === 'empty') return empty(node)
          break
        case 'full':
          if (node.left.kind === 'empty' && node.right.kind === 'empty') return empty(node)
          break
      }
      if (c !== null && isConst(c, true) && (node.joinType === 'inner' || node.joinType === 'cross')) {
        return { ...node, joinType: 'cross', condition: null }
      }
      return node
    }
    case 'aggregate': case 'set_op': case 'values': case 'table_function': case 'empty': case 'cte':
    case 'cte_ref': case 'recursive_cte': case 'insert': case 'update': case 'delete':
      return node
  }
}
