/**
 * Writing Parquet: chunks → Arrow (core/arrow/to-arrow.ts) → Arrow IPC → parquet-wasm's
 * writer, with the codec and row-group size asked for. Row groups are written a group at a
 * time and stitched into one file with footer.ts, so only one row group is in memory twice.
 */
import { writeFileSync } from 'node:fs'
import * as arrow from 'apache-arrow'
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { TableFunctionArg } from '../../hooks/contracts.ts'
import { chunksToArrow } from '../../arrow/to-arrow.ts'
import type { LogicalType } from '../../types/types.ts'
import { DataChunk, slice } from '../../vector/vector.ts'
import { fileError } from '../source.ts'
import { concatFiles } from './concat.ts'
import { readFooter } from './footer.ts'

const CODECS: Readonly<Record<string, Compression>> = {
  snappy: Compression.SNAPPY, zstd: Compression.ZSTD, gzip: Compression.GZIP,
  uncompressed: Compression.UNCOMPRESSED, none: Compression.UNCOMPRESSED,
}
const WRITE_OPTIONS = ['compression', 'row_group_size', 'codec']
const DEFAULT_ROW_GROUP = 122_880
const EMPTY_CHUNK = new DataChunk([], 0)

function sliceChunk(c: DataChunk, start: number, end: number): DataChunk {
  return start === 0 && end === c.size ? c : new DataChunk(c.columns.map(v => slice(v, start, end)), end - start)
}

function optionText(arg: TableFunctionArg, name: string): string {
  if (typeof arg.value !== 'string') throw new GrizzlyError(SqlState.invalidParameterValue, `Parquet option ${name} takes a name`, { hint: `e.g. ${name} 'zstd'` })
  return arg.value.toLowerCase()
}

function rowGroupSize(arg: TableFunctionArg | undefined): number {
  if (arg === undefined) return DEFAULT_ROW_GROUP
  const n = typeof arg.value === 'bigint' ? Number(arg.value) : typeof arg.value === 'number' ? arg.value : Number.NaN
  if (!Number.isInteger(n) || n < 1 || n > 1 << 30) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `ROW_GROUP_SIZE must be a positive whole number of rows, got ${String(arg.value)}`, { hint: 'e.g. ROW_GROUP_SIZE 100000' })
  }
  return n
}

function unsupported(columns: readonly { readonly name: string; readonly type: LogicalType }[]): void {
  const has = (t: LogicalType): boolean => t.id === 'INTERVAL' || t.id === 'NULL' ||
    ((t.id === 'LIST' || t.id === 'ARRAY') && has(t.child)) || (t.id === 'STRUCT' && t.fields.some(f => has(f.type)))
  for (const c of columns) {
    if (has(c.type)) {
      throw new GrizzlyError(SqlState.featureNotSupported, `column "${c.name}" of type ${c.type.id} cannot be written to Parquet yet`, {
        hint: c.type.id === 'NULL' ? 'CAST the NULL column to a type, e.g. NULL::INTEGER' : 'CAST the column to VARCHAR, or write it as separate numeric columns',
      })
    }
  }
}

export function writeParquetFile(path: string, columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: Iterable<DataChunk>, options: ReadonlyMap<string, TableFunctionArg>): { rows: number } {
  for (const name of options.keys()) {
    if (!WRITE_OPTIONS.includes(name)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `unknown Parquet write option "${name}"`, { hint: didYouMean(name, WRITE_OPTIONS) ?? `Parquet takes ${WRITE_OPTIONS.join(', ')}` })
    }
  }
  const codecArg = options.get('compression') ?? options.get('codec')
  const codecName = codecArg === undefined ? 'snappy' : optionText(codecArg, 'COMPRESSION')
  const codec = CODECS[codecName]
  if (codec === undefined) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `unknown Parquet compression "${codecName}"`, { hint: didYouMean(codecName, Object.keys(CODECS)) ?? 'use snappy, zstd, gzip or uncompressed' })
  }
  const groupRows = rowGroupSize(options.get('row_group_size'))
  unsupported(columns)

  const parts: Uint8Array[] = []
  let pending: DataChunk[] = [], pendingRows = 0, rows = 0
  const flush = (force: boolean): void => {
    if (pendingRows === 0 && !(force && parts.length === 0)) return
    parts.push(encode(columns, pending, codec, groupRows))
    pending = []
    pendingRows = 0
  }
  for (const whole of chunks) {
    if (whole.size === 0) continue
    rows += whole.size
    let chunk = whole
    // cut chunks so that every row group but the last holds exactly ROW_GROUP_SIZE rows
    while (pendingRows + chunk.size >= groupRows) {
      const take = groupRows - pendingRows
      pending.push(sliceChunk(chunk, 0, take))
      pendingRows += take
      flush(false)
      if (take === chunk.size) { chunk = EMPTY_CHUNK; break }
      chunk = sliceChunk(chunk, take, chunk.size)
    }
    if (chunk.size > 0) { pending.push(chunk); pendingRows += chunk.size }
  }
  flush(true)
  const bytes = parts.length === 1 ? parts[0]! : concatFiles(parts.map(p => ({ bytes: p, footer: readFooter(path, p) })))
  try {
    writeFileSync(path, bytes)
  } catch (e) {
    throw fileError(path, e)
  }
  return { rows }
}

/** One Parquet file of these chunks (row groups of at most `groupRows`). */
function encode(columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: readonly DataChunk[], codec: Compression, groupRows: number): Uint8Array {
  const table = chunksToArrow(columns, chunks)
  const ipc = arrow.tableToIPC(table, 'stream')
  const props = new WriterPropertiesBuilder().setCompression(codec).setMaxRowGroupSize(groupRows).setCreatedBy('grizzly').build()
  try {
    return writeParquet(WasmTable.fromIPCStream(ipc), props)
  } catch (e) {
    throw new GrizzlyError(SqlState.featureNotSupported, `cannot write these columns to Parquet: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'CAST unusual column types (INTERVAL, nested NULLs) to VARCHAR first', cause: e,
    })
  }
}
