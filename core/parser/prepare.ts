/**
 * PREPARE / EXECUTE / DEALLOCATE, in the forms PostgreSQL and DuckDB share:
 * `PREPARE name [(type, …)] AS statement`, `EXECUTE name [(value, …)]`,
 * `DEALLOCATE [PREPARE] name | ALL`.
 */
import type { Expr, Statement, TypeName } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseExpr } from './expressions.ts'
import { parseTypeName } from './type-names.ts'

export function parsePrepare(p: Cursor, parseStatement: (p: Cursor) => Statement): Statement {
  const pos = p.next().pos
  const name = p.label('prepared statement name')
  const types: TypeName[] = []
  if (p.acceptOp('(')) {
    do types.push(parseTypeName(p)); while (p.acceptOp(','))
    p.expectOp(')')
  }
  p.expectKw('as')
  const start = p.index
  const textPos = p.pos
  // `?` inside the prepared statement count from 1 again
  const outerQuestions = p.questionParams
  p.questionParams = 0
  let statement: Statement
  try {
    statement = parseStatement(p)
  } finally {
    p.questionParams = outerQuestions
  }
  let numbered = 0, questions = 0
  for (let i = start; i < p.index; i++) {
    const t = p.tokens[i]!
    if (t.type !== 'param') continue
    if (t.text === '') questions++
    else numbered = Math.max(numbered, Number(t.text))
  }
  const text = p.sql.slice(textPos, p.pos).trim()
  return { kind: 'prepare', pos, name, types, statement, text, parameterCount: Math.max(numbered, questions, types.length) }
}

export function parseExecute(p: Cursor): Statement {
  const pos = p.next().pos
  const name = p.label('prepared statement name')
  const args: Expr[] = []
  if (p.acceptOp('(')) {
    if (!p.isOp(')')) do args.push(parseExpr(p)); while (p.acceptOp(','))
    p.expectOp(')')
  }
  return { kind: 'execute', pos, name, args }
}

export function parseDeallocate(p: Cursor): Statement {
  const pos = p.next().pos
  p.acceptKw('prepare')
  if (p.acceptKw('all')) return { kind: 'deallocate', pos, name: null }
  return { kind: 'deallocate', pos, name: p.label('prepared statement name') }
}
