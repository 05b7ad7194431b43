/**
 * WAL record bodies: the physical row changes of one transaction, read from what the
 * MemoryTables recorded for it, and their replay. Operations (after the sequence number):
 *
 *   1 append  table id, first position, rows, deleted offsets, one vector per column
 *   2 delete  table id, positions
 *   3 update  table id, column, positions, the new values as a vector
 *   4 sequence  schema, name, counter, last value (as text: the counter may stand past BIGINT), usage count
 *
 * Deletes and updates only name rows that existed before the transaction; rows it appended
 * are logged with their final values (and deleted flags), so replay order cannot break keys.
 *
 * Writers append side by side, so a transaction's rows may sit between another's, and records
 * come in commit order, not position order: an append past the table's end pads the gap with
 * deleted placeholder rows (a transaction that never committed, or one whose record follows),
 * and an append below the end fills such placeholders.
 */
import { type MemoryTable, ROW_GROUP_SIZE } from '../catalog/memory-table.ts'
import type { MemoryTransaction } from '../catalog/transaction.ts'
import { DataChunk } from '../vector/vector.ts'
import type { Sequence } from '../catalog/sequences.ts'
import type { PendingChanges } from '../catalog/visibility.ts'
import { type ByteReader, type ByteWriter, decodeVector, encodeRowsPlain, encodeVector } from './codec.ts'

const enum Op { Append = 1, Delete = 2, Update = 3, Sequence = 4 }

export function encodeChanges(w: ByteWriter, table: MemoryTable, id: number, txn: MemoryTransaction): void {
  const pending = table.pendingOf(txn)
  if (pending === null) return
  // (a commit of appends only, the common case, makes no set or map)
  if (pending.deletedLists.length > 0) encodeDeletes(w, table, id, pending)
  if (pending.updateRecords.length > 0) encodeUpdates(w, table, id, pending)
  const ranges = pending.appendedRanges
  for (let r = 0; r < ranges.length; r += 2) encodeAppends(w, table, id, ranges[r]!, ranges[r + 1]!)
}

function encodeDeletes(w: ByteWriter, table: MemoryTable, id: number, pending: PendingChanges): void {
  const deletes = new Set<number>()
  for (const list of pending.deletedLists) for (const p of list) if (!pending.appended(p) && !table.isLive(p)) deletes.add(p)
  if (deletes.size > 0) {
    w.u8(Op.Delete); w.u32(id); w.u32(deletes.size)
    for (const p of deletes) w.f64(p)
  }
}

function encodeUpdates(w: ByteWriter, table: MemoryTable, id: number, pending: PendingChanges): void {
  const updated = new Map<number, Set<number>>()
  for (const u of pending.updateRecords) {
    for (const c of u.columns) {
      let set = updated.get(c)
      if (set === undefined) updated.set(c, set = new Set())
      for (let i = 0; i < u.positions.length; i++) { const p = u.positions[i]!; if (!pending.appended(p) && table.isLive(p)) set.add(p) }
    }
  }
  for (const [column, set] of updated) {
    if (set.size === 0) continue
    const positions = Float64Array.from(set)
    w.u8(Op.Update); w.u32(id); w.u32(column); w.u32(positions.length)
    for (let i = 0; i < positions.length; i++) w.f64(positions[i]!)
    encodeVector(w, table.readPositions(column, positions), positions.length, false)
  }
}

/** appends up to this many rows are copied row by row */
const SMALL_APPEND = 64

/** rows [start, end) as Append operations, one per row group they touch */
function encodeAppends(w: ByteWriter, table: MemoryTable, id: number, start: number, end: number): void {
  for (let from = start; from < end;) {
    const g = Math.floor(from / ROW_GROUP_SIZE)
    const group = table.groups[g]!
    const offset = from - g * ROW_GROUP_SIZE
    const to = Math.min(group.count, end - g * ROW_GROUP_SIZE)
    const n = to - offset
    w.u8(Op.Append); w.u32(id); w.f64(from); w.u32(n)
    const deleted: number[] = []
    if (group.deleted !== null) for (let i = offset; i < to; i++) if (group.deleted[i] === 1) deleted.push(i - offset)
    w.u32(deleted.length)
    for (const d of deleted) w.u32(d)
    if (n <= SMALL_APPEND) {
      // a few rows (a single-row INSERT's commit): written from the segment's arrays, else
      // gathered, as read() would also note a string vector's origin for scans (a WeakMap
      // entry per vector), which a log record never needs
      let sel: Int32Array | null = null
      for (const segment of group.segments) {
        const data = segment.rawData()
        if (data !== null && encodeRowsPlain(w, segment.physical, data, segment.rawValidity, offset, n)) continue
        if (sel === null) { sel = new Int32Array(n); for (let i = 0; i < n; i++) sel[i] = offset + i }
        encodeVector(w, segment.gather(sel, n), n, false)
      }
    } else for (const segment of group.segments) encodeVector(w, segment.read(offset, to), n, false)
    from += n
  }
}

/** a sequence's counter as of the commit: nextval is not transactional, so the latest state is logged */
export function encodeSequence(w: ByteWriter, s: Sequence): void {
  w.u8(Op.Sequence); w.text(s.schema); w.text(s.name); w.text(String(s.counter)); w.text(String(s.lastValue)); w.f64(s.usageCount)
}

export function replay(r: ByteReader, byId: ReadonlyMap<number, MemoryTable>, sequence: (schema: string, name: string) => Sequence | undefined): void {
  while (!r.done) {
    const op = r.u8()
    if (op === Op.Sequence) {
      const schema = r.text(), name = r.text(), counter = r.text(), lastValue = r.text(), usageCount = r.f64()
      if (!/^-?\d+$/.test(counter) || !/^-?\d+$/.test(lastValue)) throw r.corrupt(`sequence ${schema}.${name} has a counter that is not a number`)
      // a sequence dropped after this commit is gone at replay, and so is its counter
      sequence(schema, name)?.restore({ counter: BigInt(counter), lastValue: BigInt(lastValue), usageCount })
      continue
    }
    const id = r.u32()
    const table = byId.get(id)
    if (table === undefined) throw r.corrupt(`unknown table id ${id}`)
    switch (op) {
      case Op.Delete: {
        const n = r.u32()
        const positions: number[] = []
        for (let i = 0; i < n; i++) positions.push(r.f64())
        if (positions.some(p => p >= table.rowPositions)) throw r.corrupt(`delete beyond the end of ${table.name}`)
        table.applyLogged(positions, null)
        break
      }
      case Op.Update: {
        const column = r.u32()
        const col = table.columns[column]
        if (col === undefined) throw r.corrupt(`update of column ${column} of ${table.name}`)
        const n = r.u32()
        const positions = new Float64Array(n)
        for (let i = 0; i < n; i++) positions[i] = r.f64()
        if (positions.some(p => p >= table.rowPositions)) throw r.corrupt(`update beyond the end of ${table.name}`)
        table.applyLogged([], { positions, column, values: decodeVector(r, col.type, n) })
        break
      }
      case Op.Append: {
        const start = r.f64()
        const n = r.u32()
        if (!Number.isInteger(start) || start < 0) throw r.corrupt(`rows appended at ${start} to ${table.name}`)
        const deletedCount = r.u32()
        let deleted: Uint8Array | null = null
        if (deletedCount > 0) {
          deleted = new Uint8Array(n)
          for (let i = 0; i < deletedCount; i++) deleted[r.u32()] = 1
        }
        const vectors = table.columns.map(c => decodeVector(r, c.type, n))
        if (start > table.rowPositions) table.loadPlaceholders(start - table.rowPositions)
        if (start === table.rowPositions) table.loadRows(new DataChunk(vectors, n), deleted)
        else if (!table.fillPlaceholders(start, new DataChunk(vectors, n), deleted)) throw r.corrupt(`rows appended at ${start} to ${table.name} over rows already there`)
        break
      }
      default: throw r.corrupt(`unknown operation ${op}`)
    }
  }
}
