/**
 * Expressions: a Pratt parser whose binding powers follow PostgreSQL's operator precedence:
 * OR < AND < NOT < IS < comparison < LIKE/BETWEEN/IN < other operators < + - < * / // % < ^
 * < AT TIME ZONE, COLLATE < unary minus < :: [] and field access.
 */
import { GrizzlyError, notSupported, SqlState } from '../errors.ts'
import type { BinaryOp, Expr, OrderItem, Query } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parsePrimary, isQueryStart } from './primary.ts'
import { parseQuery } from './query.ts'
import { parseTypeName } from './type-names.ts'

export const BP = {
  lowest: 0,
  or: 10,
  and: 20,
  not: 30,
  is: 40,
  comparison: 50,
  like: 60,
  other: 70,
  additive: 80,
  multiplicative: 90,
  power: 100,
  atTimeZone: 104,
  collate: 105,
  unary: 110,
  postfix: 120,
} as const

const COMPARISON: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>='])

const OPERATOR_POWER: ReadonlyMap<string, number> = new Map<string, number>([
  ['=', BP.comparison], ['<>', BP.comparison], ['<', BP.comparison], ['<=', BP.comparison],
  ['>', BP.comparison], ['>=', BP.comparison],
  ['+', BP.additive], ['-', BP.additive],
  ['*', BP.multiplicative], ['/', BP.multiplicative], ['//', BP.multiplicative], ['%', BP.multiplicative],
  ['^', BP.power], ['**', BP.power],
  ['||', BP.other], ['&', BP.other], ['|', BP.other], ['<<', BP.other], ['>>', BP.other],
  ['<->', BP.other], ['<=>', BP.other], ['<#>', BP.other], ['@>', BP.other], ['<@', BP.other],
  ['&&', BP.other], ['->>', BP.other], ['->', BP.other], ['~', BP.other], ['!~', BP.other],
  ['~*', BP.other], ['!~*', BP.other], ['~~', BP.other], ['!~~', BP.other], ['~~*', BP.other],
  ['!~~*', BP.other], ['^@', BP.other],
  ['::', BP.postfix], ['[', BP.postfix], ['.', BP.postfix], ['!', BP.postfix],
])

const KEYWORD_POWER: ReadonlyMap<string, number> = new Map<string, number>([
  ['or', BP.or], ['and', BP.and], ['is', BP.is], ['isnull', BP.is], ['notnull', BP.is],
  ['like', BP.like], ['ilike', BP.like], ['glob', BP.like], ['similar', BP.like], ['between', BP.like],
  ['in', BP.like], ['collate', BP.collate],
])

const NEGATABLE: ReadonlySet<string> = new Set(['like', 'ilike', 'glob', 'similar', 'between', 'in'])

export function parseExpr(p: Cursor, minBp: number = BP.lowest): Expr {
  let left = parsePrimary(p)
  for (;;) {
    const t = p.peek()
    let power: number | undefined
    if (t.type === 'op') {
      power = OPERATOR_POWER.get(t.text)
      if (t.text === '%' && p.limitPercent && endsPercent(p)) return left
    } else if (t.type === 'ident') {
      if (t.text === 'not') {
        if (p.isAnyKw(NEGATABLE, 1)) power = BP.like
      } else if (t.text === 'at') {
        if (p.isKw('time', 1) && p.isKw('zone', 2)) power = BP.atTimeZone
      } else {
        power = KEYWORD_POWER.get(t.text)
      }
    }
    if (power === undefined || power <= minBp) return left
    left = parseInfix(p, left, power)
  }
}

/** In `LIMIT 10%`, a `%` followed by nothing that can start an operand ends the limit. */
function endsPercent(p: Cursor): boolean {
  const after = p.peek(1)
  return after.type === 'eof' || (after.type === 'op' && (after.text === ';' || after.text === ')')) ||
    (after.type === 'ident' && (after.text === 'offset' || after.text === 'union' || after.text === 'except' || after.text === 'intersect'))
}

function parseInfix(p: Cursor, left: Expr, power: number): Expr {
  const t = p.next()
  const pos = left.pos
  if (t.type === 'op') {
    switch (t.text) {
      case '::':
        return { kind: 'cast', pos, expr: left, type: parseTypeName(p), try: false }
      case '[':
        return parseSubscript(p, left)
      case '.': {
        if (p.isOp('*')) throw notSupported('field expansion (x).*', p.pos)
        return { kind: 'field', pos, expr: left, field: p.label('field name') }
      }
      case '~~': case '!~~': case '~~*': case '!~~*': {
        const right = parseExpr(p, power)
        return { kind: 'like', pos, not: t.text[0] === '!', op: t.text.endsWith('*') ? 'ilike' : 'like', expr: left, pattern: right, escape: null }
      }
      case '!':
        // DuckDB's postfix factorial
        return plainCall(pos, 'factorial', [left])
      case '^@': {
        const right = parseExpr(p, power)
        return plainCall(pos, 'starts_with', [left, right])
      }
      default:
        break
    }
    if (COMPARISON.has(t.text) && (p.isKw('any') || p.isKw('some') || p.isKw('all')) && p.isOp('(', 1)) {
      const quantifierToken = p.next()
      p.expectOp('(')
      const op = t.text as QuantifiedOp
      const quantifier = quantifierToken.text === 'all' ? 'all' : 'any'
      if (!isQueryStart(p)) {
        const list = parseExpr(p, 0)
        p.expectOp(')')
        return quantifiedList(pos, op, quantifier, left, list)
      }
      const query = parseQuery(p)
      p.expectOp(')')
      return { kind: 'quantified', pos, op, quantifier, left, query }
    }
    const right = parseExpr(p, power)
    return { kind: 'binary', pos, op: t.text as BinaryOp, left, right }
  }
  // keyword operators
  switch (t.text) {
    case 'or': case 'and':
      return { kind: 'binary', pos, op: t.text, left, right: parseExpr(p, power) }
    case 'isnull':
      return { kind: 'is_null', pos, not: false, expr: left }
    case 'notnull':
      return { kind: 'is_null', pos, not: true, expr: left }
    case 'is':
      return parseIs(p, left)
    case 'collate':
      return { kind: 'collate', pos, expr: left, collation: collationName(p) }
    case 'at':
      p.index += 2 // TIME ZONE
      return plainCall(pos, 'timezone', [parseExpr(p, power), left])
    case 'not':
      return parseNegatable(p, left, p.next().text, true)
    default:
      return parseNegatable(p, left, t.text, false)
  }
}

function collationName(p: Cursor): string {
  const t = p.peek()
  if (t.type === 'string' || t.type === 'ident' || t.type === 'quoted') { p.next(); return t.text }
  throw p.unexpected(t, 'expected a collation name')
}

function parseIs(p: Cursor, left: Expr): Expr {
  const pos = left.pos
  const not = p.acceptKw('not')
  if (p.acceptKw('null')) return { kind: 'is_null', pos, not, expr: left }
  if (p.acceptKw('true')) return { kind: 'is_bool', pos, not, value: true, expr: left }
  if (p.acceptKw('false')) return { kind: 'is_bool', pos, not, value: false, expr: left }
  if (p.acceptKw('unknown')) return { kind: 'is_bool', pos, not, value: null, expr: left }
  if (p.acceptKw('distinct')) {
    p.expectKw('from')
    return { kind: 'is_distinct', pos, not, left, right: parseExpr(p, BP.is) }
  }
  throw p.unexpected(undefined, 'expected NULL, TRUE, FALSE, UNKNOWN or DISTINCT FROM after IS')
}

function parseNegatable(p: Cursor, left: Expr, word: string, not: boolean): Expr {
  const pos = left.pos
  switch (word) {
    case 'like': case 'ilike': case 'glob': {
      const pattern = parseExpr(p, BP.like)
      const escape = p.acceptKw('escape') ? parseExpr(p, BP.like) : null
      return { kind: 'like', pos, not, op: word, expr: left, pattern, escape }
    }
    case 'similar': {
      p.expectKw('to')
      const pattern = parseExpr(p, BP.like)
      const escape = p.acceptKw('escape') ? parseExpr(p, BP.like) : null
      return { kind: 'like', pos, not, op: 'similar', expr: left, pattern, escape }
    }
    case 'between': {
      let symmetric = false
      if (p.acceptKw('symmetric')) symmetric = true
      else p.acceptKw('asymmetric')
      // the lower bound is PostgreSQL's b_expr: comparisons and IS [NOT] DISTINCT FROM, no AND
      let low = parseExpr(p, BP.is)
      while (p.isKw('is') && (p.isKw('distinct', 1) || (p.isKw('not', 1) && p.isKw('distinct', 2)))) {
        p.next()
        low = parseIs(p, low)
      }
      p.expectKw('and')
      const high = parseExpr(p, BP.like)
      return { kind: 'between', pos, not, symmetric, expr: left, low, high }
    }
    case 'in': {
      if (!p.isOp('(')) {
        // DuckDB: x IN [1, 2] or x IN list_column
        const list = parseExpr(p, BP.like)
        return plainCall(pos, 'list_contains', [list, left], not)
      }
      p.next()
      const query = parseQueryInParentheses(p)
      if (query !== null) return { kind: 'in_subquery', pos, not, expr: left, query }
      const list = parseExprList(p)
      p.expectOp(')')
      return { kind: 'in_list', pos, not, expr: left, list }
    }
    default:
      throw p.unexpected()
  }
}

function parseSubscript(p: Cursor, target: Expr): Expr {
  const pos = target.pos
  let from: Expr | null = null
  if (!p.isOp(':')) from = parseExpr(p)
  if (p.acceptOp(':')) {
    let to: Expr | null = null
    if (!p.isOp(']')) {
      // x[a:-1]: '-' after ':' is the start of the upper bound
      to = parseExpr(p)
    }
    if (p.isOp(':')) throw notSupported('slices with a step', p.pos)
    p.expectOp(']')
    return { kind: 'slice', pos, expr: target, from, to }
  }
  p.expectOp(']')
  if (from === null) throw p.unexpected()
  return { kind: 'subscript', pos, expr: target, index: from }
}

/**
 * After an opening `(`: the query up to and including the matching `)` when one starts here,
 * else null with nothing consumed. `((SELECT 1) UNION (SELECT 2))` is a query while
 * `((SELECT 1) + 1)` is an expression, so a leading `(` is resolved by trying the query first.
 */
export function parseQueryInParentheses(p: Cursor): Query | null {
  if (isQueryStart(p)) {
    const query = parseQuery(p)
    p.expectOp(')')
    return query
  }
  let k = 0
  while (p.isOp('(', k)) k++
  if (k === 0 || !isQueryStart(p, k)) return null
  const start = p.index
  try {
    const query = parseQuery(p)
    p.expectOp(')')
    return query
  } catch (queryError) {
    p.index = start
    if (!(queryError instanceof GrizzlyError) || queryError.code !== SqlState.syntaxError) throw queryError
    return null
  }
}

/** One or more comma-separated expressions. */
export function parseExprList(p: Cursor): Expr[] {
  const list = [parseExpr(p)]
  while (p.acceptOp(',')) list.push(parseExpr(p))
  return list
}

export function parseOrderItems(p: Cursor): OrderItem[] {
  const items: OrderItem[] = []
  do {
    const expr = parseExpr(p)
    let descending: boolean | null = null
    if (p.acceptKw('desc') || p.acceptKw('descending')) descending = true
    else if (p.acceptKw('asc') || p.acceptKw('ascending')) descending = false
    items.push({ pos: expr.pos, expr, descending, nulls: parseNullsOrder(p) })
  } while (p.acceptOp(','))
  return items
}

export function parseNullsOrder(p: Cursor): 'first' | 'last' | null {
  if (!p.isKw('nulls')) return null
  p.next()
  if (p.acceptKw('first')) return 'first'
  if (p.acceptKw('last')) return 'last'
  throw p.unexpected(undefined, 'expected FIRST or LAST after NULLS')
}

type QuantifiedOp = '=' | '<>' | '<' | '<=' | '>' | '>='

/**
 * x op ANY (list) / ALL (list), as PostgreSQL's over an array: the quantified comparison over the
 * list's elements, NULL when the list is NULL (three-valued as over a subquery, true for ALL and
 * false for ANY over an empty list). Desugared to
 * CASE WHEN list IS NULL THEN NULL ELSE x op ANY (SELECT unnest(list)) END.
 */
function quantifiedList(pos: number, op: QuantifiedOp, quantifier: 'any' | 'all', left: Expr, list: Expr): Expr {
  const elements: Query = {
    kind: 'query', pos, with: null, orderBy: [], orderByAll: null, limit: null, limitPercent: false, offset: null,
    body: {
      kind: 'select', pos, distinct: false, items: [{ pos, expr: plainCall(pos, 'unnest', [list]), alias: null }],
      from: [], where: null, groupBy: null, having: null, windows: [], qualify: null,
    },
  }
  return {
    kind: 'case', pos, operand: null,
    whens: [{ when: { kind: 'is_null', pos, not: false, expr: list }, then: { kind: 'null', pos } }],
    else: { kind: 'quantified', pos, op, quantifier, left, query: elements },
    listQuantifier: { left, op, quantifier, list },
  }
}

export function plainCall(pos: number, name: string, args: Expr[], negate = false): Expr {
  const call: Expr = {
    kind: 'function', pos, name: [name], args, distinct: false, orderBy: [], withinGroup: [],
    filter: null, ignoreNulls: false, over: null,
  }
  return negate ? { kind: 'unary', pos, op: 'not', operand: call } : call
}

/** Parses `( query )` after the caller saw `(`; used for EXISTS, ARRAY(…) and scalar subqueries. */
export function parseParenQuery(p: Cursor): Query {
  p.expectOp('(')
  const query = parseQuery(p)
  p.expectOp(')')
  return query
}
