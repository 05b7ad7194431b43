import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { assertSameRowsWithout, explainText } from './sql.ts'
import { topKRows } from '../../../core/execution/window-topk.ts'
import { DOUBLE, INTEGER } from '../../../core/types/types.ts'
import { Vector } from '../../../core/vector/vector.ts'

let db: Database

before(async () => {
  db = await Database.open()
  // small value ranges so partitions and order keys are full of ties; NULLs in both
  await db.exec(`CREATE TABLE t AS SELECT
      CASE WHEN i % 13 = 0 THEN NULL ELSE i % 9 END AS g,
      CASE WHEN i % 4 = 0 THEN 'a' ELSE 'b' END AS h,
      CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919) % 17 END AS v,
      (i * 31) % 5 + 0.5 AS d,
      i AS id
    FROM range(3000) r(i)`)
})

after(async () => { await db.close() })

const numbered = (fn: string, over: string, where: string): string =>
  `SELECT * FROM (SELECT g, h, v, d, id, ${fn} OVER (${over}) AS n FROM t) s WHERE ${where}`

const queries: string[] = []
for (const fn of ['row_number()', 'rank()', 'dense_rank()']) {
  for (const over of [
    'PARTITION BY g ORDER BY v DESC',
    'PARTITION BY g ORDER BY v NULLS FIRST',
    'PARTITION BY g, h ORDER BY v, d DESC',
    'PARTITION BY h ORDER BY d',
    'PARTITION BY g ORDER BY h DESC NULLS FIRST',
    'ORDER BY v DESC NULLS LAST',
    'PARTITION BY g',
  ]) {
    for (const where of ['n <= 2', 'n < 4', 'n = 1', '3 >= n', 'n <= 1.5', 'n = 3', 'n <= 40 AND id % 2 = 0', 'n <= 0']) {
      queries.push(numbered(fn, over, where))
    }
  }
}
queries.push(`SELECT g, v, id FROM t QUALIFY rank() OVER (PARTITION BY g ORDER BY v DESC) <= 2`)
// the H2O "largest two per group" shape, through a projection
queries.push(`SELECT g, largest2 FROM (SELECT g, v AS largest2, row_number() OVER (PARTITION BY g ORDER BY v DESC) AS o
  FROM t WHERE v IS NOT NULL) q WHERE o <= 2`)

test('the same rows, in the same order, with window_topn on and off', async () => {
  for (const sql of queries) {
    // every query here but `n <= 0` (nothing to keep) takes the top-k path
    assert.equal(/per partition/.test(await plan(sql)), !sql.includes('n <= 0'), sql)
    await assertSameRowsWithout(db, 'window_topn', sql)
  }
})

const plan = (sql: string): Promise<string> => explainText(db, sql)

test('EXPLAIN shows the per-partition top-k, and not when the rule is off', async () => {
  const sql = numbered('row_number()', 'PARTITION BY g ORDER BY v DESC', 'n <= 2')
  const p = await plan(sql)
  assert.match(p, /WINDOW row_number \(top 2 per partition\)/)
  assert.match(p, /WINDOW row_number\(\) OVER \(PARTITION BY g ORDER BY v DESC.* top 2 per partition/)
  assert.match(await plan(numbered('rank()', 'PARTITION BY g ORDER BY v', 'n < 4')), /top 3 per partition/)
  assert.match(await plan(numbered('dense_rank()', 'PARTITION BY g ORDER BY v', '1 = n')), /top 1 per partition/)
  await db.exec(`SET disabled_optimizers = 'window_topn'`)
  assert.doesNotMatch(await plan(sql), /per partition/)
  await db.exec(`SET disabled_optimizers = ''`)
})

test('no top-k where the filter does not bound the number', async () => {
  for (const sql of [
    numbered('row_number()', 'PARTITION BY g ORDER BY v', 'n > 2'),
    numbered('row_number()', 'PARTITION BY g ORDER BY v', 'n <= 2 OR id = 5'),
    numbered('row_number()', 'PARTITION BY g ORDER BY v', 'n <= id'),
    numbered('ntile(3)', 'PARTITION BY g ORDER BY v', 'n <= 2'),
    numbered('sum(v)', 'PARTITION BY g ORDER BY v', 'n <= 2'),
    // another call over all rows would see only the kept ones
    `SELECT * FROM (SELECT g, row_number() OVER (PARTITION BY g ORDER BY v) AS n, count(*) OVER (PARTITION BY g) AS c FROM t) s WHERE n <= 2`,
  ]) assert.doesNotMatch(await plan(sql), /per partition/, sql)
})

test('topKRows keeps exactly the rows a full numbering puts at ≤ k', () => {
  // one partition, order keys 3 1 1 NULL 2 1 (ascending, NULLS LAST)
  const part = new Vector(INTEGER, 6, Int32Array.from([0, 0, 0, 0, 0, 0]), null)
  const key = new Vector(DOUBLE, 6, Float64Array.from([3, 1, 1, 0, 2, 1]), Uint8Array.from([1, 1, 1, 0, 1, 1]))
  const spec = [{ descending: false, nullsFirst: false }]
  assert.deepEqual([...topKRows('row_number', 2, [part], [key], spec, 6)], [1, 2])
  assert.deepEqual([...topKRows('rank', 2, [part], [key], spec, 6)], [1, 2, 5])
  assert.deepEqual([...topKRows('dense_rank', 2, [part], [key], spec, 6)], [1, 2, 4, 5])
  assert.deepEqual([...topKRows('dense_rank', 4, [part], [key], spec, 6)], [0, 1, 2, 3, 4, 5])
  assert.deepEqual([...topKRows('row_number', 1, [], [key], [{ descending: true, nullsFirst: true }], 6)], [3])
})

test('a misspelt rule name is refused with the right name as a hint', async () => {
  await db.exec(`SET disabled_optimizers = 'window_topm'`)
  await assert.rejects(db.query('SELECT 1'), (e: Error & { code?: string; hint?: string }) =>
    e.code === '22023' && /window_topm/.test(e.message) && /did you mean "window_topn"/.test(`${e.message} ${e.hint ?? ''}`))
  await db.exec(`SET disabled_optimizers = ''`)
})
