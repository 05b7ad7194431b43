/** Small helpers shared by the parser tests. */
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../../core/errors.ts'
import { parse, parseExpression } from '../../../core/parser/index.ts'
import type { Expr, Query, SelectCore, Statement } from '../../../core/parser/ast.ts'

export function one(sql: string): Statement {
  const list = parse(sql)
  assert.equal(list.length, 1, `expected one statement from ${sql}`)
  return list[0]!
}

export function query(sql: string): Query {
  const s = one(sql)
  assert.equal(s.kind, 'query_statement')
  if (s.kind !== 'query_statement') throw new Error('unreachable')
  return s.query
}

export function select(sql: string): SelectCore {
  const q = query(sql)
  assert.equal(q.body.kind, 'select', `expected a SELECT body for ${sql}`)
  if (q.body.kind !== 'select') throw new Error('unreachable')
  return q.body
}

/** The first select item's expression of `SELECT <expr>`. */
export function selExpr(exprSql: string): Expr {
  return select(`SELECT ${exprSql}`).items[0]!.expr
}

/**
 * Removes `pos` fields so shapes can be compared structurally, and a PREPARE's source `text`
 * (kept verbatim for error messages, so formatting changes it by design).
 */
export function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip)
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    const prepare = (node as { kind?: unknown }).kind === 'prepare'
    for (const [k, v] of Object.entries(node)) if (k !== 'pos' && !(prepare && k === 'text')) out[k] = strip(v)
    return out
  }
  return node
}

/** A compact S-expression rendering of an expression, for precedence tests. */
export function sexpr(e: Expr): string {
  switch (e.kind) {
    case 'number': return e.text
    case 'string': return `'${e.value}'`
    case 'boolean': return String(e.value)
    case 'null': return 'null'
    case 'column': return e.parts.join('.')
    case 'binary': return `(${e.op} ${sexpr(e.left)} ${sexpr(e.right)})`
    case 'unary': return `(${e.op} ${sexpr(e.operand)})`
    case 'is_null': return `(is${e.not ? ' not' : ''} null ${sexpr(e.expr)})`
    case 'is_bool': return `(is${e.not ? ' not' : ''} ${String(e.value)} ${sexpr(e.expr)})`
    case 'is_distinct': return `(is${e.not ? ' not' : ''} distinct ${sexpr(e.left)} ${sexpr(e.right)})`
    case 'like': return `(${e.not ? 'not ' : ''}${e.op} ${sexpr(e.expr)} ${sexpr(e.pattern)}${e.escape ? ' ' + sexpr(e.escape) : ''})`
    case 'between': return `(${e.not ? 'not ' : ''}between ${sexpr(e.expr)} ${sexpr(e.low)} ${sexpr(e.high)})`
    case 'in_list': return `(${e.not ? 'not ' : ''}in ${sexpr(e.expr)} ${e.list.map(sexpr).join(' ')})`
    case 'cast': return `(${e.try ? 'try_cast' : 'cast'} ${sexpr(e.expr)} ${e.type.name})`
    case 'function': return `${e.name.join('.')}(${e.args.map(sexpr).join(', ')})`
    case 'subscript': return `(at ${sexpr(e.expr)} ${sexpr(e.index)})`
    case 'field': return `(field ${sexpr(e.expr)} ${e.field})`
    case 'collate': return `(collate ${sexpr(e.expr)} ${e.collation})`
    case 'parameter': return `$${e.index}`
    case 'row': return `(row ${e.items.map(sexpr).join(' ')})`
    case 'list': return `[${e.items.map(sexpr).join(', ')}]`
    default: return `<${e.kind}>`
  }
}

export function px(sql: string): string {
  return sexpr(parseExpression(sql))
}

/** Asserts that parsing fails with `code`, and (when given) at `position` and with a message matching. */
export function fails(sql: string, code: string, position?: number, message?: RegExp): GrizzlyError {
  let error: unknown
  try { parse(sql) } catch (e) { error = e }
  assert.ok(error instanceof GrizzlyError, `expected a GrizzlyError for ${JSON.stringify(sql)}, got ${String(error)}`)
  assert.equal(error.code, code, `code for ${JSON.stringify(sql)}: ${error.message}`)
  if (position !== undefined) assert.equal(error.position, position, `position for ${JSON.stringify(sql)}: ${error.message}`)
  if (message !== undefined) assert.match(error.message, message)
  return error
}
