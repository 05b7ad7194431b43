/**
 * COPY → a bound statement. COPY t FROM 'file' is an INSERT whose input is the format's reader
 * (so casts, defaults and constraints are INSERT's); COPY t | (query) TO 'file' is a query whose
 * rows the caller hands to `write`.
 */
import { GrizzlyError, SqlState, closestMatch, didYouMean } from '../errors.ts'
import { aliasOptions, compressesWholeFile, COPY_OPTIONS, resolveCopyFormat, writeCopy } from '../formats/copy.ts'
import { expandPaths } from '../formats/source.ts'
import type { TableFunctionArg } from '../hooks/contracts.ts'
import type { CopyOption, CopyStatement, Query } from '../parser/ast.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { BIGINT, BOOLEAN, VARCHAR, list, typeToString, type LogicalType, type Value } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { columnIndex, dmlTarget } from './dml.ts'
import { ExprBinder } from './expression.ts'
import { bindQuery, castColumns } from './query.ts'
import { Scope } from './scope.ts'
import { CSV_SCHEMA_OPTIONS, readableType } from './csv-target-types.ts'

export function bindCopy(b: Binder, stmt: CopyStatement): BoundStatement {
  const options = bindOptions(b, stmt.options)
  const path = pathOf(b, stmt)
  const formatArg = options.get('format')
  const formatName = formatArg === undefined ? null : stringOption(formatArg, 'format', optionPos(stmt, 'format'))
  const format = resolveCopyFormat(b.ctx.hooks, formatName, Array.isArray(path) ? path[0]! : path, stmt.direction, stmt.pos)
  const passed = new Map<string, TableFunctionArg>(aliasOptions(formatName))
  const own = new Set<string>(COPY_OPTIONS)
  for (const [k, v] of options) if (!own.has(k)) passed.set(k, v)
  if (stmt.direction === 'from') return bindCopyFrom(b, stmt, format, path, passed, options)
  return bindCopyTo(b, stmt, format, Array.isArray(path) ? path[0]! : path, passed, options)
}

function bindCopyFrom(b: Binder, stmt: CopyStatement, format: ReturnType<typeof resolveCopyFormat>, path: string | string[],
  passed: Map<string, TableFunctionArg>, options: ReadonlyMap<string, TableFunctionArg>): BoundStatement {
  if (stmt.source.kind !== 'table') throw new GrizzlyError(SqlState.syntaxError, 'COPY FROM needs a table', { position: stmt.pos })
  for (const k of ['partition_by', 'overwrite', 'overwrite_or_ignore', 'per_thread_output', 'filename_pattern', 'file_extension', 'write_partition_columns']) {
    if (options.has(k)) throw new GrizzlyError(SqlState.invalidParameterValue, `COPY FROM does not take the option ${k.toUpperCase()}`, { position: optionPos(stmt, k), hint: 'it only applies to COPY … TO' })
  }
  const compression = options.get('compression')
  if (compression !== undefined) {
    // the readers detect compression by magic bytes; accept the spellings that agree with that
    const c = stringOption(compression, 'compression', optionPos(stmt, 'compression')).toLowerCase()
    if (!['auto', 'gzip', 'zstd', 'none', 'uncompressed'].includes(c)) throw badCompression(c, optionPos(stmt, 'compression'))
  }
  const table = dmlTarget(b, stmt.source.name, 'insert', stmt.pos)
  const columns = stmt.source.columns === null ? table.columns.map((_, i) => i) : stmt.source.columns.map(n => columnIndex(table, n, stmt.pos))
  const dup = columns.find((c, i) => columns.indexOf(c) !== i)
  if (dup !== undefined) throw new GrizzlyError(SqlState.duplicateColumn, `column "${table.columns[dup]!.name}" specified more than once`, { position: stmt.pos })
  if (format.name === 'json' && !passed.has('columns') && !passed.has('records')) {
    // as DuckDB: JSON is read straight into the table's types, keys matched to column names
    const struct: Record<string, Value> = {}
    for (const c of columns) struct[table.columns[c]!.name] = typeToString(table.columns[c]!.type)
    passed.set('columns', { type: VARCHAR, value: struct })
  }
  if (format.name === 'csv' && !CSV_SCHEMA_OPTIONS.some(k => passed.has(k))) {
    // as DuckDB: fields are read as the table's types, so a bad value is a reader error
    // (IGNORE_ERRORS skips its row); the sniffer still finds the dialect and the header
    const types = columns.map(c => readableType(table.columns[c]!.type))
    const autoDetect = passed.get('auto_detect')?.value
    if (autoDetect === false || autoDetect === 0 || autoDetect === 0n || autoDetect === 'false') {
      const struct: Record<string, Value> = {}
      columns.forEach((c, i) => { struct[table.columns[c]!.name] = types[i]! })
      passed.set('columns', { type: VARCHAR, value: struct })
    } else passed.set('types', { type: list(VARCHAR), value: types })
  }
  const read = format.read!.bind(format)
  const paths = expandPaths(path)
  const fn = withPosition(stmt.path.pos, () => withCopyHints(stmt, () => read(paths, passed, b.ctx.fnCtx)))
  const fileColumns = fn.columns
  // self-describing files (JSON, Avro, Parquet) match by name when every target column is there
  const byName = columns.map(c => fileColumns.findIndex(f => f.name.toLowerCase() === table.columns[c]!.name.toLowerCase()))
  let picks: number[]
  if (format.name !== 'csv' && byName.every(i => i >= 0)) picks = byName
  else {
    if (fileColumns.length !== columns.length) {
      throw new GrizzlyError(SqlState.badFileFormat,
        `table "${table.name}" has ${columns.length} column${columns.length === 1 ? '' : 's'} to fill, but "${paths[0]}" has ${fileColumns.length}`,
        { position: stmt.path.pos, hint: 'list the columns the file fills: COPY t (a, b) FROM …' })
    }
    picks = columns.map((_, i) => i)
  }
  const output = b.columns(picks.map(i => fileColumns[i]!.name), picks.map(i => fileColumns[i]!.type))
  const scan: LogicalPlan = { kind: 'table_function', name: format.name, fn, columns: picks, output }
  const input = castColumns(b, scan, columns.map(c => table.columns[c]!.type))
  return {
    kind: 'query', names: ['Count'],
    plan: {
      kind: 'insert', table, input, columns, onConflict: null, returning: [], returningColumns: [],
      output: [{ id: b.nextId(), name: 'Count', type: BIGINT }],
    },
  }
}

function bindCopyTo(b: Binder, stmt: CopyStatement, format: ReturnType<typeof resolveCopyFormat>, path: string,
  passed: Map<string, TableFunctionArg>, options: ReadonlyMap<string, TableFunctionArg>): BoundStatement {
  const pos = stmt.pos
  let query: Query
  if (stmt.source.kind === 'query') query = stmt.source.query
  else {
    const items = stmt.source.columns === null
      ? [{ pos, expr: { kind: 'star' as const, pos, qualifier: null, exclude: [], replace: [] }, alias: null }]
      : stmt.source.columns.map(c => ({ pos, expr: { kind: 'column' as const, pos, parts: [c] }, alias: null }))
    query = {
      kind: 'query', pos, with: null, orderBy: [], orderByAll: null, limit: null, limitPercent: false, offset: null,
      body: {
        kind: 'select', pos, distinct: false, items, where: null, groupBy: null, having: null, windows: [], qualify: null,
        from: [{ kind: 'table_ref', pos, name: stmt.source.name, alias: null }],
      },
    }
  }
  const bound = bindQuery(b, query, null, null)
  const columns = bound.plan.output.map((c, i) => ({ name: bound.names[i] ?? c.name, type: c.type }))
  const partitionNames = listOption(stmt, options, 'partition_by')
  const partitionBy = partitionNames.map(n => {
    const i = columns.findIndex(c => c.name.toLowerCase() === n.toLowerCase())
    if (i < 0) {
      throw new GrizzlyError(SqlState.undefinedColumn, `PARTITION_BY column "${n}" is not in the output`, {
        position: optionPos(stmt, 'partition_by'), hint: didYouMean(n, columns.map(c => c.name)),
      })
    }
    return i
  })
  const overwrite = flag(options, 'overwrite', stmt) ? 'overwrite' : flag(options, 'overwrite_or_ignore', stmt) ? 'ignore' : 'no'
  let compression: 'none' | 'gzip' = 'none'
  const compressionArg = options.get('compression')
  const requested = compressionArg === undefined ? 'auto' : stringOption(compressionArg, 'compression', optionPos(stmt, 'compression')).toLowerCase()
  if (compressesWholeFile(format)) {
    if (requested === 'gzip' || (requested === 'auto' && /\.(gz|gzip)$/i.test(path))) compression = 'gzip'
    else if (requested === 'zstd' || (requested === 'auto' && /\.(zst|zstd)$/i.test(path))) {
      throw new GrizzlyError(SqlState.featureNotSupported, 'writing zstd-compressed files is not supported yet', { position: optionPos(stmt, 'compression'), hint: 'use COMPRESSION gzip' })
    } else if (!['auto', 'none', 'uncompressed'].includes(requested)) throw badCompression(requested, optionPos(stmt, 'compression'))
  } else if (compressionArg !== undefined) passed.set('compression', compressionArg)
  const extArg = options.get('file_extension')
  const write = {
    format, path, columns, options: passed, partitionBy, overwrite, compression,
    fileExtension: extArg === undefined ? null : stringOption(extArg, 'file_extension', optionPos(stmt, 'file_extension')).replace(/^\./, ''),
    writePartitionColumns: flag(options, 'write_partition_columns', stmt),
  } as const
  return { kind: 'copy_to', plan: bound.plan, names: bound.names, write: chunks => withCopyHints(stmt, () => writeCopy(write, chunks)) }
}

function bindOptions(b: Binder, options: readonly CopyOption[]): Map<string, TableFunctionArg> {
  const out = new Map<string, TableFunctionArg>()
  const eb = new ExprBinder(b, new Scope(null, false), null, { clause: 'COPY options' })
  for (const o of options) {
    const name = o.name === 'delim' || o.name === 'sep' ? 'delimiter' : o.name
    if (out.has(name)) throw new GrizzlyError(SqlState.syntaxError, `option "${o.name}" given more than once`, { position: o.pos })
    let arg: TableFunctionArg
    if (o.names !== null) arg = { type: list(VARCHAR), value: o.names }
    else if (o.value === null) arg = { type: BOOLEAN, value: true }
    else {
      const bound = eb.bind(o.value)
      arg = { type: normalizeLiteralType(bound.type), value: b.constantValue(bound, `COPY option ${o.name}`, o.value.pos) }
    }
    out.set(name, arg)
  }
  return out
}

function pathOf(b: Binder, stmt: CopyStatement): string | string[] {
  const eb = new ExprBinder(b, new Scope(null, false), null, { clause: 'COPY file name' })
  const value: Value = b.constantValue(eb.bind(stmt.path), 'COPY file name', stmt.path.pos)
  if (typeof value === 'string' && value !== '') return value
  if (stmt.direction === 'from' && Array.isArray(value) && value.length > 0 && value.every(v => typeof v === 'string')) return value as string[]
  throw new GrizzlyError(SqlState.invalidParameterValue, 'COPY needs a file name', { position: stmt.path.pos, hint: "write it as a string: COPY t TO 'out.csv'" })
}

function optionPos(stmt: CopyStatement, name: string): number {
  return stmt.options.find(o => o.name === name)?.pos ?? stmt.pos
}

function stringOption(arg: TableFunctionArg, name: string, position: number): string {
  if (typeof arg.value === 'string') return arg.value
  throw new GrizzlyError(SqlState.invalidParameterValue, `option ${name.toUpperCase()} takes a name or a string`, { position })
}

function flag(options: ReadonlyMap<string, TableFunctionArg>, name: string, stmt: CopyStatement): boolean {
  const arg = options.get(name)
  if (arg === undefined) return false
  if (typeof arg.value === 'boolean') return arg.value
  if (typeof arg.value === 'number' || typeof arg.value === 'bigint') return Number(arg.value) !== 0
  if (typeof arg.value === 'string' && ['true', 'false', '1', '0', 'on', 'off'].includes(arg.value.toLowerCase())) return ['true', '1', 'on'].includes(arg.value.toLowerCase())
  throw new GrizzlyError(SqlState.invalidParameterValue, `option ${name.toUpperCase()} takes true or false`, { position: optionPos(stmt, name) })
}

function listOption(stmt: CopyStatement, options: ReadonlyMap<string, TableFunctionArg>, name: string): string[] {
  const arg = options.get(name)
  if (arg === undefined) return []
  if (typeof arg.value === 'string') return [arg.value]
  if (Array.isArray(arg.value) && arg.value.every(v => typeof v === 'string')) return arg.value as string[]
  throw new GrizzlyError(SqlState.invalidParameterValue, `option ${name.toUpperCase()} takes a list of columns`, { position: optionPos(stmt, name), hint: 'e.g. PARTITION_BY (year, month)' })
}

function badCompression(c: string, position: number): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `unknown compression "${c}"`, {
    position, hint: didYouMean(c, ['gzip', 'zstd', 'none', 'auto']) ?? 'use gzip, zstd, none or auto',
  })
}

/**
 * A reader or writer refusing an option: point at it, and when it looks like a misspelt COPY
 * option (FORMT, PARTITION_B) say so, since the format cannot know COPY's own options.
 */
function withCopyHints<T>(stmt: CopyStatement, f: () => T): T {
  try { return f() } catch (e) {
    if (!(e instanceof GrizzlyError)) throw e
    const m = /option "([^"]+)"/i.exec(e.message)
    if (m === null) throw e
    const name = m[1]!.toLowerCase()
    const given = stmt.options.find(o => o.name === name)
    if (given === undefined) throw e
    const near = closestMatch(name, COPY_OPTIONS)
    throw new GrizzlyError(e.code, e.message, {
      position: e.position ?? given.pos,
      hint: near === undefined ? e.hint : `did you mean the COPY option ${near.toUpperCase()}?${e.hint === undefined ? '' : ` (${e.hint})`}`,
      cause: e.cause,
    })
  }
}

function withPosition<T>(position: number, f: () => T): T {
  try { return f() } catch (e) {
    if (e instanceof GrizzlyError && e.position === undefined) throw e.withPosition(position)
    throw e
  }
}
