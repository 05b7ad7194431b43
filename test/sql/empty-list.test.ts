/**
 * The empty list literal `[]` is a list of NULLs (as in DuckDB), so it meets a list of any type:
 * ARRAY(subquery) over structs, coalesce with a typed list, comparisons. A table made from one
 * stores INTEGER where the NULL type was, at any depth, so rows can be added to it afterwards.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'

async function one(db: Database, sql: string): Promise<unknown> {
  return (await db.query(sql)).rows[0]![0]
}

test('[] takes the type of the list it meets', async () => {
  const db = await Database.open()
  try {
    assert.equal(await one(db, 'SELECT typeof([])'), 'NULL[]')
    assert.deepEqual(await one(db, "SELECT coalesce([{'a': 1}], [])"), [{ a: 1 }])
    assert.equal(await one(db, 'SELECT [] = []::VARCHAR[]'), true)
    assert.deepEqual(await one(db, "SELECT [] || ['x']"), ['x'])
    assert.deepEqual(await one(db, 'SELECT [[], [1]]'), [[], [1]])
    assert.equal(await one(db, 'SELECT typeof([[], [1]])'), 'INTEGER[][]')
  } finally { await db.close() }
})

test('ARRAY(subquery) of structs, with rows and without', async () => {
  const db = await Database.open()
  try {
    assert.deepEqual(await one(db, "SELECT ARRAY(SELECT {'a': 1, 'b': 2})"), [{ a: 1, b: 2 }])
    assert.deepEqual(await one(db, "SELECT ARRAY(SELECT {'a': i, 'b': i * 2} FROM range(3) t(i) ORDER BY i DESC)"),
      [{ a: 2n, b: 4n }, { a: 1n, b: 2n }, { a: 0n, b: 0n }])
    assert.deepEqual(await one(db, "SELECT ARRAY(SELECT {'a': 1} WHERE false)"), [])
    assert.equal(await one(db, "SELECT typeof(ARRAY(SELECT {'a': 1} WHERE false))"), 'STRUCT(a INTEGER)[]')
    // named as written, not after the aggregate it runs as
    assert.deepEqual((await db.query('SELECT ARRAY(SELECT 1)')).columns.map(c => c.name), ['ARRAY(SELECT 1)'])
  } finally { await db.close() }
})

test('CREATE TABLE AS types NULLs inside lists and structs as INTEGER', async () => {
  const db = await Database.open()
  try {
    await db.exec("CREATE TABLE x AS SELECT [] AS l, NULL AS n, {'a': NULL} AS s")
    assert.deepEqual((await db.query('SELECT typeof(l), typeof(n), typeof(s) FROM x')).rows[0], ['INTEGER[]', 'INTEGER', 'STRUCT(a INTEGER)'])
    await db.exec("INSERT INTO x VALUES ([1, 2], 3, {'a': 4})")
    assert.deepEqual((await db.query('SELECT l, n, s FROM x ORDER BY n NULLS FIRST')).rows, [[[], null, { a: null }], [[1, 2], 3, { a: 4 }]])
    // a value of another type is still refused, with the column named
    const err = await db.query("INSERT INTO x VALUES (['a'], 1, {'a': 1})").then(() => undefined, (e: unknown) => e)
    assert.ok(err instanceof GrizzlyError, 'a VARCHAR list is not an INTEGER list')
  } finally { await db.close() }
})
