/**
 * Table samples: PostgreSQL's TABLESAMPLE BERNOULLI / SYSTEM (p) [REPEATABLE (seed)] and DuckDB's
 * USING SAMPLE (a percentage, or a reservoir of exactly min(n, rows) rows), on tables, subqueries
 * and joins; the same rows for the same seed; bad arguments refused with PostgreSQL's codes.
 * Percentage counts are checked within ±6 standard deviations, which chance never crosses in practice.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { formatQuery } from '../../core/parser/format.ts'
import { parse } from '../../core/parser/index.ts'

const N = 100_000

async function rows(db: Database, sql: string): Promise<unknown[][]> {
  return (await db.query(sql)).rows
}

async function count(db: Database, sql: string): Promise<number> {
  return Number((await rows(db, sql))[0]![0])
}

/** a binomial count of n draws with probability p, within six sigma */
function assertBinomial(actual: number, n: number, p: number, sql: string): void {
  const mean = n * p, bound = 6 * Math.sqrt(n * p * (1 - p))
  assert.ok(Math.abs(actual - mean) <= bound, `${sql}: ${actual} rows, expected ${mean} ± ${bound.toFixed(0)}`)
}

async function withTable<T>(f: (db: Database) => Promise<T>): Promise<T> {
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE t AS SELECT i, i % 10 AS g FROM range(${N}) r(i)`)
    return await f(db)
  } finally { await db.close() }
}

const ids = async (db: Database, sql: string): Promise<number[]> => (await rows(db, sql)).map(r => Number(r[0])).sort((a, b) => a - b)

test('percentages keep each row with that probability', () => withTable(async db => {
  for (const sql of [
    'SELECT count(*) FROM t TABLESAMPLE BERNOULLI (10)',
    'SELECT count(*) FROM t TABLESAMPLE SYSTEM (10)',
    'SELECT count(*) FROM t TABLESAMPLE BERNOULLI (10) REPEATABLE (7)',
    'SELECT count(*) FROM t USING SAMPLE 10%',
    'SELECT count(*) FROM t USING SAMPLE 10 PERCENT (bernoulli)',
    'SELECT count(*) FROM t USING SAMPLE 10% (system, 3)',
    'SELECT count(*) FROM t AS x TABLESAMPLE bernoulli(10%)',
  ]) assertBinomial(await count(db, sql), N, 0.1, sql)
  assertBinomial(await count(db, 'SELECT count(*) FROM t TABLESAMPLE BERNOULLI (2.5)'), N, 0.025, '2.5 percent')
  assert.equal(await count(db, 'SELECT count(*) FROM t TABLESAMPLE BERNOULLI (0)'), 0)
  assert.equal(await count(db, 'SELECT count(*) FROM t TABLESAMPLE SYSTEM (100)'), N)
  // a reservoir of a percentage is exactly that share of the rows
  assert.equal(await count(db, 'SELECT count(*) FROM t USING SAMPLE reservoir(10%)'), N / 10)
}))

test('row samples keep exactly min(n, rows) distinct rows of the table', () => withTable(async db => {
  for (const sql of ['SELECT i FROM t USING SAMPLE 5', 'SELECT i FROM t USING SAMPLE 5 ROWS', 'SELECT i FROM t TABLESAMPLE reservoir(5 ROWS)']) {
    const got = await ids(db, sql)
    assert.equal(got.length, 5, sql)
    assert.equal(new Set(got).size, 5, sql)
    assert.ok(got.every(i => Number.isInteger(i) && i >= 0 && i < N), sql)
  }
  assert.equal(await count(db, 'SELECT count(*) FROM t USING SAMPLE 0'), 0)
  await db.exec('CREATE TABLE small AS SELECT * FROM (VALUES (1), (2), (3)) v(x)')
  assert.deepEqual(await ids(db, 'SELECT x FROM small USING SAMPLE 10'), [1, 2, 3])
  // a reservoir is uniform: over 400 draws of 1 row from 4, each row comes up (P(miss) ≈ 4·0.75^400)
  await db.exec('CREATE TABLE four AS SELECT * FROM range(4) r(x)')
  const seen = new Set<number>()
  for (let k = 0; k < 400 && seen.size < 4; k++) for (const x of await ids(db, 'SELECT x FROM four USING SAMPLE 1')) seen.add(x)
  assert.equal(seen.size, 4)
}))

test('REPEATABLE gives the same rows for the same seed and data, other rows for another seed', async () => {
  const [a, b, c, bern, bernAgain, bernOther] = await withTable(async db => [
    await ids(db, 'SELECT i FROM t USING SAMPLE reservoir(5 ROWS) REPEATABLE (42)'),
    await ids(db, 'SELECT i FROM t USING SAMPLE reservoir(5 ROWS) REPEATABLE (42)'),
    await ids(db, 'SELECT i FROM t USING SAMPLE reservoir(5 ROWS) REPEATABLE (43)'),
    await ids(db, 'SELECT i FROM t TABLESAMPLE BERNOULLI (1) REPEATABLE (1)'),
    await ids(db, 'SELECT i FROM t TABLESAMPLE BERNOULLI (1) REPEATABLE (1)'),
    await ids(db, 'SELECT i FROM t TABLESAMPLE BERNOULLI (1) REPEATABLE (2)'),
  ])
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, c)
  assert.deepEqual(bern, bernAgain)
  assert.notDeepEqual(bern, bernOther)
  // another database with the same data draws the same rows
  assert.deepEqual(await withTable(db => ids(db, 'SELECT i FROM t USING SAMPLE reservoir(5 ROWS) REPEATABLE (42)')), a)
  // a filter above the sample is applied to the sampled rows, it does not change which rows are drawn
  const filtered = await withTable(db => ids(db, 'SELECT i FROM (SELECT * FROM t TABLESAMPLE BERNOULLI (1) REPEATABLE (1)) s WHERE g = 3'))
  assert.deepEqual(filtered, bern.filter(i => i % 10 === 3))
})

test('setseed (SET seed in sqllogictest) makes unseeded samples reproducible', () => withTable(async db => {
  await db.query('SELECT setseed(0.1)')
  const first = await ids(db, 'SELECT i FROM t USING SAMPLE 5')
  await db.query('SELECT setseed(0.1)')
  assert.deepEqual(await ids(db, 'SELECT i FROM t USING SAMPLE 5'), first)
  await db.query('SELECT setseed(0.1)')
  const bern = await ids(db, 'SELECT i FROM t TABLESAMPLE BERNOULLI (1)')
  await db.query('SELECT setseed(0.1)')
  assert.deepEqual(await ids(db, 'SELECT i FROM t TABLESAMPLE BERNOULLI (1)'), bern)
}))

test('samples of subqueries, joins and the whole FROM clause', () => withTable(async db => {
  assertBinomial(await count(db, 'SELECT count(*) FROM (SELECT * FROM t WHERE g < 5) s TABLESAMPLE BERNOULLI (20)'), N / 2, 0.2, 'subquery')
  assert.equal(await count(db, 'SELECT count(*) FROM (SELECT * FROM t WHERE g = 1) TABLESAMPLE reservoir(7 ROWS) REPEATABLE (5)'), 7)
  // DuckDB: USING SAMPLE after the whole SELECT samples the FROM clause's rows (joins included), before WHERE
  assert.equal(await count(db, 'SELECT count(*) FROM t a JOIN t b USING (i) USING SAMPLE 7'), 7)
  assertBinomial(await count(db, 'SELECT count(*) FROM t a JOIN t b ON a.i = b.i USING SAMPLE 10% (bernoulli, 9)'), N, 0.1, 'join')
  assertBinomial(await count(db, 'SELECT count(*) FROM t WHERE g = 1 USING SAMPLE 10%'), N, 0.01, 'sample before WHERE')
  assert.ok(await count(db, 'SELECT count(*) FROM t WHERE g = 1 USING SAMPLE 5') <= 5)
  const joined = await rows(db, 'SELECT a.i, b.i FROM t a JOIN t b ON a.i = b.i USING SAMPLE reservoir(3 ROWS) REPEATABLE (1)')
  assert.equal(joined.length, 3)
  assert.ok(joined.every(r => r[0] === r[1]))
  // a view keeps its sample
  await db.exec('CREATE VIEW five AS SELECT i FROM t USING SAMPLE 5')
  assert.equal(await count(db, 'SELECT count(*) FROM five'), 5)
  // the hidden rowid stays hidden
  assert.deepEqual((await db.query('SELECT * FROM t TABLESAMPLE BERNOULLI (1)')).columns.map(c => c.name), ['i', 'g'])
}))

test('EXPLAIN shows the sample, with filters above it', () => withTable(async db => {
  const plan = (await rows(db, 'EXPLAIN SELECT * FROM t TABLESAMPLE BERNOULLI (10) REPEATABLE (7) WHERE g = 1')).map(r => String(r[1])).join('\n')
  assert.match(plan, /FILTER \(g = 1\)\n\s+FILTER \(tablesample_hash\(7, rowid\) < 0\.1\)\n\s+TABLE_SCAN t/)
  const rowsPlan = (await rows(db, 'EXPLAIN SELECT * FROM t USING SAMPLE 5')).map(r => String(r[1])).join('\n')
  assert.match(rowsPlan, /TOP_N tablesample_random\(\) LIMIT 5/)
}))

test('bad sample arguments are refused with PostgreSQL\'s codes and a hint', () => withTable(async db => {
  const cases: [string, string][] = [
    ['SELECT * FROM t TABLESAMPLE BERNOULLI (101)', '2202H'],
    ['SELECT * FROM t TABLESAMPLE SYSTEM (-1)', '2202H'],
    ['SELECT * FROM t USING SAMPLE 100.5%', '2202H'],
    ['SELECT * FROM t USING SAMPLE -5', '2202H'],
    ['SELECT * FROM t USING SAMPLE -5 ROWS', '2202H'],
    ['SELECT * FROM t USING SAMPLE 2.5 ROWS', '2202H'],
    ['SELECT * FROM t TABLESAMPLE foo (10)', '42704'],
    ['SELECT * FROM t USING SAMPLE 10% (bogus)', '42704'],
    ['SELECT * FROM t TABLESAMPLE BERNOULLI (NULL)', '2202H'],
    ['SELECT * FROM t USING SAMPLE NULL', '2202H'],
    ['SELECT * FROM t TABLESAMPLE BERNOULLI (10) REPEATABLE (NULL)', '2202H'],
    ["SELECT * FROM t TABLESAMPLE BERNOULLI ('x')", '42804'],
    ['SELECT * FROM t USING SAMPLE bernoulli(5 ROWS)', '2202H'],
    ['SELECT * FROM t TABLESAMPLE BERNOULLI (random())', '0A000'],
    ['SELECT * FROM t TABLESAMPLE BERNOULLI (10) REPEATABLE (i)', '42703'],
  ]
  for (const [sql, code] of cases) {
    await assert.rejects(db.query(sql), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError, sql)
      assert.equal(e.code, code, `${sql}: ${e.message}`)
      assert.ok(typeof e.hint === 'string' && e.hint.length > 0, `${sql}: no hint`)
      return true
    })
  }
}))

test('samples print back as SQL that reads the same (view definitions)', () => {
  for (const [sql, printed] of <[string, string][]>[
    ['SELECT * FROM t AS x TABLESAMPLE BERNOULLI (10) REPEATABLE (1)', 'SELECT * FROM "t" AS "x" TABLESAMPLE bernoulli(10) REPEATABLE (1)'],
    ['SELECT * FROM t WHERE a USING SAMPLE 10% (system, 3)', 'SELECT * FROM "t" WHERE "a" USING SAMPLE system(10 PERCENT) REPEATABLE (3)'],
    ['SELECT * FROM (SELECT 1) s TABLESAMPLE 5', 'SELECT * FROM (SELECT 1) AS "s" TABLESAMPLE 5'],
  ]) {
    const statement = parse(sql)[0]!
    assert.equal(statement.kind, 'query_statement')
    const text = statement.kind === 'query_statement' ? formatQuery(statement.query) : ''
    assert.equal(text, printed)
    const again = parse(text)[0]!
    assert.equal(again.kind === 'query_statement' ? formatQuery(again.query) : '', printed)
  }
})
