import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { parseOne } from '../../core/parser/index.ts'
import { formatStatement } from '../../core/parser/format.ts'
import { fails } from './csv-helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-copy-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

async function sample(): Promise<Database> {
  const db = await Database.open()
  await db.query('CREATE TABLE t (id INTEGER PRIMARY KEY, region VARCHAR, amount DECIMAL(10,2), day DATE)')
  await db.query(`INSERT INTO t VALUES (1, 'north', 10.50, DATE '2024-01-01'), (2, 'south', 20.00, DATE '2024-01-02'),
    (3, 'north', NULL, DATE '2024-01-02'), (4, NULL, 4.25, NULL)`)
  return db
}

test('parser: DuckDB and legacy PostgreSQL forms, and they format back', () => {
  const forms = [
    "COPY t FROM 'x.csv'",
    "COPY t (a, b) FROM 'x.csv' (FORMAT csv, HEADER, DELIMITER '|')",
    "COPY t TO 'x.json' (FORMAT json, ARRAY true)",
    "COPY (SELECT 1 AS a) TO 'x.json'",
    "COPY t TO 'out' (FORMAT json, PARTITION_BY (a, b), OVERWRITE_OR_IGNORE)",
    "COPY t FROM 'x.csv' WITH (FORMAT csv)",
    "COPY t FROM 'x.csv' DELIMITER ',' CSV HEADER",
    "COPY t TO 'x.csv' (FORMAT 'csv', COMPRESSION gzip)",
  ]
  for (const sql of forms) {
    const ast = parseOne(sql)
    assert.equal(ast.kind, 'copy', sql)
    const again = parseOne(formatStatement(ast))
    assert.deepEqual(JSON.parse(JSON.stringify(again, (k, v) => k === 'pos' ? undefined : v)), JSON.parse(JSON.stringify(ast, (k, v) => k === 'pos' ? undefined : v)), sql)
  }
  const legacy = parseOne("COPY t FROM 'x.csv' DELIMITER ',' CSV HEADER")
  assert.ok(legacy.kind === 'copy')
  assert.deepEqual(legacy.options.map(o => o.name), ['delimiter', 'format', 'header'])
  for (const bad of ["COPY t 'x.csv'", "COPY (SELECT 1) FROM 'x.csv'", 'COPY t FROM STDIN', "COPY t FROM 'x' (FORMAT csv"]) {
    assert.throws(() => parseOne(bad), (e: unknown) => e instanceof GrizzlyError && (e.code === '42601' || e.code === '0A000'), bad)
  }
})

test('COPY TO / FROM every registered format with a writer and a reader round-trips rows', async () => {
  const db = await sample()
  const formats = db.hooks.allFormats().filter(f => f.read !== undefined && f.write !== undefined)
  assert.ok(formats.some(f => f.name === 'json'))
  for (const f of formats) {
    const path = join(dir, `all.${f.extensions[0]}`)
    const header = f.name === 'csv' ? ', HEADER' : ''
    assert.deepEqual((await db.query(`COPY t TO '${path}' (FORMAT ${f.name}${header})`)).rows, [[4n]], f.name)
    await db.query('CREATE TABLE back (id INTEGER PRIMARY KEY, region VARCHAR, amount DECIMAL(10,2), day DATE)')
    const r = await db.query(`COPY back FROM '${path}' (FORMAT ${f.name}${header})`)
    assert.equal(r.statementType, 'COPY')
    assert.equal(r.changes, 4, f.name)
    assert.deepEqual((await db.query('SELECT * FROM back ORDER BY id')).rows, (await db.query('SELECT * FROM t ORDER BY id')).rows, f.name)
    await db.query('DROP TABLE back')
  }
})

test('COPY FROM: column subset, casts to the table types, constraint errors as INSERT, by extension', async () => {
  const db = await sample()
  const src = join(dir, 'sub.json')
  writeFileSync(src, '{"id": "10", "amount": "1.239"}\n{"id": 11, "amount": 2}\n')
  await db.query(`COPY t (id, amount) FROM '${src}'`)
  assert.deepEqual((await db.query('SELECT id, region, amount::VARCHAR FROM t WHERE id >= 10 ORDER BY id')).rows, [[10, null, '1.24'], [11, null, '2.00']])
  // a primary key violation fails the whole COPY and leaves nothing behind
  const dup = join(dir, 'dup.json')
  writeFileSync(dup, '{"id": 20}\n{"id": 1}\n')
  await fails(db, `COPY t (id) FROM '${dup}'`, '23505')
  assert.deepEqual((await db.query('SELECT count(*) FROM t WHERE id = 20')).rows, [[0n]])
  // cast failures are errors too
  const badCast = join(dir, 'badcast.json')
  writeFileSync(badCast, '{"id": "x"}\n')
  await fails(db, `COPY t (id) FROM '${badCast}'`, '22P04', /badcast\.json" line 1: invalid input syntax for type INTEGER/)
  await fails(db, `COPY t (idd) FROM '${src}'`, '42703', /did you mean/)
  await fails(db, `COPY t (id, id) FROM '${src}'`, '42701')
  await fails(db, `COPY missing FROM '${src}'`, '42P01')
  // JSON keys are matched to the table's columns by name (as DuckDB reads JSON into the table's types)
  const named = join(dir, 'named.json')
  writeFileSync(named, '{"day": "2024-03-01", "id": 30, "other": 1, "region": {"not": "text"}}\n')
  await db.query(`COPY t FROM '${named}'`)
  assert.deepEqual((await db.query('SELECT id, region, amount, day::VARCHAR FROM t WHERE id = 30')).rows, [[30, '{"not":"text"}', null, '2024-03-01']])
  // files without the table's names are matched by position, and must have as many columns
  const wide = join(dir, 'wide.avro')
  await db.query(`COPY (SELECT 1 AS p, 2 AS q, 3 AS r, 4 AS s, 5 AS u) TO '${wide}'`)
  await fails(db, `COPY t FROM '${wide}'`, '22P04', /COPY t \(a, b\)/)
})

test('COPY inside a transaction rolls back with it; COPY returns the row count', async () => {
  const db = await sample()
  const src = join(dir, 'tx.json')
  writeFileSync(src, '{"id": 100}\n{"id": 101}\n')
  await db.query('BEGIN')
  assert.deepEqual((await db.query(`COPY t (id) FROM '${src}'`)).rows, [[2n]])
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[6n]])
  await db.query('ROLLBACK')
  assert.deepEqual((await db.query('SELECT count(*) FROM t')).rows, [[4n]])
})

test('COPY TO: query source, column list, gzip, unknown formats and options', async () => {
  const db = await sample()
  const q = join(dir, 'q.json')
  assert.deepEqual((await db.query(`COPY (SELECT id, upper(region) AS r FROM t WHERE id < 3 ORDER BY id) TO '${q}'`)).rows, [[2n]])
  assert.equal(readFileSync(q, 'utf8'), '{"id":1,"r":"NORTH"}\n{"id":2,"r":"SOUTH"}\n')
  const cols = join(dir, 'cols.json')
  await db.query(`COPY t (id) TO '${cols}' (FORMAT json)`)
  assert.equal(readFileSync(cols, 'utf8').split('\n')[0], '{"id":1}')
  const gz = join(dir, 'z.json.gz')
  await db.query(`COPY t TO '${gz}'`)
  assert.equal(gunzipSync(readFileSync(gz)).toString().split('\n').length, 5)
  const gz2 = join(dir, 'z2.json')
  await db.query(`COPY t TO '${gz2}' (FORMAT json, COMPRESSION gzip)`)
  assert.equal(readFileSync(gz2)[0], 0x1f)
  await db.query('CREATE TABLE back (id INTEGER, region VARCHAR, amount DECIMAL(10,2), day DATE)')
  await db.query(`COPY back FROM '${gz2}' (FORMAT json)`)
  assert.deepEqual((await db.query('SELECT count(*) FROM back')).rows, [[4n]])
  await fails(db, `COPY t TO '${join(dir, 'x.json')}' (FORMAT jsn)`, '22023', /did you mean "json"/)
  await fails(db, `COPY t TO '${join(dir, 'x.json')}' (FORMAT json, COMPRESSION gzp)`, '22023', /gzip/)
  await fails(db, `COPY t TO '${join(dir, 'x.json')}' (FORMAT json, COMPRESSION zstd)`, '0A000')
  await fails(db, `COPY t TO '${join(dir, 'x.json')}' (FORMAT json, FORMAT csv)`, '42601', /more than once/)
  await fails(db, `COPY t TO '${join(dir, 'x.json')}' (FORMAT json, PARTITION_BY (nope))`, '42703')
  await fails(db, `COPY t TO '${join(dir, 'no-such-folder', 'x.json')}'`, '58030')
  await fails(db, `COPY t FROM '${join(dir, 'x.json')}' (PARTITION_BY (id))`, '22023', /COPY … TO/)
  await fails(db, 'COPY t TO 42', '22023', /file name/)
})

test('PARTITION_BY writes hive folders; a non-empty folder needs OVERWRITE_OR_IGNORE or OVERWRITE', async () => {
  const db = await sample()
  const out = join(dir, 'parts')
  assert.deepEqual((await db.query(`COPY t TO '${out}' (FORMAT json, PARTITION_BY (region))`)).rows, [[4n]])
  assert.deepEqual(readdirSync(out).sort(), ['region=NULL', 'region=north', 'region=south'])
  assert.deepEqual(readdirSync(join(out, 'region=north')), ['data_0.json'])
  // partition columns are not repeated inside the files (DuckDB's default)
  assert.equal(readFileSync(join(out, 'region=south', 'data_0.json'), 'utf8'), '{"id":2,"amount":20.0,"day":"2024-01-02"}\n')
  await fails(db, `COPY t TO '${out}' (FORMAT json, PARTITION_BY (region))`, '58P02', /OVERWRITE_OR_IGNORE/)
  await db.query(`COPY t TO '${out}' (FORMAT json, PARTITION_BY (region), OVERWRITE_OR_IGNORE)`)
  assert.deepEqual(readdirSync(join(out, 'region=north')).sort(), ['data_0.json', 'data_1.json'])
  await db.query(`COPY t TO '${out}' (FORMAT json, PARTITION_BY (region, day), OVERWRITE)`)
  assert.deepEqual(readdirSync(join(out, 'region=north')).sort(), ['day=2024-01-01', 'day=2024-01-02'])
  // reading the folder back with the partition columns from the folder names
  const back = await db.query(`SELECT region, day::VARCHAR AS day, id::INTEGER, amount::DOUBLE FROM read_json('${out}/*/*/*.json', hive_partitioning = true) ORDER BY id`)
  assert.deepEqual(back.rows, (await db.query(`SELECT region, day::VARCHAR, id, amount::DOUBLE FROM t ORDER BY id`)).rows)
  await fails(db, `COPY (SELECT 1 AS a) TO '${join(dir, 'only')}' (FORMAT json, PARTITION_BY (a))`, '22023', /nothing would be left/)
  const file = join(dir, 'plainfile')
  writeFileSync(file, 'x')
  await fails(db, `COPY t TO '${file}' (FORMAT json, PARTITION_BY (region))`, '22023', /is a file/)
  mkdirSync(join(dir, 'adir'), { recursive: true })
  await fails(db, `COPY t TO '${join(dir, 'adir')}' (FORMAT json)`, '22023', /is a directory/)
  assert.ok(existsSync(out))
})

test('partitioned COPY TO and a hive read back, for every format with a writer and a reader', async () => {
  const db = await sample()
  for (const f of db.hooks.allFormats().filter(f => f.read !== undefined && f.write !== undefined)) {
    const out = join(dir, `hive-${f.name}`)
    const ext = f.extensions[0]!
    assert.deepEqual((await db.query(`COPY t TO '${out}' (FORMAT ${f.name}, PARTITION_BY (region))`)).rows, [[4n]], f.name)
    const r = await db.query(`SELECT region, count(*) AS n, sum(id) AS s FROM read_${f.name}('${out}/*/*.${ext}', hive_partitioning = true) GROUP BY ALL ORDER BY region NULLS LAST`)
    assert.deepEqual(r.rows.map(row => row.map(v => typeof v === 'bigint' ? Number(v) : v)), [['north', 2, 4], ['south', 1, 2], [null, 1, 4]], f.name)
  }
})

test('legacy PostgreSQL spellings load CSV; misspelt COPY options get a did-you-mean and a position', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a INTEGER, b VARCHAR)')
  const csv = join(dir, 'legacy.csv')
  writeFileSync(csv, 'a,b\n1,x\n2,y\n')
  const txt = join(dir, 'legacy.txt')
  writeFileSync(txt, '3|z\n4|NA\n')
  if (db.hooks.format('csv') === undefined) return
  await db.query(`COPY t FROM '${csv}' WITH (FORMAT csv, HEADER)`)
  await db.query(`COPY t FROM '${csv}' DELIMITER ',' CSV HEADER`)
  await db.query(`COPY t FROM '${txt}' (DELIMITER '|', NULL 'NA', HEADER false)`)
  assert.deepEqual((await db.query('SELECT a, b FROM t ORDER BY a, b')).rows, [[1, 'x'], [1, 'x'], [2, 'y'], [2, 'y'], [3, 'z'], [4, null]])
  const e = await fails(db, `COPY t TO '${join(dir, 'o.csv')}' (FORMT csv)`, '42601', /COPY option FORMAT/)
  assert.equal(e.position, `COPY t TO '${join(dir, 'o.csv')}' (`.length)
  await fails(db, `COPY t TO '${join(dir, 'o.csv')}' (FORMAT csv, PARTITION_B (a))`, '42601', /PARTITION_BY/)
  await fails(db, `COPY t FROM '${csv}' (FORMAT json)`, '22P04')
})

test('COPY FROM CSV reads fields as the table types: IGNORE_ERRORS skips bad rows, AUTO_DETECT false uses the table schema', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE n (a INTEGER, b VARCHAR, d DATE)')
  const path = join(dir, 'typed.csv')
  writeFileSync(path, 'a|b|d\n1|x|2024-01-01\nbad|y|2024-01-02\n3|z|not a date\n4|w|2024-01-04\n')
  await assert.rejects(db.query(`COPY n FROM '${path}' (SEPARATOR '|', HEADER)`), (e: unknown) => e instanceof GrizzlyError && /bad|INTEGER/.test(e.message))
  assert.equal((await db.query(`COPY n FROM '${path}' (SEPARATOR '|', HEADER, IGNORE_ERRORS)`)).changes, 2)
  assert.deepEqual((await db.query('SELECT a, b, CAST(d AS VARCHAR) FROM n ORDER BY a')).rows, [[1, 'x', '2024-01-01'], [4, 'w', '2024-01-04']])
  const plain = join(dir, 'plain.csv')
  writeFileSync(plain, '5,v,2024-02-01\n6,u,\n')
  assert.equal((await db.query(`COPY n FROM '${plain}' (AUTO_DETECT false)`)).changes, 2)
  assert.deepEqual((await db.query('SELECT a, d IS NULL FROM n WHERE a > 4 ORDER BY a')).rows, [[5, false], [6, true]])
  // a schema given by the statement wins over the table's
  assert.equal((await db.query(`COPY n FROM '${plain}' (AUTO_DETECT false, COLUMNS {'a': 'INTEGER', 'b': 'VARCHAR', 'd': 'VARCHAR'})`)).changes, 2)
})
