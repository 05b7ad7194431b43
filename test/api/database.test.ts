import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database, GrizzlyError } from '../../index.ts'

async function fresh() {
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR, score DOUBLE);
    INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', NULL), (3, NULL, 3.25)`)
  return db
}

test('query returns columns, rows, objects and text', async () => {
  const db = await fresh()
  const r = await db.query('SELECT id, name, score FROM t ORDER BY id')
  assert.deepEqual(r.columns.map(c => [c.name, c.type]), [['id', 'INTEGER'], ['name', 'VARCHAR'], ['score', 'DOUBLE']])
  assert.deepEqual(r.rows, [[1, 'a', 1.5], [2, 'b', null], [3, null, 3.25]])
  assert.deepEqual(r.toObjects()[0], { id: 1, name: 'a', score: 1.5 })
  assert.deepEqual(r.textRows()[2], ['3', null, '3.25'])
  assert.equal(r.rowCount, 3)
})

test('parameters bind by position with $n and ?', async () => {
  const db = await fresh()
  assert.deepEqual((await db.query('SELECT name FROM t WHERE id = $1', [2])).rows, [['b']])
  assert.deepEqual((await db.query('SELECT name FROM t WHERE id = ? OR id = ? ORDER BY id', [1, 3])).rows, [['a'], [null]])
  await assert.rejects(db.query('SELECT $2', [1]), (e: unknown) => e instanceof GrizzlyError && e.code === '42P02')
})

test('prepared statements run many times and refuse to run once closed', async () => {
  const db = await fresh()
  const s = await db.prepare('SELECT count(*) AS n FROM t WHERE id >= $1')
  assert.deepEqual((await s.query([1])).rows, [[3n]])
  assert.deepEqual((await s.query([3])).rows, [[1n]])
  s.close()
  await assert.rejects(s.query([1]), GrizzlyError)
})

test('exec runs a script and returns the last result', async () => {
  const db = await Database.open()
  const r = await db.exec('CREATE TABLE x (a INTEGER); INSERT INTO x VALUES (1), (2); SELECT sum(a) AS s FROM x')
  assert.equal(r.toObjects()[0]!.s, 3n)
})

test('syntax errors carry SQLSTATE 42601, a position and a caret', async () => {
  const db = await Database.open()
  await assert.rejects(db.query('SELECT 1 +\nFROM t'), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError)
    assert.equal(e.code, '42601')
    assert.equal(typeof e.position, 'number')
    assert.match(e.message, /LINE 2:1/)
    assert.match(e.message, /\^/)
    return true
  })
})

test('unknown tables and columns suggest the closest name', async () => {
  const db = await fresh()
  await assert.rejects(db.query('SELECT * FROM tt'), (e: unknown) => e instanceof GrizzlyError && e.code === '42P01' && /"t"/.test(e.hint ?? ''))
  await assert.rejects(db.query('SELECT nme FROM t'), (e: unknown) => e instanceof GrizzlyError && e.code === '42703' && /name/.test(e.hint ?? ''))
})

test('ROLLBACK undoes, COMMIT keeps, and a failed statement inside a transaction leaves nothing behind', async () => {
  const db = await fresh()
  await db.exec('BEGIN; DELETE FROM t; ROLLBACK')
  assert.equal((await db.query('SELECT count(*) FROM t')).rows[0]![0], 3n)
  await db.query('BEGIN')
  await db.query("INSERT INTO t VALUES (4, 'd', 4)")
  await assert.rejects(db.query("INSERT INTO t VALUES (5, 'e', 5), (1, 'dup', 0)"), (e: unknown) => e instanceof GrizzlyError && e.code === '23505')
  await db.query('COMMIT')
  assert.deepEqual((await db.query('SELECT id FROM t ORDER BY id')).rows, [[1], [2], [3], [4]])
  await assert.rejects(db.query('COMMIT'), (e: unknown) => e instanceof GrizzlyError && e.code === '25P01')
})

test('results convert to Arrow and Arrow tables can be registered and queried', async () => {
  const db = await fresh()
  const table = (await db.query('SELECT id, name, score FROM t ORDER BY id')).toArrow()
  assert.equal(table.numRows, 3)
  assert.deepEqual(table.getChild('id')!.toArray(), Int32Array.from([1, 2, 3]))
  assert.equal(table.getChild('name')!.get(2), null)
  const events = arrow.tableFromArrays({ k: Int32Array.from([1, 2, 2, 3]), v: Float64Array.from([0.5, 1, 2, 4]) })
  db.register('events', events)
  const r = await db.query('SELECT k, sum(v) AS total FROM events GROUP BY k ORDER BY k')
  assert.deepEqual(r.rows, [[1, 0.5], [2, 3], [3, 4]])
  await assert.rejects(db.query('INSERT INTO events VALUES (9, 9)'), GrizzlyError)
})

test('a closed database refuses queries', async () => {
  const db = await Database.open()
  await db.close()
  await assert.rejects(db.query('SELECT 1'), (e: unknown) => e instanceof GrizzlyError && e.code === '08003')
})

test('a file database keeps its tables across opens (test/storage has the rest)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-api-'))
  try {
    const path = join(dir, 'x.grz')
    let db = await Database.open(path)
    await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR); INSERT INTO t VALUES (1, 'a')")
    await db.close()
    db = await Database.open(path)
    assert.deepEqual((await db.query('SELECT * FROM t')).rows, [[1, 'a']])
    await db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('closing a connection rolls back its open transaction', async () => {
  const db = await fresh()
  const con = db.connect()
  await con.query('BEGIN')
  await con.query('DELETE FROM t')
  await con.close()
  assert.equal((await db.query('SELECT count(*) FROM t')).rows[0]![0], 3n)
})

test('SET applies to its session; SET GLOBAL to every session without its own value', async () => {
  const db = await Database.open()
  const con = db.connect()
  await con.query('SET integer_division = true')
  assert.deepEqual((await con.query('SELECT 7 / 2')).rows, [[3]])
  assert.deepEqual((await db.query('SELECT 7 / 2')).rows, [[3.5]])
  await db.query('SET GLOBAL integer_division = true')
  const other = db.connect()
  assert.deepEqual((await other.query('SELECT 7 / 2')).rows, [[3]])
  await other.query('SET SESSION integer_division = false')
  assert.deepEqual((await other.query('SELECT 7 / 2')).rows, [[3.5]])
})

test('parameters that SQL cannot hold are refused with 22023 and a hint', async () => {
  const db = await Database.open()
  for (const bad of [{ a: 1 }, new Date('not a date'), [1, 'x'], () => 1, Symbol('s')]) {
    await assert.rejects(db.query('SELECT $1', [bad]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && e.hint !== undefined)
  }
  assert.deepEqual((await db.query('SELECT $1 AS l', [[1, 2.5, null]])).rows, [[[1, 2.5, null]]])
})

test('an array of numbers binds as INTEGER[] when every element is a 32-bit integer, else DOUBLE[]', async () => {
  const db = await Database.open()
  for (const [value, type] of [[[1, 2, 3], 'INTEGER[]'], [[1, 2.5], 'DOUBLE[]'], [[1, 2 ** 40], 'DOUBLE[]'], [[], 'INTEGER[]'], [[-0.5, NaN], 'DOUBLE[]']] as const) {
    const r = await db.query('SELECT $1 AS l', [value])
    assert.equal(r.columns[0]!.type, type, JSON.stringify(value))
    assert.deepEqual(r.rows, [[value]])
  }
})
