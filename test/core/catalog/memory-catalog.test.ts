import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TableDefinition } from '../../../core/catalog/catalog.ts'
import { MemoryTable } from '../../../core/catalog/memory-table.ts'
import { checkWritable, isExternalTable } from '../../../core/catalog/external.ts'
import { INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { NO_CONSTRAINTS, chunkOf, col, fixture, rowsOf, selectFrom, tableRef, throwsCode, view } from './helpers.ts'

const OPTS = { ifNotExists: false, orReplace: false }
const DROP = { ifExists: false, cascade: false }

function def(name: string, schema = 'main', temporary = false): TableDefinition {
  return { schema, name, columns: [col('id', INTEGER), col('name', VARCHAR)], constraints: NO_CONSTRAINTS, temporary }
}

test('tables are found case-insensitively and keep the name as written', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('MyTable'), OPTS))
  run(txn => {
    const e = catalog.require(txn, null, 'mytable')
    assert.equal(e.name, 'MyTable')
    assert.equal(catalog.lookup(txn, 'MAIN', 'MYTABLE'), e)
    assert.equal(catalog.lookup(txn, null, 'other'), undefined)
    assert.deepEqual(catalog.entries(txn).map(x => x.name), ['MyTable'])
  })
})

test('42P01 with a did-you-mean hint and the position; 3F000 for unknown schemas', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('customers'), OPTS))
  run(txn => {
    const e = throwsCode(() => catalog.require(txn, null, 'customer', 14), '42P01', /^Table with name customer does not exist!$/)
    assert.equal(e.hint, 'did you mean "customers"?')
    assert.equal(e.position, 14)
    const s = throwsCode(() => catalog.require(txn, 'mian', 'customers'), '3F000', /mian/)
    assert.equal(s.hint, 'did you mean "main"?')
    assert.equal(throwsCode(() => catalog.require(txn, null, 'zzzzzzzz'), '42P01').hint, undefined)
  })
})

test('42P07 on duplicates; IF NOT EXISTS and OR REPLACE', () => {
  const { catalog, run } = fixture()
  const first = run(txn => catalog.createTable(txn, def('t'), OPTS))!
  run(txn => throwsCode(() => catalog.createTable(txn, def('T'), OPTS), '42P07', /Table with name "t" already exists!/))
  assert.equal(run(txn => catalog.createTable(txn, def('t'), { ifNotExists: true, orReplace: false })), undefined)
  const replaced = run(txn => catalog.createTable(txn, def('t'), { ifNotExists: false, orReplace: true }))!
  assert.notEqual(replaced.provider, first.provider)
  run(txn => catalog.createView(txn, view('main', 'v', selectFrom([tableRef('t')])), OPTS))
  run(txn => throwsCode(() => catalog.createTable(txn, def('v'), { ifNotExists: false, orReplace: true }), '42809'))
  run(txn => throwsCode(() => catalog.createView(txn, view('main', 't', selectFrom([])), { ifNotExists: false, orReplace: true }), '42809'))
  run(txn => throwsCode(() => catalog.createView(txn, view('main', 'v', selectFrom([])), OPTS), '42P07', /View with name "v"/))
  run(txn => throwsCode(() => catalog.createTable(txn, { ...def('dup'), columns: [col('a', INTEGER), col('A', INTEGER)] }, OPTS), '42701'))
})

test('temporary tables live in temp and shadow main tables', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('t'), OPTS))
  const temp = run(txn => catalog.createTable(txn, def('t', 'main', true), OPTS))!
  assert.equal(temp.schema, 'temp')
  assert.equal(temp.temporary, true)
  run(txn => {
    assert.equal(catalog.lookup(txn, null, 't'), temp)
    assert.notEqual(catalog.lookup(txn, 'main', 't'), temp)
    assert.equal(catalog.entries(txn)[0], temp)
  })
  run(txn => catalog.drop(txn, 'table', null, 't', DROP))
  run(txn => assert.equal(catalog.lookup(txn, null, 't')?.schema, 'main'))
})

test('DROP: wrong object type is 42809, missing is 42P01 unless IF EXISTS', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('t'), OPTS))
  run(txn => catalog.createView(txn, view('main', 'v', selectFrom([])), OPTS))
  run(txn => throwsCode(() => catalog.drop(txn, 'view', null, 't', DROP), '42809', /Existing object t is of type Table, trying to drop type View/))
  run(txn => throwsCode(() => catalog.drop(txn, 'table', null, 'v', DROP), '42809'))
  run(txn => throwsCode(() => catalog.drop(txn, 'table', null, 'tt', DROP), '42P01'))
  run(txn => throwsCode(() => catalog.drop(txn, 'view', null, 'vv', DROP), '42P01', /View with name vv/))
  run(txn => catalog.drop(txn, 'table', null, 'tt', { ifExists: true, cascade: false }))
  run(txn => catalog.drop(txn, 'table', 'nope', 'tt', { ifExists: true, cascade: false }))
  run(txn => throwsCode(() => catalog.drop(txn, 'table', 'nope', 'tt', DROP), '3F000'))
  run(txn => catalog.drop(txn, 'view', null, 'v', DROP))
  run(txn => catalog.drop(txn, 'table', null, 't', DROP))
  run(txn => assert.equal(catalog.entries(txn).length, 0))
})

test('views record what they read: DROP needs CASCADE (2BP01), which drops dependents transitively', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('t1'), OPTS))
  run(txn => catalog.createTable(txn, def('t2'), OPTS))
  run(txn => catalog.createView(txn, view('main', 'v1', selectFrom([tableRef('t1')])), OPTS))
  run(txn => catalog.createView(txn, view('main', 'v2', selectFrom([tableRef('main', 'v1'), tableRef('t2')])), OPTS))
  const e = run(txn => throwsCode(() => catalog.drop(txn, 'table', null, 't1', DROP), '2BP01'))
  assert.match(e.message, /view "v1" depends on table "t1"\./)
  run(txn => throwsCode(() => catalog.drop(txn, 'view', null, 'v1', DROP), '2BP01', /view "v2" depends on view "v1"/))
  run(txn => catalog.drop(txn, 'table', null, 't1', { ifExists: false, cascade: true }))
  run(txn => assert.deepEqual(catalog.entries(txn).map(x => x.name), ['t2']))
})

test('a view cannot be replaced by one that reads itself', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('t'), OPTS))
  run(txn => catalog.createView(txn, view('main', 'v1', selectFrom([tableRef('t')])), OPTS))
  run(txn => catalog.createView(txn, view('main', 'v2', selectFrom([tableRef('v1')])), OPTS))
  const replace = { ifNotExists: false, orReplace: true }
  run(txn => throwsCode(() => catalog.createView(txn, view('main', 'v1', selectFrom([tableRef('v1')])), replace), '42P17'))
  run(txn => throwsCode(() => catalog.createView(txn, view('main', 'v1', selectFrom([tableRef('v2')])), replace), '42P17'))
  run(txn => catalog.createView(txn, view('main', 'v1', selectFrom([])), replace))
})

test('CTE names are not dependencies', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createTable(txn, def('t'), OPTS))
  const withCte = { ...selectFrom([tableRef('c')]), with: { pos: 0, recursive: false, ctes: [{ pos: 0, name: 't', columns: null, materialized: null, query: selectFrom([]) }, { pos: 0, name: 'c', columns: null, materialized: null, query: selectFrom([tableRef('t')]) }] } }
  run(txn => catalog.createView(txn, view('main', 'v', withCte), OPTS))
  // c reads the CTE t, not the table t
  run(txn => catalog.drop(txn, 'table', null, 't', DROP))
})

test('schemas: create, duplicate, drop empty, drop non-empty needs CASCADE, main cannot be dropped', () => {
  const { catalog, run } = fixture()
  run(txn => catalog.createSchema(txn, 'Sales', false))
  assert.ok(catalog.hasSchema('sales'))
  assert.deepEqual(catalog.schemaNames(), ['main', 'temp', 'Sales'])
  run(txn => throwsCode(() => catalog.createSchema(txn, 'sales', false), '42P06'))
  run(txn => catalog.createSchema(txn, 'sales', true))
  run(txn => catalog.createTable(txn, def('orders', 'sales'), OPTS))
  run(txn => catalog.createView(txn, view('main', 'recent', selectFrom([tableRef('sales', 'orders')])), OPTS))
  run(txn => assert.equal(catalog.require(txn, 'SALES', 'Orders').schema, 'Sales'))
  run(txn => throwsCode(() => catalog.dropSchema(txn, 'sales', false, false), '2BP01', /orders/))
  run(txn => throwsCode(() => catalog.dropSchema(txn, 'main', false, true), '2BP01'))
  run(txn => throwsCode(() => catalog.dropSchema(txn, 'nope', false, false), '3F000'))
  run(txn => catalog.dropSchema(txn, 'nope', true, false))
  assert.equal(run(txn => throwsCode(() => catalog.require(txn, null, 'orders'), '42P01')).hint, 'did you mean "Sales.orders"?')
  run(txn => catalog.dropSchema(txn, 'sales', false, true))
  assert.ok(!catalog.hasSchema('sales'))
  // the view in main that read sales.orders went with it
  run(txn => assert.equal(catalog.entries(txn).length, 0))
  run(txn => throwsCode(() => catalog.createTable(txn, def('x', 'sales'), OPTS), '3F000'))
})

test('ROLLBACK restores the catalog exactly', () => {
  const { catalog, tm, run } = fixture()
  run(txn => catalog.createTable(txn, def('keep'), OPTS))
  run(txn => catalog.createView(txn, view('main', 'kv', selectFrom([tableRef('keep')])), OPTS))
  run(txn => catalog.createSchema(txn, 's', false))
  run(txn => catalog.createTable(txn, def('inner', 's'), OPTS))
  const snapshot = () => run(txn => catalog.entries(txn).map(e => `${e.schema}.${e.name}:${e.kind}`).sort().join(','))
  const before = snapshot()
  const keepEntry = run(txn => catalog.require(txn, null, 'keep'))
  const txn = tm.begin()
  catalog.createTable(txn, def('new'), OPTS)
  catalog.drop(txn, 'table', null, 'keep', { ifExists: false, cascade: true })
  catalog.dropSchema(txn, 's', false, true)
  catalog.createSchema(txn, 'other', false)
  catalog.createTable(txn, def('keep'), OPTS)
  catalog.createView(txn, view('main', 'nv', selectFrom([tableRef('new')])), OPTS)
  tm.rollback(txn)
  assert.equal(snapshot(), before)
  assert.ok(catalog.hasSchema('s') && !catalog.hasSchema('other'))
  run(t => assert.equal(catalog.require(t, null, 'keep'), keepEntry))
  // dependencies came back too
  run(t => throwsCode(() => catalog.drop(t, 'table', null, 'keep', DROP), '2BP01'))
})

test('registered external tables are read-only and replaceable', () => {
  const { catalog, run } = fixture()
  const source = new MemoryTable({ name: 'src', columns: [col('x', INTEGER)], constraints: NO_CONSTRAINTS })
  run(txn => source.insert(txn, chunkOf([INTEGER], [[1], [2]])))
  const entry = run(txn => catalog.registerExternal(txn, 'arrow_t', [col('x', INTEGER)], source, false))
  assert.ok(isExternalTable(entry))
  run(txn => assert.deepEqual(rowsOf(catalog.require(txn, null, 'ARROW_T').kind === 'table' ? entry.provider.scan(txn, { columns: [0], filters: [] }) : []), [[1], [2]]))
  // the source offers DML; the registered table does not
  assert.equal(entry.provider.insert, undefined)
  assert.equal(entry.provider.delete, undefined)
  assert.equal(entry.provider.update, undefined)
  throwsCode(() => checkWritable(entry, 'UPDATE'), '0A000', /cannot UPDATE registered table "arrow_t": it is read-only/)
  throwsCode(() => checkWritable(entry, 'INSERT'), '0A000')
  run(txn => throwsCode(() => catalog.alterTable(txn, entry, { kind: 'rename_table', to: 'zz' }), '0A000'))
  run(txn => throwsCode(() => catalog.registerExternal(txn, 'arrow_t', [col('x', INTEGER)], source, false), '42P07'))
  const again = run(txn => catalog.registerExternal(txn, 'arrow_t', [col('y', INTEGER)], source, true))
  assert.equal(again.columns[0]!.name, 'y')
  const own = run(txn => catalog.createTable(txn, def('own'), OPTS))!
  checkWritable(own, 'INSERT')
})

test('tables created or dropped by an uncommitted transaction stay as committed for everyone else', () => {
  const { catalog, tm, run } = fixture()
  run(txn => catalog.createTable(txn, def('old'), OPTS))
  const w = tm.begin()
  catalog.createTable(w, def('fresh'), OPTS)
  catalog.drop(w, 'table', null, 'old', DROP)
  const other = tm.begin()
  assert.equal(catalog.lookup(other, null, 'fresh'), undefined)
  throwsCode(() => catalog.require(other, null, 'fresh'), '42P01')
  assert.equal(catalog.require(other, null, 'old').name, 'old')
  assert.deepEqual(catalog.entries(other).map(e => e.name), ['old'])
  // the writer sees its own changes
  assert.deepEqual(catalog.entries(w).map(e => e.name), ['fresh'])
  assert.equal(catalog.lookup(w, null, 'old'), undefined)
  tm.commit(w)
  // other began before the commit: it keeps its snapshot; new transactions see the change
  assert.deepEqual(catalog.entries(other).map(e => e.name), ['old'])
  assert.deepEqual(catalog.entries(tm.begin()).map(e => e.name), ['fresh'])
  tm.commit(other)
  // after a rollback nothing is hidden any more
  const w2 = tm.begin()
  catalog.createTable(w2, def('gone'), OPTS)
  tm.rollback(w2)
  run(txn => assert.deepEqual(catalog.entries(txn).map(e => e.name), ['fresh']))
})

test('a transaction does not see tables committed after it began', () => {
  const { catalog, tm } = fixture()
  const early = tm.begin()
  const w = tm.begin()
  catalog.createTable(w, def('t'), OPTS)
  tm.commit(w)
  assert.equal(catalog.lookup(early, null, 't'), undefined)
  const late = tm.begin()
  assert.equal(catalog.lookup(late, null, 't')?.name, 't')
  const w2 = tm.begin()
  catalog.drop(w2, 'table', null, 't', DROP)
  tm.commit(w2)
  assert.equal(catalog.lookup(early, null, 't'), undefined)
  assert.equal(catalog.lookup(late, null, 't')?.name, 't')
  assert.equal(catalog.lookup(tm.begin(), null, 't'), undefined)
  tm.commit(early)
  tm.commit(late)
  assert.deepEqual(catalog.entries(tm.begin()), [])
})
