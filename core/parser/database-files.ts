/**
 * Statements that move a whole database in or out of files:
 *   EXPORT DATABASE 'dir' [(FORMAT parquet | csv, …COPY TO options)]
 *   IMPORT DATABASE 'dir'
 *   BACKUP TO 'dir'
 *   RESTORE FROM 'dir' TO 'file.grz' [(AS OF n)]
 * Folder and file names are string literals, as in DuckDB.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Statement } from './ast.ts'
import { parseCopyOptions } from './copy.ts'
import type { Cursor } from './cursor.ts'

function pathLiteral(p: Cursor, what: string): string {
  const t = p.peek()
  if (t.type !== 'string') throw p.unexpected(t, `expected the ${what} as a string, e.g. '${what === 'database file' ? 'restored.grz' : 'backup'}'`)
  p.next()
  return t.text
}

export function parseExport(p: Cursor): Statement {
  const pos = p.next().pos
  p.expectKw('database')
  const path = pathLiteral(p, 'folder')
  return { kind: 'export_database', pos, path, options: parseCopyOptions(p) }
}

export function parseImport(p: Cursor): Statement {
  const pos = p.next().pos
  p.expectKw('database')
  return { kind: 'import_database', pos, path: pathLiteral(p, 'folder') }
}

export function parseBackup(p: Cursor): Statement {
  const pos = p.next().pos
  p.expectKw('to')
  return { kind: 'backup', pos, path: pathLiteral(p, 'folder') }
}

export function parseRestore(p: Cursor): Statement {
  const pos = p.next().pos
  p.expectKw('from')
  const from = pathLiteral(p, 'folder')
  p.expectKw('to')
  const to = pathLiteral(p, 'database file')
  let asOf: number | null = null
  const parenthesised = p.acceptOp('(')
  if (parenthesised || p.isKw('as')) {
    p.expectKw('as')
    p.expectKw('of')
    const t = p.peek()
    const n = t.type === 'number' ? Number(t.text) : NaN
    if (!Number.isInteger(n) || n < 1) {
      throw new GrizzlyError(SqlState.syntaxError, 'AS OF takes the number of a backup (1, 2, …)', { position: t.pos, hint: 'RESTORE FROM \'dir\' TO \'file.grz\' (AS OF 2)' })
    }
    p.next()
    asOf = n
    if (parenthesised) p.expectOp(')')
  }
  return { kind: 'restore', pos, from, to, asOf }
}
