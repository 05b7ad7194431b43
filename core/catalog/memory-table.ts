/**
 * MemoryTable: the in-memory TableProvider. Rows live column-wise in row groups of
 * ROW_GROUP_SIZE positions; a row id is the row's position (deletes only mark a bitmap, updates
 * write in place, except that an UPDATE of an indexed column moves its rows: table-move.ts).
 * Every change registers its undo with the transaction.
 * NOT NULL, PRIMARY KEY and UNIQUE are enforced here; CHECK is the executor's job.
 */
import type {
  ColumnSchema, ScanFilter, ScanRequest, TableConstraints, TableProvider, Transaction,
} from './catalog.ts'
import { ROW_ID_COLUMN } from './catalog.ts'
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { Value } from '../types/types.ts'
import { CHUNK_SIZE, DataChunk, Vector, nullVector } from '../vector/vector.ts'
import { ColumnSegment, allocColumn, finishColumn } from './column-segment.ts'
import { SegmentPins } from './segment-backing.ts'
import { sharedCopy, type SharedColumn, type SharedGroup } from './shared-arrays.ts'
import { gatherChunk, positionRange, rowChunk, rowIdRange, vectorHasNull } from './scan-helpers.ts'
import { UniqueIndex, describeKey, type IndexKey } from './unique-index.ts'
import { addKeysOfBatch, buildIndexes, keyDeferral, settleDeferredKeys, updatedKeyParts } from './table-keys.ts'
import { beginWrite } from './transaction.ts'
import { checkChildRows, checkParentRows, type ResolvedForeignKey } from './foreign-keys.ts'
import { movesOnUpdate, updateByMoving } from './table-move.ts'
import { PendingChanges, checkRowConflicts, checkUniqueIndexWrites, heldKeys } from './visibility.ts'
import { TableVersions } from './table-versions.ts'
import { ConstraintIndex, TableIndexes } from '../indexes/table-indexes.ts'
import { lookupInIndex } from '../indexes/unique-keys.ts'
import type { TableIndex } from './catalog.ts'

/** rows per row group: the unit of zone maps and of storage growth */
export const ROW_GROUP_SIZE = 65536

/** from this many row groups on, a table's full VARCHAR segments may be packed (column-segment.ts, sealed-strings.ts) */
const PACKED_FROM_GROUPS = 5

export interface RowGroup {
  readonly segments: ColumnSegment[]
  /** positions used in this group (deleted ones included) */
  count: number
  /** 1 = deleted; allocated on the first delete */
  deleted: Uint8Array | null
  deletedCount: number
}

export interface MemoryTableDefinition {
  readonly name: string
  readonly columns: readonly ColumnSchema[]
  readonly constraints: TableConstraints
}

export class MemoryTable implements TableProvider {
  /** name used in constraint messages (`t.c`) */
  name: string
  columns: readonly ColumnSchema[]
  constraints: TableConstraints
  /** @internal shared with the ALTER TABLE helpers */
  groups: RowGroup[] = []
  /** @internal */
  indexes: UniqueIndex[]
  /** this table's foreign keys, bound to their parent tables by the catalog */
  foreignKeys: ResolvedForeignKey[] = []
  /** tables whose foreign keys reference this one (itself included for self-references) */
  readonly referencedBy = new Set<MemoryTable>()
  /** CREATE INDEX indexes, kept in step with the rows */
  readonly secondary = new TableIndexes()
  private constraintIndexes: { readonly of: UniqueIndex[]; readonly list: ConstraintIndex[] } | null = null
  private positions = 0
  private deletedRows = 0
  /** what each writer changed so far, and commits some snapshot still predates */
  private readonly versions = new TableVersions()

  constructor(def: MemoryTableDefinition) {
    this.name = def.name
    this.columns = def.columns
    this.constraints = def.constraints
    for (const key of [...(def.constraints.primaryKey === null ? [] : [def.constraints.primaryKey]), ...def.constraints.unique]) {
      for (const c of key) if (c < 0 || c >= def.columns.length) throw new InternalError(`key column ${c} out of range for table ${def.name}`)
    }
    this.indexes = buildIndexes(def.columns, def.constraints)
  }

  /** positions ever used (live and deleted) */
  get rowPositions(): number { return this.positions }
  get liveRowCount(): number { return this.positions - this.deletedRows }

  estimatedRows(_txn: Transaction): number { return this.liveRowCount }

  /** NOT NULL columns, primary-key columns included */
  isRequired(column: number): boolean {
    if (this.columns[column]?.notNull === true) return true
    return this.constraints.primaryKey?.includes(column) === true
  }

  // ---- scans --------------------------------------------------------------------------------

  scan(txn: Transaction, request: ScanRequest): Iterable<DataChunk> {
    const columns = request.columns.slice()
    for (const c of columns) {
      if (c !== ROW_ID_COLUMN && (c < 0 || c >= this.columns.length || !Number.isInteger(c))) {
        throw new InternalError(`scan of ${this.name} asks for column ${c} of ${this.columns.length}`)
      }
    }
    // rows appended while the scan runs (INSERT INTO t SELECT … FROM t) are not seen
    return this.scanRows(txn, columns, request.filters.slice(), this.positions)
  }

  private *scanRows(txn: Transaction, columns: number[], filters: ScanFilter[], endPosition: number): Generator<DataChunk> {
    const versions = this.versionsHiddenFrom(txn)
    // newest first, so the oldest overwritten value is the one that stays
    const updated = versions.filter(v => v.hasUpdates).reverse()
    const restore = updated.length === 0 ? null : (c: number, v: Vector, positionOf: (k: number) => number): Vector =>
      updated.reduce((out, version) => version.restore(c, out, positionOf), v)
    const pins = new SegmentPins()
    try {
      for (let g = 0; g * ROW_GROUP_SIZE < endPosition; g++) {
        const group = this.groups[g]
        if (group === undefined) return
        const base = g * ROW_GROUP_SIZE
        const groupEnd = Math.min(group.count, endPosition - base)
        if (!this.groupMayMatch(group, filters)) continue
        // stored segments stay loaded while the scan is in their group (core/storage/buffer-manager.ts)
        pins.hold(group.segments, columns)
        const hidden = this.hiddenRows(versions, group, g)
        if (hidden === null) {
          for (let start = 0; start < groupEnd; start += CHUNK_SIZE) {
            const end = Math.min(start + CHUNK_SIZE, groupEnd)
            // views share the segments' arrays; restoring old values writes into the vector, so it needs a copy
            let vectors = columns.map(c => c === ROW_ID_COLUMN ? rowIdRange(base + start, end - start)
              : restore === null ? group.segments[c]!.view(start, end) : group.segments[c]!.read(start, end))
            if (restore !== null) vectors = vectors.map((v, x) => columns[x] === ROW_ID_COLUMN ? v : restore(columns[x]!, v, k => base + start + k))
            yield new DataChunk(vectors, end - start)
          }
          continue
        }
        const sel = new Int32Array(CHUNK_SIZE)
        let n = 0
        for (let i = 0; i < groupEnd; i++) {
          if (hidden[i] === 1) continue
          sel[n++] = i
          if (n === CHUNK_SIZE) { yield gatherChunk(group, base, columns, sel, n, restore); n = 0 }
        }
        if (n > 0) yield gatherChunk(group, base, columns, sel, n, restore)
      }
    } finally {
      pins.release()
    }
  }

  /**
   * @internal parallel scans: every row group's shared column arrays and the rows `txn` must not
   * see (groups whose zone maps rule out `filters` as empty ones), or null when workers cannot
   * read the rows as they are (old values of updates to restore, storage outside shared memory)
   */
  sharedGroups(txn: Transaction, columns: readonly number[], filters: readonly ScanFilter[] = []): SharedGroup[] | null {
    const versions = this.versionsHiddenFrom(txn)
    if (versions.some(v => v.hasUpdates)) return null
    const out: SharedGroup[] = []
    const end = this.positions
    for (let g = 0; g * ROW_GROUP_SIZE < end; g++) {
      const group = this.groups[g]
      if (group === undefined) break
      const count = Math.min(group.count, end - g * ROW_GROUP_SIZE)
      // a group the zone maps rule out stays in its place (positions count from the group index), empty
      if (!this.groupMayMatch(group, filters)) { out.push({ count: 0, columns: [], hidden: null }); continue }
      const cols: SharedColumn[] = []
      for (const c of columns) {
        const s = group.segments[c]?.sharedRows(count) ?? null
        if (s === null) return null
        cols.push(s)
      }
      const hidden = this.hiddenRows(versions, group, g)
      out.push({ count, columns: cols, hidden: hidden === null ? null : sharedCopy(hidden.subarray(0, count)) })
    }
    return out
  }

  /**
   * The visibility check: rows of `group` the reading transaction must not see (1 = hidden), or
   * null when all are visible. Deleted rows are hidden; for each version the reader must not see
   * (`versions`), the rows it appended are hidden and the rows it deleted shown again.
   * MVCC will consult version info here instead.
   */
  private hiddenRows(versions: readonly PendingChanges[], group: RowGroup, g: number): Uint8Array | null {
    const deleted = group.deletedCount > 0 ? group.deleted : null
    if (versions.length === 0) return deleted
    const start = g * ROW_GROUP_SIZE
    let changes = false
    for (const v of versions) {
      if (v.appendsWithin(start, start + group.count)) changes = true
      if (v.deletedIn(g, ROW_GROUP_SIZE).length > 0) changes = true
    }
    if (!changes) return deleted
    const hidden = new Uint8Array(group.count)
    if (deleted !== null) hidden.set(deleted.subarray(0, group.count))
    for (const v of versions) for (const offset of v.deletedIn(g, ROW_GROUP_SIZE)) hidden[offset] = 0
    // after the restores: a row appended by one version and deleted by a later one stays hidden
    for (const v of versions) {
      const ranges = v.appendedRanges
      for (let r = 0; r < ranges.length; r += 2) {
        const from = Math.max(0, ranges[r]! - start)
        const to = Math.min(group.count, ranges[r + 1]! - start)
        if (from < to) hidden.fill(1, from, to)
      }
    }
    return hidden
  }

  /** the versions `txn` must not see: other writers' pending changes, commits after its snapshot */
  private versionsHiddenFrom(txn: Transaction): PendingChanges[] { return this.versions.hiddenFrom(txn) }

  private track(txn: Transaction): PendingChanges { return this.versions.track(txn, this) }

  /** @internal rows other transactions deleted and have not committed (foreign-key checks), or null */
  deletedByOthers(txn: Transaction): Set<number> | null { return this.versions.deletedByOthers(txn) }

  /** @internal durable storage: what `txn` changed in this table so far, or null */
  pendingOf(txn: Transaction): PendingChanges | null { return this.versions.pendingOf(txn) }

  /**
   * @internal durable storage: appends stored or logged rows as they were committed (positions
   * kept, `deleted[i]` = 1 marks row i deleted), without constraint checks or undo. Call
   * `rebuildIndexes` once loading is done.
   */
  loadRows(rows: DataChunk, deleted: Uint8Array | null): void {
    this.appendToGroups(rows, deleted === null ? null : (group, from, take) => {
      for (let k = 0; k < take; k++) {
        if (deleted[from + k] !== 1) continue
        const marks = group.deleted ?? (group.deleted = new Uint8Array(ROW_GROUP_SIZE))
        marks[group.count + k] = 1
        group.deletedCount++
        this.deletedRows++
      }
    })
  }

  /**
   * @internal durable storage: a stored row group whose segments read their rows on first use
   * (the buffer manager); it follows full groups only, as stored groups do.
   */
  loadStoredGroup(count: number, segments: ColumnSegment[], deleted: Uint8Array | null): void {
    if (this.positions % ROW_GROUP_SIZE !== 0 || count > ROW_GROUP_SIZE || segments.length !== this.columns.length) {
      throw new InternalError(`stored row group of ${count} rows does not fit table ${this.name} at ${this.positions}`)
    }
    let deletedCount = 0
    if (deleted !== null) for (let i = 0; i < count; i++) deletedCount += deleted[i]!
    this.groups.push({ segments, count, deleted: deletedCount > 0 ? deleted : null, deletedCount })
    this.addedGroup()
    this.positions += count
    this.deletedRows += deletedCount
  }

  /**
   * Appends rows [0, rows.size) at the next positions, filling the last row group and opening
   * new ones; `beforeCount` sees each piece before the group's count moves past it.
   */
  /**
   * A large table's strings are most of the heap a full collection marks, a small (dimension)
   * table's are few and the ones queries hash and group by: only a table of PACKED_FROM_GROUPS
   * groups packs its full segments of many distinct values (dictionaries are for every table).
   */
  private addedGroup(): void {
    const n = this.groups.length
    if (n < PACKED_FROM_GROUPS) return
    for (const group of n === PACKED_FROM_GROUPS ? this.groups : [this.groups[n - 1]!]) {
      for (const s of group.segments) s.allowPacking()
    }
  }

  private appendToGroups(rows: DataChunk, beforeCount: ((group: RowGroup, from: number, take: number) => void) | null): void {
    const n = rows.size
    let i = 0
    while (i < n) {
      const g = Math.floor(this.positions / ROW_GROUP_SIZE)
      let group = this.groups[g]
      if (group === undefined) {
        // a table that filled a group is loading in bulk: later groups get their full size at once
        const reserve = g > 0 ? ROW_GROUP_SIZE : 0
        group = { segments: this.columns.map(col => new ColumnSegment(col.type, ROW_GROUP_SIZE, reserve)), count: 0, deleted: null, deletedCount: 0 }
        this.groups.push(group)
        this.addedGroup()
      }
      const take = Math.min(n - i, ROW_GROUP_SIZE - group.count)
      for (let c = 0; c < this.columns.length; c++) group.segments[c]!.append(rows.columns[c]!, i, i + take)
      if (beforeCount !== null) beforeCount(group, i, take)
      group.count += take
      this.positions += take
      i += take
    }
  }

  /** @internal durable storage: replays logged deletes and updates (no checks, no undo) */
  applyLogged(deletes: readonly number[], update: { readonly positions: Float64Array; readonly column: number; readonly values: Vector } | null): void {
    for (const position of deletes) {
      const group = this.groups[Math.floor(position / ROW_GROUP_SIZE)]
      if (group === undefined) throw new InternalError(`logged delete of row ${position} outside table ${this.name}`)
      const marks = group.deleted ?? (group.deleted = new Uint8Array(ROW_GROUP_SIZE))
      if (marks[position % ROW_GROUP_SIZE] === 1) continue
      marks[position % ROW_GROUP_SIZE] = 1
      group.deletedCount++
      this.deletedRows++
    }
    if (update !== null) {
      for (let k = 0; k < update.positions.length; k++) {
        if (update.positions[k]! >= this.positions) throw new InternalError(`logged update of row ${update.positions[k]} outside table ${this.name}`)
      }
      this.writePositions(update.positions, [update.column], new DataChunk([update.values], update.positions.length), false)
    }
  }

  /** @internal durable storage: `n` deleted rows holding positions another writer's record fills later (or never) */
  loadPlaceholders(n: number): void {
    this.loadRows(new DataChunk(this.columns.map(c => nullVector(c.type, n)), n), new Uint8Array(n).fill(1))
  }

  /** @internal durable storage: logged rows written over placeholders at [start, start + n); false when a row there is live or past the end */
  fillPlaceholders(start: number, rows: DataChunk, deleted: Uint8Array | null): boolean {
    const n = rows.size
    if (start + n > this.positions) return false
    for (let i = 0; i < n; i++) if (this.isLive(start + i)) return false
    for (let i = 0; i < n; i++) {
      const group = this.groups[Math.floor((start + i) / ROW_GROUP_SIZE)]!
      const offset = (start + i) % ROW_GROUP_SIZE
      for (let c = 0; c < this.columns.length; c++) group.segments[c]!.write(offset, rows.columns[c]!, i)
      if (deleted?.[i] === 1) continue
      group.deleted![offset] = 0
      group.deletedCount--
      this.deletedRows--
    }
    return true
  }

  /** @internal durable storage: rebuilds the key indexes from the live rows after loading */
  rebuildIndexes(): void {
    this.indexes = buildIndexes(this.columns, this.constraints)
    for (const index of this.indexes) {
      index.reserve(this.liveRowCount)
      for (let p = 0; p < this.positions; p++) {
        if (!this.isLive(p)) continue
        const key = this.keyAt(index, p)
        if (key !== null) index.set(key, p)
      }
    }
    this.secondary.rebuild(this)
  }

  /** CREATE INDEX indexes, then the PRIMARY KEY / UNIQUE hash indexes (equality on the whole key) */
  tableIndexes(): readonly TableIndex[] {
    this.secondary.revive(this)
    if (this.constraintIndexes === null || this.constraintIndexes.of !== this.indexes) {
      const list = this.indexes.map(ix => new ConstraintIndex(
        `${ix.primary ? 'PRIMARY' : 'UNIQUE'}_${this.name}_${ix.columns.map(c => this.columns[c]!.name).join('_')}`, ix.columns, this, ix))
      this.constraintIndexes = { of: this.indexes, list }
    }
    return this.secondary.list.length === 0 ? this.constraintIndexes.list : [...this.secondary.list, ...this.constraintIndexes.list]
  }

  /** another transaction has uncommitted UPDATEs of this table (CREATE INDEX waits for them, as DuckDB) */
  othersUpdating(txn: Transaction): boolean { return this.versions.othersUpdating(txn) }

  /** no other transaction's uncommitted changes and no commit newer than txn's snapshot touch this table */
  seesCurrentRows(txn: Transaction): boolean { return this.versions.hidesNothingFrom(txn) && (this.pendingOf(txn)?.deferred.length ?? 0) === 0 }

  /** @internal after ALTERs that renumber or retype columns the recorded versions no longer apply */
  forgetVersions(): void { this.versions.forget() }

  private groupMayMatch(group: RowGroup, filters: readonly ScanFilter[]): boolean {
    for (const f of filters) {
      const segment = f.column >= 0 ? group.segments[f.column] : undefined
      if (segment !== undefined && !segment.mayMatch(f)) return false
    }
    return true
  }

  /** row `position` of column `column` in internal form; null for NULL */
  valueAt(position: number, column: number): Value {
    const group = this.groups[Math.floor(position / ROW_GROUP_SIZE)]
    const segment = group?.segments[column]
    if (segment === undefined) throw new InternalError(`row ${position} column ${column} is outside table ${this.name}`)
    return segment.valueAt(position % ROW_GROUP_SIZE)
  }

  isLive(position: number): boolean {
    if (position < 0 || position >= this.positions) return false
    const group = this.groups[Math.floor(position / ROW_GROUP_SIZE)]!
    return group.deleted === null || group.deleted[position % ROW_GROUP_SIZE] === 0
  }

  // ---- insert -------------------------------------------------------------------------------

  insert(txn: Transaction, rows: DataChunk): void { this.insertRows(txn, rows, null) }

  /** @internal `moved`: the positions an UPDATE deleted to append these rows again (checkChildRows) */
  insertRows(txn: Transaction, rows: DataChunk, moved: ReadonlySet<number> | null): void {
    beginWrite(txn, `INSERT into ${this.name}`, true)
    const n = rows.size
    if (rows.columns.length !== this.columns.length) {
      throw new InternalError(`insert into ${this.name} got ${rows.columns.length} columns, the table has ${this.columns.length}`)
    }
    if (n === 0) return
    const pending = this.track(txn)
    for (let c = 0; c < this.columns.length; c++) {
      const v = rows.columns[c]!
      if (v.length < n) throw new InternalError(`insert column ${c} has ${v.length} rows, the chunk ${n}`)
      if (this.isRequired(c) && vectorHasNull(v, n)) throw this.notNullError(c)
    }
    const start = this.positions
    const others = this.versionsHiddenFrom(txn)
    // alone (the common case) there is nothing to check, hold back or defer: no closures to make
    if (others.length === 0) {
      try { addKeysOfBatch(this, rows, start) } catch (e) { pending.forgetDeferred(start, start + n); throw e }
    } else {
      checkUniqueIndexWrites(others, this.secondary.list.find(ix => ix.unique), this.name)
      try { addKeysOfBatch(this, rows, start, heldKeys(others), keyDeferral(this, pending, others, start, () => settleDeferredKeys(this, pending, (p, t) => this.versions.uncommittedAppender(p, t)))) } catch (e) { pending.forgetDeferred(start, start + n); throw e }
    }
    this.appendToGroups(rows, null)
    if (this.foreignKeys.length > 0) {
      try { checkChildRows(this, txn, positionRange(start, n), start, moved) } catch (e) { this.undoFailedAppend(pending, start, n, e) }
    }
    try { this.secondary.afterAppend(this, rows, start) } catch (e) { this.undoFailedAppend(pending, start, n, e) }
    pending.recordAppend(start, start + n)
    txn.onRollback(() => {
      // another writer may have appended after these rows: then they stay, deleted, and the positions are not reused
      if (this.positions === start + n) this.truncate(start)
      else this.dropRows(start, start + n)
      pending.unrecordAppend(start, start + n)
      pending.forgetDeferred(start, start + n)
    })
  }

  // a method, not a closure in insertRows: tsx names every closure made, per call
  private undoFailedAppend(pending: PendingChanges, start: number, n: number, e: unknown): never {
    this.truncate(start)
    pending.forgetDeferred(start, start + n)
    throw e
  }

  /** undo of appends that are no longer the last rows: marks rows [from, to) deleted and unindexes them */
  private dropRows(from: number, to: number): void {
    const live = positionRange(from, to - from).filter(p => this.isLive(p))
    if (this.secondary.list.length > 0) this.secondary.removeRows(this, live)
    for (const p of live) {
      for (const index of this.indexes) {
        const key = this.keyAt(index, p)
        if (key !== null && index.get(key) === p) index.delete(key)
      }
      const group = this.groups[Math.floor(p / ROW_GROUP_SIZE)]!
      const marks = group.deleted ?? (group.deleted = new Uint8Array(ROW_GROUP_SIZE))
      marks[p % ROW_GROUP_SIZE] = 1
      group.deletedCount++
    }
    this.deletedRows += live.length
  }

  /** undo of appends: forgets positions from `length` on */
  private truncate(length: number): void {
    if (this.secondary.list.length > 0) this.secondary.removeRows(this, positionRange(length, this.positions - length).filter(p => this.isLive(p)))
    for (let p = length; p < this.positions; p++) {
      if (!this.isLive(p)) continue
      for (const index of this.indexes) {
        const key = this.keyAt(index, p)
        if (key !== null && index.get(key) === p) index.delete(key)
      }
    }
    const keepGroups = Math.ceil(length / ROW_GROUP_SIZE)
    for (let g = keepGroups; g < this.groups.length; g++) this.deletedRows -= this.groups[g]!.deletedCount
    this.groups.length = keepGroups
    const last = this.groups[keepGroups - 1]
    if (last !== undefined) {
      const count = length - (keepGroups - 1) * ROW_GROUP_SIZE
      if (last.deleted !== null) {
        for (let i = count; i < last.count; i++) if (last.deleted[i] === 1) { last.deleted[i] = 0; last.deletedCount--; this.deletedRows-- }
      }
      for (const s of last.segments) s.truncate(count)
      last.count = count
    }
    this.positions = length
  }

  /** @internal key of stored row `position` for `index`, null when a part is NULL */
  keyAt(index: UniqueIndex, position: number): IndexKey | null {
    return index.keyOfStored(this.groups[Math.floor(position / ROW_GROUP_SIZE)]!.segments, position % ROW_GROUP_SIZE)
  }

  // ---- delete -------------------------------------------------------------------------------

  delete(txn: Transaction, rowIds: BigInt64Array): number {
    const { removed, undo } = this.deleteRows(txn, rowIds, true)
    if (removed > 0) txn.onRollback(undo)
    return removed
  }

  /** @internal marks rows deleted; the caller registers `undo` (an UPDATE that moves rows may run it at once) */
  deleteRows(txn: Transaction, rowIds: BigInt64Array, checkParents: boolean): { removed: number; undo: () => void } {
    beginWrite(txn, `DELETE from ${this.name}`, true)
    const pending = this.track(txn)
    checkRowConflicts(this.versionsHiddenFrom(txn), rowIds, this.name, 'DELETE')
    if (checkParents && this.referencedBy.size > 0) {
      const going = new Set<number>()
      for (let k = 0; k < rowIds.length; k++) { const p = this.checkRowId(rowIds[k]!); if (this.isLive(p)) going.add(p) }
      checkParentRows(this, txn, [...going], true)
    }
    const removed: number[] = []
    for (let k = 0; k < rowIds.length; k++) {
      const position = this.checkRowId(rowIds[k]!)
      const group = this.groups[Math.floor(position / ROW_GROUP_SIZE)]!
      const offset = position % ROW_GROUP_SIZE
      const deleted = group.deleted ?? (group.deleted = new Uint8Array(ROW_GROUP_SIZE))
      if (deleted[offset] === 1) continue
      for (const index of this.indexes) {
        const key = this.keyAt(index, position)
        if (key !== null && index.get(key) === position) { index.delete(key); pending.release(index, key) }
      }
      deleted[offset] = 1
      group.deletedCount++
      removed.push(position)
    }
    this.deletedRows += removed.length
    if (removed.length > 0) {
      this.secondary.removeRows(this, removed)
      pending.recordDelete(removed)
    }
    return { removed: removed.length, undo: () => { this.undelete(removed); pending.unrecordDelete(removed) } }
  }

  private undelete(positions: readonly number[]): void {
    for (let k = positions.length - 1; k >= 0; k--) {
      const position = positions[k]!
      const group = this.groups[Math.floor(position / ROW_GROUP_SIZE)]!
      group.deleted![position % ROW_GROUP_SIZE] = 0
      group.deletedCount--
      this.deletedRows--
      for (const index of this.indexes) {
        const key = this.keyAt(index, position)
        // a key taken meanwhile by a row whose commit settled it (keyDeferral) stays with that row
        if (key !== null && index.get(key) === undefined) index.set(key, position)
      }
    }
    this.secondary.addRows(this, positions)
  }

  private checkRowId(rowId: bigint): number {
    const position = Number(rowId)
    if (!(position >= 0 && position < this.positions)) throw new InternalError(`row id ${rowId} is not in table ${this.name}`)
    return position
  }

  // ---- update -------------------------------------------------------------------------------

  update(txn: Transaction, rowIds: BigInt64Array, columns: readonly number[], values: DataChunk): void {
    beginWrite(txn, `UPDATE of ${this.name}`, true)
    const m = rowIds.length
    if (values.columns.length !== columns.length || values.size < m) {
      throw new InternalError(`update of ${this.name}: ${columns.length} columns, ${values.columns.length} vectors, ${m} rows, ${values.size} values`)
    }
    if (m === 0) return
    const positions = new Float64Array(m)
    for (let i = 0; i < m; i++) positions[i] = this.checkRowId(rowIds[i]!)
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!
      if (c < 0 || c >= this.columns.length) throw new InternalError(`update of ${this.name} names column ${c}`)
      if (this.isRequired(c) && vectorHasNull(values.columns[j]!, m)) throw this.notNullError(c)
      const physical = values.columns[j]!.physical
      if (physical !== 'null' && physical !== this.groups[0]!.segments[c]!.physical) {
        throw new InternalError(`update of ${this.name}.${this.columns[c]!.name} with a ${values.columns[j]!.type.id} vector`)
      }
    }
    if (movesOnUpdate(this, columns)) {
      checkRowConflicts(this.versionsHiddenFrom(txn), positions, this.name, 'UPDATE')
      if (this.referencedBy.size > 0) this.checkKeyChanges(txn, positions, columns, values)
      updateByMoving(this, txn, positions, columns, values)
      return
    }
    // no index covers the columns: the rows are written in place
    const pending = this.track(txn)
    checkRowConflicts(this.versionsHiddenFrom(txn), positions, this.name, 'UPDATE')
    const old = columns.map(c => this.readPositions(c, positions))
    this.writePositions(positions, columns, values, false)
    pending.recordUpdate(positions, columns, old)
    txn.onRollback(() => {
      // an index created on the columns after this update (CREATE INDEX in the same transaction) holds the new values
      const now = this.secondary.affectedBy(columns)
      this.secondary.removeRows(this, positions, now)
      this.writePositions(positions, columns, new DataChunk(old, m), true)
      this.secondary.addRows(this, positions, now)
      pending.unrecordUpdate(positions)
    })
  }

  /** 23503 when an update changes a key that child rows reference */
  private checkKeyChanges(txn: Transaction, positions: Float64Array, columns: readonly number[], values: DataChunk): void {
    if (!this.indexes.some(ix => ix.columns.some(c => columns.includes(c)))) return
    const last = new Map<number, number>()
    for (let i = 0; i < positions.length; i++) last.set(positions[i]!, i)
    checkParentRows(this, txn, [...last.keys()], false, (index, p, oldKey) => {
      const updated = updatedKeyParts(index, columns, values)
      if (updated.every(v => v === null)) return false
      const group = this.groups[Math.floor(p / ROW_GROUP_SIZE)]!
      return index.keyOfUpdated(group.segments, p % ROW_GROUP_SIZE, updated, last.get(p)!) !== oldKey
    })
  }

  /** reads column `column` at `positions` into a fresh vector (deleted rows included) */
  readPositions(column: number, positions: Float64Array): Vector {
    const out = allocColumn(this.columns[column]!.type, positions.length)
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!
      this.groups[Math.floor(p / ROW_GROUP_SIZE)]!.segments[column]!.copyTo(p % ROW_GROUP_SIZE, out, i)
    }
    return finishColumn(out)
  }

  private writePositions(positions: Float64Array, columns: readonly number[], values: DataChunk, reverse: boolean): void {
    const m = positions.length
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j]!, src = values.columns[j]!
      // in reverse on undo, so a row updated twice in one call gets its first old value back
      for (let k = 0; k < m; k++) {
        const i = reverse ? m - 1 - k : k
        const p = positions[i]!
        this.groups[Math.floor(p / ROW_GROUP_SIZE)]!.segments[c]!.write(p % ROW_GROUP_SIZE, src, i)
      }
    }
  }

  fetch(_txn: Transaction, rowIds: BigInt64Array, columns: readonly number[]): DataChunk {
    const positions = new Float64Array(rowIds.length)
    for (let i = 0; i < rowIds.length; i++) {
      positions[i] = this.checkRowId(rowIds[i]!)
      if (!this.isLive(positions[i]!)) throw new InternalError(`row id ${rowIds[i]} of ${this.name} was deleted`)
    }
    const vectors = columns.map(c => {
      if (c === ROW_ID_COLUMN) return new Vector({ id: 'BIGINT' }, rowIds.length, rowIds.slice(), null)
      if (c < 0 || c >= this.columns.length) throw new InternalError(`fetch from ${this.name} asks for column ${c}`)
      return this.readPositions(c, positions)
    })
    return new DataChunk(vectors, rowIds.length)
  }

  fetchRow(_txn: Transaction, rowId: number, columns: readonly number[]): DataChunk {
    if (!(rowId >= 0 && rowId < this.positions) || !this.isLive(rowId)) throw new InternalError(`row id ${rowId} of ${this.name} is not a live row`)
    for (const c of columns) if (c !== ROW_ID_COLUMN && (c < 0 || c >= this.columns.length)) throw new InternalError(`fetch from ${this.name} asks for column ${c}`)
    return rowChunk(this.groups[Math.floor(rowId / ROW_GROUP_SIZE)]!, rowId, rowId % ROW_GROUP_SIZE, columns)
  }

  // ---- ON CONFLICT ----------------------------------------------------------------------------

  lookup(_txn: Transaction, keyColumns: readonly number[], keys: DataChunk): BigInt64Array {
    const index = this.indexes.find(ix => ix.columns.length === keyColumns.length && ix.columns.every(c => keyColumns.includes(c)))
    if (index === undefined) {
      const unique = this.secondary.list.find(ix => ix.unique && ix.columns.length === keyColumns.length && ix.columns.every(c => keyColumns.includes(c)))
      if (unique !== undefined) return lookupInIndex(unique.columns, unique.instance, keyColumns, keys)
      const names = keyColumns.map(c => this.columns[c]?.name ?? String(c)).join(', ')
      throw new GrizzlyError(SqlState.invalidColumnReference,
        `there is no PRIMARY KEY or UNIQUE constraint on ${this.name}(${names}) matching the ON CONFLICT specification`)
    }
    const vectors = index.columns.map(c => keys.column(keyColumns.indexOf(c)))
    const out = new BigInt64Array(keys.size).fill(-1n)
    for (let i = 0; i < keys.size; i++) {
      const key = index.keyOfVectors(vectors, i)
      if (key === null) continue
      const p = index.get(key)
      if (p !== undefined) out[i] = BigInt(p)
    }
    return out
  }

  // ---- errors ---------------------------------------------------------------------------------

  /** @internal */
  notNullError(column: number): GrizzlyError {
    return new GrizzlyError(SqlState.notNullViolation, `NOT NULL constraint failed: ${this.name}.${this.columns[column]!.name}`)
  }

  /** @internal */
  duplicateError(index: UniqueIndex, values: readonly Value[]): GrizzlyError {
    const names = index.columns.map(c => this.columns[c]!.name)
    const types = index.columns.map(c => this.columns[c]!.type)
    return new GrizzlyError(SqlState.uniqueViolation,
      `Duplicate key "${describeKey(names, types, values)}" violates ${index.primary ? 'primary key' : 'unique'} constraint`,
      { hint: index.primary ? 'use INSERT … ON CONFLICT to update or skip existing rows' : undefined })
  }

  /** @internal true when any live row of `column` is NULL */
  columnHasNull(column: number): boolean {
    for (const group of this.groups) {
      if (group.segments[column]!.anyNull(0, group.count, group.deletedCount > 0 ? group.deleted : null)) return true
    }
    return false
  }
}
