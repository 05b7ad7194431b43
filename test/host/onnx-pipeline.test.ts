/**
 * predict / embed pipelined (the pipelined_calls rule and host/services/onnx-thread.ts): ONNX
 * Runtime runs on the inference thread one chunk ahead of the query. Every answer must equal
 * the in-thread answer (`SET onnx_pipeline = false`) and the JavaScript model, over many chunks
 * and NULL rows; LIMIT (a started chunk never collected), errors raised on the inference
 * thread, and the places the rule must not move a call.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fails } from '../expect-error.ts'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { registerOnnx } from '../../host/services/onnx.ts'
import { InferenceThread } from '../../host/services/onnx-thread.ts'
import { embeddingModel, mlp, mlpModel, mlpWeights, weights } from '../../bench/onnx-models.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-onnx-pipeline-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

const ROWS = 20_000
const K = 4
const model = mlpWeights(K, 8, 1, 77)

async function open(): Promise<Database> {
  const db = await Database.open()
  registerOnnx(db.hooks, 'onnx')
  const path = join(dir, `m-${Math.random().toString(36).slice(2)}.onnx`)
  writeFileSync(path, mlpModel(model))
  await db.exec(`CREATE MODEL m FROM '${path}'`)
  // every 97th row has a NULL feature: those rows are not fed and come back NULL
  await db.exec(`CREATE TABLE t AS SELECT i, ${Array.from({ length: K }, (_, f) => `CASE WHEN i % 97 = 3 AND ${f} = 1 THEN NULL ELSE ((i * ${f + 3}) % 101) / 50.0 - 1 END AS f${f}`).join(', ')} FROM range(${ROWS}) r(i)`)
  return db
}

const features = 'f0, f1, f2, f3'
const expected = (row: number | bigint): number | null => {
  const i = Number(row)
  if (i % 97 === 3) return null
  return mlp(model, Array.from({ length: K }, (_, f) => Math.fround(((i * (f + 3)) % 101) / 50 - 1)))[0]!
}
const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)

async function plan(db: Database, sql: string): Promise<string> {
  return String((await db.query(`EXPLAIN ${sql}`)).rows[0]![1])
}

test('pipelined predict gives the in-thread answers and the JavaScript model, chunk after chunk', async () => {
  const db = await open()
  const sql = `SELECT i, predict('m', ${features}) FROM t ORDER BY i`
  assert.match(await plan(db, sql), /PROJECTION \[pipelined\].*predict/)
  const on = (await db.query(sql)).rows as [number, number | null][]
  await db.exec('SET onnx_pipeline = false')
  const off = (await db.query(sql)).rows as [number, number | null][]
  assert.equal(on.length, ROWS)
  assert.deepEqual(on, off)
  for (const [i, y] of on) {
    const want = expected(i)
    if (want === null) assert.equal(y, null, `row ${i}`)
    else close(y!, want, `row ${i}`)
  }
  await db.close()
})

test('calls every row needs are moved into a pipelined projection: aggregate arguments, group keys, filters, casts, comparisons', async () => {
  const db = await open()
  const queries = [
    `SELECT sum(predict('m', ${features})), count(*) FROM t`,
    `SELECT predict('m', ${features}) > 0.1 AS y, count(*) FROM t GROUP BY ALL ORDER BY y`,
    `SELECT count(*) FROM t WHERE predict('m', ${features}) > 0`,
    `SELECT count(*) FROM t WHERE predict('m', ${features}) > 0 AND i % 2 = 0`,
    `SELECT count(*) FROM t WHERE i % 2 = 0 AND predict('m', ${features}) > 0`,
    `SELECT i FROM t WHERE i % 3 = 0 ORDER BY predict('m', ${features}) DESC NULLS LAST, i LIMIT 7`,
  ]
  const answers: unknown[] = []
  for (const q of queries) {
    assert.match(await plan(db, q), /\[pipelined\]/, q)
    answers.push((await db.query(q)).rows)
  }
  // a filter moved over the pipelined projection hands up only its own columns
  const star = await db.query(`SELECT * FROM t WHERE predict('m', ${features}) > 0 ORDER BY i LIMIT 5`)
  assert.deepEqual(star.columns.map(c => c.name), ['i', 'f0', 'f1', 'f2', 'f3'])
  assert.ok(star.rows.every(r => r.length === 5))
  await db.exec('SET onnx_pipeline = false')
  for (const [k, q] of queries.entries()) assert.deepEqual((await db.query(q)).rows, answers[k], q)
  // the sum against JavaScript
  let sum = 0
  for (let i = 0; i < ROWS; i++) sum += expected(i) ?? 0
  close(Number((answers[0] as unknown[][])[0]![0]), sum, 'sum')
  await db.close()
})

test('calls only some rows reach stay where they are', async () => {
  const db = await open()
  for (const q of [
    `SELECT CASE WHEN i % 2 = 0 THEN predict('m', ${features}) END FROM t`,
    `SELECT coalesce(f0, predict('m', ${features})) FROM t`,
    `SELECT sum(predict('m', ${features})) FILTER (WHERE i < 10) FROM t`,
  ]) {
    assert.doesNotMatch(await plan(db, q), /\[pipelined\]/, q)
    await db.query(q)
  }
  // switched off by name, as every rule is
  await db.exec("SET disabled_optimizers = 'pipelined_calls'")
  assert.doesNotMatch(await plan(db, `SELECT predict('m', ${features}) FROM t`), /\[pipelined\]/)
  await db.close()
})

test('LIMIT leaves a started chunk uncollected; later queries still get their own answers', async () => {
  const db = await open()
  for (let round = 0; round < 5; round++) {
    const few = (await db.query(`SELECT i, predict('m', ${features}) FROM t WHERE i >= ${round * 4096} LIMIT 3`)).rows as [number, number | null][]
    assert.equal(few.length, 3)
    for (const [i, y] of few) { const want = expected(i); if (want === null) assert.equal(y, null); else close(y!, want, `row ${i}`) }
  }
  // a cursor left open mid-way while other queries predict
  const all = (await db.query(`SELECT i, predict('m', ${features}) FROM t WHERE i < 9000 ORDER BY i`)).rows as [number, number | null][]
  for (const [i, y] of all) { const want = expected(i); if (want === null) assert.equal(y, null); else close(y!, want, `row ${i}`) }
  await db.close()
})

test('an ONNX Runtime failure on the inference thread is a 38000 error naming the model, and the next query works', async () => {
  const db = await Database.open()
  registerOnnx(db.hooks, 'onnx')
  const vocabulary = 10, d = 3
  const path = join(dir, 'embed.onnx')
  writeFileSync(path, embeddingModel(weights(vocabulary * d, 5), vocabulary, d, false))
  await db.exec(`CREATE MODEL e FROM '${path}'`)
  // token id 10 is past the 10-row table: ONNX Runtime's Gather refuses it while running
  await db.exec('CREATE TABLE ids AS SELECT i, [i % 10, CASE WHEN i = 5000 THEN 10 ELSE 1 END]::BIGINT[] AS tokens FROM range(8000) r(i)')
  const sql = "SELECT count(embed('e', tokens)) FROM ids"
  assert.match(await plan(db, sql), /\[pipelined\]/)
  await fails(() => db.query(sql), '38000', /model "e" failed in ONNX Runtime/)
  const ok = await db.query("SELECT count(embed('e', tokens)) FROM ids WHERE i <> 5000")
  assert.equal(Number(ok.rows[0]![0]), 7999)
  await db.exec('SET onnx_pipeline = false')
  await fails(() => db.query(sql), '38000', /model "e" failed in ONNX Runtime/)
  await fails(() => db.query('SET onnx_pipeline = 3'), '22023', /onnx_pipeline/)
  await db.close()
})

test('embed over text tokenizes the next chunks while the inference thread runs this one: same vectors as in one thread', async () => {
  const db = await Database.open()
  registerOnnx(db.hooks, 'onnx')
  const vocabulary = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'cat', 'sat', 'on', 'mat', '##s', '.']
  const d = 4
  const vocab = join(dir, 'vocab.txt')
  writeFileSync(vocab, vocabulary.join('\n') + '\n')
  const path = join(dir, 'text.onnx')
  writeFileSync(path, embeddingModel(weights(vocabulary.length * d, 9), vocabulary.length, d, true))
  await db.exec(`CREATE MODEL enc FROM '${path}' (TOKENIZER '${vocab}')`)
  const words = ['the', 'cat', 'sat', 'on', 'mats', 'dog', '.']
  await db.exec(`CREATE TABLE docs AS SELECT i, CASE WHEN i % 50 = 7 THEN NULL ELSE array_to_string([${words.map(w => `'${w}'`).join(', ')}][1 + i % 7 : 1 + i % 5 + i % 3], ' ') END AS body FROM range(10000) r(i)`)
  const sql = "SELECT i, embed('enc', body) FROM docs ORDER BY i"
  assert.match(await plan(db, sql), /\[pipelined\].*embed/)
  const on = (await db.query(sql)).rows
  await db.exec('SET onnx_pipeline = false')
  const off = (await db.query(sql)).rows
  assert.equal(on.length, 10000)
  assert.deepEqual(on, off)
  assert.equal(on.filter(r => r[1] === null).length, 200)
  await db.close()
})

test('past 16 models the inference thread drops the oldest session and loads it again when asked', async () => {
  const thread = InferenceThread.get()
  assert.ok(thread !== null)
  const x = new Float32Array(2 * K).fill(0.5)
  const run = (k: number): number => {
    const m = mlpWeights(K, 3, 1, 100 + k)
    const r = thread.submit(`evict-${k}`, mlpModel(m), 1, [{ name: 'x', type: 'float32', data: x, dims: [2, K] }]).collect()
    assert.ok(!('error' in r), `model ${k}: ${'error' in r ? r.error : ''}`)
    const y = Number((r.outputs.y!.data as Float32Array)[0])
    close(y, mlp(m, Array.from({ length: K }, () => 0.5))[0]!, `model ${k}`)
    return y
  }
  for (let k = 0; k < 18; k++) run(k)
  run(0)
  run(17)
})

// last: it stops the process's inference thread for good
test('an inference thread that dies fails the job waiting on it with 58000; later queries run in the query thread', async () => {
  const db = await open()
  const sql = `SELECT sum(predict('m', ${features})) FROM t`
  const before = (await db.query(sql)).rows[0]![0]
  const thread = InferenceThread.get()
  assert.ok(thread !== null, 'the inference thread runs on this machine')
  // a message the worker cannot handle outside its per-job guard: it stops, as a crash would,
  // before it reaches the job queued behind it
  ;(thread as unknown as { post(m: object): void }).post({ kind: 'slot', index: 0, buffer: null })
  const job = thread.submit('dead', mlpModel(model), 1, [{ name: 'x', type: 'float32', data: new Float32Array(2 * K), dims: [2, K] }])
  assert.throws(() => job.collect(), (e: unknown) => e instanceof GrizzlyError && e.code === '58000' && /inference thread stopped/.test(e.message) && e.hint !== undefined)
  assert.equal(InferenceThread.get(), null)
  assert.deepEqual((await db.query(sql)).rows[0]![0], before)
  await db.close()
})
