import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ForeignKeyConstraint, TableDefinition, TableEntry } from '../../../core/catalog/catalog.ts'
import { BIGINT, INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { nullVector } from '../../../core/vector/vector.ts'
import { chunkOf, col, fixture, rowsOf, throwsCode } from './helpers.ts'

const OPTS = { ifNotExists: false, orReplace: false }
const DROP = { ifExists: false, cascade: false }

function fk(columns: number[], refTable: string, refColumns: string[] = []): ForeignKeyConstraint {
  return { columns, refSchema: null, refTable, refColumns }
}

function setup() {
  const f = fixture()
  const parent: TableDefinition = {
    schema: 'main', name: 'pk', columns: [col('i', INTEGER), col('code', VARCHAR)],
    constraints: { primaryKey: [0], unique: [[1]], checks: [] }, temporary: false,
  }
  const child: TableDefinition = {
    schema: 'main', name: 'fk', columns: [col('id', INTEGER), col('j', BIGINT)],
    constraints: { primaryKey: null, unique: [], checks: [], foreignKeys: [fk([1], 'pk')] }, temporary: false,
  }
  f.run(txn => f.catalog.createTable(txn, parent, OPTS))
  f.run(txn => f.catalog.createTable(txn, child, OPTS))
  const table = (name: string) => f.run(txn => f.catalog.require(txn, null, name)) as TableEntry
  f.run(txn => table('pk').provider.insert!(txn, chunkOf([INTEGER, VARCHAR], [[1, 'a'], [2, 'b'], [3, 'c']])))
  return { ...f, table, parentDef: parent, childDef: child }
}

test('child rows need an existing parent key; NULL keys are exempt', () => {
  const { run, table } = setup()
  run(txn => table('fk').provider.insert!(txn, chunkOf([INTEGER, BIGINT], [[10, 1n], [11, 1n], [12, null]])))
  const e = run(txn => throwsCode(() => table('fk').provider.insert!(txn, chunkOf([INTEGER, BIGINT], [[13, 2n], [14, 4n]])), '23503'))
  assert.equal(e.message, 'Violates foreign key constraint because key "j: 4" does not exist in the referenced table')
  // the failed batch left nothing behind
  run(txn => assert.equal(table('fk').provider.estimatedRows(txn), 3))
  run(txn => throwsCode(() => table('fk').provider.update!(txn, BigInt64Array.of(0n), [1], chunkOf([BIGINT], [[9n]])), '23503'))
  run(txn => assert.deepEqual(rowsOf(table('fk').provider.scan(txn, { columns: [1], filters: [] })), [[1n], [1n], [null]]))
  run(txn => table('fk').provider.update!(txn, BigInt64Array.of(0n), [1], chunkOf([BIGINT], [[3n]])))
})

test('referenced parent rows cannot be deleted or re-keyed; unreferenced ones can', () => {
  const { run, table } = setup()
  run(txn => table('fk').provider.insert!(txn, chunkOf([INTEGER, BIGINT], [[10, 1n]])))
  const e = run(txn => throwsCode(() => table('pk').provider.delete!(txn, BigInt64Array.of(0n)), '23503'))
  assert.equal(e.message, 'Violates foreign key constraint because key "i: 1" is still referenced by a foreign key in a different table')
  run(txn => throwsCode(() => table('pk').provider.update!(txn, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[100]])), '23503'))
  // same key, or another column: fine (a key column was written, so the row moved to position 3)
  run(txn => table('pk').provider.update!(txn, BigInt64Array.of(0n), [0, 1], chunkOf([INTEGER, VARCHAR], [[1, 'z']])))
  run(txn => assert.equal(table('pk').provider.delete!(txn, BigInt64Array.of(1n, 2n)), 2))
  run(txn => throwsCode(() => table('pk').provider.delete!(txn, BigInt64Array.of(3n)), '23503'))
  // once the child row is gone the parent row may go too
  run(txn => table('fk').provider.delete!(txn, BigInt64Array.of(0n)))
  run(txn => assert.equal(table('pk').provider.delete!(txn, BigInt64Array.of(3n)), 1))
})

test('DROP of a referenced table is refused until the child is dropped; rollback restores the link', () => {
  const { catalog, tm, run, table } = setup()
  run(txn => throwsCode(() => catalog.drop(txn, 'table', null, 'pk', DROP), '2BP01', /main key table of the table "fk"/))
  run(txn => throwsCode(() => catalog.drop(txn, 'table', null, 'pk', { ifExists: false, cascade: true }), '2BP01'))
  run(txn => throwsCode(() => catalog.createTable(txn, { schema: 'main', name: 'pk', columns: [col('x', INTEGER)], constraints: { primaryKey: null, unique: [], checks: [] }, temporary: false }, { ifNotExists: false, orReplace: true }), '2BP01'))
  const txn = tm.begin()
  catalog.drop(txn, 'table', null, 'fk', DROP)
  catalog.drop(txn, 'table', null, 'pk', DROP)
  tm.rollback(txn)
  run(t => table('fk').provider.insert!(t, chunkOf([INTEGER, BIGINT], [[10, 2n]])))
  run(t => throwsCode(() => table('pk').provider.delete!(t, BigInt64Array.of(1n)), '23503'))
  run(t => catalog.drop(t, 'table', null, 'fk', DROP))
  run(t => table('pk').provider.delete!(t, BigInt64Array.of(1n)))
  run(t => catalog.drop(t, 'table', null, 'pk', DROP))
})

test('bad definitions: unknown table or column, no key on the referenced columns, count and type mismatches', () => {
  const { catalog, run } = setup()
  const def = (fks: ForeignKeyConstraint[], columns = [col('a', INTEGER), col('b', VARCHAR)]): TableDefinition => ({
    schema: 'main', name: 'c2', columns, constraints: { primaryKey: null, unique: [], checks: [], foreignKeys: fks }, temporary: false,
  })
  run(txn => throwsCode(() => catalog.createTable(txn, def([fk([0], 'pkk')]), OPTS), '42P01'))
  assert.equal(run(txn => throwsCode(() => catalog.createTable(txn, def([fk([0], 'pk', ['ii'])]), OPTS), '42703')).hint, 'did you mean "i"?')
  run(txn => throwsCode(() => catalog.createTable(txn, def([fk([0, 1], 'pk', ['i'])]), OPTS), '42830'))
  run(txn => catalog.createTable(txn, { schema: 'main', name: 'nokey', columns: [col('x', INTEGER)], constraints: { primaryKey: null, unique: [], checks: [] }, temporary: false }, OPTS))
  run(txn => throwsCode(() => catalog.createTable(txn, def([fk([0], 'nokey')]), OPTS), '42830', /no primary key/))
  run(txn => throwsCode(() => catalog.createTable(txn, def([fk([0], 'nokey', ['x'])]), OPTS), '42830', /does not have a primary key or unique constraint/))
  run(txn => throwsCode(() => catalog.createTable(txn, def([fk([1], 'pk')]), OPTS), '42804'))
  // a UNIQUE key can be referenced by name
  run(txn => catalog.createTable(txn, def([fk([1], 'pk', ['code'])]), OPTS))
  run(txn => (catalog.require(txn, null, 'c2') as TableEntry).provider.insert!(txn, chunkOf([INTEGER, VARCHAR], [[0, 'b']])))
  run(txn => throwsCode(() => (catalog.require(txn, null, 'c2') as TableEntry).provider.insert!(txn, chunkOf([INTEGER, VARCHAR], [[0, 'q']])), '23503', /"b: q"/))
})

test('self-referencing keys: as DuckDB, rows are checked against the table before the statement', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, {
    schema: 'main', name: 'employee', columns: [col('id', INTEGER), col('manager', INTEGER)],
    constraints: { primaryKey: [0], unique: [], checks: [], foreignKeys: [fk([1], 'employee', ['id'])] }, temporary: false,
  }, OPTS))
  const t = () => run(txn => catalog.require(txn, null, 'employee')) as TableEntry
  // a row of the same INSERT (itself included) is not a parent yet
  run(txn => throwsCode(() => t().provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[1, null], [2, 1]])), '23503', /"manager: 1"/))
  run(txn => throwsCode(() => t().provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[1, 1]])), '23503'))
  run(txn => t().provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[1, null]])))
  run(txn => t().provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[2, 1]])))
  run(txn => t().provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[3, 2]])))
  run(txn => throwsCode(() => t().provider.insert!(txn, chunkOf([INTEGER, INTEGER], [[4, 9]])), '23503'))
  run(txn => throwsCode(() => t().provider.delete!(txn, BigInt64Array.of(0n)), '23503'))
  // rows going in the same DELETE still hold their parents: a manager goes after everyone below
  run(txn => throwsCode(() => t().provider.delete!(txn, BigInt64Array.of(0n, 1n, 2n)), '23503', /"id: 1" is still referenced/))
  run(txn => assert.equal(t().provider.delete!(txn, BigInt64Array.of(2n)), 1))
  run(txn => assert.equal(t().provider.delete!(txn, BigInt64Array.of(1n)), 1))
  run(txn => assert.equal(t().provider.delete!(txn, BigInt64Array.of(0n)), 1))
  run(txn => catalog.drop(txn, 'table', null, 'employee', DROP))
})

test('ALTERs that would break a foreign key are refused; DROP COLUMN elsewhere keeps it working', () => {
  const { catalog, run, table } = setup()
  run(txn => throwsCode(() => catalog.alterTable(txn, table('fk'), { kind: 'rename_column', column: 1, to: 'jj' }), '2BP01', /foreign key/))
  run(txn => throwsCode(() => catalog.alterTable(txn, table('pk'), { kind: 'rename_column', column: 0, to: 'ii' }), '2BP01', /foreign key/))
  run(txn => throwsCode(() => catalog.alterTable(txn, table('fk'), { kind: 'drop_column', column: 1 }), '2BP01'))
  run(txn => throwsCode(() => catalog.alterTable(txn, table('pk'), { kind: 'rename_table', to: 'pk2' }), '2BP01'))
  run(txn => catalog.alterTable(txn, table('pk'), { kind: 'rename_column', column: 1, to: 'label' }))
  run(txn => catalog.alterTable(txn, table('fk'), { kind: 'add_column', column: col('extra', INTEGER), fill: n => nullVector(INTEGER, n) }))
  run(txn => catalog.alterTable(txn, table('fk'), { kind: 'drop_column', column: 0 }))
  assert.deepEqual(table('fk').constraints.foreignKeys?.[0]?.columns, [0])
  run(txn => throwsCode(() => table('fk').provider.insert!(txn, chunkOf([BIGINT, INTEGER], [[7n, null]])), '23503', /"j: 7"/))
  run(txn => table('fk').provider.insert!(txn, chunkOf([BIGINT, INTEGER], [[3n, null]])))
})

test('DROP SCHEMA CASCADE drops parent and child together', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createSchema(txn, 's', false))
  run(txn => catalog.createTable(txn, { schema: 's', name: 'p', columns: [col('i', INTEGER)], constraints: { primaryKey: [0], unique: [], checks: [] }, temporary: false }, OPTS))
  run(txn => catalog.createTable(txn, { schema: 's', name: 'c', columns: [col('i', INTEGER)], constraints: { primaryKey: null, unique: [], checks: [], foreignKeys: [{ columns: [0], refSchema: 's', refTable: 'p', refColumns: [] }] }, temporary: false }, OPTS))
  run(txn => catalog.dropSchema(txn, 's', false, true))
  assert.equal(catalog.hasSchema('s'), false)
})
