import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { fails } from '../expect-error.ts'

// TIMESTAMP_S and TIMESTAMP_MS are types of their own (DuckDB's): microseconds like TIMESTAMP,
// rounded half away from zero to whole seconds / milliseconds by every cast to them.

async function text(db: Database, sql: string): Promise<(string | null)[][]> {
  return (await db.query(sql)).textRows()
}

test('casts to TIMESTAMP_S / TIMESTAMP_MS round half away from zero, from text, TIMESTAMP, TIMESTAMPTZ and DATE', async () => {
  const db = await Database.open()
  assert.deepEqual(await text(db, `SELECT '2024-05-10 11:06:33.446'::TIMESTAMP_S, '2024-05-10 11:06:33.846'::TIMESTAMP_S,
    '2024-05-10 11:06:33.123446'::TIMESTAMP_MS, '2024-05-10 11:06:33.123846'::TIMESTAMP_MS`),
  [['2024-05-10 11:06:33', '2024-05-10 11:06:34', '2024-05-10 11:06:33.123', '2024-05-10 11:06:33.124']])
  // before 1970 and before year 1 the tie still goes away from zero (DuckDB)
  assert.deepEqual(await text(db, `SELECT TIMESTAMP '1969-12-31 23:59:59.5'::TIMESTAMP_S, '1969-12-31 23:59:59.4995'::TIMESTAMP_MS,
    '1969-12-31 23:59:59.7'::TIMESTAMP_S, '0044-03-15 (BC) 10:00:00.7'::TIMESTAMP_S`),
  [['1969-12-31 23:59:59', '1969-12-31 23:59:59.499', '1970-01-01 00:00:00', '0044-03-15 (BC) 10:00:01']])
  assert.deepEqual(await text(db, `SELECT TIMESTAMPTZ '2024-01-01 10:00:00.6+00'::TIMESTAMP_S, DATE '1992-01-01'::TIMESTAMP_MS,
    TIMESTAMP 'infinity'::TIMESTAMP_S, '-infinity'::TIMESTAMP_MS, TIMESTAMP_S '2024-01-01 10:00:00.7'`),
  [['2024-01-01 10:00:01', '1992-01-01 00:00:00', 'infinity', '-infinity', '2024-01-01 10:00:01']])
  assert.deepEqual(await text(db, `SELECT '2023-12-08 08:51:39.123456'::TIMESTAMP_MS::TIME, '2023-12-08 08:51:39.5'::TIMESTAMP_S::TIME`),
    [['08:51:39.123', '08:51:40']])
  await db.close()
})

test('columns of TIMESTAMP_S / TIMESTAMP_MS keep their type, round what is stored, and work wherever TIMESTAMP does', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (s TIMESTAMP_S, m TIMESTAMP_MS, u TIMESTAMP);
    INSERT INTO t VALUES ('2024-05-10 11:06:33.5', '2024-05-10 11:06:33.1235', '2024-05-10 11:06:33.1235')`)
  assert.deepEqual((await db.query('DESCRIBE t')).rows.map(r => r[1]), ['TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP'])
  assert.deepEqual(await text(db, `SELECT s, m, typeof(s), typeof(m), year(s), date_trunc('minute', m), s + INTERVAL 1 second,
    s < u, m - u, epoch_ms(m) FROM t`),
  [['2024-05-10 11:06:34', '2024-05-10 11:06:33.124', 'TIMESTAMP_S', 'TIMESTAMP_MS', '2024', '2024-05-10 11:06:00',
    '2024-05-10 11:06:35', 'false', '00:00:00.0005', '1715339193124']])
  assert.deepEqual(await text(db, 'SELECT typeof(min(s)), max(m) FROM t'), [['TIMESTAMP_S', '2024-05-10 11:06:33.124']])
  // a value just before 1970 that rounds to the epoch groups with the epoch itself
  assert.deepEqual(await text(db, `SELECT count(DISTINCT x::TIMESTAMP_S) FROM (VALUES (TIMESTAMP '1969-12-31 23:59:59.9'), (TIMESTAMP '1970-01-01')) v(x)`),
    [['1']])
  // mixed units meet at the finer one
  assert.deepEqual(await text(db, `SELECT typeof([s, m]), typeof([m, u]), typeof([s, DATE '2024-01-01']) FROM t`),
    [['TIMESTAMP_MS[]', 'TIMESTAMP[]', 'TIMESTAMP[]']])
  const r = await db.query('SELECT s FROM t UNION ALL SELECT u FROM t')
  assert.equal(r.columns[0]!.type, 'TIMESTAMP')
  assert.deepEqual(r.textRows(), [['2024-05-10 11:06:34'], ['2024-05-10 11:06:33.1235']])
  await db.close()
})

test('bad input to TIMESTAMP_S / TIMESTAMP_MS, and infinite timestamps to TIME, fail with a hint', async () => {
  const db = await Database.open()
  await fails(() => db.query(`SELECT 'abc'::TIMESTAMP_S`), '22007', /invalid input syntax for type TIMESTAMP/)
  assert.deepEqual(await text(db, `SELECT TRY_CAST('abc' AS TIMESTAMP_MS)`), [[null]])
  await fails(() => db.query(`SELECT '2024-01-01'::TIMESTAMP_S(3)`), '42601', /TIMESTAMP_S does not take parameters/)
  await fails(() => db.query(`SELECT 1700000000::TIMESTAMP_MS`), '42846', /cannot cast INTEGER to TIMESTAMP_MS/)
  await fails(() => db.query(`SELECT TIMESTAMP 'infinity'::TIME`), '22008', /cannot cast infinity to TIME/)
  await fails(() => db.query(`SELECT '-infinity'::TIMESTAMP_MS::TIME`), '22008', /cannot cast -infinity to TIME/)
  assert.deepEqual(await text(db, `SELECT TRY_CAST(TIMESTAMP 'infinity' AS TIME)`), [[null]])
  await db.close()
})
