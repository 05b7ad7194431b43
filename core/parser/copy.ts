/**
 * COPY in the DuckDB forms, plus the legacy PostgreSQL option spellings DuckDB accepts:
 *   COPY t [(a, b)] FROM 'file' [(FORMAT csv, HEADER, DELIMITER '|')]
 *   COPY t | (query) TO 'file' [(FORMAT json, PARTITION_BY (a, b))]
 *   COPY t FROM 'file' WITH (FORMAT csv)  ·  COPY t FROM 'file' DELIMITER ',' CSV HEADER
 * Option names are kept as written (lower case); their meaning is the binder's business.
 */
import { notSupported } from '../errors.ts'
import type { CopyOption, CopyStatement, Expr, Statement } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseExpr } from './expressions.ts'
import { parseQuery } from './query.ts'

export function parseCopy(p: Cursor): Statement {
  const pos = p.next().pos
  let source: CopyStatement['source']
  if (p.isOp('(')) {
    p.next()
    const query = parseQuery(p)
    p.expectOp(')')
    source = { kind: 'query', query }
  } else {
    if (p.isKw('from') && p.isKw('database', 1)) throw notSupported('COPY FROM DATABASE', p.pos)
    const name = p.qualifiedName('table name')
    let columns: string[] | null = null
    if (p.acceptOp('(')) {
      columns = []
      do columns.push(p.identifier('column name')); while (p.acceptOp(','))
      p.expectOp(')')
    }
    source = { kind: 'table', name, columns }
  }
  let direction: 'from' | 'to'
  if (p.acceptKw('from')) direction = 'from'
  else if (p.acceptKw('to')) direction = 'to'
  else throw p.unexpected(undefined, 'expected FROM or TO')
  if (direction === 'from' && source.kind === 'query') throw p.unexpected(p.tokens[p.index - 1], 'COPY (query) can only write: COPY (query) TO \'file\'')
  if (p.isKw('stdin') || p.isKw('stdout')) throw notSupported(`COPY ${direction.toUpperCase()} ${p.peek().text.toUpperCase()}`, p.pos)
  const path = parseExpr(p)
  const options = parseCopyOptions(p)
  return { kind: 'copy', pos, direction, source, path, options }
}

/** `(name [value], …)`, `WITH (…)`, or PostgreSQL's bare `name [AS] value …` up to the end. */
export function parseCopyOptions(p: Cursor): CopyOption[] {
  p.acceptKw('with')
  const options: CopyOption[] = []
  if (p.acceptOp('(')) {
    if (!p.isOp(')')) do options.push(parseOption(p, true)); while (p.acceptOp(','))
    p.expectOp(')')
    return options
  }
  while (!p.atEnd() && !p.isOp(';')) options.push(parseOption(p, false))
  return options
}

function parseOption(p: Cursor, parenthesised: boolean): CopyOption {
  const pos = p.pos
  const name = p.label('COPY option').toLowerCase()
  const ends = (): boolean => p.atEnd() || p.isOp(';') || (parenthesised && (p.isOp(',') || p.isOp(')')))
  if (ends()) return { pos, name, value: null, names: null }
  if (!parenthesised) {
    // PostgreSQL's bare words: CSV, BINARY and flags such as HEADER take no value
    if (name === 'csv' || name === 'binary' || name === 'json' || name === 'parquet') return { pos, name: 'format', value: { kind: 'string', pos, value: name }, names: null }
    if (name === 'header' && !isValueStart(p)) return { pos, name, value: null, names: null }
    p.acceptKw('as')
  } else {
    p.acceptOp('=')
  }
  if (p.isOp('(')) {
    p.next()
    const names: string[] = []
    // DuckDB's load.sql spells column lists as strings: FORCE_NOT_NULL ('a', 'b')
    if (!p.isOp(')')) do names.push(p.isOp('*') ? (p.next(), '*') : p.peek().type === 'string' ? p.next().text : p.identifier('column name')); while (p.acceptOp(','))
    p.expectOp(')')
    return { pos, name, value: null, names }
  }
  if (p.isOp('*')) { const t = p.next(); return { pos, name, value: { kind: 'string', pos: t.pos, value: '*' }, names: null } }
  return { pos, name, value: optionValue(p), names: null }
}

function isValueStart(p: Cursor): boolean {
  const t = p.peek()
  return t.type === 'string' || t.type === 'number' || (t.type === 'ident' && (t.text === 'true' || t.text === 'false'))
}

/** A bare word (csv, gzip) is the string it spells; anything else is an expression. */
function optionValue(p: Cursor): Expr {
  const t = p.peek()
  const after = p.peek(1)
  const single = after.type === 'eof' || (after.type === 'op' && (after.text === ',' || after.text === ')' || after.text === ';'))
    || after.type === 'ident'
  if ((t.type === 'ident' || t.type === 'quoted') && single && !(t.type === 'ident' && (t.text === 'true' || t.text === 'false' || t.text === 'null'))) {
    p.next()
    return { kind: 'string', pos: t.pos, value: t.text }
  }
  return parseExpr(p)
}
