/**
 * The rejects table (store_rejects = true): rows a reader skipped with ignore_errors, queryable
 * afterwards as DuckDB's reject_errors is. Each read that stores rejects starts the table afresh.
 */
import type { ColumnSchema, TableProvider, Transaction } from '../catalog/catalog.ts'
import type { FileReject } from '../hooks/contracts.ts'
import { BIGINT, VARCHAR } from '../types/types.ts'
import { CHUNK_SIZE, DataChunk, vectorFromValues } from '../vector/vector.ts'

export const REJECT_COLUMNS: readonly ColumnSchema[] = ([
  ['scan_id', BIGINT], ['file_id', BIGINT], ['file', VARCHAR], ['line', BIGINT], ['column_idx', BIGINT], ['column_name', VARCHAR],
  ['error_type', VARCHAR], ['csv_line', VARCHAR], ['error_message', VARCHAR],
] as const).map(([name, type]) => ({ name, type, notNull: false, default: null, defaultSql: null }))

export class RejectsTable implements TableProvider {
  private readonly rows: FileReject[] = []
  private readonly files: string[] = []
  private readonly scanId: number
  constructor(scanId: number) { this.scanId = scanId }

  add(r: FileReject): void {
    this.rows.push(r)
    if (!this.files.includes(r.file)) this.files.push(r.file)
  }

  estimatedRows(_txn: Transaction): number { return this.rows.length }

  *scan(_txn: Transaction, request: { readonly columns: readonly number[] }): Iterable<DataChunk> {
    for (let start = 0; start < this.rows.length; start += CHUNK_SIZE) {
      const part = this.rows.slice(start, start + CHUNK_SIZE)
      const values: readonly ((r: FileReject, i: number) => bigint | string | null)[] = [
        () => BigInt(this.scanId), r => BigInt(this.files.indexOf(r.file)), r => r.file, r => BigInt(r.line),
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
