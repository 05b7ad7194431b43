import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { Database } from '../../core/database.ts'
import { Database as HostDatabase } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { fails } from '../expect-error.ts'
import { formatStatement, parseOne } from '../../core/parser/index.ts'
import { duckText } from '../formats/parquet-helpers.ts'

const root = mkdtempSync(join(tmpdir(), 'grizzly-export-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
let folders = 0
const folder = (): string => join(root, `d${++folders}`)

/** one column per type, NULL in every column on some rows */
const TYPES: readonly (readonly [string, string])[] = [
  ['BOOLEAN', 'i % 2 = 0'], ['TINYINT', '(i % 100)::TINYINT'], ['SMALLINT', '(i * 300)::SMALLINT'], ['INTEGER', 'i * 70001 - 50000'],
  ['BIGINT', 'i::BIGINT * 1000000000007'], ['UTINYINT', '(i % 250)::UTINYINT'], ['USMALLINT', '(i * 600)::USMALLINT'], ['UINTEGER', '(i::BIGINT * 40000000)::UINTEGER'],
  ['UBIGINT', '(i::UBIGINT * 1000000000000000)'], ['REAL', 'i * 0.25'], ['DOUBLE', 'i * -1.5e100'], ['DECIMAL(4,1)', 'i * 1.5'],
  ['DECIMAL(18,3)', 'i * 123456789.123'], ['DECIMAL(38,10)', "'1234567890123456789012345678.0123456789'::DECIMAL(38,10) - i"],
  ['VARCHAR', `CASE WHEN i % 3 = 0 THEN '' ELSE 'row "' || i || '", ünï ✓' || chr(10) || 'next' END`], ['BLOB', "('\\x00\\xFF' || i)::BLOB"],
  ['DATE', "DATE '1969-12-25' + (i * 400)::INTEGER"], ['TIME', "TIME '00:00:01.123456' + INTERVAL (i * 777) SECOND"],
  ['TIMESTAMP', "TIMESTAMP '1969-07-20 20:17:40.5' + INTERVAL (i * 99999) SECOND"], ['TIMESTAMPTZ', "TIMESTAMPTZ '2024-01-01 12:00:00+00' + INTERVAL (i) HOUR"],
  ['TIMETZ', "'12:0' || (i % 10) || ':00+02'"], ['INTERVAL', "INTERVAL (i) DAY + INTERVAL (i * 3) MICROSECOND + INTERVAL (i) MONTH"],
  ['UUID', "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd38' || lpad(i::VARCHAR, 4, '0')"], ['INTEGER[]', '[i, NULL, i + 1]'], ['VARCHAR[]', "['a' || i, 'b,c']"],
  ['STRUCT(x INTEGER, y VARCHAR)', "{'x': i, 'y': 'v' || i}"], ['MAP(VARCHAR, INTEGER)', "MAP {'k' || i: i}"], ['FLOAT[3]', '[i, 2.5, -1]'],
  ['INTEGER[][]', '[[i], [i, i + 1]]'], ['INTERVAL[]', '[INTERVAL (i) SECOND]'],
]

async function allTypes(db: Database, rows = 40): Promise<void> {
  await db.exec(`CREATE TABLE every (id INTEGER PRIMARY KEY, ${TYPES.map(([t], c) => `c${c} ${t}`).join(', ')})`)
  await db.exec(`INSERT INTO every SELECT i, ${TYPES.map(([t, v]) => `CASE WHEN i % 7 = 3 THEN NULL ELSE (${v})::${t} END`).join(', ')} FROM range(${rows}) r(i)`)
}

const text = async (db: Database, sql: string): Promise<(string | null)[][]> => (await db.query(sql)).textRows()

test('every type and NULL round-trips through EXPORT and IMPORT (Parquet by default)', async () => {
  const db = await Database.open()
  await allTypes(db)
  const dir = folder()
  assert.deepEqual(await text(db, `EXPORT DATABASE '${dir}'`), [['1']])
  assert.deepEqual(readdirSync(dir).sort(), ['every.parquet', 'load.sql', 'schema.sql'])
  assert.match(readFileSync(join(dir, 'load.sql'), 'utf8'), /^COPY "main"\."every" FROM '.*every\.parquet' \(format 'parquet'\);\n$/)
  const back = await Database.open()
  await back.query(`IMPORT DATABASE '${dir}'`)
  const all = 'SELECT * FROM every ORDER BY id'
  assert.deepEqual(await text(back, all), await text(db, all))
  assert.deepEqual(await text(back, 'SELECT count(*) FROM every WHERE c3 IS NULL'), [['6']])
  assert.deepEqual((await back.query('DESCRIBE every')).textRows(), (await db.query('DESCRIBE every')).textRows())
  await db.close(); await back.close()
})

test('FORMAT csv: types, NULLs and empty strings round-trip; load.sql carries the dialect and FORCE_NOT_NULL as DuckDB writes it', async () => {
  const db = await Database.open()
  // MAP has no text form a CSV reader casts back: Parquet carries it
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR NOT NULL, n VARCHAR, d DECIMAL(18,3), ts TIMESTAMP, l INTEGER[], st STRUCT(a INTEGER, b VARCHAR), iv INTERVAL)`)
  await db.exec(`INSERT INTO t SELECT i, CASE WHEN i % 2 = 0 THEN '' ELSE 'a;b "' || i END, CASE WHEN i % 3 = 0 THEN NULL WHEN i % 3 = 1 THEN '' ELSE 'x' END,
    CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1.125 END, TIMESTAMP '2000-01-01' + INTERVAL (i) MINUTE, [i, NULL], {'a': i, 'b': 'q,' || i}, INTERVAL (i) SECOND FROM range(30) r(i)`)
  const dir = folder()
  await db.query(`EXPORT DATABASE '${dir}' (FORMAT csv, DELIMITER ';')`)
  const load = readFileSync(join(dir, 'load.sql'), 'utf8')
  assert.match(load, /\(format 'csv', delimiter ';', header TRUE, allow_quoted_nulls FALSE, force_not_null \("id", "s"\)\)/)
  const back = await Database.open()
  await back.query(`IMPORT DATABASE '${dir}'`)
  const all = 'SELECT * FROM t ORDER BY id'
  assert.deepEqual(await text(back, all), await text(db, all))
  assert.deepEqual(await text(back, "SELECT count(*) FILTER (WHERE n IS NULL), count(*) FILTER (WHERE n = ''), count(*) FILTER (WHERE s = '') FROM t"), [['10', '10', '15']])
})

test('schema.sql recreates schemas, types, sequences, constraints, defaults, views and indexes in dependency order', async () => {
  const db = await Database.open()
  await db.exec(`CREATE SCHEMA sales; CREATE TYPE money AS DECIMAL(12, 2); CREATE SEQUENCE ids START WITH 100;
    CREATE TABLE sales.customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE);
    CREATE TABLE orders (id BIGINT DEFAULT nextval('ids') PRIMARY KEY, customer INTEGER REFERENCES sales.customers (id), amount money CHECK (amount > 0), note VARCHAR DEFAULT 'none');
    CREATE VIEW big AS SELECT * FROM orders WHERE amount > 10; CREATE VIEW a_top AS SELECT max(amount) AS m FROM big;
    CREATE INDEX orders_customer ON orders (customer);
    INSERT INTO sales.customers VALUES (1, 'ann'), (2, 'bob');
    INSERT INTO orders (customer, amount) VALUES (1, 5), (2, 50), (1, 20)`)
  const dir = folder()
  await db.query(`EXPORT DATABASE '${dir}'`)
  const schema = readFileSync(join(dir, 'schema.sql'), 'utf8').trim().split(';\n')
  const at = (pattern: RegExp): number => schema.findIndex(s => pattern.test(s))
  assert.ok(at(/^CREATE SCHEMA/) < at(/CREATE TABLE "sales"/))
  assert.ok(at(/CREATE TABLE "sales"/) < at(/CREATE TABLE "main"."orders"/), 'the referenced table first')
  assert.ok(at(/CREATE VIEW big/) < at(/CREATE VIEW a_top/), 'a view after the view it reads')
  assert.match(schema[at(/CREATE SEQUENCE/)]!, /START WITH 103/)
  const back = await Database.open()
  await back.query(`IMPORT DATABASE '${dir}'`)
  assert.deepEqual(await text(back, 'SELECT * FROM a_top'), [['50.00']])
  assert.deepEqual(await text(back, "INSERT INTO orders (customer, amount) VALUES (2, 1) RETURNING id, note"), [['103', 'none']])
  const violation = async (sql: string, code: string): Promise<void> => { await assert.rejects(back.query(sql), (e: unknown) => e instanceof GrizzlyError && e.code === code) }
  await violation('INSERT INTO orders (customer, amount) VALUES (1, -1)', '23514')
  await violation('INSERT INTO orders (customer, amount) VALUES (9, 1)', '23503')
  await violation("INSERT INTO sales.customers VALUES (3, 'ann')", '23505')
  assert.match(schema[schema.length - 1]!, /^CREATE INDEX orders_customer ON orders/)
  await back.query('DROP INDEX orders_customer')
})

test('Grizzly exports, DuckDB imports: the data is equal', async () => {
  const db = await Database.open()
  await allTypes(db, 25)
  await db.exec(`CREATE SCHEMA s2; CREATE SEQUENCE seq START 7; CREATE TABLE s2.u (a INTEGER DEFAULT nextval('seq'), b VARCHAR NOT NULL); INSERT INTO s2.u (b) VALUES ('x'), ('')`)
  const instance = await DuckDBInstance.create(':memory:')
  const duck = await instance.connect()
  await duck.run("SET TimeZone = 'UTC'")
  try {
    for (const format of ['parquet', 'csv']) {
      const dir = folder()
      // MAP: Grizzly's Parquet writer stores it as a list of key/value structs, which DuckDB does not cast to MAP
      if (format === 'parquet') await db.exec('ALTER TABLE every DROP COLUMN c26')
      await db.query(`EXPORT DATABASE '${dir}' (FORMAT ${format})`)
      await duck.run(`DROP TABLE IF EXISTS every; DROP TABLE IF EXISTS s2.u; DROP SEQUENCE IF EXISTS seq; IMPORT DATABASE '${dir}'`)
      // TIMETZ text differs between the engines' casts (offset spelling): compare it as the instant
      const cols = (await text(db, 'DESCRIBE every')).map(([n, t]) => t === 'TIME WITH TIME ZONE' ? `${n}::TIME` : n).join(', ')
      const sql = `SELECT ${cols} FROM every ORDER BY id`
      assert.deepEqual(await duckText(duck, sql), (await db.query(`SELECT COLUMNS(*)::VARCHAR FROM (${sql})`)).textRows(), format)
      assert.deepEqual(await duckText(duck, 'SELECT * FROM s2.u ORDER BY a'), [['7', 'x'], ['8', '']])
      assert.deepEqual(await duckText(duck, "SELECT nextval('seq')"), [['9']])
    }
  } finally { duck.closeSync(); instance.closeSync() }
})

test('DuckDB exports, Grizzly imports: the data is equal', async () => {
  const instance = await DuckDBInstance.create(':memory:')
  const duck = await instance.connect()
  await duck.run("SET TimeZone = 'UTC'")
  try {
    await duck.run(`CREATE SCHEMA s2; CREATE SEQUENCE seq START 5;
      CREATE TABLE t (id INTEGER PRIMARY KEY DEFAULT nextval('seq'), v VARCHAR NOT NULL, d DECIMAL(10,2) CHECK (d > 0), ts TIMESTAMP, l INTEGER[], st STRUCT(a INTEGER, b VARCHAR), bl BLOB, dt DATE, f DOUBLE);
      CREATE TABLE s2.u (a INTEGER, b VARCHAR); CREATE TABLE w (a INTEGER REFERENCES t(id));
      INSERT INTO t (v, d, ts, l, st, bl, dt, f) SELECT CASE WHEN i % 3 = 0 THEN '' ELSE 'v,"' || i END, CASE WHEN i % 4 = 0 THEN NULL ELSE i + 0.5 END,
        TIMESTAMP '2001-02-03 04:05:06' + INTERVAL (i) HOUR, [i, NULL], {'a': i, 'b': 'x'}, ('\\x01' || i)::BLOB, DATE '2020-01-01' + i::INTEGER, i / 7 FROM range(50) r(i);
      INSERT INTO s2.u VALUES (1, NULL), (2, 'z'); INSERT INTO w VALUES (5), (6);
      CREATE VIEW vv AS SELECT id, v FROM t WHERE id > 10; CREATE INDEX tv ON t (v)`)
    for (const format of ['csv', 'parquet']) {
      const dir = folder()
      await duck.run(`EXPORT DATABASE '${dir}' (FORMAT ${format})`)
      const db = await Database.open()
      await db.query(`IMPORT DATABASE '${dir}'`)
      for (const q of ['SELECT * FROM t ORDER BY id', 'SELECT * FROM s2.u ORDER BY a', 'SELECT * FROM w ORDER BY a', 'SELECT * FROM vv ORDER BY id']) {
        assert.deepEqual((await db.query(`SELECT COLUMNS(*)::VARCHAR FROM (${q})`)).textRows(), await duckText(duck, q), `${format}: ${q}`)
      }
      assert.deepEqual(await text(db, "SELECT nextval('seq')"), [['55']], 'the sequence carries on where it stood, as Grizzly exports it')
      await db.close()
    }
  } finally { duck.closeSync(); instance.closeSync() }
})

test('EXPORT refuses a folder that exists and is not empty, and leaves it alone', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)')
  const dir = folder()
  mkdirSync(dir)
  writeFileSync(join(dir, 'keep.txt'), 'mine')
  await fails(() => db.query(`EXPORT DATABASE '${dir}'`), '58P02', /not an empty folder/)
  assert.deepEqual(readdirSync(dir), ['keep.txt'])
  // an empty folder is fine
  const empty = folder()
  mkdirSync(empty)
  await db.query(`EXPORT DATABASE '${empty}'`)
  await fails(() => db.query(`EXPORT DATABASE '${dir}' (FORMAT avro)`), '22023', /parquet, csv or json/)
  await fails(() => db.query(`EXPORT DATABASE '${folder()}' (FORMAT parquet, PARTITION_BY (a))`), '22023', /one file per table/)
  const gz = folder()
  await db.query(`EXPORT DATABASE '${gz}' (FORMAT csv, COMPRESSION gzip)`)
  assert.ok(readdirSync(gz).includes('t.csv.gz'))
  const back = await Database.open()
  await back.query(`IMPORT DATABASE '${gz}'`)
  assert.deepEqual(await text(back, 'SELECT * FROM t'), [['1']])
})

test('IMPORT errors: a missing folder or file, a broken schema.sql (naming the file and statement), objects that exist; nothing is left behind', async () => {
  const db = await Database.open()
  await fails(() => db.query(`IMPORT DATABASE '${join(root, 'nowhere')}'`), '58P01', /does not exist/)
  const half = folder()
  mkdirSync(half)
  writeFileSync(join(half, 'schema.sql'), 'CREATE TABLE a (x INTEGER);\n')
  await fails(() => db.query(`IMPORT DATABASE '${half}'`), '58P01', /load\.sql" does not exist/)
  assert.deepEqual(await text(db, 'SHOW TABLES'), [], 'schema.sql ran, but the import failed as a whole')

  const broken = folder()
  mkdirSync(broken)
  writeFileSync(join(broken, 'schema.sql'), 'CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y INTEGER);\n\nCREATE TABLE c (z INTEGR);\n')
  writeFileSync(join(broken, 'load.sql'), '')
  const e = await fails(() => db.query(`IMPORT DATABASE '${broken}'`), '42704', /schema\.sql, statement at line 4: .*INTEGR[\s\S]*CREATE TABLE c \(z INTEGR\)/)
  assert.match(e.message, new RegExp(broken.replace(/[/\\]/g, '.')))
  assert.deepEqual(await text(db, 'SHOW TABLES'), [])
  writeFileSync(join(broken, 'schema.sql'), 'CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y INTEGER) oops;\n')
  await fails(() => db.query(`IMPORT DATABASE '${broken}'`), '42601', /schema\.sql, statement at line 2/)
  for (const sql of ['COMMIT', "COPY (SELECT 1) TO 'elsewhere.csv'", 'DROP TABLE a', "SET threads = 1", "IMPORT DATABASE 'x'"]) {
    writeFileSync(join(broken, 'schema.sql'), `CREATE TABLE a (x INTEGER);\n${sql};\n`)
    await fails(() => db.query(`IMPORT DATABASE '${broken}'`), '0A000', /schema\.sql, statement at line 2: \w+ is not allowed in an imported script/)
  }
  assert.deepEqual(await text(db, 'SHOW TABLES'), [])

  const source = await Database.open()
  await source.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)')
  const dir = folder()
  await source.query(`EXPORT DATABASE '${dir}'`)
  await db.exec('CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (42)')
  await fails(() => db.query(`IMPORT DATABASE '${dir}'`), '42P07', /schema\.sql[\s\S]*already exists/)
  assert.deepEqual(await text(db, 'SELECT * FROM t'), [['42']])
  // a data file that does not match: the whole import is undone
  await db.exec('DROP TABLE t')
  writeFileSync(join(dir, 't.parquet'), 'not parquet')
  await fails(() => db.query(`IMPORT DATABASE '${dir}'`), '22P04', /load\.sql, statement at line 1/)
  assert.deepEqual(await text(db, 'SHOW TABLES'), [])
})

test('IMPORT inside a transaction is undone by ROLLBACK; into a database file it survives reopening', async () => {
  const source = await Database.open()
  await source.exec("CREATE TABLE t (a INTEGER, b VARCHAR); INSERT INTO t VALUES (1, 'x'), (2, NULL)")
  const dir = folder()
  await source.query(`EXPORT DATABASE '${dir}'`)
  const db = await Database.open()
  await db.exec(`BEGIN; IMPORT DATABASE '${dir}'`)
  assert.deepEqual(await text(db, 'SELECT count(*) FROM t'), [['2']])
  await db.exec('ROLLBACK')
  assert.deepEqual(await text(db, 'SHOW TABLES'), [])
  const path = join(root, 'imported.grz')
  let file = await Database.open(path)
  await file.query(`IMPORT DATABASE '${dir}'`)
  await file.close()
  file = await Database.open(path)
  assert.deepEqual(await text(file, 'SELECT * FROM t ORDER BY a'), [['1', 'x'], ['2', null]])
  await file.close()
  assert.ok(existsSync(path))
})

test('the statements parse, format and parse again to the same statement', () => {
  const cases: readonly (readonly [string, Record<string, unknown>])[] = [
    ["EXPORT DATABASE 'out' (FORMAT csv, DELIMITER '|', FORCE_QUOTE (a, b))", { kind: 'export_database', path: 'out' }],
    ["IMPORT DATABASE 'in'", { kind: 'import_database', path: 'in' }],
    ["BACKUP TO 'b'", { kind: 'backup', path: 'b' }],
    ["RESTORE FROM 'b' TO 'x.grz' (AS OF 3)", { kind: 'restore', from: 'b', to: 'x.grz', asOf: 3 }],
    ["RESTORE FROM 'b' TO 'x.grz' AS OF 2", { kind: 'restore', asOf: 2 }],
    ["RESTORE FROM 'b' TO 'x.grz'", { kind: 'restore', asOf: null }],
  ]
  for (const [sql, fields] of cases) {
    const stmt = parseOne(sql)
    for (const [k, v] of Object.entries(fields)) assert.deepEqual((stmt as unknown as Record<string, unknown>)[k], v, `${sql}: ${k}`)
    const text = formatStatement(stmt)
    assert.equal(formatStatement(parseOne(text)), text)
  }
  assert.throws(() => parseOne('EXPORT DATABASE out'), (e: unknown) => e instanceof GrizzlyError && e.code === '42601')
  assert.throws(() => parseOne("IMPORT 'x'"), (e: unknown) => e instanceof GrizzlyError && e.code === '42601')
})

test('procedural functions are exported before the views that call them', async () => {
  const db = await HostDatabase.open()
  try {
    await db.exec(`CREATE FUNCTION plus_one(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x + 1 $$;
      CREATE TABLE t (v DOUBLE); INSERT INTO t VALUES (1.5); CREATE VIEW bumped AS SELECT plus_one(v) AS w FROM t`)
    const dir = folder()
    await db.query(`EXPORT DATABASE '${dir}'`)
    const schema = readFileSync(join(dir, 'schema.sql'), 'utf8')
    assert.ok(schema.indexOf('CREATE FUNCTION plus_one') >= 0 && schema.indexOf('CREATE FUNCTION plus_one') < schema.indexOf('CREATE VIEW bumped'), schema)
    const back = await HostDatabase.open()
    try {
      await back.query(`IMPORT DATABASE '${dir}'`)
      assert.deepEqual((await back.query('SELECT * FROM bumped')).rows, [[2.5]])
    } finally { await back.close() }
  } finally { await db.close() }
})
