/**
 * Extension statements: INSTALL, LOAD, UNLOAD, UPDATE EXTENSIONS, SHOW EXTENSION PERMISSIONS,
 * and the procedural-language routines CREATE [OR REPLACE] FUNCTION / AGGREGATE … LANGUAGE ….
 */
import { notSupported } from '../errors.ts'
import type { RoutineParam, Statement } from './ast.ts'
import type { Cursor } from './cursor.ts'
import type { Token } from './lexer.ts'
import { parseTypeName } from './type-names.ts'

function extensionName(p: Cursor): string {
  const t = p.peek()
  if (t.type === 'ident' || t.type === 'quoted') { p.next(); return t.text }
  throw p.unexpected(t, 'expected an extension name')
}

function stringLiteral(p: Cursor, what: string): Token {
  const t = p.peek()
  if (t.type !== 'string') throw p.unexpected(t, `expected ${what} as a quoted string`)
  return p.next()
}

/** [FORCE] INSTALL name [VERSION 'range'] [FROM 'registry-dir'] */
export function parseInstall(p: Cursor): Statement {
  const pos = p.pos
  const force = p.acceptKw('force')
  p.expectKw('install')
  p.acceptKw('extension')
  const name = extensionName(p)
  let version: string | null = null
  let from: string | null = null
  for (;;) {
    if (version === null && p.acceptKw('version')) version = stringLiteral(p, 'a version range').text
    else if (from === null && p.acceptKw('from')) {
      const t = p.peek()
      if (t.type === 'string' || t.type === 'ident' || t.type === 'quoted') { p.next(); from = t.text } else throw p.unexpected(t, 'expected a registry directory')
    } else break
  }
  return { kind: 'install_extension', pos, name, version, from, force }
}

/** LOAD [EXTENSION] name | LOAD 'bundle-dir' */
export function parseLoad(p: Cursor): Statement {
  const pos = p.expectKw('load').pos
  p.acceptKw('extension')
  const t = p.peek()
  if (t.type === 'string') { p.next(); return { kind: 'load_extension', pos, target: { kind: 'path', path: t.text } } }
  return { kind: 'load_extension', pos, target: { kind: 'name', name: extensionName(p) } }
}

/** UNLOAD [EXTENSION] name */
export function parseUnload(p: Cursor): Statement {
  const pos = p.expectKw('unload').pos
  p.acceptKw('extension')
  return { kind: 'unload_extension', pos, name: extensionName(p) }
}

/** UPDATE EXTENSIONS, not UPDATE of a table named extensions (which needs SET after the name or alias). */
export function isUpdateExtensions(p: Cursor): boolean {
  if (!p.isKw('update') || !p.isKw('extensions', 1)) return false
  const after = p.peek(2)
  return after.type === 'eof' || (after.type === 'op' && (after.text === ';' || after.text === '('))
}

/** UPDATE EXTENSIONS [(name, …)] */
export function parseUpdateExtensions(p: Cursor): Statement {
  const pos = p.expectKw('update').pos
  p.expectKw('extensions')
  if (!p.acceptOp('(')) return { kind: 'update_extensions', pos, names: null }
  const names: string[] = []
  do names.push(extensionName(p)); while (p.acceptOp(','))
  p.expectOp(')')
  return { kind: 'update_extensions', pos, names }
}

/** SHOW EXTENSION PERMISSIONS name, after SHOW */
export function parseShowExtensionPermissions(p: Cursor, pos: number): Statement {
  p.expectKw('extension')
  p.expectKw('permissions')
  return { kind: 'show_extension_permissions', pos, name: extensionName(p) }
}

/** Is this CREATE FUNCTION / AGGREGATE a procedural routine (…) RETURNS … rather than a macro? */
export function isRoutine(p: Cursor): boolean {
  if (!p.isKw('function') && !p.isKw('aggregate')) return false
  let depth = 0
  for (let k = 1; ; k++) {
    const t = p.peek(k)
    if (t.type === 'eof') return false
    if (t.type === 'op' && t.text === '(') depth++
    else if (t.type === 'op' && t.text === ')') { depth--; if (depth === 0) return p.isKw('returns', k + 1) || p.isKw('language', k + 1) }
    else if (depth === 0 && t.type === 'op' && t.text !== '.') return false
  }
}

/**
 * CREATE [OR REPLACE] FUNCTION name(p type, …) RETURNS type LANGUAGE lang AS 'body' | $$body$$ [SYMBOL 'export']
 * CREATE [OR REPLACE] AGGREGATE name(p type, …) RETURNS type LANGUAGE javascript AS $$ { init, step, combine, finalize } $$
 * The clauses after the parameter list may come in any order, as in PostgreSQL.
 */
export function parseCreateRoutine(p: Cursor, pos: number, orReplace: boolean): Statement {
  const keyword = p.next()
  const routineKind = keyword.text === 'aggregate' ? 'aggregate' as const : 'scalar' as const
  const nameParts = p.qualifiedName('function name')
  const name = nameParts[nameParts.length - 1]!
  p.expectOp('(')
  const params: RoutineParam[] = []
  if (!p.isOp(')')) {
    do {
      const paramPos = p.pos
      const paramName = p.identifier('parameter name')
      params.push({ pos: paramPos, name: paramName, type: parseTypeName(p) })
    } while (p.acceptOp(','))
  }
  p.expectOp(')')
  let returns = null, language: string | null = null, body: string | null = null, bodyPos = pos, symbol: string | null = null
  for (;;) {
    if (returns === null && p.acceptKw('returns')) returns = parseTypeName(p)
    else if (language === null && p.acceptKw('language')) {
      const t = p.peek()
      if (t.type !== 'ident' && t.type !== 'quoted' && t.type !== 'string') throw p.unexpected(t, 'expected a language name such as javascript or wasm')
      p.next()
      language = t.text.toLowerCase()
    } else if (body === null && p.acceptKw('as')) {
      const t = stringLiteral(p, 'the function body')
      body = t.text
      bodyPos = bodyStart(p.sql, t)
    } else if (body === null && p.isKw('from') && p.peek(1).type === 'string') {
      // FROM 'file.wasm': the file is read when the function is created
      p.next()
      const t = p.next()
      body = `file:${t.text}`
      bodyPos = t.pos
    } else if (symbol === null && p.acceptKw('symbol')) symbol = stringLiteral(p, 'the exported function name').text
    else if (p.isKw('immutable') || p.isKw('stable') || p.isKw('volatile') || p.isKw('strict')) p.next()
    else break
  }
  if (returns === null) throw p.unexpected(undefined, 'expected RETURNS <type>')
  if (language === null) throw notSupported(`CREATE ${keyword.text.toUpperCase()} in LANGUAGE sql`, keyword.pos, 'write the function in LANGUAGE javascript or LANGUAGE wasm')
  if (body === null) throw p.unexpected(undefined, 'expected AS $$ body $$')
  if (routineKind === 'aggregate' && language !== 'javascript') throw notSupported(`CREATE AGGREGATE … LANGUAGE ${language}`, pos, 'write the aggregate in LANGUAGE javascript')
  return { kind: 'create_function', pos, routineKind, orReplace, name, params, returns, language, body, bodyPos, symbol }
}

/** One entry of DROP FUNCTION f(…): a type, optionally after a parameter name. */
export function parseRoutineParamType(p: Cursor): void {
  if (p.isIdentifier() && !p.isOp(',', 1) && !p.isOp(')', 1) && !p.isOp('(', 1) && !p.isOp('[', 1)) p.next()
  parseTypeName(p)
}

/** Where the body's first character sits in the SQL text, for error carets inside the body. */
function bodyStart(sql: string, t: Token): number {
  if (sql[t.pos] === '$') return sql.indexOf('$', t.pos + 1) + 1
  return t.pos + (sql[t.pos] === "'" ? 1 : 2)
}
