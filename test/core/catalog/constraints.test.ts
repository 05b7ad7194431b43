import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryTable } from '../../../core/catalog/memory-table.ts'
import { ROW_ID_COLUMN } from '../../../core/catalog/catalog.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import { DATE, DOUBLE, INTEGER, VARCHAR, decimal } from '../../../core/types/types.ts'
import { chunkOf, col, rowsOf, throwsCode } from './helpers.ts'

function keyed(): MemoryTable {
  return new MemoryTable({
    name: 'people',
    columns: [col('id', INTEGER), col('email', VARCHAR), col('age', INTEGER, true)],
    constraints: { primaryKey: [0], unique: [[1]], checks: [] },
  })
}

test('NOT NULL: declared columns and primary-key columns refuse NULL with 23502 naming t.c', () => {
  const tm = new TransactionManager()
  const t = keyed()
  const txn = tm.begin()
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', null]])), '23502', /^NOT NULL constraint failed: people\.age$/)
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[null, 'a', 3]])), '23502', /people\.id/)
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 3]]))
  throwsCode(() => t.update(txn, BigInt64Array.of(0n), [2], chunkOf([INTEGER], [[null]])), '23502', /people\.age/)
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0, 1, 2], filters: [] })), [[1, 'a', 3]])
})

test('PRIMARY KEY: duplicates against existing rows and within one batch, with DuckDB-style messages', () => {
  const tm = new TransactionManager()
  const t = keyed()
  const txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 1], [2, 'b', 2]]))
  const e = throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[3, 'c', 1], [1, 'z', 1]])), '23505')
  assert.equal(e.message, 'Duplicate key "id: 1" violates primary key constraint')
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[5, 'e', 1], [5, 'f', 1]])), '23505', /"id: 5" violates primary key/)
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[6, 'g', 1], [7, 'g', 1]])), '23505', /"email: g" violates unique constraint/)
  // the failed batches left nothing behind, in the data or in the indexes
  assert.equal(t.liveRowCount, 2)
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[3, 'c', 1], [5, 'e', 1], [6, 'g', 1]]))
  assert.equal(t.liveRowCount, 5)
})

test('UNIQUE: NULLs never conflict', () => {
  const tm = new TransactionManager()
  const t = keyed()
  const txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, null, 1], [2, null, 1], [3, null, 1]]))
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[4, null, 1]]))
  assert.equal(t.liveRowCount, 4)
})

test('a deleted key may be inserted again; rollback brings the old row back into the index', () => {
  const tm = new TransactionManager()
  const t = keyed()
  let txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 1]]))
  tm.commit(txn)
  txn = tm.begin()
  t.delete(txn, BigInt64Array.of(0n))
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 2]]))
  tm.rollback(txn)
  txn = tm.begin()
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'q', 2]])), '23505')
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[9, 'a', 2]])), '23505')
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [ROW_ID_COLUMN, 0, 1, 2], filters: [] })), [[0n, 1, 'a', 1]])
})

test('UPDATE keeps keys unique: against other rows, among the updated rows, and swaps are fine', () => {
  const tm = new TransactionManager()
  const t = keyed()
  const txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 1], [2, 'b', 1], [3, 'c', 1]]))
  throwsCode(() => t.update(txn, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[2]])), '23505', /"id: 2"/)
  throwsCode(() => t.update(txn, BigInt64Array.of(0n, 1n), [1], chunkOf([VARCHAR], [['x'], ['x']])), '23505', /"email: x"/)
  // the failed updates changed nothing, and the index still knows every row
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0, 1], filters: [] })), [[1, 'a'], [2, 'b'], [3, 'c']])
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[3, 'zz', 1]])), '23505')
  // swapping two keys in one statement is not a conflict (id = 3 - id); as in DuckDB the re-keyed
  // rows move to the end of the table, in the order they were updated
  t.update(txn, BigInt64Array.of(0n, 1n), [0], chunkOf([INTEGER], [[2], [1]]))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0, 1], filters: [] })), [[3, 'c'], [2, 'a'], [1, 'b']])
  // updating a non-key column does not touch the index, and the row stays where it is
  t.update(txn, BigInt64Array.of(2n), [2], chunkOf([INTEGER], [[40]]))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0, 2], filters: [] })), [[3, 40], [2, 1], [1, 1]])
  // after the update the new key is taken and the old one is free
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[2, 'n', 1]])), '23505')
  const ids = t.lookup(txn, [0], chunkOf([INTEGER], [[1], [2], [3], [4], [null]]))
  assert.deepEqual([...ids], [4n, 3n, 2n, -1n, -1n])
})

test('update rollback restores values and index entries', () => {
  const tm = new TransactionManager()
  const t = keyed()
  let txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 1], [2, 'b', 1]]))
  tm.commit(txn)
  txn = tm.begin()
  t.update(txn, BigInt64Array.of(0n), [0, 1], chunkOf([INTEGER, VARCHAR], [[10, 'ten']]))
  t.insert(txn, chunkOf([INTEGER, VARCHAR, INTEGER], [[1, 'a', 1]]))
  tm.rollback(txn)
  txn = tm.begin()
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0, 1], filters: [] })), [[1, 'a'], [2, 'b']])
  assert.deepEqual([...t.lookup(txn, [0], chunkOf([INTEGER], [[1], [10]]))], [0n, -1n])
  assert.deepEqual([...t.lookup(txn, [1], chunkOf([VARCHAR], [['a'], ['ten']]))], [0n, -1n])
})

test('composite keys: order of lookup columns, NULL parts, message with every part', () => {
  const tm = new TransactionManager()
  const t = new MemoryTable({
    name: 'pairs',
    columns: [col('a', INTEGER), col('b', VARCHAR), col('d', DATE), col('p', decimal(10, 2))],
    constraints: { primaryKey: null, unique: [[0, 1], [2, 3]], checks: [] },
  })
  const txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, DATE, decimal(10, 2)], [[1, 'x', 0, 150], [1, 'y', 1, 150], [1, null, 0, null]]))
  t.insert(txn, chunkOf([INTEGER, VARCHAR, DATE, decimal(10, 2)], [[1, null, 0, null]]))
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, DATE, decimal(10, 2)], [[1, 'x', 5, 1]])), '23505', /^Duplicate key "a: 1, b: x" violates unique constraint$/)
  throwsCode(() => t.insert(txn, chunkOf([INTEGER, VARCHAR, DATE, decimal(10, 2)], [[2, 'x', 1, 150]])), '23505', /"d: 1970-01-02, p: 1\.50"/)
  assert.deepEqual([...t.lookup(txn, [1, 0], chunkOf([VARCHAR, INTEGER], [['y', 1], ['x', 2]]))], [1n, -1n])
  throwsCode(() => t.lookup(txn, [0], chunkOf([INTEGER], [[1]])), '42P10')
})

test('keys of other types: DOUBLE (-0 = 0, NaN = NaN) and BIGINT-width decimals', () => {
  const tm = new TransactionManager()
  const t = new MemoryTable({ name: 'f', columns: [col('x', DOUBLE), col('w', decimal(30, 0))], constraints: { primaryKey: null, unique: [[0], [1]], checks: [] } })
  const txn = tm.begin()
  t.insert(txn, chunkOf([DOUBLE, decimal(30, 0)], [[0, 1n], [NaN, 2n]]))
  throwsCode(() => t.insert(txn, chunkOf([DOUBLE, decimal(30, 0)], [[-0, 3n]])), '23505', /"x: 0"/)
  throwsCode(() => t.insert(txn, chunkOf([DOUBLE, decimal(30, 0)], [[NaN, 4n]])), '23505')
  throwsCode(() => t.insert(txn, chunkOf([DOUBLE, decimal(30, 0)], [[5, 2n]])), '23505', /"w: 2"/)
})
