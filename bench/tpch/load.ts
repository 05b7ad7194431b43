/**
 * Puts generated TPC-H batches into Grizzly (CREATE TABLE, then DataChunks straight into the
 * table provider in one transaction) and into DuckDB (its appender), so both hold the same rows.
 */
import {
  DECIMAL, DuckDBDataChunk, DuckDBDateType, DuckDBIntegerType, DuckDBVarCharType,
  type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBVector,
} from '@duckdb/node-api'
import type { Database } from '../../index.ts'
import { DataChunk, Vector } from '../../core/vector/vector.ts'
import { DATE, INTEGER, VARCHAR, decimal, type LogicalType } from '../../core/types/types.ts'
import type { TableEntry } from '../../core/catalog/catalog.ts'
import { TPCH_TABLES, tableSpec, type ColumnKind, type TableName, type TpchBatch } from './generate.ts'

const SQL_TYPE: Readonly<Record<ColumnKind, string>> = { int: 'INTEGER', money: 'DECIMAL(15,2)', date: 'DATE', text: 'VARCHAR' }
const MONEY = decimal(15, 2)

function logicalType(kind: ColumnKind): LogicalType {
  switch (kind) {
    case 'int': return INTEGER
    case 'money': return MONEY
    case 'date': return DATE
    case 'text': return VARCHAR
  }
}

/** CREATE TABLE statements for the 8 tables, accepted by both engines. */
export function createTableStatements(tables: readonly TableName[] = TPCH_TABLES.map(t => t.name)): string[] {
  return tables.map(name => {
    const t = tableSpec(name)
    return `CREATE TABLE ${t.name} (${t.columns.map(c => `${c.name} ${SQL_TYPE[c.kind]}${c.kind === 'int' || c.kind === 'date' ? ' NOT NULL' : ''}`).join(', ')})`
  })
}

/** Loads batches into Grizzly tables that are created first; returns rows per table. */
export class GrizzlyLoader {
  private readonly db: Database
  private readonly entries = new Map<TableName, TableEntry>()
  private txn: ReturnType<Database['transactions']['begin']> | null = null

  constructor(db: Database) { this.db = db }

  async create(tables: readonly TableName[]): Promise<void> {
    for (const sql of createTableStatements(tables)) await this.db.exec(sql)
    this.txn = this.db.transactions.begin({ readOnly: false })
    for (const name of tables) {
      const entry = this.db.catalog.lookup(this.txn, null, name)
      if (entry === undefined || entry.kind !== 'table') throw new Error(`table ${name} was not created`)
      this.entries.set(name, entry)
    }
  }

  append(batch: TpchBatch): void {
    const entry = this.entries.get(batch.table)
    if (entry === undefined || this.txn === null || entry.provider.insert === undefined) throw new Error(`table ${batch.table} cannot take rows`)
    const spec = tableSpec(batch.table)
    const vectors = spec.columns.map((c, i) => new Vector(logicalType(c.kind), batch.rows, batch.columns[i]!, null))
    entry.provider.insert(this.txn, new DataChunk(vectors, batch.rows))
  }

  finish(): void {
    if (this.txn !== null) this.db.transactions.commit(this.txn)
    this.txn = null
  }
}

/** Loads batches into DuckDB: DataChunks filled through their vectors (typed-array writes), then the appender. */
export class DuckdbLoader {
  private readonly connection: DuckDBConnection
  private readonly appenders = new Map<TableName, DuckDBAppender>()

  constructor(connection: DuckDBConnection) { this.connection = connection }

  async create(tables: readonly TableName[]): Promise<void> {
    for (const sql of createTableStatements(tables)) await this.connection.run(sql)
    for (const name of tables) this.appenders.set(name, await this.connection.createAppender(name))
  }

  append(batch: TpchBatch): void {
    const a = this.appenders.get(batch.table)
    if (a === undefined) throw new Error(`no appender for ${batch.table}`)
    const spec = tableSpec(batch.table)
    const types = spec.columns.map(c => DUCKDB_TYPE[c.kind])
    for (let start = 0; start < batch.rows; start += DUCKDB_CHUNK_ROWS) {
      const n = Math.min(DUCKDB_CHUNK_ROWS, batch.rows - start)
      const chunk = DuckDBDataChunk.create(types, n)
      for (let c = 0; c < spec.columns.length; c++) {
        const vector = chunk.getColumnVector(c)
        fillVector(vector, spec.columns[c]!.kind, batch.columns[c]!, start, n)
        vector.flush()
      }
      a.appendDataChunk(chunk)
    }
  }

  finish(): void {
    for (const a of this.appenders.values()) { a.flushSync(); a.closeSync() }
    this.appenders.clear()
  }
}

const DUCKDB_CHUNK_ROWS = 2048
const DUCKDB_TYPE: Readonly<Record<ColumnKind, DuckDBType>> = {
  int: DuckDBIntegerType.instance, money: DECIMAL(15, 2), date: DuckDBDateType.instance, text: DuckDBVarCharType.instance,
}

/** The vectors' setItem read only `.value` / `.days` during the call, so one mutable holder serves every row. */
function fillVector(vector: DuckDBVector, kind: ColumnKind, data: TpchBatch['columns'][number], start: number, n: number): void {
  const set = vector as unknown as { setItem(i: number, v: unknown): void }
  switch (kind) {
    case 'int': { const d = data as Int32Array; for (let i = 0; i < n; i++) set.setItem(i, d[start + i]!); return }
    case 'money': {
      const d = data as Float64Array, holder = { value: 0n }
      for (let i = 0; i < n; i++) { holder.value = BigInt(d[start + i]!); set.setItem(i, holder) }
      return
    }
    case 'date': {
      const d = data as Int32Array, holder = { days: 0 }
      for (let i = 0; i < n; i++) { holder.days = d[start + i]!; set.setItem(i, holder) }
      return
    }
    case 'text': { const d = data as string[]; for (let i = 0; i < n; i++) set.setItem(i, d[start + i]!); return }
  }
}
