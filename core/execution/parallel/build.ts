/**
 * A hash join's build side in shared memory, for the threads that probe it: an open-addressing
 * table of the distinct keys (linear probing, capacity a power of two at least twice the rows,
 * hashed by the multiply-shift `hashSource` the kernel repeats), each slot a (key, group)
 * pair side by side so a lookup touches one cache line, and the payload columns with the rows
 * of a group side by side (`start[g]` to `start[g + 1]`) in the order the build side produced
 * them — the order the serial hash join's chains give its matches, so the rows reach the
 * aggregate in the serial order. When every key has one row (a primary key) group g is row g
 * and the kernel skips `start`. Keys within a range of at most DIRECT_SPAN_PER_ROW × rows
 * (dense ids, or evenly sparse ones such as TPC-H's order keys) skip the hashing: `slots[key −
 * min]` is the key's group, one read per lookup, and probes in key order read it in order.
 * Rows with a NULL key are left out (`=` never matches them).
 */
import type { Materialized } from '../operator.ts'
import type { FragmentJoin } from '../../optimizer/parallel-fragment.ts'
import { type SharedColumn, type SharedTyped, sharedBytes, sharedTyped } from '../../catalog/shared-arrays.ts'
import { physicalOf } from '../../types/types.ts'

export interface SharedBuild {
  /** hashed: slot s holds the key at 2s and its group at 2s + 1 (−1 = an empty slot); direct: the group of key min + x at x (−1 = none) */
  readonly slots: Int32Array
  readonly direct: boolean
  readonly min: number
  /** group g's rows are [start[g], start[g + 1]) of the payload columns */
  readonly start: Int32Array
  /** every group has one row: group g is payload row g */
  readonly unique: boolean
  readonly mask: number
  readonly shift: number
  readonly columns: readonly SharedColumn[]
  /** shared bytes held, charged to the query's memory */
  readonly bytes: number
}

/** the slot a key hashes to (the kernel's source repeats this expression) */
export const hashSource = (key: string, shift: string): string => `(Math.imul(${key}, -1640531535) >>> ${shift})`
const slotOf = (key: number, shift: number): number => Math.imul(key, -1640531535) >>> shift

/** a direct table may take this many slots per build row (4 bytes each; a hashed one takes 16 or more) */
const DIRECT_SPAN_PER_ROW = 8

/** bytes `sharedBuild` will take at most for `rows` build rows (table, groups, payload at 8 bytes + a validity byte) */
export function sharedBuildBytes(rows: number, payload: number): number {
  return Math.max(capacityOf(rows) * 8, DIRECT_SPAN_PER_ROW * rows * 4, 1024 * 4) + (rows + 1) * 4 + rows * payload * 9
}

function capacityOf(rows: number): number {
  let cap = 2
  while (cap < 2 * rows) cap *= 2
  return cap
}

export function sharedBuild(join: FragmentJoin, m: Materialized): SharedBuild {
  const n = m.count
  const keyVector = m.columns[join.buildKey]!
  const kd = keyVector.data as Int32Array | Int16Array | Int8Array, kv = keyVector.validity
  let min = Infinity, max = -Infinity
  for (let r = 0; r < n; r++) if (kv === null || kv[r] === 1) { const k = kd[r]!; if (k < min) min = k; if (k > max) max = k }
  // no key (an empty build side, or NULL keys only): an empty direct table
  if (min > max) { min = 0; max = -1 }
  const span = max - min + 1
  const direct = span <= Math.max(1024, DIRECT_SPAN_PER_ROW * n)
  const cap = direct ? 0 : capacityOf(n)
  const shift = direct ? 0 : 32 - Math.log2(cap), mask = cap - 1
  const slots = sharedTyped('i32', direct ? span : 2 * cap) as Int32Array
  if (direct) slots.fill(-1)
  else for (let s = 1; s < 2 * cap; s += 2) slots[s] = -1
  const groupOfRow = new Int32Array(n)
  const counts: number[] = []
  for (let r = 0; r < n; r++) {
    if (kv !== null && kv[r] === 0) { groupOfRow[r] = -1; continue }
    const k = kd[r]!
    if (direct) {
      const g = slots[k - min]!
      if (g < 0) { slots[k - min] = counts.length; groupOfRow[r] = counts.length; counts.push(1) } else { groupOfRow[r] = g; counts[g]!++ }
      continue
    }
    let s = slotOf(k, shift)
    for (;;) {
      const g = slots[2 * s + 1]!
      if (g < 0) { slots[2 * s] = k; slots[2 * s + 1] = counts.length; groupOfRow[r] = counts.length; counts.push(1); break }
      if (slots[2 * s] === k) { groupOfRow[r] = g; counts[g]!++; break }
      s = (s + 1) & mask
    }
  }
  const G = counts.length
  const start = sharedTyped('i32', G + 1) as Int32Array
  for (let g = 0; g < G; g++) start[g + 1] = start[g]! + counts[g]!
  const kept = start[G]!
  // each group's rows side by side, in build order
  const at = start.slice(0, G)
  const rowAt = new Int32Array(kept)
  for (let r = 0; r < n; r++) { const g = groupOfRow[r]!; if (g >= 0) rowAt[at[g]!++] = r }
  let bytes = slots.byteLength + (G + 1) * 4
  const columns = join.payload.map(k => {
    const v = m.columns[k]!
    const src = v.data as SharedTyped, valid = v.validity
    const data = sharedTyped(physicalOf(v.type), kept)
    for (let x = 0; x < kept; x++) (data as Float64Array)[x] = (src as Float64Array)[rowAt[x]!]!
    let validity: Uint8Array | null = null
    if (valid !== null) {
      const out = sharedBytes(kept)
      let nulls = false
      for (let x = 0; x < kept; x++) { const ok = valid[rowAt[x]!]!; out[x] = ok; if (ok === 0) nulls = true }
      if (nulls) validity = out
    }
    bytes += data.byteLength + (validity === null ? 0 : kept)
    return { data, validity }
  })
  return { slots, direct, min: direct ? min : 0, start, unique: kept === G, mask, shift, columns, bytes }
}
