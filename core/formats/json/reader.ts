/**
 * The JSON reader: an array of records, newline-delimited records (streamed in blocks), or
 * JSON values one after the other (a single object, pretty-printed records). The schema is
 * detected from a sample of records, as DuckDB's read_json does.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { BoundTableFunction, FunctionContext, TableFunctionArg } from '../../hooks/contracts.ts'
import type { LogicalType, Value } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk } from '../../vector/vector.ts'
import { compressionOf, decompressedStream, fileError, fileSize } from '../source.ts'
import { JsonSyntaxError, type JsonValue, lineColumn, parseJson, parseJsonSequence } from './parse.ts'
import { JsonConversionError, UnsafeInteger, conversionFailure, finalType, mergeTypes, typeOfJson } from './schema.ts'
import { typeFromText } from './type-name.ts'
import { type JsonColumn, jsonColumn } from './columns.ts'

export type JsonLayout = 'auto' | 'array' | 'newline_delimited' | 'unstructured'

export interface JsonReadOptions {
  readonly format: JsonLayout
  readonly records: 'auto' | boolean
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[] | null
  /** levels of nesting detected as STRUCT/LIST; deeper values are VARCHAR (JSON text); -1 = no limit */
  readonly maximumDepth: number
  /** records looked at to detect the schema; -1 = all */
  readonly sampleSize: number
  readonly ignoreErrors: boolean
  readonly dateDetection: boolean
}

/** nesting beyond this is refused (22P04) rather than risking the stack */
const MAX_DEPTH = 1000

const READ_OPTIONS = ['format', 'array', 'records', 'columns', 'maximum_depth', 'sample_size', 'ignore_errors', 'compression', 'auto_detect', 'dateformat', 'timestampformat', 'date_format', 'timestamp_format', 'maximum_object_size', 'union_by_name', 'convert_strings_to_integers', 'field_appearance_threshold', 'map_inference_threshold']

function bad(message: string, hint?: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, message, hint === undefined ? {} : { hint })
}

function boolOf(name: string, arg: TableFunctionArg): boolean {
  const v = arg.value
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true'
  throw bad(`option ${name} takes true or false`)
}

function intOf(name: string, arg: TableFunctionArg): number {
  const v = arg.value
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN
  if (!Number.isInteger(n) || n < -1) throw bad(`option ${name} takes a whole number (-1 for no limit)`)
  return n
}

export function parseReadOptions(options: ReadonlyMap<string, TableFunctionArg>): JsonReadOptions {
  let format: JsonLayout = 'auto'
  let records: 'auto' | boolean = 'auto'
  let columns: { name: string; type: LogicalType }[] | null = null
  let maximumDepth = -1
  let sampleSize = 20480
  let ignoreErrors = false
  let dateDetection = true
  for (const [key, arg] of options) {
    switch (key) {
      case 'format': {
        const v = String(arg.value).toLowerCase()
        if (v === 'auto' || v === 'array' || v === 'newline_delimited' || v === 'unstructured') format = v
        else if (v === 'ndjson' || v === 'jsonl' || v === 'nd') format = 'newline_delimited'
        else if (v !== 'json') throw bad(`unknown JSON format "${arg.value}"`, didYouMean(v, ['auto', 'array', 'newline_delimited', 'unstructured']) ?? "use 'auto', 'array', 'newline_delimited' or 'unstructured'")
        break
      }
      case 'records': {
        const v = arg.value
        if (typeof v === 'string' && v.toLowerCase() === 'auto') records = 'auto'
        else records = boolOf('records', arg)
        break
      }
      case 'columns': {
        const v = arg.value
        if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw bad('option columns takes a struct of column names and types', "e.g. columns = {'id': 'INTEGER', 'name': 'VARCHAR'}")
        columns = Object.entries(v as Record<string, Value>).map(([name, t]) => {
          if (typeof t !== 'string') throw bad(`the type of column "${name}" must be a string`, "e.g. columns = {'id': 'INTEGER'}")
          return { name, type: typeFromText(t) }
        })
        if (columns.length === 0) throw bad('option columns names no columns')
        break
      }
      case 'array': format = boolOf(key, arg) ? 'array' : 'newline_delimited'; break
      case 'maximum_depth': maximumDepth = intOf(key, arg); break
      case 'sample_size': sampleSize = intOf(key, arg); if (sampleSize === 0) throw bad('sample_size must be positive, or -1 for every record'); break
      case 'ignore_errors': ignoreErrors = boolOf(key, arg); break
      case 'auto_detect': if (!boolOf(key, arg) && columns === null && !options.has('columns')) throw bad('with auto_detect = false the columns must be given', "add columns = {'name': 'TYPE', …}"); break
      case 'dateformat': case 'timestampformat': case 'date_format': case 'timestamp_format': {
        const v = String(arg.value).toLowerCase()
        if (v === 'auto') break
        if (v === '' || v === 'none') { dateDetection = false; break }
        throw new GrizzlyError(SqlState.featureNotSupported, `${key} patterns are not supported yet`, { hint: "leave it out (ISO dates and timestamps are detected), or read the column as VARCHAR and use strptime" })
      }
      case 'compression': {
        const v = String(arg.value).toLowerCase()
        if (!['auto', 'gzip', 'zstd', 'none', 'uncompressed'].includes(v)) throw bad(`unknown compression "${arg.value}"`, didYouMean(v, ['auto', 'gzip', 'zstd', 'none']))
        break
      }
      case 'maximum_object_size': case 'union_by_name': case 'convert_strings_to_integers': case 'field_appearance_threshold': case 'map_inference_threshold': break
      default:
        throw bad(`unknown JSON option "${key}"`, didYouMean(key, READ_OPTIONS) ?? `JSON options: ${READ_OPTIONS.slice(0, 8).join(', ')}`)
    }
  }
  return { format, records, columns, maximumDepth, sampleSize, ignoreErrors, dateDetection }
}

// ---- the records of a file -------------------------------------------------------------------

/** `text` is the line the value came from (newline-delimited input), for an exact re-parse */
interface JsonRecord { readonly value: JsonValue; readonly line: number; readonly text?: string }

const BLOCK = 1 << 20

/** Text of a file in blocks of about 1 MiB, decompressed a block at a time when compressed. */
function* textBlocks(path: string, progress: FunctionContext['progress']): Generator<string> {
  let fd: number
  try { fd = openSync(path, 'r') } catch (e) { throw fileError(path, e) }
  try {
    const head = new Uint8Array(4)
    const got = readSync(fd, head, 0, 4, 0)
    const compression = compressionOf(path, head.subarray(0, got))
    if (compression !== 'none') {
      const stream = decompressedStream(path, compression, BLOCK)
      const decoder = new TextDecoder()
      let reported = 0, first = true
      try {
        for (let bytes = stream.next(); bytes !== null; bytes = stream.next()) {
          progress?.addBytes(stream.consumed - reported)
          reported = stream.consumed
          let text = decoder.decode(bytes, { stream: true })
          if (first && text !== '') { text = text.replace(/^\uFEFF/, ''); first = false }
          if (text !== '') yield text
        }
        progress?.addBytes(stream.consumed - reported)
      } finally { stream.close() }
      const rest = decoder.decode()
      if (rest !== '') yield rest
      return
    }
    const decoder = new TextDecoder()
    const buf = new Uint8Array(BLOCK)
    let position = 0
    let first = true
    for (;;) {
      let n: number
      try { n = readSync(fd, buf, 0, BLOCK, position) } catch (e) { throw fileError(path, e) }
      if (n === 0) break
      position += n
      progress?.addBytes(n)
      let text = decoder.decode(buf.subarray(0, n), { stream: true })
      if (first) { text = text.replace(/^\uFEFF/, ''); first = false }
      yield text
    }
    const rest = decoder.decode()
    if (rest !== '') yield rest
  } finally {
    closeSync(fd)
  }
}

function syntaxFailure(path: string, line: number, column: number, e: JsonSyntaxError): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not valid JSON at line ${line}, column ${column}: ${e.message}`, {
    hint: 'fix the file; for newline-delimited JSON, ignore_errors = true skips bad lines',
  })
}

/** The layout `auto` means for this file, from its first bytes. */
function detectLayout(path: string, text: string): Exclude<JsonLayout, 'auto'> {
  const m = /\S/.exec(text)
  if (m === null) return 'newline_delimited'
  if (m[0] === '[') return 'array'
  const lineEnd = text.indexOf('\n', m.index)
  const firstLine = text.slice(m.index, lineEnd < 0 ? text.length : lineEnd)
  try {
    parseJson(firstLine)
    return 'newline_delimited'
  } catch (e) {
    // a value that goes on past the line: records spread over several lines
    if (e instanceof JsonSyntaxError && e.offset >= firstLine.trimEnd().length) return 'unstructured'
    void path
    return 'newline_delimited'
  }
}

/**
 * Every top-level record of the file (array elements, lines, or values), parsed lazily for
 * newline-delimited files. Records of the array layout report line 1.
 */
function* eachRecord(path: string, o: JsonReadOptions, exact: boolean, progress: FunctionContext['progress']): Generator<JsonRecord> {
  const depth = MAX_DEPTH
  let layout = o.format
  const blocks = textBlocks(path, progress)
  let pending = ''
  let started = false
  let lineNo = 0
  const line = (text: string): JsonRecord | null => {
    lineNo++
    if (isBlank(text)) return null
    try {
      return { value: parseJson(text, depth, exact, false), line: lineNo, text }
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e
      if (o.ignoreErrors) return null
      throw syntaxFailure(path, lineNo, e.offset + 1, e)
    }
  }
  for (const block of blocks) {
    if (!started) {
      pending += block
      if (layout === 'auto') {
        const first = /\S/.exec(pending)
        if (first === null || (pending.indexOf('\n', first.index) < 0 && pending.length < 1 << 16)) continue
        layout = detectLayout(path, pending)
      }
      started = true
      if (layout !== 'newline_delimited') {
        // arrays and multi-line values are parsed whole
        for (const b of blocks) pending += b
        break
      }
    } else pending += block
    let start = 0
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n', start)) {
      const r = line(pending.slice(start, nl))
      start = nl + 1
      if (r !== null) yield r
    }
    pending = pending.slice(start)
  }
  if (!started && layout === 'auto') layout = detectLayout(path, pending)
  if (layout === 'newline_delimited' || layout === 'auto') {
    if (pending !== '') { const r = line(pending); if (r !== null) yield r }
    return
  }
  const text = pending
  const positioned = (e: unknown): never => {
    if (e instanceof JsonSyntaxError) {
      const { line: l, column } = lineColumn(text, e.offset)
      throw syntaxFailure(path, l, column, e)
    }
    throw e
  }
  if (layout === 'array') {
    let top: JsonValue
    try { top = parseJson(text, depth, exact) } catch (e) { return positioned(e) }
    if (!Array.isArray(top)) {
      throw new GrizzlyError(SqlState.badFileFormat, `"${path}" does not hold a JSON array`, { hint: "read it with format = 'auto' or 'newline_delimited'" })
    }
    for (const v of top) yield { value: v, line: 1 }
    return
  }
  const values: JsonRecord[] = []
  try {
    let lastOffset = 0
    let lastLine = 1
    parseJsonSequence(text, (v, offset) => {
      for (let i = text.indexOf('\n', lastOffset); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) lastLine++
      lastOffset = offset
      values.push({ value: v, line: lastLine })
    }, depth, exact)
  } catch (e) {
    positioned(e)
  }
  yield* values
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0d && c !== 0x09 && c !== 0x0a) return false
  }
  return true
}


// ---- schema and scan -------------------------------------------------------------------------

export interface JsonSchema {
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]
  /** true: each record is an object whose keys are the columns; false: one column holds the value */
  readonly records: boolean
}

export function detectSchema(paths: readonly string[], o: JsonReadOptions): JsonSchema {
  if (o.columns !== null) return { columns: o.columns, records: o.records !== false }
  const depth = o.maximumDepth < 0 ? MAX_DEPTH : o.maximumDepth
  let seen = 0
  let allObjects = true
  let whole: LogicalType = { id: 'NULL' }
  const fields = new Map<string, LogicalType>()
  for (const path of paths) {
    for (const { value: v } of eachRecord(path, o, true, undefined)) {
      seen++
      const t = typeOfJson(v, Math.max(depth, 1), o.dateDetection)
      whole = mergeTypes(whole, t)
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k, item] of Object.entries(v)) {
          const itemType = typeOfJson(item, depth - 1, o.dateDetection)
          fields.set(k, mergeTypes(fields.get(k) ?? { id: 'NULL' }, itemType))
        }
      } else if (v !== null) allObjects = false
      if (o.sampleSize >= 0 && seen >= o.sampleSize) break
    }
    if (o.sampleSize >= 0 && seen >= o.sampleSize) break
  }
  const records = o.records === 'auto' ? allObjects && fields.size > 0 : o.records
  if (records) {
    if (!allObjects) {
      throw new GrizzlyError(SqlState.badFileFormat, `"${paths[0]}" holds values that are not objects, so they cannot be read as records`, { hint: 'read it with records = false' })
    }
    if (fields.size === 0) throw new GrizzlyError(SqlState.badFileFormat, `"${paths[0]}" holds no records to detect columns from`, { hint: "give the columns: columns = {'name': 'TYPE', …}" })
    return { columns: [...fields].map(([name, type]) => ({ name, type: finalType(type) })), records: true }
  }
  return { columns: [{ name: 'json', type: finalType(whole) }], records: false }
}

export function readJson(paths: readonly string[], options: ReadonlyMap<string, TableFunctionArg>): BoundTableFunction {
  const o = parseReadOptions(options)
  const schema = detectSchema(paths, o)
  return {
    columns: schema.columns,
    scan: (wanted, ctx) => scanJson(paths, o, schema, wanted, ctx),
  }
}

function convertRecord(v: JsonValue, records: boolean, names: readonly string[], cols: readonly JsonColumn[], row: number): void {
  if (records) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new JsonConversionError('expected a JSON object (a record)')
    for (let c = 0; c < cols.length; c++) cols[c]!.set(row, v[names[c]!] ?? null)
  } else {
    for (let c = 0; c < cols.length; c++) cols[c]!.set(row, v)
  }
}

function* scanJson(paths: readonly string[], o: JsonReadOptions, schema: JsonSchema, wanted: readonly number[], ctx: FunctionContext): Generator<DataChunk> {
  const types = wanted.map(i => schema.columns[i]!.type)
  const names = wanted.map(i => schema.columns[i]!.name)
  const progress = ctx.progress
  if (progress !== undefined) for (const p of paths) progress.addTotal(fileSize(p))
  const fresh = (): JsonColumn[] => types.map(t => jsonColumn(t, CHUNK_SIZE))
  let cols = fresh()
  let rows = 0
  for (const path of paths) {
    for (const record of eachRecord(path, o, false, progress)) {
      try {
        try {
          convertRecord(record.value, schema.records, names, cols, rows)
        } catch (e) {
          // JSON.parse rounded an integer beyond 2^53: read this line again, exactly
          if (!(e instanceof UnsafeInteger) || record.text === undefined) throw e
          convertRecord(parseJson(record.text, MAX_DEPTH, false, true), schema.records, names, cols, rows)
        }
      } catch (e) {
        if (!(e instanceof JsonConversionError)) throw e
        // the row's slots are overwritten by the next row
        if (o.ignoreErrors) continue
        throw conversionFailure(path, record.line, e.message)
      }
      if (++rows === CHUNK_SIZE) {
        yield new DataChunk(cols.map(c => c.finish(rows)), rows)
        cols = fresh()
        rows = 0
      }
    }
  }
  if (rows > 0) yield new DataChunk(cols.map(c => c.finish(rows)), rows)
}
