import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { assertSameRowsWithout, explainText } from './sql.ts'

let db: Database

before(async () => {
  db = await Database.open()
  await db.exec(`CREATE TABLE item AS SELECT i % 500 AS k, CASE WHEN i % 17 = 0 THEN NULL ELSE i % 50 END AS q, i * 1.5 AS price
    FROM range(20000) r(i)`)
  await db.exec(`CREATE TABLE part AS SELECT CASE WHEN i = 7 THEN NULL ELSE i END AS pk, 'brand' || (i % 25) AS brand, i % 3 AS box
    FROM range(600) r(i)`)
})

after(async () => { await db.close() })

const queries = [
  // TPC-H Q17's shape: a correlated average per key, joined back to a filtered table
  `SELECT sum(price) / 7.0 FROM item, part WHERE pk = k AND brand = 'brand3' AND box = 1
     AND q < (SELECT 0.2 * avg(q) FROM item i2 WHERE i2.k = pk)`,
  `SELECT p.pk, a.n, a.s FROM part p JOIN (SELECT k, count(*) AS n, sum(q) AS s FROM item GROUP BY k) a ON a.k = p.pk
     WHERE p.brand = 'brand4' ORDER BY p.pk`,
  `SELECT p.pk, a.n FROM part p LEFT JOIN (SELECT k, count(q) AS n FROM item GROUP BY k) a ON a.k = p.pk
     WHERE p.brand IN ('brand4', 'brand5') ORDER BY p.pk`,
  `SELECT a.k, a.n FROM (SELECT k, count(*) AS n FROM item GROUP BY k) a LEFT JOIN part p ON a.k = p.pk AND p.box = 2 ORDER BY a.k`,
  `SELECT count(*) FROM part p, (SELECT k % 100 AS m, max(q) AS mx FROM item GROUP BY k % 100) a WHERE a.m = p.pk AND p.box = 0`,
]

const plan = (sql: string): Promise<string> => explainText(db, sql)

test('the same rows with group_key_semi_join on and off', async () => {
  for (const sql of queries) {
    const rows = await assertSameRowsWithout(db, 'group_key_semi_join', sql)
    assert.ok(rows.length > 0, sql)
  }
})

test('the aggregate reads only the keys the filtered table holds', async () => {
  for (const sql of [queries[0]!, queries[1]!, queries[2]!, queries[4]!]) {
    const p = await plan(sql)
    const logical = p.slice(p.indexOf('logical_plan'))
    assert.match(logical, /AGGREGATE groups: [^\n]*\n\s+JOIN SEMI ON/, sql)
  }
  await db.exec(`SET disabled_optimizers = 'group_key_semi_join'`)
  assert.doesNotMatch(await plan(queries[0]!), /JOIN SEMI/)
  await db.exec(`SET disabled_optimizers = ''`)
})

test('a join inside a subquery is rewritten too', async () => {
  const sql = `SELECT pk, (SELECT sum(a.n) FROM part p JOIN (SELECT k, count(*) AS n FROM item GROUP BY k) a ON a.k = p.pk
     WHERE p.brand = 'brand4') AS total FROM part WHERE pk < 3 ORDER BY pk`
  const rows = await assertSameRowsWithout(db, 'group_key_semi_join', sql)
  assert.equal(rows.length, 3)
  const p = await plan(sql)
  assert.match(p.slice(p.indexOf('logical_plan')), /AGGREGATE groups: [^\n]*\n\s+JOIN SEMI ON/)
})

test('no semi join where the aggregate keeps unmatched groups or the other side is not a cheap filter', async () => {
  for (const sql of [
    queries[3]!, // the aggregate is the preserved side of the LEFT JOIN
    `SELECT p.pk, a.n FROM part p JOIN (SELECT k, count(*) AS n FROM item GROUP BY k) a ON a.k = p.pk`, // nothing filters part
    `SELECT p.pk, a.n FROM part p JOIN (SELECT count(*) AS n FROM item) a ON a.n = p.pk WHERE p.box = 1`, // no group key
    `SELECT p.pk, a.n FROM part p JOIN (SELECT k, count(*) AS n FROM item GROUP BY k) a ON a.n = p.pk WHERE p.box = 1`, // not on the key
  ]) {
    const p = await plan(sql)
    assert.doesNotMatch(p.slice(p.indexOf('logical_plan')), /JOIN SEMI/, sql)
  }
})

test('a semi join of cheap reads counts as a cheap read (TPC-H Q20: partsupp of the parts named like a pattern)', async () => {
  // the other side is part ⋉ item-keys; its estimate is above a tenth of the aggregate's input
  const sql = `SELECT p.pk, a.n, a.s FROM part p JOIN (SELECT k, count(*) AS n, sum(q) AS s FROM item GROUP BY k) a ON a.k = p.pk
     WHERE p.brand LIKE 'brand%3' AND p.pk IN (SELECT k FROM item WHERE q = 3) ORDER BY p.pk`
  const rows = await assertSameRowsWithout(db, 'group_key_semi_join', sql)
  assert.ok(rows.length > 0)
  const p = await plan(sql)
  assert.match(p.slice(p.indexOf('logical_plan')), /AGGREGATE groups: [^\n]*\n\s+JOIN SEMI ON [^\n]*\n\s+SCAN main\.item[^\n]*\n\s+JOIN SEMI ON/)
})

test('no semi join when the filtered read is estimated no smaller than the aggregate input', async () => {
  await db.exec(`CREATE TABLE few AS SELECT i AS k, i % 5 AS q FROM range(300) r(i)`)
  await db.exec(`CREATE TABLE many AS SELECT i % 500 AS pk, i % 3 AS box FROM range(40000) r(i)`)
  const sql = `SELECT m.pk, a.n FROM many m JOIN (SELECT k, count(*) AS n FROM few GROUP BY k) a ON a.k = m.pk WHERE m.box = 1`
  await assertSameRowsWithout(db, 'group_key_semi_join', sql)
  const p = await plan(sql)
  assert.doesNotMatch(p.slice(p.indexOf('logical_plan')), /JOIN SEMI/)
})
