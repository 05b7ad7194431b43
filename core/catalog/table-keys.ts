/**
 * PRIMARY KEY / UNIQUE index upkeep of a MemoryTable's inserts and updates: each either moves
 * every key it touches or, on a duplicate (23505), leaves the indexes as they were.
 */
import type { ColumnSchema, TableConstraints } from './catalog.ts'
import { getValue, type DataChunk, type Vector } from '../vector/vector.ts'
import { UniqueIndex, type IndexKey } from './unique-index.ts'
import type { MemoryTable } from './memory-table.ts'
import { ROW_GROUP_SIZE } from './memory-table.ts'

export function buildIndexes(columns: readonly ColumnSchema[], constraints: TableConstraints): UniqueIndex[] {
  const keyTypes = (key: readonly number[]) => key.map(c => columns[c]!.type)
  const out: UniqueIndex[] = []
  if (constraints.primaryKey !== null) out.push(new UniqueIndex([...constraints.primaryKey], true, keyTypes(constraints.primaryKey)))
  for (const key of constraints.unique) out.push(new UniqueIndex([...key], false, keyTypes(key)))
  return out
}

/** per key part of `index`, the vector of new values an UPDATE of `columns` gives it, or null when unchanged */
export function updatedKeyParts(index: UniqueIndex, columns: readonly number[], values: DataChunk): (Vector | null)[] {
  return index.columns.map(c => { const j = columns.indexOf(c); return j >= 0 ? values.columns[j]! : null })
}

/** indexes the keys of rows [0, n) as positions start…; on a duplicate removes what it added and throws 23505 */
export function addKeysOfBatch(table: MemoryTable, rows: DataChunk, start: number): void {
  const n = rows.size
  const indexes = table.indexes
  for (let x = 0; x < indexes.length; x++) {
    const index = indexes[x]!
    const vectors = index.columns.map(c => rows.columns[c]!)
    index.reserve(n)
    for (let i = 0; i < n; i++) {
      const key = index.keyOfVectors(vectors, i)
      if (key === null) continue
      if (index.get(key) === undefined) { index.set(key, start + i); continue }
      const error = table.duplicateError(index, vectors.map(v => getValue(v, i)))
      // forget the keys of this batch added so far: rows before i here, all rows in earlier indexes
      for (let y = 0; y <= x; y++) {
        const added = indexes[y]!
        const addedVectors = added.columns.map(c => rows.columns[c]!)
        for (let r = 0; r < (y === x ? i : n); r++) {
          const k = added.keyOfVectors(addedVectors, r)
          if (k !== null && added.get(k) === start + r) added.delete(k)
        }
      }
      throw error
    }
  }
}

/**
 * Moves the index entries of updated rows to their new keys, checking uniqueness against the
 * other live rows and among the updated rows. Throws 23505 with the indexes unchanged.
 */
export function rekeyForUpdate(table: MemoryTable, positions: Float64Array, columns: readonly number[], values: DataChunk): { revert(): void } {
  const affected = table.indexes.filter(ix => ix.columns.some(c => columns.includes(c)))
  // index changes made so far, undone in reverse by revert()
  const removedKeys: IndexKey[] = [], removedFrom: UniqueIndex[] = [], removedPositions: number[] = []
  const addedKeys: IndexKey[] = [], addedTo: UniqueIndex[] = []
  const revert = (): void => {
    for (let k = addedKeys.length - 1; k >= 0; k--) addedTo[k]!.delete(addedKeys[k]!)
    for (let k = removedKeys.length - 1; k >= 0; k--) removedFrom[k]!.set(removedKeys[k]!, removedPositions[k]!)
  }
  if (affected.length === 0) return { revert }
  // live rows, each once: a row named twice takes its last value
  const seen = new Uint8Array(table.rowPositions)
  const rows: number[] = [], rowPositions: number[] = []
  for (let i = positions.length - 1; i >= 0; i--) {
    const p = positions[i]!
    if (seen[p] === 1 || !table.isLive(p)) continue
    seen[p] = 1
    rows.push(i)
    rowPositions.push(p)
  }
  try {
    for (const index of affected) {
      for (const p of rowPositions) {
        const key = table.keyAt(index, p)
        if (key !== null && index.get(key) === p) {
          index.delete(key)
          removedKeys.push(key); removedFrom.push(index); removedPositions.push(p)
        }
      }
      const updated = updatedKeyParts(index, columns, values)
      for (let k = 0; k < rows.length; k++) {
        const p = rowPositions[k]!, i = rows[k]!
        const group = table.groups[Math.floor(p / ROW_GROUP_SIZE)]!
        const off = p % ROW_GROUP_SIZE
        const key = index.keyOfUpdated(group.segments, off, updated, i)
        if (key === null) continue
        if (index.get(key) !== undefined) {
          throw table.duplicateError(index, index.columns.map((c, part) => {
            const v = updated[part]!
            return v !== null ? getValue(v, i) : group.segments[c]!.valueAt(off)
          }))
        }
        index.set(key, p)
        addedKeys.push(key); addedTo.push(index)
      }
    }
  } catch (e) {
    revert()
    throw e
  }
  return { revert }
}
