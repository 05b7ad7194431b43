/**
 * Query expressions: WITH, SELECT cores, VALUES, TABLE t, DuckDB's FROM-first form, set operations
 * (INTERSECT binds tighter than UNION/EXCEPT), ORDER BY, LIMIT/OFFSET/FETCH.
 */
import { parseSampleClause } from './sample.ts'
import { GrizzlyError, SqlState, notSupported } from '../errors.ts'
import type {
  CommonTableExpr, Expr, GroupBy, GroupingElement, NamedWindow, OrderItem, Query, QueryBody, SelectCore,
  SelectItem, TableRef, WithClause,
} from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseExpr, parseExprList, parseNullsOrder, parseOrderItems } from './expressions.ts'
import { parseFromList } from './from.ts'
import { parseWindowSpec } from './calls.ts'
import { isQueryStart } from './primary.ts'

export function parseQuery(p: Cursor): Query {
  const pos = p.pos
  const withClause = p.isKw('with') ? parseWith(p) : null
  return parseQueryAfterWith(p, pos, withClause)
}

export function parseQueryAfterWith(p: Cursor, pos: number, withClause: WithClause | null): Query {
  const body = parseSetExpression(p)
  let orderBy: OrderItem[] = []
  let orderByAll: Query['orderByAll'] = null
  if (p.isKw('order') && p.isKw('by', 1)) {
    p.index += 2
    if (p.isKw('all') && !p.isOp('.', 1)) {
      p.next()
      let descending: boolean | null = null
      if (p.acceptKw('desc')) descending = true
      else if (p.acceptKw('asc')) descending = false
      orderByAll = { descending, nulls: parseNullsOrder(p) }
    } else {
      orderBy = parseOrderItems(p)
    }
  }
  let limit: Expr | null = null
  let limitPercent = false
  let offset: Expr | null = null
  for (let clause = 0; clause < 2; clause++) {
    if (limit === null && p.isKw('limit')) {
      const limitToken = p.next()
      if (p.acceptKw('all')) {
        limit = null
      } else {
        p.limitPercent = true
        try { limit = parseExpr(p) } finally { p.limitPercent = false }
        if (p.acceptOp('%') || p.acceptKw('percent')) limitPercent = true
        if (p.isOp(',')) throw notSupported('LIMIT #,# syntax', limitToken.pos, 'use separate LIMIT and OFFSET clauses')
      }
    } else if (offset === null && p.isKw('offset')) {
      p.next()
      offset = parseExpr(p)
      if (!p.acceptKw('rows')) p.acceptKw('row')
    } else if (limit === null && p.isKw('fetch')) {
      p.next()
      if (!p.acceptKw('first')) p.expectKw('next')
      limit = p.isKw('row') || p.isKw('rows') ? { kind: 'number', pos: p.pos, text: '1' } : parseExpr(p)
      if (!p.acceptKw('rows')) p.expectKw('row')
      if (p.isKw('with') && p.isKw('ties', 1)) throw notSupported('FETCH … WITH TIES', p.pos)
      p.expectKw('only')
    } else {
      break
    }
  }
  return { kind: 'query', pos, with: withClause, body, orderBy, orderByAll, limit, limitPercent, offset }
}

export function parseWith(p: Cursor): WithClause {
  const pos = p.expectKw('with').pos
  const recursive = p.acceptKw('recursive')
  const ctes: CommonTableExpr[] = []
  do {
    const ctePos = p.pos
    const name = p.identifier('common table expression name')
    let columns: string[] | null = null
    if (p.acceptOp('(')) {
      columns = identifierList(p)
      p.expectOp(')')
    }
    p.expectKw('as')
    let materialized: boolean | null = null
    if (p.acceptKw('materialized')) materialized = true
    else if (p.acceptKws('not', 'materialized')) materialized = false
    p.expectOp('(')
    const query = parseQuery(p)
    p.expectOp(')')
    ctes.push({ pos: ctePos, name, columns, materialized, query })
  } while (p.acceptOp(','))
  return { pos, recursive, ctes }
}

export function identifierList(p: Cursor): string[] {
  const names = [p.identifier('column name')]
  while (p.acceptOp(',')) names.push(p.identifier('column name'))
  return names
}

function parseSetExpression(p: Cursor): QueryBody {
  let left = parseSetTerm(p)
  for (;;) {
    const t = p.peek()
    if (!(p.isKw('union') || p.isKw('except'))) return left
    p.next()
    const { all, byName } = parseSetQuantifier(p)
    const right = parseSetTerm(p)
    left = { kind: 'set_operation', pos: t.pos, op: t.text as 'union' | 'except', all, byName, left, right }
  }
}

function parseSetTerm(p: Cursor): QueryBody {
  let left = parseSetPrimary(p)
  while (p.isKw('intersect')) {
    const pos = p.next().pos
    const { all, byName } = parseSetQuantifier(p)
    const right = parseSetPrimary(p)
    left = { kind: 'set_operation', pos, op: 'intersect', all, byName, left, right }
  }
  return left
}

function parseSetQuantifier(p: Cursor): { all: boolean; byName: boolean } {
  let all = false
  if (p.acceptKw('all')) all = true
  else p.acceptKw('distinct')
  const byName = p.acceptKws('by', 'name')
  return { all, byName }
}

function parseSetPrimary(p: Cursor): QueryBody {
  const t = p.peek()
  if (t.type === 'op' && t.text === '(') {
    p.next()
    const inner = parseQuery(p)
    p.expectOp(')')
    // a parenthesised query with nothing of its own is just its body
    if (inner.with === null && inner.orderBy.length === 0 && inner.orderByAll === null && inner.limit === null && inner.offset === null) return inner.body
    return inner
  }
  if (t.type === 'ident') {
    switch (t.text) {
      case 'select': return parseSelectCore(p)
      case 'values': return parseValues(p)
      case 'from': return parseFromFirst(p)
      case 'table': {
        p.next()
        const name = p.qualifiedName('table name')
        const from: TableRef = { kind: 'table_ref', pos: t.pos, name, alias: null }
        return selectStarFrom(t.pos, [from])
      }
      case 'with': {
        // WITH inside a set operand: (WITH … SELECT …) is handled by '(' above; here it is a nested query
        return parseQuery(p)
      }
      default: break
    }
  }
  throw p.unexpected(t, 'expected SELECT, VALUES, FROM or a parenthesised query')
}

export function selectStarFrom(pos: number, from: TableRef[]): SelectCore {
  return {
    kind: 'select', pos, distinct: false,
    items: [{ pos, expr: { kind: 'star', pos, qualifier: null, exclude: [], replace: [] }, alias: null }],
    from, where: null, groupBy: null, having: null, windows: [], qualify: null,
  }
}

export function parseValues(p: Cursor): QueryBody {
  const pos = p.expectKw('values').pos
  const rows: Expr[][] = []
  do {
    // DuckDB accepts trailing commas inside a row and after the last row
    if (rows.length > 0 && !p.isOp('(')) break
    p.expectOp('(')
    const row = [parseExprOrDefault(p)]
    while (p.acceptOp(',') && !p.isOp(')')) row.push(parseExprOrDefault(p))
    p.expectOp(')')
    rows.push(row)
  } while (p.acceptOp(','))
  return { kind: 'values', pos, rows }
}

/** DEFAULT is only an expression as a whole VALUES item or SET value. */
export function parseExprOrDefault(p: Cursor): Expr {
  if (p.isKw('default')) {
    const after = p.peek(1)
    if (after.type === 'eof' || (after.type === 'op' && (after.text === ',' || after.text === ')' || after.text === ';')) || (after.type === 'ident' && (after.text === 'where' || after.text === 'returning' || after.text === 'from'))) {
      return { kind: 'default', pos: p.next().pos }
    }
  }
  return parseExpr(p)
}

function parseSelectCore(p: Cursor): SelectCore {
  const pos = p.expectKw('select').pos
  const distinct = parseDistinct(p)
  const items = parseSelectItems(p)
  if (p.isKw('into')) throw notSupported('SELECT … INTO', p.pos, 'use CREATE TABLE … AS SELECT …')
  const from = p.acceptKw('from') ? parseFromList(p) : []
  return finishSelect(p, pos, distinct, items, from)
}

/** DuckDB's `FROM t [SELECT …] [WHERE …]`; without SELECT it means SELECT *. */
function parseFromFirst(p: Cursor): SelectCore {
  const pos = p.expectKw('from').pos
  const from = parseFromList(p)
  if (p.acceptKw('select')) {
    const distinct = parseDistinct(p)
    return finishSelect(p, pos, distinct, parseSelectItems(p), from)
  }
  const star = selectStarFrom(pos, from)
  return finishSelect(p, pos, false, star.items, from)
}

function parseDistinct(p: Cursor): boolean | Expr[] {
  if (p.acceptKw('distinct')) {
    if (p.acceptKw('on')) {
      p.expectOp('(')
      const on = parseExprList(p)
      p.expectOp(')')
      // a parameter would make the distinct key a per-execution constant; DuckDB refuses it too
      const param = on.find(e => e.kind === 'parameter')
      if (param !== undefined) {
        throw new GrizzlyError(SqlState.featureNotSupported, 'Parameter not supported in DISTINCT ON clause',
          { position: param.pos, hint: 'DISTINCT ON takes columns or expressions over them; a parameter is one constant for every row' })
      }
      return on
    }
    return true
  }
  p.acceptKw('all')
  return false
}

function finishSelect(p: Cursor, pos: number, distinct: boolean | Expr[], items: readonly SelectItem[], from: TableRef[]): SelectCore {
  const where = p.acceptKw('where') ? parseExpr(p) : null
  let groupBy: GroupBy | null = null
  if (p.isKw('group') && p.isKw('by', 1)) groupBy = parseGroupBy(p)
  const having = p.acceptKw('having') ? parseExpr(p) : null
  const windows: NamedWindow[] = []
  if (p.isKw('window')) {
    p.next()
    do {
      const windowPos = p.pos
      const name = p.identifier('window name')
      p.expectKw('as')
      p.expectOp('(')
      const spec = parseWindowSpec(p, windowPos)
      p.expectOp(')')
      windows.push({ pos: windowPos, name, spec })
    } while (p.acceptOp(','))
  }
  const qualify = p.acceptKw('qualify') ? parseExpr(p) : null
  // DuckDB places USING SAMPLE last; it samples the FROM clause's rows
  const sample = from.length > 0 ? parseSampleClause(p, true) : null
  if (sample !== null) return { kind: 'select', pos, distinct, items, from, where, groupBy, having, windows, qualify, sample }
  return { kind: 'select', pos, distinct, items, from, where, groupBy, having, windows, qualify }
}

const SELECT_LIST_END: ReadonlySet<string> = new Set([
  'from', 'where', 'group', 'having', 'window', 'qualify', 'order', 'limit', 'offset', 'union', 'except', 'intersect', 'into', 'fetch',
])

export function parseSelectItems(p: Cursor): SelectItem[] {
  const items = [parseSelectItem(p)]
  while (p.acceptOp(',')) {
    // DuckDB allows a trailing comma before FROM
    const t = p.peek()
    if (t.type === 'eof' || (t.type === 'op' && (t.text === ')' || t.text === ';')) || (t.type === 'ident' && SELECT_LIST_END.has(t.text))) break
    items.push(parseSelectItem(p))
  }
  return items
}

function parseSelectItem(p: Cursor): SelectItem {
  const pos = p.pos
  // DuckDB's prefix alias: SELECT x: expr
  if (p.isIdentifier() && p.isOp(':', 1)) {
    const alias = p.next().text
    p.next()
    return { pos, expr: parseExpr(p), alias }
  }
  const expr = parseExpr(p)
  let alias: string | null = null
  if (p.acceptKw('as')) {
    const t = p.peek()
    if (t.type === 'string') { p.next(); alias = t.text } else alias = p.label('alias')
  } else if (p.isIdentifier()) {
    alias = p.next().text
  }
  return { pos, expr, alias }
}

function parseGroupBy(p: Cursor): GroupBy {
  const pos = p.pos
  p.index += 2
  if (p.isKw('all') && !p.isOp('.', 1)) {
    p.next()
    return { kind: 'group_all', pos }
  }
  const items: GroupingElement[] = []
  do items.push(parseGroupingElement(p)); while (p.acceptOp(','))
  return { kind: 'group_list', pos, items }
}

function parseGroupingElement(p: Cursor): GroupingElement {
  const pos = p.pos
  if (p.isOp('(') && p.isOp(')', 1)) {
    p.index += 2
    return { kind: 'group_empty', pos }
  }
  if ((p.isKw('rollup') || p.isKw('cube')) && p.isOp('(', 1)) {
    const kind = p.next().text as 'rollup' | 'cube'
    p.next()
    const items: Expr[][] = []
    do {
      const e = parseExpr(p)
      items.push(e.kind === 'row' ? [...e.items] : [e])
    } while (p.acceptOp(','))
    p.expectOp(')')
    return { kind, pos, items }
  }
  if (p.isKw('grouping') && p.isKw('sets', 1)) {
    p.index += 2
    p.expectOp('(')
    const sets: GroupingElement[] = []
    do sets.push(parseGroupingElement(p)); while (p.acceptOp(','))
    p.expectOp(')')
    return { kind: 'grouping_sets', pos, sets }
  }
  // `(a, b)` stays a 'row' expression: inside GROUPING SETS it is one set of several columns
  return { kind: 'group_expr', pos, expr: parseExpr(p) }
}

export { isQueryStart }
