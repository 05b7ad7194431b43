/**
 * Bench section "ingest": loading files into a table. TPC-H lineitem (bench/tpch's generator)
 * is written once as CSV, gzip-compressed CSV and Parquet (snappy) into a temporary folder, by
 * DuckDB; then each
 * engine loads each file with `CREATE TABLE l AS SELECT * FROM '<file>'`, a fresh in-memory
 * database per run. SQLite has no CSV or Parquet reader in SQL, so it loads the CSV the way
 * its users do: a plain JavaScript line parser feeding a prepared INSERT inside one
 * transaction; it skips the gzip CSV and Parquet. Every load is checked: row count and sums of two columns
 * must agree with DuckDB's.
 *
 * Figures are rows/s (lineitem rows ÷ median time) and Grizzly's time ÷ DuckDB's (1 thread,
 * Grizzly's thread count, as in the rest of the bench).
 *
 *   node --import tsx bench/ingest.ts [--quick | --tiny] [--sf X]   (also `npm run bench -- --only ingest`)
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DuckDBInstance } from '@duckdb/node-api'
import { Database } from '../core/database.ts'
import { DEFAULT_SEED, generateTpch, tableSpec } from './tpch/generate.ts'
import { DuckdbLoader, createTableStatements } from './tpch/load.ts'

export interface IngestSettings { readonly scaleFactor: number; readonly runs: number; readonly seed: number }

export const INGEST_MODES: Readonly<Record<'full' | 'quick' | 'tiny', Omit<IngestSettings, 'seed'>>> = {
  full: { scaleFactor: 1, runs: 3 },
  quick: { scaleFactor: 0.1, runs: 3 },
  tiny: { scaleFactor: 0.002, runs: 1 },
}

type Format = 'csv' | 'csv_gz' | 'parquet'
const FORMATS: readonly Format[] = ['csv', 'csv_gz', 'parquet']
const FORMAT_LABEL: Readonly<Record<Format, string>> = { csv: 'CSV', csv_gz: 'CSV, gzip', parquet: 'Parquet' }
type Engine = 'grizzly' | 'duckdb' | 'duckdb_mt' | 'sqlite'
const ENGINES: readonly Engine[] = ['grizzly', 'duckdb', 'duckdb_mt', 'sqlite']
const LABEL: Readonly<Record<Engine, string>> = { grizzly: 'Grizzly', duckdb: 'DuckDB 1 thread', duckdb_mt: 'DuckDB default threads', sqlite: 'SQLite (JS loader)' }

/** what a load produced, compared across engines */
interface Check { readonly rows: number; readonly quantity: number; readonly price: number }

export type IngestOutcome =
  | { readonly kind: 'ok'; readonly runs: readonly number[]; readonly medianMs: number; readonly check: Check; readonly agrees: boolean }
  | { readonly kind: 'skipped' | 'error'; readonly reason: string }

export interface IngestReport {
  readonly settings: IngestSettings
  readonly rows: number
  readonly fileBytes: Readonly<Record<Format, number>>
  readonly results: Readonly<Record<Format, Readonly<Record<Engine, IngestOutcome>>>>
}

/** the parts of better-sqlite3 used here (it ships no types) */
interface SqliteStatement { run(...params: unknown[]): unknown; get(...params: unknown[]): unknown; raw(on?: boolean): SqliteStatement }
interface SqliteDatabase { exec(sql: string): void; prepare(sql: string): SqliteStatement; transaction(fn: () => void): () => void; close(): void }
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => SqliteDatabase

const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2 }
const CHECK_SQL = 'SELECT count(*) AS n, sum(l_quantity)::DOUBLE AS q, sum(l_extendedprice)::DOUBLE AS p FROM l'

async function writeFiles(dir: string, settings: IngestSettings): Promise<Record<Format, string> & { rows: number }> {
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    const loader = new DuckdbLoader(c)
    await loader.create(['lineitem'])
    let rows = 0
    for (const batch of generateTpch({ scaleFactor: settings.scaleFactor, seed: settings.seed, tables: ['lineitem'] })) { loader.append(batch); rows += batch.rows }
    loader.finish()
    const csv = join(dir, 'lineitem.csv'), csvGz = join(dir, 'lineitem.csv.gz'), parquet = join(dir, 'lineitem.parquet')
    await c.run(`COPY lineitem TO '${csv}' (FORMAT csv, HEADER true)`)
    await c.run(`COPY lineitem TO '${csvGz}' (FORMAT csv, HEADER true, COMPRESSION gzip)`)
    await c.run(`COPY lineitem TO '${parquet}' (FORMAT parquet, COMPRESSION snappy)`)
    return { csv, csv_gz: csvGz, parquet, rows }
  } finally {
    c.closeSync()
    instance.closeSync()
  }
}

async function loadGrizzly(path: string): Promise<{ ms: number; check: Check }> {
  const db = await Database.open()
  try {
    const start = performance.now()
    await db.exec(`CREATE TABLE l AS SELECT * FROM '${path}'`)
    const ms = performance.now() - start
    const r = (await db.query(CHECK_SQL)).rows[0]!
    return { ms, check: { rows: Number(r[0]), quantity: Number(r[1]), price: Number(r[2]) } }
  } finally { await db.close() }
}

async function loadDuckdb(path: string, threads: number | null): Promise<{ ms: number; check: Check }> {
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  try {
    if (threads !== null) await c.run(`SET threads = ${threads}`)
    const start = performance.now()
    await c.run(`CREATE TABLE l AS SELECT * FROM '${path}'`)
    const ms = performance.now() - start
    const r = (await c.runAndReadAll(CHECK_SQL)).getRows()[0]!
    return { ms, check: { rows: Number(r[0]), quantity: Number(r[1]), price: Number(r[2]) } }
  } finally { c.closeSync(); instance.closeSync() }
}

/** One CSV line into fields: the quick split when it has no quotes, RFC 4180 otherwise. */
function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',')
  const out: string[] = []
  let field = '', quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"') { if (line[i + 1] === '"') { field += '"'; i++ } else quoted = false } else field += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { out.push(field); field = '' } else field += ch
  }
  out.push(field)
  return out
}

function loadSqlite(path: string): { ms: number; check: Check } {
  const db = new Sqlite(':memory:')
  try {
    // SQLite's own spellings: dates as ISO text, DECIMAL as REAL (as in the rest of the bench)
    db.exec(createTableStatements(['lineitem'])[0]!.replace(/DECIMAL\(\d+,\s*\d+\)/g, 'REAL').replace(/\bDATE\b/g, 'TEXT').replace(/\blineitem\b/, 'l'))
    const columns = tableSpec('lineitem').columns
    const insert = db.prepare(`INSERT INTO l VALUES (${columns.map(() => '?').join(', ')})`)
    const start = performance.now()
    const kinds = columns.map(c => c.kind)
    db.transaction(() => {
      // 64 MiB at a time: a file over 512 MiB is longer than the longest string V8 makes
      const fd = openSync(path, 'r')
      const buf = Buffer.alloc(64 << 20)
      const decoder = new StringDecoder('utf8')
      let rest = '', header = true
      try {
        for (;;) {
          const n = readSync(fd, buf, 0, buf.length, null)
          const text = rest + (n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end())
          let at = 0
          for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', at)) {
            const line = text.charCodeAt(end - 1) === 13 ? text.slice(at, end - 1) : text.slice(at, end)
            at = end + 1
            if (header) { header = false; continue }
            if (line === '') continue
            const f = splitCsv(line)
            insert.run(...f.map((v, i) => kinds[i] === 'int' || kinds[i] === 'money' ? Number(v) : v))
          }
          rest = text.slice(at)
          if (n === 0) break
        }
      } finally { closeSync(fd) }
      if (rest !== '') {
        const f = splitCsv(rest)
        insert.run(...f.map((v, i) => kinds[i] === 'int' || kinds[i] === 'money' ? Number(v) : v))
      }
    })()
    const ms = performance.now() - start
    const r = db.prepare(CHECK_SQL.replace(/::DOUBLE/g, '')).raw().get() as unknown[]
    return { ms, check: { rows: Number(r[0]), quantity: Number(r[1]), price: Number(r[2]) } }
  } finally { db.close() }
}

const agree = (a: Check, b: Check): boolean =>
  a.rows === b.rows && Math.abs(a.quantity - b.quantity) <= 1e-6 * Math.abs(b.quantity) && Math.abs(a.price - b.price) <= 1e-6 * Math.abs(b.price)

export async function runIngestBench(settings: IngestSettings, log: (line: string) => void): Promise<IngestReport> {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-ingest-'))
  try {
    log(`  writing lineitem SF ${settings.scaleFactor} as CSV, gzip CSV and Parquet …`)
    const files = await writeFiles(dir, settings)
    const results = { csv: {}, csv_gz: {}, parquet: {} } as Record<Format, Record<Engine, IngestOutcome>>
    for (const format of FORMATS) {
      const path = files[format]
      const runs = new Map<Engine, number[]>(ENGINES.map(e => [e, []]))
      const checks = new Map<Engine, Check>()
      const failed = new Map<Engine, IngestOutcome>()
      if (format === 'parquet') failed.set('sqlite', { kind: 'skipped', reason: 'SQLite has no Parquet reader' })
      if (format === 'csv_gz') failed.set('sqlite', { kind: 'skipped', reason: 'the JavaScript loader reads plain text' })
      // one warm-up, then timed runs with the engines alternating so machine drift hits all alike
      for (let run = 0; run <= settings.runs; run++) {
        for (let k = 0; k < ENGINES.length; k++) {
          const engine = ENGINES[(k + run) % ENGINES.length]!
          if (failed.has(engine)) continue
          try {
            const r = engine === 'grizzly' ? await loadGrizzly(path)
              : engine === 'sqlite' ? loadSqlite(path)
                : await loadDuckdb(path, engine === 'duckdb' ? 1 : null)
            checks.set(engine, r.check)
            if (run > 0) runs.get(engine)!.push(r.ms)
          } catch (e) {
            failed.set(engine, { kind: 'error', reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) })
          }
        }
      }
      const reference = checks.get('duckdb') ?? checks.get('duckdb_mt')
      for (const e of ENGINES) {
        const f = failed.get(e)
        if (f !== undefined) { results[format][e] = f; continue }
        const check = checks.get(e)!
        results[format][e] = { kind: 'ok', runs: runs.get(e)!, medianMs: median(runs.get(e)!), check, agrees: reference === undefined || agree(check, reference) }
      }
      log(`  ingest/${format}: ${ENGINES.map(e => { const o = results[format][e]; return `${LABEL[e]} ${o.kind === 'ok' ? `${o.medianMs.toFixed(0)} ms${o.agrees ? '' : ' MISMATCH'}` : o.kind}` }).join(', ')}`)
    }
    return { settings, rows: files.rows, fileBytes: { csv: statSync(files.csv).size, csv_gz: statSync(files.csv_gz).size, parquet: statSync(files.parquet).size }, results }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const rate = (rows: number, ms: number): string => {
  const perS = rows / (ms / 1000)
  return perS >= 1e6 ? `${(perS / 1e6).toFixed(2)} M` : `${(perS / 1e3).toFixed(0)} K`
}

const size = (bytes: number): string => bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(0)} MiB` : `${(bytes / 1024).toFixed(0)} KiB`

export function renderIngestMarkdown(report: IngestReport): string {
  const lines = [
    `## Ingest: lineitem SF ${report.settings.scaleFactor} (${report.rows.toLocaleString('en')} rows) from files`,
    '',
    `\`CREATE TABLE l AS SELECT * FROM '<file>'\` into a fresh in-memory database; median of ${report.settings.runs} timed runs after a warm-up. ` +
    `CSV ${size(report.fileBytes.csv)} with a header (gzip: ${size(report.fileBytes.csv_gz)}); Parquet ${size(report.fileBytes.parquet)}, snappy, DuckDB's row groups. ` +
    'SQLite loads the plain CSV with a JavaScript line parser and one prepared INSERT in a transaction. Ratio = Grizzly time ÷ DuckDB 1 thread (targets: CSV ≤ 2, Parquet ≤ 3).',
    '',
    `| file | ${ENGINES.map(e => `${LABEL[e]} rows/s`).join(' | ')} | Grizzly ÷ DuckDB 1 thread |`,
    `|---|${ENGINES.map(() => '---:').join('|')}|---:|`,
  ]
  const problems: string[] = []
  for (const format of FORMATS) {
    const r = report.results[format]
    const cells = ENGINES.map(e => {
      const o = r[e]
      if (o.kind !== 'ok') { if (o.kind === 'error') problems.push(`${format} ${LABEL[e]}: ${o.reason}`); return o.kind }
      if (!o.agrees) problems.push(`${format} ${LABEL[e]}: MISMATCH (rows ${o.check.rows})`)
      return `${rate(report.rows, o.medianMs)}${o.agrees ? '' : ' MISMATCH'}`
    })
    const g = r.grizzly, d = r.duckdb
    const ratio = g.kind === 'ok' && d.kind === 'ok' ? `${(g.medianMs / d.medianMs).toFixed(2)}×` : 'n/a'
    lines.push(`| ${FORMAT_LABEL[format]} | ${cells.join(' | ')} | ${ratio} |`)
  }
  if (problems.length > 0) lines.push('', ...problems.map(p => `- ${p}`))
  return `${lines.join('\n')}\n`
}

/** Problems the run should fail on (a load whose rows or sums disagree with DuckDB). */
export function ingestMismatches(report: IngestReport): string[] {
  const out: string[] = []
  for (const format of FORMATS) {
    for (const e of ENGINES) {
      const o = report.results[format][e]
      if (o.kind === 'ok' && !o.agrees) out.push(`MISMATCH ingest/${format} ${LABEL[e]}`)
    }
  }
  return out
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, tiny: { type: 'boolean', default: false }, sf: { type: 'string' } } })
  const mode = INGEST_MODES[values.tiny ? 'tiny' : values.quick ? 'quick' : 'full']
  const sf = values.sf === undefined ? mode.scaleFactor : Number(values.sf)
  if (!(sf > 0)) { console.error(`--sf must be > 0, got ${values.sf}`); process.exit(2) }
  const report = await runIngestBench({ ...mode, scaleFactor: sf, seed: DEFAULT_SEED }, line => console.log(line))
  console.log(`\n${renderIngestMarkdown(report)}`)
  process.exit(ingestMismatches(report).length > 0 ? 1 : 0)
}
