/**
 * Prepared point lookups by key through the public API: every column type, NULLs, the rowid,
 * composite and UNIQUE keys and parameter coercion answer as a table scan does; a session's
 * calls made without awaiting still run one at a time, in call order.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database, GrizzlyError } from '../../index.ts'

const code = (c: string) => (e: unknown) => e instanceof GrizzlyError && e.code === c

const WIDE = `CREATE TABLE w (
  id INTEGER PRIMARY KEY, b BOOLEAN, t TINYINT, big BIGINT, h HUGEINT, r REAL, d DOUBLE, dec DECIMAL(12,3), v VARCHAR,
  bl BLOB, dt DATE, ts TIMESTAMP, tm TIME, iv INTERVAL, l INTEGER[], f FLOAT[3], s STRUCT(a INTEGER, b VARCHAR));
INSERT INTO w VALUES
  (1, true, -3, 9007199254740993, CAST('-99999999999999999999999999999999999999' AS HUGEINT), 1.5, -2.25, 12345.678, 'één',
   '\\x01\\x02'::BLOB, DATE '2024-02-29', TIMESTAMP '2024-02-29 12:34:56.789', TIME '01:02:03', INTERVAL 3 DAY, [1, NULL, 3], [1, 2, 3]::FLOAT[3], {'a': 1, 'b': 'x'}),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, false, 0, 0, 0, 0, 0, 0, '', ''::BLOB, DATE '1970-01-01', TIMESTAMP '1970-01-01', TIME '00:00:00', INTERVAL 0 DAY, [], [NULL, 0, -1]::FLOAT[3], {'a': NULL, 'b': NULL})`

/** the same statement prepared on a session that may use the index and on one that may not */
async function bothWays(db: Database, sql: string) {
  const scanning = db.connect()
  await scanning.query("SET disabled_optimizers = 'index_scan'")
  const fast = await db.prepare(sql)
  const slow = await scanning.prepare(sql)
  return async (params: unknown[]) => {
    const a = await fast.query(params), b = await slow.query(params)
    assert.deepEqual(a.rows, b.rows, `${sql} with ${String(params)}`)
    assert.deepEqual(a.textRows(), b.textRows())
    assert.deepEqual(a.columns, b.columns)
    return a
  }
}

test('a lookup by primary key answers as a table scan does, for every column type and NULLs', async () => {
  const db = await Database.open()
  await db.exec(WIDE)
  const all = await bothWays(db, 'SELECT * FROM w WHERE id = $1')
  for (const id of [1, 2, 3, 4, null]) await all([id])
  const some = await bothWays(db, 'SELECT s, v, id, v FROM w WHERE id = $1')
  const r = await some([1])
  assert.deepEqual(r.columns.map(c => [c.name, c.type]), [['s', 'STRUCT(a INTEGER, b VARCHAR)'], ['v', 'VARCHAR'], ['id', 'INTEGER'], ['v', 'VARCHAR']])
  assert.deepEqual(r.rows, [[{ a: 1, b: 'x' }, 'één', 1, 'één']])
  assert.deepEqual(r.toObjects(), [{ s: { a: 1, b: 'x' }, v: 'één', id: 1 }])
  assert.equal(r.statementType, 'SELECT')
  assert.equal(r.rowCount, 1)
  assert.equal(r.toArrow().numRows, 1)
  await some([2])
  const rowid = await bothWays(db, 'SELECT rowid, v FROM w WHERE id = $1')
  assert.deepEqual((await rowid([3])).rows, [[2n, '']])
  await db.close()
})

test('composite, UNIQUE, BIGINT, DOUBLE and VARCHAR keys; parameters coerced as in any comparison', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE c (a INTEGER, b VARCHAR, u BIGINT UNIQUE, x DOUBLE UNIQUE, PRIMARY KEY (b, a));
    INSERT INTO c SELECT i, 'k' || (i % 7), i * 10000000000, i / 4, FROM range(0, 50) r(i)`)
  const composite = await bothWays(db, 'SELECT a, u FROM c WHERE a = $1 AND b = $2')
  assert.deepEqual((await composite([9, 'k2'])).rows, [[9, 90000000000n]])
  await composite([9, 'k3'])
  await composite([null, 'k2'])
  const unique = await bothWays(db, 'SELECT a FROM c WHERE u = $1')
  assert.deepEqual((await unique([30000000000n])).rows, [[3]])
  assert.deepEqual((await unique([0])).rows, [[0]], 'an INTEGER parameter probes a BIGINT key')
  await unique(['40000000000'])
  await unique([5])
  const dbl = await bothWays(db, 'SELECT a FROM c WHERE x = $1')
  assert.deepEqual((await dbl([2.25])).rows, [[9]])
  assert.deepEqual((await dbl([3])).rows, [[12]], 'an INTEGER parameter probes a DOUBLE key')
  await dbl([0.1])
  const int = await bothWays(db, 'SELECT b FROM c WHERE a = $1 AND b = $2')
  assert.deepEqual((await int([7n, 'k0'])).rows, [['k0']], 'a BIGINT parameter probes an INTEGER key')
  assert.deepEqual((await int(['8', 'k1'])).rows, [['k1']], 'a numeric string converts')
  await int([2 ** 40, 'k0'])
  await int([1.5, 'k1'])
  const s = await db.prepare('SELECT b FROM c WHERE a = $1 AND b = $2')
  await assert.rejects(s.query(['eight', 'k1']), code('22P02'))
  await assert.rejects(s.query([{}, 'k1']), code('22023'))
  await assert.rejects(s.query([8]), code('42P02'), 'an absent parameter')
  assert.deepEqual((await s.query([8, 'k1'])).rows, [['k1']])
  await db.close()
})

test('a lookup in a database file reads rows evicted after a checkpoint, and sees later changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-lookup-'))
  try {
    const path = join(dir, 'l.grz')
    let db = await Database.open(path)
    await db.exec(WIDE)
    await db.close()
    db = await Database.open(path)
    const all = await bothWays(db, 'SELECT * FROM w WHERE id = $1')
    for (const id of [1, 2, 3]) await all([id])
    await db.exec("UPDATE w SET v = 'changed', l = NULL WHERE id = 1; DELETE FROM w WHERE id = 3")
    assert.deepEqual((await all([1])).rows[0]!.slice(8, 9), ['changed'])
    assert.deepEqual((await all([3])).rows, [])
    await db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('calls made without awaiting run one at a time in call order; a failing one rejects and the next run', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE q (id INTEGER PRIMARY KEY, v INTEGER)')
  const s = await db.prepare('SELECT v FROM q WHERE id = $1')
  const calls = [
    db.query('BEGIN'),
    db.query('INSERT INTO q VALUES (1, 10)'),
    s.query([1]),
    db.query('INSERT INTO q VALUES (1, 11)'),
    s.query([1]),
    db.query('ROLLBACK'),
    s.query([1]),
  ]
  const settled = await Promise.allSettled(calls)
  assert.deepEqual(settled.map(r => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'])
  const rows = (i: number) => (settled[i] as PromiseFulfilledResult<{ rows: unknown[][] }>).value.rows
  assert.deepEqual([rows(2), rows(4), rows(6)], [[[10]], [[10]], []])
  assert.ok(code('23505')((settled[3] as PromiseRejectedResult).reason))
  // a closed statement and a bad parameter reject; nothing is thrown at the call
  const bad = s.query([Symbol('x')])
  await assert.rejects(bad, code('22023'))
  await db.close()
})

test('a call made while a watched one waits in the queue runs after it, and one made from its progress callback after it ends', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE q (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO q SELECT i, i FROM range(0, 20000) r(i)')
  const s = await db.prepare('SELECT v FROM q WHERE id = $1')
  const order: string[] = []
  let inner: Promise<unknown> | null = null
  const watched = db.query('UPDATE q SET v = -1 WHERE v = 7', [], {
    progressIntervalMs: 0,
    onProgress: () => { inner ??= s.query([7]).then(r => { order.push(`inner ${JSON.stringify(r.rows)}`) }) },
  }).then(() => { order.push('watched') })
  const after = s.query([7]).then(r => { order.push(`after ${JSON.stringify(r.rows)}`) })
  await Promise.all([watched, after])
  assert.notEqual(inner, null, 'the progress callback ran')
  await inner
  assert.deepEqual(order, ['watched', 'after [[-1]]', 'inner [[-1]]'])
  await db.close()
})

test('a kept plan is reused for parameter types equal in value, and planned again for other ones', async () => {
  const db = await Database.open()
  await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, tags VARCHAR[]); INSERT INTO t VALUES (1, ['a', 'b']), (2, ['c'])")
  const s = await db.prepare('SELECT id FROM t WHERE tags = $1')
  // each string array binds to a VARCHAR[] type made for it: equal, not the same object
  assert.deepEqual((await s.query([['a', 'b']])).rows, [[1]])
  assert.deepEqual((await s.query([['c']])).rows, [[2]])
  assert.deepEqual(s.planMisses, [1])
  await assert.rejects(s.query([[1, 2]]), code('42883'))
  assert.deepEqual((await s.query([['c']])).rows, [[2]])
  assert.deepEqual(s.planMisses, [1], 'an INTEGER[] parameter is bound again and refused; the kept plan stays')
  assert.deepEqual((await s.query(['[c]'])).rows, [[2]], 'a string is cast to VARCHAR[]')
  assert.deepEqual(s.planMisses, [2])
  await db.close()
})

test('now() is read once per statement, during it, also from a kept plan', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE three AS SELECT * FROM range(0, 3) r(i)')
  const s = await db.prepare('SELECT now() AS a, current_timestamp AS b FROM three')
  const times: number[] = []
  for (let run = 0; run < 2; run++) {
    const before = Date.now()
    const rows = (await s.query()).rows as Date[][]
    const after = Date.now()
    const all = new Set(rows.flat().map(d => d.getTime()))
    assert.equal(all.size, 1, 'the same time in every row and column')
    const t = [...all][0]!
    assert.ok(before <= t && t <= after, `${before} <= ${t} <= ${after}`)
    times.push(t)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  assert.ok(times[1]! > times[0]!, 'each execution reads the clock')
  assert.deepEqual(s.planMisses, [1])
  await db.close()
})

test('a lookup in an attached database reads its rows in that database’s transaction', async () => {
  const db = await Database.open()
  await db.exec(`ATTACH ':memory:' AS o; CREATE TABLE o.t (id INTEGER PRIMARY KEY, v VARCHAR);
    INSERT INTO o.t SELECT i, 'v' || i FROM range(0, 100) r(i)`)
  const get = await bothWays(db, 'SELECT v FROM o.t WHERE id = $1')
  assert.deepEqual((await get([42])).rows, [['v42']])
  await get([100])
  const mine = await db.prepare('SELECT v FROM o.t WHERE id = $1')
  await db.exec("BEGIN; UPDATE o.t SET v = 'mine' WHERE id = 42")
  assert.deepEqual((await mine.query([42])).rows, [['mine']], 'its own uncommitted change')
  assert.deepEqual((await mine.query([43])).rows, [['v43']])
  await db.exec('ROLLBACK')
  assert.deepEqual((await get([42])).rows, [['v42']])
  await db.close()
})
