/**
 * The onnx service's bridge method: a sandboxed extension that ships its own model (bytes in
 * its code) runs it through services.call('onnx', 'run', …), granted or refused by the policy.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from '../../index.ts'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../../registry/index.ts'
import { linear, linearModel } from '../../bench/onnx-models.ts'
import { cleanup, rejects, tempRoot } from '../extensions/helpers.ts'

const root = tempRoot('grz-onnx-bridge-')
after(() => cleanup(root))
const publisher = generateKeyPair()
const w = [0.5, 2, -1], b = 0.25

const entry = join(root, 'src', 'index.ts')
mkdirSync(join(root, 'src'), { recursive: true })
writeFileSync(entry, `import { defineExtension, floatColumn, services } from 'grizzly-db/sdk'
const MODEL = new Uint8Array([${[...linearModel(w, b)].join(', ')}])
type Out = { y: { type: string; data: Float32Array; dims: number[] } }
export default defineExtension({ name: 'ownmodel', version: '1.0.0', scalars: [
  { name: 'own_predict', args: ['FLOAT[3]'], returns: 'FLOAT', invoke([x], n) {
    const out = services.call('onnx', 'run', MODEL, { x: { type: 'float32', data: x!.values as Float32Array, dims: [n, 3] } }) as Out
    return floatColumn(out.y.data, x!.validity)
  } },
  { name: 'own_bad', args: ['FLOAT[3]'], returns: 'FLOAT', invoke([x], n) {
    const out = services.call('onnx', 'run', MODEL, { x: { type: 'float32', data: x!.values as Float32Array, dims: [n, 4] } }) as Out
    return floatColumn(out.y.data)
  } },
] })
`)
const bundle = join(root, 'bundle')
buildBundle({ entry, outDir: bundle, manifest: { name: 'ownmodel', version: '1.0.0', engine: '^1.0.0', capabilities: ['onnx'], limits: {} } as never })
signBundle(bundle, publisher.secretKey)

const open = (grant: string[]) => Database.open(undefined, {
  policy: { trusted_keys: [publisher.publicKey], extensions: { ownmodel: { capabilities: grant } } },
  extensionDirectory: join(root, `installed-${Math.random().toString(36).slice(2)}`),
})

test('granted: the extension runs its own model through the bridge, one call per batch', async () => {
  const db = await open(['onnx'])
  await db.query(`LOAD '${bundle}'`)
  const rows = (await db.query('SELECT i, own_predict([i, i / 2, 1]::FLOAT[3]) FROM range(5000) r(i) ORDER BY i')).rows as [bigint, number][]
  for (const [i, y] of rows) {
    const want = linear(w, b, [Number(i), Number(i) / 2, 1])
    assert.ok(Math.abs(y - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${i}: ${y} vs ${want}`)
  }
  await rejects(db.query('SELECT own_bad([1, 2, 3]::FLOAT[3])'), '22023', /input x has 3 values, its dims \[1, 4\] need 4/)
  await db.close()
})

test('not granted: the bridge call is refused with 42501 naming the capability', async () => {
  const db = await open([])
  await db.query(`LOAD '${bundle}'`)
  await rejects(db.query('SELECT own_predict([1, 2, 3]::FLOAT[3])'), '42501', /capability "onnx"/)
  await db.close()
})
