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
  t.update(w, BigInt64Array.of(1n, 2n), [1], chunkOf([VARCHAR], [['TWO'], ['three']]))
  t.update(w, BigInt64Array.of(1n, 3n), [0], chunkOf([INTEGER], [[20], [40]]))
  t.update(w, BigInt64Array.of(1n), [1], chunkOf([VARCHAR], [[null]]))
  // a LIST is not updated in place (as DuckDB): the rows move to positions 4 and 5
  t.update(w, BigInt64Array.of(2n, 1n), [2], chunkOf([list(INTEGER)], [[[3, 3]], [[22]]]))
  // the writer sees its own changes
  assert.deepEqual(read(w), [[3n, 40, 'four', [4]], [4n, 3, 'three', [3, 3]], [5n, 20, null, [22]]])
  // everyone else sees the last committed state
  assert.deepEqual(read(), committed)
  tm.commit(w)
  assert.deepEqual(read(), [[3n, 40, 'four', [4]], [4n, 3, 'three', [3, 3]], [5n, 20, null, [22]]])
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

test('snapshots: a transaction keeps reading the data as of its start, across several commits', () => {
  const { tm, t, read } = setup()
  const before = read()
  const old = tm.begin()
  for (const [i, change] of ['insert', 'update', 'delete'].entries()) {
    const w = tm.begin()
    if (change === 'insert') t.insert(w, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[10 + i, 'new', []]]))
    if (change === 'update') t.update(w, BigInt64Array.of(0n, 1n), [1], chunkOf([VARCHAR], [['u1'], [null]]))
    if (change === 'delete') t.delete(w, BigInt64Array.of(1n, 3n))
    tm.commit(w)
  }
  const middle = tm.begin()
  assert.deepEqual(read(old), before)
  assert.deepEqual(read(), [[0n, 1, 'u1', [1]], [2n, 3, null, null]])
  const w = tm.begin()
  t.update(w, BigInt64Array.of(0n), [1], chunkOf([VARCHAR], [['again']]))
  tm.commit(w)
  assert.deepEqual(read(old), before)
  assert.deepEqual(read(middle), [[0n, 1, 'u1', [1]], [2n, 3, null, null]])
  assert.deepEqual(read(), [[0n, 1, 'again', [1]], [2n, 3, null, null]])
  tm.commit(old)
  tm.commit(middle)
  assert.deepEqual(read(), [[0n, 1, 'again', [1]], [2n, 3, null, null]])
})

test('a transaction may not change a row changed after its snapshot (40001); other rows it may', () => {
  const { tm, t } = setup()
  const old = tm.begin()
  const w = tm.begin()
  t.update(w, BigInt64Array.of(1n), [0], chunkOf([INTEGER], [[20]]))
  tm.commit(w)
  assert.throws(() => t.delete(old, BigInt64Array.of(1n)), { code: '40001' })
  assert.throws(() => t.update(old, BigInt64Array.of(0n, 1n), [0], chunkOf([INTEGER], [[7], [8]])), { code: '40001' })
  assert.equal(t.delete(old, BigInt64Array.of(0n)), 1)
  tm.commit(old)
  const fresh = tm.begin()
  assert.equal(t.delete(fresh, BigInt64Array.of(1n)), 1)
  tm.commit(fresh)
})

test('zone maps keep the values older snapshots still see', () => {
  const tm = new TransactionManager()
  const t = new MemoryTable({ name: 'z', columns: [col('a', INTEGER)], constraints: NO_CONSTRAINTS })
  let txn = tm.begin()
  t.insert(txn, chunkOf([INTEGER], [[5], [6]]))
  tm.commit(txn)
  const reader = tm.begin()
  txn = tm.begin()
  t.update(txn, BigInt64Array.of(0n, 1n), [0], chunkOf([INTEGER], [[100], [null]]))
  tm.commit(txn)
  const equals5 = [{ kind: 'compare' as const, column: 0, op: '=' as const, value: 5 }]
  assert.deepEqual(rowsOf(t.scan(reader, { columns: [0], filters: equals5 })), [[5], [6]])
  assert.deepEqual(rowsOf(t.scan(tm.begin(), { columns: [0], filters: equals5 })), [[100], [null]])
  tm.commit(reader)
})

test('appends committed after a transaction began do not stop it from writing the table', () => {
  const { tm, t, read } = setup()
  const early = tm.begin()
  const w = tm.begin()
  t.insert(w, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[4, 'four', []]]))
  tm.commit(w)
  // early cannot see row 3, but may append after it
  t.insert(early, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[5, 'five', []]]))
  assert.deepEqual(read(early).map(r => r[1]), [1, 2, 3, 5])
  assert.deepEqual(read().map(r => r[1]), [1, 2, 3, 4])
  // a delete by a later commit conflicts with a change of that row, not with appends
  const reader = tm.begin()
  tm.commit(early)
  assert.deepEqual(read().map(r => r[1]), [1, 2, 3, 4, 5])
  assert.deepEqual(read(reader).map(r => r[1]), [1, 2, 3, 4])
  const w2 = tm.begin()
  t.delete(w2, BigInt64Array.of(0n))
  tm.commit(w2)
  assert.throws(() => t.update(reader, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[10]])), { code: '40001' })
  t.insert(reader, chunkOf([INTEGER, VARCHAR, list(INTEGER)], [[6, 'six', []]]))
  tm.rollback(reader)
})
