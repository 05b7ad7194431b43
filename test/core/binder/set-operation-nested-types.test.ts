import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'

test('set operations meet unrelated scalar types in VARCHAR inside lists and structs of the same shape too', async () => {
  const db = await Database.open()
  const q = async (sql: string) => { const r = await db.query(sql); return [r.columns.map(c => c.type), r.textRows()] }
  assert.deepEqual(await q("SELECT {'a': '0'} AS c UNION ALL BY NAME SELECT {'a': 0} AS c"), [['STRUCT(a VARCHAR)'], [["{'a': 0}"], ["{'a': 0}"]]])
  assert.deepEqual(await q("SELECT [1] AS c UNION ALL SELECT ['a']"), [['VARCHAR[]'], [['[1]'], ['[a]']]])
  assert.deepEqual(await q("SELECT [{'x': 1.5}] AS c UNION SELECT [{'x': DATE '2024-01-02'}] ORDER BY 1"), [['STRUCT(x VARCHAR)[]'], [["[{'x': 1.5}]"], ["[{'x': 2024-01-02}]"]]])
  // related types keep their common type
  assert.deepEqual(await q("SELECT {'a': 1} AS c UNION ALL SELECT {'a': 2.5}"), [['STRUCT(a DECIMAL(11,1))'], [["{'a': 1.0}"], ["{'a': 2.5}"]]])
})

test('set operations refuse nested types of different shapes (42804)', async () => {
  const db = await Database.open()
  for (const sql of ["SELECT {'a': 1} UNION ALL SELECT {'a': 1, 'b': 2}", 'SELECT [1] UNION ALL SELECT 1']) {
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === '42804' && e.position !== undefined, sql)
  }
})
