/**
 * Function calls and what may follow them: DISTINCT, ORDER BY and IGNORE NULLS inside the
 * parentheses, WITHIN GROUP, FILTER, OVER; named arguments and lambdas; the SQL-standard special
 * forms (EXTRACT, POSITION, SUBSTRING, TRIM, OVERLAY); window specifications.
 */
import type { Expr, FrameBound, FunctionCall, NamedArg, OrderItem, WindowFrame, WindowSpec } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { BP, parseExpr, parseExprList, parseOrderItems, plainCall } from './expressions.ts'
import { parseStarModifiers } from './primary.ts'

const SPECIAL_CALLS: ReadonlySet<string> = new Set(['extract', 'position', 'substring', 'trim', 'overlay'])

export function parseFunctionCall(p: Cursor, pos: number, name: string[]): Expr {
  p.expectOp('(')
  const simple = name.length === 1 ? name[0]! : ''
  if (SPECIAL_CALLS.has(simple) && !p.isOp(')')) {
    const special = parseSpecialCall(p, pos, simple)
    if (special !== null) return special
  }
  return finishCall(p, pos, name, [])
}

/** Parses arguments after `(` (some possibly already parsed), the closing `)` and the suffixes. */
function finishCall(p: Cursor, pos: number, name: string[], args: Expr[]): FunctionCall {
  let distinct = false
  let orderBy: OrderItem[] = []
  let ignoreNulls = false
  let respectNulls = false
  if (args.length === 0) {
    if (p.acceptKw('distinct')) distinct = true
    else p.acceptKw('all')
    if (p.isOp('*') && (p.isOp(')', 1) || p.isKw('exclude', 1) || p.isKw('replace', 1))) {
      const starPos = p.next().pos
      args.push(parseStarModifiers(p, starPos, null))
    } else if (!p.isOp(')') && !(p.isKw('order') && p.isKw('by', 1))) {
      args.push(parseArgument(p))
    }
  }
  if (args.length > 0) while (p.acceptOp(',')) args.push(parseArgument(p))
  if (p.isKw('order') && p.isKw('by', 1)) { p.index += 2; orderBy = parseOrderItems(p) }
  if (p.isKw('ignore') && p.isKw('nulls', 1)) { p.index += 2; ignoreNulls = true }
  else if (p.isKw('respect') && p.isKw('nulls', 1)) { p.index += 2; respectNulls = true }
  p.expectOp(')')
  let withinGroup: OrderItem[] = []
  if (p.isKw('within') && p.isKw('group', 1)) {
    p.index += 2
    p.expectOp('(')
    p.expectKw('order'); p.expectKw('by')
    withinGroup = parseOrderItems(p)
    p.expectOp(')')
  }
  let filter: Expr | null = null
  if (p.isKw('filter') && p.isOp('(', 1)) {
    p.index += 2
    p.acceptKw('where')
    filter = parseExpr(p)
    p.expectOp(')')
  }
  if (p.isKw('ignore') && p.isKw('nulls', 1)) { p.index += 2; ignoreNulls = true }
  else if (p.isKw('respect') && p.isKw('nulls', 1)) { p.index += 2; respectNulls = true }
  let over: WindowSpec | null = null
  if (p.isKw('over')) {
    const overPos = p.next().pos
    if (p.acceptOp('(')) {
      over = parseWindowSpec(p, overPos)
      p.expectOp(')')
    } else {
      over = { pos: overPos, base: p.identifier('window name'), partitionBy: [], orderBy: [], frame: null }
    }
  }
  return { kind: 'function', pos, name, args, distinct, orderBy, withinGroup, filter, ignoreNulls, ...(respectNulls ? { respectNulls } : {}), over }
}

/** A call argument: lambda, named argument (`name := v`, `name => v`) or expression. */
export function parseArgument(p: Cursor): Expr {
  const t = p.peek()
  if (t.type === 'ident' || t.type === 'quoted') {
    if (p.isOp(':=', 1) || p.isOp('=>', 1)) {
      p.index += 2
      const named: NamedArg = { kind: 'named_arg', pos: t.pos, name: t.text, value: parseExpr(p) }
      return named
    }
    if (p.isOp('->', 1) && p.isIdentifier() && !isJsonArrowOperand(p, 2)) {
      p.index += 2
      return { kind: 'lambda', pos: t.pos, params: [t.text], body: parseExpr(p) }
    }
  }
  if (t.type === 'op' && t.text === '(') {
    const params = lambdaParamsAhead(p)
    if (params !== null) return { kind: 'lambda', pos: t.pos, params, body: parseExpr(p) }
  }
  return parseExpr(p)
}

/** `j -> 'key'` inside a call is JSON access, not a lambda returning a constant. */
function isJsonArrowOperand(p: Cursor, offset: number): boolean {
  const t = p.peek(offset)
  if (t.type !== 'string' && t.type !== 'number') return false
  const after = p.peek(offset + 1)
  return after.type === 'op' && (after.text === ',' || after.text === ')')
}

/** `(a, b) ->`: consumes and returns the parameter names when a lambda starts here. */
function lambdaParamsAhead(p: Cursor): string[] | null {
  let k = 1
  const params: string[] = []
  for (;;) {
    if (!p.isIdentifier(k)) return null
    params.push(p.peek(k).text)
    k++
    if (p.isOp(',', k)) { k++; continue }
    if (p.isOp(')', k) && p.isOp('->', k + 1)) { p.index += k + 2; return params }
    return null
  }
}

/** DuckDB 1.3's `lambda x, y: body`. */
export function parseLambdaKeyword(p: Cursor, pos: number): Expr {
  const params = [p.identifier('lambda parameter')]
  while (p.acceptOp(',')) params.push(p.identifier('lambda parameter'))
  p.expectOp(':')
  return { kind: 'lambda', pos, params, body: parseExpr(p) }
}

function call(pos: number, name: string, args: Expr[]): Expr {
  return plainCall(pos, name, args)
}

/** EXTRACT/POSITION/SUBSTRING/TRIM/OVERLAY with SQL-standard keywords; null → ordinary call. */
function parseSpecialCall(p: Cursor, pos: number, name: string): Expr | null {
  switch (name) {
    case 'extract': {
      const field = p.peek()
      if ((field.type === 'ident' || field.type === 'quoted' || field.type === 'string') && p.isKw('from', 1)) {
        p.index += 2
        const source = parseExpr(p)
        p.expectOp(')')
        return call(pos, 'date_part', [{ kind: 'string', pos: field.pos, value: field.text.toLowerCase() }, source])
      }
      return null
    }
    case 'position': {
      const needle = parseExpr(p, BP.like)
      if (p.acceptKw('in')) {
        const haystack = parseExpr(p)
        p.expectOp(')')
        return call(pos, 'position', [needle, haystack])
      }
      return finishCall(p, pos, [name], [needle])
    }
    case 'substring': {
      const source = parseExpr(p)
      if (p.acceptKw('from')) {
        const from = parseExpr(p)
        const args = [source, from]
        if (p.acceptKw('for')) args.push(parseExpr(p))
        p.expectOp(')')
        return call(pos, 'substring', args)
      }
      if (p.acceptKw('for')) {
        const length = parseExpr(p)
        p.expectOp(')')
        return call(pos, 'substring', [source, { kind: 'number', pos, text: '1' }, length])
      }
      return finishCall(p, pos, [name], [source])
    }
    case 'trim': {
      let fn = 'trim'
      let direction = false
      if (p.acceptKw('both')) direction = true
      else if (p.acceptKw('leading')) { fn = 'ltrim'; direction = true }
      else if (p.acceptKw('trailing')) { fn = 'rtrim'; direction = true }
      if (p.acceptKw('from')) {
        const source = parseExpr(p)
        p.expectOp(')')
        return call(pos, fn, [source])
      }
      const first = parseExpr(p)
      if (p.acceptKw('from')) {
        const source = parseExpr(p)
        p.expectOp(')')
        return call(pos, fn, [source, first])
      }
      if (direction) {
        p.expectOp(')')
        return call(pos, fn, [first])
      }
      return finishCall(p, pos, [name], [first])
    }
    case 'overlay': {
      const source = parseExpr(p)
      if (!p.acceptKw('placing')) return finishCall(p, pos, [name], [source])
      const replacement = parseExpr(p)
      p.expectKw('from')
      const args = [source, replacement, parseExpr(p)]
      if (p.acceptKw('for')) args.push(parseExpr(p))
      p.expectOp(')')
      return call(pos, 'overlay', args)
    }
    default:
      return null
  }
}

// ---- windows ----------------------------------------------------------------------------------

const FRAME_UNITS: ReadonlySet<string> = new Set(['rows', 'range', 'groups'])

/** The inside of OVER ( … ) or WINDOW w AS ( … ); the caller consumes the parentheses. */
export function parseWindowSpec(p: Cursor, pos: number): WindowSpec {
  let base: string | null = null
  if (p.isIdentifier() && !(p.isKw('partition') && p.isKw('by', 1)) && !(p.isKw('order') && p.isKw('by', 1)) && !(p.isAnyKw(FRAME_UNITS) && !p.isOp(')', 1))) {
    base = p.next().text
  }
  let partitionBy: Expr[] = []
  if (p.isKw('partition') && p.isKw('by', 1)) { p.index += 2; partitionBy = parseExprList(p) }
  let orderBy: OrderItem[] = []
  if (p.isKw('order') && p.isKw('by', 1)) { p.index += 2; orderBy = parseOrderItems(p) }
  let frame: WindowFrame | null = null
  if (p.isAnyKw(FRAME_UNITS)) frame = parseFrame(p)
  return { pos, base, ...(base !== null ? { copiesBase: true as const } : {}), partitionBy, orderBy, frame }
}

function parseFrame(p: Cursor): WindowFrame {
  const unitToken = p.next()
  const units = unitToken.text as 'rows' | 'range' | 'groups'
  let start: FrameBound
  let end: FrameBound
  if (p.acceptKw('between')) {
    start = parseFrameBound(p)
    p.expectKw('and')
    end = parseFrameBound(p)
  } else {
    start = parseFrameBound(p)
    end = { kind: 'current_row' }
  }
  let exclude: WindowFrame['exclude'] = 'no_others'
  if (p.acceptKw('exclude')) {
    if (p.acceptKws('current', 'row')) exclude = 'current_row'
    else if (p.acceptKw('group')) exclude = 'group'
    else if (p.acceptKw('ties')) exclude = 'ties'
    else if (p.acceptKws('no', 'others')) exclude = 'no_others'
    else throw p.unexpected(undefined, 'expected CURRENT ROW, GROUP, TIES or NO OTHERS')
  }
  return { pos: unitToken.pos, units, start, end, exclude }
}

function parseFrameBound(p: Cursor): FrameBound {
  if (p.acceptKws('unbounded', 'preceding')) return { kind: 'unbounded_preceding' }
  if (p.acceptKws('unbounded', 'following')) return { kind: 'unbounded_following' }
  if (p.acceptKws('current', 'row')) return { kind: 'current_row' }
  const offset = parseExpr(p, BP.and)
  if (p.acceptKw('preceding')) return { kind: 'preceding', offset }
  if (p.acceptKw('following')) return { kind: 'following', offset }
  throw p.unexpected(undefined, 'expected PRECEDING or FOLLOWING')
}
