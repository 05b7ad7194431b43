import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { TableDefinition, TableEntry } from '../../../core/catalog/catalog.ts'
import { TransactionManager, beginWrite } from '../../../core/catalog/transaction.ts'
import { INTEGER } from '../../../core/types/types.ts'
import { chunkOf, col, fixture, rowsOf, throwsCode } from './helpers.ts'

const OPTS = { ifNotExists: false, orReplace: false }
const T: TableDefinition = { schema: 'main', name: 't', columns: [col('id', INTEGER)], constraints: { primaryKey: [0], unique: [], checks: [] }, temporary: false }

test('undo actions run in reverse order; commit actions run once, in order', () => {
  const tm = new TransactionManager()
  const log: string[] = []
  let txn = tm.begin()
  txn.onRollback(() => log.push('undo 1'))
  txn.onRollback(() => log.push('undo 2'))
  txn.onCommit(() => log.push('commit'))
  tm.rollback(txn)
  assert.deepEqual(log, ['undo 2', 'undo 1'])
  log.length = 0
  txn = tm.begin()
  txn.onRollback(() => log.push('undo'))
  txn.onCommit(() => log.push('commit 1'))
  txn.onCommit(() => log.push('commit 2'))
  tm.commit(txn)
  assert.deepEqual(log, ['commit 1', 'commit 2'])
  assert.equal(txn.state, 'committed')
  throwsCode(() => tm.commit(txn), '25P01')
  throwsCode(() => txn.onRollback(() => {}), '25P01')
})

test('savepoints: a failed statement is undone, the transaction continues', () => {
  const { catalog, tm } = fixture()
  const txn = tm.begin()
  const t = catalog.createTable(txn, T, OPTS)!
  t.provider.insert!(txn, chunkOf([INTEGER], [[1]]))
  // statement 2 inserts a row and then fails: the engine rolls back to its savepoint
  const mark = tm.savepoint(txn)
  t.provider.insert!(txn, chunkOf([INTEGER], [[2]]))
  throwsCode(() => t.provider.insert!(txn, chunkOf([INTEGER], [[1]])), '23505')
  tm.rollbackTo(txn, mark)
  // statement 3 succeeds
  const mark3 = tm.savepoint(txn)
  t.provider.insert!(txn, chunkOf([INTEGER], [[3]]))
  tm.releaseSavepoint(txn, mark3)
  tm.commit(txn)
  const r = tm.begin()
  assert.deepEqual(rowsOf((catalog.require(r, null, 't') as TableEntry).provider.scan(r, { columns: [0], filters: [] })), [[1], [3]])
})

test('rolling back to a savepoint drops the commit actions registered after it', () => {
  const tm = new TransactionManager()
  const log: string[] = []
  const txn = tm.begin()
  txn.onCommit(() => log.push('kept'))
  const mark = tm.savepoint(txn)
  txn.onCommit(() => log.push('dropped'))
  txn.onRollback(() => log.push('undone'))
  tm.rollbackTo(txn, mark)
  assert.deepEqual(log, ['undone'])
  tm.commit(txn)
  assert.deepEqual(log, ['undone', 'kept'])
})

test('nested savepoints unwind to the right point', () => {
  const tm = new TransactionManager()
  const log: number[] = []
  const txn = tm.begin()
  txn.onRollback(() => log.push(1))
  const outer = tm.savepoint(txn)
  txn.onRollback(() => log.push(2))
  tm.savepoint(txn)
  txn.onRollback(() => log.push(3))
  tm.rollbackTo(txn, outer)
  assert.deepEqual(log, [3, 2])
  assert.throws(() => tm.rollbackTo(txn, 5), { code: 'XX000' })
  tm.rollback(txn)
  assert.deepEqual(log, [3, 2, 1])
})

test('row writers run side by side; a catalog change runs alone (40001); readers are not blocked', () => {
  const { catalog, tm, run } = fixture()
  const t = run(txn => catalog.createTable(txn, T, OPTS))!
  const a = tm.begin()
  t.provider.insert!(a, chunkOf([INTEGER], [[1]]))
  const b = tm.begin()
  // appends of two transactions to one table do not conflict
  t.provider.insert!(b, chunkOf([INTEGER], [[2]]))
  // a catalog change needs the database to itself
  const e = throwsCode(() => catalog.createTable(b, { ...T, name: 'u' }, OPTS), '40001', /could not serialize: another transaction is writing/)
  assert.ok(e.hint !== undefined)
  // each sees its own rows only
  assert.deepEqual(rowsOf(t.provider.scan(a, { columns: [0], filters: [] })), [[1]])
  assert.deepEqual(rowsOf(t.provider.scan(b, { columns: [0], filters: [] })), [[2]])
  assert.ok(tm.activeWriter === a || tm.activeWriter === b)
  assert.equal(tm.othersWriting(a), true)
  tm.commit(a)
  tm.rollback(b)
  assert.equal(tm.activeWriter, null)
  assert.deepEqual(rowsOf(t.provider.scan(tm.begin(), { columns: [0], filters: [] })), [[1]])
  // while a catalog change is pending nobody else may write
  const ddl = tm.begin()
  catalog.createTable(ddl, { ...T, name: 'u' }, OPTS)
  const other = tm.begin()
  throwsCode(() => t.provider.insert!(other, chunkOf([INTEGER], [[5]])), '40001', /another transaction is changing the catalog/)
  tm.commit(ddl)
  t.provider.insert!(other, chunkOf([INTEGER], [[5]]))
  tm.commit(other)
  // a delete committed after a snapshot conflicts only with a change of the same row
  const old = tm.begin()
  const d = tm.begin()
  t.provider.delete!(d, BigInt64Array.of(0n))
  tm.commit(d)
  throwsCode(() => t.provider.delete!(old, BigInt64Array.of(0n)), '40001', /committed after this one began/)
  t.provider.insert!(old, chunkOf([INTEGER], [[6]]))
  tm.commit(old)
  assert.deepEqual(rowsOf(t.provider.scan(tm.begin(), { columns: [0], filters: [] })), [[5], [6]])
})

test('read-only transactions refuse every write with 25006', () => {
  const { catalog, tm, run } = fixture()
  const t = run(txn => catalog.createTable(txn, T, OPTS))!
  const ro = tm.begin({ readOnly: true })
  assert.equal(ro.readOnly, true)
  throwsCode(() => t.provider.insert!(ro, chunkOf([INTEGER], [[1]])), '25006', /read-only transaction/)
  throwsCode(() => catalog.createTable(ro, { ...T, name: 'u' }, OPTS), '25006')
  throwsCode(() => catalog.createSchema(ro, 's', false), '25006')
  throwsCode(() => beginWrite(ro, 'DELETE'), '25006')
  assert.equal(t.provider.estimatedRows(ro), 0)
  tm.commit(ro)
})

test('transactions from another manager are refused as a bug', () => {
  const a = new TransactionManager(), b = new TransactionManager()
  const txn = a.begin()
  assert.throws(() => b.commit(txn), { code: 'XX000' })
  assert.throws(() => b.savepoint(txn), { code: 'XX000' })
  a.commit(txn)
})

test('an undo action that throws does not stop the others, and is reported as an InternalError', () => {
  const tm = new TransactionManager()
  const log: number[] = []
  const txn = tm.begin()
  txn.onRollback(() => log.push(1))
  txn.onRollback(() => { throw new Error('boom') })
  txn.onRollback(() => log.push(3))
  assert.throws(() => tm.rollback(txn), { code: 'XX000' })
  assert.deepEqual(log, [3, 1])
  assert.equal(tm.activeWriter, null)
})
