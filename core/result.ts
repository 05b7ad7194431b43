/**
 * Query results as the public API hands them out (DESIGN §7): column names and types, rows as
 * JavaScript values, objects, text as DuckDB renders it, or an apache-arrow Table.
 */
import type { Table } from 'apache-arrow'
import { type LogicalType, type Value, type StructType, structKey, typeToString } from './types/types.ts'
import { type DataChunk, getValue } from './vector/vector.ts'
import { formatValue } from './types/format.ts'
import { chunksToArrow } from './arrow/to-arrow.ts'

export interface ResultColumn {
  readonly name: string
  /** the SQL spelling of the type, e.g. 'INTEGER', 'DECIMAL(10,2)', 'VARCHAR[]' */
  readonly type: string
  readonly logicalType: LogicalType
}

export type StatementType =
  | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'CREATE' | 'DROP' | 'ALTER' | 'TRANSACTION'
  | 'EXPLAIN' | 'SET' | 'SHOW' | 'PRAGMA' | 'COPY' | 'OTHER'

export class Result {
  readonly columns: readonly ResultColumn[]
  /** the result's data in the engine's columnar form */
  readonly chunks: readonly DataChunk[]
  readonly statementType: StatementType
  /** rows inserted, updated or deleted by a DML statement; 0 otherwise */
  readonly changes: number
  /** true when the rows are only the "Count" of a DML statement without RETURNING */
  readonly isChangeCount: boolean
  private cachedRows: unknown[][] | null = null

  constructor(columns: readonly ResultColumn[], chunks: readonly DataChunk[], statementType: StatementType, changes = 0, isChangeCount = false) {
    this.columns = columns
    this.chunks = chunks
    this.statementType = statementType
    this.changes = changes
    this.isChangeCount = isChangeCount
  }

  static empty(statementType: StatementType): Result { return new Result([], [], statementType) }

  get rowCount(): number {
    let n = 0
    for (const c of this.chunks) n += c.size
    return n
  }

  /** Rows of JavaScript values (see toJs for the mapping of each SQL type). */
  get rows(): unknown[][] {
    if (this.cachedRows !== null) return this.cachedRows
    const out: unknown[][] = []
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.size; i++) {
        const row = new Array<unknown>(this.columns.length)
        for (let c = 0; c < this.columns.length; c++) row[c] = toJs(this.columns[c]!.logicalType, getValue(chunk.column(c), i))
        out.push(row)
      }
    }
    this.cachedRows = out
    return out
  }

  /** Rows as objects keyed by column name (later duplicate names win). */
  toObjects(): Record<string, unknown>[] {
    return this.rows.map(row => {
      const o: Record<string, unknown> = {}
      this.columns.forEach((c, i) => { o[c.name] = row[i] })
      return o
    })
  }

  /** Every value as the text CAST(value AS VARCHAR) gives; SQL NULL is null. */
  textRows(): (string | null)[][] {
    const out: (string | null)[][] = []
    for (const chunk of this.chunks) {
      for (let i = 0; i < chunk.size; i++) {
        const row = new Array<string | null>(this.columns.length)
        for (let c = 0; c < this.columns.length; c++) {
          const v = getValue(chunk.column(c), i)
          row[c] = v === null ? null : formatValue(this.columns[c]!.logicalType, v)
        }
        out.push(row)
      }
    }
    return out
  }

  /** The result as an apache-arrow Table; fixed-width columns are shared, not copied. */
  toArrow(): Table {
    return chunksToArrow(this.columns.map(c => ({ name: c.name, type: c.logicalType })), this.chunks)
  }
}

export function resultColumn(name: string, type: LogicalType): ResultColumn {
  return { name, type: typeToString(type), logicalType: type }
}

/**
 * Internal value → the JavaScript value users get: BOOLEAN boolean; TINYINT..INTEGER, REAL,
 * DOUBLE number; BIGINT and HUGEINT bigint (exact); DECIMAL number (use textRows() or toArrow() for exact
 * wide decimals); VARCHAR string; BLOB Uint8Array; DATE, TIMESTAMP and TIMESTAMPTZ Date (UTC;
 * timestamps keep milliseconds); TIME 'HH:MM:SS[.ffffff]' and TIMETZ '…+HH[:MM]' strings; INTERVAL { months, days, micros };
 * LIST/ARRAY arrays; STRUCT objects.
 */
export function toJs(type: LogicalType, v: Value): unknown {
  if (v === null) return null
  switch (type.id) {
    case 'DECIMAL': return typeof v === 'bigint' ? Number(v) / 10 ** type.scale : (v as number) / 10 ** type.scale
    case 'DATE': return new Date((v as number) * 86_400_000)
    case 'TIMESTAMP': case 'TIMESTAMPTZ': return new Date(Math.floor((v as number) / 1000))
    case 'TIME': case 'TIMETZ': return formatValue(type, v)
    case 'LIST': case 'ARRAY': return (v as readonly Value[]).map(x => toJs(type.child, x))
    case 'STRUCT': {
      const o: Record<string, unknown> = {}
      for (const [k, f] of (type as StructType).fields.entries()) o[structKey(f, k)] = toJs(f.type, (v as Record<string, Value>)[structKey(f, k)] ?? null)
      return o
    }
    default: return v
  }
}
