/**
 * Distinct-value estimates for join ordering. Tables keep no statistics, so the first plan
 * that needs a column's count samples it in one scan: every s-th row for the Haas–Stokes "Duj1"
 * estimator, which suits values scattered over the table, and the BLOCK rows from each of
 * those on, whose distinct count tells how long runs of equal values are (lineitem's order key
 * comes in runs of 1–7 rows, which a strided sample never sees twice); the smaller wins. A
 * table without deleted rows is read by position (fetch), only the sampled rows; others by a
 * scan of the column. Results are cached per table and column until the table's row count moves by more
 * than a tenth. Only in-memory tables are sampled (a scan of an external file is not cheap);
 * elsewhere the answer is undefined and callers assume a key.
 */
import type { Transaction } from '../catalog/catalog.ts'
import { MemoryTable } from '../catalog/memory-table.ts'
import type { ColumnId } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { type Vector, getValue } from '../vector/vector.ts'

/** rows looked at per column: enough for Duj1 to be within about 2× on TPC-H's keys */
const SAMPLE_ROWS = 4096
const BLOCK = 8

interface Cached { readonly rows: number; readonly distinct: number }
const cache = new WeakMap<MemoryTable, Map<number, Cached>>()

/**
 * The number of distinct values of column `id` of `plan`'s output, before the plan's filters
 * (callers cap it by the filtered row count), or undefined when it cannot be traced to a table.
 */
export function baseDistinct(plan: LogicalPlan, id: ColumnId, txn: Transaction): number | undefined {
  switch (plan.kind) {
    case 'scan': {
      const at = plan.output.findIndex(c => c.id === id)
      const column = plan.columns[at]
      const provider = plan.table.provider
      if (column === undefined || column < 0 || !(provider instanceof MemoryTable)) return undefined
      return tableDistinct(provider, column, txn)
    }
    case 'filter': case 'sort': case 'limit': case 'top_n': case 'distinct': return baseDistinct(plan.input, id, txn)
    case 'project': {
      const at = plan.output.findIndex(c => c.id === id)
      const e = plan.exprs[at]
      return e?.kind === 'colref' ? baseDistinct(plan.input, e.id, txn) : undefined
    }
    default: return undefined
  }
}

function tableDistinct(table: MemoryTable, column: number, txn: Transaction): number {
  const rows = table.liveRowCount
  let perTable = cache.get(table)
  if (perTable === undefined) cache.set(table, perTable = new Map())
  const hit = perTable.get(column)
  if (hit !== undefined && Math.abs(hit.rows - rows) <= hit.rows / 10) return hit.distinct
  const distinct = sampleDistinct(table, column, txn, rows)
  perTable.set(column, { rows, distinct })
  return distinct
}

function sampleDistinct(table: MemoryTable, column: number, txn: Transaction, rows: number): number {
  const stride = Math.max(1, Math.floor(rows / SAMPLE_ROWS))
  // steps of 1 … 2·stride − 1 (xorshift, fixed seed): a plain stride aliases with periodic data
  let state = 0x9e3779b9
  const step = (): number => {
    if (stride === 1) return 1
    state ^= state << 13; state ^= state >>> 17; state ^= state << 5
    return 1 + ((state >>> 0) % (2 * stride - 1))
  }
  const sample = table.rowPositions === rows ? fetchBlocks(table, column, txn, rows, step) : scanBlocks(table, column, txn, step)
  const counts = new Map<unknown, number>()
  let n = 0
  // sum over blocks of (distinct − 1) / (rows − 1): the share of rows that start a new run
  let runStarts = 0, blocks = 0
  for (const block of sample.blocks) {
    // the block's first value joins the scattered sample (NULL is no value)
    const key = block[0]
    if (key === undefined) continue
    counts.set(key, (counts.get(key) ?? 0) + 1)
    n++
    if (block.length > 1) {
      runStarts += (new Set(block).size - 1) / (block.length - 1)
      blocks++
    }
  }
  const d = counts.size, seen = sample.rows
  if (n === 0 || d === 0) return 1
  if (stride === 1) return d
  let f1 = 0
  for (const c of counts.values()) if (c === 1) f1++
  // Duj1: D = n·d / (n − f1 + f1·n/N)
  const scattered = (n * d) / (n - f1 + (f1 * n) / seen)
  const runs = blocks === 0 ? seen : seen * (runStarts / blocks)
  return Math.max(d, Math.min(seen, Math.round(Math.min(scattered, runs))))
}

/** each sampled block's non-NULL values, and the rows the sample was drawn from */
interface Sample { readonly blocks: unknown[][]; readonly rows: number }

function keyOf(v: Vector, i: number): unknown {
  const x = getValue(v, i)
  return x !== null && typeof x === 'object' ? String(x) : x
}

/** With no deleted rows every position is a row: fetch only the sampled ones. */
function fetchBlocks(table: MemoryTable, column: number, txn: Transaction, rows: number, step: () => number): Sample {
  const starts: number[] = []
  for (let at = 0; at < rows; at += step()) starts.push(at)
  const ids: bigint[] = []
  for (const at of starts) for (let i = at; i < Math.min(at + BLOCK, rows); i++) ids.push(BigInt(i))
  const v = table.fetch(txn, BigInt64Array.from(ids), [column]).columns[0]!
  const blocks: unknown[][] = []
  let k = 0
  for (const at of starts) {
    const block: unknown[] = []
    for (let i = at; i < Math.min(at + BLOCK, rows); i++, k++) {
      const key = keyOf(v, k)
      if (key !== null) block.push(key)
    }
    blocks.push(block)
  }
  return { blocks, rows }
}

/** Otherwise one scan, blocks cut at chunk ends. */
function scanBlocks(table: MemoryTable, column: number, txn: Transaction, step: () => number): Sample {
  const blocks: unknown[][] = []
  let next = 0, seen = 0
  for (const chunk of table.scan(txn, { columns: [column], filters: [] })) {
    const v = chunk.columns[0]!
    for (; next < seen + chunk.size; next += step()) {
      const at = next - seen
      const block: unknown[] = []
      for (let i = at; i < Math.min(at + BLOCK, chunk.size); i++) {
        const key = keyOf(v, i)
        if (key !== null) block.push(key)
      }
      blocks.push(block)
    }
    seen += chunk.size
  }
  return { blocks, rows: seen }
}
