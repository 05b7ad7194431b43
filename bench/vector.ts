/**
 * The "vector" section: nearest-neighbour search over seeded Gaussian-mixture embeddings
 * (128 dimensions; 100k vectors, 20k with --quick). Three ways to get the 10 nearest of each
 * query vector, in the same run:
 *   - Grizzly's SQL path: `SELECT id FROM docs ORDER BY array_distance(embedding, $1) LIMIT 10`
 *     as a prepared statement over a table with an hnsw index at its default settings, with
 *     plugins/vector built, signed and loaded as users load it;
 *   - raw hnswlib-node: the same graph parameters, searchKnn at the same ef;
 *   - DuckDB's brute-force `array_distance` query (exact).
 * Recall@10 is measured against exact neighbours computed here; queries/s by wall time.
 * Targets: recall ≥ 0.95, SQL path ≥ 70% of raw hnswlib-node queries/s.
 */
import { loadavg } from 'node:os'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as arrow from 'apache-arrow'
import hnswlib from 'hnswlib-node'
import { DuckDBInstance } from '@duckdb/node-api'
import { Database } from '../index.ts'
import { DEFAULT_EF_SEARCH } from '../host/services/hnsw.ts'
import { Rng } from './tpch/rng.ts'
import { buildVectorPlugin, openWithVector } from './vector-plugin.ts'

export const VECTOR_DIM = 128
const K = 10
/** queries per timed block; raw and SQL blocks alternate */
const BLOCK = 25
const WARMUP = 50
const CLUSTERS = 100
export const RECALL_TARGET = 0.95
export const QPS_TARGET = 0.7

export interface VectorReport {
  readonly vectors: number
  readonly queries: number
  readonly buildSql: number
  readonly buildRaw: number
  readonly recallSql: number
  readonly recallRaw: number
  readonly recallDuckdb: number | null
  readonly qpsSql: number
  readonly qpsRaw: number
  readonly qpsDuckdb: number | null
  /** queries per CPU second (process CPU time): steadier than wall time on a busy machine */
  readonly cpuQpsSql: number
  readonly cpuQpsRaw: number
  readonly duckdbQueries: number
  readonly markdown: string
}

/** n vectors around CLUSTERS seeded centres (unit Gaussian noise, centres spread wider) */
export function gaussianMixture(n: number, seed: number, centres?: Float32Array): { data: Float32Array; centres: Float32Array } {
  const rng = new Rng(seed)
  const r = (): number => rng.next()
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
  const c = centres ?? Float32Array.from({ length: CLUSTERS * VECTOR_DIM }, () => gauss() * 4)
  const data = new Float32Array(n * VECTOR_DIM)
  for (let i = 0; i < n; i++) {
    const k = Math.floor(r() * CLUSTERS)
    for (let j = 0; j < VECTOR_DIM; j++) data[i * VECTOR_DIM + j] = c[k * VECTOR_DIM + j]! + gauss()
  }
  return { data, centres: c }
}

/** the exact K nearest (L2) of each query, by a full scan */
export function exactNeighbours(data: Float32Array, queries: Float32Array): number[][] {
  const n = data.length / VECTOR_DIM, q = queries.length / VECTOR_DIM
  const out: number[][] = []
  for (let a = 0; a < q; a++) {
    // the K best so far, nearest first (ties: lower id first, as they arrive in id order)
    const best: { id: number; d: number }[] = []
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let j = 0; j < VECTOR_DIM; j++) { const d = data[i * VECTOR_DIM + j]! - queries[a * VECTOR_DIM + j]!; s += d * d }
      if (best.length === K && s >= best[K - 1]!.d) continue
      let at = best.length
      while (at > 0 && best[at - 1]!.d > s) at--
      best.splice(at, 0, { id: i, d: s })
      if (best.length > K) best.pop()
    }
    out.push(best.map(b => b.id))
  }
  return out
}

function recall(got: readonly (readonly number[])[], exact: readonly (readonly number[])[]): number {
  let hit = 0
  got.forEach((g, i) => { const e = new Set(exact[i]); for (const id of g) if (e.has(id)) hit++ })
  return hit / (exact.length * K)
}

const row = (v: Float32Array, i: number): number[] => Array.from(v.subarray(i * VECTOR_DIM, (i + 1) * VECTOR_DIM))

async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t = performance.now()
  const value = await f()
  return { value, ms: performance.now() - t }
}

export async function runVectorSection(quick: boolean, log: (s: string) => void): Promise<VectorReport> {
  const n = quick ? 20_000 : 100_000
  const queryCount = quick ? 500 : 1000
  const { data, centres } = gaussianMixture(n, 42)
  const queries = gaussianMixture(queryCount, 4242, centres).data
  log(`vector: ${n} × ${VECTOR_DIM} vectors, ${queryCount} queries; exact neighbours…`)
  const exact = exactNeighbours(data, queries)

  // raw hnswlib-node, the same parameters as the index's defaults
  log('vector: raw hnswlib-node build…')
  const raw = new hnswlib.HierarchicalNSW('l2', VECTOR_DIM)
  const rawBuild = await timed(() => {
    raw.initIndex(n, 16, 200, 100)
    for (let i = 0; i < n; i++) raw.addPoint(row(data, i), i)
  })
  raw.setEf(Math.max(DEFAULT_EF_SEARCH, K))

  // Grizzly: the table from an Arrow table (FLOAT[128] as FixedSizeList), then CREATE INDEX
  log('vector: Grizzly load and CREATE INDEX … USING hnsw…')
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-vector-bench-'))
  const db = await openWithVector(buildVectorPlugin(dir))
  const child = new arrow.Field('item', new arrow.Float32(), true)
  const embeddings = arrow.makeData({ type: new arrow.FixedSizeList(VECTOR_DIM, child), length: n, nullCount: 0,
    child: arrow.makeData({ type: new arrow.Float32(), length: n * VECTOR_DIM, nullCount: 0, data }) })
  const ids = arrow.makeData({ type: new arrow.Int32(), length: n, nullCount: 0, data: Int32Array.from({ length: n }, (_, i) => i) })
  db.register('source', new arrow.Table({ id: arrow.makeVector(ids), embedding: arrow.makeVector(embeddings) }))
  await db.exec('CREATE TABLE docs AS SELECT id, embedding FROM source')
  const sqlBuild = await timed(() => db.exec('CREATE INDEX docs_embedding ON docs USING hnsw (embedding)'))
  const statement = await db.prepare(`SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[${VECTOR_DIM}]) LIMIT ${K}`)
  const plan = (await db.query(`EXPLAIN SELECT id FROM docs ORDER BY array_distance(embedding, $1::FLOAT[${VECTOR_DIM}]) LIMIT ${K}`, [row(queries, 0)])).rows.map(r => r.join(' ')).join('\n')
  if (!plan.includes('INDEX_SCAN')) throw new Error(`vector: the SQL path does not use the index:\n${plan}`)
  // warm-up queries on both paths (the engine's code gets compiled, the graph's memory warm)
  for (let a = 0; a < WARMUP; a++) {
    await statement.query([row(queries, a)])
    raw.searchKnn(row(queries, a), K)
  }
  // the two paths alternate in blocks, so a busy machine slows both alike; wall and CPU time per path
  const rawResult: number[][] = [], sqlResult: number[][] = []
  const rawTime = { wall: 0, cpu: 0 }, sqlTime = { wall: 0, cpu: 0 }
  const measure = async (into: { wall: number; cpu: number }, f: () => Promise<void> | void): Promise<void> => {
    const c = process.cpuUsage(), t = performance.now()
    await f()
    into.wall += performance.now() - t
    const used = process.cpuUsage(c)
    into.cpu += (used.user + used.system) / 1000
  }
  for (let start = 0; start < queryCount; start += BLOCK) {
    const end = Math.min(queryCount, start + BLOCK)
    await measure(rawTime, () => { for (let a = start; a < end; a++) rawResult.push(raw.searchKnn(row(queries, a), K).neighbors) })
    await measure(sqlTime, async () => { for (let a = start; a < end; a++) sqlResult.push((await statement.query([row(queries, a)])).rows.map(r => r[0] as number)) })
  }
  statement.close()
  await db.close()

  // DuckDB's exact brute force, over a Parquet copy of the same rows (a subset of the queries: each reads every row)
  const duckdbQueries = Math.min(queryCount, quick ? 20 : 50)
  let duck: { recall: number; qps: number } | null = null
  try {
    log('vector: DuckDB brute force…')
    const copy = await Database.open()
    copy.register('source', new arrow.Table({ id: arrow.makeVector(ids), embedding: arrow.makeVector(embeddings) }))
    const file = join(dir, 'docs.parquet')
    await copy.exec(`COPY (SELECT id, embedding FROM source) TO '${file}'`)
    await copy.close()
    const instance = await DuckDBInstance.create(':memory:')
    const con = await instance.connect()
    await con.run(`CREATE TABLE docs AS SELECT id, embedding::FLOAT[${VECTOR_DIM}] AS embedding FROM '${file}'`)
    const sql = (a: number): string => `SELECT id FROM docs ORDER BY array_distance(embedding, [${row(queries, a).join(',')}]::FLOAT[${VECTOR_DIM}]) LIMIT ${K}`
    await con.runAndReadAll(sql(0))
    const run = await timed(async () => {
      const out: number[][] = []
      for (let a = 0; a < duckdbQueries; a++) out.push((await con.runAndReadAll(sql(a))).getRows().map(r => Number(r[0])))
      return out
    })
    duck = { recall: recall(run.value, exact.slice(0, duckdbQueries)), qps: duckdbQueries / (run.ms / 1000) }
    con.closeSync()
    instance.closeSync()
  } catch (e) {
    log(`vector: DuckDB skipped: ${e instanceof Error ? e.message : String(e)}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  const report = {
    vectors: n, queries: queryCount,
    buildSql: sqlBuild.ms, buildRaw: rawBuild.ms,
    recallSql: recall(sqlResult, exact), recallRaw: recall(rawResult, exact), recallDuckdb: duck?.recall ?? null,
    qpsSql: queryCount / (sqlTime.wall / 1000), qpsRaw: queryCount / (rawTime.wall / 1000), qpsDuckdb: duck?.qps ?? null,
    cpuQpsSql: queryCount / (sqlTime.cpu / 1000), cpuQpsRaw: queryCount / (rawTime.cpu / 1000),
    duckdbQueries,
  }
  return { ...report, markdown: renderVectorMarkdown(report) }
}

export function renderVectorMarkdown(r: Omit<VectorReport, 'markdown'>): string {
  const f = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
  const ratio = r.qpsSql / r.qpsRaw
  const cpuRatio = r.cpuQpsSql / r.cpuQpsRaw
  return [
    `## vector: nearest-neighbour search (${f(r.vectors)} × ${VECTOR_DIM} Gaussian-mixture vectors, ${CLUSTERS} clusters, top ${K})`,
    '',
    `hnsw index at its defaults (m = 16, ef_construction = 200, hnsw_ef_search = ${DEFAULT_EF_SEARCH}); ${f(r.queries)} queries (DuckDB: ${f(r.duckdbQueries)}). Load average ${loadavg().map(x => x.toFixed(2)).join(' ')}.`,
    '',
    '| path | build s | recall@10 | queries/s | queries per CPU s |',
    '|---|---:|---:|---:|---:|',
    `| Grizzly SQL (prepared, index scan) | ${f(r.buildSql / 1000, 1)} | ${f(r.recallSql, 3)} | ${f(r.qpsSql)} | ${f(r.cpuQpsSql)} |`,
    `| raw hnswlib-node | ${f(r.buildRaw / 1000, 1)} | ${f(r.recallRaw, 3)} | ${f(r.qpsRaw)} | ${f(r.cpuQpsRaw)} |`,
    r.qpsDuckdb === null ? '| DuckDB brute force | — | — | skipped | |' : `| DuckDB brute force (array_distance) | — | ${f(r.recallDuckdb ?? 0, 3)} | ${f(r.qpsDuckdb, 1)} | |`,
    '',
    `SQL path: recall ${f(r.recallSql, 3)} (target ≥ ${RECALL_TARGET}) ${r.recallSql >= RECALL_TARGET ? '✓' : '✗'}; queries/s ${f(ratio * 100)}% of raw hnswlib-node by wall time, ${f(cpuRatio * 100)}% by CPU time (target ≥ ${QPS_TARGET * 100}%) ${ratio >= QPS_TARGET ? '✓' : '✗'}.`,
    '',
  ].join('\n')
}

// run alone: node --import tsx bench/vector.ts [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runVectorSection(process.argv.includes('--quick'), s => console.error(s))
  console.log(r.markdown)
}
