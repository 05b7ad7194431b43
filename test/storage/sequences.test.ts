import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-sequences-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

async function value(db: Database, sql: string): Promise<unknown> {
  return (await db.query(sql)).rows[0]?.[0]
}

test('sequences and their counters survive close and reopen (checkpoint)', async () => {
  const path = join(dir, 'checkpoint.grz')
  let db = await Database.open(path)
  await db.exec(`CREATE SEQUENCE ids START 10 INCREMENT BY 5;
                 CREATE SEQUENCE ring MINVALUE 1 MAXVALUE 2 CYCLE;
                 CREATE TABLE t (id BIGINT DEFAULT nextval('ids'), v VARCHAR);
                 INSERT INTO t (v) VALUES ('a'), ('b');
                 CREATE TEMP SEQUENCE scratch`)
  assert.equal(await value(db, "SELECT nextval('ring')"), 1n)
  await db.close()
  db = await Database.open(path)
  assert.equal(await value(db, "SELECT currval('ids')"), 15n)
  await db.exec("INSERT INTO t (v) VALUES ('c')")
  assert.deepEqual((await db.query('SELECT id, v FROM t ORDER BY id')).rows, [[10n, 'a'], [15n, 'b'], [20n, 'c']])
  assert.equal(await value(db, "SELECT nextval('ring')"), 2n)
  assert.equal(await value(db, "SELECT nextval('ring')"), 1n)
  // temporary sequences are not stored
  await assert.rejects(db.query("SELECT nextval('scratch')"), (e: unknown) => e instanceof GrizzlyError && e.code === '42P01')
  // the dependency holds after reopening too
  await assert.rejects(db.query('DROP SEQUENCE ids'), (e: unknown) => e instanceof GrizzlyError && e.code === '2BP01')
  await db.close()
})

test('CREATE TYPE aliases survive reopen; tables keep their resolved types', async () => {
  const path = join(dir, 'types.grz')
  let db = await Database.open(path)
  await db.exec("CREATE SCHEMA s; CREATE TYPE money AS DECIMAL(12, 2); CREATE TYPE s.code AS VARCHAR[]; CREATE TABLE s.t (c code, m money)")
  await db.close()
  db = await Database.open(path)
  assert.equal(await value(db, "SELECT typeof(CAST('1.234' AS money))"), 'DECIMAL(12,2)')
  await db.exec("ALTER TABLE s.t ADD COLUMN d code; DROP TYPE money")
  assert.deepEqual((await db.query("SELECT typeof(c), typeof(m), typeof(d) FROM (SELECT * FROM s.t UNION ALL SELECT ['x'], 1, ['y'])")).rows, [['VARCHAR[]', 'DECIMAL(12,2)', 'VARCHAR[]']])
  await db.close()
  db = await Database.open(path)
  await assert.rejects(db.query('SELECT CAST(1 AS money)'), (e: unknown) => e instanceof GrizzlyError && e.code === '42704')
  await db.close()
})

test('generated columns survive reopen and stay computed', async () => {
  const path = join(dir, 'generated.grz')
  let db = await Database.open(path)
  await db.exec("CREATE TABLE s (price INTEGER, total AS (price * qty), qty INTEGER, label VARCHAR GENERATED ALWAYS AS ('x' || total::VARCHAR)); INSERT INTO s VALUES (2, 3)")
  await db.close()
  db = await Database.open(path)
  await db.exec('INSERT INTO s VALUES (4, 5)')
  assert.deepEqual((await db.query('SELECT * FROM s ORDER BY price')).rows, [[2, 6, 3, 'x6'], [4, 20, 5, 'x20']])
  await assert.rejects(db.query('INSERT INTO s (total) VALUES (1)'), (e: unknown) => e instanceof GrizzlyError && e.code === '42601')
  await db.close()
})

test('counters moved by committed statements are in the WAL (a crash before any checkpoint keeps them)', async () => {
  const path = join(dir, 'wal.grz')
  const db = await Database.open(path)
  await db.exec('CREATE SEQUENCE s; CREATE TABLE t (i BIGINT)')
  // a read-only statement moves the counter: logged without the write lock
  assert.equal(await value(db, "SELECT max(nextval('s')) FROM range(3)"), 3n)
  // and inside a write transaction together with its rows
  await db.exec("INSERT INTO t SELECT nextval('s') FROM range(2)")
  // the files as a crash would leave them: the checkpoint from CREATE plus the log
  const copy = join(dir, 'crashed.grz')
  copyFileSync(path, copy)
  copyFileSync(`${path}.wal`, `${copy}.wal`)
  await db.close()
  const reopened = await Database.open(copy)
  assert.equal(await value(reopened, "SELECT currval('s')"), 5n)
  assert.equal(await value(reopened, "SELECT nextval('s')"), 6n)
  assert.deepEqual((await reopened.query('SELECT i FROM t ORDER BY i')).rows, [[4n], [5n]])
  await reopened.close()
})

test('nextval is refused in a read-only database, currval is not', async () => {
  const path = join(dir, 'readonly.grz')
  const db = await Database.open(path)
  await db.exec("CREATE SEQUENCE s; SELECT nextval('s')")
  await db.close()
  const ro = await Database.open(path, { readOnly: true })
  assert.equal(await value(ro, "SELECT currval('s')"), 1n)
  await assert.rejects(ro.query("SELECT nextval('s')"), (e: unknown) => e instanceof GrizzlyError && e.code === '25006')
  await ro.close()
})

test('sequences are visible to other sessions only once created and committed', async () => {
  const db = await Database.open()
  const a = db.connect(), b = db.connect()
  await a.query('BEGIN')
  await b.query('BEGIN')
  await a.query('CREATE SEQUENCE s')
  assert.equal((await a.query("SELECT nextval('s')")).rows[0]?.[0], 1n)
  await assert.rejects(b.query("SELECT nextval('s')"), (e: unknown) => e instanceof GrizzlyError && e.code === '42P01')
  await a.query('COMMIT')
  // b's snapshot predates the commit
  await assert.rejects(b.query("SELECT nextval('s')"), (e: unknown) => e instanceof GrizzlyError && e.code === '42P01')
  await b.query('COMMIT')
  assert.equal((await b.query("SELECT nextval('s')")).rows[0]?.[0], 2n)
  // a pending DROP hides nothing from others, and nextval in another session takes no write lock
  await a.query('BEGIN')
  await a.query('DROP SEQUENCE s')
  assert.equal((await b.query("SELECT nextval('s')")).rows[0]?.[0], 3n)
  await a.query('ROLLBACK')
  assert.equal((await b.query("SELECT nextval('s')")).rows[0]?.[0], 4n)
  await db.close()
})
