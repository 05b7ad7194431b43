import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TableDefinition, TableEntry } from '../../../core/catalog/catalog.ts'
import { GrizzlyError, SqlState } from '../../../core/errors.ts'
import { BIGINT, INTEGER, VARCHAR, BOOLEAN } from '../../../core/types/types.ts'
import { Vector, VectorBuilder, constantVector, getValue, nullVector } from '../../../core/vector/vector.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import { chunkOf, col, fixture, rowsOf, selectFrom, tableRef, throwsCode, view } from './helpers.ts'

const OPTS = { ifNotExists: false, orReplace: false }

const CHECK_B_POSITIVE: BoundExpr = {
  kind: 'compare', op: '>', type: BOOLEAN,
  left: { kind: 'colref', id: 2, type: INTEGER, name: 'b' },
  right: { kind: 'const', value: 0, type: INTEGER },
}

function setup() {
  const f = fixture()
  const def: TableDefinition = {
    schema: 'main', name: 't',
    columns: [col('id', INTEGER), col('a', VARCHAR), col('b', INTEGER)],
    constraints: { primaryKey: [0], unique: [], checks: [{ expr: CHECK_B_POSITIVE, sql: 'b > 0' }] },
    temporary: false,
  }
  f.run(txn => {
    const e = f.catalog.createTable(txn, def, OPTS)!
    e.provider.insert!(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'x', 10], [2, null, 20], [3, 'z', 30]]))
    e.provider.delete!(txn, BigInt64Array.of(1n))
  })
  const entry = (): TableEntry => f.run(txn => f.catalog.require(txn, null, 't')) as TableEntry
  const rows = (): unknown[][] => f.run(txn => { const e = entry(); return rowsOf(e.provider.scan(txn, { columns: e.columns.map((_, i) => i), filters: [] })) })
  return { ...f, entry, rows }
}

test('ADD COLUMN fills existing rows; rollback removes it', () => {
  const { catalog, tm, run, entry, rows } = setup()
  const txn = tm.begin()
  catalog.alterTable(txn, entry(), { kind: 'add_column', column: col('c', BIGINT), fill: n => constantVector(BIGINT, 7n, n) })
  const e = catalog.require(txn, null, 't') as TableEntry
  assert.deepEqual(e.columns.map(c => c.name), ['id', 'a', 'b', 'c'])
  assert.deepEqual(rowsOf(e.provider.scan(txn, { columns: [3, 0], filters: [] })), [[7n, 1], [7n, 3]])
  e.provider.insert!(txn, chunkOf([INTEGER, VARCHAR, INTEGER, BIGINT], [[4, 'w', 40, 8n]]))
  tm.rollback(txn)
  assert.deepEqual(entry().columns.map(c => c.name), ['id', 'a', 'b'])
  assert.deepEqual(rows(), [[1, 'x', 10], [3, 'z', 30]])
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'add_column', column: col('A', INTEGER), fill: n => nullVector(INTEGER, n) }), '42701'))
  // NOT NULL without a default on a table with rows
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'add_column', column: col('n', INTEGER, true), fill: n => nullVector(INTEGER, n) }), '23502'))
})

test('DROP COLUMN: refuses key and CHECK columns, shifts the rest, undoes exactly', () => {
  const { catalog, tm, run, entry, rows } = setup()
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'drop_column', column: 0 }), '2BP01', /PRIMARY KEY/))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'drop_column', column: 2 }), '2BP01', /CHECK/))
  const txn = tm.begin()
  catalog.alterTable(txn, entry(), { kind: 'drop_column', column: 1 })
  const e = catalog.require(txn, null, 't') as TableEntry
  assert.deepEqual(e.columns.map(c => c.name), ['id', 'b'])
  // the CHECK now reads column 1
  assert.equal(((e.constraints.checks[0]!.expr as { left: { id: number } }).left).id, 1)
  assert.deepEqual(e.constraints.primaryKey, [0])
  assert.deepEqual(rowsOf(e.provider.scan(txn, { columns: [0, 1], filters: [] })), [[1, 10], [3, 30]])
  throwsCode(() => e.provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[3, 1]])), '23505')
  tm.rollback(txn)
  assert.deepEqual(rows(), [[1, 'x', 10], [3, 'z', 30]])
  assert.equal(((entry().constraints.checks[0]!.expr as { left: { id: number } }).left).id, 2)
})

test('RENAME COLUMN and RENAME TABLE, with rollback and clashes', () => {
  const { catalog, tm, run, entry } = setup()
  run(t => catalog.createTable(t, { schema: 'main', name: 'other', columns: [col('x', INTEGER)], constraints: { primaryKey: null, unique: [], checks: [] }, temporary: false }, OPTS))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'rename_column', column: 1, to: 'B' }), '42701'))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'rename_table', to: 'OTHER' }), '42P07'))
  const txn = tm.begin()
  catalog.alterTable(txn, entry(), { kind: 'rename_column', column: 1, to: 'label' })
  catalog.alterTable(txn, catalog.require(txn, null, 't') as TableEntry, { kind: 'rename_table', to: 'Renamed' })
  const e = catalog.require(txn, null, 'renamed') as TableEntry
  assert.equal(e.name, 'Renamed')
  assert.equal(e.columns[1]!.name, 'label')
  assert.equal(catalog.lookup(txn, null, 't'), undefined)
  // messages use the new name
  throwsCode(() => e.provider.insert!(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[null, 'q', 1]])), '23502', /Renamed\.id/)
  tm.rollback(txn)
  assert.equal(entry().columns[1]!.name, 'a')
  run(t => assert.equal(catalog.lookup(t, null, 'renamed'), undefined))
  run(t => throwsCode(() => entry().provider.insert!(t, chunkOf([INTEGER, VARCHAR, INTEGER], [[null, 'q', 1]])), '23502', /t\.id/))
})

test('ALTER COLUMN TYPE converts live rows, and a failed cast changes nothing', () => {
  const { catalog, tm, run, entry, rows } = setup()
  const toText = (old: Vector): Vector => {
    const b = new VectorBuilder(VARCHAR, old.length)
    for (let i = 0; i < old.length; i++) { const v = getValue(old, i); b.push(v === null ? null : `<${String(v)}>`) }
    return b.finish()
  }
  run(t => catalog.alterTable(t, entry(), { kind: 'add_column', column: col('n', INTEGER), fill: n => constantVector(INTEGER, 4, n) }))
  const txn = tm.begin()
  catalog.alterTable(txn, entry(), { kind: 'alter_column_type', column: 3, type: VARCHAR, convert: toText })
  const e = catalog.require(txn, null, 't') as TableEntry
  assert.equal(e.columns[3]!.type.id, 'VARCHAR')
  assert.deepEqual(rowsOf(e.provider.scan(txn, { columns: [3], filters: [] })), [['<4>'], ['<4>']])
  e.provider.insert!(txn, chunkOf([INTEGER, VARCHAR, INTEGER, VARCHAR], [[7, 'q', 1, 'text']]))
  tm.rollback(txn)
  assert.equal(entry().columns[3]!.type.id, 'INTEGER')
  assert.deepEqual(rows(), [[1, 'x', 10, 4], [3, 'z', 30, 4]])
  // the deleted row reaches the conversion as NULL, so its value cannot make the cast fail
  let seenNull = false
  const noNulls = (old: Vector): Vector => { for (let i = 0; i < old.length; i++) if (!old.isValid(i)) seenNull = true; return old }
  run(t => catalog.alterTable(t, entry(), { kind: 'alter_column_type', column: 1, type: VARCHAR, convert: noNulls }))
  assert.equal(seenNull, true)
  const failing = (): Vector => { throw new GrizzlyError(SqlState.invalidTextRepresentation, 'could not convert') }
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'alter_column_type', column: 1, type: INTEGER, convert: failing }), '22P02'))
  assert.deepEqual(rows(), [[1, 'x', 10, 4], [3, 'z', 30, 4]])
})

test('ALTER COLUMN TYPE is refused for key and CHECK columns, as DuckDB', () => {
  const { catalog, run, entry } = setup()
  const same = (old: Vector): Vector => old
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'alter_column_type', column: 0, type: BIGINT, convert: same }), '2BP01', /UNIQUE or PRIMARY KEY/))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'alter_column_type', column: 2, type: BIGINT, convert: same }), '2BP01', /CHECK/))
})

test('SET / DROP NOT NULL verifies live rows; SET DEFAULT; primary key columns stay NOT NULL', () => {
  const { catalog, tm, run, entry } = setup()
  // row 2 (a = NULL) is deleted, so SET NOT NULL succeeds
  run(t => catalog.alterTable(t, entry(), { kind: 'set_not_null', column: 1, notNull: true }))
  assert.equal(entry().columns[1]!.notNull, true)
  run(t => throwsCode(() => entry().provider.insert!(t, chunkOf([INTEGER, VARCHAR, INTEGER], [[9, null, 1]])), '23502', /t\.a/))
  run(t => catalog.alterTable(t, entry(), { kind: 'set_not_null', column: 1, notNull: false }))
  run(t => entry().provider.insert!(t, chunkOf([INTEGER, VARCHAR, INTEGER], [[9, null, 1]])))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'set_not_null', column: 1, notNull: true }), '23502', /contains null values/))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'set_not_null', column: 0, notNull: false }), '42P10'))
  const txn = tm.begin()
  catalog.alterTable(txn, entry(), { kind: 'set_default', column: 2, default: { kind: 'const', value: 5, type: INTEGER }, defaultSql: '5' })
  assert.equal((catalog.require(txn, null, 't') as TableEntry).columns[2]!.defaultSql, '5')
  tm.rollback(txn)
  assert.equal(entry().columns[2]!.defaultSql, null)
})

test('ALTERs that would break a dependent view are refused (2BP01); others are allowed', () => {
  const { catalog, run, entry } = setup()
  run(t => catalog.createView(t, view('main', 'v', selectFrom([tableRef('t')])), OPTS))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'rename_column', column: 1, to: 'q' }), '2BP01', /Cannot alter entry "t" because there are entries that depend on it\./))
  run(t => throwsCode(() => catalog.alterTable(t, entry(), { kind: 'rename_table', to: 'q' }), '2BP01'))
  run(t => catalog.alterTable(t, entry(), { kind: 'add_column', column: col('extra', INTEGER), fill: n => nullVector(INTEGER, n) }))
  catalog.viewDependencies = false
  run(t => catalog.alterTable(t, entry(), { kind: 'rename_column', column: 1, to: 'q' }))
  run(t => catalog.drop(t, 'table', null, 't', { ifExists: false, cascade: false }))
})
