/**
 * End to end through Database: queries with ORs of conjunctions (NULLs in the data and in the
 * branches) give the same rows with or_factorization on and off.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'

const setup = `
CREATE TABLE a(x INTEGER, y INTEGER, s VARCHAR);
CREATE TABLE b(x INTEGER, z INTEGER, t VARCHAR);
CREATE TABLE nation(k INTEGER, name VARCHAR);
INSERT INTO a SELECT CASE WHEN i % 11 = 0 THEN NULL ELSE i % 40 END, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 5 END,
  CASE WHEN i % 13 = 0 THEN NULL ELSE 'n' || CAST(i % 4 AS VARCHAR) END FROM range(0, 300) r(i);
INSERT INTO b SELECT CASE WHEN i % 9 = 0 THEN NULL ELSE i % 40 END, CASE WHEN i % 6 = 0 THEN NULL ELSE i % 3 END,
  CASE WHEN i % 10 = 0 THEN NULL ELSE 'n' || CAST(i % 4 AS VARCHAR) END FROM range(0, 200) r(i);
INSERT INTO nation VALUES (0, 'FRANCE'), (1, 'GERMANY'), (2, 'PERU'), (3, NULL);
`

const queries = [
  'SELECT count(*) FROM a, b WHERE (a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 2)',
  'SELECT a.x, a.y, b.z FROM a, b WHERE (a.x = b.x AND a.y = 1) OR (b.x = a.x AND b.z IS NULL)',
  'SELECT count(*) FROM a, b WHERE (a.x = b.x AND a.y = NULL) OR (a.x = b.x AND b.z = 2)',
  'SELECT count(*) FROM a, b WHERE (a.x = b.x AND NULL) OR (a.x = b.x AND b.z = 1) OR (a.x = b.x AND a.s = b.t)',
  'SELECT count(*) FROM a, b WHERE (a.x = b.x) OR (a.x = b.x AND b.z = 1)',
  'SELECT count(*) FROM a, b WHERE a.x = b.x AND ((a.y = 1 AND b.z = 2) OR (a.y = 2 AND b.z = 1) OR (a.y IS NULL AND b.z IS NULL))',
  'SELECT count(*) FROM a, b WHERE (a.y = 1 AND b.z = 2) OR (a.y = 3 AND b.z IS NULL)',
  'SELECT count(*) FROM a, b WHERE (a.y = 1 AND b.z = 2) OR a.s IS NULL',
  "SELECT n1.name, n2.name, count(*) FROM a, b, nation n1, nation n2 WHERE a.x = b.x AND a.y = n1.k AND b.z = n2.k AND ((n1.name = 'FRANCE' AND n2.name = 'GERMANY') OR (n1.name = 'GERMANY' AND n2.name = 'FRANCE')) GROUP BY ALL",
  "SELECT n1.name, n2.name FROM nation n1, nation n2 WHERE (n1.name = 'FRANCE' AND n2.name IS NULL) OR (n1.name IS NULL AND n2.name = 'PERU') OR (n1.name = n2.name AND n1.k = 0)",
  'SELECT a.x, b.z FROM a LEFT JOIN b ON (a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 0) WHERE a.x < 10',
  'SELECT a.x, b.z FROM a FULL JOIN b ON (a.x = b.x AND a.y = 2) OR (b.x = a.x AND b.z = 0)',
  'SELECT count(*) FROM a WHERE EXISTS (SELECT 1 FROM b WHERE (b.x = a.x AND b.z = 1) OR (b.x = a.x AND a.y = 3))',
  'SELECT a.x FROM a WHERE a.x IN (SELECT b.x FROM b WHERE (b.z = 1 AND b.t = \'n1\') OR (b.z = 1 AND b.t IS NULL))',
  'SELECT x, (x = 1 AND y = 2) OR (x = 1 AND y IS NULL) AS flag FROM a',
  'SELECT count(*) FROM a, b WHERE NOT ((a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 2))',
  'SELECT count(*) FROM a, b WHERE ((a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 2)) IS NULL',
  'SELECT count(*) FROM a, b WHERE (a.x = b.x AND a.y BETWEEN 1 AND 2 AND b.z IN (0, 1)) OR (a.x = b.x AND a.y >= 3 AND b.t LIKE \'n%\')',
]

let db: Database
before(async () => { db = await Database.open(); await db.exec(setup) })
after(async () => { await db.close() })

async function rowsOf(sql: string): Promise<string[]> {
  const r = await db.query(sql)
  return r.rows.map(row => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort()
}

for (const sql of queries) {
  test(`same rows with or_factorization on and off: ${sql}`, async () => {
    await db.exec("SET disabled_optimizers = ''")
    const on = await rowsOf(sql)
    await db.exec("SET disabled_optimizers = 'or_factorization'")
    const off = await rowsOf(sql)
    await db.exec("SET disabled_optimizers = ''")
    assert.deepEqual(on, off)
  })
}

test('the factored join is a hash join; with the rule off it is not', async () => {
  const sql = 'EXPLAIN SELECT count(*) FROM a, b WHERE (a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 2)'
  const text = async (): Promise<string> => (await db.query(sql)).rows.map(r => r.join(' ')).join('\n')
  await db.exec("SET disabled_optimizers = ''")
  assert.match(await text(), /HASH_JOIN/)
  await db.exec("SET disabled_optimizers = 'or_factorization'")
  assert.doesNotMatch(await text(), /HASH_JOIN/)
  await db.exec("SET disabled_optimizers = ''")
})

test('the counts are those of the query written with the common conjunct outside', async () => {
  const factored = await rowsOf('SELECT count(*) FROM a, b WHERE a.x = b.x AND (a.y = 1 OR b.z = 2)')
  assert.deepEqual(await rowsOf('SELECT count(*) FROM a, b WHERE (a.x = b.x AND a.y = 1) OR (a.x = b.x AND b.z = 2)'), factored)
  assert.notDeepEqual(factored, ['[0]'])
})

test('the derived per-nation filters reach the scans', async () => {
  const plan = (await db.query("EXPLAIN SELECT count(*) FROM nation n1, nation n2 WHERE (n1.name = 'FRANCE' AND n2.name = 'GERMANY') OR (n1.name = 'GERMANY' AND n2.name = 'FRANCE')")).rows.map(r => r.join(' ')).join('\n')
  assert.equal(plan.match(/TABLE_SCAN nation \[[^\]]*\] WHERE \(name IN/g)?.length, 2)
})

test('a misspelt rule name is refused with a hint', async () => {
  try {
    await assert.rejects(async () => {
      await db.exec("SET disabled_optimizers = 'or_factorisation'")
      await db.query('SELECT count(*) FROM a WHERE (x = 1 AND y = 1) OR (x = 1 AND y = 2)')
    }, (e: Error & { code?: string; hint?: string }) => e.code === '22023' && /or_factorization/.test(e.hint ?? ''))
  } finally {
    await db.exec("SET disabled_optimizers = ''")
  }
})
