/** Small vector helpers of MemoryTable's scans and writes. */
import { ROW_ID_COLUMN } from './catalog.ts'
import { DataChunk, Vector, allocData, type VectorData } from '../vector/vector.ts'
import type { PhysicalType } from '../types/types.ts'
import { allocColumn, finishColumn, type ColumnSegment } from './column-segment.ts'
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

/** the row at `offset` of `group` (row id `rowId`) alone, `columns` of it: a point lookup's answer */
export function rowChunk(group: RowGroup, rowId: number, offset: number, columns: readonly number[]): DataChunk {
  const vectors = new Array<Vector>(columns.length)
  for (let k = 0; k < columns.length; k++) {
    const c = columns[k]!
    vectors[k] = c === ROW_ID_COLUMN ? rowIdRange(rowId, 1) : rowVector(group.segments[c]!, offset)
  }
  return new DataChunk(vectors, 1)
}

/** row i of `segment` alone as a new vector (a point lookup's answer): flat values without the copy through allocColumn */
function rowVector(segment: ColumnSegment, i: number): Vector {
  const p = segment.physical
  if (!FLAT.has(p)) {
    const out = allocColumn(segment.type, 1)
    segment.copyTo(i, out, 0)
    return finishColumn(out)
  }
  if (!segment.isValid(i)) return new Vector(segment.type, 1, allocData(p, 1), new Uint8Array(1))
  const value = segment.rawAt(i)
  if (BOXED.has(p)) return new Vector(segment.type, 1, [value] as VectorData, null)
  const data = allocData(p, 1)
  ;(data as unknown as unknown[])[0] = value
  return new Vector(segment.type, 1, data, null)
}

/** physical types a segment keeps one value per row of, in a typed array or (BOXED) an array */
const BOXED: ReadonlySet<PhysicalType> = new Set(['big', 'str', 'blob', 'interval'])
const FLAT: ReadonlySet<PhysicalType> = new Set(['u8', 'i8', 'i16', 'i32', 'date', 'i64', 'f32', 'f64', ...BOXED])
