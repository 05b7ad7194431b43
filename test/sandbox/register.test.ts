/**
 * End to end: sandboxed scalars registered into a real database and called from SQL over many
 * chunks, with NULLs and non-ASCII text.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { ExtensionSandbox } from '../../sandbox/sandbox.ts'
import { registerSandboxedFunctions } from '../../sandbox/register.ts'

const CODE = `
defineExtension({
  name: 'demo', version: '1.2.0',
  scalars: [
    { name: 'twice_plus_one', args: ['DOUBLE'], returns: 'DOUBLE', volatility: 'immutable',
      invoke([x], n) {
        const v = x.values, out = new Float64Array(n)
        for (let i = 0; i < n; i++) out[i] = v[i] * 2 + 1
        return { type: 'DOUBLE', length: n, values: out, validity: null }
      } },
    { name: 'shout', args: ['VARCHAR'], returns: 'VARCHAR',
      invoke([s], n) {
        const out = []
        for (let i = 0; i < n; i++) out.push(isValid(s, i) ? readString(s.values, i).toUpperCase() : null)
        return varcharColumn(out)
      } },
    { name: 'add_int', args: ['INTEGER', 'INTEGER'], returns: 'INTEGER',
      invoke([a, b], n) {
        const out = new Int32Array(n)
        for (let i = 0; i < n; i++) out[i] = a.values[i] + b.values[i]
        return { type: 'INTEGER', length: n, values: out, validity: null }
      } },
    { name: 'add_int', args: ['BIGINT', 'BIGINT'], returns: 'BIGINT',
      invoke([a, b], n) {
        const out = new BigInt64Array(n)
        for (let i = 0; i < n; i++) out[i] = a.values[i] + b.values[i]
        return { type: 'BIGINT', length: n, values: out, validity: null }
      } },
    { name: 'is_even', args: ['BIGINT'], returns: 'BOOLEAN',
      invoke([a], n) {
        const out = new Uint8Array(n)
        for (let i = 0; i < n; i++) out[i] = a.values[i] % 2n === 0n ? 1 : 0
        return { type: 'BOOLEAN', length: n, values: out, validity: null }
      } },
    { name: 'null_if_negative', args: ['DOUBLE'], returns: 'DOUBLE',
      invoke([x], n) {
        const validity = new Uint8Array(n)
        for (let i = 0; i < n; i++) validity[i] = x.values[i] < 0 ? 0 : 1
        return { type: 'DOUBLE', length: n, values: new Float64Array(x.values), validity }
      } },
  ],
})`

const sandbox = ExtensionSandbox.load({ name: 'demo', code: CODE })
after(() => sandbox.dispose())

async function database(): Promise<Database> {
  const db = await Database.open()
  registerSandboxedFunctions(db.hooks, sandbox)
  return db
}

test('a sandboxed DOUBLE scalar over 100k rows matches the host', async () => {
  const db = await database()
  await db.exec(`CREATE TABLE t AS SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.5 END AS x FROM range(100000) r(i)`)
  const r = await db.query('SELECT count(*), count(twice_plus_one(x)), sum(twice_plus_one(x)), sum(x * 2 + 1) FROM t')
  const [total, nonNull, sumSandboxed, sumHost] = r.rows[0]!
  assert.equal(Number(total), 100000)
  assert.equal(Number(nonNull), 100000 - Math.ceil(100000 / 7))
  assert.equal(sumSandboxed, sumHost)
  const some = await db.query('SELECT i, twice_plus_one(x) FROM t WHERE i IN (0, 1, 99999) ORDER BY i')
  assert.deepEqual(some.rows, [[0n, null], [1n, 2], [99999n, 99999 + 1]])
  assert.equal(db.hooks.originOf('scalar', 'twice_plus_one')?.extension, 'demo')
})

test('VARCHAR in and out with NULLs and non-ASCII text over several chunks', async () => {
  const db = await database()
  await db.exec(`CREATE TABLE s AS SELECT i, CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN 'grüne straße ' || i
    WHEN i % 5 = 2 THEN '日本語 ' || i WHEN i % 5 = 3 THEN '🐻 bear ' || i ELSE 'plain ' || i END AS s FROM range(20000) r(i)`)
  // the engine's upper() maps ß to ẞ as DuckDB does, JavaScript's to SS
  const r = await db.query("SELECT i, shout(s), replace(upper(s), 'ẞ', 'SS') FROM s ORDER BY i")
  assert.equal(r.rows.length, 20000)
  for (const [i, sandboxed, host] of r.rows) {
    assert.equal(sandboxed, host, `row ${i}`)
  }
  assert.equal(r.rows[1]![1], 'GRÜNE STRASSE 1')
  assert.equal(r.rows[0]![1], null)
})

test('overloads resolve by argument type; BIGINT, INTEGER, BOOLEAN and extension-made NULLs', async () => {
  const db = await database()
  const r = await db.query(`SELECT add_int(2, 3), add_int(9007199254740993::BIGINT, 1::BIGINT), is_even(10::BIGINT), is_even(7::BIGINT),
    null_if_negative(-1.0), null_if_negative(2.5), add_int(NULL, 1)`)
  assert.deepEqual(r.rows[0], [5, 9007199254740994n, true, false, null, 2.5, null])
})

test('a failing extension fails its query only; the next query works', async () => {
  const bad = ExtensionSandbox.load({
    name: 'flaky', code: `defineExtension({ name: 'flaky', version: '1.0.0', scalars: [
      { name: 'explode', args: ['INTEGER'], returns: 'INTEGER', invoke() { throw new Error('kaboom') } }] })`,
  })
  try {
    const db = await database()
    registerSandboxedFunctions(db.hooks, bad)
    await assert.rejects(db.query('SELECT explode(i::INTEGER) FROM range(10) r(i)'), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError)
      assert.equal(e.code, '38000')
      assert.match(e.message, /explode.*flaky.*kaboom/)
      return true
    })
    const ok = await db.query('SELECT twice_plus_one(1.0), 1 + 1')
    assert.deepEqual(ok.rows[0], [3, 2])
    await assert.rejects(db.query('SELECT explode(1)'), /quarantined/)
  } finally {
    bad.dispose()
  }
})

test('stats count calls and rows per function', async () => {
  const db = await database()
  await db.query('SELECT sum(twice_plus_one(i::DOUBLE)) FROM range(10000) r(i)')
  const s = sandbox.stats().find(f => f.signature === 'twice_plus_one(DOUBLE) -> DOUBLE')
  assert.ok(s !== undefined)
  assert.ok(s.calls >= 3, `calls ${s.calls}`)
  assert.ok(s.rows >= 10000)
  assert.ok(s.cpuMs > 0 && s.wallMs >= s.cpuMs * 0.5)
})

test('a sandboxed aggregate over groups, with NULLs skipped, strings and BIGINT results', async () => {
  const agg = ExtensionSandbox.load({
    name: 'aggs', code: `defineExtension({ name: 'aggs', version: '1.0.0', aggregates: [
      { name: 'my_sum', args: ['DOUBLE'], returns: 'DOUBLE', init: () => 0, update: (s, [a], i) => s + a.values[i], combine: (a, b) => a + b, finalize: s => s },
      { name: 'my_count', args: ['VARCHAR'], returns: 'BIGINT', init: () => 0, update: s => s + 1, combine: (a, b) => a + b, finalize: s => BigInt(s) },
      { name: 'longest', args: ['VARCHAR'], returns: 'VARCHAR', init: () => null,
        update: (s, [a], i) => { const v = readString(a.values, i); return s === null || v.length > s.length ? v : s },
        combine: (a, b) => a === null || (b !== null && b.length > a.length) ? b : a, finalize: s => s },
      { name: 'bad_final', args: ['DOUBLE'], returns: 'INTEGER', init: () => 0, update: s => s + 1, combine: (a, b) => a + b, finalize: s => s + 0.5 },
    ] })`,
  })
  try {
    const db = await database()
    registerSandboxedFunctions(db.hooks, agg)
    await db.exec(`CREATE TABLE g AS SELECT i % 3 AS k, CASE WHEN i % 10 = 0 THEN NULL ELSE i END::DOUBLE AS x,
      CASE WHEN i % 4 = 0 THEN NULL ELSE repeat('é', i % 50) END AS s FROM range(30000) r(i)`)
    const r = await db.query('SELECT k, my_sum(x), sum(x), my_count(s), count(s), longest(s) = max_by(s, length(s)) FROM g GROUP BY k ORDER BY k')
    assert.equal(r.rows.length, 3)
    for (const [k, mine, theirs, myCount, count, sameLongest] of r.rows) {
      assert.equal(mine, theirs, `group ${k}`)
      assert.equal(myCount, count)
      assert.equal(sameLongest, true)
    }
    const empty = await db.query('SELECT my_sum(x), my_count(s) FROM g WHERE k > 5')
    assert.deepEqual(empty.rows[0], [0, 0n])
    assert.deepEqual((await db.query('SELECT my_sum(x) FROM g WHERE k = 99')).rows, [[0]])
    await assert.rejects(db.query('SELECT bad_final(x) FROM g'), /bad_final of extension "aggs" returned malformed output: finalize returned .* for an INTEGER aggregate/)
    assert.ok(agg.quarantined !== null)
    assert.deepEqual((await db.query('SELECT sum(x) FROM g WHERE k = 0')).rows.length, 1)
  } finally {
    agg.dispose()
  }
})
