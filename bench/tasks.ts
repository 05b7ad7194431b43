/**
 * What the harness runs: sections, tasks and the messages between the parent and the engine
 * processes. Plain data only, so it crosses the IPC channel as JSON.
 */
export type SectionName = 'h2o' | 'micro' | 'tpch' | 'storage' | 'udf' | 'ingest' | 'onnx' | 'vector'
export const SECTIONS: readonly SectionName[] = ['h2o', 'micro', 'tpch', 'storage', 'udf', 'ingest', 'onnx', 'vector']

/** The engine columns of the table. `duckdb` runs with the same thread count as Grizzly (1). */
export type EngineName = 'grizzly' | 'duckdb' | 'duckdb_mt' | 'sqlite'
export const ENGINES: readonly EngineName[] = ['grizzly', 'duckdb', 'duckdb_mt', 'sqlite']
/** Engines sharing a process: both DuckDB columns use one instance with `SET threads` switched. */
export type ProcessName = 'grizzly' | 'duckdb' | 'sqlite'
/** threads Grizzly runs with and the `duckdb` column is pinned to (`--threads`; the engine processes read it from the environment) */
export const THREADS_ENV = 'GRIZZLY_BENCH_THREADS'
export function benchThreads(): number {
  const n = Number(process.env[THREADS_ENV] ?? '1')
  return Number.isInteger(n) && n >= 1 ? n : 1
}

export const processOf = (engine: EngineName): ProcessName => (engine === 'duckdb_mt' ? 'duckdb' : engine)

/**
 * table: the timed statement is `CREATE TABLE ans AS <sql>` and the untimed `check` query over
 * `ans` gives the checksum (the db-benchmark's way, so no engine pays for moving a big answer
 * into JavaScript). rows: the query's own rows are fetched inside the timing and checksummed.
 */
export type AnswerMode = { readonly kind: 'table'; readonly check: string } | { readonly kind: 'rows' }

export interface BenchTask {
  readonly section: SectionName
  readonly name: string
  readonly title: string
  readonly sql: string
  readonly answer: AnswerMode
}

/** The data a process loads before its tasks run. */
export type Dataset =
  | { readonly kind: 'g1'; readonly rows: number; readonly seed: number }
  | { readonly kind: 'tpch'; readonly scaleFactor: number; readonly seed: number }

/** Order-independent summary of an answer: row count plus, per column, a numeric sum or a text digest. */
export interface Checksum {
  readonly rows: number
  readonly columns: readonly ColumnSum[]
}
export type ColumnSum =
  /** sum of the finite values; `special` folds the NaN / ±infinity counts into one number */
  | { readonly kind: 'number'; readonly sum: number; readonly special: number; readonly nulls: number }
  | { readonly kind: 'text'; readonly digest: number; readonly nulls: number }

export type ParentMessage =
  | { readonly kind: 'load'; readonly dataset: Dataset }
  | { readonly kind: 'run'; readonly engine: EngineName; readonly task: BenchTask; readonly withChecksum: boolean }
  | { readonly kind: 'stats' }
  | { readonly kind: 'exit' }

export interface ProcessStats {
  /** resident set after loading (and a GC where exposed), MiB */
  readonly loadedRssMb: number
  /** peak resident set over the whole process life, MiB */
  readonly peakRssMb: number
  /** peak resident set since loading finished, MiB, where the OS lets us reset the mark (Linux); else null */
  readonly peakQueryRssMb: number | null
}

export type ChildMessage =
  | { readonly kind: 'ready'; readonly info: string }
  | { readonly kind: 'loaded'; readonly ms: number; readonly rows: number }
  | { readonly kind: 'ran'; readonly ms: number; readonly checksum: Checksum | null }
  | { readonly kind: 'failed'; readonly message: string; readonly unsupported: boolean }
  | { readonly kind: 'stats'; readonly stats: ProcessStats }
