import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryTable, ROW_GROUP_SIZE } from '../../../core/catalog/memory-table.ts'
import { ROW_ID_COLUMN } from '../../../core/catalog/catalog.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import { INTEGER, VARCHAR, list } from '../../../core/types/types.ts'
import { NO_CONSTRAINTS, chunkOf, col, rowsOf } from './helpers.ts'

function setup() {
  const tm = new TransactionManager()
  const t = new MemoryTable({ name: 't', columns: [col('a', INTEGER), col('s', VARCHAR), col('l', list(INTEGER))], constraints: NO_CONSTRAINTS })
  const txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[1, 'one', [1]], [2, 'two', [2]], [3, null, null]]))
  tm.commit(txn)
  const read = (reader = tm.begin()) => rowsOf(t.scan(reader, { columns: [ROW_ID_COLUMN, 0, 1, 2], filters: [] }))
  return { tm, t, read }
}

test('other transactions do not see uncommitted inserts, deletes or updates', () => {
  const { tm, t, read } = setup()
  const committed = read()
  const w = tm.begin()
  t.insert(w, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[4, 'four', [4]]]))
  t.delete(w, BigInt64Array.of(0n))
  t.update(w, BigInt64Array.of(1n, 2n), [1, 2], chunkOf([VARCHAR, list(INTEGER)], [['TWO', [22]], ['three', [3, 3]]]))
  t.update(w, BigInt64Array.of(1n, 3n), [0], chunkOf([INTEGER], [[20], [40]]))
  t.update(w, BigInt64Array.of(1n), [1], chunkOf([VARCHAR], [[null]]))
  // the writer sees its own changes
  assert.deepEqual(read(w), [[1n, 20, null, [22]], [2n, 3, 'three', [3, 3]], [3n, 40, 'four', [4]]])
  // everyone else sees the last committed state
  assert.deepEqual(read(), committed)
  tm.commit(w)
  assert.deepEqual(read(), [[1n, 20, null, [22]], [2n, 3, 'three', [3, 3]], [3n, 40, 'four', [4]]])
})

test('after a rollback everyone sees the committed state again', () => {
  const { tm, t, read } = setup()
  const committed = read()
  const w = tm.begin()
  t.update(w, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[100]]))
  t.delete(w, BigInt64Array.of(2n))
  tm.rollback(w)
  assert.deepEqual(read(), committed)
  // a second writer starts from the committed state
  const w2 = tm.begin()
  t.insert(w2, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[9, 'nine', []]]))
  assert.deepEqual(read().length, 3)
  assert.deepEqual(read(w2).length, 4)
  tm.commit(w2)
  assert.deepEqual(read().length, 4)
})

test('a failed statement rolled back to its savepoint keeps hiding what came before it', () => {
  const { tm, t, read } = setup()
  const committed = read()
  const w = tm.begin()
  t.insert(w, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[4, 'four', [4]]]))
  const mark = tm.savepoint(w)
  t.update(w, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[7]]))
  tm.rollbackTo(w, mark)
  assert.deepEqual(read(), committed)
  assert.equal(read(w).length, 4)
  assert.equal(read(w)[0]![1], 1)
  tm.commit(w)
  assert.equal(read().length, 4)
})

test('hidden rows span row groups; zone-map filters still apply', () => {
  const tm = new TransactionManager()
  const t = new MemoryTable({ name: 'big', columns: [col('a', INTEGER)], constraints: NO_CONSTRAINTS })
  const n = ROW_GROUP_SIZE + 500
  const values = Array.from({ length: n }, (_, i) => [i])
  let txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER], values))
  tm.commit(txn)
  txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER], values))
  t.delete(txn, BigInt64Array.of(0n, BigInt(ROW_GROUP_SIZE + 1)))
  const count = (reader: ReturnType<TransactionManager['begin']>, filters: Parameters<MemoryTable['scan']>[1]['filters'] = []) =>
    [...t.scan(reader, { columns: [0], filters })].reduce((s, c) => s + c.size, 0)
  assert.equal(count(tm.begin()), n)
  assert.equal(count(txn), 2 * n - 2)
  assert.equal(count(tm.begin(), [{ kind: 'compare', column: 0, op: '>=', value: ROW_GROUP_SIZE }]), 500)
  tm.commit(txn)
  assert.equal(count(tm.begin()), 2 * n - 2)
})
