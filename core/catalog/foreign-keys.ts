/**
 * FOREIGN KEY enforcement between MemoryTables, with NO ACTION semantics as DuckDB: a child row's
 * key (when no part is NULL) must exist in the parent's PRIMARY KEY / UNIQUE index, and a parent
 * row may not be deleted, or its key changed, while a child row references it. As in DuckDB, rows
 * are checked against the table as it was before the statement: a self-referencing row cannot
 * reference a row of its own INSERT, nor can rows that reference each other go in one DELETE.
 */
import type { ForeignKeyConstraint, Transaction } from './catalog.ts'
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Value } from '../types/types.ts'
import { UniqueIndex, describeKey, type IndexKey } from './unique-index.ts'
import type { MemoryTable } from './memory-table.ts'
import { MemoryTransaction } from './transaction.ts'

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

/**
 * 23503 unless every live row among `positions` of `child` has its parent key (or a NULL part).
 * A key only a row at or after `batchStart` of the same table holds (the statement's own rows)
 * does not count. A key whose parent row this transaction deleted in an earlier statement counts
 * for now: as in DuckDB the transaction may still put it back, so the row is checked again at
 * COMMIT. `moved` are rows of `child` the statement itself deleted (an UPDATE moving them): their
 * old keys do not count.
 */
export function checkChildRows(child: MemoryTable, txn: Transaction, positions: ArrayLike<number>, batchStart: number, moved: ReadonlySet<number> | null): void {
  for (const fk of child.foreignKeys) {
    const { index, childKey } = fk.bind(child)
    let ownDeleted: Set<IndexKey> | null | undefined
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!
      if (!child.isLive(p)) continue
      const key = child.keyAt(childKey, p)
      if (key === null) continue
      const holder = index.get(key)
      if (holder !== undefined && (fk.parent !== child || holder < batchStart)) continue
      if (holder === undefined && (ownDeleted ??= deletedKeys(fk.parent, index, txn, fk.parent === child ? moved : null))?.has(key) === true) {
        recheckAtCommit(child, fk, txn as MemoryTransaction, p)
        continue
      }
      throw missingParent(child, fk, p, '')
    }
  }
}

function missingParent(child: MemoryTable, fk: ResolvedForeignKey, p: number, prefix: string): GrizzlyError {
  const values = fk.columns.map(c => child.valueAt(p, c))
  return new GrizzlyError(SqlState.foreignKeyViolation,
    `${prefix}Violates foreign key constraint because key "${describe(child, fk.columns, values)}" does not exist in the referenced table`,
    { hint: prefix === '' ? `insert the row with that key into "${fk.parent.name}" first (in an earlier statement), or leave a key column NULL`
      : `the referenced row of "${fk.parent.name}" was deleted earlier in the transaction: insert it again, or delete the referencing row, before COMMIT` })
}

/** keys of `parent`'s rows `txn` deleted, `except` those (null when none, or when commit checks are not available) */
function deletedKeys(parent: MemoryTable, index: UniqueIndex, txn: Transaction, except: ReadonlySet<number> | null): Set<IndexKey> | null {
  if (!(txn instanceof MemoryTransaction)) return null
  const lists = parent.pendingOf(txn)?.deletedLists
  if (lists === undefined || lists.length === 0) return null
  const out = new Set<IndexKey>()
  for (const list of lists) {
    for (const p of list) {
      if (except?.has(p) === true) continue
      const key = parent.keyAt(index, p)
      if (key !== null) out.add(key)
    }
  }
  return out
}

function recheckAtCommit(child: MemoryTable, fk: ResolvedForeignKey, txn: MemoryTransaction, p: number): void {
  txn.onValidate(() => {
    // the row was deleted again, a rolled-back statement took it back, or the child table was dropped
    if (!child.isLive(p) || !child.foreignKeys.includes(fk) || !fk.parent.referencedBy.has(child)) return
    const { index, childKey } = fk.bind(child)
    const key = child.keyAt(childKey, p)
    if (key !== null && index.get(key) === undefined) throw missingParent(child, fk, p, 'Failed to commit: ')
  })
}

/**
 * 23503 when a child row references the key of a parent row in `positions` that is going away:
 * deleted, or (with `newKeyDiffers`) given another key. Rows going away in the same statement
 * still count, as in DuckDB (a self-referencing table's rows cannot delete each other's parents);
 * a row that references itself does not stop its own deletion (`deleting`). Child rows another
 * transaction deleted and has not committed count: its rollback would bring them back.
 */
export function checkParentRows(parent: MemoryTable, txn: Transaction, positions: ArrayLike<number>, deleting: boolean,
  newKeyDiffers?: (index: UniqueIndex, position: number, oldKey: IndexKey) => boolean): void {
  if (parent.referencedBy.size === 0) return
  for (const child of parent.referencedBy) {
    for (const fk of child.foreignKeys) {
      if (fk.parent !== parent) continue
      const { index, childKey } = fk.bind(child)
      const referenced = new Set<IndexKey>()
      const comingBack = child.deletedByOthers(txn)
      for (let p = 0; p < child.rowPositions; p++) {
        if (!child.isLive(p) && comingBack?.has(p) !== true) continue
        const key = child.keyAt(childKey, p)
        if (key !== null && !(deleting && child === parent && parent.keyAt(index, p) === key)) referenced.add(key)
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
          `Violates foreign key constraint because key "${describe(parent, index.columns, values)}" is still referenced by a foreign key in a different table`,
          { hint: `delete or change the rows of "${child.name}" that reference it first (in an earlier statement)` })
      }
    }
  }
}

function describe(table: MemoryTable, columns: readonly number[], values: readonly Value[]): string {
  return describeKey(columns.map(c => table.columns[c]!.name), columns.map(c => table.columns[c]!.type), values)
}
