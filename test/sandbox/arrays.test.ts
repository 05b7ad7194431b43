/**
 * Numeric arrays and lists across the sandbox boundary: FLOAT[n] / DOUBLE[n], FLOAT[ANY]
 * arguments bound per call, FLOAT[] / DOUBLE[] lists, FLOAT; NULL rows, NULL elements, wrong
 * sizes, and batches large enough to grow the arena.
 */
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { INTEGER } from '../../core/types/types.ts'
import { Vector } from '../../core/vector/vector.ts'
import { ExtensionSandbox } from '../../sandbox/sandbox.ts'
import { registerSandboxedFunctions } from '../../sandbox/register.ts'

let db: Database
const loaded: ExtensionSandbox[] = []

const CODE = `defineExtension({ name: 'arrays', version: '1.0.0', scalars: [
  { name: 'esum', args: ['FLOAT[ANY]'], returns: 'DOUBLE', invoke([a], n) {
    const out = new Float64Array(n), size = a.size
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < size; j++) s += a.values[i * size + j]; out[i] = s }
    return doubleColumn(out, a.validity)
  } },
  { name: 'esum', args: ['DOUBLE[ANY]'], returns: 'VARCHAR', invoke([a], n) {
    return varcharColumn(new Array(n).fill('double ' + a.type))
  } },
  { name: 'null_elements', args: ['FLOAT[ANY]'], returns: 'INTEGER', invoke([a], n) {
    const out = new Int32Array(n), size = a.size, ev = a.elementValidity
    for (let i = 0; i < n; i++) for (let j = 0; j < size; j++) if (ev !== null && ev[i * size + j] === 0) out[i]++
    return integerColumn(out, a.validity)
  } },
  { name: 'dot', args: ['FLOAT[ANY]', 'FLOAT[ANY]'], returns: 'FLOAT', invoke([a, b], n) {
    const out = new Float32Array(n), size = a.size
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < size; j++) s += a.values[i * size + j] * b.values[i * size + j]; out[i] = s }
    return floatColumn(out)
  } },
  { name: 'twice3', args: ['DOUBLE[3]'], returns: 'DOUBLE[3]', invoke([a], n) {
    const out = new Float64Array(n * 3)
    for (let k = 0; k < n * 3; k++) out[k] = a.values[k] * 2
    return arrayColumn(out, 3, a.validity)
  } },
  { name: 'embed', args: ['INTEGER'], returns: 'FLOAT[128]', invoke([x], n) {
    const out = new Float32Array(n * 128)
    for (let i = 0; i < n; i++) for (let j = 0; j < 128; j++) out[i * 128 + j] = x.values[i] + j
    return arrayColumn(out, 128)
  } },
  { name: 'rev', args: ['FLOAT[]'], returns: 'FLOAT[]', invoke([l], n) {
    const out = new Float32Array(l.values.length), offsets = new Int32Array(n + 1)
    for (let i = 0; i < n; i++) {
      const s = l.offsets[i], e = l.offsets[i + 1]
      for (let k = s; k < e; k++) out[k] = l.values[e - 1 - (k - s)]
      offsets[i + 1] = e
    }
    offsets[0] = l.offsets[0]
    return listColumn(out, offsets, l.validity)
  } },
  { name: 'grow', args: ['INTEGER'], returns: 'DOUBLE[]', invoke([x], n) {
    let total = 0
    for (let i = 0; i < n; i++) total += x.values[i]
    const out = new Float64Array(total), offsets = new Int32Array(n + 1)
    for (let i = 0, at = 0; i < n; i++) { for (let k = 0; k < x.values[i]; k++) out[at++] = k; offsets[i + 1] = at }
    return listColumn(out, offsets)
  } },
  { name: 'bad_size', args: ['INTEGER'], returns: 'FLOAT[4]', invoke(a, n) {
    return { type: 'FLOAT[4]', length: n, size: 4, values: new Float32Array(n * 3), validity: null }
  } },
  { name: 'bad_class', args: ['INTEGER'], returns: 'FLOAT[2]', invoke(a, n) {
    return { type: 'FLOAT[2]', length: n, size: 2, values: new Float64Array(n * 2), validity: null }
  } },
] })`

before(async () => {
  db = await Database.open()
  const sandbox = ExtensionSandbox.load({ name: 'arrays', code: CODE, limits: { heapMb: 64, cpuMsPerCall: 2000, wallMsPerStatement: 20_000 } })
  loaded.push(sandbox)
  registerSandboxedFunctions(db.hooks, sandbox)
  await db.query('CREATE TABLE v (id INTEGER, e FLOAT[3], d DOUBLE[3], l FLOAT[])')
  await db.query(`INSERT INTO v VALUES (1, [1, 2, 3], [1, 2, 3], [1, 2, 3]), (2, NULL, NULL, NULL), (3, [4, NULL, 6], [0.5, 0.25, 0.125], []),
    (4, [0, 0, 1], [-1, -2, -3], [7])`)
})
after(() => { for (const s of loaded) s.dispose() })

function rejectsWith(code: string, message: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, code, e.message)
    assert.match(e.message, message)
    return true
  }
}

test('FLOAT[ANY] takes any fixed size as one flat Float32Array; NULL rows stay NULL', async () => {
  const r = await db.query('SELECT id, esum(e) FROM v ORDER BY id')
  assert.deepEqual(r.rows.map(x => x[0] === 3 ? [3, 'skip'] : x), [[1, 6], [2, null], [3, 'skip'], [4, 1]])
  assert.deepEqual((await db.query('SELECT esum([1, 2, 3, 4, 5]::FLOAT[5])')).rows, [[15]])
})

test('NULL elements reach the extension as elementValidity', async () => {
  const r = await db.query('SELECT id, null_elements(e) FROM v ORDER BY id')
  assert.deepEqual(r.rows, [[1, 0], [2, null], [3, 1], [4, 0]])
})

test('overloads on the element type: DOUBLE[ANY] picks the DOUBLE signature without a cast', async () => {
  assert.deepEqual((await db.query('SELECT esum(d) FROM v WHERE id = 1')).rows, [['double DOUBLE[3]']])
})

test('two FLOAT[ANY] arguments share one size; a text literal is cast to it; different sizes are 42804', async () => {
  assert.deepEqual((await db.query('SELECT dot(e, e) FROM v WHERE id = 1')).rows, [[14]])
  assert.deepEqual((await db.query('SELECT dot(e, [1, 1, 1]::FLOAT[3]) FROM v WHERE id = 1')).rows, [[6]])
  assert.deepEqual((await db.query(`SELECT dot(e, '[2, 0, 0]') FROM v WHERE id = 1`)).rows, [[2]])
  await assert.rejects(db.query('SELECT dot(e, [1, 2, 3, 4]::FLOAT[4]) FROM v'), rejectsWith('42804', /dot takes arrays of one size, got FLOAT\[3\] and FLOAT\[4\]/))
  await assert.rejects(db.query(`SELECT dot(e, '[1, 2]') FROM v`), (e: unknown) => e instanceof GrizzlyError)
})

test('DOUBLE[3] in and out; FLOAT[128] results in batches that grow the arena', async () => {
  const r = await db.query('SELECT id, twice3(d) FROM v ORDER BY id')
  assert.deepEqual(r.rows, [[1, [2, 4, 6]], [2, null], [3, [1, 0.5, 0.25]], [4, [-2, -4, -6]]])
  const big = await db.query('SELECT count(*), sum(embed(i::INTEGER)[128]), min(esum(embed(i::INTEGER))) FROM range(20000) t(i)')
  // element 128 (1-based) of row i is i + 127
  assert.deepEqual(big.rows, [[20000n, 20000 * 127 + (19999 * 20000) / 2, 8128]])
})

test('FLOAT[] lists in and out, NULL and empty lists included; list results that outgrow the first guess', async () => {
  const r = await db.query('SELECT id, rev(l) FROM v ORDER BY id')
  assert.deepEqual(r.rows, [[1, [3, 2, 1]], [2, null], [3, []], [4, [7]]])
  const g = await db.query('SELECT sum(len(grow(i::INTEGER))) FROM range(300) t(i)')
  assert.equal(Number(g.rows[0]![0]), (299 * 300) / 2)
})

test('malformed array results are 38000 naming the function', async () => {
  await assert.rejects(db.query('SELECT bad_size(1)'), rejectsWith('38000', /bad_size.*FLOAT\[4\] values hold 3 elements for 1 rows of 4/))
  const fresh = ExtensionSandbox.load({ name: 'arrays2', code: CODE.replace("name: 'arrays'", "name: 'arrays2'") })
  loaded.push(fresh)
  assert.throws(() => fresh.callScalar('bad_class', [new Vector(INTEGER, 1, Int32Array.of(1), null)], 1),
    rejectsWith('38000', /bad_class.*FLOAT\[2\] values must be a Float32Array/))
})

test('declaring an open size as a result, or an array in an aggregate, is refused at load', () => {
  const load = (scalar: string, extra = '') => () => ExtensionSandbox.load({ name: 'bad_arrays', code: `defineExtension({ name: 'bad_arrays', version: '1.0.0', scalars: [${scalar}]${extra} })` })
  assert.throws(load(`{ name: 'f', args: ['FLOAT[ANY]'], returns: 'FLOAT[ANY]', invoke() {} }`), rejectsWith('42P13', /returns FLOAT\[ANY\]: a result needs a fixed size/))
  assert.throws(load(`{ name: 'f', args: ['FLOAT[0]'], returns: 'FLOAT', invoke() {} }`), (e: unknown) => e instanceof GrizzlyError && e.code === '42P13')
  assert.throws(load('', `, aggregates: [{ name: 'a', args: ['FLOAT[3]'], returns: 'DOUBLE', init: () => 0, update: s => s, combine: s => s, finalize: s => s }]`),
    rejectsWith('42P13', /array or list type/))
})

test('hostile list results: offsets outside the values, decreasing offsets, offsets of the wrong class — each a clean 38000', async () => {
  const cases: [string, RegExp][] = [
    [`return { type: 'FLOAT[]', length: n, values: new Float32Array(2), offsets: Int32Array.from({ length: n + 1 }, (_, i) => i * 5), validity: null }`, /list offsets point outside the values/],
    [`const o = new Int32Array(n + 1); o[1] = 3; o[n] = 1; return { type: 'FLOAT[]', length: n, values: new Float32Array(4), offsets: o, validity: null }`, /list offsets decrease|outside/],
    [`return { type: 'FLOAT[]', length: n, values: new Float32Array(4), offsets: [0, 1], validity: null }`, /offsets must be an Int32Array/],
  ]
  let k = 0
  for (const [body, message] of cases) {
    const name = `hostile_list_${++k}`
    const sandbox = ExtensionSandbox.load({ name, code: `defineExtension({ name: '${name}', version: '1.0.0', scalars: [
      { name: 'hl_${k}', args: ['FLOAT[]'], returns: 'FLOAT[]', invoke(args, n) { ${body} } }] })` })
    loaded.push(sandbox)
    registerSandboxedFunctions(db.hooks, sandbox)
    await assert.rejects(db.query(`SELECT hl_${k}(l) FROM v ORDER BY id`), rejectsWith('38000', message))
  }
  assert.deepEqual((await db.query('SELECT count(*) FROM v')).rows, [[4n]])
})
