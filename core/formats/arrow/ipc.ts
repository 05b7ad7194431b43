/**
 * The Arrow IPC format, both layouts: the file (`.arrow`, `.feather`, magic 'ARROW1', random
 * access) and the stream (`.arrows`, messages behind 0xFFFFFFFF continuation markers). Reading
 * goes a record batch at a time with apache-arrow's RecordBatchReader; fixed-width columns are
 * views into the file's bytes. Writing goes through core/arrow/to-arrow.ts.
 */
import { writeFileSync } from 'node:fs'
import * as arrow from 'apache-arrow'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { BoundTableFunction, FunctionContext, TableFunctionArg } from '../../hooks/contracts.ts'
import { chunksToArrow } from '../../arrow/to-arrow.ts'
import { type LogicalType, typeEquals } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, type Vector, nullVector } from '../../vector/vector.ts'
import { fileError, formatExtension, readInput } from '../source.ts'
import { arrowRangeToVector, fileColumnType } from './convert.ts'
import { locateOverflow } from '../../arrow/temporal.ts'
import { castVector, mergeColumns, type FileColumns } from './merge.ts'

const FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31] as const // 'ARROW1'

/** 1 for the file magic; 0.9 for a stream's first continuation marker and a plausible length. */
export function sniffArrow(head: Uint8Array): number {
  if (head.length >= 6 && FILE_MAGIC.every((b, i) => head[i] === b)) return 1
  if (head.length >= 8 && head[0] === 0xff && head[1] === 0xff && head[2] === 0xff && head[3] === 0xff) {
    const length = head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24)
    return length > 0 && length < 1 << 24 ? 0.9 : 0
  }
  return 0
}

function invalid(path: string, e: unknown): GrizzlyError {
  if (e instanceof GrizzlyError) return e
  const why = e instanceof Error ? e.message : String(e)
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a valid Arrow IPC file: ${why}`, {
    hint: 'the file may be truncated or damaged; Arrow IPC files start with ARROW1, streams with 0xFFFFFFFF', cause: e,
  })
}

interface OpenArrow { readonly columns: FileColumns; readonly batches: Iterator<arrow.RecordBatch> }

function open(path: string): OpenArrow {
  const bytes = readInput(path)
  if (bytes.length === 0) throw invalid(path, new Error('the file is empty'))
  if (sniffArrow(bytes) === 0) throw invalid(path, new Error('it starts with neither ARROW1 nor a stream continuation marker'))
  try {
    const reader = arrow.RecordBatchReader.from(bytes)
    reader.open()
    const schema = reader.schema
    if (schema === undefined || schema === null) throw new Error('it has no schema')
    const columns = schema.fields.map((f, i) => {
      if (typeof f.name !== 'string' || f.type === null || f.type === undefined) throw new Error(`column ${i + 1} has no name or type`)
      return { name: f.name, type: fileColumnType(f.type, f.name, path) }
    })
    return { columns, batches: reader[Symbol.iterator]() }
  } catch (e) {
    throw invalid(path, e)
  }
}

const READ_OPTIONS = new Set(['filename', 'hive_partitioning', 'union_by_name', 'hive_types', 'hive_types_autocast'])

export function readArrowFiles(paths: readonly string[], options: ReadonlyMap<string, TableFunctionArg>, _ctx: FunctionContext): BoundTableFunction {
  for (const name of options.keys()) {
    if (!READ_OPTIONS.has(name.toLowerCase())) {
      throw new GrizzlyError(SqlState.syntaxError, `unknown Arrow option "${name}"`, { hint: didYouMean(name, [...READ_OPTIONS]) ?? 'Arrow IPC reads take no options of their own' })
    }
  }
  const files = paths.map(p => ({ path: p, columns: open(p).columns }))
  return new ArrowScan(paths, mergeColumns(files), files.map(f => f.columns))
}

class ArrowScan implements BoundTableFunction {
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]
  private readonly paths: readonly string[]
  private readonly planned: readonly FileColumns[]

  constructor(paths: readonly string[], columns: readonly { name: string; type: LogicalType }[], planned: readonly FileColumns[]) {
    this.paths = paths
    this.columns = columns
    this.planned = planned
  }

  *scan(wanted: readonly number[]): Iterable<DataChunk> {
    for (let f = 0; f < this.paths.length; f++) {
      const path = this.paths[f]!
      const file = open(path)
      const planned = this.planned[f]!
      if (file.columns.length !== planned.length || file.columns.some((c, i) => c.name !== planned[i]!.name || !typeEquals(c.type, planned[i]!.type))) {
        throw new GrizzlyError(SqlState.dataCorrupted, `"${path}" changed after the query was planned`, { hint: 'run the query again' })
      }
      const lower = new Map(file.columns.map((c, i) => [c.name.toLowerCase(), i]))
      const sources = wanted.map(c => lower.get(this.columns[c]!.name.toLowerCase()) ?? -1)
      for (;;) {
        let next: IteratorResult<arrow.RecordBatch>
        let vectorsOf: (s: number, e: number) => Vector[]
        try {
          next = file.batches.next()
          if (next.done === true) break
          const batch = next.value
          vectorsOf = (s, e) => wanted.map((c, k) => {
            const target = this.columns[c]!.type
            const src = sources[k]!
            if (src < 0) return nullVector(target, e - s)
            const own = file.columns[src]!.type
            const data = batch.data.children[src]
            if (data === undefined) throw new Error(`a record batch lacks column ${src}`)
            let v: Vector
            try { v = arrowRangeToVector(data, own, s, e) } catch (err) { throw locateOverflow(err, file.columns[src]!.name, path) }
            return typeEquals(own, target) ? v : castVector(v, target, path, this.columns[c]!.name)
          })
        } catch (e) { throw invalid(path, e) }
        const rows = next.value.numRows
        for (let s = 0; s < rows; s += CHUNK_SIZE) {
          const e = Math.min(rows, s + CHUNK_SIZE)
          let vectors: Vector[]
          try { vectors = vectorsOf(s, e) } catch (err) { throw invalid(path, err) }
          yield new DataChunk(vectors, e - s)
        }
      }
    }
  }
}

/** `format` when the writer is called directly; COPY keeps FORMAT for itself, so it says LAYOUT */
const WRITE_OPTIONS = ['format', 'layout']

export function writeArrowFile(path: string, columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: Iterable<DataChunk>, options: ReadonlyMap<string, TableFunctionArg>): { rows: number } {
  for (const name of options.keys()) {
    if (!WRITE_OPTIONS.includes(name)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `unknown Arrow write option "${name}"`, { hint: didYouMean(name, WRITE_OPTIONS) ?? "Arrow takes LAYOUT 'file' or 'stream'" })
    }
  }
  const formatArg = options.get('layout') ?? options.get('format')
  let layout: 'file' | 'stream' = formatExtension(path) === 'arrows' ? 'stream' : 'file'
  if (formatArg !== undefined) {
    const v = typeof formatArg.value === 'string' ? formatArg.value.toLowerCase() : ''
    if (v !== 'file' && v !== 'stream') {
      throw new GrizzlyError(SqlState.invalidParameterValue, `the Arrow layout must be 'file' or 'stream', got ${String(formatArg.value)}`, { hint: "'file' writes .arrow/.feather (random access), 'stream' writes .arrows" })
    }
    layout = v
  }
  const kept: DataChunk[] = []
  let rows = 0
  for (const c of chunks) if (c.size > 0) { kept.push(c); rows += c.size }
  const bytes = arrow.tableToIPC(chunksToArrow(columns, kept), layout)
  try {
    writeFileSync(path, bytes)
  } catch (e) {
    throw fileError(path, e)
  }
  return { rows }
}
