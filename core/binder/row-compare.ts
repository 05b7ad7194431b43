/**
 * Row comparisons against subqueries: (a, b) IN (SELECT x, y …), (a, b) < ANY (SELECT …),
 * (a, b) = ALL (…). Each subquery row is compared with the row as SQL compares rows (= is every
 * field equal, < is lexicographic, with NULL where a field decides it unknown), and the
 * quantifier folds those three-valued answers: `row op ANY (S)` is `true = ANY (SELECT row op s
 * FROM S)`, and likewise for ALL.
 */
import { GrizzlyError, SqlState, notSupported } from '../errors.ts'
import type { Expr } from '../parser/ast.ts'
import { type BoundExpr, type ColumnRefExpr, type CompareOp, exprChildren, type SubqueryBoundExpr } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { BOOLEAN } from '../types/types.ts'
import type { ExprBinder } from './expression.ts'
import { colref } from './scope.ts'

/** SQL's comparison of two rows of the same length, three-valued. */
export function rowComparison(eb: ExprBinder, op: CompareOp, left: readonly BoundExpr[], right: readonly BoundExpr[], position: number): BoundExpr {
  const cmp = (o: CompareOp, i: number): BoundExpr => eb.compare(o, left[i]!, right[i]!, position)
  const n = left.length
  switch (op) {
    case '=': return n === 1 ? cmp('=', 0) : { kind: 'and', args: left.map((_, i) => cmp('=', i)), type: BOOLEAN }
    case '<>': return n === 1 ? cmp('<>', 0) : { kind: 'or', args: left.map((_, i) => cmp('<>', i)), type: BOOLEAN }
    case '<': case '<=': case '>': case '>=': {
      // a < c OR (a = c AND (b < d OR (b = d AND …))), the last field taking the operator itself
      const strict: CompareOp = op === '<' || op === '<=' ? '<' : '>'
      let out = cmp(op, n - 1)
      for (let i = n - 2; i >= 0; i--) {
        out = { kind: 'or', args: [cmp(strict, i), { kind: 'and', args: [cmp('=', i), out], type: BOOLEAN }], type: BOOLEAN }
      }
      return out
    }
    default: throw new GrizzlyError(SqlState.syntaxError, `${op} cannot compare rows`, { position })
  }
}

/**
 * `(a, b, …) op ANY|ALL (subquery)` where the subquery returns as many columns as the row has
 * fields, or `ROW(a) op ANY (…)` over a one-column subquery. Undefined when the subquery returns
 * one column of its own (a STRUCT compared as a whole).
 */
export function rowSubquery(eb: ExprBinder, row: Expr & { kind: 'row' }, op: CompareOp, quantifier: 'any' | 'all',
  sub: { plan: LogicalPlan; correlated: SubqueryBoundExpr['correlated'] }, position: number): BoundExpr | undefined {
  const { plan, correlated } = sub
  const width = plan.output.length
  if (width === 1 && (row.items.length !== 1 || plan.output[0]!.type.id === 'STRUCT')) return undefined
  if (width !== row.items.length) {
    throw new GrizzlyError(SqlState.syntaxError, `the row has ${row.items.length} fields but the subquery returns ${width} columns`, {
      position, hint: 'select as many columns in the subquery as the row has values',
    })
  }
  if (correlated.length > 0) {
    // as in DuckDB: the row's values are correlated into the subquery, which must not read the enclosing query itself
    throw notSupported('a correlated subquery compared with a row of several values', position,
      'compare the columns one at a time, or join the subquery')
  }
  const left = row.items.map(x => eb.bind(x))
  const test = rowComparison(eb, op, left, plan.output.map(c => colref(c)), position)
  const [out] = eb.binder.columns(['row_comparison'], [BOOLEAN])
  const projected: LogicalPlan = { kind: 'project', input: plan, exprs: [test], output: [out!] }
  return {
    kind: 'subquery', subqueryKind: quantifier, plan: projected, correlated: columnRefs(left),
    left: { kind: 'const', value: true, type: BOOLEAN }, op: '=', type: BOOLEAN,
  }
}

function columnRefs(exprs: readonly BoundExpr[]): ColumnRefExpr[] {
  const out: ColumnRefExpr[] = []
  const visit = (e: BoundExpr): void => {
    if (e.kind === 'colref') { if (!out.some(r => r.id === e.id)) out.push(e) } else exprChildren(e).forEach(visit)
  }
  exprs.forEach(visit)
  return out
}
