/**
 * The onnx plugin (plugins/onnx) built, signed and loaded like any bundle: with the `onnx`
 * capability granted, LOAD registers the host's ONNX service (model format, predict,
 * predict_proba, embed) under the extension; without it only the sandboxed functions
 * (anomaly_score, forecast) exist. Predictions are checked against JavaScript computations.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from '../../index.ts'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../../registry/index.ts'
import { classifierModel, classify, linear, linearModel, weights } from '../../bench/onnx-models.ts'
import { cleanup, rejects, tempRoot } from '../extensions/helpers.ts'

const root = tempRoot('grz-onnx-plugin-')
after(() => cleanup(root))
const plugin = fileURLToPath(new URL('../../plugins/onnx/', import.meta.url))
const publisher = generateKeyPair()
const bundle = join(root, 'onnx')
buildBundle({ entry: join(plugin, 'index.ts'), outDir: bundle, manifest: JSON.parse(readFileSync(join(plugin, 'manifest.json'), 'utf8')) })
signBundle(bundle, publisher.secretKey)

const open = (grant: string[]) => Database.open(undefined, {
  policy: { trusted_keys: [publisher.publicKey], extensions: { onnx: { capabilities: grant } } },
  extensionDirectory: join(root, `installed-${Math.random().toString(36).slice(2)}`),
})

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)

test('granted onnx: LOAD brings CREATE MODEL and predict / predict_proba; UNLOAD takes them away', async () => {
  const db = await open(['onnx'])
  const lin = join(root, 'lin.onnx')
  writeFileSync(lin, linearModel([1.5, -2, 0.25], 0.5))
  await rejects(db.query(`CREATE MODEL lin FROM '${lin}'`), '22P04', /LOAD EXTENSION onnx/)
  await db.query(`LOAD '${bundle}'`)
  const info = await db.query("SELECT capabilities, hooks FROM grizzly_extensions() WHERE extension_name = 'onnx'")
  const [capabilities, hooks] = info.rows[0] as [string[], string[]]
  assert.deepEqual(capabilities, ['onnx'])
  for (const h of ['scalar:anomaly_score', 'scalar:forecast', 'function predict', 'function predict_proba', 'function embed', 'model format onnx']) assert.ok(hooks.includes(h), `${h} in ${hooks.join(', ')}`)

  await db.query(`CREATE MODEL lin FROM '${lin}'`)
  await db.query('CREATE TABLE t AS SELECT i, i / 7.0 AS a, (i % 5) * 1.0 AS b, i / 3.0 AS c FROM range(2000) r(i)')
  const rows = (await db.query("SELECT a, b, c, predict('lin', a, b, c) FROM t ORDER BY i")).rows as number[][]
  for (const [a, b, c, y] of rows) close(y!, linear([1.5, -2, 0.25], 0.5, [a!, b!, c!]), `lin(${a}, ${b}, ${c})`)

  const k = 3, w = weights(k * 2, 5), bias = weights(2, 6)
  const clf = join(root, 'clf.onnx')
  writeFileSync(clf, classifierModel(w, bias, k))
  await db.query(`CREATE MODEL clf FROM '${clf}'`)
  const p = (await db.query("SELECT predict_proba('clf', [0.5, -1, 2]::FLOAT[3])")).rows[0]![0] as number[]
  classify(w, bias, [0.5, -1, 2]).probabilities.forEach((v, c) => close(p[c]!, v, `class ${c}`))

  // residuals scored against their spread, with the sandboxed anomaly_score
  const scores = (await db.query(`WITH r AS (SELECT i, c - predict('lin', a, b, c) AS e FROM t)
    SELECT i, anomaly_score(e, avg(e) OVER (), stddev_pop(e) OVER ()) FROM r ORDER BY i LIMIT 3`)).rows
  assert.equal(scores.length, 3)
  for (const [, s] of scores) assert.ok(typeof s === 'number' && s >= 0)

  await db.query('UNLOAD EXTENSION onnx')
  await rejects(db.query("SELECT predict('lin', 1, 2, 3)"), '42883')
  // the models stay stored; SHOW MODELS cannot describe them without the format
  assert.deepEqual((await db.query('SHOW MODELS')).rows.map(r => [r[0], r[1], r[4]]), [['clf', 'onnx', null], ['lin', 'onnx', null]])
  await db.close()
})

test('not granted: the sandboxed functions load, predict does not exist', async () => {
  const db = await open([])
  await db.query(`LOAD '${bundle}'`)
  await rejects(db.query("SELECT predict('lin', 1, 2, 3)"), '42883')
  assert.deepEqual((await db.query('SELECT anomaly_score(13, 10, 2), anomaly_score(7, 10, 2), anomaly_score(1, 1, 0), anomaly_score(NULL, 1, 1)')).rows, [[1.5, 1.5, null, null]])
  await db.close()
})

test('forecast: the least-squares line through the history, steps ahead', async () => {
  const db = await open([])
  await db.query(`LOAD '${bundle}'`)
  const r = (await db.query(`SELECT forecast([1, 2, 3, 4]::DOUBLE[], 1), forecast([2, 4, 5, 4, 5]::DOUBLE[], 2), forecast([7]::DOUBLE[], 3),
    forecast([]::DOUBLE[], 1), forecast([1, NULL, 3]::DOUBLE[], 1), forecast(NULL::DOUBLE[], 1)`)).rows[0]!
  // [2, 4, 5, 4, 5]: slope 0.6, intercept 2.8 → at x = 6: 6.4
  assert.deepEqual(r.slice(0, 3).map(v => Math.round((v as number) * 1e9) / 1e9), [5, 6.4, 7])
  assert.deepEqual(r.slice(3), [null, null, null])
  // per series, from an aggregate
  const series = (await db.query(`SELECT g, forecast(list(v::DOUBLE ORDER BY t), 1) FROM (VALUES (1, 0, 10), (1, 1, 12), (1, 2, 14), (2, 0, 5), (2, 1, 5)) s(g, t, v) GROUP BY g ORDER BY g`)).rows
  assert.deepEqual(series, [[1, 16], [2, 5]])
  await db.close()
})

test('embed() feeds the vector index: FLOAT[d] embeddings under an HNSW index answer like brute force', async () => {
  const { embeddingModel, embedTokens } = await import('../../bench/onnx-models.ts')
  const vectorSource = fileURLToPath(new URL('../../plugins/vector/', import.meta.url))
  const vector = join(root, 'vector')
  buildBundle({ entry: join(vectorSource, 'index.ts'), outDir: vector, manifest: JSON.parse(readFileSync(join(vectorSource, 'manifest.json'), 'utf8')) })
  signBundle(vector, publisher.secretKey)
  const db = await Database.open(undefined, {
    policy: { trusted_keys: [publisher.publicKey], extensions: { onnx: { capabilities: ['onnx'] }, vector: { capabilities: ['hnsw'] } } },
    extensionDirectory: join(root, 'installed-both'),
  })
  await db.query(`LOAD '${bundle}'`)
  await db.query(`LOAD '${vector}'`)
  const vocabulary = 40, d = 8, table = weights(vocabulary * d, 77)
  const enc = join(root, 'enc.onnx')
  writeFileSync(enc, embeddingModel(table, vocabulary, d, true))
  await db.query(`CREATE MODEL enc FROM '${enc}'`)
  const docs = Array.from({ length: 300 }, (_, i) => Array.from({ length: 2 + (i % 5) }, (_, t) => (i * 13 + t * 7) % vocabulary))
  await db.query(`CREATE TABLE docs AS SELECT * FROM (VALUES ${docs.map((ids, i) => `(${i}, [${ids.join(', ')}]::BIGINT[])`).join(', ')}) v(id, ids)`)
  await db.query("CREATE TABLE e AS SELECT id, embed('enc', ids) AS v FROM docs")
  assert.equal((await db.query('SELECT typeof(v) FROM e LIMIT 1')).rows[0]![0], `FLOAT[${d}]`)
  await db.query("CREATE INDEX e_v ON e USING hnsw (v) WITH (metric = 'l2')")
  await db.query('SET hnsw_ef_search = 300')
  const q = embedTokens(table, d, [3, 5, 7]).map(Math.fround)
  // documents with the same tokens embed alike: compare the distances, which ties cannot reorder
  const sql = `SELECT array_distance(v, [${q.join(', ')}]::FLOAT[${d}]) AS dist FROM e ORDER BY dist LIMIT 5`
  assert.match((await db.query(`EXPLAIN ${sql}`)).rows.map(r => r.join(' ')).join('\n'), /INDEX_SCAN/)
  const viaIndex = (await db.query(sql)).rows
  await db.query("SET disabled_optimizers = 'nearest_scan'")
  assert.deepEqual(viaIndex, (await db.query(sql)).rows)
  await db.close()
})
