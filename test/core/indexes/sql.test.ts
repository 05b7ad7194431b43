import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, type Connection } from '../../../core/database.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import * as arrow from 'apache-arrow'

type Runner = Database | Connection

async function rows(db: Runner, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  return (await db.query(sql, params)).rows as unknown[][]
}

async function plan(db: Runner, sql: string): Promise<string> {
  const r = await db.query(`EXPLAIN ${sql}`)
  return String((r.rows as unknown[][])[0]![1])
}

async function fails(db: Runner, sql: string, code: string, message?: RegExp): Promise<GrizzlyError> {
  try {
    await db.query(sql)
  } catch (e) {
    assert.ok(e instanceof GrizzlyError, `${sql}: ${String(e)}`)
    assert.equal(e.code, code, `${sql}: ${e.message}`)
    if (message !== undefined) assert.match(e.message, message)
    return e
  }
  assert.fail(`${sql} should fail with ${code}`)
}

/** the same query with and without the index_scan rule */
async function bothWays(db: Runner, sql: string, params: unknown[] = []): Promise<unknown[][]> {
  await db.query(`SET disabled_optimizers = ''`)
  const withIndex = await rows(db, sql, params)
  await db.query(`SET disabled_optimizers = 'index_scan'`)
  const without = await rows(db, sql, params)
  await db.query(`SET disabled_optimizers = ''`)
  assert.deepEqual(withIndex, without, sql)
  return withIndex
}

test('CREATE INDEX builds over existing rows; queries use it; DROP INDEX removes it', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (id INTEGER, name VARCHAR, score DOUBLE);
    INSERT INTO t SELECT i, 'n' || (i % 50), (i % 97) * 0.5 FROM range(5000) r(i)`)
  await db.query('CREATE INDEX t_id ON t (id)')
  assert.match(await plan(db, 'SELECT * FROM t WHERE id = 42'), /INDEX_SCAN t USING t_id/)
  assert.deepEqual(await bothWays(db, 'SELECT id, name FROM t WHERE id = 42'), [[42, 'n42']])
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE id BETWEEN 100 AND 199'), [[100n]])
  assert.match(await plan(db, 'SELECT * FROM t WHERE id IN (3, 1, 3, NULL)'), /INDEX_SCAN t USING t_id/)
  assert.deepEqual(await bothWays(db, 'SELECT id FROM t WHERE id IN (3, 1, 3, NULL, -7)'), [[1], [3]])
  assert.deepEqual(await bothWays(db, 'SELECT id FROM t WHERE id = 4 OR id = 2'), [[2], [4]])
  assert.deepEqual(await bothWays(db, 'SELECT id FROM t WHERE id = NULL'), [])
  // not selective: the plain scan stays
  assert.match(await plan(db, 'SELECT * FROM t WHERE id > 10'), /TABLE_SCAN/)
  await db.query('DROP INDEX t_id')
  assert.match(await plan(db, 'SELECT * FROM t WHERE id = 42'), /TABLE_SCAN/)
  await fails(db, 'DROP INDEX t_id', '42704')
  await db.query('DROP INDEX IF EXISTS t_id')
  // unnamed indexes get PostgreSQL's names
  await db.query('CREATE INDEX ON t (name)')
  await db.query('CREATE INDEX ON t (name)')
  assert.deepEqual(db.catalog.indexDefinitions(db.transactions.begin({ readOnly: true })).map(d => d.name), ['t_name_idx', 't_name_idx1'])
})

test('bad CREATE / DROP INDEX statements get clear errors', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (a INTEGER, b VARCHAR); CREATE VIEW v AS SELECT 1 AS x; INSERT INTO t VALUES (1, 'x'), (1, 'y')`)
  await db.query('CREATE INDEX i ON t (a)')
  await fails(db, 'CREATE INDEX i ON t (b)', '42P07', /already exists/)
  await db.query('CREATE INDEX IF NOT EXISTS i ON t (b)')
  await fails(db, 'CREATE INDEX j ON nope (a)', '42P01')
  await fails(db, 'CREATE INDEX j ON t (nope)', '42703')
  await fails(db, 'CREATE INDEX j ON v (x)', '42809')
  await fails(db, 'CREATE INDEX j ON t ((a + 1))', '0A000')
  const e = await fails(db, 'CREATE INDEX j ON t USING btre (a)', '42704')
  assert.match(e.hint ?? '', /btree/)
  await fails(db, 'CREATE INDEX j ON t (a) WITH (node_size = 1)', '22023')
  await fails(db, 'CREATE INDEX j ON t (a) WITH (nodesize = 8)', '22023')
  await db.query('CREATE INDEX j ON t USING art (a) WITH (node_size = 8)')
  db.register('events', arrow.tableFromArrays({ k: Int32Array.from([1, 2, 3]) }))
  await fails(db, 'CREATE INDEX e_k ON events (k)', '0A000')
  const u = await fails(db, 'CREATE UNIQUE INDEX k ON t (a)', '23505', /Duplicate key "a: 1"/)
  assert.ok(u.hint !== undefined)
  // a failed build leaves nothing behind
  await db.query('CREATE UNIQUE INDEX k ON t (b)')
  const dropped = await fails(db, 'DROP INDEX kk', '42704')
  assert.match(dropped.hint ?? '', /"k"/)
})

test('UNIQUE indexes refuse duplicates on INSERT and UPDATE, allow NULLs, and the statement leaves nothing', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE u (id INTEGER, email VARCHAR); CREATE UNIQUE INDEX u_email ON u (email);
    INSERT INTO u VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, NULL)`)
  await fails(db, `INSERT INTO u VALUES (5, 'a')`, '23505', /email: a/)
  await fails(db, `INSERT INTO u VALUES (5, 'c'), (6, 'c')`, '23505')
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM u'), [[4n]])
  await fails(db, `UPDATE u SET email = 'a' WHERE id = 2`, '23505')
  assert.deepEqual(await rows(db, 'SELECT email FROM u WHERE id = 2'), [['b']])
  // swapping two keys in one statement is fine
  await db.query(`UPDATE u SET email = CASE email WHEN 'a' THEN 'b' ELSE 'a' END WHERE id IN (1, 2)`)
  assert.deepEqual(await bothWays(db, `SELECT id FROM u WHERE email = 'a'`), [[2]])
  await db.query(`INSERT INTO u VALUES (5, 'c')`)
  assert.deepEqual(await bothWays(db, `SELECT id FROM u WHERE email = 'c'`), [[5]])
})

test('indexes follow INSERT / UPDATE / DELETE, ROLLBACK and failed statements', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (k INTEGER, v VARCHAR); CREATE INDEX t_k ON t (k);
    INSERT INTO t SELECT i, 'v' || i FROM range(2000) r(i)`)
  const check = async (): Promise<void> => {
    for (const k of [0, 5, 999, 1500, 1999, 2500, -1]) await bothWays(db, 'SELECT k, v FROM t WHERE k = $1', [k])
    await bothWays(db, 'SELECT count(*), min(k), max(k) FROM t WHERE k BETWEEN 900 AND 1100')
  }
  await db.exec(`DELETE FROM t WHERE k % 3 = 0; UPDATE t SET k = k + 10000 WHERE k % 5 = 1; INSERT INTO t VALUES (5, 'again')`)
  await check()
  assert.deepEqual(await rows(db, 'SELECT v FROM t WHERE k = 10001'), [['v1']])
  await db.query('BEGIN')
  await db.exec(`DELETE FROM t WHERE k < 1000; UPDATE t SET k = -k WHERE k > 1500; INSERT INTO t SELECT i, 'new' FROM range(3000, 3100) r(i)`)
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE k BETWEEN 0 AND 999'), [[0n]])
  await db.query('ROLLBACK')
  await check()
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM t WHERE k BETWEEN 3000 AND 3100'), [[0n]])
  // a failing statement inside a transaction is undone, index included
  await db.exec(`ALTER TABLE t ADD COLUMN n INTEGER NOT NULL DEFAULT 0`)
  await db.query('BEGIN')
  await fails(db, `INSERT INTO t VALUES (7777, 'x', 1), (7778, 'y', NULL)`, '23502')
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE k = 7777'), [[0n]])
  await db.query('COMMIT')
  await check()
})

test('readers with an older snapshot, and readers of another writer, get the same answer as a scan', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (k INTEGER PRIMARY KEY, v INTEGER); CREATE INDEX t_v ON t (v);
    INSERT INTO t SELECT i, i % 100 FROM range(5000) r(i)`)
  const reader = db.connect(), writer = db.connect()
  await reader.query('BEGIN')
  const before = await rows(reader, 'SELECT k FROM t WHERE v = 7 ORDER BY k')
  await writer.query('BEGIN')
  await writer.exec(`UPDATE t SET v = 8 WHERE v = 7 AND k < 1000; DELETE FROM t WHERE k = 107; INSERT INTO t VALUES (9999, 7)`)
  // the writer sees its own changes through the index
  const own = await bothWays(writer, 'SELECT k FROM t WHERE v = 7 ORDER BY k')
  assert.equal(own.length, 41)
  assert.match(await plan(writer, 'SELECT k FROM t WHERE v = 7'), /INDEX_SCAN/)
  // the reader still sees the rows as they were
  assert.deepEqual(await bothWays(reader, 'SELECT k FROM t WHERE v = 7 ORDER BY k'), before)
  assert.deepEqual(await bothWays(reader, 'SELECT v FROM t WHERE k = 107'), [[7]])
  assert.deepEqual(await bothWays(reader, 'SELECT v FROM t WHERE k = 9999'), [])
  await writer.query('COMMIT')
  assert.deepEqual(await bothWays(reader, 'SELECT k FROM t WHERE v = 7 ORDER BY k'), before)
  await reader.query('COMMIT')
  assert.deepEqual(await bothWays(reader, 'SELECT k FROM t WHERE v = 7 ORDER BY k'), own)
  await reader.close()
  await writer.close()
})

test('CREATE INDEX beside another transaction: its pending inserts and deletes are indexed, pending updates refuse (as DuckDB)', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (i INTEGER); INSERT INTO t SELECT x FROM range(2000) r(x)`)
  const other = db.connect()
  await other.query('BEGIN')
  await other.exec('INSERT INTO t VALUES (5000), (5000); DELETE FROM t WHERE i = 7')
  await db.query('CREATE INDEX t_i ON t (i)')
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE i IN (7, 5000)'), [[1n]])
  assert.deepEqual(await bothWays(other, 'SELECT count(*) FROM t WHERE i IN (7, 5000)'), [[2n]])
  await other.query('ROLLBACK')
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE i IN (7, 5000)'), [[1n]])
  assert.match(await plan(db, 'SELECT * FROM t WHERE i = 7'), /INDEX_SCAN/)
  await db.query('DROP INDEX t_i')
  await other.query('BEGIN')
  await other.query('UPDATE t SET i = -1 WHERE i = 1')
  await fails(db, 'CREATE INDEX t_i ON t (i)', '40001')
  await other.query('COMMIT')
  await db.query('CREATE INDEX t_i ON t (i)')
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE i = -1'), [[1n]])
  await other.close()
})

test('an index goes with its table; indexed columns cannot be dropped or retyped', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER); INSERT INTO t SELECT i, i * 2, i * 3 FROM range(1000) r(i);
    CREATE INDEX t_c ON t (c)`)
  await fails(db, 'ALTER TABLE t DROP COLUMN c', '2BP01', /index "t_c"/)
  await fails(db, 'ALTER TABLE t ALTER COLUMN c TYPE BIGINT', '2BP01')
  // dropping an earlier column renumbers the key
  await db.query('ALTER TABLE t DROP COLUMN a')
  assert.deepEqual(await bothWays(db, 'SELECT b FROM t WHERE c = 30'), [[20]])
  await db.query('ALTER TABLE t RENAME COLUMN c TO d')
  assert.deepEqual(await bothWays(db, 'SELECT b FROM t WHERE d = 33'), [[22]])
  await db.query('BEGIN')
  await db.query('DROP TABLE t')
  await db.query('CREATE TABLE t (x INTEGER)')
  await db.query('CREATE INDEX t_c ON t (x)')
  await db.query('ROLLBACK')
  assert.deepEqual(await bothWays(db, 'SELECT b FROM t WHERE d = 36'), [[24]])
  await db.query('DROP TABLE t')
  await db.query('CREATE TABLE t (x INTEGER)')
  await db.query('CREATE INDEX t_c ON t (x)')
})

test('CREATE INDEX and DROP INDEX are undone by ROLLBACK; temporary tables have indexes too', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (a INTEGER); INSERT INTO t SELECT i FROM range(3000) r(i)`)
  await db.query('BEGIN')
  await db.query('CREATE INDEX t_a ON t (a)')
  assert.match(await plan(db, 'SELECT * FROM t WHERE a = 5'), /INDEX_SCAN/)
  await db.query('ROLLBACK')
  assert.match(await plan(db, 'SELECT * FROM t WHERE a = 5'), /TABLE_SCAN/)
  await db.query('CREATE INDEX t_a ON t (a)')
  await db.query('BEGIN')
  await db.query('DROP INDEX t_a')
  await db.query('INSERT INTO t VALUES (5)')
  await db.query('ROLLBACK')
  assert.deepEqual(await bothWays(db, 'SELECT count(*) FROM t WHERE a = 5'), [[1n]])
  assert.match(await plan(db, 'SELECT * FROM t WHERE a = 5'), /INDEX_SCAN/)
  await db.exec(`CREATE TEMP TABLE tt (b INTEGER); INSERT INTO tt SELECT i FROM range(3000) r(i); CREATE INDEX tt_b ON tt (b)`)
  assert.match(await plan(db, 'SELECT * FROM tt WHERE b = 5'), /INDEX_SCAN tt USING tt_b/)
  await db.query('DROP INDEX tt_b')
  assert.match(await plan(db, 'SELECT * FROM tt WHERE b = 5'), /TABLE_SCAN/)
})

test('primary key lookups use the key index, prepared statements included', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE p (id BIGINT PRIMARY KEY, name VARCHAR); INSERT INTO p SELECT i, 'p' || i FROM range(10000) r(i)`)
  assert.match(await plan(db, 'SELECT name FROM p WHERE id = 77'), /INDEX_SCAN p USING PRIMARY_p_id/)
  const s = await db.prepare('SELECT name FROM p WHERE id = ?')
  for (const id of [0, 77, 9999, 10000, -5]) {
    const got = (await s.query([id])).rows
    assert.deepEqual(got, id >= 0 && id < 10000 ? [[`p${id}`]] : [])
  }
  assert.deepEqual((await s.query([2n ** 62n])).rows, [])
  assert.deepEqual((await s.query([null])).rows, [])
  s.close()
  await db.query('DELETE FROM p WHERE id = 77')
  assert.deepEqual(await bothWays(db, 'SELECT name FROM p WHERE id = 77'), [])
  // UPDATE and DELETE find their rows through the index too
  await db.query(`UPDATE p SET name = 'changed' WHERE id = 78`)
  assert.deepEqual(await bothWays(db, 'SELECT name FROM p WHERE id = 78'), [['changed']])
})
