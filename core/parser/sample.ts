/**
 * Table samples: PostgreSQL's `TABLESAMPLE method (size) [REPEATABLE (seed)]` and DuckDB's
 * `USING SAMPLE` / `TABLESAMPLE` forms (`10%`, `10 PERCENT`, `5 [ROWS]`, `reservoir(5 ROWS)`,
 * `10% (bernoulli, 42)`), parsed after the keyword(s).
 */
import type { Expr, TableSample } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { BP, parseExpr } from './expressions.ts'

/** `TABLESAMPLE …` or `USING SAMPLE …` when the cursor is on it, else null. */
export function parseSampleClause(p: Cursor, usingForm: boolean): TableSample | null {
  const pos = p.pos
  if (usingForm ? !p.acceptKws('using', 'sample') : !p.acceptKw('tablesample')) return null
  let method: string | null = null
  let size: Expr
  let unit: TableSample['unit']
  let seed: Expr | null = null
  if ((p.peek().type === 'ident' || p.peek().type === 'quoted') && p.isOp('(', 1)) {
    // method (size [unit])
    method = p.next().text.toLowerCase()
    p.expectOp('(')
    ;({ size, unit } = parseSize(p, true))
    p.expectOp(')')
  } else {
    ;({ size, unit } = parseSize(p, false))
    // DuckDB: 10% (bernoulli[, seed])
    if (p.acceptOp('(')) {
      method = p.label('sampling method').toLowerCase()
      if (p.acceptOp(',')) seed = parseExpr(p)
      p.expectOp(')')
    }
  }
  if (p.acceptKw('repeatable')) {
    p.expectOp('(')
    seed = parseExpr(p)
    p.expectOp(')')
  }
  return { pos, method, size, unit, seed }
}

function parseSize(p: Cursor, inParentheses: boolean): { size: Expr; unit: TableSample['unit'] } {
  // below `%` (modulo) so that `10%` reads as a percentage; inside a method's parentheses any expression
  const size = parseExpr(p, inParentheses && !p.isOp('%', 1) ? BP.lowest : BP.multiplicative)
  if (p.acceptOp('%') || p.acceptKw('percent')) return { size, unit: 'percent' }
  if (p.acceptKw('rows')) return { size, unit: 'rows' }
  return { size, unit: null }
}

/** The sample as SQL (view definitions, column names), in the DuckDB spelling that reads back the same. */
export function formatSample(s: TableSample | undefined, expr: (e: Expr) => string, usingForm: boolean): string {
  if (s === undefined) return ''
  const unit = s.unit === 'percent' ? ' PERCENT' : s.unit === 'rows' ? ' ROWS' : ''
  const body = s.method === null ? `${expr(s.size)}${unit}` : `${s.method}(${expr(s.size)}${unit})`
  return ` ${usingForm ? 'USING SAMPLE' : 'TABLESAMPLE'} ${body}${s.seed === null ? '' : ` REPEATABLE (${expr(s.seed)})`}`
}
