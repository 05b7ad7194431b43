/**
 * Statement dispatch: a table keyed by the leading keyword, so new statements (COPY, ATTACH, …)
 * are one entry each. Also the small statements: transactions, EXPLAIN, SET/RESET, SHOW,
 * DESCRIBE, PRAGMA, CALL.
 */
import { closestMatch, notSupported } from '../errors.ts'
import type { Expr, Query, Statement } from './ast.ts'
import type { Cursor } from './cursor.ts'
import { parseAlter, parseCreate, parseDrop } from './ddl.ts'
import { parseDelete, parseInsert, parseTruncate, parseUpdate } from './dml.ts'
import { parseCopy } from './copy.ts'
import { parseBackup, parseExport, parseImport, parseRestore } from './database-files.ts'
import { parseDeallocate, parseExecute, parsePrepare } from './prepare.ts'
import { parseAttach, parseDetach, parseUse } from './attach.ts'
import { parseExpr } from './expressions.ts'
import { parseFromList } from './from.ts'
import { parseArgument } from './calls.ts'
import { isQueryStart, parseQuery, parseQueryAfterWith, parseWith, selectStarFrom } from './query.ts'
import { isUpdateExtensions, parseInstall, parseLoad, parseShowExtensionPermissions, parseUnload, parseUpdateExtensions } from './extensions.ts'

export type StatementParser = (p: Cursor) => Statement

function queryStatement(p: Cursor): Statement {
  const query = parseQuery(p)
  return { kind: 'query_statement', pos: query.pos, query }
}

function transaction(action: 'begin' | 'commit' | 'rollback', ...optional: string[]): StatementParser {
  return p => {
    const pos = p.next().pos
    for (const word of optional) p.acceptKw(word)
    return { kind: 'transaction', pos, action }
  }
}

const UNSUPPORTED_STATEMENTS = [
  'grant', 'revoke', 'vacuum', 'analyze',
  'reindex', 'summarize', 'pivot',
  'unpivot', 'comment', 'update_extensions', 'merge', 'listen', 'notify', 'lock', 'cluster',
]

/** Leading keyword → parser. Extend here for new statements. */
export const STATEMENT_PARSERS: Map<string, StatementParser> = new Map<string, StatementParser>([
  ['select', queryStatement],
  ['values', queryStatement],
  ['from', queryStatement],
  ['table', queryStatement],
  ['with', parseWithStatement],
  ['create', parseCreate],
  ['drop', parseDrop],
  ['alter', parseAlter],
  ['insert', p => parseInsert(p, null)],
  ['replace', p => parseInsert(p, null)],
  ['update', p => isUpdateExtensions(p) ? parseUpdateExtensions(p) : parseUpdate(p, null)],
  ['delete', p => parseDelete(p, null)],
  ['truncate', parseTruncate],
  ['begin', transaction('begin', 'transaction')],
  ['start', p => { const pos = p.next().pos; p.expectKw('transaction'); return { kind: 'transaction', pos, action: 'begin' } }],
  ['commit', transaction('commit', 'transaction')],
  ['end', transaction('commit', 'transaction')],
  ['rollback', transaction('rollback', 'transaction')],
  ['abort', transaction('rollback', 'transaction')],
  ['explain', parseExplain],
  ['set', parseSet],
  ['reset', parseReset],
  ['show', parseShow],
  ['describe', parseDescribe],
  ['desc', parseDescribe],
  ['pragma', parsePragma],
  ['call', parseCall],
  ['copy', parseCopy],
  ['install', parseInstall],
  ['force', p => p.isKws('force', 'checkpoint') ? parseCheckpoint(p) : parseInstall(p)],
  ['checkpoint', parseCheckpoint],
  ['load', parseLoad],
  ['unload', parseUnload],
  ['prepare', p => parsePrepare(p, parseStatement)],
  ['execute', parseExecute],
  ['deallocate', parseDeallocate],
  ['export', parseExport],
  ['import', parseImport],
  ['backup', parseBackup],
  ['restore', parseRestore],
  ['attach', parseAttach],
  ['detach', parseDetach],
  ['use', parseUse],
  ...UNSUPPORTED_STATEMENTS.map((word): [string, StatementParser] => [word, p => { throw notSupported(word.toUpperCase(), p.pos) }]),
])

/** One statement at the cursor (without its terminating `;`). */
export function parseStatement(p: Cursor): Statement {
  const t = p.peek()
  if (t.type === 'op' && t.text === '(') return queryStatement(p)
  if (t.type === 'ident') {
    const parser = STATEMENT_PARSERS.get(t.text)
    if (parser !== undefined) return parser(p)
    const suggestion = closestMatch(t.text, STATEMENT_PARSERS.keys())
    if (suggestion !== undefined) throw p.unexpected(t, `did you mean "${suggestion.toUpperCase()}"?`)
  }
  throw p.unexpected(t)
}

function parseWithStatement(p: Cursor): Statement {
  const pos = p.pos
  const withClause = parseWith(p)
  if (p.isKw('insert')) return parseInsert(p, withClause, pos)
  if (p.isKw('update')) return parseUpdate(p, withClause, pos)
  if (p.isKw('delete')) return parseDelete(p, withClause, pos)
  const query = parseQueryAfterWith(p, pos, withClause)
  return { kind: 'query_statement', pos, query }
}

function parseExplain(p: Cursor): Statement {
  const pos = p.next().pos
  let analyze = false
  if (p.acceptKw('analyze') || p.acceptKw('analyse')) analyze = true
  else if (p.isOp('(')) {
    // EXPLAIN (ANALYZE [true], …)
    p.next()
    do {
      const option = p.label('option')
      let enabled = true
      if (p.acceptKw('false') || p.acceptKw('off')) enabled = false
      else if (!p.acceptKw('true')) p.acceptKw('on')
      if ((option === 'analyze' || option === 'analyse') && enabled) analyze = true
    } while (p.acceptOp(','))
    p.expectOp(')')
  }
  return { kind: 'explain', pos, analyze, statement: parseStatement(p) }
}

/** A SET value: any expression, or a bare word (SET x TO on) taken as a string. */
function parseSettingValue(p: Cursor): Expr {
  const t = p.peek()
  const after = p.peek(1)
  if ((t.type === 'ident' || t.type === 'quoted') && (after.type === 'eof' || (after.type === 'op' && after.text === ';'))
    && !(t.type === 'ident' && (t.text === 'true' || t.text === 'false' || t.text === 'null'))) {
    p.next()
    return { kind: 'string', pos: t.pos, value: t.text }
  }
  return parseExpr(p)
}

function settingName(p: Cursor): string {
  const parts = [p.label('setting name')]
  while (p.acceptOp('.')) parts.push(p.label('setting name'))
  return parts.join('.')
}

function parseSet(p: Cursor): Statement {
  const pos = p.next().pos
  let scope: 'session' | 'global' | 'local' = 'session'
  if (p.acceptKw('session')) scope = 'session'
  else if (p.acceptKw('global')) scope = 'global'
  else if (p.acceptKw('local')) scope = 'local'
  if (p.isKw('time') && p.isKw('zone', 1)) {
    p.index += 2
    return { kind: 'set', pos, name: 'timezone', scope, value: parseSettingValue(p) }
  }
  const name = settingName(p)
  if (!p.acceptKw('to') && !p.acceptOp('=')) throw p.unexpected(undefined, 'expected = or TO')
  // SET x TO DEFAULT is RESET x
  if (p.isKw('default') && (p.peek(1).type === 'eof' || p.isOp(';', 1))) { p.next(); return { kind: 'reset', pos, name } }
  return { kind: 'set', pos, name, scope, value: parseSettingValue(p) }
}

function parseReset(p: Cursor): Statement {
  const pos = p.next().pos
  p.acceptKw('session') || p.acceptKw('global') || p.acceptKw('local')
  if (p.acceptKw('all')) return { kind: 'reset', pos, name: null }
  return { kind: 'reset', pos, name: settingName(p) }
}

function parseShow(p: Cursor): Statement {
  const pos = p.next().pos
  if (p.acceptKw('tables')) return { kind: 'show', pos, what: p.acceptKw('from') || p.acceptKw('in') ? { kind: 'tables', from: p.qualifiedName('database name') } : { kind: 'tables' } }
  if (p.acceptKw('databases')) return { kind: 'show', pos, what: { kind: 'databases' } }
  if (p.acceptKws('all', 'tables')) return { kind: 'show', pos, what: { kind: 'all_tables' } }
  if (p.acceptKw('models')) return { kind: 'show', pos, what: { kind: 'models' } }
  if (p.isKws('extension', 'permissions')) return parseShowExtensionPermissions(p, pos)
  if (isQueryStart(p)) return { kind: 'describe', pos, target: { kind: 'query', query: parseQuery(p) } }
  return { kind: 'show', pos, what: { kind: 'setting', name: settingName(p) } }
}

function parseDescribe(p: Cursor): Statement {
  const pos = p.next().pos
  if (isQueryStart(p) || p.isOp('(')) return { kind: 'describe', pos, target: { kind: 'query', query: parseQuery(p) } }
  // DESCRIBE 'file.csv' / DESCRIBE ['a.csv', 'b.csv']: the detected schema of files
  if (p.peek().type === 'string' || p.isOp('[')) {
    const query: Query = {
      kind: 'query', pos, with: null, body: selectStarFrom(pos, parseFromList(p)), orderBy: [], orderByAll: null, limit: null,
      limitPercent: false, offset: null,
    }
    return { kind: 'describe', pos, target: { kind: 'query', query } }
  }
  p.acceptKw('table')
  const name = p.qualifiedName('table name')
  return { kind: 'describe', pos, target: { kind: 'table', name } }
}

function parsePragma(p: Cursor): Statement {
  const pos = p.next().pos
  const name = p.label('pragma name')
  const args: Expr[] = []
  if (p.acceptOp('(')) {
    if (!p.isOp(')')) do args.push(parseArgument(p)); while (p.acceptOp(','))
    p.expectOp(')')
  } else if (p.acceptOp('=')) {
    args.push(parseSettingValue(p))
  }
  return { kind: 'pragma', pos, name, args }
}

/** [FORCE] CHECKPOINT: run as PRAGMA checkpoint / force_checkpoint, as DuckDB does */
function parseCheckpoint(p: Cursor): Statement {
  const pos = p.peek().pos
  const force = p.acceptKw('force')
  p.expectKw('checkpoint')
  return { kind: 'pragma', pos, name: force ? 'force_checkpoint' : 'checkpoint', args: [] }
}

/** CALL f(args) is SELECT * FROM f(args). */
function parseCall(p: Cursor): Statement {
  const pos = p.next().pos
  const from = parseFromList(p)
  const ref = from[0]
  if (from.length !== 1 || ref === undefined || ref.kind !== 'function_ref') throw p.unexpected(undefined, 'CALL needs a table function call')
  const query: Query = {
    kind: 'query', pos, with: null, body: selectStarFrom(pos, from), orderBy: [], orderByAll: null, limit: null,
    limitPercent: false, offset: null,
  }
  return { kind: 'query_statement', pos, query }
}
