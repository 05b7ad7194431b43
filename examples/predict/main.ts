// Run with: node --no-node-snapshot --import tsx examples/predict/main.ts
//
// Predictive and anomaly queries where the data lives: a model stored in the database, run by
// ONNX Runtime through the onnx extension (plugins/onnx), next to ordinary SQL.
//
// The example makes everything it needs in a temporary folder: a tiny linear model (as a data
// scientist's export would be), a publisher key, the signed onnx bundle, and a policy that
// trusts the key and grants the extension the `onnx` capability.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from 'grizzly-db'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../../registry/index.ts'
import { linearModel } from '../../bench/onnx-models.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-predict-'))
try {
  // spend ≈ 12·visits + 0.5·age − 20: what the model learned
  const modelPath = join(dir, 'spend.onnx')
  writeFileSync(modelPath, linearModel([12, 0.5], -20))

  const plugin = fileURLToPath(new URL('../../plugins/onnx/', import.meta.url))
  const bundle = join(dir, 'onnx-bundle')
  buildBundle({ entry: join(plugin, 'index.ts'), outDir: bundle, manifest: JSON.parse(readFileSync(join(plugin, 'manifest.json'), 'utf8')) })
  const publisher = generateKeyPair()
  signBundle(bundle, publisher.secretKey)

  const db = await Database.open(undefined, {
    policy: { trusted_keys: [publisher.publicKey], extensions: { onnx: { capabilities: ['onnx'] } } },
    extensionDirectory: join(dir, 'extensions'),
  })
  await db.exec(`LOAD '${bundle}'`)
  await db.exec(`CREATE MODEL spend FROM '${modelPath}'`)
  console.table((await db.query('SHOW MODELS')).toObjects().map(r => ({ name: r.name, format: r.format, bytes: Number(r.size) })))

  await db.exec(`CREATE TABLE customers (id INTEGER, age INTEGER, visits INTEGER, spend DOUBLE);
    INSERT INTO customers VALUES (1, 34, 5, 57), (2, 51, 2, 30), (3, 27, 8, 90), (4, 45, 3, 310), (5, 38, 6, 72), (6, 29, NULL, 40)`)

  // the prediction next to the actual value; a NULL input gives a NULL prediction
  const predicted = await db.query(`SELECT id, spend, round(predict('spend', visits, age), 1) AS expected FROM customers ORDER BY id`)
  console.table(predicted.toObjects())

  // residuals scored against their spread: customer 4 spends far more than the model expects
  const anomalies = await db.query(`
    WITH r AS (SELECT id, spend - predict('spend', visits, age) AS residual FROM customers WHERE visits IS NOT NULL)
    SELECT id, round(residual, 1) AS residual, round(anomaly_score(residual, avg(residual) OVER (), stddev_pop(residual) OVER ()), 2) AS score
    FROM r ORDER BY score DESC LIMIT 3`)
  console.table(anomalies.toObjects())

  // and a trend: the next value of a series
  const next = await db.query(`SELECT round(forecast(list(v ORDER BY t), 1), 1) AS next FROM (VALUES (1, 10.0), (2, 12.5), (3, 14.0), (4, 16.5)) s(t, v)`)
  console.log('forecast:', next.rows[0]![0])
  await db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
