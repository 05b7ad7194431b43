import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from '../../index.ts'
import { cleanup, rejects, tempRoot } from './helpers.ts'

const root = tempRoot('grz-routines-')
test.after(() => cleanup(root))

/** A WASM module exporting twice(f64) → f64 and addi(i32, i32) → i32, plus any extra sections. */
function wasmModule(extra: readonly number[] = []): Uint8Array {
  const body0 = [0x00, 0x20, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xa2, 0x0b]
  const body1 = [0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b]
  const code = [0x02, body0.length, ...body0, body1.length, ...body1]
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x0c, 0x02, 0x60, 0x01, 0x7c, 0x01, 0x7c, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
    0x03, 0x03, 0x02, 0x00, 0x01,
    ...extra,
    0x07, 0x10, 0x02, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00, 0x00, 0x04, 0x61, 0x64, 0x64, 0x69, 0x00, 0x01,
    0x0a, code.length, ...code,
  ])
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

test('JavaScript scalar functions: expression and statement bodies, NULLs, every sandbox type', async () => {
  const db = await Database.open()
  await db.query('CREATE FUNCTION twice(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x * 2 $$')
  await db.query(`CREATE FUNCTION greet(name VARCHAR, n INTEGER) RETURNS VARCHAR LANGUAGE javascript AS $$
    if (name === '') return null
    return 'hi ' + name.repeat(n)
  $$`)
  await db.query("CREATE FUNCTION big(x BIGINT) RETURNS BIGINT LANGUAGE javascript AS 'x * 3n'")
  await db.query('CREATE FUNCTION neg(b BOOLEAN) RETURNS BOOLEAN LANGUAGE javascript AS $$ !b $$')
  await db.query('CREATE FUNCTION half(i INTEGER) RETURNS INTEGER LANGUAGE javascript AS $$ i >> 1 $$')
  const r = await db.query(`SELECT twice(x), greet(s, 2), big(b), neg(f), half(i) FROM (VALUES (1.5, 'ab', 9223372036854775807 // 4, true, 7), (NULL, '', NULL, NULL, NULL)) t(x, s, b, f, i)`)
  assert.deepEqual(r.rows, [[3, 'hi abab', (9223372036854775807n / 4n) * 3n, false, 3], [null, null, null, null, null]])
  // a batch larger than one chunk, through an aggregate
  assert.deepEqual((await db.query('SELECT sum(twice(x::DOUBLE)) FROM range(100000) t(x)')).rows, [[99999 * 100000]])
  await db.close()
})

test('JavaScript aggregates: init / step / combine / finalize, grouped, NULLs skipped', async () => {
  const db = await Database.open()
  await db.query(`CREATE AGGREGATE geo(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ {
    init: () => ({ logs: 0, n: 0 }),
    step: (s, x) => ({ logs: s.logs + Math.log(x), n: s.n + 1 }),
    combine: (a, b) => ({ logs: a.logs + b.logs, n: a.n + b.n }),
    finalize: s => s.n === 0 ? null : Math.exp(s.logs / s.n),
  } $$`)
  const r = await db.query('SELECT g, round(geo(v), 6) FROM (VALUES (1, 2.0), (1, 8.0), (1, NULL), (2, 5.0), (3, NULL)) t(g, v) GROUP BY g ORDER BY g')
  assert.deepEqual(r.rows, [[1, 4], [2, 5], [3, null]])
  await db.query(`CREATE AGGREGATE joined(s VARCHAR) RETURNS VARCHAR LANGUAGE javascript AS $$ {
    init: () => '', step: (a, s) => a + s, combine: (a, b) => a + b, finalize: a => a } $$`)
  assert.deepEqual((await db.query(`SELECT joined(s ORDER BY s) FROM (VALUES ('b'), ('a')) t(s)`)).rows, [['ab']])
  await rejects(db.query('CREATE AGGREGATE bad(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ { init: () => 0 } $$'), '42P13', /step/)
  await db.query(`CREATE AGGREGATE picky(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ {
    init: () => 0, step: (s, x) => { if (x < 0) throw new RangeError('no negatives'); return s + x },
    combine: (a, b) => a + b, finalize: s => s } $$`)
  await rejects(db.query('SELECT picky(x) FROM (VALUES (1.0), (-1.0)) t(x)'), '38000', /function picky \(LANGUAGE javascript\) threw RangeError: no negatives/)
  assert.deepEqual((await db.query('SELECT picky(x) FROM (VALUES (1.0), (2.0)) t(x)')).rows, [[3]])
  await db.close()
})

test('errors: syntax at create time with a position in the statement; a throw at run time names the function', async () => {
  const db = await Database.open()
  const sql = 'CREATE FUNCTION bad(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ return x * $$'
  const e = await rejects(db.query(sql), '42601', /function bad/)
  assert.ok(e.position !== undefined && e.position > sql.indexOf('$$') && e.position <= sql.lastIndexOf('$$'), String(e.position))
  await rejects(db.query('SELECT bad(1.0)'), '42883')
  await db.query(`CREATE FUNCTION boom(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ if (x > 2) throw new Error('too big: ' + x); return x $$`)
  assert.deepEqual((await db.query('SELECT boom(1.0)')).rows, [[1]])
  await rejects(db.query('SELECT boom(x::DOUBLE) FROM range(5) t(x)'), '38000', /function boom \(LANGUAGE javascript\) threw Error: too big: 3/)
  // the failure does not stick: the next statement runs again
  assert.deepEqual((await db.query('SELECT boom(2.0)')).rows, [[2]])
  await db.query('CREATE FUNCTION wrongtype(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ "text" $$')
  await rejects(db.query('SELECT wrongtype(1.0)'), '38000', /not a number/)
  await db.query('CREATE FUNCTION spin(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ { while (true) {} } $$')
  await rejects(db.query('SELECT spin(1.0)'), '57014')
  await rejects(db.query('CREATE FUNCTION hog(x DATE) RETURNS DOUBLE LANGUAGE javascript AS $$ 1 $$'), '0A000', /DATE/)
  await rejects(db.query('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE python AS $$ x $$'), '42501', /unknown procedural language/)
  await rejects(db.query('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE AS $$ x $$'), '0A000', /LANGUAGE sql/)
  await rejects(db.query('CREATE FUNCTION f(x DOUBLE) LANGUAGE javascript AS $$ x $$'), '42601', /RETURNS/)
  await rejects(db.query('CREATE FUNCTION f("x); (1" DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ 1 $$'), '42P13', /not a JavaScript identifier/)
  await rejects(db.query('CREATE FUNCTION f(class DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ 1 $$'), '42P13', /class/)
  // a function named like a JavaScript keyword is fine: the name never becomes JavaScript
  await db.query('CREATE FUNCTION "delete"(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x - 1 $$')
  assert.deepEqual((await db.query('SELECT "delete"(3.0)')).rows, [[2]])
  await db.close()
})

test('the sandbox holds: no host objects, no require, no process', async () => {
  const db = await Database.open()
  await db.query(`CREATE FUNCTION probe(x DOUBLE) RETURNS VARCHAR LANGUAGE javascript AS $$ [typeof require, typeof process, typeof fetch, typeof setTimeout].join(',') $$`)
  assert.deepEqual((await db.query('SELECT probe(1.0)')).rows, [['undefined,undefined,undefined,undefined']])
  await db.close()
})

test('CREATE OR REPLACE, duplicates, DROP FUNCTION [IF EXISTS], definitions kept for persistence', async () => {
  const db = await Database.open()
  const changes: string[] = []
  db.extensionHost!.onRoutineChange(c => changes.push(`${c.kind} ${c.def.name}`))
  await db.query('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x + 1 $$')
  await rejects(db.query('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x + 2 $$'), '42723', /OR REPLACE/)
  await rejects(db.query('CREATE FUNCTION abs(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$'), '42723')
  await db.query('CREATE OR REPLACE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x + 2 $$')
  assert.deepEqual((await db.query('SELECT f(1.0)')).rows, [[3]])
  const defs = db.extensionHost!.routines()
  assert.equal(defs.length, 1)
  assert.deepEqual({ ...defs[0], sql: undefined }, { name: 'f', kind: 'scalar', language: 'javascript', params: [{ name: 'x', type: 'DOUBLE' }], returns: 'DOUBLE', body: ' x + 2 ', symbol: null, sql: undefined })
  assert.match(defs[0]!.sql, /^CREATE OR REPLACE FUNCTION f/)
  // the stored text recreates the function in another database
  const other = await Database.open()
  await other.query(defs[0]!.sql)
  assert.deepEqual((await other.query('SELECT f(1.0)')).rows, [[3]])
  await other.close()
  await db.query('DROP FUNCTION f')
  await rejects(db.query('SELECT f(1.0)'), '42883')
  await rejects(db.query('DROP FUNCTION f'), '42883', /IF EXISTS/)
  await db.query('DROP FUNCTION IF EXISTS f')
  assert.deepEqual(db.extensionHost!.routines(), [])
  // OR REPLACE drops the old definition, then creates the new one
  assert.deepEqual(changes, ['create f', 'drop f', 'create f', 'drop f'])
  await db.close()
})

test('a read-only database refuses CREATE and DROP FUNCTION but still runs LOAD-free queries', async () => {
  const db = await Database.open(undefined, { readOnly: true })
  const e = await rejects(db.query('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$'), '25006', /read-only/)
  assert.equal(e.position, 0)
  await rejects(db.query('DROP FUNCTION IF EXISTS f'), '25006')
  assert.deepEqual((await db.query('SELECT 1')).rows, [[1]])
  await db.close()
})

test('the policy switch: procedural_languages decides which languages SQL users may create functions in', async () => {
  const db = await Database.open(undefined, { policy: { procedural_languages: ['wasm'] } })
  await rejects(db.query('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$'), '42501', /procedural_languages/)
  await db.query(`CREATE FUNCTION twice(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(wasmModule())}'`)
  await db.close()
  const none = await Database.open(undefined, { policy: { procedural_languages: [] } })
  await rejects(none.query(`CREATE FUNCTION twice(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(wasmModule())}'`), '42501')
  await none.close()
})

test('WASM functions: hex, base64 and FROM file, SYMBOL, memory capped, bad modules refused', async () => {
  const db = await Database.open(undefined, { policy: { default_limits: { heapMb: 16 } } })
  const mod = wasmModule()
  await db.query(`CREATE FUNCTION twice(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(mod)}'`)
  await db.query(`CREATE FUNCTION plus(a INTEGER, b INTEGER) RETURNS INTEGER LANGUAGE wasm AS '${Buffer.from(mod).toString('base64')}' SYMBOL 'addi'`)
  const file = join(root, 'm.wasm')
  writeFileSync(file, mod)
  await db.query(`CREATE FUNCTION twice2(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm FROM '${file}' SYMBOL 'twice'`)
  const r = await db.query('SELECT twice(x), plus(i, 40), twice2(x) FROM (VALUES (1.25, 2), (NULL, NULL)) t(x, i)')
  assert.deepEqual(r.rows, [[2.5, 42, 2.5], [null, null, null]])
  assert.deepEqual((await db.query('SELECT sum(twice(x::DOUBLE)) FROM range(100000) t(x)')).rows, [[99999 * 100000]])
  // a memory with no maximum, or a maximum over the cap (16 MB = 256 pages), is refused at create time
  await rejects(db.query(`CREATE FUNCTION m1(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(wasmModule([0x05, 0x03, 0x01, 0x00, 0x01]))}' SYMBOL 'twice'`), '42P13', /maximum/)
  await rejects(db.query(`CREATE FUNCTION m2(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(wasmModule([0x05, 0x05, 0x01, 0x01, 0x01, 0x80, 0x04]))}' SYMBOL 'twice'`), '42P13', /maximum/)
  await db.query(`CREATE FUNCTION m3(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(wasmModule([0x05, 0x04, 0x01, 0x01, 0x01, 0x02]))}' SYMBOL 'twice'`)
  await rejects(db.query(`CREATE FUNCTION nope(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(mod)}'`), '42P13', /no function "nope"/)
  await rejects(db.query(`CREATE FUNCTION junk(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS 'hello world!'`), '42P13', /hex nor base64/)
  await rejects(db.query(`CREATE FUNCTION junk(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '0011223344556677'`), '42P13', /not a WebAssembly module/)
  await rejects(db.query(`CREATE FUNCTION s(x VARCHAR) RETURNS DOUBLE LANGUAGE wasm AS '${hex(mod)}'`), '0A000', /javascript/)
  await rejects(db.query(`CREATE FUNCTION gone(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm FROM '${join(root, 'missing.wasm')}'`), '58P01')
  await rejects(db.query(`CREATE AGGREGATE a(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS '${hex(mod)}'`), '0A000')
  // memory.grow past the declared maximum fails inside the module (-1); it cannot take host memory
  const grow = '0061736d01000000' + '0106016001 7f017f'.replace(/ /g, '') + '03020100' + '050401010102' + '070801046772 6f770000'.replace(/ /g, '') + '0a080106002000 40000b'.replace(/ /g, '')
  await db.query(`CREATE FUNCTION grow(pages INTEGER) RETURNS INTEGER LANGUAGE wasm AS '${grow}'`)
  assert.deepEqual((await db.query('SELECT grow(1), grow(100000)')).rows, [[1, -1]])
  await db.close()
})

test('a function that exhausts its heap fails with 53200 and works again in the next statement', async () => {
  const db = await Database.open(undefined, { policy: { default_limits: { heapMb: 32 } } })
  await db.query(`CREATE FUNCTION hog(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ {
    if (x > 0) { const a = []; while (true) a.push(new Array(1e5).fill(x)) }
    return x } $$`)
  await rejects(db.query('SELECT hog(1.0)'), '53200', /function hog \(LANGUAGE javascript\) ran out of memory/)
  assert.deepEqual((await db.query('SELECT hog(-1.0)')).rows, [[-1]])
  await db.close()
})

test('EXPLAIN ANALYZE reports the CPU and wall time each sandbox used in the statement', async () => {
  const db = await Database.open()
  await db.query('CREATE FUNCTION twice(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x * 2 $$')
  const text = String((await db.query('EXPLAIN ANALYZE SELECT twice(x::DOUBLE) FROM range(50000) t(x)')).rows[0]![1])
  assert.match(text, /Extensions \(sandboxed time in this statement\):\n {2}function twice: \d+ calls?, 50000 rows, cpu \d+\.\d{3} ms, wall \d+\.\d{3} ms, heap \d+\.\d MB/)
  // a statement that does not call it shows nothing
  assert.doesNotMatch(String((await db.query('EXPLAIN ANALYZE SELECT 1')).rows[0]![1]), /Extensions/)
  await db.close()
})
