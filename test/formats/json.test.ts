import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { parseJson, JsonSyntaxError } from '../../core/formats/json/parse.ts'
import { fails } from './csv-helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-json-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string | Uint8Array): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

async function rows(db: Database, sql: string): Promise<unknown[][]> {
  return (await db.query(sql)).rows
}

async function loadJson(db: Database, table: string, path: string, options = ''): Promise<void> {
  // COPY needs a table; CREATE TABLE … AS over read options is the dispatch's part, so COPY into a typed table
  await db.query(`COPY ${table} FROM '${path}'${options === '' ? '' : ` (${options})`}`)
}

test('parser: exact integers, positions, sequences', () => {
  assert.equal(parseJson('9223372036854775807'), 9223372036854775807n)
  assert.equal(parseJson('1', 1000, true), 1n)
  assert.equal(parseJson('1.0', 1000, true), 1)
  assert.deepEqual(parseJson(' {"a": [1, "x\\n"]} '), { a: [1, 'x\n'] })
  for (const [text, offset] of [['[1,2', 4], ['{"a":tru}', 5], ['{"a" 1}', 5], ['"abc', 0], ['[1,]', 3], ['{} x', 3]] as const) {
    assert.throws(() => parseJson(text), (e: unknown) => e instanceof JsonSyntaxError && e.offset === offset, text)
  }
  assert.throws(() => parseJson('['.repeat(50) + ']'.repeat(50), 10, true), JsonSyntaxError)
})

test('newline-delimited records: detected types, NULLs, missing keys', async () => {
  const db = await Database.open()
  const p = file('a.ndjson', [
    '{"id": 1, "name": "a", "score": 1.5, "ok": true, "day": "2024-01-02", "at": "2024-01-02 03:04:05", "tags": ["x"], "pt": {"x": 1}}',
    '{"id": 2, "name": null, "score": 2, "ok": false, "day": "2024-02-29", "at": "2024-01-02T03:04:05.5", "tags": [], "pt": {"x": null}}',
    '',
    '{"id": 9223372036854775807, "extra": "only here"}',
  ].join('\n'))
  await db.query('CREATE TABLE t (id BIGINT, name VARCHAR, score DOUBLE, ok BOOLEAN, day DATE, at TIMESTAMP, tags VARCHAR[], pt STRUCT(x BIGINT), extra VARCHAR)')
  assert.deepEqual(await rows(db, `COPY t FROM '${p}'`), [[3n]])
  const r = await db.query("SELECT id, name, score, ok, day::VARCHAR, at::VARCHAR, tags, pt, extra FROM t ORDER BY id")
  assert.deepEqual(r.rows, [
    [1n, 'a', 1.5, true, '2024-01-02', '2024-01-02 03:04:05', ['x'], { x: 1n }, null],
    [2n, null, 2, false, '2024-02-29', '2024-01-02 03:04:05.5', [], { x: null }, null],
    [9223372036854775807n, null, null, null, null, null, null, null, 'only here'],
  ])
})

test('array of records, single object, pretty-printed records, gzip', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a BIGINT, b VARCHAR)')
  await loadJson(db, 't', file('arr.json', '[\n {"a": 1, "b": "x"},\n {"a": 2, "b": "y"}\n]\n'))
  await loadJson(db, 't', file('one.json', '{"a": 3, "b": "z"}'))
  await loadJson(db, 't', file('pretty.json', '{\n  "a": 4,\n  "b": "p"\n}\n{\n  "a": 5,\n  "b": "q"\n}\n'))
  await loadJson(db, 't', file('z.json.gz', gzipSync('{"a": 6, "b": "g"}\n{"a": 7, "b": "h"}\n')))
  await loadJson(db, 't', file('forced.txt', '[{"a": 8, "b": "f"}]'), "FORMAT json, ARRAY true")
  assert.deepEqual(await rows(db, 'SELECT a, b FROM t ORDER BY a'), [[1n, 'x'], [2n, 'y'], [3n, 'z'], [4n, 'p'], [5n, 'q'], [6n, 'g'], [7n, 'h'], [8n, 'f']])
})

test('columns option, records = false, maximum_depth, mixed types become JSON text', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a INTEGER, b VARCHAR)')
  await loadJson(db, 't', file('c.json', '{"a": "12", "b": 1}\n{"a": 3, "b": {"k": [1, 2]}}\n'), "FORMAT json, columns = {'a': 'INTEGER', 'b': 'VARCHAR'}")
  assert.deepEqual(await rows(db, 'SELECT * FROM t ORDER BY a'), [[3, '{"k":[1,2]}'], [12, '1']])
  await db.query('CREATE TABLE v (json BIGINT)')
  await loadJson(db, 'v', file('scalars.json', '1\n2\n3\n'), 'records false')
  assert.deepEqual(await rows(db, 'SELECT json FROM v ORDER BY 1'), [[1n], [2n], [3n]])
  await db.query('CREATE TABLE d (s VARCHAR)')
  await loadJson(db, 'd', file('deep.json', '{"s": {"x": {"y": 1}}}\n'), 'maximum_depth 1')
  assert.deepEqual(await rows(db, 'SELECT s FROM d'), [['{"x":{"y":1}}']])
  await db.query('CREATE TABLE m (x VARCHAR)')
  await loadJson(db, 'm', file('mixed.json', '{"x": 1}\n{"x": "two"}\n{"x": [3]}\n'))
  assert.deepEqual(await rows(db, 'SELECT x FROM m'), [['1'], ['two'], ['[3]']])
})

test('bad JSON is 22P04 naming the file, line and column; ignore_errors skips bad lines', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a BIGINT)')
  const bad = file('bad.ndjson', '{"a": 1}\n{"a": 2\n{"a": 3}\n')
  const e = await fails(db, `COPY t FROM '${bad}'`, '22P04', /bad\.ndjson.*line 2, column 8/)
  assert.match(e.hint ?? '', /ignore_errors/)
  await loadJson(db, 't', bad, 'ignore_errors true')
  assert.deepEqual(await rows(db, 'SELECT a FROM t ORDER BY a'), [[1n], [3n]])
  await fails(db, `COPY t FROM '${file('trunc.json', '[{"a": 1}, {"a": 2')}'`, '22P04', /trunc\.json.*line 1, column 19/)
  await fails(db, `COPY t FROM '${file('tok.json', '[{"a": 1},\n {"a": nul}]')}'`, '22P04', /line 2, column 8/)
  await fails(db, `COPY t FROM '${file('late.ndjson', '{"a": 1}\n{"a": "x"}\n')}' (sample_size 1)`, '22P04', /late\.ndjson" line 2/)
  await fails(db, `COPY t FROM '${join(dir, 'missing.json')}'`, '58P01')
  await fails(db, `COPY t FROM '${file('x.json', '{"a": 1}')}' (samplesize 3)`, '22023', /sample_size/)
  await fails(db, `COPY t FROM '${file('y.json', '{"a": 1}')}' (FORMAT jsno)`, '22023', /did you mean "json"/)
  await fails(db, `COPY t FROM '${file('z.json', '{"a": 1}')}' (columns 3)`, '22023', /columns/)
  await fails(db, `COPY t FROM '${file('w.json', '{"a": 1}')}' (columns {'a': 'NOPE'})`, '42704', /NOPE/)
  await fails(db, `COPY t FROM '${file('arr2.json', '{"a": 1}')}' (ARRAY true)`, '22P04', /does not hold a JSON array/)
})

test('writer: NDJSON by default, ARRAY true, values as DuckDB writes them', async () => {
  const db = await Database.open()
  await db.query(`CREATE TABLE t AS SELECT 1::INTEGER AS i, 'a"b' AS s, 1.0::DOUBLE AS d, -0.50::DECIMAL(10,2) AS m, [1, 2] AS l, {'k': 'v'} AS st,
    DATE '2024-01-01' AS dt, TIMESTAMP '2024-01-01 01:02:03.5' AS ts, TIME '01:02:03' AS tm, INTERVAL 1 day AS iv, NULL::VARCHAR AS n`)
  const out = join(dir, 'w.json')
  await db.query(`COPY t TO '${out}'`)
  assert.equal(readFileSync(out, 'utf8'),
    '{"i":1,"s":"a\\"b","d":1.0,"m":-0.5,"l":[1,2],"st":{"k":"v"},"dt":"2024-01-01","ts":"2024-01-01 01:02:03.5","tm":"01:02:03","iv":"1 day","n":null}\n')
  const arr = join(dir, 'w-array.json')
  await db.query(`COPY (SELECT i FROM t UNION ALL SELECT 2) TO '${arr}' (FORMAT json, ARRAY true)`)
  assert.deepEqual(JSON.parse(readFileSync(arr, 'utf8')), [{ i: 1 }, { i: 2 }])
  await fails(db, `COPY t TO '${join(dir, 'bad-opt.json')}' (FORMAT json, arry true)`, '22023', /array/)
})

test('round trip of every type through JSON: Grizzly → Grizzly, DuckDB → Grizzly, Grizzly → DuckDB', async () => {
  const db = await Database.open()
  const columns = `b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INTEGER, i64 BIGINT, f REAL, d DOUBLE, m DECIMAL(12,3), w DECIMAL(30,4),
    s VARCHAR, dt DATE, ts TIMESTAMP, tm TIME, l INTEGER[], st STRUCT(a INTEGER, b VARCHAR[]), ls STRUCT(x DOUBLE)[]`
  const values = `(true, -128, -32768, -2147483648, -9223372036854775808, 1.5, -2.25e100, 123456789.123, 12345678901234567890123456.7891,
      'héllo "w" \\ / ☃', DATE '1999-12-31', TIMESTAMP '2001-02-03 04:05:06.789012', TIME '23:59:59.999999', [1, NULL, 3], {'a': 7, 'b': ['p', NULL]}, [{'x': 0.5}, NULL]),
    (false, 127, 32767, 2147483647, 9223372036854775807, -0.0, 0.1, -0.001, 0, '', DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00', TIME '00:00:00', [], {'a': NULL, 'b': []::VARCHAR[]}, [{'x': -1.0}]),
    (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`
  await db.query(`CREATE TABLE src (${columns})`)
  await db.query(`INSERT INTO src VALUES ${values}`)
  const out = join(dir, 'all.json')
  await db.query(`COPY src TO '${out}'`)
  await db.query(`CREATE TABLE back (${columns})`)
  await db.query(`COPY back FROM '${out}'`)
  const expected = (await db.query('SELECT * FROM src ORDER BY i8 NULLS LAST')).rows
  assert.deepEqual((await db.query('SELECT * FROM back ORDER BY i8 NULLS LAST')).rows, expected)

  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  await duck.run(`CREATE TABLE src (${columns})`)
  await duck.run(`INSERT INTO src VALUES ${values}`)
  const fromDuck = join(dir, 'duck.json')
  await duck.run(`COPY src TO '${fromDuck}' (FORMAT json)`)
  await db.query(`CREATE TABLE fromduck (${columns})`)
  await db.query(`COPY fromduck FROM '${fromDuck}'`)
  assert.deepEqual((await db.query('SELECT * FROM fromduck ORDER BY i8 NULLS LAST')).rows, expected)

  // DuckDB reads what we wrote and gets the same values
  await duck.run(`CREATE TABLE mine (${columns})`)
  await duck.run(`INSERT INTO mine SELECT * FROM read_json('${out}', columns = {${columns.split(/,\s*(?![^()]*\))/).map(c => { const [n, ...t] = c.trim().split(/\s+/); return `'${n}': '${t.join(' ')}'` }).join(', ')}})`)
  // DuckDB's JSON reader takes numbers through DOUBLE, so a 30-digit DECIMAL loses digits there (not in ours)
  const diff = await duck.runAndReadAll('SELECT count(*) FROM (SELECT * EXCLUDE (w) FROM src EXCEPT SELECT * EXCLUDE (w) FROM mine)')
  assert.equal(String(diff.getRows()[0]![0]), '0')
  const dcount = await duck.runAndReadAll('SELECT count(*) FROM mine')
  assert.equal(String(dcount.getRows()[0]![0]), '3')
})

test('mutation fuzz: JSON files read or fail with a GrizzlyError, never crash or hang', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a BIGINT, b VARCHAR, c DOUBLE[])')
  const base = '[{"a": 1, "b": "x", "c": [1.5, 2]},\n{"a": null, "b": "\\u00e9\\n", "c": []},\n{"a": -7, "b": "z", "c": null}]\n'
  const nd = '{"a": 1, "b": "x", "c": [1.5]}\n{"a": 2, "b": "y", "c": []}\n'
  let seed = 12345
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
  const alphabet = '{}[],:"\\ \n0123456789-.eEtrufalsn'
  for (let k = 0; k < 300; k++) {
    const src = k % 2 === 0 ? base : nd
    const chars = [...src]
    const edits = 1 + rand(4)
    for (let j = 0; j < edits; j++) {
      const at = rand(chars.length)
      switch (rand(3)) {
        case 0: chars.splice(at, 1); break
        case 1: chars.splice(at, 0, alphabet[rand(alphabet.length)]!); break
        default: chars[at] = alphabet[rand(alphabet.length)]!
      }
    }
    const p = file(`fuzz${k % 7}.json`, chars.join(''))
    try {
      await db.query(`COPY t FROM '${p}'`)
    } catch (e) {
      assert.ok(e instanceof GrizzlyError && !(e.code === 'XX000'), `case ${k}: ${String(e)}\n${chars.join('')}`)
    }
  }
})

test('deeply nested values read as JSON text or fail with a GrizzlyError, never overflow the stack', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE d (x VARCHAR)')
  for (const depth of [50, 2000, 100_000]) {
    const p = file(`deep${depth}.ndjson`, `{"x": ${'['.repeat(depth)}1${']'.repeat(depth)}}\n`)
    try {
      await db.query(`COPY d FROM '${p}'`)
    } catch (e) {
      assert.ok(e instanceof GrizzlyError && e.code !== 'XX000', `${depth}: ${String(e)}`)
    }
  }
  assert.ok(((await db.query('SELECT count(*) FROM d')).rows[0]![0] as bigint) >= 1n)
})
