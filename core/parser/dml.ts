/**
 * INSERT, UPDATE, DELETE (with WITH, ON CONFLICT and RETURNING).
 */
import { notSupported, syntaxError } from '../errors.ts'
import type {
  Assignment, DeleteStatement, InsertStatement, OnConflict, Query, SelectItem, TableRef, UpdateStatement, WithClause,
} from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseExpr } from './expressions.ts'
import { parseFromList } from './from.ts'
import { identifierList, isQueryStart, parseExprOrDefault, parseQuery, parseSelectItems } from './query.ts'

/** INSERT … ; `orAction` is preset by `REPLACE INTO` (SQLite spelling). */
export function parseInsert(p: Cursor, withClause: WithClause | null, pos = p.pos): InsertStatement {
  let orAction: InsertStatement['orAction'] = null
  if (p.acceptKw('replace')) {
    orAction = 'replace'
  } else {
    p.expectKw('insert')
    if (p.acceptKw('or')) {
      if (p.acceptKw('replace')) orAction = 'replace'
      else if (p.acceptKw('ignore')) orAction = 'ignore'
      else throw p.unexpected(undefined, 'expected REPLACE or IGNORE after INSERT OR')
    }
  }
  p.expectKw('into')
  const table = p.qualifiedName('table name')
  const alias = p.acceptKw('as') ? p.identifier('alias') : null
  let byName = false
  let columns: string[] | null = null
  if (p.acceptKws('by', 'name')) byName = true
  else p.acceptKws('by', 'position')
  if (p.isOp('(') && !isQueryInParens(p)) {
    p.next()
    columns = identifierList(p)
    p.expectOp(')')
  }
  if (!byName) {
    if (p.acceptKws('by', 'name')) byName = true
    else p.acceptKws('by', 'position')
  }
  let source: Query | 'default_values'
  if (p.acceptKws('default', 'values')) source = 'default_values'
  else source = parseQuery(p)
  let onConflict: OnConflict | null = null
  if (p.isKw('on') && p.isKw('conflict', 1)) onConflict = parseOnConflict(p)
  const returning = parseReturning(p)
  return { kind: 'insert', pos, with: withClause, table, alias, columns, source, orAction, byName, onConflict, returning }
}

function isQueryInParens(p: Cursor): boolean {
  let k = 0
  while (p.isOp('(', k)) k++
  return k > 0 && isQueryStart(p, k)
}

function parseOnConflict(p: Cursor): OnConflict {
  const pos = p.pos
  p.index += 2
  let target: string[] | null = null
  if (p.acceptOp('(')) {
    target = identifierList(p)
    p.expectOp(')')
  }
  p.expectKw('do')
  if (p.acceptKw('nothing')) return { pos, target, action: { kind: 'nothing' } }
  p.expectKw('update')
  p.expectKw('set')
  const set = parseAssignments(p)
  const where = p.acceptKw('where') ? parseExpr(p) : null
  return { pos, target, action: { kind: 'update', set, where } }
}

function parseAssignments(p: Cursor): Assignment[] {
  const list: Assignment[] = []
  do {
    const pos = p.pos
    if (p.isOp('(')) {
      // SET (a, b) = (1, 2): one assignment per column
      p.next()
      const columns = identifierList(p)
      p.expectOp(')')
      p.expectOp('=')
      const valuesPos = p.pos
      const value = parseExprOrDefault(p)
      // one value that is not a row goes to every column (DuckDB: SET (a, b) = 3)
      const items = value.kind === 'row' ? value.items : columns.map(() => value)
      if (items.length !== columns.length) {
        throw syntaxError(`number of columns (${columns.length}) does not match number of values (${items.length})`, valuesPos)
      }
      for (let k = 0; k < columns.length; k++) list.push({ pos, column: columns[k]!, value: items[k]! })
      continue
    }
    const parts = p.qualifiedName('column name')
    p.expectOp('=')
    // SET t.c = …: the qualifier names the target table, the column is the last part
    list.push({ pos, column: parts[parts.length - 1]!, value: parseExprOrDefault(p) })
  } while (p.acceptOp(','))
  return list
}

function parseReturning(p: Cursor): SelectItem[] {
  return p.acceptKw('returning') ? parseSelectItems(p) : []
}

export function parseUpdate(p: Cursor, withClause: WithClause | null, pos = p.pos): UpdateStatement {
  p.expectKw('update')
  const table = p.qualifiedName('table name')
  let alias: string | null = null
  if (p.acceptKw('as')) alias = p.identifier('alias')
  else if (p.isIdentifier() && !p.isKw('set')) alias = p.next().text
  p.expectKw('set')
  const set = parseAssignments(p)
  let from: TableRef | null = null
  if (p.acceptKw('from')) from = joinList(parseFromList(p))
  const where = p.acceptKw('where') ? parseExpr(p) : null
  const returning = parseReturning(p)
  return { kind: 'update', pos, with: withClause, table, alias, set, from, where, returning }
}

export function parseDelete(p: Cursor, withClause: WithClause | null, pos = p.pos): DeleteStatement {
  p.expectKw('delete')
  p.expectKw('from')
  const table = p.qualifiedName('table name')
  let alias: string | null = null
  if (p.acceptKw('as')) alias = p.identifier('alias')
  else if (p.isIdentifier()) alias = p.next().text
  let using: TableRef | null = null
  if (p.acceptKw('using')) using = joinList(parseFromList(p))
  const where = p.acceptKw('where') ? parseExpr(p) : null
  const returning = parseReturning(p)
  return { kind: 'delete', pos, with: withClause, table, alias, using, where, returning }
}

/** TRUNCATE [TABLE] [ONLY] t ≡ DELETE FROM t (transactional, and it answers the number of rows removed, as DuckDB) */
export function parseTruncate(p: Cursor): DeleteStatement {
  const pos = p.expectKw('truncate').pos
  p.acceptKw('table')
  p.acceptKw('only')
  const table = p.qualifiedName('table name')
  if (p.isOp(',')) throw notSupported('TRUNCATE of several tables', p.pos, 'truncate one table per statement')
  if (p.isKws('restart', 'identity')) throw notSupported('TRUNCATE … RESTART IDENTITY', p.pos, "reset a sequence with setval('seq', start, false)")
  p.acceptKws('continue', 'identity')
  if (p.isKw('cascade')) throw notSupported('TRUNCATE … CASCADE', p.pos, 'truncate the referencing tables first')
  p.acceptKw('restrict')
  return { kind: 'delete', pos, with: null, table, alias: null, using: null, where: null, returning: [] }
}

/** FROM a, b in UPDATE/DELETE: the AST holds one TableRef, so commas become cross joins. */
function joinList(list: TableRef[]): TableRef {
  let ref = list[0]!
  for (let i = 1; i < list.length; i++) {
    const right = list[i]!
    ref = { kind: 'join', pos: right.pos, type: 'cross', asofOuter: false, natural: false, left: ref, right, on: null, using: null }
  }
  return ref
}
