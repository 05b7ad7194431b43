/**
 * ALTER TABLE on a MemoryTable's data and metadata. Each function checks first, then changes,
 * and registers an undo that restores the exact previous state.
 */
import type { ColumnSchema, TableConstraints, Transaction } from './catalog.ts'
import { GrizzlyError, InternalError, SqlState, assertNever } from '../errors.ts'
import type { LogicalType } from '../types/types.ts'
import { physicalOf } from '../types/types.ts'
import type { BoundExpr, ColumnRefExpr } from '../plan/expr.ts'
import type { Vector } from '../vector/vector.ts'
import { ColumnSegment } from './column-segment.ts'
import { ROW_GROUP_SIZE, type MemoryTable } from './memory-table.ts'

export function addColumn(txn: Transaction, table: MemoryTable, column: ColumnSchema, fill: (rows: number) => Vector): void {
  const positions = table.rowPositions
  const values = fill(positions)
  if (values.length < positions) throw new InternalError(`ALTER TABLE ADD COLUMN fill produced ${values.length} of ${positions} rows`)
  if (values.physical !== physicalOf(column.type)) throw new InternalError(`ADD COLUMN fill is ${values.type.id}, the column ${column.type.id}`)
  const segments = table.groups.map((group, g) => {
    const s = new ColumnSegment(column.type, ROW_GROUP_SIZE)
    s.append(values, g * ROW_GROUP_SIZE, g * ROW_GROUP_SIZE + group.count)
    return s
  })
  const index = table.columns.length
  if (column.notNull && segments.some((s, g) => s.anyNull(0, table.groups[g]!.count, table.groups[g]!.deleted))) {
    throw new GrizzlyError(SqlState.notNullViolation, `NOT NULL constraint failed: ${table.name}.${column.name}`, {
      hint: 'give the new column a DEFAULT, or add it without NOT NULL and fill it first',
    })
  }
  const oldColumns = table.columns
  table.groups.forEach((group, g) => group.segments.push(segments[g]!))
  table.columns = [...oldColumns, column]
  txn.onRollback(() => {
    for (const group of table.groups) group.segments.length = index
    table.columns = oldColumns
  })
}

export function dropColumn(txn: Transaction, table: MemoryTable, column: number): void {
  const col = requireColumn(table, column)
  if (table.columns.length === 1) {
    throw new GrizzlyError(SqlState.featureNotSupported, `cannot drop column "${col.name}": it is the only column of table "${table.name}"`, {
      hint: 'drop the table instead',
    })
  }
  const c = table.constraints
  if (c.primaryKey?.includes(column) === true) {
    throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop column "${col.name}" because there is a PRIMARY KEY constraint that depends on it`, {
      hint: 'recreate the table without the key to drop this column',
    })
  }
  if (c.unique.some(key => key.includes(column))) {
    throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop column "${col.name}" because there is a UNIQUE constraint that depends on it`)
  }
  if (c.checks.some(check => readsColumn(check.expr, column))) {
    throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop column "${col.name}" because there is a CHECK constraint that depends on it`)
  }
  const shift = (i: number): number => i > column ? i - 1 : i
  const oldColumns = table.columns, oldConstraints = table.constraints, oldIndexes = table.indexes
  const oldIndexColumns = oldIndexes.map(ix => ix.columns)
  const removed = table.groups.map(group => group.segments.splice(column, 1)[0]!)
  table.columns = oldColumns.filter((_, i) => i !== column)
  table.constraints = {
    primaryKey: c.primaryKey === null ? null : c.primaryKey.map(shift),
    unique: c.unique.map(key => key.map(shift)),
    checks: c.checks.map(check => ({ expr: mapColumnRefs(check.expr, shift), sql: check.sql })),
    foreignKeys: c.foreignKeys?.map(fk => ({ ...fk, columns: fk.columns.map(shift) })),
  }
  for (const ix of oldIndexes) ix.columns = ix.columns.map(shift)
  table.forgetVersions()
  const oldForeignKeyColumns = table.foreignKeys.map(fk => fk.columns)
  for (const fk of table.foreignKeys) fk.columns = fk.columns.map(shift)
  txn.onRollback(() => {
    table.groups.forEach((group, g) => group.segments.splice(column, 0, removed[g]!))
    table.columns = oldColumns
    table.constraints = oldConstraints
    oldIndexes.forEach((ix, k) => { ix.columns = oldIndexColumns[k]! })
    table.foreignKeys.forEach((fk, k) => { fk.columns = oldForeignKeyColumns[k]! })
  })
}

/** metadata-only column changes: rename, default, NOT NULL (verified against the live rows) */
export function replaceColumn(txn: Transaction, table: MemoryTable, column: number, next: ColumnSchema): void {
  const col = requireColumn(table, column)
  if (next.notNull && !col.notNull && table.columnHasNull(column)) {
    throw new GrizzlyError(SqlState.notNullViolation, `column "${col.name}" of table "${table.name}" contains null values`, {
      hint: `UPDATE ${table.name} SET ${col.name} = … WHERE ${col.name} IS NULL first`,
    })
  }
  const oldColumns = table.columns
  table.columns = oldColumns.map((c, i) => i === column ? next : c)
  txn.onRollback(() => { table.columns = oldColumns })
}

export function alterColumnType(txn: Transaction, table: MemoryTable, column: number, type: LogicalType, convert: (old: Vector) => Vector): void {
  const col = requireColumn(table, column)
  // as DuckDB: key indexes and bound CHECK expressions are typed by the old column type
  const c = table.constraints
  if (c.primaryKey?.includes(column) === true || c.unique.some(key => key.includes(column))) {
    throw new GrizzlyError(SqlState.dependentObjects, `Cannot change the type of a column that has a UNIQUE or PRIMARY KEY constraint specified (column "${col.name}")`)
  }
  if (c.checks.some(check => readsColumn(check.expr, column))) {
    throw new GrizzlyError(SqlState.dependentObjects, `Cannot change the type of column "${col.name}": a CHECK constraint depends on it`, {
      hint: 'recreate the table to change the column together with its CHECK',
    })
  }
  const physical = physicalOf(type)
  // convert everything first: a failed cast leaves the table untouched
  const converted = table.groups.map(group => {
    const old = group.segments[column]!.read(0, group.count)
    if (group.deletedCount > 0) {
      // deleted rows must not make the cast fail
      const valid = old.validity ?? new Uint8Array(group.count).fill(1)
      for (let i = 0; i < group.count; i++) if (group.deleted![i] === 1) valid[i] = 0
      old.validity = valid
    }
    const next = convert(old)
    if (next.length < group.count || next.physical !== physical) {
      throw new InternalError(`ALTER COLUMN TYPE conversion returned ${next.length} ${next.type.id} values for ${group.count} ${type.id} rows`)
    }
    const s = new ColumnSegment(type, ROW_GROUP_SIZE)
    s.append(next, 0, group.count)
    return s
  })
  const oldSegments = table.groups.map(group => group.segments[column]!)
  const oldColumns = table.columns
  table.groups.forEach((group, g) => { group.segments[column] = converted[g]! })
  table.columns = oldColumns.map((x, i) => i === column ? { ...col, type } : x)
  table.forgetVersions()
  txn.onRollback(() => {
    table.groups.forEach((group, g) => { group.segments[column] = oldSegments[g]! })
    table.columns = oldColumns
  })
}

export function setConstraints(txn: Transaction, table: MemoryTable, constraints: TableConstraints): void {
  const old = table.constraints
  table.constraints = constraints
  txn.onRollback(() => { table.constraints = old })
}

function requireColumn(table: MemoryTable, column: number): ColumnSchema {
  const col = table.columns[column]
  if (col === undefined) throw new InternalError(`column ${column} is not in table ${table.name}`)
  return col
}

function readsColumn(e: BoundExpr, column: number): boolean {
  let found = false
  mapColumnRefs(e, id => { if (id === column) found = true; return id })
  return found
}

/** rewrites the column ids of a CHECK expression (ids are table column indexes) */
export function mapColumnRefs(e: BoundExpr, f: (id: number) => number): BoundExpr {
  const m = (x: BoundExpr): BoundExpr => mapColumnRefs(x, f)
  switch (e.kind) {
    case 'colref': { const id = f(e.id); return id === e.id ? e : { ...e, id } satisfies ColumnRefExpr }
    case 'const': case 'param': return e
    case 'call': return { ...e, args: e.args.map(m) }
    case 'cast': return { ...e, expr: m(e.expr) }
    case 'compare': return { ...e, left: m(e.left), right: m(e.right) }
    case 'and': case 'or': return { ...e, args: e.args.map(m) }
    case 'not': case 'is_null': return { ...e, arg: m(e.arg) }
    case 'case': return { ...e, whens: e.whens.map(w => ({ when: m(w.when), then: m(w.then) })), else: m(e.else) }
    case 'in_list': return { ...e, arg: m(e.arg), list: e.list.map(m) }
    // CHECK constraints cannot hold subqueries
    case 'subquery': return e
    default: return assertNever(e, 'bound expression')
  }
}
