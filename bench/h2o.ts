/**
 * The H2O db-benchmark G1 table (groupby, K = 100 groups) generated deterministically from a
 * seed, plus the ten groupby questions and the scan/filter/sum micro-set that run over it.
 * Every engine process calls `generateG1` with the same seed and row count, so each gets the
 * same rows without a file format Grizzly cannot read yet.
 */
import { Rng } from './tpch/rng.ts'
import type { BenchTask } from './tasks.ts'

export const G1_GROUPS = 100
export const DEFAULT_H2O_SEED = 20_190_604

export type G1Kind = 'text' | 'int' | 'double'
export interface G1Column { readonly name: string; readonly kind: G1Kind }

export const G1_COLUMNS: readonly G1Column[] = [
  { name: 'id1', kind: 'text' }, { name: 'id2', kind: 'text' }, { name: 'id3', kind: 'text' },
  { name: 'id4', kind: 'int' }, { name: 'id5', kind: 'int' }, { name: 'id6', kind: 'int' },
  { name: 'v1', kind: 'int' }, { name: 'v2', kind: 'int' }, { name: 'v3', kind: 'double' },
]

export type G1Data = Int32Array | Float64Array | string[]

export interface G1Table {
  readonly rows: number
  /** one entry per G1_COLUMNS entry */
  readonly columns: readonly G1Data[]
}

const idText = (n: number, width: number): string => `id${String(n).padStart(width, '0')}`

/**
 * As the db-benchmark's R generator: id1/id2 'id001'..'id100', id3 'id0000000001'..N/K,
 * id4/id5 1..K, id6 1..N/K, v1 1..5, v2 1..15, v3 uniform in [0, 100) rounded to 6 decimals.
 * No NULLs (the benchmark's 0% NA variant).
 */
export function generateG1(rows: number, seed = DEFAULT_H2O_SEED): G1Table {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`G1 needs a positive row count, got ${rows}`)
  const k = G1_GROUPS
  const nk = Math.max(1, Math.floor(rows / k))
  const smallIds = Array.from({ length: k }, (_, i) => idText(i + 1, 3))
  const largeIds = Array.from({ length: nk }, (_, i) => idText(i + 1, 10))
  const rng = new Rng(seed)
  const id1: string[] = new Array<string>(rows), id2: string[] = new Array<string>(rows), id3: string[] = new Array<string>(rows)
  const id4 = new Int32Array(rows), id5 = new Int32Array(rows), id6 = new Int32Array(rows)
  const v1 = new Int32Array(rows), v2 = new Int32Array(rows), v3 = new Float64Array(rows)
  const u = (n: number): number => Math.floor(rng.next() * n)
  for (let i = 0; i < rows; i++) {
    id1[i] = smallIds[u(k)]!
    id2[i] = smallIds[u(k)]!
    id3[i] = largeIds[u(nk)]!
    id4[i] = u(k) + 1
    id5[i] = u(k) + 1
    id6[i] = u(nk) + 1
    v1[i] = u(5) + 1
    v2[i] = u(15) + 1
    v3[i] = Math.round(rng.next() * 100 * 1e6) / 1e6
  }
  return { rows, columns: [id1, id2, id3, id4, id5, id6, v1, v2, v3] }
}

/** The ten groupby questions; each answer lands in table `ans` (as the db-benchmark does) and is checked by `check`. */
export const H2O_TASKS: readonly BenchTask[] = [
  ['q1', 'sum v1 by id1', 'SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1', 'SELECT count(*), sum(v1) FROM ans'],
  ['q2', 'sum v1 by id1:id2', 'SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2', 'SELECT count(*), sum(v1) FROM ans'],
  ['q3', 'sum v1 mean v3 by id3', 'SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3', 'SELECT count(*), sum(v1), sum(v3) FROM ans'],
  ['q4', 'mean v1:v3 by id4', 'SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4', 'SELECT count(*), sum(v1), sum(v2), sum(v3) FROM ans'],
  ['q5', 'sum v1:v3 by id6', 'SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6', 'SELECT count(*), sum(v1), sum(v2), sum(v3) FROM ans'],
  ['q6', 'median v3 sd v3 by id4 id5', 'SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5', 'SELECT count(*), sum(median_v3), sum(sd_v3) FROM ans'],
  ['q7', 'max v1 - min v2 by id3', 'SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3', 'SELECT count(*), sum(range_v1_v2) FROM ans'],
  ['q8', 'largest two v3 by id6', 'SELECT id6, v3 AS largest2_v3 FROM (SELECT id6, v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2', 'SELECT count(*), sum(largest2_v3) FROM ans'],
  ['q9', 'regression v1 v2 by id2 id4', 'SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4', 'SELECT count(*), sum(r2) FROM ans'],
  ['q10', 'sum v3 count by id1:id6', 'SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6', 'SELECT count(*), sum(v3), sum(count) FROM ans'],
].map(([name, title, sql, check]) => ({ section: 'h2o', name: name!, title: title!, sql: sql!, answer: { kind: 'table', check: check! } } as const))

/** Scan/filter/sum over the same table; rows/s is reported against the table's row count. */
export const MICRO_TASKS: readonly BenchTask[] = [
  ['sum', 'SUM over one DOUBLE column', 'SELECT sum(v3) FROM x'],
  ['filter_1pct', 'selective filter (~1%) then SUM', 'SELECT count(*), sum(v3) FROM x WHERE id4 = 42'],
  ['string_eq', 'string equality filter', "SELECT count(*), sum(v1) FROM x WHERE id1 = 'id042'"],
  ['count_distinct', 'COUNT(DISTINCT) on 1% cardinality', 'SELECT count(DISTINCT id3) FROM x'],
].map(([name, title, sql]) => ({ section: 'micro', name: name!, title: title!, sql: sql!, answer: { kind: 'rows' } } as const))
