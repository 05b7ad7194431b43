/**
 * EXPORT DATABASE, IMPORT DATABASE, BACKUP TO, RESTORE FROM → utility statements. EXPORT and
 * IMPORT are scripts of ordinary statements run in the statement's own transaction: EXPORT runs
 * one COPY … TO per table and writes schema.sql and load.sql (DuckDB's layout); IMPORT runs
 * schema.sql then load.sql, so a failure anywhere undoes all of it. BACKUP and RESTORE work on
 * the database file's blocks (core/storage/backup.ts).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { MemoryTransaction } from '../catalog/transaction.ts'
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import { formatStatement, parse, parseQueryText, quoteIdent, splitStatements } from '../parser/index.ts'
import type { BackupStatement, CopyOption, CopyStatement, ExportDatabaseStatement, ImportDatabaseStatement, RestoreStatement, Statement } from '../parser/ast.ts'
import { backupTo, restoreFrom } from '../storage/backup.ts'
import { io } from '../storage/blocks.ts'
import { exportPlan } from '../storage/export.ts'
import { BIGINT, type LogicalType } from '../types/types.ts'
import type { RoutineDefinition } from '../extensions/host.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement, UtilityContext } from './context.ts'

type DatabaseFilesStatement = ExportDatabaseStatement | ImportDatabaseStatement | BackupStatement | RestoreStatement

/** formats EXPORT writes: each is read back by COPY … FROM with its types intact (Parquet) or cast from text (CSV, JSON) */
const EXPORT_FORMATS = ['parquet', 'csv', 'json']
/** COPY … TO options that turn one file into several (load.sql reads one file per table) */
const ONE_FILE_OPTIONS = new Set(['partition_by', 'per_thread_output', 'file_size_bytes', 'filename_pattern', 'file_extension', 'overwrite', 'overwrite_or_ignore', 'use_tmp_file'])
/** CSV options that shape the file, so load.sql must repeat them to read it back */
const CSV_READ_OPTIONS = new Set(['delimiter', 'delim', 'sep', 'quote', 'escape', 'nullstr', 'null', 'dateformat', 'timestampformat'])

export function bindDatabaseFiles(b: Binder, stmt: DatabaseFilesStatement): BoundStatement {
  switch (stmt.kind) {
    case 'export_database': {
      const { format, options } = exportOptions(stmt)
      const host = b.ctx.extensionHost ?? null
      return {
        kind: 'utility', tag: 'EXPORT', names: ['tables'], types: [BIGINT], changesCatalog: false,
        run: ctx => [[BigInt(exportDatabase(ctx, stmt.path, format, options, () => host?.routines() ?? []))]],
      }
    }
    case 'import_database':
      return { kind: 'utility', tag: 'IMPORT', names: ['statements'], types: [BIGINT], changesCatalog: true, run: ctx => [[BigInt(importDatabase(ctx, stmt.path))]] }
    case 'backup':
      return {
        kind: 'utility', tag: 'BACKUP', names: ['backup', 'blocks', 'copied_blocks', 'copied_bytes'], types: [BIGINT, BIGINT, BIGINT, BIGINT], changesCatalog: false,
        run: ctx => {
          const o = backup(ctx, stmt.path)
          return [[BigInt(o.backup), BigInt(o.blocks), BigInt(o.copiedBlocks), BigInt(o.copiedBytes)]]
        },
      }
    case 'restore':
      return {
        kind: 'utility', tag: 'RESTORE', names: ['backup', 'blocks', 'bytes'], types: [BIGINT, BIGINT, BIGINT], changesCatalog: false,
        run: () => {
          const o = restoreFrom(stmt.from, stmt.to, stmt.asOf)
          return [[BigInt(o.backup), BigInt(o.blocks), BigInt(o.bytes)]]
        },
      }
  }
}

// ---- EXPORT ---------------------------------------------------------------------------------

function exportOptions(stmt: ExportDatabaseStatement): { format: string; options: CopyOption[] } {
  const split = stmt.options.find(o => ONE_FILE_OPTIONS.has(o.name))
  if (split !== undefined) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `EXPORT DATABASE writes one file per table and does not take ${split.name.toUpperCase()}`, { position: split.pos, hint: 'export, then COPY a table TO a partitioned folder yourself' })
  }
  const given = stmt.options.find(o => o.name === 'format')
  let format = 'parquet'
  if (given !== undefined) {
    if (given.value?.kind !== 'string' || !EXPORT_FORMATS.includes(given.value.value.toLowerCase())) {
      throw new GrizzlyError(SqlState.invalidParameterValue, 'EXPORT DATABASE writes FORMAT parquet, csv or json', { position: given.pos, hint: "e.g. EXPORT DATABASE 'dir' (FORMAT csv)" })
    }
    format = given.value.value.toLowerCase()
  }
  const str = (name: string, value: string): CopyOption => ({ pos: stmt.pos, name, value: { kind: 'string', pos: stmt.pos, value }, names: null })
  const options = [str('format', format), ...stmt.options.filter(o => o.name !== 'format')]
  // the data files carry a header row, so load.sql reads them back whatever the sniffer would guess
  if (format === 'csv' && !options.some(o => o.name === 'header')) options.push({ pos: stmt.pos, name: 'header', value: { kind: 'boolean', pos: stmt.pos, value: true }, names: null })
  return { format, options }
}

function exportDatabase(ctx: UtilityContext, dir: string, format: string, options: readonly CopyOption[], routines: () => readonly RoutineDefinition[]): number {
  const existed = existsSync(dir)
  if (existed && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new GrizzlyError(SqlState.duplicateFile, `"${dir}" already exists and is not an empty folder`, { hint: 'EXPORT DATABASE into a new or empty folder; it never overwrites files' })
  }
  const plan = exportPlan(ctx.catalog, ctx.txn, routines())
  const written: string[] = []
  try {
    if (!existed) io(dir, 'create', () => mkdirSync(dir, { recursive: true }))
    const load: string[] = []
    // a compressed text file is named for it, so readers (DuckDB's too) know to decompress
    const compression = options.find(o => o.name === 'compression')?.value
    const codec = format === 'parquet' || compression?.kind !== 'string' ? '' : ({ gzip: '.gz', zstd: '.zst' } as Record<string, string>)[compression.value.toLowerCase()] ?? ''
    for (const t of plan.tables) {
      const path = join(dir, `${t.file}.${format}${codec}`)
      // Parquet has no INTERVAL of microseconds and no TIMETZ offset: those columns travel as their text, cast back on load
      const columns = t.table.columns.map(c => format === 'parquet' && holdsInexact(c.type) ? `CAST(${quoteIdent(c.name)} AS VARCHAR) AS ${quoteIdent(c.name)}` : quoteIdent(c.name))
      const name = [t.schema, t.table.name]
      const copyTo: CopyStatement = {
        kind: 'copy', pos: 0, direction: 'to', path: { kind: 'string', pos: 0, value: path }, options,
        source: { kind: 'query', query: parseQueryText(`SELECT ${columns.join(', ')} FROM ${name.map(quoteIdent).join('.')}`) },
      }
      written.push(path)
      ctx.run(copyTo, formatStatement(copyTo))
      const generated = (t.table.constraints.generated ?? []).length > 0
      const copyFrom: CopyStatement = {
        kind: 'copy', pos: 0, direction: 'from', path: { kind: 'string', pos: 0, value: path }, options: loadOptions(format, options, t.table.columns),
        source: { kind: 'table', name, columns: generated ? t.table.columns.map(c => c.name) : null },
      }
      load.push(`${formatStatement(copyFrom)};\n`)
    }
    for (const [file, text] of [['schema.sql', plan.statements.map(s => `${s};\n`).join('')], ['load.sql', load.join('')]] as const) {
      const path = join(dir, file)
      written.push(path)
      io(path, 'write', () => writeFileSync(path, text, 'utf8'))
    }
    return plan.tables.length
  } catch (e) {
    // only what this statement wrote is removed
    for (const p of written) try { unlinkSync(p) } catch { /* not written */ }
    if (!existed) try { rmdirSync(dir) } catch { /* not empty or not made */ }
    throw e
  }
}

function holdsInexact(t: LogicalType): boolean {
  switch (t.id) {
    case 'INTERVAL': case 'TIMETZ': return true
    case 'LIST': case 'ARRAY': return holdsInexact(t.child)
    case 'STRUCT': return t.fields.some(f => holdsInexact(f.type))
    default: return false
  }
}

/** the options load.sql gives COPY … FROM: the format, and for CSV what shapes the file (as DuckDB writes it) */
function loadOptions(format: string, written: readonly CopyOption[], columns: readonly { readonly name: string; readonly notNull: boolean }[]): CopyOption[] {
  if (format !== 'csv') return written.filter(o => o.name === 'format')
  const out = written.filter(o => o.name === 'format' || o.name === 'header' || CSV_READ_OPTIONS.has(o.name))
  // the writer quotes an empty string ("") and leaves NULL bare: read them back apart (DuckDB's own export loses this)
  out.push({ pos: 0, name: 'allow_quoted_nulls', value: { kind: 'boolean', pos: 0, value: false }, names: null })
  // an empty field of a NOT NULL column is an empty string, never NULL
  const notNull = columns.filter(c => c.notNull).map(c => c.name)
  if (notNull.length > 0) out.push({ pos: 0, name: 'force_not_null', value: null, names: notNull })
  return out
}

// ---- IMPORT ---------------------------------------------------------------------------------

function importDatabase(ctx: UtilityContext, dir: string): number {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new GrizzlyError(SqlState.undefinedFile, `folder "${dir}" does not exist`, { hint: 'give the folder EXPORT DATABASE wrote (it holds schema.sql and load.sql)' })
  }
  let count = 0
  for (const file of ['schema.sql', 'load.sql']) {
    const path = join(dir, file)
    if (!existsSync(path)) throw new GrizzlyError(SqlState.undefinedFile, `"${path}" does not exist`, { hint: 'IMPORT DATABASE reads a folder EXPORT DATABASE wrote: schema.sql, load.sql and the data files' })
    count += runScript(ctx, dir, path, io(path, 'read', () => readFileSync(path, 'utf8')))
  }
  return count
}

function runScript(ctx: UtilityContext, dir: string, path: string, text: string): number {
  let count = 0
  for (const piece of splitStatements(text)) {
    const line = text.slice(0, piece.start).split('\n').length
    const failed = (e: unknown): GrizzlyError => {
      const inner = e instanceof GrizzlyError ? e : new GrizzlyError(SqlState.internalError, String(e))
      const exists = inner.code === SqlState.duplicateTable || inner.code === SqlState.duplicateObject || inner.code === SqlState.duplicateSchema
      return new GrizzlyError(inner.code, `${path}, statement at line ${line}: ${inner.message.split('\nLINE ')[0]}\n  ${piece.text.replace(/\s+/g, ' ').slice(0, 200)}`, {
        hint: exists ? 'IMPORT DATABASE into a database that does not have these objects yet (a new one, or DROP them first); nothing was imported' : `${inner.hint ?? 'fix the statement in the file'}; nothing was imported`,
        cause: e,
      })
    }
    let statements: Statement[]
    try { statements = parse(piece.text) } catch (e) { throw failed(e) }
    for (const stmt of statements) {
      if (!allowed(stmt)) {
        throw failed(new GrizzlyError(SqlState.featureNotSupported, `${formatStatement(stmt).split(' ')[0]} is not allowed in an imported script`, {
          hint: 'schema.sql may only CREATE objects and load.sql only COPY … FROM files; IMPORT DATABASE runs them in one transaction of its own',
        }))
      }
      try { ctx.run(relocated(stmt, dir), piece.text) } catch (e) { throw failed(e) }
      count++
    }
  }
  return count
}

/** what an export holds: a folder from elsewhere cannot write files, change settings or end the transaction */
function allowed(stmt: Statement): boolean {
  switch (stmt.kind) {
    case 'create_schema': case 'create_type': case 'create_sequence': case 'create_function': case 'create_table': case 'create_view': case 'create_index':
      return true
    case 'copy': return stmt.direction === 'from'
    default: return false
  }
}

/** load.sql names the data files where they were written; a file of that name in the folder being imported wins, so a moved folder imports */
function relocated(stmt: Statement, dir: string): Statement {
  if (stmt.kind !== 'copy' || stmt.direction !== 'from' || stmt.path.kind !== 'string') return stmt
  const local = join(dir, basename(stmt.path.value))
  return existsSync(local) ? { ...stmt, path: { ...stmt.path, value: local } } : stmt
}

// ---- BACKUP ---------------------------------------------------------------------------------

function backup(ctx: UtilityContext, dir: string): ReturnType<typeof backupTo> {
  const store = ctx.storage
  if (store === null) {
    throw new GrizzlyError(SqlState.featureNotSupported, 'BACKUP needs a database file; this database is in memory', { hint: "EXPORT DATABASE 'dir' writes an in-memory database to files" })
  }
  if (ctx.inTransaction) throw new GrizzlyError(SqlState.activeTransaction, 'BACKUP cannot run inside a transaction block', { hint: 'COMMIT or ROLLBACK first' })
  if (store.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'BACKUP needs a checkpoint, which a database opened read-only cannot write', { hint: 'take the backup from the process that opened the file for writing' })
  if (ctx.writer !== null && ctx.writer !== ctx.txn) {
    throw new GrizzlyError(SqlState.serializationFailure, 'cannot BACKUP while another transaction is writing', { hint: 'commit or roll back the other transaction first, then retry' })
  }
  if (!(ctx.txn instanceof MemoryTransaction)) throw new InternalError('BACKUP needs a MemoryTransaction')
  // the WAL folded into the file: the blocks alone are the whole database
  store.checkpoint(ctx.catalog, ctx.txn, false, ctx.sync)
  return backupTo(dir, store.path, store.backupSource())
}
