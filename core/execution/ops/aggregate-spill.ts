/**
 * GROUP BY under memory_limit (hybrid hash aggregation). Groups are created while their
 * estimated bytes fit the query's budget; past it the table is frozen: rows of groups it
 * already has keep updating them in memory, rows of new groups are written to temporary files
 * partitioned by the hash of their keys. After the in-memory groups are emitted, each
 * partition is aggregated the same way with fresh states (its own overflow partitioned again
 * with the next hash bits). A group's rows all meet in one place, so no aggregate state is
 * ever serialised or combined and every aggregate function spills alike. DISTINCT runs the
 * same way with no aggregates, returning new rows as it meets them.
 */
import type { LogicalType } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, gather, type Vector } from '../../vector/vector.ts'
import { chunkBytes, formatBytes, type QueryMemory } from '../memory.ts'
import { chunksOf, type Materialized, selectRows } from '../operator.ts'
import { keyHashes, MAX_DEPTH, pairPartitions, Partitions, type SpilledPartition, tooDeep } from '../partitions.ts'

/** per group besides its key: hash table slots and references, one state entry per aggregate */
const GROUP_OVERHEAD = 48
const STATE_BYTES = 24

export interface SpillableAggregate {
  readonly memory: QueryMemory
  readonly inputTypes: readonly LogicalType[]
  readonly aggregateCount: number
  /** updates the groups; DISTINCT returns the rows that start a group right away. `known`: the rows' groups as lookup found them (all present) */
  consume(c: DataChunk, known?: Int32Array): DataChunk | null
  /** the groups' results once the input is done (null: all was returned by consume) */
  finish(): Materialized | null
  groupCount(): number
  /** the group keys of `c` and the id of each row's group, -1 when the table does not have it */
  lookup(c: DataChunk): { keys: Vector[]; ids: Int32Array }
  /** starts over with empty groups (the next partition) */
  reset(): void
}

export interface SpillStats { bytes: number; partitions: number }

/** EXPLAIN ANALYZE's note of what a hybrid aggregate wrote to disk ('' when nothing) */
export function spillDetail(s: SpillStats): string {
  return s.partitions === 0 ? '' : `[spilled: ${formatBytes(s.bytes)} in ${s.partitions} partitions]`
}

export function* hybridAggregate(agg: SpillableAggregate, input: () => DataChunk | null, stats: SpillStats): Generator<DataChunk> {
  const memory = agg.memory
  const queue: SpilledPartition[] = []
  let next = input
  let level = 0
  let current: SpilledPartition | null = null
  for (;;) {
    let reserved = 0
    let parts: Partitions | null = null
    try {
      for (let c = next(); c !== null; c = next()) {
        if (parts !== null) { route(agg, c, parts); continue }
        const before = agg.groupCount()
        const out = agg.consume(c)
        const grown = agg.groupCount() - before
        if (out !== null) yield out
        if (grown === 0) continue
        const bytes = grown * (chunkBytes(c) / c.size + GROUP_OVERHEAD + STATE_BYTES * agg.aggregateCount)
        if (memory.tryReserve(bytes)) { reserved += bytes; continue }
        memory.force(bytes)
        reserved += bytes
        if (level >= MAX_DEPTH) throw tooDeep('the groups of a GROUP BY', memory)
        parts = new Partitions(memory, agg.inputTypes, level)
      }
      const result = agg.finish()
      if (result !== null) for (const out of chunksOf(result, CHUNK_SIZE)) yield out
    } finally {
      memory.release(reserved)
      current?.build?.delete()
    }
    if (parts !== null) {
      const added = pairPartitions(parts, null)
      stats.bytes += parts.bytes
      stats.partitions += added.length
      queue.unshift(...added)
    }
    current = queue.shift() ?? null
    if (current === null) return
    agg.reset()
    level = current.depth + 1
    const chunks = current.build!.chunks()
    next = () => { const r = chunks.next(); return r.done === true ? null : r.value }
  }
}

/** Rows of known groups update them; the others go to their partition. */
function route(agg: SpillableAggregate, c: DataChunk, parts: Partitions): void {
  const { keys, ids } = agg.lookup(c)
  const n = c.size
  const known = new Int32Array(n), unknown = new Int32Array(n)
  let k = 0, u = 0
  for (let i = 0; i < n; i++) { if (ids[i]! >= 0) known[k++] = i; else unknown[u++] = i }
  if (k > 0) {
    // their groups were just found: not looked up again
    const knownIds = new Int32Array(k)
    for (let j = 0; j < k; j++) knownIds[j] = ids[known[j]!]!
    agg.consume(selectRows(c, known, k), knownIds)
  }
  if (u === 0) return
  const rows = selectRows(c, unknown, u)
  parts.add(rows, keyHashes(u === n ? keys : keys.map(v => gather(v, unknown, u)), u))
}
