import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from '../../index.ts'
import { Database as CoreDatabase } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { readStoredRoutines } from '../../core/storage/routines.ts'
import { cleanup, rejects, tempRoot } from './helpers.ts'

const root = tempRoot('grz-routines-persist-')
test.after(() => cleanup(root))

/** a WASM module exporting twice(f64) → f64 */
const TWICE_WASM = Buffer.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x06, 0x01, 0x60, 0x01, 0x7c, 0x01, 0x7c,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x09, 0x01, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x00,
  0x0a, 0x10, 0x01, 0x0e, 0x00, 0x20, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xa2, 0x0b,
]).toString('hex')

const CREATE_ALL = [
  'CREATE FUNCTION plus_one(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x + 1 $$',
  `CREATE FUNCTION shout(s VARCHAR) RETURNS VARCHAR LANGUAGE javascript AS $$ return s.toUpperCase() + '!' $$`,
  `CREATE AGGREGATE mul_all(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$
     { init: () => 1, step: (p, x) => p * x, combine: (a, b) => a * b, finalize: p => p } $$`,
  `CREATE FUNCTION twice(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${TWICE_WASM}'`,
]

async function checkAll(db: Awaited<ReturnType<typeof Database.open>>): Promise<void> {
  const r = await db.query(`SELECT plus_one(1.5), shout('hi'), twice(4.0), (SELECT mul_all(x) FROM (VALUES (2.0), (3.0), (4.0)) t(x))`)
  assert.deepEqual(r.rows, [[2.5, 'HI!', 8, 24]])
}

function runChild(path: string, statements: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', fileURLToPath(new URL('./routines-child.ts', import.meta.url)), path, ...statements],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: fileURLToPath(new URL('../..', import.meta.url)) })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.stdout.setEncoding('utf8').on('data', (d: string) => { if (d.includes('done')) child.kill('SIGKILL') })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`child exited with ${code ?? signal} before it was killed: ${stderr}`))
    })
  })
}

test('functions and aggregates in JavaScript and WASM survive close and reopen, and so does a view that calls one', async () => {
  const path = join(root, 'reopen.grz')
  let db = await Database.open(path)
  for (const sql of CREATE_ALL) await db.query(sql)
  await db.exec(`CREATE TABLE t (x DOUBLE); INSERT INTO t VALUES (1), (2);
                 CREATE VIEW v AS SELECT plus_one(x) AS y FROM t`)
  await db.close()
  db = await Database.open(path)
  await checkAll(db)
  assert.deepEqual((await db.query('SELECT y FROM v ORDER BY y')).rows, [[2], [3]])
  // the definition comes back as written (WASM as the module's hex)
  const defs = db.extensionHost!.routines()
  assert.deepEqual(defs.map(d => d.name).sort(), ['mul_all', 'plus_one', 'shout', 'twice'])
  assert.equal(defs.find(d => d.name === 'twice')!.body, TWICE_WASM)
  await db.close()
  // read-only opens bring them back too
  const reader = await Database.open(path, { readOnly: true })
  await checkAll(reader)
  await reader.close()
})

test('a killed process keeps every committed CREATE and DROP FUNCTION (kill -9 after the commits)', async () => {
  const path = join(root, 'crash.grz')
  await runChild(path, [...CREATE_ALL, 'CREATE TABLE t (x DOUBLE)', 'INSERT INTO t VALUES (41)',
    'CREATE FUNCTION gone(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$', 'DROP FUNCTION gone'])
  let db = await Database.open(path)
  await checkAll(db)
  // the row went through the WAL after the checkpoint that stored the functions
  assert.deepEqual((await db.query('SELECT plus_one(x) FROM t')).rows, [[42]])
  await rejects(db.query('SELECT gone(1.0)'), '42883')
  await db.close()
  // a DROP right before the kill is durable too
  await runChild(path, ['DROP FUNCTION shout', 'INSERT INTO t VALUES (1)'])
  db = await Database.open(path)
  await rejects(db.query(`SELECT shout('x')`), '42883')
  assert.deepEqual((await db.query('SELECT plus_one(x) FROM t ORDER BY x')).rows, [[2], [42]])
  await db.close()
})

test('DROP FUNCTION persists; CREATE and DROP inside a rolled-back transaction leave nothing behind', async () => {
  const path = join(root, 'drop.grz')
  let db = await Database.open(path)
  for (const sql of CREATE_ALL) await db.query(sql)
  await db.query('DROP FUNCTION plus_one')
  await db.exec('BEGIN; CREATE FUNCTION temp_fn(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$; DROP FUNCTION twice; ROLLBACK')
  await rejects(db.query('SELECT temp_fn(1.0)'), '42883')
  assert.deepEqual((await db.query('SELECT twice(2.0)')).rows, [[4]])
  // a failed statement inside a transaction puts back what it dropped before failing
  await db.exec('BEGIN')
  await rejects(db.query('DROP FUNCTION shout, no_such_function'), '42883')
  assert.deepEqual((await db.query(`SELECT shout('a')`)).rows, [['A!']])
  await db.exec('COMMIT')
  await db.close()
  db = await Database.open(path)
  await rejects(db.query('SELECT plus_one(1.0)'), '42883')
  await rejects(db.query('SELECT temp_fn(1.0)'), '42883')
  assert.deepEqual((await db.query(`SELECT twice(2.0), shout('a')`)).rows, [[4, 'A!']])
  await db.close()
})

test('opened without the extension host: the open works, calls fail naming the cause, and the functions stay stored', async () => {
  const path = join(root, 'nohost.grz')
  let db = await Database.open(path)
  for (const sql of CREATE_ALL) await db.query(sql)
  await db.exec('CREATE TABLE t (x DOUBLE); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT plus_one(x) AS y FROM t')
  await db.close()
  const core = await CoreDatabase.open(path)
  const e = await rejects(core.query('SELECT plus_one(x) FROM t'), '0A000', /plus_one .*stored in this database.*extension host/)
  assert.match(e.hint ?? '', /package entry/)
  await rejects(core.query('SELECT * FROM v'), '0A000', /plus_one/)
  await rejects(core.query('SELECT mul_all(x) FROM t'), '0A000', /mul_all/)
  // no host: functions can be neither created nor dropped here
  await rejects(core.query('DROP FUNCTION plus_one'), '0A000')
  // a checkpoint by this process (DDL, then close) stores them again untouched
  await core.exec('CREATE TABLE u (y INTEGER)')
  await core.close()
  db = await Database.open(path)
  await checkAll(db)
  assert.deepEqual((await db.query('SELECT * FROM v')).rows, [[2]])
  await db.close()
})

test('a policy that forbids a language: the open works, those functions fail with 42501 naming the rule, others run', async () => {
  const path = join(root, 'policy.grz')
  let db = await Database.open(path)
  for (const sql of CREATE_ALL) await db.query(sql)
  await db.close()
  db = await Database.open(path, { policy: { procedural_languages: ['wasm'] } })
  assert.deepEqual((await db.query('SELECT twice(1.5)')).rows, [[3]])
  const e = await rejects(db.query('SELECT plus_one(1.0)'), '42501', /plus_one .*procedural_languages/)
  assert.match(e.hint ?? '', /procedural_languages/)
  await rejects(db.query('SELECT mul_all(x) FROM (VALUES (1.0)) t(x)'), '42501')
  // still listed, and replaced or dropped like any other
  assert.deepEqual(db.extensionHost!.routines().map(d => d.name).sort(), ['mul_all', 'plus_one', 'shout', 'twice'])
  await rejects(db.query('CREATE FUNCTION shout(s VARCHAR) RETURNS VARCHAR LANGUAGE javascript AS $$ s $$'), '42501')
  await db.query('DROP FUNCTION shout')
  await db.close()
  db = await Database.open(path)
  await rejects(db.query(`SELECT shout('x')`), '42883')
  assert.deepEqual((await db.query('SELECT plus_one(1.0), twice(1.0)')).rows, [[2, 2]])
  await db.close()
})

test('a malformed stored function list is reported as damage (XX001), not loaded', () => {
  const corrupt = (what: string) => new GrizzlyError('XX001', what)
  assert.deepEqual(readStoredRoutines(undefined, corrupt), [])
  const good = { name: 'f', kind: 'scalar', language: 'javascript', params: [{ name: 'x', type: 'DOUBLE' }], returns: 'DOUBLE', body: 'x', symbol: null, sql: 'CREATE …' }
  assert.deepEqual(readStoredRoutines([good], corrupt), [good])
  for (const bad of [{}, [{ ...good, kind: 'table' }], [{ ...good, params: [{ name: 1 }] }], [{ ...good, body: null }], [null]]) {
    assert.throws(() => readStoredRoutines(bad, corrupt), (e: unknown) => e instanceof GrizzlyError && e.code === 'XX001')
  }
})
