import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-writers-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fresh = (): string => join(dir, `db${n++}.grz`)

type Queryable = { query(sql: string): Promise<{ rows: unknown[][] }> }

async function rows(db: Queryable, sql: string): Promise<unknown[][]> { return (await db.query(sql)).rows }

async function rejects(work: Promise<unknown>, code: string, pattern?: RegExp): Promise<GrizzlyError> {
  try { await work } catch (e) {
    assert.ok(e instanceof GrizzlyError, `expected a GrizzlyError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    if (pattern !== undefined) assert.match(e.message, pattern)
    assert.ok(e.hint !== undefined && e.hint.length > 0, `no hint on: ${e.message}`)
    return e
  }
  assert.fail(`expected ${code}`)
}

test('disjoint updates and deletes of one table by two transactions both commit and survive reopening', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR);
                 INSERT INTO t SELECT i, 'v' || i FROM range(1, 11) r(i); CREATE TABLE u (x INTEGER)`)
  const a = db.connect(), b = db.connect()
  await a.exec("BEGIN; UPDATE t SET v = 'a' WHERE id <= 3; DELETE FROM t WHERE id = 9")
  await b.exec("BEGIN; UPDATE t SET v = 'b' WHERE id BETWEEN 4 AND 6; DELETE FROM t WHERE id = 10; INSERT INTO u VALUES (1)")
  // each sees its own changes and the committed rows, not the other's changes
  assert.deepEqual(await rows(a, "SELECT count(*) FILTER (v = 'a'), count(*) FILTER (v = 'b'), count(*) FROM t"), [[3n, 0n, 9n]])
  assert.deepEqual(await rows(b, "SELECT count(*) FILTER (v = 'a'), count(*) FILTER (v = 'b'), count(*) FROM t"), [[0n, 3n, 9n]])
  await b.exec('COMMIT')
  // a's snapshot is older than b's commit: it still sees ids 4..6 as they were
  assert.deepEqual(await rows(a, "SELECT count(*) FILTER (v = 'b'), count(*) FROM t"), [[0n, 9n]])
  await a.exec('COMMIT')
  const expected = [[1, 'a'], [2, 'a'], [3, 'a'], [4, 'b'], [5, 'b'], [6, 'b'], [7, 'v7'], [8, 'v8']]
  assert.deepEqual(await rows(db, 'SELECT * FROM t ORDER BY id'), expected)
  await a.close(); await b.close()
  await db.close()
  db = await Database.open(path)
  assert.deepEqual(await rows(db, 'SELECT * FROM t ORDER BY id'), expected)
  assert.deepEqual(await rows(db, 'SELECT * FROM u'), [[1]])
  assert.deepEqual(await rows(db, 'PRAGMA integrity_check'), [['ok']])
  await db.close()
})

test('the same row changed by two transactions: the second gets 40001, rolls back and retries', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 0), (2, 0)')
  const a = db.connect(), b = db.connect()
  await a.exec('BEGIN; UPDATE t SET n = n + 1 WHERE id = 1')
  await b.exec('BEGIN')
  await rejects(b.query('UPDATE t SET n = n + 10 WHERE id = 1'), '40001', /conflict on UPDATE/)
  await rejects(b.query('DELETE FROM t WHERE id = 1'), '40001', /conflict on DELETE/)
  // other rows are free; the failed statements left nothing behind
  await b.exec('UPDATE t SET n = n + 10 WHERE id = 2')
  await b.exec('ROLLBACK')
  await a.exec('COMMIT')
  // a row changed by a commit newer than the snapshot conflicts too (first committer wins)
  await b.exec('BEGIN')
  assert.deepEqual(await rows(b, 'SELECT n FROM t WHERE id = 1'), [[1]])
  await a.exec('UPDATE t SET n = n + 1 WHERE id = 1')
  await rejects(b.query('UPDATE t SET n = n + 10 WHERE id = 1'), '40001', /committed after this one began/)
  await b.exec('ROLLBACK')
  await b.exec('BEGIN; UPDATE t SET n = n + 10 WHERE id = 1; COMMIT')
  assert.deepEqual(await rows(db, 'SELECT id, n FROM t ORDER BY id'), [[1, 12], [2, 0]])
  await a.close(); await b.close()
  await db.close()
})

test('appends of two transactions interleave; a rollback keeps the other one\'s rows', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec('CREATE TABLE t (id INTEGER, who VARCHAR)')
  const a = db.connect(), b = db.connect(), c = db.connect()
  await a.exec("BEGIN; INSERT INTO t VALUES (1, 'a')")
  await b.exec("BEGIN; INSERT INTO t VALUES (2, 'b')")
  await c.exec("BEGIN; INSERT INTO t VALUES (3, 'c')")
  await a.exec("INSERT INTO t VALUES (4, 'a')")
  await b.exec("INSERT INTO t SELECT i, 'b' FROM range(10, 20) r(i)")
  assert.deepEqual(await rows(a, 'SELECT id FROM t ORDER BY id'), [[1], [4]])
  // b commits first although a's rows come before its own; c's rows in the middle roll back
  await b.exec('COMMIT')
  await c.exec('ROLLBACK')
  assert.deepEqual(await rows(a, 'SELECT count(*) FROM t'), [[2n]])
  await a.exec('COMMIT')
  const expected = await rows(db, 'SELECT who, count(*), sum(id) FROM t GROUP BY who ORDER BY who')
  assert.deepEqual(expected, [['a', 2n, 5n], ['b', 11n, 147n]])
  await a.close(); await b.close(); await c.close()
  // the close checkpoints; reopening from the log alone is checked by the crash test below
  await db.close()
  db = await Database.open(path)
  assert.deepEqual(await rows(db, 'SELECT who, count(*), sum(id) FROM t GROUP BY who ORDER BY who'), expected)
  assert.deepEqual(await rows(db, 'PRAGMA integrity_check'), [['ok']])
  await db.close()
})

test('a statement rolled back to its savepoint inside one of two concurrent writers', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER CHECK (n >= 0)); INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)')
  const a = db.connect(), b = db.connect()
  await a.exec('BEGIN; INSERT INTO t VALUES (10, 10)')
  await b.exec('BEGIN; INSERT INTO t VALUES (20, 20); UPDATE t SET n = 30 WHERE id = 3')
  // fails half-way (the CHECK on the second row): the first row's update is undone too
  await assert.rejects(a.query('UPDATE t SET n = n - 2 WHERE id IN (2, 1)'))
  await assert.rejects(a.query('INSERT INTO t VALUES (11, 11), (10, 0)'), { code: '23505' })
  await a.exec('UPDATE t SET n = n + 100 WHERE id = 2; INSERT INTO t VALUES (12, 12)')
  await b.exec('INSERT INTO t VALUES (21, 21)')
  await b.exec('COMMIT')
  await a.exec('COMMIT')
  assert.deepEqual(await rows(db, 'SELECT id, n FROM t ORDER BY id'), [[1, 1], [2, 102], [3, 30], [10, 10], [12, 12], [20, 20], [21, 21]])
  await a.close(); await b.close()
  await db.close()
})

test('a reader keeps its snapshot while two writers commit', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (id INTEGER, n INTEGER); INSERT INTO t SELECT i, i FROM range(100) r(i)')
  const reader = db.connect(), a = db.connect(), b = db.connect()
  await reader.exec('BEGIN')
  const before = await rows(reader, 'SELECT count(*), sum(n) FROM t')
  await a.exec('BEGIN; UPDATE t SET n = 0 WHERE id < 50; INSERT INTO t VALUES (1000, 1000)')
  await b.exec('BEGIN; DELETE FROM t WHERE id >= 90; INSERT INTO t VALUES (2000, 2000)')
  assert.deepEqual(await rows(reader, 'SELECT count(*), sum(n) FROM t'), before)
  await a.exec('COMMIT')
  assert.deepEqual(await rows(reader, 'SELECT count(*), sum(n) FROM t'), before)
  await b.exec('COMMIT')
  assert.deepEqual(await rows(reader, 'SELECT count(*), sum(n) FROM t'), before)
  await reader.exec('COMMIT')
  // 100 - 10 deleted + 2 inserted; ids 50..89 keep n = id
  assert.deepEqual(await rows(reader, 'SELECT count(*), sum(n) FROM t'), [[92n, 2780n + 3000n]])
  await reader.close(); await a.close(); await b.close()
  await db.close()
})

test('primary keys: of two transactions inserting one key the second to commit fails (23505); a key another transaction removed is 40001', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR); INSERT INTO t VALUES (1, \'one\'), (2, \'two\')')
  const a = db.connect(), b = db.connect()
  await a.exec("BEGIN; INSERT INTO t VALUES (10, 'a')")
  // as in DuckDB: a key only another transaction's uncommitted row holds does not stop the insert
  await b.exec("BEGIN; INSERT INTO t VALUES (10, 'b')")
  await rejects(b.query("INSERT INTO t VALUES (10, 'b2')"), '23505')
  assert.deepEqual(await rows(b, 'SELECT v FROM t WHERE id = 10'), [['b']])
  assert.deepEqual(await rows(a, 'SELECT v FROM t WHERE id = 10'), [['a']])
  await a.exec('COMMIT')
  await rejects(b.query('COMMIT'), '23505', /Failed to commit: Duplicate key "id: 10"/)
  assert.deepEqual(await rows(b, 'SELECT v FROM t WHERE id = 10'), [['a']])
  // the first to commit wins even when it inserted second
  await a.exec("BEGIN; INSERT INTO t VALUES (11, 'a')")
  await b.exec("BEGIN; INSERT INTO t VALUES (11, 'b'); COMMIT")
  await rejects(a.query('COMMIT'), '23505')
  // a rollback leaves the key to the other
  await a.exec("BEGIN; INSERT INTO t VALUES (12, 'a')")
  await b.exec("BEGIN; INSERT INTO t VALUES (12, 'b')")
  await a.exec('ROLLBACK')
  await b.exec('COMMIT')
  assert.deepEqual(await rows(db, 'SELECT id, v FROM t WHERE id >= 10 ORDER BY id'), [[10, 'a'], [11, 'b'], [12, 'b']])
  await rejects(db.query("INSERT INTO t VALUES (12, 'again')"), '23505')
  // a deletes key 1 and has not committed: b may not take the key (a's rollback would put it back)
  await a.exec('BEGIN; DELETE FROM t WHERE id = 1')
  await b.exec('BEGIN')
  await rejects(b.query("INSERT INTO t VALUES (1, 'b')"), '40001', /key "id: 1"/)
  await rejects(b.query('UPDATE t SET id = 1 WHERE id = 2'), '40001')
  await a.exec('ROLLBACK')
  await rejects(b.query("INSERT INTO t VALUES (1, 'b')"), '23505')
  await b.exec('ROLLBACK')
  // committed after b's snapshot: b still sees the row, so the key is not free for it
  await b.exec('BEGIN')
  await a.exec('DELETE FROM t WHERE id = 1')
  await rejects(b.query("INSERT INTO t VALUES (1, 'b')"), '40001')
  await b.exec('ROLLBACK')
  await b.exec("INSERT INTO t VALUES (1, 'again')")
  // a re-keyed row frees its old key for the transaction itself
  await a.exec("BEGIN; UPDATE t SET id = 3 WHERE id = 2; INSERT INTO t VALUES (2, 'new'); COMMIT")
  assert.deepEqual(await rows(db, 'SELECT * FROM t ORDER BY id'), [[1, 'again'], [2, 'new'], [3, 'two'], [10, 'a'], [11, 'b'], [12, 'b']])
  await a.close(); await b.close()
  await db.close()
})

test('a key settled at commit stays with its row whatever the other writer undoes', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR)')
  const a = db.connect(), b = db.connect()
  // a inserts and deletes its own key 5 while b's commit settles it: a's rollback leaves b's entry
  await a.exec("BEGIN; INSERT INTO t VALUES (5, 'a')")
  await b.exec("BEGIN; INSERT INTO t VALUES (5, 'b')")
  await a.exec('DELETE FROM t WHERE id = 5')
  await b.exec('COMMIT')
  await a.exec('ROLLBACK')
  await rejects(db.query("INSERT INTO t VALUES (5, 'c')"), '23505')
  // displaced by b's commit, a's row waits for a's own commit; a deleted it meanwhile, so a commits
  await a.exec("BEGIN; INSERT INTO t VALUES (6, 'a')")
  await b.exec("BEGIN; INSERT INTO t VALUES (6, 'b'); COMMIT")
  await a.exec("DELETE FROM t WHERE id = 6; INSERT INTO t VALUES (7, 'a'); COMMIT")
  assert.deepEqual(await rows(db, 'SELECT id, v FROM t ORDER BY id'), [[5, 'b'], [6, 'b'], [7, 'a']])
  // the index answers point lookups with the settled rows
  for (const id of [5, 6, 7]) assert.equal((await rows(db, `SELECT count(*) FROM t WHERE id = ${id}`))[0]![0], 1n)
  await rejects(db.query("UPDATE t SET id = 6 WHERE id = 7"), '23505')
  await a.close(); await b.close()
  await db.close()
})

test('a CREATE UNIQUE INDEX index takes no new keys while another transaction deletes or updates rows (40001)', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (id INTEGER, k INTEGER); INSERT INTO t VALUES (1, 1), (2, 2); CREATE UNIQUE INDEX t_k ON t (k)')
  const a = db.connect(), b = db.connect()
  await a.exec('BEGIN; DELETE FROM t WHERE k = 1')
  await rejects(b.query('INSERT INTO t VALUES (3, 1)'), '40001', /unique index t_k/)
  await rejects(b.query('UPDATE t SET k = 1 WHERE id = 2'), '40001')
  // columns outside the index are free
  await b.exec('UPDATE t SET id = 20 WHERE id = 2')
  await a.exec('ROLLBACK')
  await rejects(b.query('INSERT INTO t VALUES (3, 1)'), '23505')
  await b.exec('INSERT INTO t VALUES (3, 3)')
  assert.deepEqual(await rows(db, 'SELECT id, k FROM t ORDER BY k'), [[1, 1], [20, 2], [3, 3]])
  await a.close(); await b.close()
  await db.close()
})

test('foreign keys: a child row another transaction deleted and has not committed still holds its parent', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER, pid INTEGER REFERENCES p (id)); INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (10, 1)')
  const a = db.connect(), b = db.connect()
  await a.exec('BEGIN; DELETE FROM c WHERE pid = 1')
  await assert.rejects(b.query('DELETE FROM p WHERE id = 1'), { code: '23503' })
  // a child inserted by an uncommitted transaction holds its parent too
  await b.exec('BEGIN; INSERT INTO c VALUES (20, 2)')
  await assert.rejects(a.query('DELETE FROM p WHERE id = 2'), { code: '23503' })
  await a.exec('ROLLBACK')
  await b.exec('ROLLBACK')
  await a.exec('DELETE FROM c WHERE pid = 1')
  await b.exec('DELETE FROM p WHERE id = 1')
  assert.deepEqual(await rows(db, 'SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM c)'), [[1n, 0n]])
  await a.close(); await b.close()
  await db.close()
})

test('catalog changes run alone: DDL beside a writer is 40001, and so is a write beside pending DDL', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (x INTEGER)')
  const a = db.connect(), b = db.connect()
  await a.exec('BEGIN; INSERT INTO t VALUES (1)')
  await rejects(b.query('CREATE TABLE u (y INTEGER)'), '40001', /another transaction is writing/)
  await a.exec('COMMIT')
  await b.exec('BEGIN; CREATE TABLE u (y INTEGER)')
  await rejects(a.query('INSERT INTO t VALUES (2)'), '40001', /changing the catalog/)
  await b.exec('COMMIT')
  await a.exec('INSERT INTO t VALUES (2)')
  assert.deepEqual(await rows(db, 'SELECT sum(x) FROM t'), [[3n]])
  await a.close(); await b.close()
  await db.close()
})

test('no checkpoint while another writer has uncommitted rows: the log grows, then folds in', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec("SET checkpoint_threshold = '1KB'; CREATE TABLE t (id INTEGER, v VARCHAR)")
  const checkpoints = async (): Promise<number> => Number((await rows(db, 'PRAGMA storage_info')).find(r => r[0] === 'checkpoint')![1])
  const a = db.connect()
  await a.exec("BEGIN; INSERT INTO t VALUES (-1, 'uncommitted')")
  const start = await checkpoints()
  for (let i = 0; i < 10; i++) await db.query(`INSERT INTO t VALUES (${i}, '${'x'.repeat(200)}')`)
  assert.equal(await checkpoints(), start)
  await rejects(db.query('CHECKPOINT'), '40001')
  await a.exec('ROLLBACK')
  await db.query(`INSERT INTO t VALUES (10, '${'x'.repeat(200)}')`)
  assert.ok(await checkpoints() > start)
  await a.close()
  await db.close()
  db = await Database.open(path)
  assert.deepEqual(await rows(db, 'SELECT count(*), min(id), max(id) FROM t'), [[11n, 0, 10]])
  await db.close()
})

test('killed before the second commit: the first transaction survives, the second is gone', async () => {
  const path = fresh()
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./concurrent-child.ts', import.meta.url)), path], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('ready\n')) resolve() })
    child.on('exit', code => reject(new Error(`child exited (${code}) before it was ready: ${out}`)))
  })
  child.kill('SIGKILL')
  await new Promise(resolve => child.once('close', resolve))
  const db = await Database.open(path)
  assert.deepEqual(await rows(db, 'SELECT who, count(*), sum(id) FROM t GROUP BY who ORDER BY who'), [['a', 3n, 9n], ['base', 3n, 300n]])
  assert.deepEqual(await rows(db, 'SELECT id, v FROM base ORDER BY id'), [[100, 'a'], [101, 'base'], [102, 'base']])
  assert.deepEqual(await rows(db, 'PRAGMA integrity_check'), [['ok']])
  // positions left by the lost transaction are free rows of the table: it keeps working
  await db.exec("INSERT INTO t VALUES (7, 'later')")
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM t'), [[7n]])
  await db.close()
})
