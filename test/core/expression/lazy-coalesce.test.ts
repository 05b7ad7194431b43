import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'

test('coalesce evaluates an argument only on the rows earlier arguments left NULL', async () => {
  const db = await Database.open()
  await db.exec("CREATE TABLE v (a INTEGER, b VARCHAR); INSERT INTO v VALUES (1, 'hello'), (NULL, '2'), (3, NULL), (NULL, NULL)")
  const rows = async (sql: string) => (await db.query(sql)).rows
  assert.deepEqual(await rows("SELECT COALESCE(1, 'hello'::INT)"), [[1]])
  assert.deepEqual(await rows('SELECT COALESCE(a, b::INT) FROM v'), [[1], [2], [3], [null]])
  assert.deepEqual(await rows('SELECT COALESCE(a, b::INT, 10 // (a - a), 7) FROM v'), [[1], [2], [3], [7]])
  // nested values take the same path
  assert.deepEqual(await rows("SELECT COALESCE(CASE WHEN a = 1 THEN [a] END, [b::INT], [0]) FROM v WHERE a IS NULL OR a = 1"), [[[1]], [[2]], [[null]]])
  // plain columns and constants keep the eager kernel and the same answers
  assert.deepEqual(await rows("SELECT COALESCE(b, 'none') FROM v"), [['hello'], ['2'], ['none'], ['none']])
})

test('coalesce still fails when a row needs an argument that cannot be computed', async () => {
  const db = await Database.open()
  await db.exec("CREATE TABLE v (a INTEGER, b VARCHAR); INSERT INTO v VALUES (1, 'hello'), (NULL, '2'), (3, NULL)")
  for (const sql of ["SELECT COALESCE(NULL, 'hello'::INT)", 'SELECT COALESCE(NULL, b::INT) FROM v', 'SELECT COALESCE(CASE WHEN a > 1 THEN a END, b::INT) FROM v']) {
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === '22P02', sql)
  }
})
