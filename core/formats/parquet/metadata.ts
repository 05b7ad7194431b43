/**
 * `parquet_metadata(path)` and `parquet_schema(path)`: a Parquet file's footer as rows, with
 * DuckDB's column names (a subset of them), for looking at row groups, statistics, codecs and
 * the schema tree without reading any data. Paths may be globs or lists.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { BoundTableFunction, TableFunctionArg, TableFunctionCall, TableFunctionDef } from '../../hooks/contracts.ts'
import { formatValue } from '../../types/format.ts'
import { BIGINT, BOOLEAN, type LogicalType, type Value, VARCHAR } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, VectorBuilder } from '../../vector/vector.ts'
import { expandPaths } from '../source.ts'
import { nameOf, type Footer } from './footer.ts'
import { chunkStats } from './prune.ts'
import { openParquet } from './reader.ts'
import { bin, list, num, struct, type TStruct } from './thrift.ts'

const PHYSICAL = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY']
const CODEC = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW']
const ENCODING = ['PLAIN', 'GROUP_VAR_INT', 'PLAIN_DICTIONARY', 'RLE', 'BIT_PACKED', 'DELTA_BINARY_PACKED', 'DELTA_LENGTH_BYTE_ARRAY', 'DELTA_BYTE_ARRAY', 'RLE_DICTIONARY', 'BYTE_STREAM_SPLIT']
const REPETITION = ['REQUIRED', 'OPTIONAL', 'REPEATED']
const CONVERTED = ['UTF8', 'MAP', 'MAP_KEY_VALUE', 'LIST', 'ENUM', 'DECIMAL', 'DATE', 'TIME_MILLIS', 'TIME_MICROS', 'TIMESTAMP_MILLIS', 'TIMESTAMP_MICROS',
  'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'JSON', 'BSON', 'INTERVAL']
const LOGICAL = ['', 'STRING', 'MAP', 'LIST', 'ENUM', 'DECIMAL', 'DATE', 'TIME', 'TIMESTAMP', '', 'INTEGER', 'UNKNOWN', 'JSON', 'BSON', 'UUID', 'FLOAT16']

const nameIn = (names: readonly string[], i: number | undefined): string | null => i === undefined ? null : names[i] ?? String(i)

type Column = { readonly name: string; readonly type: LogicalType }

function pathsOf(name: string, call: TableFunctionCall): string[] {
  const arg: TableFunctionArg | undefined = call.positional[0]
  const v = arg?.value
  if (call.positional.length !== 1 || (typeof v !== 'string' && !(Array.isArray(v) && v.every(x => typeof x === 'string')))) {
    throw new GrizzlyError(SqlState.undefinedFunction, `${name} takes one file path (or a list of them)`, { hint: `e.g. SELECT * FROM ${name}('data.parquet')` })
  }
  return expandPaths(v as string | string[])
}

/** A table function over rows computed at bind time (footers are small). */
function rowsTable(columns: readonly Column[], rows: readonly Value[][]): BoundTableFunction {
  return {
    columns,
    estimatedRows: rows.length,
    *scan(wanted) {
      for (let start = 0; start < rows.length; start += CHUNK_SIZE) {
        const n = Math.min(CHUNK_SIZE, rows.length - start)
        const vectors = wanted.map(c => {
          const b = new VectorBuilder(columns[c]!.type, n)
          for (let k = 0; k < n; k++) b.push(rows[start + k]![c]!)
          return b.finish()
        })
        yield new DataChunk(vectors, n)
      }
    },
  }
}

const METADATA_COLUMNS: readonly Column[] = [
  { name: 'file_name', type: VARCHAR }, { name: 'row_group_id', type: BIGINT }, { name: 'row_group_num_rows', type: BIGINT },
  { name: 'row_group_num_columns', type: BIGINT }, { name: 'row_group_bytes', type: BIGINT }, { name: 'column_id', type: BIGINT },
  { name: 'file_offset', type: BIGINT }, { name: 'num_values', type: BIGINT }, { name: 'path_in_schema', type: VARCHAR },
  { name: 'type', type: VARCHAR }, { name: 'stats_min', type: VARCHAR }, { name: 'stats_max', type: VARCHAR },
  { name: 'stats_null_count', type: BIGINT }, { name: 'compression', type: VARCHAR }, { name: 'encodings', type: VARCHAR },
  { name: 'dictionary_page_offset', type: BIGINT }, { name: 'data_page_offset', type: BIGINT },
  { name: 'total_compressed_size', type: BIGINT }, { name: 'total_uncompressed_size', type: BIGINT },
]

function metadataRows(path: string, footer: Footer, columnTypes: readonly LogicalType[]): Value[][] {
  const rows: Value[][] = []
  const big = (x: number | undefined): Value => x === undefined ? null : BigInt(x)
  footer.rowGroups.forEach((rg, g) => {
    let leaf = 0
    footer.columns.forEach((top, t) => {
      for (let l = 0; l < top.leafCount; l++, leaf++) {
        const chunk = rg.chunks[leaf]!
        const meta = chunk.meta
        const pathParts = list(meta, 3).map(p => p instanceof Uint8Array ? new TextDecoder().decode(p) : '')
        // statistics as text only where the column is one flat value the engine types (as pruning reads them)
        const stats = top.leafCount === 1 ? chunkStats(top, chunk, columnTypes[t]!) : undefined
        const show = (v: unknown): Value => v === undefined ? null
          : v instanceof Uint8Array ? new TextDecoder().decode(v) : formatValue(columnTypes[t]!, v as Value)
        rows.push([
          path, BigInt(g), BigInt(rg.numRows), BigInt(rg.chunks.length), big(num(rg.raw, 2)), BigInt(leaf),
          big(num(chunk.raw, 2)), big(num(meta, 5)), pathParts.join(', '), nameIn(PHYSICAL, num(meta, 1)),
          show(stats?.min), show(stats?.max), big(struct(meta, 12) === undefined ? undefined : num(struct(meta, 12)!, 3)),
          nameIn(CODEC, num(meta, 4)), list(meta, 2).map(e => nameIn(ENCODING, e as number)).join(', '),
          big(num(meta, 11)), big(num(meta, 9)), big(num(meta, 7)), big(num(meta, 6)),
        ])
      }
    })
  })
  return rows
}

const SCHEMA_COLUMNS: readonly Column[] = [
  { name: 'file_name', type: VARCHAR }, { name: 'name', type: VARCHAR }, { name: 'type', type: VARCHAR },
  { name: 'type_length', type: VARCHAR }, { name: 'repetition_type', type: VARCHAR }, { name: 'num_children', type: BIGINT },
  { name: 'converted_type', type: VARCHAR }, { name: 'scale', type: BIGINT }, { name: 'precision', type: BIGINT },
  { name: 'field_id', type: BIGINT }, { name: 'logical_type', type: VARCHAR }, { name: 'is_leaf', type: BOOLEAN },
]

function logicalName(el: TStruct): string | null {
  const lt = struct(el, 10)
  if (lt === undefined || lt.length === 0) return null
  const f = lt[0]!
  return LOGICAL[f.id] || `logical type ${f.id}`
}

function schemaRows(path: string, footer: Footer): Value[][] {
  return footer.schema.map(el => {
    const big = (id: number): Value => { const v = num(el, id); return v === undefined ? null : BigInt(v) }
    const length = num(el, 2)
    return [
      path, nameOf(el), nameIn(PHYSICAL, num(el, 1)), length === undefined ? null : String(length), nameIn(REPETITION, num(el, 3)),
      big(5), nameIn(CONVERTED, num(el, 6)), big(7), big(8), big(9), logicalName(el), (num(el, 5) ?? 0) === 0 && bin(el, 4) !== undefined && el !== footer.schema[0],
    ]
  })
}

export const parquetMetadataFunction: TableFunctionDef = {
  name: 'parquet_metadata',
  description: "parquet_metadata('file.parquet'): one row per column chunk — row group, codec, encodings, sizes, statistics",
  bind(call) {
    const rows: Value[][] = []
    for (const path of pathsOf('parquet_metadata', call)) {
      const file = openParquet(path)
      rows.push(...metadataRows(path, file.footer, file.columns.map(c => c.type)))
    }
    return rowsTable(METADATA_COLUMNS, rows)
  },
}

export const parquetSchemaFunction: TableFunctionDef = {
  name: 'parquet_schema',
  description: "parquet_schema('file.parquet'): the file's schema tree, one row per element",
  bind(call) {
    const rows: Value[][] = []
    for (const path of pathsOf('parquet_schema', call)) rows.push(...schemaRows(path, openParquet(path).footer))
    return rowsTable(SCHEMA_COLUMNS, rows)
  },
}
