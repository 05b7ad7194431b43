/**
 * One adapter per engine, used inside that engine's own process: load a dataset, then run tasks
 * one at a time. Timings cover the engine's work and getting the answer out of it; checksums are
 * computed after the clock stops.
 */
import { createRequire } from 'node:module'
import {
  DOUBLE as DUCKDB_DOUBLE, DuckDBDataChunk, DuckDBInstance, DuckDBIntegerType, DuckDBVarCharType,
  type DuckDBConnection, type DuckDBType,
} from '@duckdb/node-api'
import { Database } from '../index.ts'
import { DataChunk, Vector } from '../core/vector/vector.ts'
import { DOUBLE, INTEGER, VARCHAR, type LogicalType } from '../core/types/types.ts'
import { TPCH_TABLES, generateTpch, tableSpec, type TpchBatch } from './tpch/generate.ts'
import { DuckdbLoader, GrizzlyLoader } from './tpch/load.ts'
import { G1_COLUMNS, generateG1, type G1Kind, type G1Table } from './h2o.ts'
import { checksumRows } from './checksum.ts'
import type { BenchTask, Checksum, Dataset, EngineName, ProcessName } from './tasks.ts'
import { benchThreads } from './tasks.ts'

export interface RunResult { readonly ms: number; readonly checksum: Checksum | null }

export interface EngineSession {
  /** returns the number of rows loaded */
  load(dataset: Dataset): Promise<number>
  run(engine: EngineName, task: BenchTask, withChecksum: boolean): Promise<RunResult>
  close(): Promise<void>
}

/** An engine that cannot express a task (a function or syntax it lacks) says so with this. */
export class UnsupportedTask extends Error {}

const CHUNK_ROWS = 65_536
const g1Create = (types: Readonly<Record<G1Kind, string>>): string =>
  `CREATE TABLE x (${G1_COLUMNS.map(c => `${c.name} ${types[c.kind]}`).join(', ')})`

function totalRows(tables: Iterable<number>): number { let n = 0; for (const r of tables) n += r; return n }

// ---------------------------------------------------------------- Grizzly

const GRIZZLY_TYPE: Readonly<Record<G1Kind, LogicalType>> = { text: VARCHAR, int: INTEGER, double: DOUBLE }

class GrizzlySession implements EngineSession {
  private constructor(private readonly db: Database) {}
  static async open(): Promise<GrizzlySession> { return new GrizzlySession(await Database.open(undefined, { settings: { threads: benchThreads() } })) }

  async load(dataset: Dataset): Promise<number> {
    if (dataset.kind === 'tpch') {
      const loader = new GrizzlyLoader(this.db)
      await loader.create(TPCH_TABLES.map(t => t.name))
      let rows = 0
      for (const batch of generateTpch({ scaleFactor: dataset.scaleFactor, seed: dataset.seed })) { loader.append(batch); rows += batch.rows }
      loader.finish()
      return rows
    }
    const g1 = generateG1(dataset.rows, dataset.seed)
    await this.db.exec(g1Create({ text: 'VARCHAR', int: 'INTEGER', double: 'DOUBLE' }))
    const txn = this.db.transactions.begin({ readOnly: false })
    const entry = this.db.catalog.lookup(txn, null, 'x')
    if (entry === undefined || entry.kind !== 'table' || entry.provider.insert === undefined) throw new Error('table x cannot take rows')
    for (let start = 0; start < g1.rows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, g1.rows - start)
      const vectors = G1_COLUMNS.map((c, i) => new Vector(GRIZZLY_TYPE[c.kind], n, sliceOf(g1.columns[i]!, start, n), null))
      entry.provider.insert(txn, new DataChunk(vectors, n))
    }
    this.db.transactions.commit(txn)
    return g1.rows
  }

  async run(_engine: EngineName, task: BenchTask, withChecksum: boolean): Promise<RunResult> {
    if (task.answer.kind === 'table') {
      await this.db.exec('DROP TABLE IF EXISTS ans')
      const start = performance.now()
      await this.db.exec(`CREATE TABLE ans AS ${task.sql}`)
      const ms = performance.now() - start
      const checksum = withChecksum ? checksumOf((await this.db.query(task.answer.check)).textRows()) : null
      await this.db.exec('DROP TABLE ans')
      return { ms, checksum }
    }
    const start = performance.now()
    const result = await this.db.query(task.sql)
    const ms = performance.now() - start
    return { ms, checksum: withChecksum ? checksumOf(result.textRows(), result.columns.length) : null }
  }

  async close(): Promise<void> { await this.db.close() }
}

function sliceOf(data: G1Table['columns'][number], start: number, n: number): Int32Array | Float64Array | string[] {
  return Array.isArray(data) ? data.slice(start, start + n) : data.subarray(start, start + n)
}

const checksumOf = (rows: readonly (readonly unknown[])[], columnCount = rows[0]?.length ?? 0): Checksum => checksumRows(rows, columnCount)

// ---------------------------------------------------------------- DuckDB

const DUCKDB_TYPE: Readonly<Record<G1Kind, DuckDBType>> = {
  text: DuckDBVarCharType.instance, int: DuckDBIntegerType.instance, double: DUCKDB_DOUBLE,
}
const DUCKDB_CHUNK_ROWS = 2048

class DuckdbSession implements EngineSession {
  private threads = 0
  private constructor(private readonly instance: DuckDBInstance, private readonly connection: DuckDBConnection, private readonly defaultThreads: number) {}

  static async open(): Promise<DuckdbSession> {
    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    const reader = await connection.runAndReadAll("SELECT current_setting('threads')")
    const threads = Number(reader.getRows()[0]?.[0] ?? 1)
    const session = new DuckdbSession(instance, connection, threads)
    session.threads = threads
    return session
  }

  async load(dataset: Dataset): Promise<number> {
    if (dataset.kind === 'tpch') {
      const loader = new DuckdbLoader(this.connection)
      await loader.create(TPCH_TABLES.map(t => t.name))
      let rows = 0
      for (const batch of generateTpch({ scaleFactor: dataset.scaleFactor, seed: dataset.seed })) { loader.append(batch); rows += batch.rows }
      loader.finish()
      return rows
    }
    const g1 = generateG1(dataset.rows, dataset.seed)
    await this.connection.run(g1Create({ text: 'VARCHAR', int: 'INTEGER', double: 'DOUBLE' }))
    const appender = await this.connection.createAppender('x')
    const types = G1_COLUMNS.map(c => DUCKDB_TYPE[c.kind])
    for (let start = 0; start < g1.rows; start += DUCKDB_CHUNK_ROWS) {
      const n = Math.min(DUCKDB_CHUNK_ROWS, g1.rows - start)
      const chunk = DuckDBDataChunk.create(types, n)
      for (let c = 0; c < G1_COLUMNS.length; c++) {
        const vector = chunk.getColumnVector(c)
        const set = vector as unknown as { setItem(i: number, v: unknown): void }
        const data = g1.columns[c]!
        for (let i = 0; i < n; i++) set.setItem(i, data[start + i]!)
        vector.flush()
      }
      appender.appendDataChunk(chunk)
    }
    appender.flushSync()
    appender.closeSync()
    return g1.rows
  }

  /** `duckdb` runs on Grizzly's threads (`--threads`, default 1); `duckdb_mt` on DuckDB's default. */
  private async setThreads(engine: EngineName): Promise<void> {
    const want = engine === 'duckdb_mt' ? this.defaultThreads : benchThreads()
    if (want !== this.threads) { await this.connection.run(`SET threads = ${want}`); this.threads = want }
  }

  async run(engine: EngineName, task: BenchTask, withChecksum: boolean): Promise<RunResult> {
    await this.setThreads(engine)
    if (task.answer.kind === 'table') {
      await this.connection.run('DROP TABLE IF EXISTS ans')
      const start = performance.now()
      await this.connection.run(`CREATE TABLE ans AS ${task.sql}`)
      const ms = performance.now() - start
      const checksum = withChecksum ? checksumOf(duckdbText((await this.connection.runAndReadAll(task.answer.check)).getRows())) : null
      await this.connection.run('DROP TABLE ans')
      return { ms, checksum }
    }
    const start = performance.now()
    const reader = await this.connection.runAndReadAll(task.sql)
    const ms = performance.now() - start
    return { ms, checksum: withChecksum ? checksumOf(duckdbText(reader.getRows()), reader.columnCount) : null }
  }

  async close(): Promise<void> { this.connection.closeSync(); this.instance.closeSync() }
}

/** DuckDB's value objects (DECIMAL, DATE) print as SQL text; plain numbers stay numbers. */
const duckdbText = (rows: readonly (readonly unknown[])[]): unknown[][] =>
  rows.map(row => row.map(v => (v === null || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' ? v : String(v))))

// ---------------------------------------------------------------- SQLite

interface SqliteStatement { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[][]; raw(on: boolean): SqliteStatement; readonly reader: boolean }
interface SqliteDatabase {
  exec(sql: string): void
  prepare(sql: string): SqliteStatement
  transaction(fn: () => void): () => void
  close(): void
}
type SqliteConstructor = new (file: string) => SqliteDatabase

const SQLITE_TYPE: Readonly<Record<G1Kind, string>> = { text: 'TEXT', int: 'INTEGER', double: 'REAL' }
const SQLITE_ROWS_PER_INSERT = 100

class SqliteSession implements EngineSession {
  private constructor(private readonly db: SqliteDatabase) {}
  static open(): SqliteSession {
    const BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor
    return new SqliteSession(new BetterSqlite(':memory:'))
  }

  async load(dataset: Dataset): Promise<number> {
    if (dataset.kind === 'tpch') return this.loadTpch(dataset.scaleFactor, dataset.seed)
    const g1 = generateG1(dataset.rows, dataset.seed)
    this.db.exec(g1Create(SQLITE_TYPE))
    this.insertColumns('x', G1_COLUMNS.length, g1.rows, g1.columns)
    return g1.rows
  }

  private loadTpch(scaleFactor: number, seed: number): number {
    const sqlType = { int: 'INTEGER', money: 'REAL', date: 'TEXT', text: 'TEXT' } as const
    for (const t of TPCH_TABLES) this.db.exec(`CREATE TABLE ${t.name} (${t.columns.map(c => `${c.name} ${sqlType[c.kind]}`).join(', ')})`)
    const rowsPerTable = new Map<string, number>()
    const isoDays = new Map<number, string>()
    const iso = (days: number): string => {
      let s = isoDays.get(days)
      if (s === undefined) { s = new Date(days * 86_400_000).toISOString().slice(0, 10); isoDays.set(days, s) }
      return s
    }
    for (const batch of generateTpch({ scaleFactor, seed })) {
      const spec = tableSpec(batch.table)
      // SQLite has no DECIMAL or DATE: money as REAL units, dates as ISO text (compares correctly as text)
      const columns = spec.columns.map((c, i) => {
        const data = batch.columns[i]! as TpchBatch['columns'][number]
        if (c.kind === 'money') return Array.from(data as Float64Array, v => v / 100)
        if (c.kind === 'date') return Array.from(data as Int32Array, iso)
        return data
      })
      this.insertColumns(batch.table, spec.columns.length, batch.rows, columns)
      rowsPerTable.set(batch.table, (rowsPerTable.get(batch.table) ?? 0) + batch.rows)
    }
    return totalRows(rowsPerTable.values())
  }

  /** Multi-row INSERTs in one transaction: the fastest plain-SQL load better-sqlite3 offers. */
  private insertColumns(table: string, width: number, rows: number, columns: readonly ArrayLike<unknown>[]): void {
    const tuple = `(${new Array<string>(width).fill('?').join(', ')})`
    const many = this.db.prepare(`INSERT INTO ${table} VALUES ${new Array<string>(SQLITE_ROWS_PER_INSERT).fill(tuple).join(', ')}`)
    const one = this.db.prepare(`INSERT INTO ${table} VALUES ${tuple}`)
    const params = new Array<unknown>(width * SQLITE_ROWS_PER_INSERT)
    this.db.transaction(() => {
      let r = 0
      for (; r + SQLITE_ROWS_PER_INSERT <= rows; r += SQLITE_ROWS_PER_INSERT) {
        let p = 0
        for (let i = r; i < r + SQLITE_ROWS_PER_INSERT; i++) for (let c = 0; c < width; c++) params[p++] = columns[c]![i]
        many.run(...params)
      }
      const rowParams = new Array<unknown>(width)
      for (; r < rows; r++) {
        for (let c = 0; c < width; c++) rowParams[c] = columns[c]![r]
        one.run(...rowParams)
      }
    })()
  }

  async run(_engine: EngineName, task: BenchTask, withChecksum: boolean): Promise<RunResult> {
    const sql = sqliteDialect(task.sql)
    try {
      if (task.answer.kind === 'table') {
        this.db.exec('DROP TABLE IF EXISTS ans')
        const start = performance.now()
        this.db.exec(`CREATE TABLE ans AS ${sql}`)
        const ms = performance.now() - start
        const checksum = withChecksum ? checksumOf(this.db.prepare(task.answer.check).raw(true).all()) : null
        this.db.exec('DROP TABLE ans')
        return { ms, checksum }
      }
      const start = performance.now()
      const statement = this.db.prepare(sql).raw(true)
      const rows = statement.all()
      const ms = performance.now() - start
      return { ms, checksum: withChecksum ? checksumOf(rows, (statement as unknown as { columns(): unknown[] }).columns().length) : null }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      if (/no such function|syntax error/.test(message)) throw new UnsupportedTask(`SQLite: ${message}`)
      throw e
    }
  }

  async close(): Promise<void> { this.db.close() }
}

/**
 * The few spellings TPC-H uses that SQLite lacks, rewritten to what it has; dates are ISO text
 * in SQLite, so date literals become plain strings. Everything else runs as written or is n/a.
 */
export function sqliteDialect(sql: string): string {
  return aliasListToCte(sql)
    .replace(/CAST\('(\d{4}-\d\d-\d\d)' AS date\)/gi, "'$1'")
    .replace(/\bdate '(\d{4}-\d\d-\d\d)'/gi, "'$1'")
    .replace(/extract\(year FROM ([\w.]+)\)/gi, "CAST(strftime('%Y', $1) AS INTEGER)")
    .replace(/substring\(([\w.]+) FROM (\d+) FOR (\d+)\)/gi, 'substr($1, $2, $3)')
}

/**
 * `FROM (subquery) AS name (a, b)`: SQLite has no column alias list on a derived table, but a
 * CTE takes one, so the subquery moves into `WITH name (a, b) AS (…)` (q13). Only a statement
 * without its own WITH is rewritten; anything else is left for SQLite to refuse.
 */
function aliasListToCte(sql: string): string {
  const m = /\)\s*AS\s+([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*\)/i.exec(sql)
  if (m === null || /^\s*WITH\b/i.test(sql)) return sql
  let depth = 0, open = -1
  for (let i = m.index; i >= 0 && open < 0; i--) {
    if (sql[i] === ')') depth++
    else if (sql[i] === '(' && --depth === 0) open = i
  }
  // a derived table follows FROM, JOIN or a comma; `CAST(x AS DECIMAL(15, 2))` and the like do not
  if (open < 0 || !/(\bFROM|\bJOIN|,)\s*$/i.test(sql.slice(0, open))) return sql
  const columns = m[2]!.split(',').map(c => c.trim()).join(', ')
  return `WITH ${m[1]!} (${columns}) AS (${sql.slice(open + 1, m.index)})\n${sql.slice(0, open)}${m[1]!}${sql.slice(m.index + m[0].length)}`
}

export async function openSession(process: ProcessName): Promise<EngineSession> {
  switch (process) {
    case 'grizzly': return GrizzlySession.open()
    case 'duckdb': return DuckdbSession.open()
    case 'sqlite': return SqliteSession.open()
  }
}
