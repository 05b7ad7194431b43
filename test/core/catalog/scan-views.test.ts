// Scans hand out views of the table's typed arrays; a chunk already read must never change.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryTable } from '../../../core/catalog/memory-table.ts'
import type { Transaction } from '../../../core/catalog/catalog.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import { DOUBLE, INTEGER } from '../../../core/types/types.ts'
import { DataChunk, Vector } from '../../../core/vector/vector.ts'
import { Database } from '../../../index.ts'
import { NO_CONSTRAINTS, chunkOf, col, rowsOf } from './helpers.ts'

function table(): MemoryTable {
  return new MemoryTable({ name: 't', columns: [col('a', INTEGER), col('b', DOUBLE)], constraints: NO_CONSTRAINTS })
}

function numbers(n: number, offset: number): DataChunk {
  const a = new Int32Array(n), b = new Float64Array(n)
  for (let i = 0; i < n; i++) { a[i] = i + offset; b[i] = (i + offset) / 4 }
  return new DataChunk([new Vector(INTEGER, n, a, null), new Vector(DOUBLE, n, b, null)], n)
}

/** inserts `rows` in a transaction of its own, committed */
function commitInsert(tm: TransactionManager, t: MemoryTable, rows: DataChunk): void {
  const txn = tm.begin()
  t.insert(txn, rows)
  tm.commit(txn)
}

function scanned(t: MemoryTable, txn: Transaction, columns: number[]): DataChunk[] {
  return [...t.scan(txn, { columns, filters: [] })]
}

test('a chunk read before an update keeps the old values; a later scan sees the new ones', () => {
  const tm = new TransactionManager()
  const t = table()
  commitInsert(tm, t, numbers(100, 0))
  const before = scanned(t, tm.begin(), [0, 1])
  const txn = tm.begin()
  t.update(txn, BigInt64Array.of(5n), [0, 1], chunkOf([INTEGER, DOUBLE], [[-1, null]]))
  tm.commit(txn)
  assert.deepEqual(rowsOf(before)[5], [5, 1.25])
  const after = rowsOf(scanned(t, tm.begin(), [0, 1]))
  assert.deepEqual(after[5], [-1, null])
  assert.deepEqual(after[6], [6, 1.5])
})

test('a chunk read inside a rolled-back insert is not overwritten by the next insert', () => {
  const tm = new TransactionManager()
  const t = table()
  commitInsert(tm, t, numbers(10, 0))
  const txn = tm.begin()
  t.insert(txn, numbers(10, 100))
  const seen = scanned(t, txn, [0])
  tm.rollback(txn)
  commitInsert(tm, t, numbers(10, 500))
  const rows = rowsOf(seen)
  assert.equal(rows.length, 20)
  assert.deepEqual(rows[10], [100])
  assert.deepEqual(rows[19], [109])
  const now = rowsOf(scanned(t, tm.begin(), [0]))
  assert.deepEqual(now[10], [500])
})

test('query results and UPDATE … SET from other columns are unaffected by later writes', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t AS SELECT i AS a, i * 2 AS b, i / 2 AS c FROM range(10000) r(i)`)
  const held = await db.query('SELECT a, c FROM t WHERE a < 3')
  // a = b and b = a in one statement: every new value comes from the row as it was
  await db.exec('UPDATE t SET a = b, b = a')
  assert.deepEqual(held.rows, [[0n, 0], [1n, 0.5], [2n, 1]])
  const r = await db.query('SELECT a, b FROM t WHERE b IN (1, 9999)')
  assert.deepEqual(r.rows, [[2n, 1n], [19998n, 9999n]])
  await db.exec('UPDATE t SET c = c + 1')
  assert.deepEqual(held.rows, [[0n, 0], [1n, 0.5], [2n, 1]])
  await db.close()
})

test('ungrouped sum, avg and count agree with the grouped path, NULLs and filters included', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t AS SELECT i % 7 = 0 AS g, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.25 END AS d,
    CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(i AS DECIMAL(15,2)) END AS m FROM range(20000) r(i)`)
  const single = await db.query('SELECT sum(d), avg(d), count(d), sum(m), avg(m), count(*), product(d) FILTER (WHERE d < 2) FROM t')
  const grouped = await db.query(`SELECT sum(d), avg(d), count(d), sum(m), avg(m), count(*), product(d) FILTER (WHERE d < 2)
    FROM (SELECT 1 AS k, * FROM t) GROUP BY k`)
  assert.deepEqual(single.textRows(), grouped.textRows())
  const empty = await db.query('SELECT sum(d), avg(d), count(d) FROM t WHERE d IS NULL')
  assert.deepEqual(empty.rows, [[null, null, 0n]])
  // exact DECIMAL sums beyond 2^52 cents
  await db.exec(`CREATE TABLE big AS SELECT CAST(4.5e13 AS DECIMAL(18,2)) AS x FROM range(300)`)
  const big = await db.query('SELECT CAST(sum(x) AS VARCHAR) FROM big')
  assert.deepEqual(big.rows, [['13500000000000000.00']])
  await db.close()
})

test('an all-valid mask is not stored; NULLs appended later still read back as NULL', () => {
  const tm = new TransactionManager()
  const t = table()
  const n = 10
  const ones = new Uint8Array(n).fill(1)
  commitInsert(tm, t, new DataChunk([new Vector(INTEGER, n, new Int32Array(n).fill(7), ones), new Vector(DOUBLE, n, new Float64Array(n).fill(0.5), ones)], n))
  const [first] = scanned(t, tm.begin(), [0, 1])
  assert.equal(first!.column(0).validity, null)
  assert.equal(first!.column(1).validity, null)
  commitInsert(tm, t, chunkOf([INTEGER, DOUBLE], [[1, null], [null, 2.5]]))
  const rows = rowsOf(scanned(t, tm.begin(), [0, 1]))
  assert.deepEqual(rows.slice(9), [[7, 0.5], [1, null], [null, 2.5]])
})
