import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryTable, ROW_GROUP_SIZE } from '../../../core/catalog/memory-table.ts'
import { ROW_ID_COLUMN } from '../../../core/catalog/catalog.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import { BIGINT, DOUBLE, INTEGER, VARCHAR, BOOLEAN, DATE, decimal, list, struct, type LogicalType } from '../../../core/types/types.ts'
import { CHUNK_SIZE, DataChunk, Vector, nullVector } from '../../../core/vector/vector.ts'
import { NO_CONSTRAINTS, chunkOf, col, rowsOf } from './helpers.ts'

function numbers(n: number, offset = 0): DataChunk {
  const a = new Int32Array(n), b = new Float64Array(n)
  for (let i = 0; i < n; i++) { a[i] = i + offset; b[i] = (i + offset) * 0.5 }
  return new DataChunk([new Vector(INTEGER, n, a, null), new Vector(DOUBLE, n, b, null)], n)
}

function numbersTable(): MemoryTable {
  return new MemoryTable({ name: 't', columns: [col('a', INTEGER), col('b', DOUBLE)], constraints: NO_CONSTRAINTS })
}

test('scan returns inserted rows in the requested column order, in chunks of at most CHUNK_SIZE', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, numbers(10_000))
  tm.commit(txn)
  const chunks = [...t.scan(tm.begin(), { columns: [1, 0], filters: [] })]
  assert.ok(chunks.every(c => c.size <= CHUNK_SIZE && c.size > 0))
  const rows = rowsOf(chunks)
  assert.equal(rows.length, 10_000)
  assert.deepEqual(rows[0], [0, 0])
  assert.deepEqual(rows[9_999], [4999.5, 9_999])
  assert.equal(t.estimatedRows(tm.begin()), 10_000)
})

test('row ids are BIGINT positions, stable across deletes and many row groups', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const n = ROW_GROUP_SIZE * 2 + 100
  let txn = tm.begin()
  t.insert(txn, numbers(n))
  tm.commit(txn)
  txn = tm.begin()
  // delete every third row
  const ids: bigint[] = []
  for (let i = 0; i < n; i += 3) ids.push(BigInt(i))
  assert.equal(t.delete(txn, BigInt64Array.from(ids)), ids.length)
  // deleting again counts nothing
  assert.equal(t.delete(txn, BigInt64Array.from(ids.slice(0, 5))), 0)
  tm.commit(txn)
  const chunks = [...t.scan(tm.begin(), { columns: [ROW_ID_COLUMN, 0], filters: [] })]
  assert.equal(chunks[0]!.columns[0]!.type.id, 'BIGINT')
  const rows = rowsOf(chunks)
  assert.equal(rows.length, n - ids.length)
  for (const [id, a] of rows) {
    assert.equal(id, BigInt(a as number))
    assert.notEqual((a as number) % 3, 0)
  }
  assert.ok(chunks.every(c => c.size <= CHUNK_SIZE))
  assert.equal(t.estimatedRows(tm.begin()), n - ids.length)
})

test('a scan with no columns still reports row counts (count(*))', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, numbers(5000))
  t.delete(txn, BigInt64Array.of(1n, 2n))
  const total = [...t.scan(txn, { columns: [], filters: [] })].reduce((s, c) => s + c.size, 0)
  assert.equal(total, 4998)
})

test('rows appended while a scan runs are not seen by it', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, numbers(5000))
  let seen = 0
  for (const chunk of t.scan(txn, { columns: [0, 1], filters: [] })) {
    seen += chunk.size
    t.insert(txn, chunk)
  }
  assert.equal(seen, 5000)
  assert.equal(t.liveRowCount, 10_000)
})

test('scanned vectors are copies: later updates do not change them', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, numbers(10))
  const before = rowsOf(t.scan(txn, { columns: [0], filters: [] }))
  const chunk = [...t.scan(txn, { columns: [0], filters: [] })][0]!
  t.update(txn, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[100]]))
  assert.equal((chunk.columns[0]!.data as Int32Array)[0], 0)
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0], filters: [] }))[0], [100])
  assert.equal(before.length, 10)
})

test('zone maps skip row groups whose min/max cannot match', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, numbers(ROW_GROUP_SIZE * 3))
  const scanCount = (filters: Parameters<MemoryTable['scan']>[1]['filters']) =>
    [...t.scan(txn, { columns: [0], filters })].reduce((s, c) => s + c.size, 0)
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '=', value: 5 }]), ROW_GROUP_SIZE)
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '>=', value: ROW_GROUP_SIZE * 2 }]), ROW_GROUP_SIZE)
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '>', value: ROW_GROUP_SIZE * 2 - 1 }]), ROW_GROUP_SIZE)
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '<', value: ROW_GROUP_SIZE }]), ROW_GROUP_SIZE)
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '<=', value: ROW_GROUP_SIZE }]), ROW_GROUP_SIZE * 2)
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '=', value: -1 }]), 0)
  assert.equal(scanCount([{ kind: 'compare', column: 1, op: '>', value: 1e12 }]), 0)
  // comparisons with NULL never match; no column has NULLs
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '=', value: null }]), 0)
  assert.equal(scanCount([{ kind: 'is_null', column: 0, not: false }]), 0)
  assert.equal(scanCount([{ kind: 'is_null', column: 0, not: true }]), ROW_GROUP_SIZE * 3)
  // an update outside the range widens the zone of its group
  t.update(txn, BigInt64Array.of(BigInt(ROW_GROUP_SIZE + 7)), [0], chunkOf([INTEGER], [[-50]]))
  assert.equal(scanCount([{ kind: 'compare', column: 0, op: '=', value: -50 }]), ROW_GROUP_SIZE)
  // and so does a NULL for IS NULL
  t.update(txn, BigInt64Array.of(3n), [0], chunkOf([INTEGER], [[null]]))
  assert.equal(scanCount([{ kind: 'is_null', column: 0, not: false }]), ROW_GROUP_SIZE)
})

test('zone maps stay correct with NaN, BIGINT and filters on the row id column', () => {
  const tm = new TransactionManager()
  const t = new MemoryTable({ name: 't', columns: [col('d', DOUBLE), col('b', BIGINT)], constraints: NO_CONSTRAINTS })
  const txn = tm.begin()
  t.insert(txn, chunkOf([DOUBLE, BIGINT], [[1, 10n], [NaN, 20n], [3, null]]))
  const count = (filters: Parameters<MemoryTable['scan']>[1]['filters']) => rowsOf(t.scan(txn, { columns: [0], filters })).length
  // NaN is larger than every number in SQL: the group must not be skipped
  assert.equal(count([{ kind: 'compare', column: 0, op: '>', value: 100 }]), 3)
  assert.equal(count([{ kind: 'compare', column: 1, op: '>', value: 20n }]), 0)
  assert.equal(count([{ kind: 'compare', column: 1, op: '>=', value: 20n }]), 3)
  assert.equal(count([{ kind: 'compare', column: 1, op: '<', value: 11 }]), 3)
  assert.equal(count([{ kind: 'compare', column: ROW_ID_COLUMN, op: '=', value: 1n }]), 3)
})

test('all physical kinds round-trip through insert, scan, update and delete', () => {
  const tm = new TransactionManager()
  const types: LogicalType[] = [BOOLEAN, VARCHAR, DATE, decimal(20, 2), decimal(10, 2), list(INTEGER), struct([{ name: 'x', type: INTEGER }])]
  const t = new MemoryTable({ name: 'k', columns: types.map((ty, i) => col(`c${i}`, ty)), constraints: NO_CONSTRAINTS })
  const txn = tm.begin()
  const rows = [
    [true, 'a', 19000, 12345n, 150, [1, 2], { x: 1 }],
    [false, null, null, null, null, null, null],
    [null, 'ccc', -5, -1n, -1, [], { x: null }],
  ]
  t.insert(txn, chunkOf(types, rows))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: types.map((_, i) => i), filters: [] })), rows)
  t.delete(txn, BigInt64Array.of(0n))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: types.map((_, i) => i), filters: [] })), rows.slice(1))
  t.update(txn, BigInt64Array.of(2n), [1, 5, 6], chunkOf([VARCHAR, list(INTEGER), struct([{ name: 'x', type: INTEGER }])], [['z', [9], { x: 7 }]]))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [1, 5, 6], filters: [] })), [[null, null, null], ['z', [9], { x: 7 }]])
  tm.rollback(txn)
  assert.equal(t.liveRowCount, 0)
})

test('insert, delete and update are undone exactly by rollback', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  let txn = tm.begin()
  t.insert(txn, numbers(100))
  tm.commit(txn)
  const before = rowsOf(t.scan(tm.begin(), { columns: [ROW_ID_COLUMN, 0, 1], filters: [] }))
  txn = tm.begin()
  t.insert(txn, numbers(ROW_GROUP_SIZE, 1000))
  t.update(txn, BigInt64Array.of(5n, 5n, 6n), [1], chunkOf([DOUBLE], [[1], [2], [null]]))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [1], filters: [] })).slice(5, 7), [[2], [null]])
  t.delete(txn, BigInt64Array.of(0n, 1n, 150n))
  t.insert(txn, numbers(3))
  tm.rollback(txn)
  assert.deepEqual(rowsOf(t.scan(tm.begin(), { columns: [ROW_ID_COLUMN, 0, 1], filters: [] })), before)
  assert.equal(t.rowPositions, 100)
  // new rows reuse the positions freed by the rollback
  txn = tm.begin()
  t.insert(txn, numbers(1, 500))
  tm.commit(txn)
  assert.deepEqual(rowsOf(t.scan(tm.begin(), { columns: [ROW_ID_COLUMN, 0], filters: [] })).at(-1), [100n, 500])
})

test('bad internal requests are InternalErrors, not crashes', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  assert.throws(() => t.scan(txn, { columns: [7], filters: [] }), { code: 'XX000' })
  assert.throws(() => t.insert(txn, chunkOf([INTEGER], [[1]])), { code: 'XX000' })
  assert.throws(() => t.insert(txn, chunkOf([VARCHAR, DOUBLE], [['x', 1]])), { code: 'XX000' })
  assert.throws(() => t.delete(txn, BigInt64Array.of(99n)), { code: 'XX000' })
  assert.throws(() => t.update(txn, BigInt64Array.of(0n), [0], chunkOf([INTEGER], [[1]])), { code: 'XX000' })
})

test('fetch returns rows by id in the given order, ids repeated', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, numbers(ROW_GROUP_SIZE + 10))
  const ids = BigInt64Array.of(BigInt(ROW_GROUP_SIZE + 3), 2n, 2n)
  const chunk = t.fetch(txn, ids, [1, ROW_ID_COLUMN, 0])
  assert.deepEqual(rowsOf([chunk]), [[(ROW_GROUP_SIZE + 3) * 0.5, BigInt(ROW_GROUP_SIZE + 3), ROW_GROUP_SIZE + 3], [1, 2n, 2], [1, 2n, 2]])
  t.delete(txn, BigInt64Array.of(2n))
  assert.throws(() => t.fetch(txn, BigInt64Array.of(2n), [0]), { code: 'XX000' })
  assert.throws(() => t.fetch(txn, BigInt64Array.of(0n), [5]), { code: 'XX000' })
})

test('an untyped NULL vector is accepted as NULLs by insert and update', () => {
  const tm = new TransactionManager()
  const t = numbersTable()
  const txn = tm.begin()
  t.insert(txn, new DataChunk([nullVector({ id: 'NULL' }, 2), nullVector(DOUBLE, 2)], 2))
  t.insert(txn, numbers(1, 5))
  t.update(txn, BigInt64Array.of(2n), [1], new DataChunk([nullVector({ id: 'NULL' }, 1)], 1))
  assert.deepEqual(rowsOf(t.scan(txn, { columns: [0, 1], filters: [] })), [[null, null], [null, null], [5, null]])
})
