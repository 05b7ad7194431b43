/**
 * Primary expressions: literals, names, function calls (with their special syntaxes), CASE,
 * CAST, subqueries, list/struct/row constructors, typed and interval literals, lambdas.
 */
import { notSupported, syntaxError } from '../errors.ts'
import type { Expr, Query, SelectCore, Star, TableRef, TypeName } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { BP, parseExpr, parseExprList, parseParenQuery, parseQueryInParentheses, plainCall } from './expressions.ts'
import { INTERVAL_UNITS, LITERAL_TYPE_NAMES, RESERVED, isReservedForColumn } from './keywords.ts'
import { parseTypeName } from './type-names.ts'
import { parseFunctionCall, parseLambdaKeyword } from './calls.ts'

/** True when the tokens at `offset` begin a query (SELECT, VALUES (…), WITH, FROM, TABLE t). */
export function isQueryStart(p: Cursor, offset = 0): boolean {
  const t = p.peek(offset)
  if (t.type !== 'ident') return false
  switch (t.text) {
    case 'select': case 'with': case 'from': return true
    case 'values': return p.isOp('(', offset + 1)
    case 'table': return p.isLabel(offset + 1)
    default: return false
  }
}

const NO_ARG_FUNCTIONS: ReadonlySet<string> = new Set([
  'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp', 'current_user',
  'session_user', 'user', 'current_role', 'current_catalog',
])

/** Interval units spelled in full; abbreviations (`d`, `m`) would swallow aliases after a literal. */
function intervalUnitAt(p: Cursor, offset = 0): string | undefined {
  const t = p.peek(offset)
  if (t.type !== 'ident' || t.text.length < 3) return undefined
  return INTERVAL_UNITS.get(t.text)
}

export function parsePrimary(p: Cursor): Expr {
  const t = p.peek()
  const pos = t.pos
  switch (t.type) {
    case 'number':
      p.next()
      return { kind: 'number', pos, text: t.text }
    case 'string': {
      p.next()
      // SQL-standard continuation: 'a'<newline>'b' is 'ab'
      let value = t.text
      let previous = t
      while (p.peek().type === 'string' && p.sql.slice(previous.end, p.peek().pos).includes('\n')) {
        previous = p.next()
        value += previous.text
      }
      return { kind: 'string', pos, value }
    }
    case 'blob':
      p.next()
      return { kind: 'typed_literal', pos, type: simpleType(pos, 'BLOB'), value: hexToBlobText(t.text, pos) }
    case 'param':
      p.next()
      return { kind: 'parameter', pos, index: t.text === '' ? ++p.questionParams : Number(t.text) }
    case 'quoted':
      return parseNameExpr(p)
    case 'op':
      return parseOperatorPrimary(p)
    case 'ident':
      return parseKeywordPrimary(p)
    case 'eof':
      throw p.unexpected(t)
  }
}

function parseOperatorPrimary(p: Cursor): Expr {
  const t = p.next()
  const pos = t.pos
  switch (t.text) {
    case '(': {
      const query = parseQueryInParentheses(p)
      if (query !== null) return { kind: 'subquery', pos, query }
      const first = parseExpr(p)
      if (p.acceptOp(',')) {
        const items = [first, ...parseExprList(p)]
        p.expectOp(')')
        return { kind: 'row', pos, items }
      }
      p.expectOp(')')
      return first
    }
    case '[': {
      if (p.acceptOp(']')) return { kind: 'list', pos, items: [] }
      const first = parseExpr(p)
      if (p.isKw('for')) return parseListComprehension(p, pos, first)
      const items = [first]
      while (p.acceptOp(',')) {
        if (p.isOp(']')) break
        items.push(parseExpr(p))
      }
      p.expectOp(']')
      return { kind: 'list', pos, items }
    }
    case '{':
      return parseStructLiteral(p, pos)
    case '-': {
      const operand = parseExpr(p, BP.unary)
      // fold -5 into the literal so BIGINT's minimum stays representable
      if (operand.kind === 'number' && operand.text.charCodeAt(0) !== 45 && !/^0[xbo]/i.test(operand.text)) {
        return { kind: 'number', pos, text: '-' + operand.text }
      }
      return { kind: 'unary', pos, op: '-', operand }
    }
    case '+':
      return { kind: 'unary', pos, op: '+', operand: parseExpr(p, BP.unary) }
    case '~':
      return { kind: 'unary', pos, op: '~', operand: parseExpr(p, BP.unary) }
    case '@': {
      // PostgreSQL's prefix absolute-value operator
      const operand = parseExpr(p, BP.unary)
      return { kind: 'function', pos, name: ['abs'], args: [operand], distinct: false, orderBy: [], withinGroup: [], filter: null, ignoreNulls: false, over: null }
    }
    case '*':
      return parseStarModifiers(p, pos, null)
    case '#':
      if (p.peek().type === 'number' && /^\d+$/.test(p.peek().text)) {
        const index = Number(p.next().text)
        if (index < 1) {
          throw syntaxError('a positional reference #n needs n >= 1', pos, 'columns are numbered from #1')
        }
        return { kind: 'positional', pos, index }
      }
      throw p.unexpected(t)
    default:
      throw p.unexpected(t)
  }
}

/** [expr FOR x IN list IF cond] → list_transform(list_filter(list, x -> cond), x -> expr) */
function parseListComprehension(p: Cursor, pos: number, body: Expr): Expr {
  p.expectKw('for')
  const params = [p.identifier('loop variable')]
  while (p.acceptOp(',')) params.push(p.identifier('loop variable'))
  p.expectKw('in')
  let source = parseExpr(p)
  if (p.acceptKw('if')) {
    const condition = parseExpr(p)
    source = plainCall(pos, 'list_filter', [source, { kind: 'lambda', pos: condition.pos, params, body: condition }])
  }
  p.expectOp(']')
  return plainCall(pos, 'list_transform', [source, { kind: 'lambda', pos: body.pos, params, body }])
}

/** List items, allowing DuckDB's trailing comma: [1, 2, ] */
function parseListItems(p: Cursor, close: string): Expr[] {
  const items = [parseExpr(p)]
  while (p.acceptOp(',')) {
    if (p.isOp(close)) break
    items.push(parseExpr(p))
  }
  return items
}

function parseStructLiteral(p: Cursor, pos: number): Expr {
  const fields: { name: string; value: Expr }[] = []
  if (!p.isOp('}')) {
    do {
      if (p.isOp('}')) break
      const key = p.peek()
      if (key.type !== 'string' && key.type !== 'ident' && key.type !== 'quoted') throw p.unexpected(key, 'expected a field name')
      p.next()
      p.expectOp(':')
      fields.push({ name: key.text, value: parseExpr(p) })
    } while (p.acceptOp(','))
  }
  p.expectOp('}')
  return { kind: 'struct', pos, fields }
}

/** MAP {k: v, …} → map([k, …], [v, …]) */
function parseMapLiteral(p: Cursor, pos: number): Expr {
  const keys: Expr[] = []
  const values: Expr[] = []
  if (!p.isOp('}')) {
    do {
      if (p.isOp('}')) break
      keys.push(parseExpr(p))
      p.expectOp(':')
      values.push(parseExpr(p))
    } while (p.acceptOp(','))
  }
  p.expectOp('}')
  return plainCall(pos, 'map', [{ kind: 'list', pos, items: keys }, { kind: 'list', pos, items: values }])
}

function parseKeywordPrimary(p: Cursor): Expr {
  const t = p.peek()
  const pos = t.pos
  const word = t.text
  switch (word) {
    case 'true': p.next(); return { kind: 'boolean', pos, value: true }
    case 'false': p.next(); return { kind: 'boolean', pos, value: false }
    case 'null': p.next(); return { kind: 'null', pos }
    case 'not': {
      p.next()
      const operand = parseExpr(p, BP.not)
      if (operand.kind === 'exists' && !operand.not) return { kind: 'exists', pos, not: true, query: operand.query }
      return { kind: 'unary', pos, op: 'not', operand }
    }
    case 'case': p.next(); return parseCase(p, pos)
    case 'cast': p.next(); return parseCast(p, pos, false)
    case 'try_cast':
      if (p.isOp('(', 1)) { p.next(); return parseCast(p, pos, true) }
      break
    case 'exists':
      if (p.isOp('(', 1)) { p.next(); return { kind: 'exists', pos, not: false, query: parseParenQuery(p) } }
      break
    case 'array':
      p.next()
      if (p.acceptOp('[')) {
        const items = p.isOp(']') ? [] : parseListItems(p, ']')
        p.expectOp(']')
        return { kind: 'list', pos, items }
      }
      if (p.isOp('(') && isQueryStart(p, 1)) return arraySubquery(pos, parseParenQuery(p))
      throw p.unexpected(undefined, 'expected [ after ARRAY')
    case 'row':
      if (p.isOp('(', 1)) {
        p.index += 2
        const items = p.isOp(')') ? [] : parseExprList(p)
        p.expectOp(')')
        return { kind: 'row', pos, items }
      }
      break
    case 'interval': {
      const next = p.peek(1)
      // `interval + 1` is a column named interval; INTERVAL -2 DAY is a literal
      const signedNumber = next.type === 'op' && (next.text === '-' || next.text === '+') && p.peek(2).type === 'number' && intervalUnitAt(p, 3) !== undefined
      if (next.type === 'string' || next.type === 'number' || (next.type === 'op' && next.text === '(') || signedNumber) {
        p.next()
        return parseInterval(p, pos)
      }
      break
    }
    case 'map':
      if (p.isOp('{', 1)) { p.index += 2; return parseMapLiteral(p, pos) }
      break
    case 'lambda':
      if (p.isIdentifier(1)) { p.next(); return parseLambdaKeyword(p, pos) }
      break
    case 'timestamp': case 'time':
      if (p.isKw('with', 1) && p.isKw('time', 2) && p.isKw('zone', 3) && p.peek(4).type === 'string') {
        p.index += 4
        const value = p.next().text
        return { kind: 'typed_literal', pos, type: simpleType(pos, word === 'timestamp' ? 'TIMESTAMPTZ' : 'TIMETZ'), value }
      }
      break
    default:
      break
  }
  if (NO_ARG_FUNCTIONS.has(word) && !p.isOp('(', 1)) {
    p.next()
    return plainCall(pos, word, [])
  }
  if (LITERAL_TYPE_NAMES.has(word) && p.peek(1).type === 'string') {
    p.next()
    const value = p.next().text
    return { kind: 'typed_literal', pos, type: simpleType(pos, word.toUpperCase()), value }
  }
  return parseNameExpr(p)
}

/** ARRAY(q) → (SELECT coalesce(list(c), []) FROM (q) AS array_subquery(c)): one column, order kept, [] when empty. */
function arraySubquery(pos: number, query: Query): Expr {
  const column: Expr = { kind: 'column', pos, parts: ['array_subquery', 'c'] }
  const from: TableRef = { kind: 'subquery_ref', pos, query, alias: { pos, name: 'array_subquery', columns: ['c'] }, lateral: false, singleColumn: true }
  const select: SelectCore = {
    kind: 'select', pos, distinct: false, items: [{ pos, expr: plainCall(pos, 'coalesce', [plainCall(pos, 'list', [column]), { kind: 'list', pos, items: [] }]), alias: null }],
    from: [from], where: null, groupBy: null, having: null, windows: [], qualify: null,
  }
  const outer: Query = { kind: 'query', pos, with: null, body: select, orderBy: [], orderByAll: null, limit: null, limitPercent: false, offset: null }
  return { kind: 'subquery', pos, query: outer, arrayOf: query }
}

function simpleType(pos: number, name: string): TypeName {
  return { pos, name, params: [], fields: [], arrayDims: [] }
}

/** X'0AFF' → the text '\x0A\xFF' that casting to BLOB understands. */
function hexToBlobText(hex: string, pos: number): string {
  if (hex.length % 2 !== 0) throw syntaxError('a hexadecimal blob literal needs an even number of digits', pos)
  let out = ''
  for (let i = 0; i < hex.length; i += 2) out += '\\x' + hex.slice(i, i + 2).toUpperCase()
  return out
}

/** Column references, qualified stars and function calls. */
function parseNameExpr(p: Cursor): Expr {
  const first = p.next()
  const pos = first.pos
  const parts = [first.text]
  while (p.isOp('.')) {
    if (p.isOp('*', 1)) {
      p.index += 2
      return parseStarModifiers(p, pos, parts)
    }
    if (!p.isLabel(1)) break
    p.next()
    parts.push(p.next().text)
  }
  if (p.isOp('(')) {
    if (first.type === 'ident' && parts.length === 1 && RESERVED.has(first.text)) throw p.unexpected(first)
    return parseFunctionCall(p, pos, parts)
  }
  if (first.type === 'ident' && isReservedForColumn(first.text)) throw p.unexpected(first)
  return { kind: 'column', pos, parts }
}

export function parseStarModifiers(p: Cursor, pos: number, qualifier: string[] | null): Star {
  let exclude: string[] = []
  let replace: { expr: Expr; name: string }[] = []
  if (p.isKw('exclude') && (p.isOp('(', 1) || p.isLabel(1) || p.peek(1).type === 'string')) {
    p.next()
    if (p.acceptOp('(')) {
      do exclude.push(lastPart(p)); while (p.acceptOp(','))
      p.expectOp(')')
    } else {
      exclude = [lastPart(p)]
    }
  }
  if (p.isKw('replace') && !p.isKw('as', 1) && !p.isOp(',', 1) && !isEndOfItem(p, 1)) {
    p.next()
    const parenthesised = p.acceptOp('(')
    replace = []
    do {
      const expr = parseExpr(p)
      p.expectKw('as')
      replace.push({ expr, name: p.label('column name') })
    } while (parenthesised && p.acceptOp(','))
    if (parenthesised) p.expectOp(')')
  }
  const rename: { name: string; to: string }[] = []
  if (p.isKw('rename') && (p.isOp('(', 1) || p.isLabel(1))) {
    p.next()
    const parenthesised = p.acceptOp('(')
    do {
      if (parenthesised && p.isOp(')')) break // trailing comma
      const name = lastPart(p)
      p.expectKw('as')
      rename.push({ name, to: p.label('column name') })
    } while (parenthesised && p.acceptOp(','))
    if (parenthesised) p.expectOp(')')
  }
  return { kind: 'star', pos, qualifier, exclude, replace, ...(rename.length > 0 ? { rename } : {}) }
}

/** True when the token at offset ends a select item (`,`, `)`, FROM, end …). */
function isEndOfItem(p: Cursor, offset: number): boolean {
  const t = p.peek(offset)
  return t.type === 'eof' || (t.type === 'op' && (t.text === ')' || t.text === ';')) || (t.type === 'ident' && (t.text === 'from' || t.text === 'where'))
}

function lastPart(p: Cursor): string {
  const t = p.peek()
  if (t.type === 'string') { p.next(); return t.text }
  let name = p.label('column name')
  // keep the qualifier: EXCLUDE (t.x) must name a table of the FROM clause
  while (p.isOp('.') && p.isLabel(1)) { p.next(); name += '.' + p.next().text }
  return name
}

function parseCase(p: Cursor, pos: number): Expr {
  const operand = p.isKw('when') ? null : parseExpr(p)
  const whens: { when: Expr; then: Expr }[] = []
  while (p.acceptKw('when')) {
    const when = parseExpr(p)
    p.expectKw('then')
    whens.push({ when, then: parseExpr(p) })
  }
  if (whens.length === 0) throw p.unexpected(undefined, 'CASE needs at least one WHEN')
  const otherwise = p.acceptKw('else') ? parseExpr(p) : null
  p.expectKw('end')
  return { kind: 'case', pos, operand, whens, else: otherwise }
}

function parseCast(p: Cursor, pos: number, isTry: boolean): Expr {
  p.expectOp('(')
  const expr = parseExpr(p)
  p.expectKw('as')
  const type = parseTypeName(p)
  p.expectOp(')')
  return { kind: 'cast', pos, expr, type, try: isTry }
}

function parseInterval(p: Cursor, pos: number): Expr {
  const t = p.peek()
  let value: Expr
  if (t.type === 'string') {
    p.next()
    value = { kind: 'string', pos: t.pos, value: t.text }
    const unit = intervalUnitAt(p)
    if (unit !== undefined) { p.next(); skipIntervalTo(p) }
    return { kind: 'interval', pos, value, unit: unit ?? null }
  }
  value = parseExpr(p, BP.unary)
  const unit = intervalUnitAt(p)
  if (unit === undefined) throw p.unexpected(undefined, 'expected an interval unit such as DAY or HOUR')
  p.next()
  skipIntervalTo(p)
  return { kind: 'interval', pos, value, unit }
}

function skipIntervalTo(p: Cursor): void {
  if (p.isKw('to') && intervalUnitAt(p, 1) !== undefined) throw notSupported('interval qualifiers with TO', p.pos)
}
