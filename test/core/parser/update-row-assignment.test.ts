import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'

test('UPDATE SET (a, b, c) = value assigns one non-row value to every listed column', async () => {
  const db = await Database.open()
  await db.exec("CREATE TABLE t (k INTEGER, f VARCHAR, c INTEGER); INSERT INTO t VALUES (1, 'x', 2), (5, 'y', 7)")
  await db.query('UPDATE t SET (k, f, c) = 3')
  assert.deepEqual((await db.query('SELECT * FROM t')).rows, [[3, '3', 3], [3, '3', 3]])
  // the expression is evaluated per column against the old row
  await db.query("UPDATE t SET (k, c) = k + c WHERE f = '3'")
  assert.deepEqual((await db.query('SELECT k, c FROM t')).rows, [[6, 6], [6, 6]])
  await db.query('UPDATE t SET (k, c) = (1, 2)')
  assert.deepEqual((await db.query('SELECT k, c FROM t')).rows, [[1, 2], [1, 2]])
})

test('UPDATE SET (a, b) with a row of the wrong length or an empty list is a syntax error', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER); INSERT INTO t VALUES (1, 2, 3)')
  for (const sql of ['UPDATE t SET (a, b, c) = (1, 2)', 'UPDATE t SET (a, b) = (1, 2, 3)', 'UPDATE t SET () = (a, b)', 'UPDATE t SET (a, b) = ()']) {
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === '42601' && e.position !== undefined, sql)
  }
  assert.deepEqual((await db.query('SELECT * FROM t')).rows, [[1, 2, 3]])
})
