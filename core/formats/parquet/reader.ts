/**
 * Reading Parquet: the footer with our own decoder, then one row group at a time through
 * parquet-wasm, given a small file holding only the columns the query needs. Row groups
 * whose statistics exclude a pushed filter are never decoded. Several files are read as one
 * table whose columns are the union of theirs, matched by name.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import * as arrow from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { BoundTableFunction, FunctionContext, TableFunctionArg, TableFunctionFilter } from '../../hooks/contracts.ts'
import { type LogicalType, VARCHAR, typeEquals } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, type Vector, nullVector } from '../../vector/vector.ts'
import { fileError, readInput, sniffCompression } from '../source.ts'
import { arrowRangeToVector, fileColumnType } from '../arrow/convert.ts'
import { locateOverflow } from '../../arrow/temporal.ts'
import { castVector, mergeColumns, type FileColumns } from '../arrow/merge.ts'
import { assembleFile, memorySource, readFooter, type ByteSource, type Footer } from './footer.ts'
import { chunkStats, excludes } from './prune.ts'
import { AHEAD, DecodeThread, unshare } from './decode-thread.ts'

/** Row groups decoded and skipped, and scans that decoded on a worker thread, since the process started (tests and EXPLAIN ANALYZE read it). */
export const parquetCounters = { rowGroupsRead: 0, rowGroupsSkipped: 0, threadedScans: 0 }

const BATCH_ROWS = 65536

/** row groups to decode, in rows, from which a scan decodes on a worker thread (decode-thread.ts) */
const THREAD_ROWS = 100_000

function decodeError(path: string, message: string, cause?: unknown): GrizzlyError {
  const why = message === 'unreachable' ? 'the decoder failed on its data' : message
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a valid Parquet file: ${why}`, {
    hint: 'the file may be damaged or written with an encoding that is not supported', cause,
  })
}

/** Decodes a Parquet file (already cut down by assembleFile) into an Arrow IPC stream. */
function decodeIpc(path: string, bytes: Uint8Array): Uint8Array {
  try {
    return readParquet(bytes, { batchSize: BATCH_ROWS }).intoIPCStream()
  } catch (e) {
    throw decodeError(path, e instanceof Error ? e.message : String(e), e)
  }
}

/** Decodes a Parquet file (already cut down by assembleFile) into an Arrow table. */
function decode(path: string, bytes: Uint8Array): arrow.Table {
  return arrow.tableFromIPC(decodeIpc(path, bytes))
}

/**
 * Runs `f` with random access to the file: reads go straight from disk, so only the chunks a
 * row group needs are ever in memory. A compressed (.gz/.zst) file is decompressed whole first.
 * The file is open only during `f`, so a scan abandoned half way (LIMIT) leaves nothing open.
 */
function withSource<T>(path: string, f: (src: ByteSource) => T): T {
  let fd: number
  try { fd = openSync(path, 'r') } catch (e) { throw fileError(path, e) }
  try {
    let size: number
    const head = new Uint8Array(4)
    try {
      size = fstatSync(fd).size
      readSync(fd, head, 0, 4, 0)
    } catch (e) { throw fileError(path, e) }
    if (sniffCompression(head) !== 'none') return f(memorySource(readInput(path)))
    return f({
      size,
      read(into, at, position, length) {
        let done = 0
        while (done < length) {
          let n: number
          try { n = readSync(fd, into, at + done, length - done, position + done) } catch (e) { throw fileError(path, e) }
          if (n === 0) throw new GrizzlyError(SqlState.badFileFormat, `"${path}" ended early: it changed while being read`, { hint: 'run the query again once the file is complete' })
          done += n
        }
      },
    })
  } finally {
    closeSync(fd)
  }
}

interface OpenFile { readonly footer: Footer; readonly columns: FileColumns; readonly size: number }

/** binaryAsString: BINARY columns without a STRING annotation read as VARCHAR (files from older writers) */
function open(path: string, binaryAsString: boolean): OpenFile {
  return withSource(path, src => {
    const footer = readFooter(path, src)
    const schema = decode(path, assembleFile(src, footer, footer.columns.map((_, i) => i), [])).schema
  if (schema.fields.length !== footer.columns.length) {
    throw new GrizzlyError(SqlState.badFileFormat, `"${path}" has a schema the Parquet decoder reads differently`, { hint: 'rewrite the file with a current Parquet writer' })
  }
    const columns = schema.fields.map(f => {
      const type = fileColumnType(f.type, f.name, path)
      return { name: f.name, type: binaryAsString && type.id === 'BLOB' ? VARCHAR : type }
    })
    return { footer, columns, size: src.size }
  })
}

/** The footer and column types of one file (parquet_metadata, parquet_schema). */
export function openParquet(path: string): { readonly footer: Footer; readonly columns: FileColumns } { return open(path, false) }

const READ_OPTIONS = new Set(['binary_as_string', 'filename', 'hive_partitioning', 'union_by_name', 'hive_types', 'hive_types_autocast', 'file_row_number'])

export function readParquetFiles(paths: readonly string[], options: ReadonlyMap<string, TableFunctionArg>, _ctx: FunctionContext): BoundTableFunction {
  for (const name of options.keys()) {
    if (!READ_OPTIONS.has(name.toLowerCase())) {
      throw new GrizzlyError(SqlState.syntaxError, `unknown Parquet option "${name}"`, { hint: didYouMean(name, [...READ_OPTIONS]) ?? `Parquet reads take ${[...READ_OPTIONS].join(', ')}` })
    }
  }
  const binaryArg = options.get('binary_as_string')
  if (binaryArg !== undefined && typeof binaryArg.value !== 'boolean') {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'binary_as_string takes true or false', { hint: 'e.g. read_parquet(\'x.parquet\', binary_as_string = true)' })
  }
  const binaryAsString = binaryArg?.value === true
  let estimatedRows = 0
  const files = paths.map(p => { const f = open(p, binaryAsString); estimatedRows += f.footer.numRows; return { path: p, columns: f.columns } })
  const columns = mergeColumns(files)
  return new ParquetScan(paths, columns, files.map(f => f.columns), estimatedRows, binaryAsString)
}

class ParquetScan implements BoundTableFunction {
  readonly pushdown = { filters: true } as const
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]
  readonly estimatedRows: number
  private readonly paths: readonly string[]
  private readonly planned: readonly FileColumns[]
  private readonly binaryAsString: boolean
  /** what the last scan did, for EXPLAIN ANALYZE */
  private groupsRead = 0
  private groupsSkipped = 0

  constructor(paths: readonly string[], columns: readonly { name: string; type: LogicalType }[], planned: readonly FileColumns[], estimatedRows: number, binaryAsString: boolean) {
    this.paths = paths
    this.columns = columns
    this.planned = planned
    this.estimatedRows = estimatedRows
    this.binaryAsString = binaryAsString
  }

  scanDetail(): string {
    return `row groups: ${this.groupsRead} read, ${this.groupsSkipped} skipped`
  }

  *scan(columns: readonly number[], _ctx: FunctionContext, filters: readonly TableFunctionFilter[] = []): Iterable<DataChunk> {
    this.groupsRead = 0
    this.groupsSkipped = 0
    for (let f = 0; f < this.paths.length; f++) yield* this.scanFile(f, columns, filters)
  }

  private *scanFile(f: number, wanted: readonly number[], filters: readonly TableFunctionFilter[]): Iterable<DataChunk> {
    const path = this.paths[f]!
    const file = open(path, this.binaryAsString)
    const planned = this.planned[f]!
    if (file.columns.length !== planned.length || file.columns.some((c, i) => c.name !== planned[i]!.name || !typeEquals(c.type, planned[i]!.type))) {
      throw new GrizzlyError(SqlState.dataCorrupted, `"${path}" changed after the query was planned`, { hint: 'run the query again' })
    }
    const index = new Map(file.columns.map((c, i) => [c.name, i]))
    const lower = new Map(file.columns.map((c, i) => [c.name.toLowerCase(), i]))
    const position = (c: number): number => { const name = this.columns[c]!.name; return index.get(name) ?? lower.get(name.toLowerCase()) ?? -1 }
    const sources = wanted.map(position)
    const needed = [...new Set(sources.filter(s => s >= 0))]
    const slot = new Map(needed.map((top, k) => [top, k]))
    const relevant = filters.map(flt => ({ flt, top: position(flt.column) }))
    const { footer } = file
    const skips = footer.rowGroups.map(rg => rg.numRows > 0 && relevant.some(({ flt, top }) => {
      if (top < 0) return flt.kind !== 'is_null' || flt.not
      const col = footer.columns[top]!
      if (col.leafCount !== 1) return false
      return excludes(flt, chunkStats(col, rg.chunks[col.firstLeaf]!, file.columns[top]!.type), rg.numRows, file.columns[top]!.type)
    }))
    const assemble = (g: number): Uint8Array => withSource(path, src => {
      if (src.size !== file.size) throw new GrizzlyError(SqlState.dataCorrupted, `"${path}" changed while being read`, { hint: 'run the query again' })
      return assembleFile(src, footer, needed, [g])
    })
    // the row groups to decode, in order: a large scan decodes the next on a worker thread
    const decoded = needed.length === 0 ? [] : footer.rowGroups.flatMap((rg, g) => rg.numRows > 0 && !skips[g] ? [g] : [])
    const decodedRows = decoded.reduce((sum, g) => sum + footer.rowGroups[g]!.numRows, 0)
    const thread = decoded.length >= 2 && decodedRows >= THREAD_ROWS && availableParallelism() > 1 ? new DecodeThread(path, BATCH_ROWS) : null
    if (thread !== null) parquetCounters.threadedScans++
    let sent = 0
    const sendNext = (): void => { if (thread !== null && sent < decoded.length) thread.send(assemble(decoded[sent++]!)) }
    try {
      for (let k = 0; k < AHEAD; k++) sendNext()
      yield* this.scanGroups(file, path, wanted, sources, needed, slot, skips, g => {
        if (thread === null) return decodeIpc(path, assemble(g))
        const ipc = thread.take(message => decodeError(path, message))
        sendNext()
        return ipc
      })
    } finally {
      thread?.close()
    }
  }

  private *scanGroups(file: OpenFile, path: string, wanted: readonly number[], sources: readonly number[], needed: readonly number[], slot: ReadonlyMap<number, number>,
    skips: readonly boolean[], ipcOf: (g: number) => Uint8Array): Iterable<DataChunk> {
    const { footer } = file
    for (let g = 0; g < footer.rowGroups.length; g++) {
      const rg = footer.rowGroups[g]!
      if (rg.numRows === 0) continue
      if (skips[g]) { parquetCounters.rowGroupsSkipped++; this.groupsSkipped++; continue }
      parquetCounters.rowGroupsRead++
      this.groupsRead++
      if (needed.length === 0) {
        for (let s = 0; s < rg.numRows; s += CHUNK_SIZE) {
          const n = Math.min(CHUNK_SIZE, rg.numRows - s)
          yield new DataChunk(wanted.map(c => nullVector(this.columns[c]!.type, n)), n)
        }
        continue
      }
      const ipc = ipcOf(g)
      const shared = ipc.buffer instanceof SharedArrayBuffer ? ipc.buffer : null
      const table = arrow.tableFromIPC(ipc)
      for (const batch of table.batches) {
        const data = needed.map((_, k) => batch.data.children[k]!)
        for (let s = 0; s < batch.numRows; s += CHUNK_SIZE) {
          const e = Math.min(batch.numRows, s + CHUNK_SIZE)
          const vectors: Vector[] = wanted.map((c, k) => {
            const target = this.columns[c]!.type
            const top = sources[k]!
            if (top < 0) return nullVector(target, e - s)
            const own = file.columns[top]!.type
            let v: Vector
            try { v = arrowRangeToVector(data[slot.get(top)!]!, own, s, e) } catch (err) { throw locateOverflow(err, file.columns[top]!.name, path) }
            // a ring slot of the decode thread is reused: nothing may keep a view of it
            if (shared !== null) unshare(v, shared)
            return typeEquals(own, target) ? v : castVector(v, target, path, this.columns[c]!.name)
          })
          yield new DataChunk(vectors, e - s)
        }
      }
    }
  }
}
