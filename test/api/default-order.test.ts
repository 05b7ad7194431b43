import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { fails } from '../expect-error.ts'

// SET default_order = 'desc' turns every sort that names no direction around (DuckDB): ORDER BY
// items, ORDER BY ALL / *, ORDER BY inside aggregates and window specs, list_sort; ASC / DESC as
// written win, and default_null_order applies to the direction that results.

async function rows(db: Database, sql: string): Promise<unknown[][]> {
  return (await db.query(sql)).rows
}

const T = '(VALUES (1), (3), (NULL), (2)) t(x)'

test('ORDER BY without ASC/DESC follows default_order; explicit directions win', async () => {
  const db = await Database.open()
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x`), [[1], [2], [3], [null]])
  await db.query("SET default_order = 'desc'")
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x`), [[3], [2], [1], [null]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x ASC`), [[1], [2], [3], [null]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x DESC`), [[3], [2], [1], [null]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY ALL`), [[3], [2], [1], [null]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY ALL ASC`), [[1], [2], [3], [null]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY *`), [[3], [2], [1], [null]])
  assert.deepEqual(await rows(db, 'SELECT x FROM (VALUES (1), (3)) t(x) UNION ALL SELECT 2 ORDER BY 1'), [[3], [2], [1]])
  assert.deepEqual(await rows(db, 'SELECT a, b FROM (VALUES (1, 1), (1, 2), (2, 1)) t(a, b) ORDER BY a ASC, b'), [[1, 2], [1, 1], [2, 1]])
  await db.query("SET default_order = 'ASCENDING'")
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x`), [[1], [2], [3], [null]])
  await db.query("SET default_order = 'Descending'")
  assert.deepEqual(await rows(db, "SELECT current_setting('default_order')"), [['desc']])
  await db.query('RESET default_order')
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x`), [[1], [2], [3], [null]])
  await db.close()
})

test('ORDER BY inside aggregates and window specs, and quantiles, follow default_order', async () => {
  const db = await Database.open()
  await db.query("SET default_order = 'desc'")
  assert.deepEqual(await rows(db, `SELECT list(x ORDER BY x), string_agg(x::VARCHAR, ',' ORDER BY x), string_agg(x::VARCHAR, ',' ORDER BY x ASC) FROM ${T}`),
    [[[3, 2, 1, null], '3,2,1', '1,2,3']])
  assert.deepEqual(await rows(db, `SELECT x, row_number() OVER (ORDER BY x) FROM ${T} ORDER BY x`),
    [[3, 1n], [2, 2n], [1, 3n], [null, 4n]])
  assert.deepEqual(await rows(db, 'SELECT x, first_value(x ORDER BY x) OVER (), lead(x ORDER BY x) OVER () FROM (VALUES (1), (3), (2)) t(x) ORDER BY x ASC'),
    [[1, 3, null], [2, 3, 1], [3, 3, 2]])
  assert.deepEqual(await rows(db, 'SELECT x, sum(x) OVER w FROM (VALUES (1), (3), (2)) t(x) WINDOW w AS (ORDER BY x) ORDER BY x ASC'),
    [[1, 6n], [2, 5n], [3, 3n]])
  // a quantile over a descending order counts from the top
  assert.deepEqual(await rows(db, 'SELECT quantile_disc(x, 0.25 ORDER BY x), percentile_disc(0.25) WITHIN GROUP (ORDER BY x) FROM (VALUES (1), (3), (2), (4)) t(x)'),
    [[4, 4]])
  await db.close()
})

test('default_null_order applies to the resolved direction', async () => {
  const db = await Database.open()
  await db.query("SET default_order = 'desc'")
  await db.query("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x`), [[3], [2], [1], [null]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x ASC`), [[null], [1], [2], [3]])
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x NULLS FIRST`), [[null], [3], [2], [1]])
  await db.query("SET default_null_order = 'nulls_first'")
  assert.deepEqual(await rows(db, `SELECT x FROM ${T} ORDER BY x`), [[null], [3], [2], [1]])
  await db.close()
})

test('list_sort and list_reverse_sort read default_order and default_null_order', async () => {
  const db = await Database.open()
  const sql = "SELECT list_sort([1, 3, NULL, 2]), list_reverse_sort([1, 3, NULL, 2]), list_sort([1, 3, NULL, 2], 'ASC'), list_reverse_sort([1, 3, NULL, 2], 'NULLS FIRST')"
  assert.deepEqual(await rows(db, sql), [[[1, 2, 3, null], [3, 2, 1, null], [1, 2, 3, null], [null, 3, 2, 1]]])
  await db.query("SET default_order = 'desc'")
  // the reverse sort flips whatever order is in force
  assert.deepEqual(await rows(db, sql), [[[3, 2, 1, null], [1, 2, 3, null], [1, 2, 3, null], [null, 1, 2, 3]]])
  await db.query("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
  assert.deepEqual(await rows(db, sql), [[[3, 2, 1, null], [null, 1, 2, 3], [null, 1, 2, 3], [null, 1, 2, 3]]])
  await fails(() => db.query("SELECT list_sort([1, 2], 'UP')"), '22023', /sort order must be 'ASC' or 'DESC'/, false)
  await fails(() => db.query("SELECT list_reverse_sort([1, 2], 'DESC')"), '22023', /null order must be 'NULLS FIRST' or 'NULLS LAST'/, false)
  await fails(() => db.query("SELECT list_reverse_sort([1, 2], 'NULLS FIRST', 'x')"), '42883', /list_reverse_sort/)
  await db.close()
})

test('views and prepared statements sort by the setting in force when they run', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (2), (1), (3)')
  await db.query('CREATE VIEW v AS SELECT x FROM t ORDER BY x')
  await db.query('CREATE VIEW w AS SELECT x FROM t ORDER BY x ASC')
  const s = await db.prepare('SELECT x FROM t ORDER BY x')
  assert.deepEqual((await s.query([])).rows, [[1], [2], [3]])
  await db.query("SET default_order = 'desc'")
  assert.deepEqual(await rows(db, 'SELECT * FROM v'), [[3], [2], [1]])
  assert.deepEqual(await rows(db, 'SELECT * FROM w'), [[1], [2], [3]])
  assert.deepEqual((await s.query([])).rows, [[3], [2], [1]])
  s.close()
  await db.close()
})

test('a bad default_order is refused with 22023 and a hint naming the accepted values', async () => {
  const db = await Database.open()
  const e = await fails(() => db.query("SET default_order = 'up'"), '22023', /default_order/)
  assert.match(e.hint ?? '', /'asc', 'desc'/)
  await fails(() => db.query('SET default_order = 1'), '22023', /default_order/)
  await fails(() => db.query("SET default_order = 'descc'"), '22023', /default_order/)
  // the failed SET left the setting alone
  assert.deepEqual(await rows(db, 'SELECT x FROM (VALUES (2), (1)) t(x) ORDER BY x'), [[1], [2]])
  await db.close()
})
