/**
 * FOREIGN KEY enforcement between MemoryTables, with NO ACTION semantics as DuckDB: a child row's
 * key (when no part is NULL) must exist in the parent's PRIMARY KEY / UNIQUE index, and a parent
 * row may not be deleted, or its key changed, while a child row references it.
 */
import type { ForeignKeyConstraint, Transaction } from './catalog.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Value } from '../types/types.ts'
import { UniqueIndex, describeKey, type IndexKey } from './unique-index.ts'
import type { MemoryTable } from './memory-table.ts'

/** PostgreSQL's invalid_foreign_key */
export const INVALID_FOREIGN_KEY = '42830'

/** A foreign key of a child table bound to its parent table. */
export class ResolvedForeignKey {
  constructor(
    readonly constraint: ForeignKeyConstraint,
    /** child column indexes, in the order of `refColumnNames` (remapped by DROP COLUMN) */
    public columns: number[],
    readonly parent: MemoryTable,
    /** referenced parent columns by name: they can be neither renamed nor dropped while referenced */
    readonly refColumnNames: readonly string[],
  ) {}

  /** the parent's index on the referenced columns, and the child columns in that index's order */
  bind(child: MemoryTable): { index: UniqueIndex; childKey: UniqueIndex } {
    const parent = this.parent
    const refColumns = this.refColumnNames.map(n => parent.columns.findIndex(c => c.name.toLowerCase() === n.toLowerCase()))
    const index = parent.indexes.find(ix => ix.columns.length === refColumns.length && ix.columns.every(c => refColumns.includes(c)))
    if (index === undefined || refColumns.includes(-1)) {
      throw new GrizzlyError(INVALID_FOREIGN_KEY, `referenced table "${parent.name}" no longer has a key on (${this.refColumnNames.join(', ')})`)
    }
    const ordered = index.columns.map(pc => this.columns[refColumns.indexOf(pc)]!)
    return { index, childKey: new UniqueIndex(ordered, false, ordered.map(c => child.columns[c]!.type)) }
  }
}

/** 23503 unless every live row among `positions` of `child` has its parent key (or a NULL part) */
export function checkChildRows(child: MemoryTable, positions: ArrayLike<number>): void {
  for (const fk of child.foreignKeys) {
    const { index, childKey } = fk.bind(child)
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!
      if (!child.isLive(p)) continue
      const key = child.keyAt(childKey, p)
      if (key === null || index.get(key) !== undefined) continue
      const values = fk.columns.map(c => child.valueAt(p, c))
      throw new GrizzlyError(SqlState.foreignKeyViolation,
        `Violates foreign key constraint because key "${describe(child, fk.columns, values)}" does not exist in the referenced table`)
    }
  }
}

/**
 * 23503 when a child row references the key of a parent row in `positions` that is going away:
 * deleted, or (with `newKeyDiffers`) given another key. Child rows among `positions` of the
 * parent itself (self-references) do not count when `ignoreOwnRows`. Child rows another
 * transaction deleted and has not committed count: its rollback would bring them back.
 */
export function checkParentRows(parent: MemoryTable, txn: Transaction, positions: ArrayLike<number>, ignoreOwnRows: boolean,
  newKeyDiffers?: (index: UniqueIndex, position: number, oldKey: IndexKey) => boolean): void {
  if (parent.referencedBy.size === 0) return
  const own = ignoreOwnRows ? new Set(Array.from(positions)) : null
  for (const child of parent.referencedBy) {
    for (const fk of child.foreignKeys) {
      if (fk.parent !== parent) continue
      const { index, childKey } = fk.bind(child)
      const referenced = new Set<IndexKey>()
      const comingBack = child.deletedByOthers(txn)
      for (let p = 0; p < child.rowPositions; p++) {
        if ((!child.isLive(p) && comingBack?.has(p) !== true) || (child === parent && own?.has(p) === true)) continue
        const key = child.keyAt(childKey, p)
        if (key !== null) referenced.add(key)
      }
      if (referenced.size === 0) continue
      for (let k = 0; k < positions.length; k++) {
        const p = positions[k]!
        if (!parent.isLive(p)) continue
        const key = parent.keyAt(index, p)
        if (key === null || !referenced.has(key)) continue
        if (newKeyDiffers !== undefined && !newKeyDiffers(index, p, key)) continue
        const values = index.columns.map(c => parent.valueAt(p, c))
        throw new GrizzlyError(SqlState.foreignKeyViolation,
          `Violates foreign key constraint because key "${describe(parent, index.columns, values)}" is still referenced by a foreign key in a different table`)
      }
    }
  }
}

function describe(table: MemoryTable, columns: readonly number[], values: readonly Value[]): string {
  return describeKey(columns.map(c => table.columns[c]!.name), columns.map(c => table.columns[c]!.type), values)
}
