/**
 * The onnx service (host/services/onnx.ts) registered on a database's hooks: CREATE MODEL with
 * real ONNX bytes, predict / predict_proba / embed checked against the same models computed in
 * JavaScript (float32 tolerance), NULLs, and every bad input.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fails } from '../expect-error.ts'
import { Database } from '../../core/database.ts'
import { GrizzlyError, SqlState } from '../../core/errors.ts'
import { registerOnnx } from '../../host/services/onnx.ts'
import {
  classifierModel, classify, embedTokens, embeddingModel, labelModel, linear, linearModel, mlp, mlpModel, mlpWeights, twoInputModel, weights,
} from '../../bench/onnx-models.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-onnx-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

async function open(): Promise<Database> {
  const db = await Database.open()
  registerOnnx(db.hooks, 'onnx')
  return db
}

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)

/** rows of k features, some NULL */
function features(n: number, k: number, seed: number): (number | null)[][] {
  const w = weights(n * k, seed)
  return Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, f) => i % 13 === 5 && f === 1 ? null : Math.round(w[i * k + f]! * 1000) / 100))
}

async function table(db: Database, rows: (number | null)[][]): Promise<void> {
  const k = rows[0]!.length
  await db.exec(`CREATE TABLE t (id INTEGER, ${Array.from({ length: k }, (_, f) => `f${f} DOUBLE`).join(', ')})`)
  const values = rows.map((r, i) => `(${i}, ${r.map(v => v === null ? 'NULL' : String(v)).join(', ')})`)
  for (let i = 0; i < values.length; i += 1000) await db.exec(`INSERT INTO t VALUES ${values.slice(i, i + 1000).join(', ')}`)
}

test('linear regression: predict over columns, FLOAT[n] and STRUCT agrees with JavaScript; NULL rows give NULL', async () => {
  const db = await open()
  const w = [0.5, -1.25, 2], b = 0.75
  await db.exec(`CREATE MODEL lin FROM '${file('lin.onnx', linearModel(w, b))}'`)
  const rows = features(10_000, 3, 7)
  await table(db, rows)
  const cols = (await db.query("SELECT predict('lin', f0, f1, f2) FROM t ORDER BY id")).rows.map(r => r[0] as number | null)
  assert.equal((await db.query("SELECT typeof(predict('lin', f0, f1, f2)) FROM t LIMIT 1")).rows[0]![0], 'FLOAT')
  const arr = (await db.query("SELECT predict('lin', [f0, f1, f2]::FLOAT[3]) FROM t ORDER BY id")).rows.map(r => r[0] as number | null)
  const st = (await db.query("SELECT predict('lin', {'a': f0, 'b': f1, 'c': f2}) FROM t ORDER BY id")).rows.map(r => r[0] as number | null)
  rows.forEach((r, i) => {
    if (r.includes(null)) { assert.equal(cols[i], null); assert.equal(arr[i], null); assert.equal(st[i], null); return }
    const want = linear(w, b, r as number[])
    close(cols[i]!, want, `row ${i}`); close(arr[i]!, want, `row ${i} (array)`); close(st[i]!, want, `row ${i} (struct)`)
  })
  // constants and a NULL array
  close((await db.query("SELECT predict('lin', 1, 2, 3)")).rows[0]![0] as number, linear(w, b, [1, 2, 3]), 'constants')
  assert.deepEqual((await db.query("SELECT predict('lin', NULL::FLOAT[3])")).rows, [[null]])
  assert.deepEqual((await db.query("SELECT predict('lin', [1, NULL, 3]::FLOAT[3])")).rows, [[null]])
  await db.close()
})

test('MLP with several outputs per row: FLOAT[n] result, and a STRUCT for several outputs', async () => {
  const db = await open()
  const m = mlpWeights(8, 32, 2, 11)
  await db.exec(`CREATE MODEL mlp FROM '${file('mlp.onnx', mlpModel(m))}'`)
  const rows = features(5000, 8, 3).map(r => r.map(v => v ?? 0))
  await table(db, rows)
  const got = (await db.query(`SELECT predict('mlp', ${rows[0]!.map((_, f) => `f${f}`).join(', ')}) FROM t ORDER BY id`)).rows.map(r => r[0] as number[])
  assert.equal((await db.query("SELECT typeof(predict('mlp', [f0, f1, f2, f3, f4, f5, f6, f7]::FLOAT[8])) FROM t LIMIT 1")).rows[0]![0], 'FLOAT[2]')
  rows.forEach((r, i) => { const want = mlp(m, r.map(Math.fround)); close(got[i]![0]!, want[0]!, `row ${i}.0`); close(got[i]![1]!, want[1]!, `row ${i}.1`) })
  await db.close()
})

test('classifier: predict gives STRUCT(label, probabilities), predict_proba the probabilities', async () => {
  const db = await open()
  const k = 4, classes = 3
  const w = weights(k * classes, 21), b = weights(classes, 22)
  await db.exec(`CREATE MODEL clf FROM '${file('clf.onnx', classifierModel(w, b, k))}'`)
  const rows = features(3000, k, 5)
  await table(db, rows)
  const both = (await db.query("SELECT predict('clf', f0, f1, f2, f3) AS p FROM t ORDER BY id")).toObjects().map(o => o.p as { label: bigint; probabilities: number[] } | null)
  const proba = (await db.query("SELECT predict_proba('clf', [f0, f1, f2, f3]::FLOAT[4]) FROM t ORDER BY id")).rows.map(r => r[0] as number[] | null)
  assert.equal((await db.query("SELECT typeof(predict('clf', 1, 2, 3, 4))")).rows[0]![0], 'STRUCT(label BIGINT, probabilities FLOAT[3])')
  rows.forEach((r, i) => {
    if (r.includes(null)) { assert.equal(both[i], null); assert.equal(proba[i], null); return }
    const want = classify(w, b, (r as number[]).map(Math.fround))
    assert.equal(both[i]!.label, BigInt(want.label), `row ${i}`)
    want.probabilities.forEach((p, c) => { close(both[i]!.probabilities[c]!, p, `row ${i} class ${c}`); close(proba[i]![c]!, p, `row ${i} proba ${c}`) })
  })
  // fields are addressable
  assert.equal((await db.query("SELECT predict('clf', 1, 2, 3, 4).label")).rows[0]![0], BigInt(classify(w, b, [1, 2, 3, 4]).label))
  await db.close()
})

test('embed: token-id lists padded per batch, attention mask filled, mean-pooled to FLOAT[d]', async () => {
  const db = await open()
  const vocabulary = 50, d = 6
  const tableW = weights(vocabulary * d, 31)
  await db.exec(`CREATE MODEL enc FROM '${file('enc.onnx', embeddingModel(tableW, vocabulary, d, true))}'`)
  await db.exec(`CREATE MODEL enc_nomask FROM '${file('enc2.onnx', embeddingModel(tableW, vocabulary, d, false))}'`)
  const docs = Array.from({ length: 200 }, (_, i) => Array.from({ length: 1 + (i % 9) }, (_, t) => (i * 7 + t * 3) % vocabulary))
  await db.exec('CREATE TABLE docs (id INTEGER, ids BIGINT[])')
  await db.exec(`INSERT INTO docs VALUES ${docs.map((ids, i) => `(${i}, [${ids.join(', ')}])`).join(', ')}, (999, NULL)`)
  assert.equal((await db.query("SELECT typeof(embed('enc', ids)) FROM docs LIMIT 1")).rows[0]![0], `FLOAT[${d}]`)
  const got = (await db.query("SELECT embed('enc', ids) FROM docs ORDER BY id")).rows.map(r => r[0] as number[] | null)
  docs.forEach((ids, i) => embedTokens(tableW, d, ids).forEach((v, k) => close(got[i]![k]!, v, `doc ${i}[${k}]`)))
  assert.equal(got[200], null)
  // without a mask input every token counts, padding (id 0) included: equal only for the longest rows
  const nomask = (await db.query("SELECT embed('enc_nomask', ids) FROM docs WHERE len(ids) = 9 ORDER BY id")).rows.map(r => r[0] as number[])
  docs.filter(ids => ids.length === 9).forEach((ids, i) => embedTokens(tableW, d, ids).forEach((v, k) => close(nomask[i]![k]!, v, `full doc ${i}`)))
  await db.close()
})

test('a model with two inputs takes one argument per input, in order', async () => {
  const db = await open()
  await db.exec(`CREATE MODEL two FROM '${file('two.onnx', twoInputModel())}'`)
  const r = (await db.query("SELECT predict('two', 1.5, [10, 4]::DOUBLE[2]), predict('two', x, [x, 1]::DOUBLE[2]) FROM (VALUES (2.0), (NULL)) v(x)")).rows
  assert.deepEqual(r, [[7.5, 3], [7.5, null]])
  assert.equal((await db.query("SELECT typeof(predict('two', 1, [1, 2]::DOUBLE[2]))")).rows[0]![0], 'DOUBLE')
  await fails(() => db.query("SELECT predict('two', 1, 2, 3)"), SqlState.datatypeMismatch, /2 inputs .*but 3 arguments/)
  // one STRUCT whose fields are named after the inputs, in any order
  assert.deepEqual((await db.query("SELECT predict('two', {'B': [10, 4]::DOUBLE[2], 'a': 1.5::REAL}), predict('two', s) FROM (VALUES ({'a': 2.0::REAL, 'b': [1, 1]::DOUBLE[2]}), (NULL)) v(s)")).rows, [[7.5, 2], [7.5, null]])
  await fails(() => db.query("SELECT predict('two', {'a': 1, 'c': [1, 2]::DOUBLE[2]})"), SqlState.datatypeMismatch, /no field for input b/)
  await fails(() => db.query("SELECT predict('two', {'a': 'x', 'b': [1, 2]::DOUBLE[2]})"), SqlState.datatypeMismatch, /field a is VARCHAR/)
  await db.close()
})

test('models run in batches: a fixed batch dimension is honoured; SHOW MODELS lists inputs and outputs', async () => {
  const db = await open()
  const m = mlpWeights(3, 4, 1, 41)
  await db.exec(`CREATE MODEL fixed FROM '${file('fixed.onnx', mlpModel(m, 1))}'`)
  await db.exec('CREATE TABLE s AS SELECT i, i / 10.0 AS a, i / 20.0 AS b, i / 30.0 AS c FROM range(100) r(i)')
  const got = (await db.query("SELECT i, predict('fixed', a, b, c) FROM s ORDER BY i")).rows
  for (const [i, y] of got) close(y as number, mlp(m, [Number(i) / 10, Number(i) / 20, Number(i) / 30].map(Math.fround))[0]!, `row ${i}`)
  const show = (await db.query('SHOW MODELS')).toObjects()[0]!
  assert.equal(show.format, 'onnx')
  assert.deepEqual(show.inputs, [{ name: 'x', type: 'float32', shape: ['1', '3'] }])
  assert.deepEqual(show.outputs, [{ name: 'y', type: 'float32', shape: ['1', '1'] }])
  await db.close()
})

test('bad inputs: unknown model, name not constant, wrong count, shape and type, malformed model bytes', async () => {
  const db = await open()
  await db.exec(`CREATE MODEL lin FROM '${file('lin3.onnx', linearModel([1, 2, 3], 0))}'`)
  await fails(() => db.query("SELECT predict('nope', 1, 2, 3)"), SqlState.undefinedObject, /model "nope" does not exist/)
  await fails(() => db.query("SELECT predict(m, 1, 2, 3) FROM (VALUES ('lin')) v(m)"), SqlState.invalidParameterValue, /must be a constant/)
  await fails(() => db.query("SELECT predict('lin', 1, 2)"), SqlState.datatypeMismatch, /takes 3 values per row, but 2 arguments/)
  await fails(() => db.query("SELECT predict('lin', [1, 2]::FLOAT[2])"), SqlState.datatypeMismatch, /takes 3 values per row, not FLOAT\[2\]/)
  await fails(() => db.query("SELECT predict('lin', 'a', 'b', 'c')"), SqlState.datatypeMismatch, /takes numbers/)
  await fails(() => db.query("SELECT predict('lin', {'a': 1, 'b': 'x', 'c': 2})"), SqlState.datatypeMismatch, /field b is VARCHAR/)
  await fails(() => db.query("SELECT predict('lin', l) FROM (VALUES ([1.0, 2.0, 3.0]), ([1.0, 2.0])) v(l)"), SqlState.datatypeMismatch, /row 2 of this batch has 2/)
  // a model's only float output counts as its probabilities
  close((await db.query("SELECT predict_proba('lin', 1, 2, 3)")).rows[0]![0] as number, 14, 'single float output')
  await fails(() => db.query("SELECT predict('lin')"), SqlState.datatypeMismatch, /no input values/)
  const bogus = new Uint8Array(64).fill(7)
  bogus[0] = 0x08
  await fails(() => db.exec(`CREATE MODEL bad FROM '${file('bad.onnx', bogus)}'`), SqlState.badFileFormat, /bad\.onnx.*not a valid onnx model.*ONNX Runtime cannot load/)
  await fails(() => db.exec(`CREATE MODEL txt FROM '${file('text.onnx', new TextEncoder().encode('not a model at all'))}'`), SqlState.badFileFormat, /is not a model/)
  await fails(() => db.exec(`CREATE MODEL gone FROM '${join(dir, 'missing.onnx')}'`), SqlState.undefinedFile, /does not exist/)
  await fails(() => db.exec('SET onnx_threads = 0'), SqlState.invalidParameterValue, /onnx_threads/)
  await db.exec('SET onnx_threads = 2')
  close((await db.query("SELECT predict('lin', 1, 1, 1)")).rows[0]![0] as number, 6, 'two threads')
  await db.close()
})

test('a model stored in a database file predicts after reopening', async () => {
  const path = join(dir, 'models.grz')
  let db = await Database.open(path)
  registerOnnx(db.hooks, 'onnx')
  await db.exec(`CREATE MODEL lin FROM '${file('lin4.onnx', linearModel([2, 0, 1], 1))}'`)
  await db.close()
  db = await Database.open(path)
  await fails(() => db.query("SELECT predict('lin', 1, 2, 3)"), SqlState.undefinedFunction, /predict/)
  registerOnnx(db.hooks, 'onnx')
  close((await db.query("SELECT predict('lin', 1, 2, 3)")).rows[0]![0] as number, 6, 'reopened')
  await db.close()
})

test('string outputs come back as VARCHAR; outputs with a free dimension as a LIST', async () => {
  const db = await open()
  await db.exec(`CREATE MODEL lab FROM '${file('lab.onnx', labelModel(3))}'`)
  assert.deepEqual((await db.query("SELECT predict('lab', x) FROM (VALUES ([0.1, 0.9, 0.3]::FLOAT[3]), (NULL), ([5, 1, 2]::FLOAT[3])) v(x)")).rows, [['1'], [null], ['0']])
  assert.equal((await db.query("SELECT typeof(predict('lab', 1, 2, 3))")).rows[0]![0], 'VARCHAR')
  const d = 2, tableW = weights(10 * d, 3)
  await db.exec(`CREATE MODEL hidden FROM '${file('hidden.onnx', embeddingModel(tableW, 10, d, false))}'`)
  assert.equal((await db.query("SELECT typeof(predict('hidden', [1, 2]::BIGINT[]))")).rows[0]![0], 'FLOAT[]')
  const got = (await db.query("SELECT predict('hidden', ids) FROM (VALUES ([1, 2]::BIGINT[]), ([3, 4]::BIGINT[])) v(ids)")).rows.map(r => r[0] as number[])
  assert.deepEqual(got.map(v => v.length), [2 * d, 2 * d])
  ;[[1, 2], [3, 4]].forEach((ids, i) => ids.forEach((id, t) => { for (let k = 0; k < d; k++) close(got[i]![t * d + k]!, tableW[id * d + k]!, `token ${id}`) }))
  await db.close()
})
