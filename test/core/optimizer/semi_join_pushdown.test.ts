/**
 * semi_join_pushdown end to end: IN / EXISTS / NOT EXISTS over joins give the same rows with the
 * rule on and off (NULL keys included), and the plan shows where the semi join went.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { assertSameRowsWithout, explainText } from './sql.ts'

const setup = `
CREATE TABLE c(ck INTEGER, name VARCHAR);
CREATE TABLE o(ok INTEGER, ck INTEGER, price DOUBLE);
CREATE TABLE l(ok INTEGER, qty INTEGER, supp INTEGER);
INSERT INTO c SELECT i, 'c' || CAST(i AS VARCHAR) FROM range(0, 50) r(i);
INSERT INTO o SELECT i, CASE WHEN i % 17 = 0 THEN NULL ELSE i % 50 END, i * 1.5 FROM range(0, 400) r(i);
INSERT INTO l SELECT CASE WHEN i % 23 = 0 THEN NULL ELSE i % 400 END, i % 13, i % 7 FROM range(0, 3000) r(i);
`

const queries = [
  // TPC-H Q18's shape: IN over a grouped, filtered subquery above a three-way join
  `SELECT c.name, o.ok, sum(l.qty) FROM c, o, l WHERE o.ok IN (SELECT ok FROM l GROUP BY ok HAVING sum(qty) > 50)
     AND c.ck = o.ck AND o.ok = l.ok GROUP BY ALL ORDER BY ALL`,
  `SELECT count(*) FROM c, o WHERE c.ck = o.ck AND EXISTS (SELECT 1 FROM l WHERE l.ok = o.ok AND l.qty = 3)`,
  `SELECT count(*) FROM c, o WHERE c.ck = o.ck AND NOT EXISTS (SELECT 1 FROM l WHERE l.ok = o.ok)`,
  `SELECT count(*) FROM c, o WHERE c.ck = o.ck AND o.ck NOT IN (SELECT supp FROM l)`,
  // a residual stays above the joins
  `SELECT count(*) FROM o, l l1 WHERE o.ok = l1.ok AND EXISTS (SELECT 1 FROM l l2 WHERE l2.ok = l1.ok AND l2.supp <> l1.supp)`,
  // through a projection of a subquery in FROM, and with a computed column that cannot move
  `SELECT x.k, x.twice FROM (SELECT o.ok AS k, o.price * 2 AS twice FROM o JOIN c ON c.ck = o.ck) x
     WHERE x.k IN (SELECT ok FROM l WHERE qty = 12) ORDER BY 1`,
  `SELECT count(*) FROM (SELECT o.ok + 1 AS k FROM o JOIN c ON c.ck = o.ck) x WHERE x.k IN (SELECT ok FROM l)`,
  `SELECT count(*) FROM c LEFT JOIN o ON c.ck = o.ck WHERE o.ok IN (SELECT ok FROM l WHERE qty < 2)`,
]

let db: Database

before(async () => {
  db = await Database.open()
  await db.exec(setup)
})
after(async () => { await db.close() })

test('the same rows with semi_join_pushdown on and off', async () => {
  for (const sql of queries) await assertSameRowsWithout(db, 'semi_join_pushdown', sql)
})

const plan = (sql: string): Promise<string> => explainText(db, sql)

test('an IN over a joined table moves onto that table, below the joins', async () => {
  const p = await plan(queries[0]!)
  const logical = p.slice(p.indexOf('AGGREGATE groups: name'))
  // the semi join's left input is the orders scan itself
  assert.match(logical, /JOIN SEMI ON \(ok = ok\)\n\s+SCAN main\.o /)
  assert.ok(logical.indexOf('JOIN SEMI') > logical.indexOf('JOIN INNER'), logical)
})

test('a semi join with a residual condition, or over a computed column, stays where it was', async () => {
  const residual = await plan(queries[4]!)
  assert.match(residual.slice(residual.indexOf('AGGREGATE')), /JOIN SEMI ON [^\n]*<>[^\n]*\n(\s+PROJECT[^\n]*\n)?\s+JOIN INNER/)
  const computed = await plan(queries[6]!)
  assert.match(computed.slice(computed.indexOf('AGGREGATE')), /JOIN SEMI[^\n]*\n\s+PROJECT[^\n]*\n\s+JOIN INNER/)
})
