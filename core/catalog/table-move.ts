/**
 * UPDATE of a column an index covers (PRIMARY KEY, UNIQUE, a foreign key's own columns, CREATE
 * INDEX) or of a LIST, MAP or ARRAY column (also inside a STRUCT), run as DuckDB runs it (it
 * cannot update those in place): the rows are deleted and appended again with their new values,
 * so they move to the end of the table, in the order the statement updated them, with new row
 * ids. Keys are then checked as an INSERT's after the DELETE: two rows may swap keys in one
 * statement, and a self-referencing row cannot reference itself or another moved row.
 */
import type { Transaction } from './catalog.ts'
import type { LogicalType } from '../types/types.ts'
import { DataChunk, gather, nullVector } from '../vector/vector.ts'
import type { MemoryTable } from './memory-table.ts'

export function movesOnUpdate(table: MemoryTable, columns: readonly number[]): boolean {
  return table.indexes.some(ix => ix.columns.some(c => columns.includes(c)))
    || table.foreignKeys.some(fk => fk.columns.some(c => columns.includes(c)))
    || table.secondary.affectedBy(columns).length > 0
    || columns.some(c => hasNestedList(table.columns[c]!.type))
}

function hasNestedList(type: LogicalType): boolean {
  if (type.id === 'LIST' || type.id === 'ARRAY') return true
  return type.id === 'STRUCT' && type.fields.some(f => hasNestedList(f.type))
}

/** moves the live rows among `positions`; `values` holds the new values of `columns`, one row per position */
export function updateByMoving(table: MemoryTable, txn: Transaction, positions: Float64Array, columns: readonly number[], values: DataChunk): void {
  // a row named twice keeps its last values, as when updated in place
  const lastOf = new Map<number, number>()
  for (let i = 0; i < positions.length; i++) if (table.isLive(positions[i]!)) lastOf.set(positions[i]!, i)
  const n = lastOf.size
  if (n === 0) return
  const moved = Float64Array.from(lastOf.keys())
  const sel = Int32Array.from(lastOf.values())
  const rows = new DataChunk(table.columns.map((column, c) => {
    const j = columns.indexOf(c)
    if (j < 0) return table.readPositions(c, moved)
    const v = values.columns[j]!
    return v.physical === 'null' ? nullVector(column.type, n) : gather(v, sel, n)
  }), n)
  const { undo } = table.deleteRows(txn, BigInt64Array.from(moved, p => BigInt(p)), false)
  let undoDelete: (() => void) | null = undo
  // registered before the insert's own undo, so a rollback takes the new rows out before the old ones come back
  txn.onRollback(() => undoDelete?.())
  try {
    table.insertRows(txn, rows, new Set(moved))
  } catch (e) {
    undo()
    undoDelete = null
    throw e
  }
}
