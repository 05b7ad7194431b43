import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import type { ModelFormatDef, ModelSignature } from '../../core/hooks/contracts.ts'
import { runAckingChild } from './acking-child.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-attach-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fresh = (stem = 'db'): string => join(dir, `${stem}${n++}.grz`)
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => typeof x === 'bigint' ? Number(x) : x))
const rows = async (db: Database | ReturnType<Database['connect']>, sql: string): Promise<unknown> => plain((await db.query(sql)).rows)

/** `hinted`: the error must say how to fix it (the catalog's own not-found errors predate ATTACH and are left out) */
async function fails(work: Promise<unknown>, code: string, pattern: RegExp, hinted = true): Promise<GrizzlyError> {
  try {
    await work
  } catch (e) {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, code, e.message)
    assert.match(e.message, pattern)
    if (hinted) assert.ok(e.hint !== undefined && e.hint.length > 0, `no hint: ${e.message}`)
    return e
  }
  assert.fail(`expected ${code}`)
}

test('ATTACH a new file: default alias, every statement kind across databases, qualified names', async () => {
  const db = await Database.open()
  const path = fresh('sales')
  await db.exec(`ATTACH '${path}'`)
  const alias = `sales${n - 1}`
  assert.ok(existsSync(path), 'a missing file is created')
  await db.exec(`CREATE TABLE ${alias}.t (id INTEGER PRIMARY KEY, v VARCHAR);
                 INSERT INTO ${alias}.t VALUES (1, 'a'), (2, 'b'), (3, 'c');
                 CREATE TABLE m (id INTEGER, w DOUBLE); INSERT INTO m VALUES (1, 0.5), (3, 1.5)`)
  assert.deepEqual(await rows(db, `SELECT t.id, v, w FROM ${alias}.t JOIN m ON m.id = t.id ORDER BY t.id`), [[1, 'a', 0.5], [3, 'c', 1.5]])
  assert.deepEqual(await rows(db, `SELECT count(*) FROM ${alias}.main.t`), [[3]])
  await db.exec(`UPDATE ${alias}.t SET v = 'B' WHERE id = 2; DELETE FROM ${alias}.main.t WHERE id = 3`)
  assert.deepEqual(await rows(db, `SELECT * FROM ${alias}.t ORDER BY id`), [[1, 'a'], [2, 'B']])
  await db.exec(`INSERT INTO m SELECT id, id * 10 FROM ${alias}.t`)
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM m'), [[4]])
  // views live in their own database and read its tables
  await db.exec(`CREATE VIEW ${alias}.v AS SELECT v FROM t WHERE id = 1`)
  assert.deepEqual(await rows(db, `SELECT * FROM ${alias}.v`), [['a']])
  assert.deepEqual(await rows(db, `DESCRIBE ${alias}.t`), [['id', 'INTEGER', 'NO', 'PRI', null, null], ['v', 'VARCHAR', 'YES', null, null, null]])
  assert.deepEqual(await rows(db, `SHOW TABLES FROM ${alias}`), [['t'], ['v']])
  assert.deepEqual(await rows(db, 'SHOW TABLES'), [['m']])
  // COPY both ways
  const csv = join(dir, `out${n++}.csv`)
  await db.exec(`COPY ${alias}.t TO '${csv}'`)
  await db.exec(`CREATE TABLE ${alias}.t2 (id INTEGER, v VARCHAR); COPY ${alias}.t2 FROM '${csv}'`)
  assert.deepEqual(await rows(db, `SELECT * FROM ${alias}.t2 ORDER BY id`), [[1, 'a'], [2, 'B']])
  await db.exec(`ALTER TABLE ${alias}.t2 ADD COLUMN k INTEGER DEFAULT 7; DROP TABLE ${alias}.t2`)
  await db.exec(`CREATE TABLE ${alias}.t3 AS SELECT * FROM m`)
  assert.deepEqual(await rows(db, `SELECT count(*) FROM ${alias}.t3`), [[4]])
  await db.exec(`DROP VIEW ${alias}.v`)
  assert.deepEqual(await rows(db, `SHOW TABLES FROM ${alias}`), [['t'], ['t3']])
  // a schema of the current database wins over a database of the same name (DuckDB's rule)
  await db.exec(`CREATE SCHEMA ${alias}; CREATE TABLE ${alias}.t (x INTEGER)`)
  assert.deepEqual(await rows(db, `SELECT count(*) FROM ${alias}.t`), [[0]])
  assert.deepEqual(await rows(db, `SELECT count(*) FROM ${alias}.main.t`), [[2]])
  await db.close()
})

test('USE, current_database(), current_schema(), SHOW DATABASES, duckdb_databases()', async () => {
  const path = fresh('primary')
  const db = await Database.open(path)
  const primary = `primary${n - 1}`
  const other = fresh()
  await db.exec(`ATTACH '${other}' AS o; ATTACH ':memory:' AS m (READ_ONLY)`)
  assert.deepEqual(await rows(db, 'SELECT current_database(), current_schema()'), [[primary, 'main']])
  assert.deepEqual(await rows(db, 'SHOW DATABASES'), [[primary], ['o'], ['m']])
  assert.deepEqual(await rows(db, 'SELECT database_name, path, readonly, type FROM duckdb_databases() ORDER BY database_oid'),
    [[primary, path, false, 'grizzly'], ['o', other, false, 'grizzly'], ['m', null, true, 'grizzly']])
  await db.exec("USE o; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42); CREATE SCHEMA s; CREATE TABLE s.u (y VARCHAR); INSERT INTO s.u VALUES ('in s')")
  assert.deepEqual(await rows(db, 'SELECT current_database(), current_schema()'), [['o', 'main']])
  assert.deepEqual(await rows(db, `SELECT * FROM t`), [[42]])
  assert.deepEqual(await rows(db, `SHOW TABLES FROM ${primary}`), [])
  await db.exec('USE o.s')
  assert.deepEqual(await rows(db, 'SELECT current_database(), current_schema()'), [['o', 's']])
  assert.deepEqual(await rows(db, 'SELECT * FROM u'), [['in s']])
  // each session has its own current database
  const other2 = db.connect()
  assert.deepEqual(await rows(other2, 'SELECT current_database()'), [[primary]])
  await fails(other2.query('SELECT * FROM u'), '42P01', /u/, false)
  await other2.close()
  await db.exec(`USE ${primary}`)
  await fails(db.query('SELECT * FROM t'), '42P01', /t/, false)
  await fails(db.query('USE nowhere'), '3D000', /database "nowhere" does not exist/)
  await fails(db.query('USE o.nope'), '3F000', /schema "nope" does not exist in database "o"/)
  await db.close()
})

test('ATTACH :memory: and a .sql script', async () => {
  const db = await Database.open()
  const script = join(dir, `setup${n++}.sql`)
  writeFileSync(script, "CREATE TABLE people (name VARCHAR, age INTEGER);\nINSERT INTO people VALUES ('ann', 31), ('bob', 42);\nCREATE VIEW adults AS SELECT name FROM people WHERE age > 40;\n")
  await db.exec(`ATTACH '${script}' AS s; ATTACH ':memory:' AS m`)
  assert.deepEqual(await rows(db, 'SELECT * FROM s.adults'), [['bob']])
  await db.exec('CREATE TABLE m.x AS SELECT name FROM s.people')
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM m.x'), [[2]])
  await db.exec('DETACH m; ATTACH :memory: AS m'.replace(':memory:', "':memory:'"))
  await fails(db.query('SELECT * FROM m.x'), '42P01', /x/, false)
  const bad = join(dir, `bad${n++}.sql`)
  writeFileSync(bad, 'CREATE TABLE a (x INTEGER);\nINSERT INTO nope VALUES (1);\n')
  await fails(db.query(`ATTACH '${bad}' AS b`), '42P01', /the script ".*" failed: .*nope/)
  await fails(db.query('SELECT * FROM b.a'), '3F000', /b/, false)
  await fails(db.query(`ATTACH '${join(dir, 'missing.sql')}' AS c`), '58P01', /cannot read/)
  await db.close()
})

test('writes to an attached file are durable, survive reopening, and DETACH releases the file', async () => {
  const path = fresh()
  const db = await Database.open()
  await db.exec(`ATTACH '${path}' AS a; CREATE TABLE a.t (id INTEGER, s VARCHAR); INSERT INTO a.t VALUES (1, 'one')`)
  await db.exec(`INSERT INTO a.t SELECT i, 'n' || i FROM range(2, 1000) r(i)`)
  await db.exec('CREATE VIEW a.small (n) AS SELECT id FROM t WHERE id < 3')
  assert.ok(statSync(`${path}.wal`).size > 0, 'the commit is in the attached file\'s WAL')
  // another Database cannot write it while attached here
  await fails(Database.open(path), '55006', /locked/)
  await db.exec('DETACH a')
  assert.equal(existsSync(`${path}.lock`), false, 'DETACH released the lock')
  const direct = await Database.open(path)
  assert.deepEqual(await rows(direct, 'SELECT count(*), max(id) FROM t'), [[999, 999]])
  await direct.exec("INSERT INTO t VALUES (1000, 'direct')")
  await direct.close()
  await db.exec(`ATTACH '${path}' AS again`)
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM again.t'), [[1000]])
  // the view was stored without the alias it was created under
  assert.deepEqual(await rows(db, 'SELECT n FROM again.small ORDER BY n'), [[1], [2]])
  await db.exec('DETACH again')
  // closing the primary closes what is attached (checkpoint, lock released)
  await db.exec(`ATTACH IF NOT EXISTS '${path}' AS a2; ATTACH IF NOT EXISTS '${path}' AS a2; INSERT INTO a2.t VALUES (1001, 'last')`)
  await db.close()
  assert.equal(existsSync(`${path}.lock`), false)
  const check = await Database.open(path, { readOnly: true })
  assert.deepEqual(await rows(check, 'SELECT s FROM t WHERE id = 1001'), [['last']])
  await check.close()
})

test('transactions: ROLLBACK undoes attached writes, failed statements undo themselves, snapshots begin at first touch', async () => {
  const db = await Database.open()
  const path = fresh()
  await db.exec(`ATTACH '${path}' AS a; CREATE TABLE a.t (id INTEGER PRIMARY KEY); INSERT INTO a.t VALUES (1); CREATE TABLE p (x INTEGER)`)
  await db.exec('BEGIN; INSERT INTO a.t VALUES (2); INSERT INTO a.t VALUES (3)')
  await fails(db.query('INSERT INTO a.t VALUES (4), (1)'), '23505', /Duplicate key/)
  assert.deepEqual(await rows(db, 'SELECT id FROM a.t ORDER BY id'), [[1], [2], [3]])
  await db.exec('ROLLBACK')
  assert.deepEqual(await rows(db, 'SELECT id FROM a.t ORDER BY id'), [[1]])
  await db.exec('BEGIN; INSERT INTO a.t VALUES (5); COMMIT')
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM a.t'), [[2]])

  const reader = db.connect()
  await reader.query('BEGIN')
  await reader.query('SELECT count(*) FROM p')
  await db.exec('INSERT INTO a.t VALUES (6)')
  // first touch of a: its snapshot is taken now, after the insert
  assert.deepEqual(await rows(reader, 'SELECT count(*) FROM a.t'), [[3]])
  await db.exec('INSERT INTO a.t VALUES (7)')
  assert.deepEqual(await rows(reader, 'SELECT count(*) FROM a.t'), [[3]])
  // another session's open transaction keeps a attached
  await fails(db.query('DETACH a'), '55006', /another session/)
  await reader.query('COMMIT')
  assert.deepEqual(await rows(reader, 'SELECT count(*) FROM a.t'), [[4]])
  await reader.close()
  await db.close()
})

test('errors: unknown database, alias in use, DETACH of the current or primary database or inside a transaction, READ_ONLY, two written databases', async () => {
  const db = await Database.open()
  const path = fresh()
  await db.exec(`ATTACH '${path}' AS a; CREATE TABLE a.t (x INTEGER); CREATE TABLE p (x INTEGER)`)
  const unknown = await fails(db.query('SELECT * FROM b.main.t'), '3D000', /database "b" does not exist/)
  assert.equal(unknown.position, 14)
  await fails(db.query('DETACH b'), '3D000', /database "b" does not exist/)
  await db.exec('DETACH IF EXISTS b')
  await fails(db.query(`ATTACH ':memory:' AS a`), '42710', /database "a" is already attached/)
  await fails(db.query(`ATTACH ':memory:' AS memory`), '42710', /already attached/)
  await fails(db.query(`ATTACH '${path}' AS a_again`), '55006', /already attached as database "a"/)
  await fails(db.query('DETACH memory'), '55000', /primary database/)
  await db.exec('USE a')
  await fails(db.query('DETACH a'), '55000', /default database of this session/)
  await db.exec('USE memory')
  await db.exec('BEGIN; INSERT INTO a.t VALUES (1)')
  await fails(db.query('DETACH a'), '25001', /inside a transaction that used it/)
  await fails(db.query('INSERT INTO p VALUES (1)'), '25000', /already wrote to "a"; it cannot also write to "memory".*DuckDB refuses this too/)
  await db.exec('COMMIT')
  assert.deepEqual(await rows(db, 'SELECT (SELECT count(*) FROM a.t), (SELECT count(*) FROM p)'), [[1, 0]])
  await db.exec('DETACH a')
  await fails(db.query('SELECT * FROM a.main.t'), '3D000', /database "a" does not exist/)
  await db.exec(`ATTACH '${path}' AS r (READ_ONLY)`)
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM r.t'), [[1]])
  await fails(db.query('INSERT INTO r.t VALUES (2)'), '25006', /database "r" is attached READ_ONLY/)
  await fails(db.query('CREATE TABLE r.u (y INTEGER)'), '25006', /READ_ONLY/)
  await fails(db.query('DELETE FROM r.t'), '25006', /READ_ONLY/)
  await fails(db.query(`ATTACH '${join(dir, 'absent.grz')}' AS z (READ_ONLY)`), '58P01', /absent/)
  await fails(db.query(`ATTACH '${path}' AS y (NOPE)`), '42P02', /unrecognized ATTACH option "nope"/)
  await fails(db.query(`ATTACH '${path}' AS y (TYPE sqlite)`), '0A000', /TYPE sqlite/)
  // option values: missing, of the wrong type, not a flag; a name that has no database part
  const missing = await fails(db.query(`ATTACH '${path}' AS y (ENCRYPTION_KEY)`), '42P02', /ENCRYPTION_KEY needs a value/)
  assert.equal(missing.position, `ATTACH '${path}' AS y (`.length)
  await fails(db.query(`ATTACH '${path}' AS y (ENCRYPTION_KEY 42)`), '22023', /ENCRYPTION_KEY must be a string/)
  await fails(db.query(`ATTACH '${path}' AS y (READ_ONLY 'maybe')`), '22023', /ATTACH flag must be true or false/)
  await fails(db.query(`ATTACH '${dir}/'`), '22023', /cannot derive a database name/)
  await fails(db.query('USE r.main.t'), '42601', /USE takes a database or database.schema/)
  await fails(db.query('SHOW TABLES FROM nowhere.main'), '3D000', /database "nowhere" does not exist/)
  await fails(db.query('SHOW TABLES FROM r.nope'), '3F000', /schema "nope" does not exist/)
  await fails(db.query('CREATE TABLE memory.nope.t (x INTEGER)'), '3F000', /schema "nope" does not exist/)
  await fails(db.query('CREATE SEQUENCE nope.s'), '3F000', /schema "nope" does not exist/)
  assert.deepEqual(await rows(db, 'SELECT database_name FROM duckdb_databases() ORDER BY 1'), [['memory'], ['r']])
  await db.close()
})

test('a file another process holds, and a wrong encryption key, give the storage errors', async () => {
  const db = await Database.open()
  const secret = fresh()
  await db.exec(`ATTACH '${secret}' AS s (ENCRYPTION_KEY 'right'); CREATE TABLE s.t (x INTEGER); INSERT INTO s.t VALUES (7); DETACH s`)
  await fails(db.query(`ATTACH '${secret}' AS s (ENCRYPTION_KEY 'wrong')`), '28P01', /wrong encryption key/)
  await fails(db.query(`ATTACH '${secret}' AS s`), '28P01', /is encrypted/)
  await db.exec(`ATTACH '${secret}' AS s (ENCRYPTION_KEY 'right')`)
  assert.deepEqual(await rows(db, 'SELECT x FROM s.t'), [[7]])
  await db.exec('DETACH s')

  const held = fresh()
  await (await Database.open(held)).close()
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
  try {
    writeFileSync(`${held}.lock`, JSON.stringify({ pid: sleeper.pid, host: hostname() }))
    await fails(db.query(`ATTACH '${held}' AS h`), '55006', new RegExp(`locked by process ${sleeper.pid}`))
    await db.exec(`ATTACH '${held}' AS h (READ_ONLY)`)
    await db.exec('DETACH h')
  } finally {
    sleeper.kill()
    rmSync(`${held}.lock`, { force: true })
  }
  await db.close()
})

test('prepared statements and kept plans notice ATTACH, DETACH and USE', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)`)
  const s = await db.prepare('SELECT count(*) FROM t')
  assert.deepEqual(plain((await s.query()).rows), [[1]])
  await db.exec(`ATTACH ':memory:' AS m; CREATE TABLE m.t (x INTEGER); INSERT INTO m.t VALUES (1), (2), (3); USE m`)
  assert.deepEqual(plain((await s.query()).rows), [[3]])
  await db.exec('USE memory')
  assert.deepEqual(plain((await s.query()).rows), [[1]])
  const q = await db.prepare('SELECT count(*) FROM m.t')
  assert.deepEqual(plain((await q.query()).rows), [[3]])
  await db.exec('DETACH m')
  await fails(q.query(), '3F000', /m/, false)
  await db.exec(`ATTACH ':memory:' AS m; CREATE TABLE m.t (y VARCHAR)`)
  assert.deepEqual(plain((await q.query()).rows), [[0]])
  s.close(); q.close()
  await db.close()
})

test('indexes, schemas and sequences of an attached database; files reopen under other aliases and without their attachments', async () => {
  const primaryPath = fresh('prim')
  const primaryName = `prim${n - 1}`
  const path = fresh()
  const db = await Database.open(primaryPath)
  await db.exec(`ATTACH '${path}' AS a; CREATE TABLE a.t (id INTEGER PRIMARY KEY, v VARCHAR); INSERT INTO a.t SELECT i, 'v' || i FROM range(50) r(i)`)
  await db.exec(`CREATE INDEX tv ON a.t (v); CREATE UNIQUE INDEX ON a.main.t (id, v); CREATE SCHEMA a.s; CREATE TABLE a.s.x (i INTEGER); CREATE SEQUENCE a.seq START WITH 5`)
  assert.deepEqual(await rows(db, "SELECT id FROM a.t WHERE v = 'v7'"), [[7]])
  assert.deepEqual(((await rows(db, 'SHOW ALL TABLES')) as unknown[][]).map(r => r.slice(0, 3)), [[primaryName, 'main', 'over_a'], ['a', 'main', 't'], ['a', 's', 'x']].slice(1))
  // a view of the primary over an attached table: stored in the primary, which opens again without the attachment
  await db.exec('CREATE VIEW over_a AS SELECT count(*) AS n FROM a.t')
  assert.deepEqual(await rows(db, 'SELECT n FROM over_a'), [[50]])
  await db.close()

  const again = await Database.open(primaryPath)
  await fails(again.query('SELECT n FROM over_a'), '3F000', /Schema with name a does not exist/, false)
  await again.exec(`ATTACH '${path}' AS a`)
  assert.deepEqual(await rows(again, 'SELECT n FROM over_a'), [[50]])
  await again.exec(`DETACH a; ATTACH '${path}' AS renamed`)
  assert.deepEqual(await rows(again, "SELECT id FROM renamed.t WHERE v = 'v9'"), [[9]])
  await fails(again.query("INSERT INTO renamed.t VALUES (9, 'v9')"), '23505', /Duplicate key/, false)
  assert.deepEqual(await rows(again, 'SELECT count(*) FROM renamed.s.x'), [[0]])
  await again.exec('DROP INDEX renamed.tv; DROP SEQUENCE renamed.seq; DROP TABLE renamed.s.x; DROP SCHEMA renamed.s')
  assert.deepEqual(((await rows(again, 'SHOW ALL TABLES')) as unknown[][]).map(r => r.slice(0, 3)), [[primaryName, 'main', 'over_a'], ['renamed', 'main', 't']])
  await again.close()
})

test('commits to an attached file survive the process being killed (its WAL is replayed on the next ATTACH)', async () => {
  const path = fresh()
  const acked = await runAckingChild(['--no-node-snapshot', '--import', 'tsx', 'test/storage/attach-child.ts', path], (ids, _line, kill) => { if (ids.length >= 40) kill() })
  assert.ok(acked.length >= 40)
  const db = await Database.open()
  await db.exec(`ATTACH '${path}' AS a`)
  const ids = ((await rows(db, 'SELECT id FROM a.t ORDER BY id')) as number[][]).map(r => r[0])
  // every acknowledged commit is there; at most the one in flight when killed beyond them
  assert.deepEqual(ids.slice(0, acked.length), acked)
  assert.ok(ids.length <= acked.length + 1)
  await db.close()
})

test('a read-only primary still writes to a writable attached database; SET synchronous applies to attached commits', async () => {
  const primaryPath = fresh()
  const setup = await Database.open(primaryPath)
  await setup.exec('CREATE TABLE p (x INTEGER); INSERT INTO p VALUES (1)')
  await setup.close()
  const db = await Database.open(primaryPath, { readOnly: true })
  const path = fresh()
  await db.exec(`ATTACH '${path}' AS w; SET synchronous = 'off'; CREATE TABLE w.copy AS SELECT * FROM p; INSERT INTO w.copy VALUES (2)`)
  assert.deepEqual(await rows(db, 'SELECT x FROM w.copy ORDER BY x'), [[1], [2]])
  await fails(db.query('INSERT INTO p VALUES (3)'), '25006', /read-only/, false)
  await fails(db.query('CREATE TABLE q (y INTEGER)'), '25006', /read-only/, false)
  await db.close()
  const check = await Database.open(path)
  assert.deepEqual(await rows(check, 'SELECT count(*) FROM copy'), [[2]])
  await check.close()
})

test("a view of an attached database reads its own tables, whatever the session's USE", async () => {
  const db = await Database.open()
  await db.exec(`ATTACH ':memory:' AS a; CREATE TABLE a.t (x INTEGER); INSERT INTO a.t VALUES (1); CREATE VIEW a.v AS SELECT x FROM t`)
  await db.exec('CREATE SCHEMA s; CREATE TABLE s.t (x INTEGER); INSERT INTO s.t VALUES (2), (3); CREATE TABLE t (x INTEGER); USE memory.s')
  assert.deepEqual(await rows(db, 'SELECT current_database(), current_schema()'), [['memory', 's']])
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM t'), [[2]])
  assert.deepEqual(await rows(db, 'SELECT * FROM a.v'), [[1]])
  assert.deepEqual(await rows(db, 'SHOW TABLES'), [['t']])
  await db.exec('CREATE TABLE u (y INTEGER)')
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM memory.s.u'), [[0]])
  await db.close()
})

test('CREATE MODEL under USE of an attached file stores the model there', async () => {
  const MAGIC = 'TINYMODEL\n'
  const signature = { inputs: [{ name: 'x', type: 'float32', shape: ['N', 1] }], outputs: [{ name: 'y', type: 'float32', shape: ['N', 1] }] }
  const tiny: ModelFormatDef = {
    name: 'tiny', extensions: ['tiny'],
    sniff: bytes => Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') === MAGIC,
    describe: bytes => JSON.parse(Buffer.from(bytes.subarray(MAGIC.length)).toString('utf8')) as ModelSignature,
  }
  const model = join(dir, `m${n++}.tiny`)
  writeFileSync(model, MAGIC + JSON.stringify(signature))
  const path = fresh()
  const db = await Database.open()
  db.hooks.registerModelFormat(tiny)
  await db.exec(`ATTACH '${path}' AS a; USE a; CREATE MODEL churn FROM '${model}'`)
  assert.deepEqual(((await rows(db, 'SHOW MODELS')) as unknown[][]).map(r => r[0]), ['churn'])
  await db.exec('USE memory')
  assert.deepEqual(await rows(db, 'SHOW MODELS'), [])
  await db.exec(`DETACH a; ATTACH '${path}' AS b; USE b`)
  assert.deepEqual(((await rows(db, 'SHOW MODELS')) as unknown[][]).map(r => r[0]), ['churn'])
  await db.exec('DROP MODEL churn')
  assert.deepEqual(await rows(db, 'SHOW MODELS'), [])
  await db.close()
})

test('sequences of an attached database: nextval by qualified name or under USE, counters stored in its file', async () => {
  const path = fresh()
  const db = await Database.open()
  await db.exec(`CREATE SEQUENCE seq START WITH 100; ATTACH '${path}' AS a; CREATE SEQUENCE a.seq START WITH 1`)
  assert.deepEqual(await rows(db, "SELECT nextval('seq'), nextval('a.seq'), nextval('a.main.seq')"), [[100, 1, 2]])
  await db.exec('USE a')
  assert.deepEqual(await rows(db, "SELECT nextval('seq'), currval('seq')"), [[3, 3]])
  await db.exec('CREATE TABLE t (id BIGINT DEFAULT nextval(\'seq\'), v VARCHAR); INSERT INTO t (v) VALUES (\'x\'), (\'y\')')
  assert.deepEqual(await rows(db, 'SELECT id FROM t ORDER BY id'), [[4], [5]])
  await db.exec('USE memory')
  await fails(db.query("SELECT nextval('nope.main.seq')"), '3D000', /database "nope" does not exist/)
  await db.exec('DETACH a')
  await db.exec(`ATTACH '${path}' AS a`)
  assert.deepEqual(await rows(db, "SELECT nextval('a.seq'), nextval('seq')"), [[6, 101]])
  await db.exec(`DETACH a; ATTACH '${path}' AS r (READ_ONLY)`)
  await fails(db.query("SELECT nextval('r.seq')"), '25006', /read-only/, false)
  await db.close()
})
