import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'

const VALUES = '(VALUES (900), (2600), (2100), (2100), (1800)) AS t(i)'

test('a DISTINCT aggregate may be ordered by a non-volatile expression of its arguments', async () => {
  const db = await Database.open()
  assert.deepEqual((await db.query(`SELECT string_agg(DISTINCT i::VARCHAR, ',' ORDER BY -i) FROM ${VALUES}`)).rows, [['2600,2100,1800,900']])
  assert.deepEqual((await db.query(`SELECT first(DISTINCT i * 2 ORDER BY i) FROM ${VALUES}`)).rows, [[1800]])
})

test('a volatile argument or ORDER BY of a DISTINCT aggregate is refused (42P10)', async () => {
  const db = await Database.open()
  for (const sql of [
    `SELECT first(DISTINCT random() * i ORDER BY i) FROM ${VALUES}`,
    `SELECT first(DISTINCT i ORDER BY random() * i) FROM ${VALUES}`,
    `SELECT list(DISTINCT i ORDER BY i + 1) FROM ${VALUES}, (VALUES (1)) AS u(j) GROUP BY j HAVING list(DISTINCT i ORDER BY j) IS NOT NULL`,
  ]) {
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === '42P10' && e.hint !== undefined, sql)
  }
})
