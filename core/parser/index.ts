/**
 * The SQL parser's public entry points: SQL text → AST (core/parser/ast.ts).
 */
import { closestMatch, GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { Expr, Query, Statement } from './ast.ts'
import { Cursor } from './cursor.ts'
import { parseExpr } from './expressions.ts'
import { parseQuery } from './query.ts'
import { parseStatement } from './statements.ts'

export { splitStatements, isCompleteStatement, type StatementText } from './split.ts'
export { formatExpr, formatQuery, formatStatement, formatTableRef, formatTypeName, formatWindowSpec, quoteIdent, quoteString } from './format.ts'
export { tokenize, Tok, type Token, type TokenType } from './lexer.ts'
export { STATEMENT_PARSERS, type StatementParser } from './statements.ts'
export { Cursor } from './cursor.ts'
export { RESERVED, TYPE_FUNC_NAME, isReservedForColumn } from './keywords.ts'
export type * from './ast.ts'

/** Every statement of a script, in order; empty statements between `;` are skipped. */
export function parse(sql: string): Statement[] {
  return parseScript(sql).statements
}

/** A script's statements and how many parameter values it reads. */
export interface ParsedScript {
  readonly statements: Statement[]
  /**
   * the highest `$n`, or the number of `?`, whichever is larger: the most values a call may
   * pass (placeholders inside a PREPARE body count too, which can only make it larger)
   */
  readonly parameterCount: number
}

export function parseScript(sql: string): ParsedScript {
  return guard(() => {
    const p = new Cursor(sql)
    const statements: Statement[] = []
    for (;;) {
      while (p.acceptOp(';')) { /* empty statement */ }
      if (p.atEnd()) return { statements, parameterCount: placeholderCount(p) }
      statements.push(parseStatement(p))
      if (!p.atEnd() && !p.isOp(';')) throw p.unexpected(undefined, misspelledClauseHint(p))
    }
  })
}

function placeholderCount(p: Cursor): number {
  let numbered = 0, questions = 0
  for (const t of p.tokens) {
    if (t.type !== 'param') continue
    if (t.text === '') questions++
    else numbered = Math.max(numbered, Number(t.text))
  }
  return Math.max(numbered, questions)
}

/** Exactly one statement (a trailing `;` is allowed). */
export function parseOne(sql: string): Statement {
  const statements = parse(sql)
  const first = statements[0]
  if (first === undefined) throw new GrizzlyError(SqlState.syntaxError, 'empty statement', { position: 0 })
  if (statements.length > 1) throw new GrizzlyError(SqlState.syntaxError, 'expected a single statement', { position: statements[1]!.pos })
  return first
}

/** A standalone expression, as used for column defaults and in tests. */
export function parseExpression(sql: string): Expr {
  return guard(() => {
    const p = new Cursor(sql)
    const expr = parseExpr(p)
    if (!p.atEnd()) throw p.unexpected()
    return expr
  })
}

/** A standalone query (view bodies). */
export function parseQueryText(sql: string): Query {
  return guard(() => {
    const p = new Cursor(sql)
    const query = parseQuery(p)
    p.acceptOp(';')
    if (!p.atEnd()) throw p.unexpected()
    return query
  })
}

const CLAUSE_WORDS = ['where', 'group', 'having', 'order', 'limit', 'offset', 'join', 'from', 'union', 'qualify', 'window', 'returning', 'values', 'select', 'set']

/** `FROM t WHER x`: `wher` was taken as an alias; say which keyword it resembles. */
function misspelledClauseHint(p: Cursor): string | undefined {
  const previous = p.tokens[p.index - 1]
  if (previous === undefined || previous.type !== 'ident') return undefined
  const match = closestMatch(previous.text, CLAUSE_WORDS)
  return match === undefined || match === previous.text ? undefined : `did you mean "${match.toUpperCase()}" instead of "${p.tokenText(previous)}"?`
}

function guard<T>(run: () => T): T {
  try {
    return run()
  } catch (e) {
    if (e instanceof GrizzlyError) throw e
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new GrizzlyError(SqlState.programLimitExceeded, 'statement is too deeply nested', { hint: 'simplify the expression or split the query' })
    }
    throw new InternalError('parser failed', e)
  }
}
