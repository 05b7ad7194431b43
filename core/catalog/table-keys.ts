/**
 * PRIMARY KEY / UNIQUE index upkeep of a MemoryTable's inserts (an UPDATE of a key column moves
 * its rows, table-move.ts): each either adds every key of the batch or, on a duplicate (23505),
 * leaves the indexes as they were.
 */
import type { ColumnSchema, TableConstraints, Transaction } from './catalog.ts'
import { getValue, type DataChunk, type Vector } from '../vector/vector.ts'
import { UniqueIndex, describeKey, type IndexKey } from './unique-index.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Value } from '../types/types.ts'
import type { MemoryTable } from './memory-table.ts'
import type { PendingChanges } from './visibility.ts'
import { MemoryTransaction } from './transaction.ts'

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

/** a key another transaction took out of an index and may put back: not free for this one (40001) */
export type HeldKeys = ((index: UniqueIndex, key: IndexKey) => boolean) | null

/** true when the new row at `position` may share `key` with the row `holder` for now (checked at commit) */
export type DeferKey = ((index: UniqueIndex, key: IndexKey, holder: number, position: number) => boolean) | null

/**
 * As DuckDB: a key that only another transaction's uncommitted row holds does not stop an insert;
 * whichever commits second fails (23505 at COMMIT). `settle` registers that check once.
 */
export function keyDeferral(table: MemoryTable, pending: PendingChanges, others: readonly PendingChanges[], start: number, settle: () => void): DeferKey {
  const appenders = others.filter(v => v.commitSeq === 0 && v.appendedCount > 0)
  if (appenders.length === 0) return null
  return (index, key, holder, position) => {
    if (!appenders.some(v => v.appended(holder))) return false
    // the writer's own rows still count: a second one with the key is a duplicate now
    if (pending.deferred.some(d => d.index === index && d.key === key && (d.position >= start || table.isLive(d.position)))) return false
    pending.defer(index, key, position)
    settle()
    return true
  }
}

/**
 * Registers, once per writer, the COMMIT check of the keys its rows hold beside another
 * writer's row (keyDeferral): the first to commit takes the index entry, the second fails with
 * 23505. `appenderOf` finds the uncommitted version (of another transaction) that appended a row.
 */
export function settleDeferredKeys(table: MemoryTable, pending: PendingChanges, appenderOf: (position: number, txn: Transaction) => PendingChanges | null): void {
  if (pending.checksDeferred || !(pending.writer instanceof MemoryTransaction)) return
  pending.checksDeferred = true
  pending.writer.onValidate(() => {
    for (const d of pending.deferred) {
      // rows deleted or re-keyed since, and indexes an ALTER replaced, have nothing to settle
      if (!table.indexes.includes(d.index) || !table.isLive(d.position) || table.keyAt(d.index, d.position) !== d.key) continue
      const holder = d.index.get(d.key)
      const other = holder === undefined || holder === d.position ? null : appenderOf(holder, pending.writer)
      if (holder !== undefined && holder !== d.position && other === null) {
        const e = table.duplicateError(d.index, d.index.columns.map(c => table.valueAt(d.position, c)))
        throw new GrizzlyError(e.code, `Failed to commit: ${e.message}`, { hint: 'a concurrent transaction committed the same key first; this transaction was rolled back, retry it' })
      }
      // first committer wins: the other uncommitted row now waits for its own commit
      d.index.set(d.key, d.position)
      if (other !== null && holder !== undefined) { other.defer(d.index, d.key, holder); settleDeferredKeys(table, other, appenderOf) }
    }
  })
}

/**
 * indexes the keys of rows [0, n) as positions start…; on a duplicate removes what it added and
 * throws 23505 (40001 for a key `held` by another transaction)
 */
export function addKeysOfBatch(table: MemoryTable, rows: DataChunk, start: number, held: HeldKeys = null, defer: DeferKey = null): void {
  const n = rows.size
  const indexes = table.indexes
  for (let x = 0; x < indexes.length; x++) {
    const index = indexes[x]!
    const vectors = index.columns.map(c => rows.columns[c]!)
    index.reserve(n)
    for (let i = 0; i < n; i++) {
      const key = index.keyOfVectors(vectors, i)
      if (key === null) continue
      const existing = index.get(key)
      if (existing === undefined && (held === null || !held(index, key))) { index.set(key, start + i); continue }
      if (existing !== undefined && defer !== null && defer(index, key, existing, start + i)) continue
      const values = vectors.map(v => getValue(v, i))
      const error = existing === undefined ? keyConflictError(table, index, values) : table.duplicateError(index, values)
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

/** 40001: a key another transaction took out of the index and has not committed (or committed after this one began) */
function keyConflictError(table: MemoryTable, index: UniqueIndex, values: readonly Value[]): GrizzlyError {
  const names = index.columns.map(c => table.columns[c]!.name)
  const types = index.columns.map(c => table.columns[c]!.type)
  return new GrizzlyError(SqlState.serializationFailure,
    `could not serialize access: key "${describeKey(names, types, values)}" of ${table.name} is being changed by another transaction`,
    { hint: 'roll back this transaction and retry it; the other transaction deleted or re-keyed that row and has not committed, or committed after this one began' })
}
