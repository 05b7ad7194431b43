/**
 * ATTACH / DETACH / USE, in DuckDB's forms:
 * `ATTACH [DATABASE] [IF NOT EXISTS] 'path' [AS alias] [(READ_ONLY, ENCRYPTION_KEY 'k')]`,
 * `DETACH [DATABASE] [IF EXISTS] name`, `USE name[.schema]`.
 */
import type { Expr, Statement } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseExpr } from './expressions.ts'

export function parseAttach(p: Cursor): Statement {
  const pos = p.next().pos
  p.acceptKw('database')
  const ifNotExists = p.acceptKws('if', 'not', 'exists')
  const path = parseExpr(p)
  const alias = p.acceptKw('as') ? p.identifier('database alias') : null
  const options: { pos: number; name: string; value: Expr | null }[] = []
  if (p.acceptOp('(')) {
    if (!p.isOp(')')) {
      do {
        const optionPos = p.pos
        const name = p.label('ATTACH option').toLowerCase()
        const value = p.isOp(',') || p.isOp(')') ? null : parseExpr(p)
        options.push({ pos: optionPos, name, value })
      } while (p.acceptOp(','))
    }
    p.expectOp(')')
  }
  return { kind: 'attach', pos, path, alias, ifNotExists, options }
}

export function parseDetach(p: Cursor): Statement {
  const pos = p.next().pos
  p.acceptKw('database')
  const ifExists = p.acceptKws('if', 'exists')
  return { kind: 'detach', pos, name: p.identifier('database name'), ifExists }
}

export function parseUse(p: Cursor): Statement {
  const pos = p.next().pos
  return { kind: 'use', pos, name: p.qualifiedName('database name') }
}
