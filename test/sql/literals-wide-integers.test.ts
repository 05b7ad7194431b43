import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../index.ts'
import { formatJson, formatTable } from '../../cli/format.ts'
import { fails } from '../expect-error.ts'

// Integer literals take the smallest of INTEGER, BIGINT, HUGEINT that holds them (DuckDB), and a
// HUGEINT reaches the user exactly: a bigint in rows, its digits in text, the CLI and Arrow.

const MAX = 170141183460469231731687303715884105727n
const MIN = -MAX - 1n

async function one(db: Database, sql: string, params?: unknown[]): Promise<unknown[]> {
  return (await db.query(sql, params)).rows[0]!
}

test('an integer literal is typed by the smallest type that holds it; past HUGEINT it is a DOUBLE', async () => {
  const db = await Database.open()
  const cases: [string, string][] = [
    ['2147483647', 'INTEGER'], ['-2147483647', 'INTEGER'], ['2147483648', 'BIGINT'],
    // the sign is folded in, but as in DuckDB only digits that fit INTEGER on their own make one
    ['-2147483648', 'BIGINT'], ['-(2147483648)', 'BIGINT'],
    ['9223372036854775807', 'BIGINT'], ['-9223372036854775808', 'BIGINT'],
    ['9223372036854775808', 'HUGEINT'], ['-9223372036854775809', 'HUGEINT'],
    ['99999999999999999999999999999999999999', 'HUGEINT'], ['100000000000000000000000000000000000000', 'HUGEINT'],
    [String(MAX), 'HUGEINT'], [String(MIN), 'HUGEINT'], ['1_000_000_000_000_000_000_000', 'HUGEINT'],
    [String(MAX + 1n), 'DOUBLE'], [String(MIN - 1n), 'DOUBLE'],
  ]
  for (const [literal, type] of cases) {
    assert.deepEqual(await one(db, `SELECT typeof(${literal})`), [type], literal)
  }
  await db.close()
})

test('HUGEINT values come back exactly: rows, text, objects, Arrow, parameters', async () => {
  const db = await Database.open()
  const r = await db.query(`SELECT 9223372036854775808 AS a, ${MAX} AS b, ${MIN} AS c, -9223372036854775808 AS d`)
  assert.deepEqual(r.columns.map(c => c.type), ['HUGEINT', 'HUGEINT', 'HUGEINT', 'BIGINT'])
  assert.deepEqual(r.rows, [[9223372036854775808n, MAX, MIN, -9223372036854775808n]])
  assert.deepEqual(r.textRows(), [['9223372036854775808', String(MAX), String(MIN), '-9223372036854775808']])
  assert.deepEqual(r.toObjects(), [{ a: 9223372036854775808n, b: MAX, c: MIN, d: -9223372036854775808n }])
  const arrow = r.toArrow()
  assert.equal(String(arrow.getChild('b')?.type), 'Decimal[38e0]')
  assert.equal(String(arrow.getChild('b')?.get(0)), String(MAX))
  // a bigint parameter beyond BIGINT binds as a HUGEINT; beyond HUGEINT it is refused
  assert.deepEqual(await one(db, 'SELECT $1 + 1, typeof($1)', [9223372036854775808n]), [9223372036854775809n, 'HUGEINT'])
  assert.deepEqual(await one(db, 'SELECT ?::HUGEINT', [MAX]), [MAX])
  await fails(() => db.query('SELECT $1', [MAX + 1n]), '22003', /beyond HUGEINT's range/)
  await db.close()
})

test('the CLI prints HUGEINTs exactly, right-aligned, and as JSON numbers', async () => {
  const db = await Database.open()
  const r = await db.query(`SELECT ${MAX} AS h, 1 AS i`)
  assert.match(formatTable(r, 40, 80), new RegExp(`│ ${MAX} │ +1 │`))
  assert.equal(formatJson(r), `[{"h":${MAX},"i":1}]`)
  await db.close()
})

test('arithmetic on HUGEINTs is exact and overflow past ±2^127 is 22003 with a hint', async () => {
  const db = await Database.open()
  assert.deepEqual(await one(db, 'SELECT 9223372036854775808 + 1, typeof(9223372036854775808 + 1)'), [9223372036854775809n, 'HUGEINT'])
  assert.deepEqual(await one(db, `SELECT ${MAX} - 1, ${MIN} + 1, 9223372036854775808 * 2, -9223372036854775809 + 1`),
    [MAX - 1n, MIN + 1n, 18446744073709551616n, -9223372036854775808n])
  // two BIGINT literals stay BIGINT arithmetic, and overflow there as in DuckDB
  await fails(() => db.query('SELECT 9223372036854775807 + 1'), '22003', /Overflow in addition of BIGINT/)
  assert.deepEqual(await one(db, `SELECT ${MAX} // 10, ${MAX} % 10, -(9223372036854775808), abs(${MIN + 1n}), sign(-9223372036854775809)`),
    [MAX / 10n, 7n, -9223372036854775808n, MAX, -1])
  // / is DOUBLE division; // and % by zero give NULL as for every integer type
  assert.deepEqual(await one(db, 'SELECT 10::HUGEINT / 4, 1::HUGEINT // 0, 1::HUGEINT % 0'), [2.5, null, null])
  await db.query('SET integer_division = true')
  assert.deepEqual(await one(db, 'SELECT 7::HUGEINT / 2, 9223372036854775809 / 2'), [3n, 4611686018427387904n])
  await db.query('RESET integer_division')
  // a DECIMAL operand makes the result a DECIMAL (HUGEINT counts as DECIMAL(38,0))
  assert.deepEqual(await one(db, 'SELECT typeof(9223372036854775808 * 2.5), typeof(9223372036854775808 + 1.5::DOUBLE)'), ['DECIMAL(38,1)', 'DOUBLE'])
  for (const sql of [`SELECT ${MAX} + 1`, `SELECT ${MIN} - 1`, 'SELECT 9223372036854775808 * 18446744073709551616',
    `SELECT -x FROM (SELECT ${MIN} AS x)`, `SELECT abs(${MIN})`, `SELECT ${MIN} // -1`]) {
    const e = await fails(() => db.query(sql), '22003', /Overflow in \w+ of HUGEINT/)
    assert.match(e.hint ?? '', /2\^127/)
  }
  assert.deepEqual(await one(db, 'SELECT factorial(33), typeof(factorial(5))'), [8683317618811886495518194401280000000n, 'HUGEINT'])
  assert.deepEqual(await one(db, 'SELECT 9223372036854775808 & 12, 9223372036854775808 | 1, xor(9223372036854775808, 9223372036854775809), ~9223372036854775808'),
    [0n, 9223372036854775809n, 1n, -9223372036854775809n])
  assert.deepEqual(await one(db, 'SELECT 1::HUGEINT << 126, 9223372036854775808 >> 3, -9223372036854775809 >> 200'),
    [2n ** 126n, 2n ** 60n, 0n])
  for (const sql of ['SELECT 1::HUGEINT << 127', 'SELECT 1::HUGEINT << 128', 'SELECT 3::HUGEINT << -1']) {
    await fails(() => db.query(sql), '22003', /Overflow in left shift of HUGEINT/)
  }
  await db.close()
})

test('HUGEINT meets BIGINT columns in comparisons, joins, grouping, sorting and sums', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (id INTEGER, b BIGINT, h HUGEINT);
    INSERT INTO t VALUES (1, 9223372036854775807, ${MAX}), (2, -5, ${MIN}), (3, NULL, 9223372036854775808), (4, 7, 7)`)
  const ids = async (sql: string) => (await db.query(sql)).rows.map(r => r[0])
  assert.deepEqual(await ids('SELECT id FROM t WHERE b < 9223372036854775808 ORDER BY id'), [1, 2, 4])
  assert.deepEqual(await ids('SELECT id FROM t WHERE b = h'), [4])
  assert.deepEqual(await ids('SELECT id FROM t WHERE h > b ORDER BY id'), [1])
  assert.deepEqual(await ids('SELECT id FROM t WHERE h = 9223372036854775808'), [3])
  assert.deepEqual(await ids('SELECT id FROM t ORDER BY h DESC'), [1, 3, 4, 2])
  assert.deepEqual(await ids('SELECT x.id FROM t x JOIN t y ON x.h = y.b ORDER BY 1'), [4])
  assert.deepEqual((await db.query('SELECT h, count(*) FROM (SELECT h FROM t UNION ALL SELECT h FROM t) GROUP BY h ORDER BY h')).rows,
    [[MIN, 2n], [7n, 2n], [9223372036854775808n, 2n], [MAX, 2n]])
  assert.deepEqual(await one(db, 'SELECT sum(h), typeof(sum(h)), min(h), max(h) FROM t WHERE id > 1'),
    [MIN + 9223372036854775808n + 7n, 'HUGEINT', MIN, 9223372036854775808n])
  await fails(() => db.query('SELECT sum(h) FROM t WHERE id <> 2'), '22003', /Overflow in sum of HUGEINT/)
  assert.deepEqual(await one(db, 'SELECT b + 9223372036854775808 FROM t WHERE id = 1'), [18446744073709551615n])
  await db.close()
})

test("CAST to and from HUGEINT covers its whole range; what does not fit is 22003, bad text 22P02", async () => {
  const db = await Database.open()
  assert.deepEqual(await one(db, `SELECT CAST('${MAX}' AS HUGEINT), CAST('${MIN}' AS INT128), CAST(' 42 ' AS HUGEINT)`), [MAX, MIN, 42n])
  assert.deepEqual(await one(db, 'SELECT CAST(12.5 AS HUGEINT), CAST(-2.5::DOUBLE AS HUGEINT), CAST(1e30 AS HUGEINT), CAST(true AS HUGEINT)'),
    [13n, -2n, 1000000000000000019884624838656n, 1n])
  assert.deepEqual(await one(db, `SELECT CAST(${MAX} AS DOUBLE), CAST(9223372036854775808 AS DECIMAL(38,0)), CAST(7::HUGEINT AS TINYINT)`),
    [1.7014118346046923e+38, 9223372036854776000, 7])
  assert.deepEqual(await one(db, `SELECT TRY_CAST('${MAX + 1n}' AS HUGEINT), TRY_CAST(9223372036854775808 AS BIGINT)`), [null, null])
  let e = await fails(() => db.query(`SELECT CAST('${MAX + 1n}' AS HUGEINT)`), '22003', /out of range for type HUGEINT/)
  assert.match(e.hint ?? '', new RegExp(String(MAX)))
  await fails(() => db.query('SELECT CAST(9223372036854775808 AS BIGINT)'), '22003', /cannot cast HUGEINT value 9223372036854775808 to BIGINT/)
  await fails(() => db.query(`SELECT CAST(${MAX} AS DECIMAL(38,0))`), '22003', /DECIMAL\(38,0\)/)
  await fails(() => db.query('SELECT CAST(1e39 AS HUGEINT)'), '22003', /to HUGEINT: out of range/)
  e = await fails(() => db.query("SELECT CAST('12x' AS HUGEINT)"), '22P02', /invalid input syntax for type HUGEINT/)
  assert.match(e.hint ?? '', /whole number/)
  await db.close()
})

test('HUGEINT columns survive a database file, its WAL, CSV and JSON', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-hugeint-'))
  try {
    const path = join(dir, 'h.grz')
    let db = await Database.open(path)
    await db.exec(`CREATE TABLE t (id INTEGER, h HUGEINT); INSERT INTO t VALUES (1, ${MAX}), (2, NULL); CHECKPOINT;
      INSERT INTO t VALUES (3, ${MIN})`)
    await db.close()
    db = await Database.open(path)
    assert.deepEqual((await db.query('SELECT * FROM t ORDER BY id')).rows, [[1, MAX], [2, null], [3, MIN]])
    assert.deepEqual((await db.query('DESCRIBE t')).rows.map(r => r[1]), ['INTEGER', 'HUGEINT'])
    await db.query(`COPY t TO '${join(dir, 't.csv')}'`)
    await db.query(`COPY t TO '${join(dir, 't.json')}'`)
    await db.exec(`CREATE TABLE u (id INTEGER, h HUGEINT); COPY u FROM '${join(dir, 't.csv')}'`)
    assert.deepEqual((await db.query('SELECT * FROM u ORDER BY id')).rows, [[1, MAX], [2, null], [3, MIN]])
    // JSON numbers, unquoted, as DuckDB writes them
    assert.match(readFileSync(join(dir, 't.json'), 'utf8'), new RegExp(`"h":${MAX}}`))
    await db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
