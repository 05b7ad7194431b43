/**
 * Bench section "storage": durable databases on disk, Grizzly next to DuckDB (a file database)
 * and SQLite (WAL journal, synchronous = FULL, so every commit is fsynced as Grizzly's are with
 * its default synchronous = 'full'). The three engines are open side by side, each in its own
 * temporary directory, and the rates are timed in alternating rounds so that a change in the
 * machine's load (or the disk's) hits all of them alike:
 *
 * - commits/s: single-row INSERTs, each its own (autocommit) transaction, prepared once;
 *   after the same warm-up for every engine (a round's count of commits and at least a second),
 *   `rounds` rounds, in each every engine commits at least `commits` rows and for at least
 *   `minMs`, the engine that goes first rotating; the figure is the median round;
 * - bulk rows/s: one INSERT … SELECT of generated rows in one transaction, commit included
 *   (one run per engine);
 * - lookups/s: `SELECT v FROM b WHERE id = ?` by primary key on the bulk table, random ids,
 *   after the same warm-up for every engine, then timed in rounds as the commits are;
 * - TPC-H size: the generated TPC-H database written, closed (checkpointed), file + WAL bytes
 *   (one engine after the other).
 *
 * Ratios are Grizzly ÷ peer: above 1 is better for the rates, below 1 better for the size. For
 * the rates the ratio is the median of the per-round ratios (rounds are paired in time, so a
 * load that changes between rounds cancels out), shown with its quartiles. On a shared machine
 * the rate of a round swings several-fold (an fsync waits for the disk and for the CPU), hence
 * many short rounds rather than a few long ones.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { createRequire } from 'node:module'
import { Database } from '../core/database.ts'
import { TPCH_TABLES, generateTpch, tableSpec, type TpchBatch } from './tpch/generate.ts'
import { DuckdbLoader, GrizzlyLoader } from './tpch/load.ts'

export interface StorageSettings {
  /** commits per engine per round, at least */
  readonly commits: number
  readonly bulkRows: number
  /** lookups per engine per round, at least */
  readonly lookups: number
  /** alternating rounds of commits and of lookups */
  readonly rounds: number
  /** each engine's share of a round lasts at least this long */
  readonly minMs: number
  readonly scaleFactor: number
  readonly seed: number
}

export const STORAGE_MODES: Readonly<Record<'full' | 'quick' | 'tiny', Omit<StorageSettings, 'seed'>>> = {
  full: { commits: 300, bulkRows: 2_000_000, lookups: 20_000, rounds: 25, minMs: 1000, scaleFactor: 1 },
  quick: { commits: 100, bulkRows: 200_000, lookups: 5_000, rounds: 15, minMs: 200, scaleFactor: 0.1 },
  tiny: { commits: 50, bulkRows: 10_000, lookups: 500, rounds: 2, minMs: 0, scaleFactor: 0.002 },
}

type Engine = 'grizzly' | 'duckdb' | 'sqlite'
const ENGINES: readonly Engine[] = ['grizzly', 'duckdb', 'sqlite']
const LABEL: Readonly<Record<Engine, string>> = { grizzly: 'Grizzly', duckdb: 'DuckDB (file)', sqlite: 'SQLite (WAL, synchronous=FULL)' }

export interface StorageFigures {
  /** the median round */
  commitsPerS: number
  /** every round's rate, in round order */
  commitRounds: number[]
  bulkRowsPerS: number
  lookupsPerS: number
  lookupRounds: number[]
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

/** the q-quantile of xs, interpolated (q = 0.5: the median) */
function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const at = q * (s.length - 1), lo = Math.floor(at), hi = Math.ceil(at)
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo)
}
const median = (xs: readonly number[]): number => quantile(xs, 0.5)

/** one engine's databases and its running state across the phases */
interface Side {
  readonly engine: Engine
  readonly dir: string
  readonly e: StorageEngine
  error: string | null
  insert: ((id: number, v: string) => Promise<void>) | null
  lookup: ((id: number) => Promise<unknown>) | null
  nextCommitId: number
  rng: number
  readonly commitRounds: number[]
  readonly lookupRounds: number[]
  bulkRowsPerS: number
  tpchBytes: number
}

/** runs `step` at least `count` times and for at least `minMs`; returns steps per second */
async function timed(count: number, minMs: number, step: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  let done = 0, elapsed = 0
  while (done < count || elapsed < minMs) {
    await step()
    done++
    elapsed = performance.now() - start
  }
  return done / (elapsed / 1000)
}

/** `body` for every engine still standing; a failure takes that engine out of the rest */
async function each(sides: readonly Side[], log: (line: string) => void, body: (s: Side) => Promise<void>): Promise<void> {
  for (const s of sides) {
    if (s.error !== null) continue
    try { await body(s) } catch (e) {
      s.error = e instanceof Error ? e.message : String(e)
      log(`  storage/${s.engine}: ${s.error}`)
    }
  }
}

/** `rounds` rounds over the engines, rotating which goes first */
async function alternate(sides: readonly Side[], rounds: number, log: (line: string) => void, body: (s: Side) => Promise<void>): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    const order = sides.map((_, i) => sides[(i + r) % sides.length]!)
    await each(order, log, body)
  }
}

const nextLookupId = (s: Side, rows: number): number => { s.rng = (s.rng * 1103515245 + 12345) % 2147483648; return s.rng % rows }

export async function runStorageBench(settings: StorageSettings, log: (line: string) => void): Promise<StorageReport> {
  const sides: Side[] = ENGINES.map(engine => ({
    engine, dir: mkdtempSync(join(tmpdir(), `grizzly-bench-storage-${engine}-`)), e: FACTORY[engine](), error: null,
    insert: null, lookup: null, nextCommitId: 0, rng: 42, commitRounds: [], lookupRounds: [], bulkRowsPerS: 0, tpchBytes: 0,
  }))
  try {
    await each(sides, log, async s => {
      await s.e.open(join(s.dir, 'bench.db'))
      await s.e.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY, v VARCHAR)')
      s.insert = await s.e.insertOne()
      // every engine warms up alike, as for the lookups below: as many commits as a round and
      // for at least a second. Grizzly's commit path is compiled by the JIT over its first
      // thousands of calls; SQLite's is native from the start (and loses nothing by waiting)
      let warm = -1
      await timed(settings.commits, settings.minMs === 0 ? 0 : 1000, () => s.insert!(warm--, 'warm-up'))
    })
    await alternate(sides, settings.rounds, log, async s => {
      const insert = s.insert!
      s.commitRounds.push(await timed(settings.commits, settings.minMs, () => { const id = s.nextCommitId++; return insert(id, `value ${id}`) }))
    })

    await each(sides, log, async s => {
      await s.e.exec('CREATE TABLE b (id INTEGER PRIMARY KEY, v VARCHAR, x DOUBLE)')
      const start = performance.now()
      await s.e.exec(`INSERT INTO b ${BULK_SELECT(settings.bulkRows, s.engine === 'sqlite')}`)
      s.bulkRowsPerS = settings.bulkRows / ((performance.now() - start) / 1000)
      const lookup = s.lookup = await s.e.lookup()
      // every engine warms up alike: as many lookups as a round times, and for at least a second.
      // SQLite's statement is compiled once at prepare, while Grizzly's code is compiled by the JIT
      // over its first thousands, and the garbage the bulk load left is collected meanwhile
      await timed(settings.lookups, 1000, () => lookup(nextLookupId(s, settings.bulkRows)))
    })
    await alternate(sides, settings.rounds, log, async s => {
      const lookup = s.lookup!
      s.lookupRounds.push(await timed(settings.lookups, settings.minMs, () => lookup(nextLookupId(s, settings.bulkRows))))
    })
    await each(sides, log, async s => { await s.e.close() })

    // the TPC-H database's size: one engine after the other (nothing is timed)
    await each(sides, log, async s => {
      const tpchDir = join(s.dir, 'tpch')
      mkdirSync(tpchDir)
      const t = FACTORY[s.engine]()
      await t.open(join(tpchDir, 'tpch.db'))
      await t.loadTpch(settings.scaleFactor, settings.seed)
      await t.close()
      s.tpchBytes = sizeOf(tpchDir)
    })
  } finally {
    for (const s of sides) {
      if (s.error !== null) await s.e.close().catch(() => undefined)
      rmSync(s.dir, { recursive: true, force: true })
    }
  }
  const engines = {} as Record<Engine, StorageFigures | { error: string }>
  for (const s of sides) {
    if (s.error !== null) { engines[s.engine] = { error: s.error }; continue }
    const f: StorageFigures = {
      commitsPerS: median(s.commitRounds), commitRounds: s.commitRounds, bulkRowsPerS: s.bulkRowsPerS,
      lookupsPerS: median(s.lookupRounds), lookupRounds: s.lookupRounds, tpchBytes: s.tpchBytes,
    }
    engines[s.engine] = f
    log(`  storage/${s.engine}: ${f.commitsPerS.toFixed(0)} commits/s (rounds ${f.commitRounds.map(x => x.toFixed(0)).join(', ')}), ${f.bulkRowsPerS.toFixed(0)} rows/s, ${f.lookupsPerS.toFixed(0)} lookups/s (rounds ${f.lookupRounds.map(x => x.toFixed(0)).join(', ')}), TPC-H ${(f.tpchBytes / 2 ** 20).toFixed(1)} MiB`)
  }
  return { settings, engines }
}

export function renderStorageMarkdown(report: StorageReport): string {
  const s = report.settings
  const fig = (e: Engine): StorageFigures | null => { const f = report.engines[e]; return 'error' in f ? null : f }
  const g = fig('grizzly')
  const num = (x: number, digits = 0): string => x.toLocaleString('en', { maximumFractionDigits: digits })
  /** the middle half of the rounds: drift of the machine within a run shows here */
  const quartiles = (xs: readonly number[], show: (x: number) => string): string => `${show(quantile(xs, 0.25))}–${show(quantile(xs, 0.75))}`
  type Row = readonly [string, (f: StorageFigures) => number, (x: number) => string, ((f: StorageFigures) => readonly number[])?]
  const rows: readonly Row[] = [
    [`durable single-row INSERT commits/s (median of ${s.rounds} rounds, ≥ ${num(s.commits)} and ≥ ${s.minMs} ms each)`, f => f.commitsPerS, x => num(x), f => f.commitRounds],
    [`bulk INSERT … SELECT rows/s (${num(s.bulkRows)} rows, one commit)`, f => f.bulkRowsPerS, x => num(x)],
    [`point lookups/s by primary key (median of ${s.rounds} rounds, ≥ ${num(s.lookups)} and ≥ ${s.minMs} ms each)`, f => f.lookupsPerS, x => num(x), f => f.lookupRounds],
    [`TPC-H SF ${s.scaleFactor} on disk, MiB`, f => f.tpchBytes / 2 ** 20, x => num(x, 1)],
  ]
  /** for rates the median of the per-round ratios (rounds are paired in time) and their quartiles; else the ratio of the figures */
  const ratio = (peer: StorageFigures | null, get: Row[1], rounds: Row[3]): string => {
    if (g === null || peer === null) return '-'
    const whole = `${(get(g) / get(peer)).toFixed(2)}×`
    if (rounds === undefined) return whole
    const mine = rounds(g), theirs = rounds(peer)
    const per = mine.slice(0, theirs.length).map((x, i) => x / theirs[i]!)
    return per.length < 2 ? whole : `${median(per).toFixed(2)}× (${quartiles(per, x => x.toFixed(2))})`
  }
  const lines = [
    `## Storage: durable databases on disk`,
    '',
    'Grizzly with synchronous = full (fsync per commit), DuckDB with a database file, SQLite with journal_mode = WAL and synchronous = FULL, open side by side; commits and lookups are timed in rounds that alternate the engines (the one going first rotates), each figure is the median round with the middle half of the rounds (quartiles) in parentheses. Ratios are Grizzly ÷ peer: for the rates the median of the per-round ratios with their quartiles (higher is better); for the size the ratio of the sizes (lower is better).',
    '',
    `| measure | ${ENGINES.map(e => LABEL[e]).join(' | ')} | Grizzly ÷ DuckDB | Grizzly ÷ SQLite |`,
    `|---|${ENGINES.map(() => '---:').join('|')}|---:|---:|`,
  ]
  for (const [label, get, show, rounds] of rows) {
    const cells = ENGINES.map(e => {
      const f = fig(e)
      if (f === null) return 'error'
      const xs = rounds?.(f) ?? []
      return xs.length < 2 ? show(get(f)) : `${show(get(f))} (${quartiles(xs, show)})`
    })
    lines.push(`| ${label} | ${cells.join(' | ')} | ${ratio(fig('duckdb'), get, rounds)} | ${ratio(fig('sqlite'), get, rounds)} |`)
  }
  for (const e of ENGINES) { const f = report.engines[e]; if ('error' in f) lines.push('', `${LABEL[e]} failed: ${f.error}`) }
  return `${lines.join('\n')}\n`
}
