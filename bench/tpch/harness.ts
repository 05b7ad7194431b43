/**
 * The TPC-H check shared by check.ts and the test suite: loads the same generated data into
 * Grizzly and DuckDB, runs a query on both and compares the answers (same column names, same
 * rows in the same order; DECIMAL, DATE and text values equal as text, other numbers within a
 * relative 1e-9).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api'
import { Database } from '../../index.ts'
import { DEFAULT_SEED, TPCH_TABLES, generateTpch, type TpchBatch } from './generate.ts'
import { DuckdbLoader, GrizzlyLoader } from './load.ts'

export interface TpchQuery { readonly name: string; readonly sql: string }

const QUERY_DIR = new URL('./queries/', import.meta.url)

/** q01 … q22, in order. */
export function loadQueries(): TpchQuery[] {
  return readdirSync(QUERY_DIR).filter(f => /^q\d\d\.sql$/.test(f)).sort()
    .map(f => ({ name: f.slice(0, 3), sql: readFileSync(new URL(f, QUERY_DIR), 'utf8') }))
}

export interface Engines {
  readonly grizzly: Database
  readonly duckdb: DuckDBConnection
  /** milliseconds spent generating, and loading into each engine */
  readonly timings: { readonly generate: number; readonly grizzly: number; readonly duckdb: number }
  close(): Promise<void>
}

export interface LoadTimings { readonly generate: number; readonly load: number }

/** Generates the data and loads it into a new in-memory Grizzly database. */
export async function openGrizzly(scaleFactor: number, seed = DEFAULT_SEED): Promise<{ db: Database; timings: LoadTimings }> {
  const db = await Database.open()
  const loader = new GrizzlyLoader(db)
  await loader.create(TPCH_TABLES.map(t => t.name))
  const timings = feed(generateTpch({ scaleFactor, seed }), [b => loader.append(b)])
  loader.finish()
  return { db, timings: { generate: timings.generate, load: timings.loads[0]! } }
}

/** Generates the data and loads it into a new in-memory DuckDB database. */
export async function openDuckdb(scaleFactor: number, seed = DEFAULT_SEED): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection; timings: LoadTimings }> {
  const instance = await DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  const loader = new DuckdbLoader(connection)
  await loader.create(TPCH_TABLES.map(t => t.name))
  const timings = feed(generateTpch({ scaleFactor, seed }), [b => loader.append(b)])
  loader.finish()
  return { instance, connection, timings: { generate: timings.generate, load: timings.loads[0]! } }
}

/** Hands every batch to each sink in turn, timing generation and each sink apart. */
function feed(batches: Iterable<TpchBatch>, sinks: readonly ((b: TpchBatch) => void)[]): { generate: number; loads: number[] } {
  let generate = 0
  const loads = sinks.map(() => 0)
  let t = performance.now()
  for (const batch of batches) {
    const now = performance.now()
    generate += now - t
    t = now
    sinks.forEach((sink, i) => {
      sink(batch)
      const after = performance.now()
      loads[i]! += after - t
      t = after
    })
  }
  return { generate, loads }
}

/** Generates the data once and loads every batch into both engines. */
export async function openEngines(scaleFactor: number, seed = DEFAULT_SEED): Promise<Engines> {
  const grizzly = await Database.open()
  const instance = await DuckDBInstance.create(':memory:')
  const duckdb = await instance.connect()
  const names = TPCH_TABLES.map(t => t.name)
  const toGrizzly = new GrizzlyLoader(grizzly), toDuckdb = new DuckdbLoader(duckdb)
  await toGrizzly.create(names)
  await toDuckdb.create(names)
  const t = feed(generateTpch({ scaleFactor, seed }), [b => toGrizzly.append(b), b => toDuckdb.append(b)])
  toGrizzly.finish()
  toDuckdb.finish()
  return {
    grizzly, duckdb,
    timings: { generate: t.generate, grizzly: t.loads[0]!, duckdb: t.loads[1]! },
    async close() {
      await grizzly.close()
      duckdb.closeSync()
      instance.closeSync()
    },
  }
}

export interface Answer {
  readonly columns: readonly { readonly name: string; readonly type: string }[]
  readonly rows: readonly (readonly (string | null)[])[]
  readonly ms: number
}

export type Outcome = { readonly kind: 'ok'; readonly answer: Answer } | { readonly kind: 'error'; readonly message: string }

const errorText = (e: unknown): string => (e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e))

export async function runGrizzly(db: Database, sql: string): Promise<Outcome> {
  const start = performance.now()
  try {
    const r = await db.query(sql)
    const ms = performance.now() - start
    return { kind: 'ok', answer: { columns: r.columns.map(c => ({ name: c.name, type: c.type })), rows: r.textRows(), ms } }
  } catch (e) {
    return { kind: 'error', message: errorText(e) }
  }
}

export async function runDuckdb(connection: DuckDBConnection, sql: string): Promise<Outcome> {
  const start = performance.now()
  try {
    const reader = await connection.runAndReadAll(sql)
    const ms = performance.now() - start
    const types = reader.columnTypes().map(t => t.toString())
    const columns = reader.columnNames().map((name, i) => ({ name, type: types[i]! }))
    return { kind: 'ok', answer: { columns, rows: reader.getRows().map(row => row.map(duckdbText)), ms } }
  } catch (e) {
    return { kind: 'error', message: errorText(e) }
  }
}

/** DECIMAL and DATE values print as DuckDB's CAST(… AS VARCHAR) does; numbers as JavaScript prints them. */
function duckdbText(v: DuckDBValue): string | null {
  return v === null ? null : String(v)
}

export interface Verdict { readonly match: boolean; readonly message: string }

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const isDecimal = (type: string): boolean => type.startsWith('DECIMAL')

export function valuesAgree(want: string | null, got: string | null, exactText: boolean): boolean {
  if (want === got) return true
  if (want === null || got === null || exactText) return false
  if (!NUMBER.test(want) || !NUMBER.test(got)) return false
  const p = Number(want), q = Number(got)
  return p === q || Math.abs(p - q) <= Math.max(Math.abs(p), Math.abs(q)) * 1e-9
}

/**
 * The output columns a query's final ORDER BY names (plain column names only, e.g. `value DESC`
 * → ['value']); null when it sorts by anything else or does not sort.
 */
export function orderKeys(sql: string): string[] | null {
  const matches = [...sql.matchAll(/\bORDER\s+BY\b/gi)]
  const last = matches[matches.length - 1]
  if (last === undefined) return null
  const clause = sql.slice(last.index + last[0].length).replace(/\bLIMIT\b[\s\S]*$/i, '').replace(/;[\s\S]*$/, '')
  const keys: string[] = []
  for (const item of clause.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(ASC|DESC)?\s*$/i.exec(item)
    if (m === null) return null
    keys.push(m[1]!)
  }
  return keys
}

/**
 * DuckDB's answer is the expected one. Rows must come in the same order (every TPC-H query
 * sorts); when `keys` names the ORDER BY columns, rows that tie on all of them may come in any
 * order (q11 sorts by value alone, and equal values are a legal tie).
 */
export function compareAnswers(expected: Answer, actual: Answer, keys: readonly string[] | null = null): Verdict {
  const wantNames = expected.columns.map(c => c.name), gotNames = actual.columns.map(c => c.name)
  if (wantNames.join('\u0000') !== gotNames.join('\u0000')) {
    return { match: false, message: `columns: DuckDB (${wantNames.join(', ')}), Grizzly (${gotNames.join(', ')})` }
  }
  if (expected.rows.length !== actual.rows.length) {
    return { match: false, message: `row count: DuckDB ${expected.rows.length}, Grizzly ${actual.rows.length}` }
  }
  const keyColumns = keys === null ? null : keys.map(k => wantNames.indexOf(k))
  const [wantRows, gotRows] = keyColumns === null || keyColumns.some(i => i < 0)
    ? [expected.rows, actual.rows]
    : [canonicalTies(expected.rows, keyColumns), canonicalTies(actual.rows, keyColumns)]
  for (let r = 0; r < wantRows.length; r++) {
    const want = wantRows[r]!, got = gotRows[r]!
    for (let c = 0; c < want.length; c++) {
      const exact = isDecimal(expected.columns[c]!.type) && isDecimal(actual.columns[c]!.type)
      if (!valuesAgree(want[c] ?? null, got[c] ?? null, exact)) {
        const col = expected.columns[c]!
        return {
          match: false,
          message: `row ${r + 1}, column "${col.name}": DuckDB ${show(want[c])} (${col.type}), Grizzly ${show(got[c])} (${actual.columns[c]!.type})`,
        }
      }
    }
  }
  return { match: true, message: '' }
}

/** Rows with each run of equal keys put in one canonical order, so legal ties compare equal. */
function canonicalTies(rows: readonly (readonly (string | null)[])[], keyColumns: readonly number[]): (readonly (string | null)[])[] {
  const out: (readonly (string | null)[])[] = []
  const keyOf = (row: readonly (string | null)[]): string => JSON.stringify(keyColumns.map(c => row[c] ?? null))
  for (let start = 0; start < rows.length;) {
    const key = keyOf(rows[start]!)
    let end = start + 1
    while (end < rows.length && keyOf(rows[end]!) === key) end++
    const run = rows.slice(start, end).map(row => ({ row, text: JSON.stringify(row) }))
    run.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    for (const { row } of run) out.push(row)
    start = end
  }
  return out
}

const show = (v: string | null | undefined): string => (v === null || v === undefined ? 'NULL' : JSON.stringify(v))

export interface QueryReport {
  readonly name: string
  readonly rows: number
  readonly grizzlyMs: number | null
  readonly duckdbMs: number | null
  readonly match: boolean
  readonly message: string
}

/** Runs one query on both engines and compares. */
export async function checkQuery(engines: Engines, query: TpchQuery): Promise<QueryReport> {
  return checkWith(query, sql => runDuckdb(engines.duckdb, sql), sql => runGrizzly(engines.grizzly, sql))
}

/** Compares one query given a way to run it on each engine. */
export async function checkWith(query: TpchQuery, duckdb: (sql: string) => Promise<Outcome>, grizzly: (sql: string) => Promise<Outcome>): Promise<QueryReport> {
  const expected = await duckdb(query.sql)
  if (expected.kind === 'error') {
    return { name: query.name, rows: 0, grizzlyMs: null, duckdbMs: null, match: false, message: `DuckDB rejected the query: ${expected.message}` }
  }
  const actual = await grizzly(query.sql)
  const rows = expected.answer.rows.length
  if (actual.kind === 'error') {
    return { name: query.name, rows, grizzlyMs: null, duckdbMs: expected.answer.ms, match: false, message: `Grizzly failed: ${actual.message}` }
  }
  const verdict = compareAnswers(expected.answer, actual.answer, orderKeys(query.sql))
  return { name: query.name, rows, grizzlyMs: actual.answer.ms, duckdbMs: expected.answer.ms, match: verdict.match, message: verdict.message }
}
