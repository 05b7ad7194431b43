/**
 * Behaviour of sequences, TRUNCATE, * RENAME, CREATE TYPE and upserts that the SQL corpus cannot
 * hold because DuckDB (which checks that corpus) has no such function or answers differently:
 * setval, and the inputs Grizzly refuses where DuckDB says nothing.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'
import { fails } from '../../expect-error.ts'

async function one(db: Database, sql: string): Promise<unknown> {
  return (await db.query(sql)).rows[0]?.[0]
}

test('setval (PostgreSQL): nextval continues after the value, or returns it when is_called is false', async () => {
  const db = await Database.open()
  await db.exec('CREATE SEQUENCE s MINVALUE 1 MAXVALUE 10')
  assert.equal(await one(db, "SELECT setval('s', 5)"), 5n)
  assert.equal(await one(db, "SELECT currval('s')"), 5n)
  assert.equal(await one(db, "SELECT nextval('s')"), 6n)
  assert.equal(await one(db, "SELECT setval('s', 3, false)"), 3n)
  assert.equal(await one(db, "SELECT nextval('s')"), 3n)
  await fails(() => db.query("SELECT setval('s', 11)"), '22003', /value 11 is out of bounds for sequence \"s\"/)
  // at the top without CYCLE the next call fails, 2200H
  await db.exec("SELECT setval('s', 10)")
  await fails(() => db.query("SELECT nextval('s')"), '2200H', /reached maximum value of sequence \"s\"/)
  await fails(() => db.query("SELECT currval('nope')"), '42P01', /Sequence with name nope does not exist/)
  const fresh = await Database.open()
  await fresh.exec('CREATE SEQUENCE t')
  await fails(() => fresh.query("SELECT currval('t')"), '55000', /sequence \"t\" is not yet defined in this session/)
  await fails(() => fresh.query("SELECT nextval('a.b.c.d')"), '22023', /invalid sequence name \"a\.b\.c\.d\"/)
  await db.close(); await fresh.close()
})

test('sequence definitions are checked', async () => {
  const db = await Database.open()
  await fails(() => db.query('CREATE SEQUENCE s INCREMENT BY 0'), '22023', /Increment must not be zero/)
  await fails(() => db.query('CREATE SEQUENCE s MINVALUE 5 MAXVALUE 5'), '22023', /MINVALUE \(5\) must be less than MAXVALUE \(5\)/)
  await fails(() => db.query('CREATE SEQUENCE s START 0'), '22023', /START value \(0\) cannot be less than MINVALUE \(1\)/)
  await fails(() => db.query('CREATE SEQUENCE s START 1 START 2'), '42601', /START may be given at most once/)
  await fails(() => db.query('CREATE SEQUENCE s START 9223372036854775808'), '22023', /START must be an integer within BIGINT's range/)
  await db.exec('CREATE SEQUENCE s')
  await fails(() => db.query('CREATE SEQUENCE s'), '42710', /Sequence with name \"s\" already exists/)
  await fails(() => db.query('DROP SEQUENCE nope'), '42704', /Sequence with name nope does not exist/)
  await db.close()
})

test('TRUNCATE forms Grizzly refuses (DuckDB accepts them without their PostgreSQL meaning)', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE a (i INTEGER); INSERT INTO a VALUES (1)')
  await fails(() => db.query('TRUNCATE a CASCADE'), '0A000', /TRUNCATE … CASCADE is not supported/)
  await fails(() => db.query('TRUNCATE a RESTART IDENTITY'), '0A000', /TRUNCATE … RESTART IDENTITY is not supported/)
  await fails(() => db.query('TRUNCATE a, a'), '0A000', /TRUNCATE of several tables is not supported/)
  assert.equal(await one(db, 'TRUNCATE a CONTINUE IDENTITY'), 1n)
  await db.close()
})

test('* RENAME of a column the star does not produce is an error (DuckDB ignores it)', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INTEGER)')
  await fails(() => db.query('SELECT * RENAME (nope AS x) FROM t'), '42703', /column \"nope\" in RENAME list not found/)
  await fails(() => db.query('SELECT * EXCLUDE (a) RENAME (a AS x) FROM t'), '42601', /\"a\" cannot occur in both EXCLUDE and RENAME/)
  await db.close()
})

test('ENUM types are refused with a hint', async () => {
  const db = await Database.open()
  await fails(() => db.query("CREATE TYPE mood AS ENUM ('sad', 'happy')"), '0A000', /ENUM types is not supported/)
  await fails(() => db.query('CREATE TYPE integer AS VARCHAR'), '42710', /type \"integer\" is a built-in type/)
  const noSchema = await fails(() => db.query('CREATE TYPE nope.t AS INTEGER'), '3F000', /schema \"nope\" does not exist/)
  assert.match(noSchema.hint ?? '', /its schemas are main/)
  assert.match((await fails(() => db.query('CREATE TYPE mian.t AS INTEGER'), '3F000', /schema \"mian\" does not exist/)).hint ?? '', /did you mean "main"/)
  await fails(() => db.query('DROP TYPE nope'), '42704', /Type with name nope does not exist/)
  await db.close()
})

test('INSERT OR IGNORE keeps every row whose unique-index key has a NULL part (DuckDB keeps one per statement)', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE u (i INTEGER, j INTEGER); CREATE UNIQUE INDEX ui ON u (i)')
  await db.exec('INSERT OR IGNORE INTO u VALUES (NULL, 1), (NULL, 2), (1, 3), (1, 4)')
  assert.deepEqual((await db.query('SELECT i, j FROM u ORDER BY j')).rows, [[null, 1], [null, 2], [1, 3]])
  await db.close()
})

test('generated columns: STORED and ALTERs that would break the expressions are refused', async () => {
  const db = await Database.open()
  await fails(() => db.query('CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a) STORED)'), '0A000', /STORED generated columns is not supported/)
  await fails(() => db.query('CREATE TABLE t (a INTEGER, b AS (a) DEFAULT 1)'), '42601', /generated column \"b\" cannot have a DEFAULT or constraints/)
  await fails(() => db.query('CREATE TABLE t (b AS (1))'), '42601', /at least one stored column/)
  await db.exec('CREATE TABLE t (a INTEGER, b AS (a + 1), c INTEGER)')
  await fails(() => db.query('ALTER TABLE t DROP COLUMN c'), '0A000', /on a table with generated columns is not supported/)
  await fails(() => db.query('ALTER TABLE t RENAME COLUMN a TO z'), '0A000', /on a table with generated columns is not supported/)
  await fails(() => db.query('ALTER TABLE t ALTER COLUMN a TYPE BIGINT'), '0A000', /on a table with generated columns is not supported/)
  await fails(() => db.query('UPDATE t SET b = 1'), '42601', /cannot write to generated column \"b\"/)
  assert.deepEqual((await db.query('DESCRIBE t')).rows.map(r => r[0]), ['a', 'b', 'c'])
  await db.close()
})
