import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Database, type Connection } from '../../../core/database.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { runningWorkers, workerPool } from '../../../core/execution/parallel/pool.ts'
import { fails } from '../../expect-error.ts'

const ROWS = 100_000

/** NULLs in every column, several row groups, values whose DECIMAL sums pass 2^53 */
async function table(db: Database): Promise<void> {
  await db.exec(`CREATE TABLE t (id INTEGER, k SMALLINT, g INTEGER, d DATE, p DECIMAL(15,2), q DECIMAL(12,4), x DOUBLE, b BOOLEAN, s VARCHAR)`)
  await db.exec(`INSERT INTO t SELECT i,
      CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7) % 11 END,
      (i * 31) % 1000,
      CASE WHEN i % 17 = 0 THEN NULL ELSE DATE '2020-01-01' + CAST(i % 700 AS INTEGER) END,
      CASE WHEN i % 19 = 0 THEN NULL ELSE CAST((i * 7919) % 100000 AS DECIMAL(15,2)) / 100 + 99999990000.00 * (i % 2) END,
      CASE WHEN i % 23 = 0 THEN NULL ELSE CAST(i % 100 AS DECIMAL(12,4)) / 1000 END,
      CASE WHEN i % 29 = 0 THEN NULL ELSE (i % 1000) * 0.5 END,
      CASE WHEN i % 31 = 0 THEN NULL ELSE i % 3 = 0 END,
      'row ' || i
    FROM range(${ROWS}) r(i)`)
}

const QUERIES = [
  `SELECT count(*), count(k), sum(p), avg(p), min(p), max(p), sum(id), avg(id), min(d), max(d), sum(q * g), sum(g * (1 - q)), min(k), max(g) FROM t`,
  // products past 2^53: the kernel hands the fragment back to the serial path
  `SELECT sum(p * (1 - q)), count(*) FROM t WHERE id > 10`,
  `SELECT k, count(*), sum(p), avg(q), min(id), max(d), count(x) FROM t WHERE x > 100 AND b GROUP BY k`,
  `SELECT d, sum(p), count(*) FROM t WHERE p BETWEEN 10 AND 500 AND k IN (1, 2, 3, NULL) GROUP BY d`,
  `SELECT g, sum(y), min(id) FROM (SELECT g, p * 2 AS y, id FROM t) WHERE id > 1000 AND NOT (g < 10 OR y IS NULL) GROUP BY g`,
  `SELECT k, count(*) FILTER (WHERE g > 500), sum(g + k) FILTER (WHERE d IS NOT NULL), avg(g) FROM t GROUP BY k`,
  `SELECT count(*), sum(p), min(d) FROM t WHERE id < 0`,
  `SELECT k, sum(p) FROM t WHERE id < 0 GROUP BY k`,
  // keys below 0 and past 65535 (a Map per thread) beside small ones (an array)
  `SELECT (g - 500) * 200 AS key, count(*), sum(p) FROM t WHERE id < 90000 GROUP BY (g - 500) * 200`,
  // DOUBLE sums: added per morsel, then in morsel order, for any number of threads
  `SELECT sum(x), avg(x), count(x), sum(x * 0.1) FROM t WHERE g > 3`,
]

async function plan(c: Database | Connection, sql: string, params: unknown[] = []): Promise<string> {
  return (await c.query(`EXPLAIN ${sql}`, params)).rows.map(r => String(r[1])).join('\n')
}

/** rows with threads = 1, then threads = 4 (checking the fragment is parallel), in the same session */
async function both(c: Database | Connection, sql: string, params: unknown[] = []): Promise<[string, string]> {
  await c.exec('SET threads = 1')
  const one = JSON.stringify((await c.query(sql, params)).textRows())
  await c.exec('SET threads = 4')
  assert.match(await plan(c, sql, params), /PARALLEL_(UNGROUPED_AGGREGATE|HASH_GROUP_BY).*threads=4/, sql)
  const four = JSON.stringify((await c.query(sql, params)).textRows())
  return [one, four]
}

test('parallel aggregates give the single-threaded results: NULLs, DECIMAL sums past 2^53, filters, projections, FILTER, empty input', async () => {
  const db = await Database.open()
  try {
    await table(db)
    for (const q of QUERIES) {
      const [one, four] = await both(db, q)
      assert.equal(four, one, q)
    }
    // the exact DECIMAL total, checked against BigInt arithmetic
    let expected = 0n
    for (let i = 0; i < ROWS; i++) if (i % 19 !== 0) expected += BigInt((i * 7919) % 100000) + 9999999000000n * BigInt(i % 2)
    const text = (await db.query('SELECT CAST(sum(p) AS VARCHAR) FROM t')).rows[0]![0] as string
    assert.equal(text.replace('.', ''), expected.toString())
    // EXPLAIN ANALYZE reports the threads used
    const analyzed = (await db.query(`EXPLAIN ANALYZE ${QUERIES[2]}`)).rows.map(r => String(r[1])).join('\n')
    assert.match(analyzed, /PARALLEL_HASH_GROUP_BY .*\(4 threads, 7 morsels\)/)
    // zone maps rule out the first row group (ids 0..65535), as they do for the serial scan
    const sql = 'SELECT k, count(*), sum(p) FROM t WHERE id >= 70000 GROUP BY k'
    const [one, four] = await both(db, sql)
    assert.equal(four, one)
    assert.match((await db.query(`EXPLAIN ANALYZE ${sql}`)).rows.map(r => String(r[1])).join('\n'), /\(3 threads, 3 morsels\)/)
  } finally { await db.close() }
})

test('parameters reach the workers; unsupported expressions and small tables stay serial', async () => {
  const db = await Database.open()
  try {
    await table(db)
    const sql = 'SELECT g, sum(p), count(*) FROM t WHERE id > $1 AND p < $2 GROUP BY g'
    const [one, four] = await both(db, sql, [5000, 400])
    assert.equal(four, one)
    await db.exec('SET threads = 4')
    // string columns, modulo and DOUBLE sums are not computed by the workers
    for (const q of ['SELECT count(s) FROM t', 'SELECT sum(id % 7) FROM t', 'SELECT k, sum(x) FROM t GROUP BY k', 'SELECT s, count(*) FROM t GROUP BY s']) {
      assert.doesNotMatch(await plan(db, q), /PARALLEL_/, q)
    }
    await db.exec('CREATE TABLE small AS SELECT * FROM t LIMIT 1000')
    assert.doesNotMatch(await plan(db, 'SELECT sum(p) FROM small'), /PARALLEL_/)
    // with one thread only DOUBLE sums take the kernel (so they add in the same order as with more)
    await db.exec('SET threads = 1')
    assert.match(await plan(db, 'SELECT sum(x) FROM t'), /PARALLEL_UNGROUPED_AGGREGATE .*threads=1/)
    assert.doesNotMatch(await plan(db, 'SELECT sum(p) FROM t'), /PARALLEL_/)
    await db.exec('SET threads = 4')
    // a key with about as many values as rows stays serial: merging the threads' groups would cost more
    assert.doesNotMatch(await plan(db, 'SELECT id, sum(p) FROM t GROUP BY id'), /PARALLEL_/)
    assert.doesNotMatch(await plan(db, 'SELECT id * 2, sum(p) FROM t GROUP BY id * 2'), /PARALLEL_/)
    assert.match(await plan(db, 'SELECT g * 2, sum(p) FROM t GROUP BY g * 2'), /PARALLEL_/)
    // the rule can be switched off like any other
    await db.exec(`SET disabled_optimizers = 'parallel_aggregate'`)
    assert.doesNotMatch(await plan(db, 'SELECT sum(p) FROM t'), /PARALLEL_/)
  } finally { await db.close() }
})

test('deleted rows and another transaction\'s uncommitted rows are invisible to the workers', async () => {
  const db = await Database.open()
  try {
    await table(db)
    await db.exec('DELETE FROM t WHERE id % 5 = 0')
    const reader = db.connect(), writer = db.connect()
    const before: string[] = []
    for (const q of QUERIES) {
      const [one, four] = await both(reader, q)
      assert.equal(four, one, q)
      before.push(four)
    }
    await writer.exec('BEGIN')
    await writer.exec(`INSERT INTO t SELECT i, 1, 1, DATE '2021-01-01', 99999.99, 1, 1, true, 'new' FROM range(${ROWS}, ${ROWS + 40000}) r(i)`)
    await writer.exec('DELETE FROM t WHERE id < 20000')
    for (const [x, q] of QUERIES.entries()) {
      const [one, four] = await both(reader, q)
      assert.equal(four, one, q)
      assert.equal(four, before[x], `${q} sees the other transaction's changes`)
    }
    // the writer sees its own changes, in parallel too
    const [wOne, wFour] = await both(writer, QUERIES[0]!)
    assert.equal(wFour, wOne)
    assert.notEqual(wFour, before[0])
    // an uncommitted UPDATE leaves old values to restore: the fragment runs serially
    await writer.exec('UPDATE t SET p = 1 WHERE id BETWEEN 30000 AND 30100')
    await reader.exec('SET threads = 4')
    const analyzed = (await reader.query(`EXPLAIN ANALYZE ${QUERIES[0]}`)).rows.map(r => String(r[1])).join('\n')
    assert.match(analyzed, /ran serially/)
    assert.equal(JSON.stringify((await reader.query(QUERIES[0]!)).textRows()), before[0])
    await writer.exec('ROLLBACK')
    await reader.close(); await writer.close()
  } finally { await db.close() }
})

test('a value the workers cannot compute exactly gives the serial error', async () => {
  const db = await Database.open()
  try {
    await table(db)
    await db.exec('SET threads = 1')
    const serial = await fails(() => db.query('SELECT sum(id * 100000) FROM t'), '22003', /overflow/i, false)
    await db.exec('SET threads = 4')
    assert.match(await plan(db, 'SELECT sum(id * 100000) FROM t'), /PARALLEL_/)
    const parallel = await fails(() => db.query('SELECT sum(id * 100000) FROM t'), '22003', /overflow/i, false)
    assert.equal(parallel.message, serial.message)
  } finally { await db.close() }
})

test('a kernel that throws in a worker is a GrizzlyError (58000) and the pool stays usable', async () => {
  const db = await Database.open()
  try {
    const source = (failInWorker: boolean): string => `return function run(groups, morsels, counter, count, tick) {
      if (${failInWorker} && globalThis.grizzlyWorkerThread === true) throw new Error('kernel failed on purpose')
      let taken = 0
      for (;;) { if (Atomics.add(counter, 0, 1) >= count) break; taken++ }
      return taken
    }`
    const morsels = new Int32Array(new SharedArrayBuffer(3 * 4 * 100))
    const err = (() => { try { workerPool().run({ source: source(true), consts: [], groups: [], morsels }, 2); return null } catch (e) { return e } })()
    assert.ok(err instanceof GrizzlyError, String(err))
    assert.equal(err.code, '58000')
    assert.match(err.message, /kernel failed on purpose/)
    assert.ok((err.hint ?? '').includes('threads'))
    // what the calling thread's tick throws (a cancellation) stops the workers and comes back as is
    let ticks = 0
    const canceled = new GrizzlyError('57014', 'query canceled')
    assert.throws(() => workerPool().run({ source: `${source(false).replace('let taken = 0', 'let taken = 0; if (tick !== null) tick()')}`, consts: [], groups: [], morsels }, 2, () => { if (++ticks === 1) throw canceled }), (e: unknown) => e === canceled)
    // a worker thread that ends mid-query: 58000, and the next query starts new workers
    const ended = (() => { try { workerPool().run({ source: source(false).replace('let taken = 0', 'if (globalThis.grizzlyWorkerThread === true) process.exit(3); let taken = 0'), consts: [], groups: [], morsels }, 2); return null } catch (e) { return e } })()
    assert.ok(ended instanceof GrizzlyError, String(ended))
    assert.equal(ended.code, '58000')
    assert.match(ended.message, /ended/)
    assert.equal(runningWorkers(), 0)
    const ok = workerPool().run({ source: source(false), consts: [], groups: [], morsels }, 2)
    assert.equal(ok.kind, 'done')
    if (ok.kind === 'done') assert.equal((ok.partials as number[]).reduce((a, b) => a + b, 0), 100)
    await table(db)
    const [one, four] = await both(db, QUERIES[2]!)
    assert.equal(four, one)
    await fails(() => db.exec('SET threads = 0'), '22023', /threads/)
  } finally { await db.close() }
})

test('closing the last database ends the workers, and the process exits', () => {
  const here = fileURLToPath(new URL('.', import.meta.url))
  const script = `
    import { Database } from '${here}../../../core/database.ts'
    import { runningWorkers } from '${here}../../../core/execution/parallel/pool.ts'
    const db = await Database.open()
    await db.exec("CREATE TABLE t AS SELECT CAST(i AS INTEGER) AS i, CAST(i % 10 AS INTEGER) AS k FROM range(100000) r(i)")
    await db.exec('SET threads = 3')
    const r = await db.query('SELECT k, sum(i) FROM t GROUP BY k')
    const during = runningWorkers()
    await db.close()
    console.log(JSON.stringify({ groups: r.rows.length, during, after: runningWorkers() }))
  `
  const child = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
  assert.equal(child.signal, null, `the child did not exit: ${child.stderr}`)
  assert.equal(child.status, 0, child.stderr)
  assert.deepEqual(JSON.parse(child.stdout.trim().split('\n').pop()!), { groups: 10, during: 2, after: 0 })
  assert.equal(runningWorkers() >= 0, true)
})
