import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createPublicKey, verify } from 'node:crypto'
import { join } from 'node:path'
import { BundleError } from '../../registry/errors.ts'
import type { BundleFailure } from '../../registry/errors.ts'
import { canonicalDigest, generateKeyPair, normalizePublicKey, parseKey, sealManifest, signBundle, verifyBundle, writeKeyPair } from '../../registry/signing.ts'

const root = mkdtempSync(join(tmpdir(), 'grz-sign-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
let n = 0

function makeBundle(): string {
  const dir = join(root, `b${n++}`)
  mkdirSync(join(dir, 'assets'), { recursive: true })
  writeFileSync(join(dir, 'index.js'), 'defineExtension({ name: "demo", version: "1.0.0" })\n')
  writeFileSync(join(dir, 'assets', 'data.bin'), new Uint8Array([1, 2, 3]))
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'demo', version: '1.0.0', engine: '^1.0.0', files: {} }))
  sealManifest(dir)
  return dir
}

function failsWith(reason: BundleFailure, code: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BundleError, String(e))
    assert.equal(e.reason, reason, e.message)
    assert.equal(e.code, code)
    return true
  })
}

const keys = generateKeyPair()

test('keys: hex and base64 both parse; bad keys are 22023', () => {
  assert.equal(keys.publicKey.length, 64)
  assert.equal(keys.secretKey.length, 128)
  const b64 = Buffer.from(keys.publicKey, 'hex').toString('base64')
  assert.equal(normalizePublicKey(b64), keys.publicKey)
  assert.equal(normalizePublicKey(keys.publicKey.toUpperCase()), keys.publicKey)
  failsWith('bad_key', '22023', () => parseKey('abc', 32))
  failsWith('bad_key', '22023', () => parseKey(keys.publicKey, 64))
  const pair = writeKeyPair(join(root, 'publisher'))
  assert.equal(readFileSync(join(root, 'publisher.pub'), 'utf8').trim(), pair.publicKey)
})

test('a signed bundle verifies and reports its files and key', () => {
  const dir = makeBundle()
  const sig = signBundle(dir, keys.secretKey)
  assert.equal(sig.publicKey, keys.publicKey)
  const v = verifyBundle(dir, [keys.publicKey])
  assert.equal(v.publisherKey, keys.publicKey)
  assert.equal(v.manifest.name, 'demo')
  assert.deepEqual(Object.keys(v.files).sort(), ['assets/data.bin', 'index.js', 'manifest.json'])
  // base64 trusted keys work too
  assert.equal(verifyBundle(dir, [Buffer.from(keys.publicKey, 'hex').toString('base64')]).publisherKey, keys.publicKey)
})

test('the canonical digest depends on names and digests, not on insertion order', () => {
  const a = canonicalDigest({ 'x.js': '1'.repeat(64), 'a.js': '2'.repeat(64) })
  const b = canonicalDigest({ 'a.js': '2'.repeat(64), 'x.js': '1'.repeat(64) })
  assert.deepEqual(a, b)
  assert.notDeepEqual(a, canonicalDigest({ 'a.js': '2'.repeat(64), 'y.js': '1'.repeat(64) }))
})

test('refusals: unsigned, unknown key, revoked key', () => {
  const dir = makeBundle()
  failsWith('unsigned', '42501', () => verifyBundle(dir, [keys.publicKey]))
  assert.equal(verifyBundle(dir, [], { allowUnsigned: true }).publisherKey, null)
  signBundle(dir, keys.secretKey)
  failsWith('unknown_key', '42501', () => verifyBundle(dir, [generateKeyPair().publicKey]))
  failsWith('revoked_key', '42501', () => verifyBundle(dir, [keys.publicKey], { revokedKeys: [keys.publicKey] }))
})

test('refusals: bad signature when the manifest or the signature is altered', () => {
  const dir = makeBundle()
  signBundle(dir, keys.secretKey)
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
  manifest.capabilities = ['onnx']
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
  failsWith('bad_signature', '42501', () => verifyBundle(dir, [keys.publicKey]))

  const dir2 = makeBundle()
  const sig = signBundle(dir2, keys.secretKey)
  const flipped = (sig.signature[0] === 'a' ? 'b' : 'a') + sig.signature.slice(1)
  writeFileSync(join(dir2, 'signature'), JSON.stringify({ ...sig, signature: flipped }))
  failsWith('bad_signature', '42501', () => verifyBundle(dir2, [keys.publicKey]))
})

test('refusals: corrupt signature file', () => {
  const dir = makeBundle()
  const sig = signBundle(dir, keys.secretKey)
  for (const text of ['not json', '[]', JSON.stringify({ ...sig, algorithm: 'rsa' }), JSON.stringify({ ...sig, publicKey: 'zz' }), JSON.stringify({ ...sig, signature: 12 })]) {
    writeFileSync(join(dir, 'signature'), text)
    failsWith('corrupt_signature', 'XX001', () => verifyBundle(dir, [keys.publicKey]))
  }
})

test('refusals: digest mismatch, missing file, extra file, link', () => {
  const dir = makeBundle()
  signBundle(dir, keys.secretKey)
  writeFileSync(join(dir, 'index.js'), 'globalThis.evil = 1\n')
  failsWith('digest_mismatch', 'XX001', () => verifyBundle(dir, [keys.publicKey]))

  const dir2 = makeBundle()
  signBundle(dir2, keys.secretKey)
  unlinkSync(join(dir2, 'assets', 'data.bin'))
  failsWith('missing_file', 'XX001', () => verifyBundle(dir2, [keys.publicKey]))

  const dir3 = makeBundle()
  signBundle(dir3, keys.secretKey)
  writeFileSync(join(dir3, 'assets', 'extra.js'), 'x')
  failsWith('extra_file', 'XX001', () => verifyBundle(dir3, [keys.publicKey]))

  const dir4 = makeBundle()
  signBundle(dir4, keys.secretKey)
  symlinkSync('/etc/hostname', join(dir4, 'assets', 'link'))
  failsWith('extra_file', 'XX001', () => verifyBundle(dir4, [keys.publicKey]))
})

test('refusals: bad or missing manifest, missing directory, and signing an inconsistent bundle', () => {
  const dir = makeBundle()
  signBundle(dir, keys.secretKey)
  writeFileSync(join(dir, 'manifest.json'), '{"name": "BAD"}')
  failsWith('bad_manifest', '22023', () => verifyBundle(dir, [keys.publicKey]))
  unlinkSync(join(dir, 'manifest.json'))
  failsWith('missing_file', 'XX001', () => verifyBundle(dir, [keys.publicKey]))
  failsWith('io', '58030', () => verifyBundle(join(root, 'nowhere'), [keys.publicKey]))

  const dir2 = makeBundle()
  writeFileSync(join(dir2, 'index.js'), 'changed')
  failsWith('digest_mismatch', 'XX001', () => signBundle(dir2, keys.secretKey))
  failsWith('bad_key', '22023', () => signBundle(dir2, 'nope'))
})

test('signatures verify with node:crypto Ed25519 too (interoperable format)', () => {
  const dir = makeBundle()
  const sig = signBundle(dir, keys.secretKey)
  const v = verifyBundle(dir, [keys.publicKey])
  // SPKI DER prefix for a raw ed25519 public key
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(sig.publicKey, 'hex')])
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' })
  assert.equal(verify(null, canonicalDigest(v.files), key, Buffer.from(sig.signature, 'hex')), true)
})
