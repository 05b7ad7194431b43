import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../index.ts'

// DuckDB keeps default_order / default_null_order per database: a plain SET in one connection
// changes how every connection sorts, and RESET puts the default back for all.
test('SET default_null_order / default_order in one connection applies to every connection', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (2), (NULL), (1)')
  const other = db.connect()
  assert.deepEqual((await other.query('SELECT a FROM t ORDER BY a')).rows, [[1], [2], [null]])
  await db.query("SET default_null_order = 'nulls_first'")
  assert.deepEqual((await other.query('SELECT a FROM t ORDER BY a')).rows, [[null], [1], [2]])
  await other.query("SET default_order = 'desc'")
  assert.deepEqual((await db.query('SELECT a FROM t ORDER BY a DESC NULLS LAST')).rows, [[2], [1], [null]])
  assert.deepEqual((await db.query('SELECT a FROM t ORDER BY a DESC')).rows, [[null], [2], [1]])
  // a connection opened later sees the database's value too
  const late = db.connect()
  assert.deepEqual((await late.query("SELECT current_setting('default_null_order'), current_setting('default_order')")).rows, [['nulls_first', 'desc']])
  assert.deepEqual((await late.query("SELECT scope FROM duckdb_settings() WHERE name = 'default_order'")).rows, [['GLOBAL']])
  await late.query('RESET default_order')
  await late.query('RESET default_null_order')
  assert.deepEqual((await other.query('SELECT a FROM t ORDER BY a')).rows, [[1], [2], [null]])
  // session settings stay per connection
  await other.query('SET integer_division = true')
  assert.deepEqual((await db.query('SELECT 7 / 2')).rows, [[3.5]])
  assert.deepEqual((await db.query("SELECT scope FROM duckdb_settings() WHERE name = 'integer_division'")).rows, [['LOCAL']])
})

test('a bad value for a global setting is refused and changes nothing', async () => {
  const db = await Database.open()
  const other = db.connect()
  await assert.rejects(db.query("SET default_null_order = 'sideways'"), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && e.hint !== undefined)
  assert.deepEqual((await other.query("SELECT current_setting('default_null_order')")).rows, [['nulls_last']])
})
