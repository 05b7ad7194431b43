/**
 * Signed models per policy: models.require_signature, models.trusted_keys, `<file>.sig` over the
 * model's SHA-256 (registry/models.ts), tampering, and SHOW MODELS' signed_by.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from '../../index.ts'
import { registerOnnx } from '../../host/services/onnx.ts'
import { generateKeyPair } from '../../registry/index.ts'
import { signModel } from '../../registry/models.ts'
import { linearModel } from '../../bench/onnx-models.ts'
import { cleanup, rejects, tempRoot } from '../extensions/helpers.ts'

const root = tempRoot('grz-onnx-signed-')
after(() => cleanup(root))
const publisher = generateKeyPair(), modeller = generateKeyPair(), stranger = generateKeyPair()

const signed = join(root, 'signed.onnx')
writeFileSync(signed, linearModel([1, 2, 3], 0))
signModel(signed, modeller.secretKey)
const unsigned = join(root, 'unsigned.onnx')
writeFileSync(unsigned, linearModel([1, 1, 1], 0))
const foreign = join(root, 'foreign.onnx')
writeFileSync(foreign, linearModel([2, 2, 2], 0))
signModel(foreign, stranger.secretKey)
const tampered = join(root, 'tampered.onnx')
copyFileSync(signed, tampered)
copyFileSync(`${signed}.sig`, `${tampered}.sig`)
appendFileSync(tampered, Buffer.from([0x3a, 0x00]))

async function open(models: Record<string, unknown> | undefined): Promise<Database> {
  const db = await Database.open(undefined, {
    policy: { trusted_keys: [publisher.publicKey], ...(models === undefined ? {} : { models }) },
    extensionDirectory: join(root, `installed-${Math.random().toString(36).slice(2)}`),
  })
  registerOnnx(db.hooks, 'onnx')
  return db
}

test('require_signature: only files signed by a key trusted for models are stored', async () => {
  const db = await open({ require_signature: true, trusted_keys: [modeller.publicKey] })
  await db.query(`CREATE MODEL good FROM '${signed}'`)
  const row = (await db.query('SHOW MODELS')).toObjects()[0]!
  assert.equal(row.signed_by, modeller.publicKey)
  assert.deepEqual((await db.query("SELECT predict('good', 1, 1, 1)")).rows, [[6]])
  await rejects(db.query(`CREATE MODEL plain FROM '${unsigned}'`), '42501', /no signature file.*requires signed models/s)
  await rejects(db.query(`CREATE MODEL other FROM '${foreign}'`), '42501', /a key the policy does not trust for models/)
  await rejects(db.query(`CREATE MODEL bad FROM '${tampered}'`), '42501', /does not match its bytes/)
  assert.deepEqual((await db.query('SHOW MODELS')).rows.map(r => r[0]), ['good'])
  await db.close()
})

test('without the requirement: unsigned and foreign-signed models are stored as unsigned; tampering is still refused', async () => {
  const db = await open(undefined)
  await db.query(`CREATE MODEL plain FROM '${unsigned}'`)
  await db.query(`CREATE MODEL other FROM '${foreign}'`)
  await rejects(db.query(`CREATE MODEL bad FROM '${tampered}'`), '42501', /does not match its bytes/)
  assert.deepEqual((await db.query('SHOW MODELS')).rows.map(r => [r[0], r[6]]), [['other', null], ['plain', null]])
  await db.close()
})

test('models.trusted_keys defaults to the trusted_keys of the policy; a malformed signature file is refused', async () => {
  const db = await Database.open(undefined, { policy: { trusted_keys: [modeller.publicKey], models: { require_signature: true } }, extensionDirectory: join(root, 'inst-default') })
  registerOnnx(db.hooks, 'onnx')
  await db.query(`CREATE MODEL good FROM '${signed}'`)
  const broken = join(root, 'broken.onnx')
  writeFileSync(broken, linearModel([3, 3, 3], 0))
  writeFileSync(`${broken}.sig`, '{"algorithm": "rsa"}')
  await rejects(db.query(`CREATE MODEL broken FROM '${broken}'`), '42501', /malformed/)
  await rejects(Database.open(undefined, { policy: { models: { require_signature: 'yes' } } }), '22023', /models/)
  await db.close()
})

test('grizzly ext sign-model writes the signature file a policy checks', async () => {
  const { runExt } = await import('../../cli/ext.ts')
  const out: string[] = []
  assert.equal(runExt(['keygen', join(root, 'cli-key')], s => out.push(s)), 0)
  const model = join(root, 'cli.onnx')
  writeFileSync(model, linearModel([4, 4, 4], 0))
  assert.equal(runExt(['sign-model', model, '--key', join(root, 'cli-key.key')], s => out.push(s)), 0)
  assert.match(out.join(''), /signed .*cli\.onnx with [0-9a-f]{64}/)
  const key = out.join('').match(/public key ([0-9a-f]{64})/)![1]!
  const db = await Database.open(undefined, { policy: { models: { require_signature: true, trusted_keys: [key] } }, extensionDirectory: join(root, 'inst-cli') })
  registerOnnx(db.hooks, 'onnx')
  await db.query(`CREATE MODEL cli FROM '${model}'`)
  assert.equal((await db.query('SHOW MODELS')).toObjects()[0]!.signed_by, key)
  await db.close()
})
