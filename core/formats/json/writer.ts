/**
 * The JSON writer: one object per line (NDJSON) by default, or one array (`ARRAY true`), values
 * rendered as DuckDB's COPY … (FORMAT json) renders them.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { GrizzlyError, SqlState, didYouMean } from '../../errors.ts'
import type { TableFunctionArg } from '../../hooks/contracts.ts'
import type { LogicalType } from '../../types/types.ts'
import { type DataChunk, type Vector, getValue } from '../../vector/vector.ts'
import { RawNumber, toJson, writeJson } from './schema.ts'

const WRITE_OPTIONS = ['array', 'compression', 'dateformat', 'timestampformat']

/** The JSON text of row r of a vector: direct reads for the common types, the generic path otherwise. */
function cellWriter(type: LogicalType, v: Vector): (r: number) => string {
  const valid = v.validity
  const wrap = (f: (r: number) => string): (r: number) => string => valid === null ? f : r => (valid[r] === 1 ? f(r) : 'null')
  switch (type.id) {
    case 'VARCHAR': { const d = v.data as string[]; return wrap(r => JSON.stringify(d[r])) }
    case 'HUGEINT': case 'BIGINT': case 'INTEGER': case 'SMALLINT': case 'TINYINT': { const d = v.data as ArrayLike<number | bigint>; return wrap(r => String(d[r])) }
    case 'BOOLEAN': { const d = v.data as Uint8Array; return wrap(r => (d[r] === 1 ? 'true' : 'false')) }
    default: return r => { const j = toJson(type, getValue(v, r)); return j instanceof RawNumber ? j.text : writeJson(j) }
  }
}

export function writeJsonFile(path: string, columns: readonly { readonly name: string; readonly type: LogicalType }[],
  chunks: Iterable<DataChunk>, options: ReadonlyMap<string, TableFunctionArg>): { rows: number } {
  let array = false
  for (const [key, arg] of options) {
    switch (key) {
      case 'array': {
        const v = arg.value
        if (typeof v === 'boolean') array = v
        else if (typeof v === 'string' && /^(true|false)$/i.test(v)) array = v.toLowerCase() === 'true'
        else throw new GrizzlyError(SqlState.invalidParameterValue, 'option ARRAY takes true or false')
        break
      }
      case 'format': {
        // FORMAT ndjson / newline_delimited arrive as format = 'newline_delimited'; 'array' asks for one array
        const v = String(arg.value).toLowerCase()
        if (v === 'array') array = true
        else if (v !== 'newline_delimited' && v !== 'json' && v !== 'auto') throw new GrizzlyError(SqlState.invalidParameterValue, `unknown JSON layout "${arg.value}"`, { hint: "use ARRAY true for one array, or leave it out for one object per line" })
        break
      }
      case 'compression': {
        const v = String(arg.value).toLowerCase()
        if (v !== 'none' && v !== 'uncompressed' && v !== 'auto') throw new GrizzlyError(SqlState.featureNotSupported, `the JSON writer does not compress with "${arg.value}" itself`, { hint: 'write with COPY … (FORMAT json, COMPRESSION gzip)' })
        break
      }
      case 'dateformat': case 'timestampformat':
        throw new GrizzlyError(SqlState.featureNotSupported, `${key} is not supported yet by the JSON writer`, { hint: 'format the column with strftime in the query' })
      default:
        throw new GrizzlyError(SqlState.invalidParameterValue, `unknown JSON option "${key}"`, { hint: didYouMean(key, WRITE_OPTIONS) ?? `JSON write options: ${WRITE_OPTIONS.join(', ')}` })
    }
  }
  let fd: number
  try { fd = openSync(path, 'w') } catch (e) {
    throw new GrizzlyError(SqlState.ioError, `cannot write "${path}": ${e instanceof Error ? e.message : String(e)}`, { hint: 'check that the folder exists and is writable', cause: e })
  }
  let rows = 0
  try {
    const keys = columns.map((c, i) => `${i === 0 ? '' : ','}${JSON.stringify(c.name)}:`)
    const sep = array ? ',\n' : '\n'
    let out = array ? '[\n' : ''
    for (const chunk of chunks) {
      const cells = columns.map((c, i) => cellWriter(c.type, chunk.column(i)))
      for (let r = 0; r < chunk.size; r++) {
        let line = rows === 0 ? '{' : `${sep}{`
        for (let c = 0; c < cells.length; c++) line += keys[c]! + cells[c]!(r)
        out += line + '}'
        rows++
        if (out.length > 1 << 20) { writeSync(fd, out); out = '' }
      }
    }
    out += array ? '\n]\n' : rows > 0 ? '\n' : ''
    writeSync(fd, out)
  } finally {
    closeSync(fd)
  }
  return { rows }
}
