import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'

async function fresh() {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INTEGER, b INTEGER); INSERT INTO t VALUES (11, 22), (12, 21), (13, 22)')
  return db
}

test('ORDER BY of a set operation takes names, positions and expressions written as a branch wrote an output column', async () => {
  const db = await fresh()
  const rows = async (sql: string) => (await db.query(sql)).rows
  assert.deepEqual(await rows('SELECT a - 10 AS k FROM t UNION SELECT a - 10 AS l FROM t ORDER BY a-10 DESC'), [[3], [2], [1]])
  assert.deepEqual(await rows('SELECT a - 10 AS k FROM t UNION SELECT a - 10 AS l FROM t ORDER BY l'), [[1], [2], [3]])
  assert.deepEqual(await rows('SELECT a % 2, b FROM t UNION SELECT a % 2 AS k, b FROM t ORDER BY A % 2, 2'), [[0, 21], [1, 22]])
  assert.deepEqual(await rows('SELECT a, b FROM t EXCEPT SELECT 12, 21 ORDER BY 1 DESC'), [[13, 22], [11, 22]])
})

test('ORDER BY of a set operation refuses computations over its output and ambiguous expressions (42P10)', async () => {
  const db = await fresh()
  for (const sql of [
    'SELECT a - 10 AS k FROM t UNION SELECT a - 10 AS l FROM t ORDER BY 1 - k',
    'SELECT a AS k FROM t UNION ALL SELECT b FROM t ORDER BY k + 1',
    // a + 1 is the second column of one branch and the first of the other
    'SELECT 1, a + 1 FROM t UNION SELECT a + 1, 1 FROM t ORDER BY a + 1',
  ]) {
    await assert.rejects(db.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === '42P10' && e.position !== undefined && e.hint !== undefined, sql)
  }
  // a plain SELECT still sorts by any expression
  assert.deepEqual((await db.query('SELECT a AS k FROM t ORDER BY 1 - k')).rows, [[13], [12], [11]])
})
