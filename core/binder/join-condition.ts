/**
 * Outer joins' ON conditions as DuckDB takes them: each conjunct is a comparison whose two sides
 * read one join input each, a filter on the input whose rows may go missing, or anything else
 * (evaluated per pair of rows). DuckDB refuses a subquery in that last kind, and for a LATERAL
 * outer join refuses that kind altogether; so do we, rather than answer where DuckDB errs.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import { conjuncts } from '../plan/asof.ts'
import { exprChildren, referencedColumns, type BoundExpr, type ColumnId } from '../plan/expr.ts'

type Side = 'none' | 'left' | 'right' | 'both'

function sideOf(e: BoundExpr, left: ReadonlySet<ColumnId>, right: ReadonlySet<ColumnId>): Side {
  let l = false, r = false
  for (const id of referencedColumns(e)) { if (left.has(id)) l = true; else if (right.has(id)) r = true }
  return l && r ? 'both' : l ? 'left' : r ? 'right' : 'none'
}

function hasSubquery(e: BoundExpr): boolean {
  return e.kind === 'subquery' || exprChildren(e).some(hasSubquery)
}

export function checkOuterJoinCondition(type: string, condition: BoundExpr | null, left: ReadonlySet<ColumnId>,
  right: ReadonlySet<ColumnId>, lateral: boolean, position: number): void {
  if (condition === null || (type !== 'left' && type !== 'right' && type !== 'full')) return
  // the input a filter may be pushed into: the one whose unmatched rows are dropped
  const filtered: Side | null = type === 'left' ? 'right' : type === 'right' ? 'left' : null
  for (const c of conjuncts(condition)) {
    const side = sideOf(c, left, right)
    if (side === filtered) continue
    if (side === 'both' && c.kind === 'compare' && sideOf(c.left, left, right) !== 'both' && sideOf(c.right, left, right) !== 'both') continue
    if (side === 'none' && !hasSubquery(c)) continue
    if (lateral) {
      throw new GrizzlyError(SqlState.featureNotSupported, `the condition of a ${type.toUpperCase()} JOIN LATERAL must compare the left and right sides`, {
        position, hint: 'write it as comparisons such as left_col = right_col, or move other conditions into the subquery\'s WHERE',
      })
    }
    if (hasSubquery(c)) {
      throw new GrizzlyError(SqlState.featureNotSupported, `a subquery in the ON condition of a ${type.toUpperCase()} JOIN is not supported unless it is one side of a comparison`, {
        position, hint: 'compare a column with the subquery (a.x = (SELECT …)), or compute the subquery in a derived table first',
      })
    }
  }
}
