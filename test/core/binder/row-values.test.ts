import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'

async function texts(sql: string): Promise<string[][]> {
  const db = await Database.open()
  try { return (await db.query(sql)).textRows() as string[][] } finally { await db.close() }
}

test('ROW(…) prints as a tuple and keeps each unnamed field', async () => {
  assert.deepEqual(await texts(`SELECT ROW(1, 'a', 2), [ROW(1, 'x y')]`), [['(1, a, 2)', '[(1, x y)]']])
})

test('unnamed structs cast field by field by position', async () => {
  assert.deepEqual(await texts('SELECT coalesce(NULL, ROW(NULL, NULL, 0))'), [['(NULL, NULL, 0)']])
  const sql = `SELECT coalesce((SELECT ROW(min(x), min(y), count(*)) FROM (VALUES (1, 'a', 'b')) r(k, x, y) WHERE k = 2),
    ROW(NULL, NULL, 0))`
  assert.deepEqual(await texts(sql), [['(NULL, NULL, 0)']])
})

test('unnamed structs compare and sort field by field', async () => {
  assert.deepEqual(await texts('SELECT ROW(1, 2) = ROW(1, 2), ROW(1, 2) < ROW(1, 3), ROW(2, 0) < ROW(1, 9)'), [['true', 'true', 'false']])
  assert.deepEqual(await texts('SELECT r FROM (VALUES (ROW(2, 1)), (ROW(1, 2)), (ROW(1, 1))) t(r) ORDER BY r'),
    [['(1, 1)'], ['(1, 2)'], ['(2, 1)']])
})

test('a row compared with a subquery row is unknown when a NULL field decides it (SQL; DuckDB orders NULL last)', async () => {
  assert.deepEqual(await texts('SELECT (1, NULL) < ANY (SELECT 1, 2), (1, 2) = ALL (SELECT 1, NULL), (1, 2) IN (SELECT 2, NULL)'),
    [[null, null, 'false']])
  // (3, NULL) differs from every row in its first field, so it is NOT IN them (DuckDB: NULL)
  assert.deepEqual(await texts(`SELECT (3, NULL) NOT IN (SELECT * FROM (VALUES (1, 2), (2, 5))),
    (2, 3) IN (SELECT * FROM (VALUES (1, 2), (NULL, 7)))`), [['true', 'false']])
})
