/**
 * Hash partitioning of rows into temporary files, for the hash join and the hash aggregate
 * when their state passes memory_limit. A level takes 4 bits of the 32-bit row hash from the
 * top (hash tables index by the low bits, so rows of one partition still spread over their
 * table); a partition too big for the budget is split again with the next 4 bits, at most
 * MAX_DEPTH times.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { LogicalType } from '../types/types.ts'
import { DataChunk, gather, type Vector } from '../vector/vector.ts'
import { hashRows } from './keys.ts'
import { chunkBytes, formatBytes, type QueryMemory, type SpillFile } from './memory.ts'

export const FANOUT = 16
export const MAX_DEPTH = 4

export function partitionOf(hash: number, depth: number): number {
  return (hash >>> (28 - 4 * depth)) & (FANOUT - 1)
}

/** Row hashes of the key columns, as the hash tables compute them. */
export function keyHashes(keys: readonly Vector[], count: number): Int32Array {
  return hashRows(keys, count, new Int32Array(count))
}

/** Rows written to FANOUT files by their key hash at one level. */
export class Partitions {
  readonly files: (SpillFile | null)[] = new Array<SpillFile | null>(FANOUT).fill(null)
  private readonly memory: QueryMemory
  private readonly types: readonly LogicalType[]
  readonly depth: number
  bytes = 0

  constructor(memory: QueryMemory, types: readonly LogicalType[], depth: number) {
    this.memory = memory
    this.types = types
    this.depth = depth
  }

  add(c: DataChunk, hashes: Int32Array): void {
    const n = c.size
    const part = new Uint8Array(n)
    // start[p]..start[p + 1] of `sel` will hold partition p's rows: one counting pass, one placing pass
    const start = new Int32Array(FANOUT + 1)
    for (let i = 0; i < n; i++) { const p = partitionOf(hashes[i]!, this.depth); part[i] = p; start[p + 1]!++ }
    for (let p = 0; p < FANOUT; p++) start[p + 1]! += start[p]!
    const at = start.slice(0, FANOUT)
    const sel = new Int32Array(n)
    for (let i = 0; i < n; i++) sel[at[part[i]!]!++] = i
    for (let p = 0; p < FANOUT; p++) {
      const m = start[p + 1]! - start[p]!
      if (m === 0) continue
      let rows: DataChunk = c
      if (m < n) {
        const rowsOf = sel.subarray(start[p]!, start[p + 1]!)
        rows = new DataChunk(c.columns.map(v => gather(v, rowsOf, m)), m)
      }
      let f = this.files[p]
      if (f === null || f === undefined) { f = this.memory.createFile(this.types); this.files[p] = f }
      const before = f.size
      f.append(rows)
      this.bytes += f.size - before
    }
  }
}

/** One spilled partition: its build (or input) rows and, for joins, its probe rows. */
export interface SpilledPartition {
  readonly build: SpillFile | null
  readonly probe: SpillFile | null
  readonly depth: number
}

export function pairPartitions(build: Partitions, probe: Partitions | null): SpilledPartition[] {
  const out: SpilledPartition[] = []
  for (let p = 0; p < FANOUT; p++) {
    const b = build.files[p] ?? null, q = probe === null ? null : probe.files[p] ?? null
    if (b !== null || q !== null) out.push({ build: b, probe: q, depth: build.depth })
  }
  return out
}

export function tooDeep(what: string, memory: QueryMemory): GrizzlyError {
  return new GrizzlyError(SqlState.outOfMemory,
    `out of memory: ${what} does not fit in memory_limit (${formatBytes(memory.limit)}) even after partitioning it ${MAX_DEPTH} times`,
    { hint: "raise memory_limit (e.g. SET memory_limit = '4GB'); many rows share one key, so spilling cannot split them further" })
}

/**
 * The build rows of a partition when they fit in the budget (reserved: the caller releases
 * `reserved`), else null after splitting the partition one level deeper into `requeue`.
 */
export function loadPartition(part: SpilledPartition, memory: QueryMemory, overhead: number,
  hashOf: (c: DataChunk, side: 'build' | 'probe') => Int32Array, requeue: (parts: SpilledPartition[]) => void,
  what: string): { chunks: DataChunk[]; reserved: number } | null {
  const chunks: DataChunk[] = []
  let reserved = 0
  if (part.build !== null) {
    for (const c of part.build.chunks()) {
      const b = chunkBytes(c) * overhead
      if (!memory.tryReserve(b)) {
        memory.release(reserved)
        if (part.depth + 1 >= MAX_DEPTH) throw tooDeep(what, memory)
        requeue(split(part, memory, hashOf))
        return null
      }
      chunks.push(c)
      reserved += b
    }
    part.build.delete()
  }
  return { chunks, reserved }
}

function split(part: SpilledPartition, memory: QueryMemory, hashOf: (c: DataChunk, side: 'build' | 'probe') => Int32Array): SpilledPartition[] {
  const depth = part.depth + 1
  const build = new Partitions(memory, part.build!.types, depth)
  for (const c of part.build!.chunks()) build.add(c, hashOf(c, 'build'))
  part.build!.delete()
  let probe: Partitions | null = null
  if (part.probe !== null) {
    probe = new Partitions(memory, part.probe.types, depth)
    for (const c of part.probe.chunks()) probe.add(c, hashOf(c, 'probe'))
    part.probe.delete()
  }
  return pairPartitions(build, probe)
}
