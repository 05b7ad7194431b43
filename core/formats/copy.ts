/**
 * The format-independent half of COPY: which registered format a statement means, which
 * options COPY keeps for itself, and writing — one file, hive-partitioned folders
 * (`col=value/data_0.ext`), gzip for text formats. Works for every FormatDef, extensions' too.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { FormatDef, TableFunctionArg } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import { formatValue } from '../types/format.ts'
import type { LogicalType } from '../types/types.ts'
import { DataChunk, gather, getValue } from '../vector/vector.ts'
import { formatExtension, splitCompression } from './source.ts'

/** Options COPY handles itself; everything else goes to the format's reader or writer. */
export const COPY_OPTIONS = [
  'format', 'partition_by', 'overwrite_or_ignore', 'overwrite', 'compression', 'per_thread_output',
  'use_tmp_file', 'file_extension', 'filename_pattern', 'write_partition_columns',
] as const

/** FORMAT spellings that name another format (their options come from `aliasOptions`). */
const FORMAT_ALIASES: Readonly<Record<string, { readonly format: string }>> = {
  ndjson: { format: 'json' }, jsonl: { format: 'json' }, newline_delimited: { format: 'json' },
  tsv: { format: 'csv' },
}

/** Formats whose COMPRESSION is applied to the whole file (by COPY), not inside the file (by the writer). */
const TEXT_FORMATS = new Set(['csv', 'json'])

export type CopyOptions = ReadonlyMap<string, TableFunctionArg>

/**
 * The format a COPY means: its FORMAT option, else the file's extension, else CSV (as DuckDB).
 * Unknown names get a did-you-mean over the registered formats.
 */
export function resolveCopyFormat(hooks: Hooks, formatOption: string | null, path: string, direction: 'from' | 'to', position: number): FormatDef {
  const all = hooks.allFormats()
  const able = (f: FormatDef): boolean => (direction === 'from' ? f.read : f.write) !== undefined
  let def: FormatDef | undefined
  if (formatOption !== null) {
    const name = formatOption.toLowerCase()
    def = hooks.format(FORMAT_ALIASES[name]?.format ?? name) ?? all.find(f => f.extensions.some(e => e.toLowerCase() === name))
    if (def === undefined) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `unknown COPY format "${formatOption}"`, {
        position, hint: didYouMean(name, all.map(f => f.name)) ?? `registered formats: ${all.map(f => f.name).join(', ') || 'none'}`,
      })
    }
  } else {
    const ext = formatExtension(path)
    def = all.find(f => able(f) && f.extensions.some(e => e.toLowerCase() === ext)) ?? hooks.format('csv')
    if (def === undefined) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `cannot tell the format of "${path}"`, {
        position, hint: `name it: COPY … (FORMAT ${all.find(able)?.name ?? 'csv'})`,
      })
    }
  }
  if (!able(def)) {
    throw new GrizzlyError(SqlState.featureNotSupported, `format ${def.name} cannot ${direction === 'from' ? 'be read' : 'be written'}`, {
      position, hint: `formats that can: ${all.filter(able).map(f => f.name).join(', ') || 'none'}`,
    })
  }
  return def
}

/** The option map a FORMAT alias implies (FORMAT ndjson → json, newline-delimited). */
export function aliasOptions(formatOption: string | null): [string, TableFunctionArg][] {
  if (formatOption === null) return []
  const name = formatOption.toLowerCase()
  if (name === 'ndjson' || name === 'jsonl' || name === 'newline_delimited') return [['format', { type: { id: 'VARCHAR' }, value: 'newline_delimited' }]]
  if (name === 'tsv') return [['delimiter', { type: { id: 'VARCHAR' }, value: '\t' }]]
  return []
}

export interface CopyWrite {
  readonly format: FormatDef
  readonly path: string
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]
  /** options for the writer (COPY's own already removed) */
  readonly options: CopyOptions
  /** column indexes to partition by (hive folders); empty = one file */
  readonly partitionBy: readonly number[]
  readonly overwrite: 'no' | 'overwrite' | 'ignore'
  readonly compression: 'none' | 'gzip'
  readonly fileExtension: string | null
  readonly writePartitionColumns: boolean
}

/** Writes the chunks as COPY … TO asked; returns the number of rows written. */
export function writeCopy(w: CopyWrite, chunks: readonly DataChunk[]): number {
  if (w.partitionBy.length === 0) {
    if (existsSync(w.path) && statSync(w.path).isDirectory()) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `"${w.path}" is a directory`, { hint: 'name a file to write, or use PARTITION_BY to write a folder' })
    }
    return writeOne(w, w.path, w.columns, chunks)
  }
  prepareFolder(w)
  const keep = w.columns.map((_, i) => i).filter(i => w.writePartitionColumns || !w.partitionBy.includes(i))
  if (keep.length === 0) {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'PARTITION_BY names every column: nothing would be left to write', { hint: 'partition by fewer columns, or add WRITE_PARTITION_COLUMNS true' })
  }
  const groups = new Map<string, { folder: string; chunks: DataChunk[] }>()
  for (const chunk of chunks) {
    const rowsByKey = new Map<string, number[]>()
    for (let r = 0; r < chunk.size; r++) {
      let key = ''
      for (const c of w.partitionBy) {
        const v = getValue(chunk.column(c), r)
        key += `${key === '' ? '' : '/'}${escapePart(w.columns[c]!.name)}=${v === null ? 'NULL' : escapePart(formatValue(w.columns[c]!.type, v))}`
      }
      let rows = rowsByKey.get(key)
      if (rows === undefined) { rows = []; rowsByKey.set(key, rows) }
      rows.push(r)
    }
    for (const [key, rows] of rowsByKey) {
      let g = groups.get(key)
      if (g === undefined) { g = { folder: key, chunks: [] }; groups.set(key, g) }
      const sel = Int32Array.from(rows)
      g.chunks.push(new DataChunk(keep.map(c => gather(chunk.column(c), sel)), rows.length))
    }
  }
  const columns = keep.map(i => w.columns[i]!)
  const ext = w.fileExtension ?? defaultExtension(w)
  let rows = 0
  for (const g of groups.values()) {
    const dir = join(w.path, ...g.folder.split('/'))
    mkdirSync(dir, { recursive: true })
    let n = 0
    while (existsSync(join(dir, `data_${n}.${ext}`))) n++
    rows += writeOne(w, join(dir, `data_${n}.${ext}`), columns, g.chunks)
  }
  return rows
}

function defaultExtension(w: CopyWrite): string {
  const base = w.format.extensions[0] ?? w.format.name
  return w.compression === 'gzip' ? `${base}.gz` : base
}

/** Hive folder names: characters that would break a path or a later parse are %-escaped. */
function escapePart(s: string): string {
  return s.replace(/[%/\\=:*?"<>|\u0000-\u001f]/g, ch => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
}

function prepareFolder(w: CopyWrite): void {
  if (!existsSync(w.path)) { mkdirSync(w.path, { recursive: true }); return }
  if (!statSync(w.path).isDirectory()) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `"${w.path}" is a file, but PARTITION_BY writes a folder`, { hint: 'name a folder to write into' })
  }
  if (readdirSync(w.path).length === 0) return
  if (w.overwrite === 'overwrite') {
    for (const entry of readdirSync(w.path)) rmSync(join(w.path, entry), { recursive: true, force: true })
    return
  }
  if (w.overwrite === 'no') {
    throw new GrizzlyError('58P02', `folder "${w.path}" is not empty`, {
      hint: 'add OVERWRITE_OR_IGNORE to add files beside the ones there, or OVERWRITE to empty it first',
    })
  }
}

function writeOne(w: CopyWrite, path: string, columns: CopyWrite['columns'], chunks: readonly DataChunk[]): number {
  const write = w.format.write
  if (write === undefined) throw new GrizzlyError(SqlState.featureNotSupported, `format ${w.format.name} cannot be written`)
  if (w.compression === 'none') return write.call(w.format, path, columns, chunks, w.options).rows
  // the writer gets a plain temporary file; COPY compresses it into place
  const temporary = `${splitCompression(path).base}.${process.pid}.${Date.now()}.tmp`
  try {
    const { rows } = write.call(w.format, temporary, columns, chunks, w.options)
    writeFileSync(path, gzipSync(readFileSync(temporary)))
    return rows
  } finally {
    try { unlinkSync(temporary) } catch { /* the writer may have failed before creating it */ }
  }
}

/** Whether COPY compresses files of this format itself. */
export function compressesWholeFile(format: FormatDef): boolean { return TEXT_FORMATS.has(format.name) }
