/**
 * Bench section "storage": durable databases on disk, Grizzly next to DuckDB (a file database)
 * and SQLite (WAL journal, synchronous = FULL, so every commit is fsynced as Grizzly's are with
 * its default synchronous = 'full'). Each engine runs the same steps in this process, one
 * engine at a time, in a fresh temporary directory:
 *
 * - commits/s: single-row INSERTs, each its own (autocommit) transaction, prepared once;
 * - bulk rows/s: one INSERT … SELECT of generated rows in one transaction, commit included;
 * - lookups/s: `SELECT v FROM b WHERE id = ?` by primary key on the bulk table, random ids,
 *   timed after the same number of warm-up lookups for every engine;
 * - TPC-H size: the generated TPC-H database written, closed (checkpointed), file + WAL bytes.
 *
 * Ratios are Grizzly ÷ peer: above 1 is better for the rates, below 1 better for the size.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { createRequire } from 'node:module'
import { Database } from '../core/database.ts'
import { TPCH_TABLES, generateTpch, tableSpec, type TpchBatch } from './tpch/generate.ts'
import { DuckdbLoader, GrizzlyLoader } from './tpch/load.ts'

export interface StorageSettings {
  readonly commits: number
  readonly bulkRows: number
  readonly lookups: number
  readonly scaleFactor: number
  readonly seed: number
}

export const STORAGE_MODES: Readonly<Record<'full' | 'quick' | 'tiny', Omit<StorageSettings, 'seed'>>> = {
  full: { commits: 2000, bulkRows: 2_000_000, lookups: 20_000, scaleFactor: 1 },
  quick: { commits: 300, bulkRows: 200_000, lookups: 5_000, scaleFactor: 0.1 },
  tiny: { commits: 50, bulkRows: 10_000, lookups: 500, scaleFactor: 0.002 },
}

type Engine = 'grizzly' | 'duckdb' | 'sqlite'
const ENGINES: readonly Engine[] = ['grizzly', 'duckdb', 'sqlite']
const LABEL: Readonly<Record<Engine, string>> = { grizzly: 'Grizzly', duckdb: 'DuckDB (file)', sqlite: 'SQLite (WAL, synchronous=FULL)' }

export interface StorageFigures {
  commitsPerS: number
  bulkRowsPerS: number
  lookupsPerS: number
  tpchBytes: number
}

export interface StorageReport {
  readonly settings: StorageSettings
  readonly engines: Readonly<Record<Engine, StorageFigures | { readonly error: string }>>
}

/** the engine-specific steps, each timed by the caller */
interface StorageEngine {
  open(path: string): Promise<void>
  exec(sql: string): Promise<void>
  /** prepared single-row insert, one commit per call */
  insertOne(): Promise<(id: number, v: string) => Promise<void>>
  lookup(): Promise<(id: number) => Promise<unknown>>
  loadTpch(sf: number, seed: number): Promise<void>
  close(): Promise<void>
}

const BULK_SELECT = (n: number, sqlite: boolean): string => sqlite
  ? `WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i < ${n - 1}) SELECT i, 'value ' || (i % 1000), i * 0.5 FROM r`
  : `SELECT i, 'value ' || (i % 1000), i * 0.5 FROM range(0, ${n}) r(i)`

function grizzly(): StorageEngine {
  let db: Database | null = null
  const d = (): Database => { if (db === null) throw new Error('not open'); return db }
  return {
    async open(path) { db = await Database.open(path) },
    async exec(sql) { await d().exec(sql) },
    async insertOne() {
      const s = await d().prepare('INSERT INTO kv VALUES ($1, $2)')
      return async (id, v) => { await s.query([id, v]) }
    },
    async lookup() {
      const s = await d().prepare('SELECT v FROM b WHERE id = $1')
      return async id => (await s.query([id])).rows
    },
    async loadTpch(sf, seed) {
      const loader = new GrizzlyLoader(d() as never)
      await loader.create(TPCH_TABLES.map(t => t.name))
      for (const batch of generateTpch({ scaleFactor: sf, seed })) loader.append(batch)
      loader.finish()
    },
    async close() { await db?.close(); db = null },
  }
}

function duckdb(): StorageEngine {
  let instance: DuckDBInstance | null = null
  let connection: Awaited<ReturnType<DuckDBInstance['connect']>> | null = null
  const c = (): NonNullable<typeof connection> => { if (connection === null) throw new Error('not open'); return connection }
  return {
    async open(path) { instance = await DuckDBInstance.create(path); connection = await instance.connect() },
    async exec(sql) { await c().run(sql) },
    async insertOne() {
      const s = await c().prepare('INSERT INTO kv VALUES ($1, $2)')
      return async (id, v) => { s.bindInteger(1, id); s.bindVarchar(2, v); await s.run() }
    },
    async lookup() {
      const s = await c().prepare('SELECT v FROM b WHERE id = $1')
      return async id => { s.bindInteger(1, id); return (await s.runAndReadAll()).getRows() }
    },
    async loadTpch(sf, seed) {
      const loader = new DuckdbLoader(c())
      await loader.create(TPCH_TABLES.map(t => t.name))
      for (const batch of generateTpch({ scaleFactor: sf, seed })) loader.append(batch)
      loader.finish()
      await c().run('CHECKPOINT')
    },
    async close() { connection?.closeSync(); instance?.closeSync(); connection = null; instance = null },
  }
}

function sqlite(): StorageEngine {
  let db: SqliteDatabase | null = null
  const d = (): SqliteDatabase => { if (db === null) throw new Error('not open'); return db }
  return {
    async open(path) {
      db = new Sqlite(path)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = FULL')
    },
    async exec(sql) { d().exec(sql.replace(/\bDOUBLE\b/g, 'REAL')) },
    async insertOne() {
      const s = d().prepare('INSERT INTO kv VALUES (?, ?)')
      return async (id, v) => { s.run(id, v) }
    },
    async lookup() {
      const s = d().prepare('SELECT v FROM b WHERE id = ?').raw(true)
      return async id => s.all(id)
    },
    async loadTpch(sf, seed) {
      // as the TPC-H section loads SQLite: money as REAL units, dates as ISO text
      const sqlType = { int: 'INTEGER', money: 'REAL', date: 'TEXT', text: 'TEXT' } as const
      for (const t of TPCH_TABLES) d().exec(`CREATE TABLE ${t.name} (${t.columns.map(c => `${c.name} ${sqlType[c.kind]}`).join(', ')})`)
      const inserts = new Map(TPCH_TABLES.map(t => [t.name, d().prepare(`INSERT INTO ${t.name} VALUES (${t.columns.map(() => '?').join(', ')})`)]))
      d().transaction(() => {
        for (const batch of generateTpch({ scaleFactor: sf, seed })) {
          const spec = tableSpec(batch.table)
          const insert = inserts.get(batch.table)!
          const columns = batch.columns as readonly TpchBatch['columns'][number][]
          const row = new Array<unknown>(spec.columns.length)
          for (let i = 0; i < batch.rows; i++) {
            for (let c = 0; c < spec.columns.length; c++) {
              const v = (columns[c] as ArrayLike<unknown>)[i]
              const kind = spec.columns[c]!.kind
              row[c] = kind === 'money' ? (v as number) / 100 : kind === 'date' ? new Date((v as number) * 86_400_000).toISOString().slice(0, 10) : v
            }
            insert.run(row)
          }
        }
      })()
      d().pragma('wal_checkpoint(TRUNCATE)')
    },
    async close() { db?.close(); db = null },
  }
}

/** the parts of better-sqlite3 used here (it ships no types) */
interface SqliteStatement { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; raw(on: boolean): SqliteStatement }
interface SqliteDatabase {
  exec(sql: string): void
  prepare(sql: string): SqliteStatement
  pragma(sql: string): unknown
  transaction(fn: () => void): () => void
  close(): void
}
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase

const FACTORY: Readonly<Record<Engine, () => StorageEngine>> = { grizzly, duckdb, sqlite }

/** bytes of the database file and its companions (WAL), after close */
function sizeOf(dir: string): number {
  let total = 0
  for (const f of readdirSync(dir)) total += statSync(join(dir, f)).size
  return total
}

async function measure(engine: Engine, settings: StorageSettings): Promise<StorageFigures> {
  const dir = mkdtempSync(join(tmpdir(), `grizzly-bench-storage-${engine}-`))
  try {
    const e = FACTORY[engine]()
    await e.open(join(dir, 'bench.db'))
    await e.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY, v VARCHAR)')
    const insert = await e.insertOne()
    for (let i = 0; i < 10; i++) await insert(-1 - i, 'warm-up')
    let start = performance.now()
    for (let i = 0; i < settings.commits; i++) await insert(i, `value ${i}`)
    const commitsPerS = settings.commits / ((performance.now() - start) / 1000)

    await e.exec('CREATE TABLE b (id INTEGER PRIMARY KEY, v VARCHAR, x DOUBLE)')
    start = performance.now()
    await e.exec(`INSERT INTO b ${BULK_SELECT(settings.bulkRows, engine === 'sqlite')}`)
    const bulkRowsPerS = settings.bulkRows / ((performance.now() - start) / 1000)

    const lookup = await e.lookup()
    let state = 42
    const nextId = (): number => { state = (state * 1103515245 + 12345) % 2147483648; return state % settings.bulkRows }
    // every engine warms up alike: as many lookups as it is timed on, and for at least a second.
    // SQLite's statement is compiled once at prepare, while Grizzly's code is compiled by the JIT
    // over its first thousands, and the garbage the bulk load left is collected meanwhile
    const warmUntil = performance.now() + 1000
    for (let i = 0; i < settings.lookups || performance.now() < warmUntil; i++) await lookup(nextId())
    start = performance.now()
    for (let i = 0; i < settings.lookups; i++) await lookup(nextId())
    const lookupsPerS = settings.lookups / ((performance.now() - start) / 1000)
    await e.close()

    const tpchDir = join(dir, 'tpch')
    rmSync(tpchDir, { recursive: true, force: true })
    const { mkdirSync } = await import('node:fs')
    mkdirSync(tpchDir)
    const t = FACTORY[engine]()
    await t.open(join(tpchDir, 'tpch.db'))
    await t.loadTpch(settings.scaleFactor, settings.seed)
    await t.close()
    return { commitsPerS, bulkRowsPerS, lookupsPerS, tpchBytes: sizeOf(tpchDir) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runStorageBench(settings: StorageSettings, log: (line: string) => void): Promise<StorageReport> {
  const engines = {} as Record<Engine, StorageFigures | { error: string }>
  for (const engine of ENGINES) {
    try {
      engines[engine] = await measure(engine, settings)
      const f = engines[engine] as StorageFigures
      log(`  storage/${engine}: ${f.commitsPerS.toFixed(0)} commits/s, ${f.bulkRowsPerS.toFixed(0)} rows/s, ${f.lookupsPerS.toFixed(0)} lookups/s, TPC-H ${(f.tpchBytes / 2 ** 20).toFixed(1)} MiB`)
    } catch (e) {
      engines[engine] = { error: e instanceof Error ? e.message : String(e) }
      log(`  storage/${engine}: ${engines[engine].error}`)
    }
  }
  return { settings, engines }
}

export function renderStorageMarkdown(report: StorageReport): string {
  const s = report.settings
  const fig = (e: Engine): StorageFigures | null => { const f = report.engines[e]; return 'error' in f ? null : f }
  const g = fig('grizzly')
  const num = (x: number, digits = 0): string => x.toLocaleString('en', { maximumFractionDigits: digits })
  const ratio = (a: number | undefined, b: number | undefined): string => a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}×`
  const rows: [string, (f: StorageFigures) => number, (x: number) => string][] = [
    [`durable single-row INSERT commits/s (${s.commits})`, f => f.commitsPerS, x => num(x)],
    [`bulk INSERT … SELECT rows/s (${num(s.bulkRows)} rows, one commit)`, f => f.bulkRowsPerS, x => num(x)],
    [`point lookups/s by primary key (${num(s.lookups)})`, f => f.lookupsPerS, x => num(x)],
    [`TPC-H SF ${s.scaleFactor} on disk, MiB`, f => f.tpchBytes / 2 ** 20, x => num(x, 1)],
  ]
  const lines = [
    `## Storage: durable databases on disk`,
    '',
    'Grizzly with synchronous = full (fsync per commit), DuckDB with a database file, SQLite with journal_mode = WAL and synchronous = FULL. Ratios are Grizzly ÷ peer (rates: higher is better; size: lower is better).',
    '',
    `| measure | ${ENGINES.map(e => LABEL[e]).join(' | ')} | Grizzly ÷ DuckDB | Grizzly ÷ SQLite |`,
    `|---|${ENGINES.map(() => '---:').join('|')}|---:|---:|`,
  ]
  for (const [label, get, show] of rows) {
    const cells = ENGINES.map(e => { const f = fig(e); return f === null ? 'error' : show(get(f)) })
    const dv = fig('duckdb'), sv = fig('sqlite')
    lines.push(`| ${label} | ${cells.join(' | ')} | ${ratio(g === null ? undefined : get(g), dv === null ? undefined : get(dv))} | ${ratio(g === null ? undefined : get(g), sv === null ? undefined : get(sv))} |`)
  }
  for (const e of ENGINES) { const f = report.engines[e]; if ('error' in f) lines.push('', `${LABEL[e]} failed: ${f.error}`) }
  return `${lines.join('\n')}\n`
}
