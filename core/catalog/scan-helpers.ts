/** Small vector helpers of MemoryTable's scans and writes. */
import { ROW_ID_COLUMN } from './catalog.ts'
import { DataChunk, Vector } from '../vector/vector.ts'
import type { RowGroup } from './memory-table.ts'

export function positionRange(start: number, count: number): Float64Array {
  const out = new Float64Array(count)
  for (let i = 0; i < count; i++) out[i] = start + i
  return out
}

export function vectorHasNull(v: Vector, n: number): boolean {
  if (v.physical === 'null') return n > 0
  const valid = v.validity
  if (valid === null) return false
  for (let i = 0; i < n; i++) if (valid[i] === 0) return true
  return false
}

export function rowIdRange(first: number, count: number): Vector {
  const ids = new BigInt64Array(count)
  for (let i = 0; i < count; i++) ids[i] = BigInt(first + i)
  return new Vector({ id: 'BIGINT' }, count, ids, null)
}

export type Restore = (column: number, v: Vector, positionOf: (k: number) => number) => Vector

export function gatherChunk(group: RowGroup, base: number, columns: readonly number[], sel: Int32Array, n: number, restore: Restore | null): DataChunk {
  const vectors = columns.map(c => {
    if (c !== ROW_ID_COLUMN) {
      const v = group.segments[c]!.gather(sel, n)
      return restore === null ? v : restore(c, v, k => base + sel[k]!)
    }
    const ids = new BigInt64Array(n)
    for (let k = 0; k < n; k++) ids[k] = BigInt(base + sel[k]!)
    return new Vector({ id: 'BIGINT' }, n, ids, null)
  })
  return new DataChunk(vectors, n)
}
