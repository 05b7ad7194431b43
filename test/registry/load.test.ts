import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildBundle } from '../../registry/bundle.ts'
import { BundleError } from '../../registry/errors.ts'
import type { BundleFailure } from '../../registry/errors.ts'
import { generateKeyPair, install, loadPolicy, prepareLoad, publish, signBundle } from '../../registry/index.ts'
import { EXAMPLE_ENTRY, exampleManifest } from '../../examples/extensions/strings/build.ts'

const root = mkdtempSync(join(tmpdir(), 'grz-load-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
const publisher = generateKeyPair(), registryKey = generateKeyPair()
const registry = join(root, 'registry')

// one release with an asset and a capability request, published once for all tests
const src = join(root, 'src')
mkdirSync(src)
writeFileSync(join(root, 'model.bin'), new Uint8Array([9, 8, 7]))
buildBundle({ entry: EXAMPLE_ENTRY, outDir: src, manifest: { ...exampleManifest(), capabilities: ['onnx', 'fs.read:/srv/data'] }, assets: { 'assets/model.bin': join(root, 'model.bin') } })
signBundle(src, publisher.secretKey)
publish(registry, src, registryKey.secretKey)

let n = 0
function installed(): string {
  const dir = join(root, `inst${n++}`)
  install(registry, 'strings', '*', dir, { trustedKeys: [publisher.publicKey], registryKey: registryKey.publicKey })
  return dir
}

function failsWith(reason: BundleFailure, code: string, fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BundleError, String(e))
    assert.equal(e.reason, reason, e.message)
    assert.equal(e.code, code)
    if (message) assert.match(`${e.message} ${e.hint ?? ''}`, message)
    return true
  })
}

test('prepareLoad returns the checked script, granted capabilities, limits and assets', () => {
  const dir = installed()
  const policy = loadPolicy({ trusted_keys: [publisher.publicKey], extensions: { strings: { capabilities: ['fs.read:/srv'], limits: { cpuMsPerCall: 50 } } } })
  const plan = prepareLoad(dir, 'strings', policy)
  assert.match(plan.script, /__grizzlyExtension/)
  assert.deepEqual(plan.capabilities, ['fs.read:/srv/data'])
  assert.deepEqual(plan.deniedCapabilities, ['onnx'])
  assert.deepEqual(plan.limits, { heapMb: 32, cpuMsPerCall: 50, wallMsPerStatement: 5000 })
  assert.deepEqual([...plan.readAsset('assets/model.bin')], [9, 8, 7])
  failsWith('missing_file', 'XX001', () => plan.readAsset('../../etc/passwd'))
  writeFileSync(join(dir, 'strings', 'assets', 'model.bin'), 'swapped')
  failsWith('digest_mismatch', 'XX001', () => plan.readAsset('assets/model.bin'))
})

test('policy refusals are 42501 with the rule named and a hint', () => {
  const dir = installed()
  failsWith('denied_by_policy', '42501', () => prepareLoad(dir, 'strings', loadPolicy({ trusted_keys: [publisher.publicKey], extensions: { strings: { enabled: false } } })), /rule disabled.*enabled to true/)
  failsWith('denied_by_policy', '42501', () => prepareLoad(dir, 'strings', loadPolicy({ trusted_keys: [publisher.publicKey], allow_unlisted: false })), /rule not_listed/)
  failsWith('unknown_key', '42501', () => prepareLoad(dir, 'strings', loadPolicy({})))
  failsWith('revoked_key', '42501', () => prepareLoad(dir, 'strings', loadPolicy({ trusted_keys: [publisher.publicKey], revoked_keys: [publisher.publicKey] })))
})

test('an installed bundle changed on disk, an engine mismatch, or a missing install are refused', () => {
  const policy = loadPolicy({ trusted_keys: [publisher.publicKey] })
  const dir = installed()
  failsWith('engine_mismatch', '22023', () => prepareLoad(dir, 'strings', policy, '2.0.0'))
  failsWith('not_found', '42704', () => prepareLoad(dir, 'vector', policy))
  writeFileSync(join(dir, 'strings', 'index.js'), 'globalThis.x = 1')
  failsWith('digest_mismatch', 'XX001', () => prepareLoad(dir, 'strings', policy))
})
