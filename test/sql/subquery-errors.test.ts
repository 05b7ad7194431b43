/**
 * Subqueries DuckDB refuses, refused here too with a code, a position and a hint; next to each, a
 * close query that is fine and still answers.
 */
import { test } from 'node:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'

async function setup(): Promise<Database> {
  const db = await Database.open()
  await db.exec('CREATE TABLE integers(i INTEGER); INSERT INTO integers VALUES (1), (2), (3), (NULL)')
  return db
}

async function rows(db: Database, sql: string): Promise<(string | null)[][]> {
  return (await db.query(sql)).textRows()
}

async function refused(db: Database, sql: string, code: string, at: string): Promise<GrizzlyError> {
  const err = await db.query(sql).then(() => undefined, (e: unknown) => e)
  assert.ok(err instanceof GrizzlyError, `${sql} should fail`)
  assert.equal(err.code, code, err.message)
  assert.equal(err.position, sql.indexOf(at), `position of ${err.message}`)
  assert.ok(err.hint !== undefined && err.hint.length > 0, 'a hint')
  return err
}

test('ARRAY(subquery) needs a subquery of one column', async () => {
  const db = await setup()
  const err = await refused(db, 'SELECT array(SELECT 1, 2)', '42601', 'array')
  assert.match(err.message, /only one column, not 2/)
  assert.deepEqual(await rows(db, 'SELECT array(SELECT i FROM integers WHERE i IS NOT NULL ORDER BY i DESC)'), [['[3, 2, 1]']])
  assert.deepEqual(await rows(db, 'SELECT array(SELECT 1 UNION ALL SELECT 2)'), [['[1, 2]']])
})

test('a window call in a subquery may read an outer column (PostgreSQL runs it; DuckDB refuses)', async () => {
  const db = await setup()
  // the subquery has one row, so its window sees one value: the outer row's
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT SUM(i + 1) OVER ()) FROM integers ORDER BY i'),
    [['1', '2'], ['2', '3'], ['3', '4'], [null, null]])
  assert.deepEqual(await rows(db, 'SELECT (SELECT row_number() OVER (ORDER BY i)) FROM integers'), [['1'], ['1'], ['1'], ['1']])
  assert.deepEqual(await rows(db, 'SELECT (SELECT sum(x) OVER (PARTITION BY i) FROM range(2) t(x) LIMIT 1) FROM integers'), [['1'], ['1'], ['1'], ['1']])
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT SUM((SELECT i + 1)) OVER ()) FROM integers ORDER BY i NULLS FIRST'),
    [[null, null], ['1', '2'], ['2', '3'], ['3', '4']])
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT sum(x) OVER () FROM range(3) t(x) WHERE x < i LIMIT 1) FROM integers ORDER BY i'),
    [['1', '0'], ['2', '1'], ['3', '3'], [null, null]])
})

test('a scalar subquery over no outer rows is not run, as in PostgreSQL (DuckDB runs it and may fail)', async () => {
  const db = await setup()
  await db.exec('CREATE TABLE empty(t TIME)')
  assert.deepEqual(await rows(db, 'SELECT (SELECT i FROM integers) FROM empty'), [])
  // with an outer row it runs, and more than one row is an error
  await db.exec("INSERT INTO empty VALUES ('10:00:00')")
  const err = await db.query('SELECT (SELECT i FROM integers) FROM empty').then(() => undefined, (e: unknown) => e)
  assert.ok(err instanceof GrizzlyError && err.code === '21000', String(err))
})

test('a LATERAL subquery may not aggregate only the left side\'s columns', async () => {
  const db = await setup()
  const err = await refused(db, 'SELECT * FROM integers t, LATERAL (SELECT max(t.i) FROM range(3)) s', '42803', 'max(t.i)')
  assert.match(err.message, /FROM clause of their own query level/)
  await refused(db, 'SELECT * FROM integers t LEFT JOIN LATERAL (SELECT sum(t.i) AS s) ON true', '42803', 'sum(t.i)')
  // an aggregate that also reads the subquery's own columns is computed per left row
  assert.deepEqual(await rows(db, 'SELECT * FROM integers t, LATERAL (SELECT max(t.i + range) FROM range(3)) ORDER BY 1'),
    [['1', '3'], ['2', '4'], ['3', '5'], [null, null]])
  assert.deepEqual(await rows(db, 'SELECT * FROM integers t JOIN LATERAL (SELECT count(*) AS c FROM range(3) WHERE range < t.i) ON true ORDER BY 1'),
    [['1', '1'], ['2', '2'], ['3', '3'], [null, '0']])
})

test('an outer join\'s ON may hold subqueries anywhere (PostgreSQL runs these; DuckDB refuses some)', async () => {
  const db = await setup()
  const count = async (on: string, type = 'LEFT'): Promise<string | null | undefined> =>
    (await rows(db, `SELECT count(*) FROM integers s1 ${type} JOIN integers s2 ON ${on}`))[0]?.[0]
  // no pair sums past 10: every left row once, unmatched
  assert.equal(await count('(SELECT CASE WHEN s1.i + s2.i > 10 THEN TRUE ELSE FALSE END)'), '4')
  // all nine pairs of 1..3 sum past 1, and each NULL row stays alone on its side
  assert.equal(await count('s1.i + s2.i > (SELECT 1)', 'FULL'), '11')
  assert.equal(await count('s1.i IN (SELECT s2.i)'), '4')
  assert.equal(await count('s1.i = (SELECT s2.i)'), '4')
  assert.equal(await count('(SELECT s1.i) < s2.i'), '5')
  assert.equal(await count('s1.i <> (SELECT s2.i)'), '7')
  assert.equal(await count('(SELECT s2.i > 1)'), '8')
  assert.equal(await count('(SELECT s1.i > 1)', 'RIGHT'), '8')
  assert.equal(await count('(SELECT s1.i + s2.i > 3)', 'INNER'), '6')
  assert.equal(await count('s1.i + s2.i > 3'), '7')
})

test('a LEFT JOIN LATERAL condition may be any test (PostgreSQL runs these; DuckDB refuses some)', async () => {
  const db = await setup()
  const lateral = 'SELECT count(*) FROM integers LEFT JOIN LATERAL (SELECT integers.i WHERE integers.i IN (1, 3)) t(b) ON '
  for (const on of ['i + b < b', 'i > 1', 'i = b', 'i + 1 = b', 'true', 'b IS NULL']) assert.deepEqual(await rows(db, lateral + on), [['4']], on)
  assert.deepEqual(await rows(db, 'SELECT i, b FROM integers LEFT JOIN LATERAL (SELECT integers.i WHERE integers.i IN (1, 3)) t(b) ON i > 1 ORDER BY i'),
    [['1', null], ['2', null], ['3', '3'], [null, null]])
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM integers JOIN LATERAL (SELECT integers.i WHERE integers.i IN (1, 3)) t(b) ON i + b < b'), [['0']])
})

test('an outer join inside a subquery may read the enclosing query in its ON (PostgreSQL runs it; DuckDB refuses)', async () => {
  const db = await setup()
  // a LEFT JOIN keeps every s1 row and each matches at most one s2 row: four rows for every outer row
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT count(*) FROM integers s1 LEFT JOIN integers s2 ON s1.i = s2.i AND s2.i < i1.i) FROM integers i1 ORDER BY i'),
    [['1', '4'], ['2', '4'], ['3', '4'], [null, '4']])
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT count(s2.i) FROM integers s1 LEFT JOIN integers s2 ON s1.i = s2.i AND s2.i < i1.i) FROM integers i1 ORDER BY i'),
    [['1', '0'], ['2', '1'], ['3', '2'], [null, '0']])
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT count(*) FROM integers s1 JOIN integers s2 ON s1.i = s2.i AND s1.i < i1.i) FROM integers i1 ORDER BY i'),
    [['1', '0'], ['2', '1'], ['3', '2'], [null, '0']])
})

test('a SELECT alias that is a GROUP BY key is visible to correlated subqueries', async () => {
  const db = await setup()
  await db.exec('CREATE TABLE p(id INTEGER); INSERT INTO p VALUES (1), (2), (10)')
  assert.deepEqual(await rows(db, 'SELECT i + 1 AS k, k IN (SELECT id + 1 FROM p), (SELECT max(id) + k FROM p) FROM integers GROUP BY k ORDER BY k'),
    [['2', 'true', '12'], ['3', 'true', '13'], ['4', 'false', '14'], [null, null, null]])
  // it is not a column of `*`, and an input column of the same name still wins
  assert.deepEqual(await rows(db, 'SELECT i + 1 AS k, * FROM integers WHERE i = 1 GROUP BY ALL'), [['2', '1']])
  const err = await db.query('SELECT i % 2 AS i, (SELECT i) FROM integers GROUP BY i').then(() => undefined, (e: unknown) => e)
  assert.equal(err, undefined)
  assert.deepEqual(await rows(db, 'SELECT i % 2 AS i, count(*) FROM integers GROUP BY i ORDER BY 1'), [['0', '1'], ['1', '1'], ['1', '1'], [null, '1']])
  // a name no group key has is still unknown in the subquery
  const unknown = await db.query('SELECT i + 1 AS k, (SELECT z) FROM integers GROUP BY k').then(() => undefined, (e: unknown) => e)
  assert.ok(unknown instanceof GrizzlyError && unknown.code === '42703')
})

test('read_csv type options take bare type names, also in a view joined with a column of that name', async () => {
  const db = await setup()
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-types-'))
  try {
    const file = join(dir, 'd.csv')
    await db.exec(`COPY (SELECT DATE '2000-01-01' AS dt, 7 AS n) TO '${file}'`)
    await db.exec(`CREATE VIEW v1 AS SELECT * FROM read_csv('${file}', columns = {'dt': date, 'n': varchar})`)
    const r = await db.query('SELECT * FROM (SELECT DATE \'1992-01-01\' AS date), v1')
    assert.deepEqual(r.columns.map(c => c.type), ['DATE', 'DATE', 'VARCHAR'])
    assert.deepEqual(r.textRows(), [['1992-01-01', '2000-01-01', '7']])
    assert.deepEqual((await db.query(`SELECT * FROM read_csv('${file}', types = [varchar, bigint])`)).textRows(), [['2000-01-01', '7']])
    const err = await db.query(`SELECT * FROM read_csv('${file}', columns = {'dt': nosuchtype})`).then(() => undefined, (e: unknown) => e)
    assert.ok(err instanceof GrizzlyError, 'an unknown type name is an error')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an aggregate of an outer column two subquery levels down belongs to that column\'s query', async () => {
  const db = await setup()
  assert.deepEqual(await rows(db, 'SELECT CASE WHEN 1 IN (SELECT (SELECT max(i))) THEN 2 ELSE NULL END FROM integers'), [[null]])
  assert.deepEqual(await rows(db, 'SELECT (SELECT (SELECT max(t.i))) FROM integers t'), [['3']])
  assert.deepEqual(await rows(db, 'SELECT (SELECT x FROM (SELECT max(t.i) AS x) s) FROM integers t'), [['3']])
  // reading a column of the level between makes it that level's aggregate, per outer row
  assert.deepEqual(await rows(db, 'SELECT i, (SELECT (SELECT max(t.i + s.x)) FROM (VALUES (1)) s(x)) FROM integers t ORDER BY i'),
    [['1', '2'], ['2', '3'], ['3', '4'], [null, null]])
  await refused(db, 'SELECT * FROM integers t, LATERAL (SELECT (SELECT max(t.i)))', '42803', 'max(t.i)')
})
