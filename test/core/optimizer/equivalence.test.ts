/**
 * End to end: every query must return the same rows with all optimizer rules on, with each
 * rule off on its own, and with all of them off.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { ruleNames } from '../../../core/optimizer/index.ts'

const setup = `
CREATE TABLE t(a INTEGER, b INTEGER, s VARCHAR);
CREATE TABLE u(x INTEGER, y INTEGER);
CREATE TABLE w(k INTEGER, label VARCHAR);
INSERT INTO t SELECT i, i % 7, CASE WHEN i % 5 = 0 THEN NULL ELSE 's' || CAST(i % 3 AS VARCHAR) END FROM range(0, 200) r(i);
INSERT INTO u SELECT i % 50, CASE WHEN i % 9 = 0 THEN NULL ELSE i END FROM range(0, 120) r(i);
INSERT INTO w VALUES (0, 'zero'), (1, 'one'), (2, 'two'), (NULL, 'none');
`

const queries: { sql: string; ordered?: boolean }[] = [
  { sql: 'SELECT a, s FROM t WHERE a > 10 AND b = 3' },
  { sql: 'SELECT a FROM t WHERE 1 = 1 AND a < 5 OR false' },
  { sql: 'SELECT a, s FROM t WHERE NOT (a < 150) AND NOT (s IS NULL) AND NOT (b NOT IN (1, 2))' },
  { sql: 'SELECT a FROM t WHERE 10 > a OR NOT NOT (190 <= a)' },
  { sql: 'SELECT a FROM t WHERE a = NULL' },
  { sql: 'SELECT q FROM (SELECT a + 1 AS q FROM (SELECT a, b FROM t WHERE b > 2) sub) s2 WHERE q < 50' },
  { sql: 'SELECT t.a, u.y FROM t, u WHERE t.a = u.x AND u.y > 10 AND t.b < 4' },
  { sql: 'SELECT t.a, u.y FROM t LEFT JOIN u ON t.a = u.x AND u.y > 5 WHERE t.a < 30' },
  { sql: 'SELECT t.a, u.y FROM t LEFT JOIN u ON t.a = u.x WHERE u.y > 20' },
  { sql: 'SELECT t.a, u.y FROM t LEFT JOIN u ON t.a = u.x WHERE u.y IS NULL' },
  { sql: 'SELECT t.a, u.y FROM t FULL JOIN u ON t.a = u.x WHERE t.b = 1' },
  { sql: 'SELECT w.label, t.a FROM w LEFT JOIN t ON w.k = t.b AND t.a < 50' },
  { sql: 'SELECT t.a, w.label FROM t RIGHT JOIN w ON w.k = t.b' },
  { sql: 'SELECT t.a, u.y, w.label FROM t JOIN u ON t.a = u.x JOIN w ON w.k = t.b' },
  { sql: 'SELECT w.label, count(*) FROM t, u, w WHERE t.a = u.x AND w.k = t.b GROUP BY w.label' },
  { sql: 'SELECT b, count(*) AS n, sum(a) FROM t GROUP BY b HAVING b > 2 AND count(*) > 1' },
  { sql: 'SELECT count(*) FROM t WHERE false' },
  { sql: 'SELECT a FROM t ORDER BY a DESC LIMIT 5', ordered: true },
  { sql: 'SELECT a, b FROM t ORDER BY b, a LIMIT 7 OFFSET 3', ordered: true },
  { sql: 'SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 10) sub WHERE a > 4' },
  { sql: 'SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.x = t.a AND u.y > 30)' },
  { sql: 'SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.x = t.a)' },
  { sql: 'SELECT a FROM t WHERE a IN (SELECT y FROM u)' },
  { sql: 'SELECT a FROM t WHERE a NOT IN (SELECT y FROM u)' },
  { sql: 'SELECT a FROM t WHERE a NOT IN (SELECT x FROM u WHERE x < 10)' },
  { sql: "SELECT a FROM t WHERE s NOT IN (SELECT label FROM w WHERE label <> 's1')" },
  { sql: 'SELECT a FROM t WHERE s NOT IN (SELECT label FROM w WHERE k > 100)' },
  { sql: 'SELECT a FROM t WHERE s IN (SELECT label FROM w) OR a < 3' },
  { sql: 'SELECT a FROM t WHERE b IN (SELECT k FROM w WHERE w.label <> t.s)' },
  { sql: 'SELECT a FROM t WHERE b IN (1, 2, NULL) AND s IS NOT NULL' },
  { sql: 'SELECT DISTINCT b FROM t WHERE b > 1' },
  { sql: 'SELECT t.a, l.y FROM t, LATERAL (SELECT y FROM u WHERE u.x = t.a AND u.y > 5) l' },
  { sql: 'SELECT t.a, l.q FROM t, LATERAL (SELECT y + t.b AS q FROM u WHERE u.x = t.a) l' },
  { sql: 'SELECT t.a, l.y FROM t LEFT JOIN LATERAL (SELECT y FROM u WHERE u.x = t.a) l ON true WHERE t.a < 60' },
  { sql: 'SELECT t.a, l.c FROM t LEFT JOIN LATERAL (SELECT 1 AS c FROM u WHERE u.x = t.a) l ON true WHERE t.a < 60' },
  { sql: 'SELECT a FROM t WHERE a < 10 UNION SELECT x FROM u WHERE x > 40' },
  { sql: 'SELECT * FROM (SELECT a FROM t UNION ALL SELECT x FROM u) v WHERE a = 3' },
  { sql: 'SELECT * FROM (SELECT a, b, sum(a) OVER (PARTITION BY b ORDER BY a) AS running FROM t) v WHERE b = 2 AND a > 100' },
  { sql: 'SELECT CASE WHEN b = 0 THEN NULL ELSE a / b END FROM t' },
  { sql: 'SELECT a FROM t WHERE (SELECT max(y) FROM u) > a' },
  { sql: 'SELECT a, (SELECT count(*) FROM u WHERE u.x = t.a) FROM t' },
  { sql: 'SELECT a FROM t WHERE b < (SELECT count(*) FROM u WHERE u.x = t.a)' },
  { sql: 'SELECT a, (SELECT sum(y) FROM u WHERE u.x = t.a AND u.y > 10) + 1 FROM t' },
  { sql: 'SELECT a, (SELECT coalesce(max(y), -1) FROM u WHERE u.x = t.b) AS m FROM t' },
  { sql: 'SELECT a, (SELECT count(y) FROM u WHERE u.x = t.a + 100) FROM t WHERE a < 20' },
]

async function rowsOf(db: Database, sql: string, ordered: boolean): Promise<string[]> {
  const r = await db.query(sql)
  const rows = r.rows.map(row => JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
  return ordered ? rows : rows.sort()
}

const settings = ['', ...ruleNames, ruleNames.join(',')]
let db: Database

before(async () => {
  db = await Database.open()
  await db.exec(setup)
})
after(async () => { await db.close() })

for (const q of queries) {
  test(`same rows with any optimizer rule off: ${q.sql}`, async () => {
    const results: string[][] = []
    for (const disabled of settings) {
      await db.exec(`SET disabled_optimizers = '${disabled}'`)
      results.push(await rowsOf(db, q.sql, q.ordered === true))
    }
    for (let k = 1; k < results.length; k++) {
      assert.deepEqual(results[k], results[0], `with "${settings[k]}" disabled`)
    }
  })
}

const dml = [
  'DELETE FROM c WHERE a IN (SELECT x FROM u WHERE y > 40)',
  'DELETE FROM c WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.x = c.a)',
  'UPDATE c SET b = (SELECT count(*) FROM u WHERE u.x = c.a) WHERE a < 100',
  'UPDATE c SET s = upper(s) WHERE b = 3 AND s IS NOT NULL',
  'INSERT INTO c SELECT x + 1000, y, NULL FROM u WHERE y > 100',
]

for (const statement of dml) {
  test(`same table contents after DML with any optimizer rule off: ${statement}`, async () => {
    const results: string[][] = []
    for (const disabled of settings) {
      await db.exec(`SET disabled_optimizers = '${disabled}'`)
      await db.exec('CREATE TABLE c AS SELECT * FROM t')
      try {
        await db.exec(statement)
        results.push(await rowsOf(db, 'SELECT * FROM c', false))
      } finally {
        await db.exec('DROP TABLE c')
      }
    }
    for (let k = 1; k < results.length; k++) assert.deepEqual(results[k], results[0], `with "${settings[k]}" disabled`)
  })
}
