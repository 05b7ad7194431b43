/**
 * A hash join's build side in shared memory, for the threads that probe it: an open-addressing
 * table of the distinct keys (linear probing, capacity a power of two at least twice the rows,
 * hashed by the multiply-shift `hashSource` the kernel repeats), each key's group number, and
 * the payload columns with the rows of a group side by side (`start[g]` to `start[g + 1]`) in
 * the order the build side produced them — the order the serial hash join's chains give its
 * matches, so the rows reach the aggregate in the serial order. Rows with a NULL key are left
 * out (`=` never matches them).
 */
import type { Materialized } from '../operator.ts'
import type { FragmentJoin } from '../../optimizer/parallel-fragment.ts'
import { type SharedColumn, type SharedTyped, sharedBytes, sharedTyped } from '../../catalog/shared-arrays.ts'
import { physicalOf } from '../../types/types.ts'

export interface SharedBuild {
  /** key per slot (meaningful where `group` is not −1) */
  readonly keys: Int32Array
  /** the key's group per slot, −1 = empty */
  readonly group: Int32Array
  /** group g's rows are [start[g], start[g + 1]) of the payload columns */
  readonly start: Int32Array
  readonly mask: number
  readonly shift: number
  readonly columns: readonly SharedColumn[]
  /** shared bytes held, charged to the query's memory */
  readonly bytes: number
}

/** the slot a key hashes to (the kernel's source repeats this expression) */
export const hashSource = (key: string, shift: string): string => `(Math.imul(${key}, -1640531535) >>> ${shift})`
const slotOf = (key: number, shift: number): number => Math.imul(key, -1640531535) >>> shift

/** bytes `sharedBuild` will take for `rows` build rows (capacity, groups, payload at 8 bytes + a validity byte) */
export function sharedBuildBytes(rows: number, payload: number): number {
  return capacityOf(rows) * 8 + (rows + 1) * 4 + rows * payload * 9
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
  const cap = capacityOf(n)
  const shift = 32 - Math.log2(cap), mask = cap - 1
  const keys = sharedTyped('i32', cap) as Int32Array
  const group = sharedTyped('i32', cap) as Int32Array
  group.fill(-1)
  const groupOfRow = new Int32Array(n)
  const counts: number[] = []
  for (let r = 0; r < n; r++) {
    if (kv !== null && kv[r] === 0) { groupOfRow[r] = -1; continue }
    const k = kd[r]!
    let s = slotOf(k, shift)
    for (;;) {
      const g = group[s]!
      if (g < 0) { keys[s] = k; group[s] = counts.length; groupOfRow[r] = counts.length; counts.push(1); break }
      if (keys[s] === k) { groupOfRow[r] = g; counts[g]!++; break }
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
  let bytes = cap * 8 + (G + 1) * 4
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
  return { keys, group, start, mask, shift, columns, bytes }
}
