import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { GrizzlyError } from '../../../core/errors.ts'

async function rows(db: Database, sql: string): Promise<(string | null)[][]> {
  return (await db.query(sql)).textRows()
}

async function rejects(db: Database, sql: string, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(db.query(sql), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, `expected a GrizzlyError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    if (message !== undefined) assert.match(e.message, message)
    return true
  })
}

test('a parenthesised column list in GROUP BY, GROUPING SETS and ROLLUP is one set of columns', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INT, b INT, c INT); INSERT INTO t VALUES (1, 2, 3), (1, 3, 4), (1, 3, 5)')
  assert.deepEqual(await rows(db, 'SELECT a, b, count(*) FROM t GROUP BY (a, b) ORDER BY ALL'), [['1', '2', '1'], ['1', '3', '2']])
  assert.deepEqual(await rows(db, 'SELECT a, b, count(*) FROM t GROUP BY GROUPING SETS ((a, b)) ORDER BY ALL'), [['1', '2', '1'], ['1', '3', '2']])
  assert.deepEqual(await rows(db, 'SELECT a, b, c, count(*) FROM t WHERE c < 5 GROUP BY ROLLUP ((a, b), c) ORDER BY ALL'), [
    ['1', '2', '3', '1'], ['1', '2', null, '1'], ['1', '3', '4', '1'], ['1', '3', null, '1'], [null, null, null, '2'],
  ])
  await db.close()
})

test('INSERT OR IGNORE and DO NOTHING without a target skip conflicts on any key', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INT PRIMARY KEY, b INT UNIQUE)')
  assert.deepEqual(await rows(db, 'INSERT OR IGNORE INTO t VALUES (1, 1), (2, 1), (1, 5)'), [['1']])
  assert.deepEqual(await rows(db, 'INSERT INTO t VALUES (3, 1), (4, 4) ON CONFLICT DO NOTHING'), [['1']])
  assert.deepEqual(await rows(db, 'SELECT * FROM t ORDER BY a'), [['1', '1'], ['4', '4']])
  await rejects(db, 'INSERT INTO t VALUES (1, 9) ON CONFLICT DO UPDATE SET b = 9', '42P10', /Conflict target has to be provided/)
  await rejects(db, 'INSERT OR REPLACE INTO t VALUES (1, 9)', '42P10')
  await rejects(db, 'INSERT INTO t VALUES (5, 5) ON CONFLICT (b, a) DO NOTHING', '42P10')
  assert.deepEqual(await rows(db, 'INSERT INTO t VALUES (1, 9) ON CONFLICT (a) DO UPDATE SET b = excluded.b'), [['1']])
  await db.exec('CREATE TABLE single (k INT PRIMARY KEY, v INT)')
  await db.exec('INSERT INTO single VALUES (1, 1)')
  await db.exec('INSERT INTO single VALUES (1, 2) ON CONFLICT DO UPDATE SET v = excluded.v')
  assert.deepEqual(await rows(db, 'SELECT * FROM t UNION ALL SELECT * FROM single ORDER BY ALL'), [['1', '2'], ['1', '9'], ['4', '4']])
  await db.close()
})

test('LIMIT n PERCENT', async () => {
  const db = await Database.open()
  assert.deepEqual(await rows(db, 'SELECT * FROM range(10) LIMIT 20 PERCENT'), [['0'], ['1']])
  assert.deepEqual(await rows(db, 'SELECT * FROM range(10) ORDER BY range DESC LIMIT 25%'), [['9'], ['8']])
  assert.deepEqual(await rows(db, 'SELECT * FROM range(10) LIMIT 12.5%'), [['0']])
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM (SELECT * FROM range(10) LIMIT 100%)'), [['10']])
  await rejects(db, 'SELECT * FROM range(10) LIMIT 200%', '22023')
  await rejects(db, 'SELECT * FROM range(10) LIMIT -1%', '22023')
  await rejects(db, "SELECT * FROM range(10) LIMIT DATE '2020-01-01' %", '42804')
  await db.close()
})

test('FOREIGN KEY and REFERENCES constraints are enforced', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE parent (a INT PRIMARY KEY, b INT UNIQUE); INSERT INTO parent VALUES (1, 10)')
  await db.exec('CREATE TABLE child (x INT, FOREIGN KEY (x) REFERENCES parent (a))')
  await db.exec('CREATE TABLE child2 (x INT REFERENCES parent, y INT REFERENCES main.parent (b))')
  await db.exec('INSERT INTO child VALUES (1), (NULL); INSERT INTO child2 VALUES (1, 10)')
  await rejects(db, 'INSERT INTO child VALUES (7)', '23503')
  await rejects(db, 'INSERT INTO child2 VALUES (1, 11)', '23503', /y: 11/)
  await rejects(db, 'DELETE FROM parent', '23503', /still referenced/)
  await rejects(db, 'CREATE TABLE bad (x INT, y INT, FOREIGN KEY (x, y) REFERENCES parent (a))', '42830')
  await rejects(db, 'CREATE TABLE bad (x INT, FOREIGN KEY (zz) REFERENCES parent (a))', '42703')
  await rejects(db, 'CREATE TABLE bad (x INT REFERENCES nope)', '42P01')
  await db.exec('CREATE TABLE tree (id INT PRIMARY KEY, up INT REFERENCES tree (id))')
  // as DuckDB, a row cannot reference a row of its own INSERT
  await rejects(db, 'INSERT INTO tree VALUES (1, NULL), (2, 1)', '23503')
  await db.exec('INSERT INTO tree VALUES (1, NULL); INSERT INTO tree VALUES (2, 1)')
  await rejects(db, 'INSERT INTO tree VALUES (3, 9)', '23503')
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM child'), [['2']])
  await db.close()
})

test('materialized CTEs of INSERT, UPDATE and DELETE', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a BIGINT, b BIGINT); INSERT INTO t VALUES (1, 1), (2, 2)')
  await db.exec('WITH m AS MATERIALIZED (SELECT range AS v FROM range(5, 7)) INSERT INTO t SELECT v, v FROM m')
  await db.exec('WITH m AS MATERIALIZED (SELECT range AS v FROM range(1, 3)) UPDATE t SET b = (SELECT max(v) * 10 FROM m) WHERE a IN (SELECT v FROM m)')
  assert.deepEqual(await rows(db, 'WITH m AS MATERIALIZED (SELECT range + 4 AS v FROM range(2)) DELETE FROM t WHERE a IN (SELECT v FROM m) RETURNING a'), [['5']])
  assert.deepEqual(await rows(db, 'SELECT * FROM t ORDER BY a'), [['1', '20'], ['2', '20'], ['6', '6']])
  const plan = await rows(db, 'EXPLAIN WITH m AS MATERIALIZED (SELECT range AS v FROM range(3)) DELETE FROM t WHERE a IN (SELECT v FROM m)')
  assert.match(plan.flat().join('\n'), /CTE_SCAN m/)
  await db.close()
})

test("date_part('epoch' | 'julian', x) answers DOUBLE, as DuckDB", async () => {
  const db = await Database.open()
  assert.deepEqual(await rows(db, "SELECT date_part('epoch', TIMESTAMP '2020-01-01 00:00:00.5'), extract(epoch FROM TIMESTAMP '2020-01-01 00:00:00.5'), date_part('julian', TIMESTAMP '2020-01-01 12:00:00')"),
    [['1577836800.5', '1577836800.5', '2458850.5']])
  assert.deepEqual(await rows(db, "SELECT typeof(extract(epoch FROM DATE '2020-01-01')), typeof(datepart('EPOCH', TIME '01:00:00')), typeof(date_part('year', DATE '2020-01-01'))"),
    [['DOUBLE', 'DOUBLE', 'BIGINT']])
  assert.deepEqual(await rows(db, "SELECT date_part('epoch', NULL::TIMESTAMP)"), [[null]])
  await rejects(db, "SELECT date_part('epcoh', DATE '2020-01-01')", '22023')
  await db.close()
})

test('|| renders non-string operands as text; lists concatenate', async () => {
  const db = await Database.open()
  assert.deepEqual(await rows(db, "SELECT 's' || 1, 1 || 2, typeof(1 || 2), DATE '2020-01-01' || 's', 'a' || true, 1.5 || 'x', 'a' || NULL, [1] || [2.5]"),
    [['s1', '12', 'VARCHAR', '2020-01-01s', 'atrue', '1.5x', null, '[1.0, 2.5]']])
  await rejects(db, 'SELECT [1] || 2', '42883')
  await db.close()
})

test('an aggregate of outer columns inside a subquery is computed by the aggregating outer query', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INT, b INT); CREATE TABLE u (x INT); INSERT INTO t VALUES (1, 2), (3, 4), (5, 4); INSERT INTO u VALUES (1), (2), (3)')
  assert.deepEqual(await rows(db, 'SELECT b, (SELECT sum(t.a) + 1) FROM t GROUP BY b ORDER BY b'), [['2', '2'], ['4', '9']])
  assert.deepEqual(await rows(db, 'SELECT b, (SELECT sum(t.a) + count(*) FROM u) FROM t GROUP BY b ORDER BY b'), [['2', '4'], ['4', '11']])
  assert.deepEqual(await rows(db, 'SELECT b, (SELECT sum(x) FROM u WHERE x > sum(t.a)) FROM t GROUP BY b ORDER BY b'), [['2', '5'], ['4', null]])
  assert.deepEqual(await rows(db, 'SELECT b FROM t GROUP BY b HAVING (SELECT sum(t.a)) > 3'), [['4']])
  // an aggregate over inner and outer columns stays in the subquery, where t.a is not grouped
  await rejects(db, 'SELECT b, (SELECT sum(t.a + x) FROM u) FROM t GROUP BY b', '42803')
  // the outer query becomes an aggregate query when only a subquery aggregates its columns
  assert.deepEqual(await rows(db, 'SELECT (SELECT sum(t.a)) FROM t'), [['9']])
  assert.deepEqual(await rows(db, 'SELECT (SELECT sum(t.a) + count(*) FROM u) FROM t'), [['12']])
  await rejects(db, 'SELECT a, (SELECT sum(t.a)) FROM t', '42803')
  // …and a subquery whose only aggregate is the outer one does not aggregate its own rows
  assert.deepEqual(await rows(db, 'SELECT (SELECT x + min(t.a) FROM u WHERE x = 3) FROM t'), [['4']])
  assert.deepEqual(await rows(db, 'SELECT EXISTS (SELECT x + min(t.a) FROM u WHERE x = 3) FROM t'), [['true']])
  // inner aggregates are unchanged
  assert.deepEqual(await rows(db, 'SELECT a, (SELECT count(*) FROM u WHERE x < t.a) FROM t ORDER BY a'), [['1', '0'], ['3', '2'], ['5', '3']])
  assert.deepEqual(await rows(db, 'SELECT (SELECT sum(u.x) FROM u) FROM t'), [['6'], ['6'], ['6']])
  await db.close()
})

test('grouping_id is another name for GROUPING', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INT, b INT); INSERT INTO t VALUES (1, 2)')
  assert.deepEqual(await rows(db, 'SELECT a, b, grouping_id(a, b), grouping(a) FROM t GROUP BY ROLLUP (a, b) ORDER BY ALL'),
    [['1', '2', '0', '0'], ['1', null, '1', '0'], [null, null, '3', '1']])
  await rejects(db, 'SELECT grouping_id(a) FROM t', '42803')
  await db.close()
})

test('SELECT DISTINCT ordered by a column it does not show keeps the first row of each', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (t1 INT, t2 INT); INSERT INTO t VALUES (1, 1), (1, 2), (2, 0)')
  assert.deepEqual(await rows(db, 'SELECT DISTINCT t1 FROM t ORDER BY t2'), [['2'], ['1']])
  assert.deepEqual(await rows(db, 'SELECT DISTINCT t1 FROM t ORDER BY t1, t2'), [['1'], ['2']])
  assert.deepEqual(await rows(db, 'SELECT DISTINCT t1 % 2 AS m FROM t ORDER BY m'), [['0'], ['1']])
  await db.close()
})

test('LIMIT/OFFSET in a recursive CTE, IGNORE NULLS outside windows and duplicate window names are errors', async () => {
  const db = await Database.open()
  await rejects(db, 'WITH RECURSIVE t AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM t WHERE x < 3 OFFSET 1) SELECT * FROM t', '0A000')
  await rejects(db, 'WITH RECURSIVE t AS (SELECT 1 AS x UNION SELECT x + 1 FROM t WHERE x < 3 LIMIT 1) SELECT * FROM t', '0A000')
  // a limited body that does not read itself is a plain query
  assert.deepEqual(await rows(db, 'WITH RECURSIVE t AS (SELECT 1 AS x UNION ALL SELECT 2 LIMIT 1) SELECT * FROM t'), [['1']])
  assert.deepEqual(await rows(db, 'WITH RECURSIVE t AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM t WHERE x < 3) SELECT * FROM t'), [['1'], ['2'], ['3']])
  await rejects(db, 'SELECT abs(x IGNORE NULLS) FROM range(3) t(x)', '42601')
  await rejects(db, 'SELECT lag(i) OVER w FROM (VALUES (1)) t(i) WINDOW w AS (ORDER BY i), w AS (ORDER BY i)', '42P20')
  assert.deepEqual(await rows(db, 'SELECT lag(i IGNORE NULLS) OVER w FROM (VALUES (1), (NULL)) t(i) WINDOW w AS (ORDER BY i)'), [[null], ['1']])
  await db.close()
})
