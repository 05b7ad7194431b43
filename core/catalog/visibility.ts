/**
 * Versions of a MemoryTable's data. A writer changes rows in place and records here what it
 * changed — the rows it appended, the committed rows it deleted, the committed values it
 * overwrote. Other transactions undo those changes on the fly when they scan: the writer's
 * uncommitted ones, and the committed ones newer than their snapshot (kept while an active
 * transaction may still need them). Durable storage with full MVCC replaces this class and
 * MemoryTable.hiddenRows. Several writers may change one table at once, each with its own
 * PendingChanges: appends anywhere (their rows interleave), deletes and updates of different rows.
 */
import type { Transaction } from './catalog.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import { Vector, VectorBuilder, getValue } from '../vector/vector.ts'
import type { Value } from '../types/types.ts'
import type { IndexKey, UniqueIndex } from './unique-index.ts'

interface UpdateRecord {
  readonly positions: Float64Array
  readonly columns: readonly number[]
  /** the values before the update, row i for positions[i] */
  readonly old: readonly Vector[]
}

interface OldValue { readonly vector: Vector; readonly row: number }

export interface DeferredKey { readonly index: UniqueIndex; readonly key: IndexKey; readonly position: number }

export class PendingChanges {
  /** sequence number of the commit that made these changes permanent; 0 while uncommitted */
  commitSeq = 0
  /** committed rows the writer deleted, one array per DELETE */
  private readonly deleted: (readonly number[])[] = []
  private deletedByGroup: Map<number, number[]> | null = null
  private readonly updates: UpdateRecord[] = []
  private oldValues: Map<number, Map<number, OldValue>> | null = null
  /**
   * positions the writer appended, as ascending [from, to) pairs: several writers append to one
   * table at once, so a writer's rows need not be contiguous
   */
  private readonly appends: number[] = []
  /** rows the writer deleted or updated (made on the first conflict check, then kept up to date) */
  private touched: Set<number> | null = null
  /** PRIMARY KEY / UNIQUE keys the writer took out of an index (deleted or re-keyed rows) */
  private released: Map<UniqueIndex, Set<IndexKey>> | null = null
  /** keys the writer's rows hold while another uncommitted writer's row is in the index: settled at commit */
  private deferredKeys: DeferredKey[] | null = null
  /** set once the commit check of the deferred keys is registered with the writer */
  checksDeferred = false

  constructor(readonly writer: Transaction) {}

  /** durable storage: the positions of each DELETE, and each UPDATE's positions and columns */
  get deletedLists(): readonly (readonly number[])[] { return this.deleted }
  get updateRecords(): readonly { readonly positions: Float64Array; readonly columns: readonly number[] }[] { return this.updates }
  /** durable storage: the appended positions as [from, to) pairs */
  get appendedRanges(): readonly number[] { return this.appends }

  get appendedCount(): number {
    let n = 0
    for (let i = 0; i < this.appends.length; i += 2) n += this.appends[i + 1]! - this.appends[i]!
    return n
  }

  recordAppend(from: number, to: number): void {
    const n = this.appends.length
    if (n > 0 && this.appends[n - 1] === from) this.appends[n - 1] = to
    else this.appends.push(from, to)
  }

  /** undo of the last append (undo runs in reverse, so it is always the tail of the last range) */
  unrecordAppend(from: number, to: number): void {
    const n = this.appends.length
    if (n === 0 || this.appends[n - 1] !== to) return
    if (this.appends[n - 2]! < from) this.appends[n - 1] = from
    else this.appends.length = n - 2
  }

  /** true when the writer appended row `position` */
  appended(position: number): boolean {
    const a = this.appends
    let lo = 0, hi = a.length / 2 - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (position < a[2 * mid]!) hi = mid - 1
      else if (position >= a[2 * mid + 1]!) lo = mid + 1
      else return true
    }
    return false
  }

  /** true when the writer appended a row in [from, to) */
  appendsWithin(from: number, to: number): boolean {
    const r = this.appends
    for (let i = 0; i < r.length; i += 2) if (r[i]! < to && r[i + 1]! > from) return true
    return false
  }

  /** true when the writer deleted or updated row `position` (a second writer of it conflicts) */
  touches(position: number): boolean {
    if (this.touched === null) {
      this.touched = new Set()
      for (const list of this.deleted) for (const p of list) this.touched.add(p)
      for (const u of this.updates) for (let i = 0; i < u.positions.length; i++) this.touched.add(u.positions[i]!)
    }
    return this.touched.has(position)
  }

  recordDelete(positions: readonly number[]): void {
    this.deleted.push(positions)
    this.deletedByGroup = null
    if (this.touched !== null) for (const p of positions) this.touched.add(p)
  }

  recordUpdate(positions: Float64Array, columns: readonly number[], old: readonly Vector[]): void {
    this.updates.push({ positions, columns, old })
    this.oldValues = null
    if (this.touched !== null) for (let i = 0; i < positions.length; i++) this.touched.add(positions[i]!)
  }

  /** undo of the last DELETE / UPDATE record (a statement rolled back to its savepoint) */
  unrecordDelete(positions: readonly number[]): void {
    if (this.deleted[this.deleted.length - 1] !== positions) return
    this.deleted.pop()
    this.deletedByGroup = null
    this.touched = null
  }

  unrecordUpdate(positions: Float64Array): void {
    if (this.updates[this.updates.length - 1]?.positions !== positions) return
    this.updates.pop()
    this.oldValues = null
    this.touched = null
  }

  /** notes that the writer took `key` out of `index` */
  release(index: UniqueIndex, key: IndexKey): void {
    const map = this.released ??= new Map()
    let set = map.get(index)
    if (set === undefined) map.set(index, set = new Set())
    set.add(key)
  }

  /** true when the writer took `key` out of `index`: another writer may not put it back */
  releasedKey(index: UniqueIndex, key: IndexKey): boolean {
    return this.released?.get(index)?.has(key) === true
  }

  get releasesKeys(): boolean { return this.released !== null }

  /** notes that the writer's row `position` has `key` of `index`, though another row holds the index entry */
  defer(index: UniqueIndex, key: IndexKey, position: number): void {
    (this.deferredKeys ??= []).push({ index, key, position })
  }

  get deferred(): readonly DeferredKey[] { return this.deferredKeys ?? [] }

  /** the writer's own deferred row for `key`, if any */
  deferredRow(index: UniqueIndex, key: IndexKey): number | undefined {
    return this.deferredKeys?.find(d => d.index === index && d.key === key)?.position
  }

  /** undo of appends at [from, to): their deferred keys go too */
  forgetDeferred(from: number, to: number): void {
    if (this.deferredKeys !== null) this.deferredKeys = this.deferredKeys.filter(d => d.position < from || d.position >= to)
  }

  /** committed rows of group `group` the writer deleted, as offsets */
  deletedIn(group: number, groupSize: number): readonly number[] {
    if (this.deleted.length === 0) return []
    if (this.deletedByGroup === null) {
      const byGroup = new Map<number, number[]>()
      for (const list of this.deleted) for (const p of list) {
        // rows the writer appended stay hidden anyway
        if (this.appended(p)) continue
        const g = Math.floor(p / groupSize)
        let list = byGroup.get(g)
        if (list === undefined) byGroup.set(g, list = [])
        list.push(p % groupSize)
      }
      this.deletedByGroup = byGroup
    }
    return this.deletedByGroup.get(group) ?? []
  }

  get hasUpdates(): boolean { return this.updates.length > 0 }
  /** true when the writer deleted or updated rows (not only appended) */
  get changesRows(): boolean { return this.updates.length > 0 || this.deleted.length > 0 }

  /** the committed value of (position, column) when the writer overwrote it */
  private oldValuesOf(column: number): Map<number, OldValue> | undefined {
    if (this.oldValues === null) {
      const byColumn = new Map<number, Map<number, OldValue>>()
      for (const u of this.updates) {
        u.columns.forEach((c, j) => {
          let m = byColumn.get(c)
          if (m === undefined) byColumn.set(c, m = new Map())
          for (let i = 0; i < u.positions.length; i++) {
            const p = u.positions[i]!
            // the first record of a row holds its committed value
            if (!m.has(p) && !this.appended(p)) m.set(p, { vector: u.old[j]!, row: i })
          }
        })
      }
      this.oldValues = byColumn
    }
    return this.oldValues.get(column)
  }

  /** `out` (column `column` of the rows at `positionOf(k)`) with overwritten values put back */
  restore(column: number, out: Vector, positionOf: (k: number) => number): Vector {
    const old = this.oldValuesOf(column)
    if (old === undefined || old.size === 0) return out
    const hits: { k: number; value: OldValue }[] = []
    for (let k = 0; k < out.length; k++) {
      const v = old.get(positionOf(k))
      if (v !== undefined) hits.push({ k, value: v })
    }
    if (hits.length === 0) return out
    const p = out.physical
    if (p === 'list' || p === 'array' || p === 'struct' || p === 'null') {
      const replaced = new Map<number, Value>(hits.map(h => [h.k, getValue(h.value.vector, h.value.row)]))
      const b = new VectorBuilder(out.type, out.length)
      for (let k = 0; k < out.length; k++) b.push(replaced.has(k) ? replaced.get(k)! : getValue(out, k))
      return b.finish()
    }
    const data = out.data as unknown as { [i: number]: unknown }
    for (const { k, value } of hits) {
      const src = value.vector
      const valid = src.validity === null || src.validity[value.row] === 1
      if (valid) data[k] = (src.data as unknown as { [i: number]: unknown })[value.row]
      if (out.validity === null && !valid) out.validity = new Uint8Array(out.length).fill(1)
      if (out.validity !== null) out.validity[k] = valid ? 1 : 0
    }
    return out
  }
}

/**
 * Snapshot isolation's write rule, per row (first writer wins): a transaction may not delete or
 * update a row that a version it cannot see (`others`: uncommitted, or committed after it
 * began) changed or appended (40001).
 */
export function checkRowConflicts(others: readonly PendingChanges[], positions: Float64Array | BigInt64Array, table: string, what: string): void {
  if (others.length === 0) return
  for (let i = 0; i < positions.length; i++) {
    const p = Number(positions[i]!)
    for (const v of others) {
      if (!v.touches(p) && !v.appended(p)) continue
      throw new GrizzlyError(SqlState.serializationFailure,
        `could not serialize access: conflict on ${what} of a row of "${table}" that ${v.commitSeq === 0 ? 'another transaction is changing' : 'a transaction changed and committed after this one began'}`,
        { hint: 'roll back this transaction and retry it; of two transactions changing the same row only the first may go on' })
    }
  }
}

/**
 * A CREATE UNIQUE INDEX index keeps no record of the keys a writer took out, so a transaction
 * may not add keys to one while a version it cannot see deleted or updated rows of the table
 * (40001): that version's rollback would put its keys back beside the new ones.
 */
export function checkUniqueIndexWrites(others: readonly PendingChanges[], index: { readonly name: string } | undefined, table: string): void {
  if (index === undefined || !others.some(v => v.changesRows)) return
  throw new GrizzlyError(SqlState.serializationFailure,
    `could not serialize access: another transaction deleted or updated rows of "${table}", whose unique index ${index.name} cannot take new keys until it ends`,
    { hint: 'roll back this transaction and retry it once the other one has committed or rolled back' })
}

/**
 * Keys held back from a transaction: taken out of their index by a version it cannot see
 * (`others`) — an uncommitted one may put the key back on rollback, a newer commit removed a row
 * the transaction still sees. Null when no such version exists.
 */
export function heldKeys(others: readonly PendingChanges[]): ((index: UniqueIndex, key: IndexKey) => boolean) | null {
  const holding = others.filter(v => v.releasesKeys)
  if (holding.length === 0) return null
  return (index, key) => holding.some(v => v.releasedKey(index, key))
}
