import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../index.ts'

const code = (c: string) => (e: unknown) => e instanceof GrizzlyError && e.code === c

async function withTable(rows = 1000) {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, v VARCHAR);
    INSERT INTO t SELECT i, CASE WHEN i = 0 THEN 1 ELSE 2 END, 'v' || i FROM range(0, ${rows}) r(i);
    CREATE INDEX t_k ON t (k)`)
  return db
}

test('a prepared statement is planned once and run with each execution’s values', async () => {
  const db = await withTable()
  const s = await db.prepare('SELECT v FROM t WHERE id = $1')
  for (let i = 0; i < 50; i++) assert.deepEqual((await s.query([i * 7])).rows, [[`v${i * 7}`]])
  assert.deepEqual((await s.query([-5])).rows, [])
  assert.deepEqual(s.planMisses, [1])
})

test('other parameter types plan again', async () => {
  const db = await withTable()
  const s = await db.prepare('SELECT v FROM t WHERE id = $1')
  assert.deepEqual((await s.query([3])).rows, [['v3']])
  assert.deepEqual((await s.query(['4'])).rows, [['v4']])
  assert.deepEqual((await s.query([5n])).rows, [['v5']])
  assert.deepEqual((await s.query([6n])).rows, [['v6']])
  assert.deepEqual(s.planMisses, [3])
})

test('an index chosen for rare values is not kept for common ones', async () => {
  const db = await withTable()
  const s = await db.prepare('SELECT count(*) FROM t WHERE k = $1')
  assert.deepEqual((await s.query([1])).rows, [[1n]])
  assert.deepEqual((await s.query([1])).rows, [[1n]])
  assert.deepEqual(s.planMisses, [1])
  // 999 of 1000 rows: the kept index scan no longer fits, so the statement is planned again
  assert.deepEqual((await s.query([2])).rows, [[999n]])
  assert.deepEqual(s.planMisses, [2])
  // and a plain scan kept for a common value gives way to the index for a rare one
  assert.deepEqual((await s.query([1])).rows, [[1n]])
  assert.deepEqual(s.planMisses, [3])
  const ex = await db.prepare('EXPLAIN SELECT count(*) FROM t WHERE k = $1')
  assert.match(String((await ex.query([1])).rows[0]![1]), /INDEX_SCAN/)
  assert.doesNotMatch(String((await ex.query([2])).rows[0]![1]), /INDEX_SCAN/)
})

test('DDL, indexes and settings make kept plans plan again', async () => {
  const db = await withTable(100)
  const s = await db.prepare('SELECT * FROM t WHERE id = $1')
  assert.deepEqual((await s.query([1])).rows, [[1, 2, 'v1']])
  await db.exec('ALTER TABLE t ADD COLUMN w INTEGER DEFAULT 7')
  assert.deepEqual((await s.query([1])).rows, [[1, 2, 'v1', 7]])
  await db.exec('ALTER TABLE t ALTER v TYPE INTEGER USING length(v)')
  assert.deepEqual((await s.query([1])).rows, [[1, 2, 2, 7]])
  await db.exec('DROP TABLE t')
  await assert.rejects(s.query([1]), code('42P01'))
  await db.exec("CREATE TABLE t (id INTEGER, note VARCHAR); INSERT INTO t VALUES (1, 'new')")
  assert.deepEqual((await s.query([1])).rows, [[1, 'new']])
  const misses = s.planMisses[0]!
  await db.exec("SET disabled_optimizers = 'index_scan'")
  assert.deepEqual((await s.query([1])).rows, [[1, 'new']])
  assert.equal(s.planMisses[0], misses + 1)
})

test('a table created in a rolled-back transaction is gone for a kept plan', async () => {
  const db = await Database.open()
  const c = db.connect()
  await c.query('BEGIN')
  await c.query('CREATE TABLE tmp (a INTEGER)')
  await c.query('INSERT INTO tmp VALUES (1)')
  const s = await c.prepare('SELECT a + $1 FROM tmp')
  assert.deepEqual((await s.query([1])).rows, [[2]])
  await c.query('ROLLBACK')
  await assert.rejects(s.query([1]), code('42P01'))
})

test('DDL in another session makes kept plans plan again', async () => {
  const db = await withTable(10)
  const other = db.connect()
  const s = await db.prepare('SELECT * FROM t WHERE id = $1')
  assert.equal((await s.query([2])).rows[0]!.length, 3)
  await other.query('ALTER TABLE t DROP COLUMN v')
  assert.deepEqual((await s.query([2])).rows, [[2, 2]])
})

test('DML through a kept plan sees the rows of the moment', async () => {
  const db = await withTable(10)
  const up = await db.prepare('UPDATE t SET v = $2 WHERE id = $1')
  const get = await db.prepare('SELECT v FROM t WHERE id = $1')
  for (let i = 0; i < 5; i++) {
    assert.equal((await up.query([i, `x${i}`])).changes, 1)
    assert.deepEqual((await get.query([i])).rows, [[`x${i}`]])
  }
  assert.deepEqual([up.planMisses, get.planMisses], [[1], [1]])
})

test('SQL PREPARE / EXECUTE / DEALLOCATE', async () => {
  const db = await withTable(10)
  await db.query('PREPARE one AS SELECT v FROM t WHERE id = $1')
  assert.deepEqual((await db.query('EXECUTE one(3)')).rows, [['v3']])
  assert.deepEqual((await db.query('EXECUTE one(1 + 1)')).rows, [['v2']])
  await db.query('PREPARE two AS SELECT ? + ?, ?')
  assert.deepEqual((await db.query("EXECUTE two(1, 2, 'x')")).rows, [[3, 'x']])
  // declared types convert the arguments
  await db.query("PREPARE typed (INTEGER, VARCHAR) AS SELECT $1 + 1, $2 || '!'")
  assert.deepEqual((await db.query("EXECUTE typed('41', 5)")).rows, [[42, '5!']])
  // DML, and a name prepared again is replaced
  await db.query('PREPARE one AS DELETE FROM t WHERE id < $1')
  const r = await db.query('EXECUTE one(5)')
  assert.equal(r.changes, 5)
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[5n]])
  await db.query('PREPARE lim AS SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?')
  assert.deepEqual((await db.query('EXECUTE lim(2, 1)')).rows, [[6], [7]])
  await db.query('DEALLOCATE lim')
  await assert.rejects(db.query('EXECUTE lim(2, 1)'), code('26000'))
  await db.query('DEALLOCATE ALL')
  await assert.rejects(db.query('EXECUTE two(1, 2, 3)'), code('26000'))
})

test('bad PREPARE / EXECUTE / DEALLOCATE are errors with hints', async () => {
  const db = await withTable(10)
  await db.query('PREPARE q AS SELECT v FROM t WHERE id = $1')
  await assert.rejects(db.query('EXECUTE q'), (e: unknown) => e instanceof GrizzlyError && e.code === '42P02' && /expects 1 parameter/.test(e.message) && e.hint !== undefined)
  await assert.rejects(db.query('EXECUTE q(1, 2)'), code('42P02'))
  await assert.rejects(db.query('EXECUTE qq(1)'), (e: unknown) => e instanceof GrizzlyError && e.code === '26000' && e.hint === 'did you mean "q"?' && e.position === 0)
  await assert.rejects(db.query('DEALLOCATE nothing'), code('26000'))
  await assert.rejects(db.query('EXECUTE q(v)'), code('42703'))
  await db.query('PREPARE typed (INTEGER) AS SELECT $1')
  await assert.rejects(db.query("EXECUTE typed('x')"), code('22P02'))
  await assert.rejects(db.query('PREPARE AS SELECT 1'), code('42601'))
  await assert.rejects(db.query('PREPARE z SELECT 1'), code('42601'))
  // a prepared statement whose table changed binds again, and says so when it no longer can
  await db.exec('CREATE TABLE u (a INTEGER); INSERT INTO u VALUES (1)')
  await db.query('PREPARE plus AS SELECT a + $1 FROM u')
  assert.deepEqual((await db.query('EXECUTE plus(1)')).rows, [[2]])
  await db.query("ALTER TABLE u ALTER a TYPE VARCHAR USING 'a' || a")
  await assert.rejects(db.query('EXECUTE plus(1)'), code('42883'))
  // prepared statements belong to their session
  await assert.rejects(db.connect().query('EXECUTE q(1)'), code('26000'))
})

test('kept plans answer as plain scans do, over seeded values of every kind', async () => {
  const db = await withTable(300)
  await db.exec('CREATE TABLE pair (a INTEGER, b INTEGER, PRIMARY KEY (a, b)); INSERT INTO pair SELECT i % 17, i FROM range(0, 300) r(i)')
  const statements = [
    'SELECT v FROM t WHERE id = $1',
    'SELECT v FROM t WHERE id = $1 AND k = 2',
    'SELECT count(*) FROM t WHERE k = $1',
    'SELECT id FROM t WHERE id >= $1 AND id < $1 + 3 ORDER BY id',
    'SELECT b FROM pair WHERE a = $1 AND b < 40 ORDER BY b',
  ]
  const fast = await Promise.all(statements.map(sql => db.prepare(sql)))
  const plain = db.connect()
  await plain.query("SET disabled_optimizers = 'index_scan'")
  let seed = 7
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed }
  for (let i = 0; i < 60; i++) {
    const kind = next() % 4
    const value = kind === 0 ? null : kind === 1 ? BigInt(next() % 320) : kind === 2 ? next() % 320 - 10 : next() % 3
    for (const [j, sql] of statements.entries()) {
      assert.deepEqual((await fast[j]!.query([value])).rows, (await plain.query(sql, [value])).rows, `${sql} with ${String(value)}`)
    }
  }
})

test('kept plans see each execution’s clock and the rows of the moment in subqueries', async () => {
  const db = await withTable(10)
  const clock = await db.prepare('SELECT CAST(now() AS VARCHAR), $1')
  const first = (await clock.query([1])).rows[0]![0]
  await new Promise(resolve => setTimeout(resolve, 5))
  assert.notEqual((await clock.query([1])).rows[0]![0], first)
  assert.deepEqual(clock.planMisses, [1])
  const last = await db.prepare('SELECT v FROM t WHERE id = (SELECT max(id) FROM t) AND $1')
  assert.deepEqual((await last.query([true])).rows, [['v9']])
  await db.query("INSERT INTO t VALUES (50, 1, 'fifty')")
  assert.deepEqual((await last.query([true])).rows, [['fifty']])
  // a default of now() is computed per row, not when the table was made
  await db.query('CREATE TABLE stamps (i INTEGER, at TIMESTAMP DEFAULT localtimestamp)')
  await db.query('INSERT INTO stamps (i) VALUES (1)')
  await new Promise(resolve => setTimeout(resolve, 5))
  await db.query('INSERT INTO stamps (i) VALUES (2)')
  assert.deepEqual((await db.query('SELECT count(DISTINCT at) FROM stamps')).rows, [[2n]])
})

test('more values than placeholders are refused, for prepared statements and plain queries alike', async () => {
  const db = await withTable(10)
  const s = await db.prepare('SELECT v FROM t WHERE id = $1')
  const tooMany = (given: number, expected: number) => (e: unknown) =>
    e instanceof GrizzlyError && e.code === '42P02' && e.message.includes(`takes ${expected} parameter value(s), but ${given} were given`) && e.hint !== undefined
  await assert.rejects(s.query([1, 2]), tooMany(2, 1))
  assert.deepEqual((await s.query([1])).rows, [['v1']])
  await assert.rejects(db.query('SELECT v FROM t WHERE id = $1', [1, 2]), tooMany(2, 1))
  await assert.rejects(db.query('SELECT 1', [1]), tooMany(1, 0))
  await assert.rejects(db.query('SELECT v FROM t WHERE id = ? OR id = ?', [1, 2, 3]), tooMany(3, 2))
  // the highest $n counts, not how many distinct ones appear; a script shares one list
  assert.deepEqual((await db.query('SELECT $2::INTEGER', [null, 7])).rows, [[7]])
  assert.deepEqual((await db.query('SELECT $1::INTEGER AS a; SELECT $2::INTEGER AS b', [1, 2])).rows, [[2]])
  // fewer values than placeholders is still the binder's error, with the placeholder's position
  await assert.rejects(db.query('SELECT $2::INTEGER', [1]), (e: unknown) => e instanceof GrizzlyError && e.code === '42P02' && e.position === 7)
})
