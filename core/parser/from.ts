/**
 * The FROM clause: tables, subqueries, table functions, file references, and every join form.
 */
import type { Expr, JoinType, Query, TableAlias, TableRef } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseExpr } from './expressions.ts'
import { parseArgument } from './calls.ts'
import { isQueryStart } from './primary.ts'
import { parseSampleClause } from './sample.ts'
import { identifierList, parseQuery, selectStarFrom } from './query.ts'

/** Comma-separated FROM entries (each possibly a chain of joins). */
export function parseFromList(p: Cursor): TableRef[] {
  const list = [parseTableRef(p)]
  while (p.acceptOp(',')) list.push(parseTableRef(p))
  return list
}

/** One FROM entry with the joins that follow it. */
export function parseTableRef(p: Cursor): TableRef {
  let left = parseTablePrimary(p)
  for (;;) {
    const joined = parseJoin(p, left)
    if (joined === null) return left
    left = joined
  }
}

function parseJoin(p: Cursor, left: TableRef): TableRef | null {
  const pos = p.pos
  let type: JoinType
  let natural = false
  let asofOuter = false
  let asofFilter: 'semi' | 'anti' | null = null
  let needsCondition = true
  if (p.acceptKw('natural')) natural = true
  const t = p.peek()
  if (t.type !== 'ident') {
    if (natural) throw p.unexpected(t, 'expected JOIN')
    return null
  }
  switch (t.text) {
    case 'join': type = 'inner'; break
    case 'inner': p.next(); type = 'inner'; break
    case 'cross': p.next(); type = 'cross'; needsCondition = false; break
    case 'left': case 'right': case 'full':
      p.next()
      if (p.acceptKw('semi')) type = 'semi'
      else if (p.acceptKw('anti')) type = 'anti'
      else { p.acceptKw('outer'); type = t.text }
      break
    case 'semi': p.next(); type = 'semi'; break
    case 'anti': p.next(); type = 'anti'; break
    case 'positional': p.next(); type = 'positional'; needsCondition = false; break
    case 'asof':
      p.next()
      if (p.acceptKw('semi')) asofFilter = 'semi'
      else if (p.acceptKw('anti')) asofFilter = 'anti'
      type = 'asof'
      if (p.acceptKw('left')) { asofOuter = true; p.acceptKw('outer') }
      break
    default:
      if (natural) throw p.unexpected(t, 'expected JOIN')
      return null
  }
  p.expectKw('join')
  let right = parseTablePrimary(p)
  if (needsCondition && !natural && !p.isKw('on') && !p.isKw('using')) {
    // a JOIN b JOIN c ON … ON …: the right side is itself a join
    for (;;) {
      const nested = parseJoin(p, right)
      if (nested === null) break
      right = nested
      if (p.isKw('on') || p.isKw('using')) break
    }
  }
  let on: Expr | null = null
  let using: string[] | null = null
  if (natural) {
    if (type === 'cross' || type === 'positional') throw p.unexpected(t)
  } else if (needsCondition) {
    if (p.acceptKw('on')) {
      on = parseExpr(p)
    } else if (p.acceptKw('using')) {
      p.expectOp('(')
      using = identifierList(p)
      p.expectOp(')')
    } else {
      throw p.unexpected(undefined, 'a join needs ON or USING')
    }
  }
  return { kind: 'join', pos, type, asofOuter, ...(asofFilter === null ? {} : { asofFilter }), natural, left, right, on, using }
}

function parseTablePrimary(p: Cursor): TableRef {
  const t = p.peek()
  const pos = t.pos
  const lateral = p.acceptKw('lateral')
  if (p.isOp('(')) {
    if (parenthesisedQueryAhead(p)) {
      const start = p.index
      try {
        p.next()
        const query = parseQuery(p)
        p.expectOp(')')
        const alias = parseAlias(p)
        const sample = parseSampleClause(p, false)
        return sample === null ? { kind: 'subquery_ref', pos, query, alias, lateral } : { kind: 'subquery_ref', pos, query, alias, lateral, sample }
      } catch (e) {
        // ((SELECT …) s JOIN t ON …) is a parenthesised join that starts with a subquery
        if (lateral) throw e
        p.index = start
        try { return parseParenthesisedJoin(p, pos) } catch { throw e }
      }
    }
    if (lateral) throw p.unexpected(undefined, 'LATERAL needs a subquery or a function call')
    return parseParenthesisedJoin(p, pos)
  }
  // DuckDB's prefix alias: FROM alias : table
  if (p.isIdentifier() && p.isOp(':', 1)) {
    const aliasName = p.next().text
    p.next()
    const inner = parseTablePrimary(p)
    const alias: TableAlias = { pos, name: aliasName, columns: null }
    switch (inner.kind) {
      case 'table_ref': case 'file_ref': return { ...inner, alias }
      case 'subquery_ref': case 'function_ref': return { ...inner, alias }
      case 'join': throw p.unexpected()
    }
  }
  if (t.type === 'string') {
    if (lateral) throw p.unexpected(t)
    p.next()
    return { kind: 'file_ref', pos, path: t.text, alias: parseAlias(p) }
  }
  // FROM ['a.csv', 'b.csv']: several files read as one table
  if (p.isOp('[') && p.peek(1).type === 'string') {
    if (lateral) throw p.unexpected(t)
    p.next()
    const paths: string[] = []
    do {
      const s = p.peek()
      if (s.type !== 'string') throw p.unexpected(s, 'expected a file name in quotes')
      paths.push(p.next().text)
    } while (p.acceptOp(','))
    p.expectOp(']')
    return { kind: 'file_ref', pos, path: paths[0]!, paths, alias: parseAlias(p) }
  }
  if (p.isKw('values') && p.isOp('(', 1)) {
    // FROM VALUES (…) t(a, b), without parentheses (DuckDB)
    const query = parseQuery(p)
    return { kind: 'subquery_ref', pos, query, alias: parseAlias(p), lateral }
  }
  // table functions may carry type/function-only names such as glob(…)
  const name = p.isLabel() && p.isOp('(', 1) ? [p.next().text] : p.qualifiedName('table name')
  if (p.acceptOp('(')) {
    const args: Expr[] = []
    if (!p.isOp(')')) {
      do args.push(tableFunctionArgument(p)); while (p.acceptOp(','))
    }
    p.expectOp(')')
    const ordinality = p.acceptKws('with', 'ordinality')
    return { kind: 'function_ref', pos, name, args, alias: parseAlias(p), lateral, ordinality }
  }
  if (lateral) throw p.unexpected(undefined, 'LATERAL needs a subquery or a function call')
  const alias = parseAlias(p)
  const sample = parseSampleClause(p, false)
  return sample === null ? { kind: 'table_ref', pos, name, alias } : { kind: 'table_ref', pos, name, alias, sample }
}

/** ( a JOIN b … ) [alias]: an alias turns it into SELECT * FROM (join) AS alias. */
function parseParenthesisedJoin(p: Cursor, pos: number): TableRef {
  p.expectOp('(')
  const inner = parseTableRef(p)
  p.expectOp(')')
  const alias = parseAlias(p)
  if (alias === null) return inner
  const query: Query = {
    kind: 'query', pos, with: null, body: selectStarFrom(pos, [inner]), orderBy: [], orderByAll: null,
    limit: null, limitPercent: false, offset: null,
  }
  return { kind: 'subquery_ref', pos, query, alias, lateral: false }
}

/** In table-function calls `name = value` is a named argument too (read_csv('x', header = true)). */
function tableFunctionArgument(p: Cursor): Expr {
  const arg = parseArgument(p)
  if (arg.kind === 'binary' && arg.op === '=' && arg.left.kind === 'column' && arg.left.parts.length === 1) {
    return { kind: 'named_arg', pos: arg.pos, name: arg.left.parts[0]!, value: arg.right }
  }
  return arg
}

/** `( SELECT …` or `( ( SELECT …` as opposed to a parenthesised join. */
function parenthesisedQueryAhead(p: Cursor): boolean {
  let k = 0
  while (p.isOp('(', k)) k++
  return isQueryStart(p, k)
}

/** [AS] name [(col, …)] */
export function parseAlias(p: Cursor): TableAlias | null {
  const pos = p.pos
  let name: string
  if (p.acceptKw('as')) name = p.label('alias')
  else if (p.isIdentifier()) name = p.next().text
  else return null
  let columns: string[] | null = null
  if (p.isOp('(')) {
    p.next()
    columns = identifierList(p)
    p.expectOp(')')
  }
  return { pos, name, columns }
}
