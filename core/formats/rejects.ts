/**
 * The rejects tables (store_rejects = true): rows a reader skipped with ignore_errors, and the
 * files it scanned with the dialect it read them with, queryable afterwards as DuckDB's
 * reject_errors and reject_scans are (joined on scan_id and file_id). Each read that stores
 * rejects starts both afresh.
 */
import type { ColumnSchema, TableProvider, Transaction } from '../catalog/catalog.ts'
import type { FileReject, FileRejectScan } from '../hooks/contracts.ts'
import { BIGINT, BOOLEAN, VARCHAR, type Value } from '../types/types.ts'
import { CHUNK_SIZE, DataChunk, vectorFromValues } from '../vector/vector.ts'

export const REJECT_COLUMNS: readonly ColumnSchema[] = ([
  ['scan_id', BIGINT], ['file_id', BIGINT], ['file', VARCHAR], ['line', BIGINT], ['line_byte_position', BIGINT], ['byte_position', BIGINT],
  ['column_idx', BIGINT], ['column_name', VARCHAR], ['error_type', VARCHAR], ['csv_line', VARCHAR], ['error_message', VARCHAR],
] as const).map(([name, type]) => ({ name, type, notNull: false, default: null, defaultSql: null }))

export const REJECT_SCAN_COLUMNS: readonly ColumnSchema[] = ([
  ['scan_id', BIGINT], ['file_id', BIGINT], ['file_path', VARCHAR], ['delimiter', VARCHAR], ['quote', VARCHAR], ['escape', VARCHAR],
  ['newline_delimiter', VARCHAR], ['skip_rows', BIGINT], ['has_header', BOOLEAN], ['columns', VARCHAR], ['date_format', VARCHAR],
  ['timestamp_format', VARCHAR], ['user_arguments', VARCHAR],
] as const).map(([name, type]) => ({ name, type, notNull: false, default: null, defaultSql: null }))

export class RejectsTable implements TableProvider {
  private readonly rows: FileReject[] = []
  /** files in the order they were scanned: file_id is the index */
  private readonly files: string[] = []
  private readonly scanRows: FileRejectScan[] = []
  private readonly scanId: number
  constructor(scanId: number) { this.scanId = scanId }

  add(r: FileReject): void {
    this.rows.push(r)
    if (!this.files.includes(r.file)) this.files.push(r.file)
  }

  addScan(s: FileRejectScan): void {
    if (this.scanRows.some(x => x.file === s.file)) return
    if (!this.files.includes(s.file)) this.files.push(s.file)
    this.scanRows.push(s)
  }

  /** reject_scans: one row per file scanned */
  readonly scans: TableProvider = {
    estimatedRows: () => this.scanRows.length,
    scan: (_txn, request) => {
      const getters: readonly ((s: FileRejectScan) => Value)[] = [
        () => BigInt(this.scanId), s => BigInt(this.files.indexOf(s.file)), s => s.file, s => s.delimiter, s => s.quote, s => s.escape,
        s => s.newLine, s => BigInt(s.skipRows), s => s.hasHeader, s => s.columns, s => s.dateFormat, s => s.timestampFormat, s => s.userArguments,
      ]
      const rows = this.scanRows
      // a column past the schema is the row id
      return [new DataChunk(request.columns.map(c => getters[c] === undefined ? vectorFromValues(BIGINT, rows.map((_, i) => BigInt(i)))
        : vectorFromValues(REJECT_SCAN_COLUMNS[c]!.type, rows.map(getters[c]!))), rows.length)]
    },
  }

  estimatedRows(_txn: Transaction): number { return this.rows.length }

  *scan(_txn: Transaction, request: { readonly columns: readonly number[] }): Iterable<DataChunk> {
    for (let start = 0; start < this.rows.length; start += CHUNK_SIZE) {
      const part = this.rows.slice(start, start + CHUNK_SIZE)
      const values: readonly ((r: FileReject, i: number) => bigint | string | null)[] = [
        () => BigInt(this.scanId), r => BigInt(this.files.indexOf(r.file)), r => r.file, r => BigInt(r.line),
        r => r.lineBytePosition === undefined ? null : BigInt(r.lineBytePosition), r => r.bytePosition === undefined ? null : BigInt(r.bytePosition),
        r => BigInt(r.column), r => r.columnName, r => r.errorType, r => r.csvLine, r => r.error,
      ]
      const cols = request.columns.map(c => {
        const get = values[c]
        if (get === undefined) return vectorFromValues(BIGINT, part.map((_, i) => BigInt(start + i)))
        return vectorFromValues(REJECT_COLUMNS[c]!.type, part.map(get))
      })
      yield new DataChunk(cols, part.length)
    }
  }
}
