/**
 * WITH queries computed once (materialised) or folded into the query that reads them, by
 * PostgreSQL's rule: MATERIALIZED / NOT MATERIALIZED, else once when named more than once or
 * when calling a volatile function.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { BIGINT } from '../../core/types/types.ts'

async function rows(db: Database, sql: string, params: readonly unknown[] = []): Promise<(string | null)[][]> {
  return (await db.query(sql, params)).textRows()
}

async function plan(db: Database, sql: string): Promise<string> {
  return (await rows(db, `EXPLAIN ${sql}`)).map(r => r.join('\n')).join('\n')
}

/** A database with t(k, g) of 100 rows and `counted(x)`: x itself, counting the rows it was called for. */
async function setup(): Promise<{ db: Database; calls: () => number }> {
  const db = await Database.open()
  await db.exec('CREATE TABLE t AS SELECT range AS k, range % 7 AS g FROM range(100); CREATE SEQUENCE s')
  let calls = 0
  // an immutable function: only the number of references decides, not volatility
  db.hooks.registerScalar({
    name: 'counted', nulls: 'propagate', volatility: 'immutable',
    overloads: [{ args: [BIGINT], returns: BIGINT, invoke: (args, count) => { calls += count; return args[0]! } }],
  })
  return { db, calls: () => { const n = calls; calls = 0; return n } }
}

test('a volatile CTE read twice gives the same values to both readers', async () => {
  const { db } = await setup()
  assert.deepEqual(await rows(db, 'WITH r AS (SELECT random() AS v) SELECT a.v = b.v FROM r a, r b'), [['true']])
  assert.deepEqual(await rows(db, 'WITH r AS (SELECT random() AS v FROM range(50)) SELECT count(*) FROM r a JOIN r b ON a.v = b.v'), [['50']])
  // nextval runs once per row of the CTE, not once per reader
  assert.deepEqual(await rows(db, "WITH r AS (SELECT nextval('s') AS v) SELECT a.v, b.v FROM r a, r b"), [['1', '1']])
  assert.deepEqual(await rows(db, "SELECT currval('s')"), [['1']])
  // volatile even when read once: a filter above does not evaluate it a second time
  assert.deepEqual(await rows(db, "WITH r AS (SELECT nextval('s') AS v FROM range(3)) SELECT v FROM r WHERE v > 0 ORDER BY v"), [['2'], ['3'], ['4']])
  assert.match(await plan(db, 'WITH r AS (SELECT random() AS v) SELECT * FROM r WHERE v < 2'), /CTE r \(materialized, 1 reference\)/)
  await db.close()
})

test('a CTE referenced twice is computed once; once, it is inlined', async () => {
  const { db, calls } = await setup()
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT counted(k) AS k FROM t) SELECT count(*) FROM c a JOIN c b ON a.k = b.k'), [['100']])
  assert.equal(calls(), 100)
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT counted(k) AS k FROM t) SELECT count(*) FROM c'), [['100']])
  assert.equal(calls(), 100)
  // two references through a later CTE and a subquery still count as two
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT counted(k) AS k FROM t), d AS (SELECT k FROM c WHERE k < 10) SELECT count(*) FROM d WHERE k IN (SELECT k FROM c)'), [['10']])
  assert.equal(calls(), 100)
  const p = await plan(db, 'WITH c AS (SELECT g, count(*) AS n FROM t GROUP BY g) SELECT * FROM c a JOIN c b ON a.g = b.g')
  assert.match(p, /CTE c \(materialized, 2 references\)/)
  assert.equal(p.match(/CTE_SCAN c/g)?.length, 4) // two in the physical plan, two in the logical one
  await db.close()
})

test('MATERIALIZED and NOT MATERIALIZED decide, except that a volatile CTE is always computed once', async () => {
  const { db, calls } = await setup()
  assert.deepEqual(await rows(db, 'WITH c AS MATERIALIZED (SELECT counted(k) AS k FROM t) SELECT count(*) FROM c WHERE k < 5'), [['5']])
  assert.equal(calls(), 100)
  assert.match(await plan(db, 'WITH c AS MATERIALIZED (SELECT * FROM t) SELECT * FROM c WHERE k = 5'), /CTE c \(materialized, 1 reference\)/)
  assert.deepEqual(await rows(db, 'WITH c AS NOT MATERIALIZED (SELECT counted(k) AS k FROM t) SELECT count(*) FROM c a JOIN c b ON a.k = b.k'), [['100']])
  assert.equal(calls(), 200)
  assert.doesNotMatch(await plan(db, 'WITH c AS NOT MATERIALIZED (SELECT * FROM t) SELECT * FROM c a, c b WHERE a.k = b.k'), /CTE/)
  assert.deepEqual(await rows(db, 'WITH r AS NOT MATERIALIZED (SELECT random() AS v) SELECT a.v = b.v FROM r a, r b'), [['true']])
  // a materialised CTE nobody reads is not computed
  assert.deepEqual(await rows(db, 'WITH c AS MATERIALIZED (SELECT counted(k) AS k FROM t) SELECT 1'), [['1']])
  assert.equal(calls(), 0)
  await db.close()
})

test('a CTE read once keeps predicate pushdown; a shared one takes no reader\'s filter', async () => {
  const { db } = await setup()
  const once = await plan(db, 'WITH c AS (SELECT * FROM t) SELECT * FROM c WHERE k = 5')
  assert.doesNotMatch(once, /CTE/)
  assert.match(once, /TABLE_SCAN t \[k, g\] WHERE \(k = 5\)/)
  const shared = await plan(db, 'WITH c AS (SELECT * FROM t) SELECT * FROM c a, c b WHERE a.k = 5 AND b.k = a.g')
  assert.match(shared, /CTE c \(materialized, 2 references\)/)
  assert.match(shared, /TABLE_SCAN t \[k, g\]\n/)
  assert.doesNotMatch(shared, /TABLE_SCAN t \[k, g\] WHERE/)
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT * FROM t) SELECT a.k, b.k FROM c a, c b WHERE a.k = 12 AND b.k = a.g'), [['12', '5']])
  await db.close()
})

test('a materialised CTE computes only the columns its references read', async () => {
  const { db } = await setup()
  const q = 'WITH c AS (SELECT k, g, k * 2 AS d FROM t WHERE k < 50) SELECT count(*), sum(a.k) FROM c a JOIN c b ON a.k = b.k'
  assert.deepEqual(await rows(db, q), [['50', '1225']])
  const p = await plan(db, q)
  assert.match(p, /PROJECTION k, NULL, NULL\n\s+TABLE_SCAN t \[k\] WHERE \(k < 50\)/)
  // a column one reference reads in a subquery stays
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT k, k * 2 AS d FROM t) SELECT a.k, (SELECT max(d) FROM c WHERE c.k < a.k) FROM c a WHERE a.k IN (1, 3) ORDER BY 1'),
    [['1', '0'], ['3', '4']])
  // volatile columns run even when unread
  await rows(db, "WITH c AS (SELECT k, nextval('s') AS n FROM t WHERE k < 3) SELECT count(*) FROM c a JOIN c b ON a.k = b.k")
  assert.deepEqual(await rows(db, "SELECT currval('s')"), [['3']])
  await db.close()
})

test('join ordering sizes a CTE scan by its definition', async () => {
  const { db } = await setup()
  await db.exec('CREATE TABLE big AS SELECT range AS k FROM range(100000); CREATE TABLE mid AS SELECT range * 7 AS k FROM range(5000)')
  const q = 'WITH c AS (SELECT k FROM big WHERE k % 3 = 0) SELECT count(*) FROM c a JOIN mid ON mid.k = a.k JOIN c b ON a.k = b.k'
  // ~33K rows per scan, not the 1000 guessed for an unknown input: the 5000-row table is a build side
  assert.match(await plan(db, q), /HASH_JOIN inner ON \(k = k\)\n\s+CTE_SCAN c\n\s+TABLE_SCAN mid \[k\]/)
  assert.deepEqual(await rows(db, q), [['1667']])
  await db.close()
})

test('references in correlated subqueries read the CTE computed once per statement', async () => {
  const { db, calls } = await setup()
  // the CTE sits at the top; a correlated subquery reads it per outer row
  assert.deepEqual(await rows(db, `WITH c AS (SELECT g, counted(max(k)) AS top FROM t GROUP BY g)
    SELECT count(*) FROM t WHERE k = (SELECT top FROM c WHERE c.g = t.g) AND g IN (SELECT g FROM c)`), [['7']])
  assert.equal(calls(), 7)
  // the WITH inside a correlated subquery: not correlated itself, so computed once for all outer rows
  assert.deepEqual(await rows(db, `SELECT count(*) FROM t WHERE k < 10 AND
    (WITH c AS (SELECT counted(k) AS k FROM t) SELECT count(*) FROM c a JOIN c b ON a.k = b.k WHERE a.k <= t.k) = t.k + 1`), [['10']])
  assert.equal(calls(), 100)
  assert.deepEqual(await rows(db, `SELECT count(DISTINCT v) FROM (SELECT (WITH c AS (SELECT nextval('s') AS v) SELECT a.v + 0 * t.k FROM c a, c b) AS v FROM t)`), [['1']])
  // a correlated CTE stays inlined: its rows depend on the outer row
  assert.deepEqual(await rows(db, `SELECT k, (WITH c AS (SELECT t.k * 2 AS d) SELECT a.d + b.d FROM c a, c b) FROM t WHERE k < 3 ORDER BY k`),
    [['0', '0'], ['1', '4'], ['2', '8']])
  assert.doesNotMatch(await plan(db, 'SELECT k, (WITH c AS (SELECT t.k * 2 AS d) SELECT a.d + b.d FROM c a, c b) FROM t'), /CTE c/)
  // ...unless volatile or MATERIALIZED: then computed once per run of the subquery
  assert.deepEqual(await rows(db, `SELECT k, (WITH c AS (SELECT random() + t.k AS v) SELECT a.v = b.v FROM c a, c b) FROM t WHERE k < 3 ORDER BY k`),
    [['0', 'true'], ['1', 'true'], ['2', 'true']])
  assert.deepEqual(await rows(db, `SELECT k, (WITH c AS MATERIALIZED (SELECT t.k * 2 AS d) SELECT a.d + b.d FROM c a, c b) FROM t WHERE k < 3 ORDER BY k`),
    [['0', '0'], ['1', '4'], ['2', '8']])
  assert.match(await plan(db, 'SELECT (WITH c AS MATERIALIZED (SELECT t.k AS d) SELECT d FROM c) FROM t'), /CTE c \(materialized, 1 reference, once per run\)/)
  await db.close()
})

test('recursive CTEs keep their path; a CTE over one is materialised when read twice', async () => {
  const { db } = await setup()
  assert.deepEqual(await rows(db, 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), q AS (SELECT sum(n) AS s FROM r) SELECT a.s, b.s FROM q a, q b'), [['15', '15']])
  assert.match(await plan(db, 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), q AS (SELECT sum(n) AS s FROM r) SELECT * FROM q a, q b'), /CTE q \(materialized, 2 references\)[\s\S]*RECURSIVE_CTE r/)
  // a CTE inside the recursive step that reads the working table changes every iteration
  assert.deepEqual(await rows(db, `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL
    (WITH w AS (SELECT n FROM r) SELECT a.n + 1 FROM w a, w b WHERE a.n < 4)) SELECT list(n ORDER BY n) FROM r`), [['[1, 2, 3, 4]']])
  await db.close()
})

test('each execution of a prepared statement computes the CTE again', async () => {
  const { db, calls } = await setup()
  const s = await db.prepare("WITH r AS (SELECT nextval('s') AS v, counted($1::BIGINT) AS x) SELECT a.v, b.v, a.x FROM r a, r b")
  assert.deepEqual((await s.query([7])).textRows(), [['1', '1', '7']])
  assert.deepEqual((await s.query([8])).textRows(), [['2', '2', '8']])
  assert.equal(calls(), 2)
  s.close()
  await db.exec('PREPARE q AS WITH c AS (SELECT counted(k) AS k FROM t WHERE k < $1) SELECT count(*) FROM c a JOIN c b ON a.k = b.k')
  assert.deepEqual(await rows(db, 'EXECUTE q(10)'), [['10']])
  assert.deepEqual(await rows(db, 'EXECUTE q(20)'), [['20']])
  assert.equal(calls(), 30)
  await db.close()
})

test('DML reads its CTEs by the same rule', async () => {
  const { db, calls } = await setup()
  await db.exec('CREATE TABLE u (k BIGINT)')
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT counted(k) AS k FROM t WHERE k < 4) INSERT INTO u SELECT a.k FROM c a JOIN c b ON a.k = b.k'), [['4']])
  assert.equal(calls(), 4)
  assert.deepEqual(await rows(db, "WITH c AS (SELECT nextval('s') AS v) INSERT INTO u SELECT a.v + b.v FROM c a, c b RETURNING k"), [['2']])
  assert.deepEqual(await rows(db, 'WITH c AS (SELECT k FROM u WHERE k < 2) DELETE FROM u WHERE k IN (SELECT k FROM c) AND k IN (SELECT k FROM c) RETURNING k'), [['0'], ['1']])
  assert.deepEqual(await rows(db, 'SELECT list(k ORDER BY k) FROM u'), [['[2, 2, 3]']])
  await db.close()
})

test('a materialised CTE past memory_limit moves to a temporary file and reads back the same rows', async () => {
  const { db } = await setup()
  const q = 'WITH c AS (SELECT range AS k, range::VARCHAR AS s FROM range(200000)) SELECT count(*), sum(a.k), max(b.s) FROM c a JOIN c b ON a.k = b.k'
  const expected = [['200000', '19999900000', '99999']]
  assert.deepEqual(await rows(db, q), expected)
  await db.exec("SET memory_limit = '1MB'")
  assert.deepEqual(await rows(db, q), expected)
  assert.match((await rows(db, `EXPLAIN ANALYZE ${q}`)).flat().join('\n'), /CTE c \(materialized, 2 references\) \[spilled: [\d.]+ MiB\]/)
  await db.close()
})

test('misplaced MATERIALIZED is a syntax error with a position'
, async () => {
  const { db } = await setup()
  const cases: [string, string][] = [
    ['WITH x AS MATERIALIZED SELECT 1 SELECT * FROM x', 'SELECT 1 SELECT'],
    ['WITH x MATERIALIZED AS (SELECT 1) SELECT * FROM x', 'MATERIALIZED AS'],
    ['WITH x AS NOT (SELECT 1) SELECT * FROM x', 'NOT (SELECT'],
    ['WITH x AS MATERIALIZED MATERIALIZED (SELECT 1) SELECT * FROM x', 'MATERIALIZED (SELECT'],
    ['SELECT * FROM t AS MATERIALIZED (SELECT 1)', 'SELECT 1)'],
    ['CREATE VIEW v AS MATERIALIZED (SELECT 1)', 'MATERIALIZED (SELECT'],
  ]
  for (const [sql, at] of cases) {
    await assert.rejects(db.query(sql), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError, `${sql}: expected a GrizzlyError, got ${String(e)}`)
      assert.equal(e.code, '42601', `${sql}: ${e.message}`)
      assert.equal(e.position, sql.indexOf(at), `${sql}: ${e.message} at ${String(e.position)}`)
      return true
    })
  }
  await db.close()
})
