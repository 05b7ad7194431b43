/**
 * Versions of a MemoryTable's data. A writer changes rows in place and records here what it
 * changed — the rows it appended, the committed rows it deleted, the committed values it
 * overwrote. Other transactions undo those changes on the fly when they scan: the writer's
 * uncommitted ones, and the committed ones newer than their snapshot (kept while an active
 * transaction may still need them). Durable storage with full MVCC replaces this class and
 * MemoryTable.hiddenRows.
 */
import type { Transaction } from './catalog.ts'
import { Vector, VectorBuilder, getValue } from '../vector/vector.ts'
import type { Value } from '../types/types.ts'

interface UpdateRecord {
  readonly positions: Float64Array
  readonly columns: readonly number[]
  /** the values before the update, row i for positions[i] */
  readonly old: readonly Vector[]
}

interface OldValue { readonly vector: Vector; readonly row: number }

export class PendingChanges {
  /** sequence number of the commit that made these changes permanent; 0 while uncommitted */
  commitSeq = 0
  /** committed rows the writer deleted, one array per DELETE */
  private readonly deleted: (readonly number[])[] = []
  private deletedByGroup: Map<number, number[]> | null = null
  private readonly updates: UpdateRecord[] = []
  private oldValues: Map<number, Map<number, OldValue>> | null = null

  /** rows from committedPositions up to here were appended by the writer; set when it commits */
  endPositions = Infinity

  constructor(
    readonly writer: Transaction,
    /** rows at or after this position were appended by the writer */
    readonly committedPositions: number,
  ) {}

  /** durable storage: the positions of each DELETE, and each UPDATE's positions and columns */
  get deletedLists(): readonly (readonly number[])[] { return this.deleted }
  get updateRecords(): readonly { readonly positions: Float64Array; readonly columns: readonly number[] }[] { return this.updates }

  /** true when the writer only appended rows (appends never conflict with a later writer) */
  get appendOnly(): boolean { return this.deleted.length === 0 && this.updates.length === 0 }

  recordDelete(positions: readonly number[]): void {
    this.deleted.push(positions)
    this.deletedByGroup = null
  }

  recordUpdate(positions: Float64Array, columns: readonly number[], old: readonly Vector[]): void {
    this.updates.push({ positions, columns, old })
    this.oldValues = null
  }

  /** committed rows of group `group` the writer deleted, as offsets */
  deletedIn(group: number, groupSize: number): readonly number[] {
    if (this.deleted.length === 0) return []
    if (this.deletedByGroup === null) {
      const byGroup = new Map<number, number[]>()
      for (const list of this.deleted) for (const p of list) {
        // rows the writer appended stay hidden anyway
        if (p >= this.committedPositions) continue
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
            if (p < this.committedPositions && !m.has(p)) m.set(p, { vector: u.old[j]!, row: i })
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
