import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BundleError } from '../../registry/errors.ts'
import type { BundleFailure } from '../../registry/errors.ts'
import { loadPolicy, trustFromPolicy } from '../../registry/policy.ts'
import { generateKeyPair, sealManifest, signBundle } from '../../registry/signing.ts'
import { INDEX_FILE, LOCK_FILE, install, listInstalled, listPublished, publish, readLock, resolve, uninstall, verifyInstalled } from '../../registry/store.ts'

const root = mkdtempSync(join(tmpdir(), 'grz-store-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
let n = 0
const publisher = generateKeyPair(), registryKey = generateKeyPair()

function bundle(name: string, version: string, engine = '^1.0.0', body = `// ${name} ${version}\n`, keys = publisher): string {
  const dir = join(root, `src${n++}`)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'index.js'), body)
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name, version, engine, description: `${name} test`, files: {} }))
  sealManifest(dir)
  signBundle(dir, keys.secretKey)
  return dir
}

function fresh(): { reg: string; inst: string } {
  const reg = join(root, `reg${n}`), inst = join(root, `inst${n++}`)
  mkdirSync(reg)
  for (const [name, v, engine] of [['strings', '1.0.0', '^1.0.0'], ['strings', '1.2.0', '^1.0.0'], ['strings', '2.0.0', '^1.0.0'], ['strings', '2.1.0', '^2.0.0'], ['vector', '0.1.0', '>=1.0.0']] as const) {
    publish(reg, bundle(name, v, engine), registryKey.secretKey)
  }
  return { reg, inst }
}

const trust = { trustedKeys: [publisher.publicKey], registryKey: registryKey.publicKey }

function failsWith(reason: BundleFailure, code: string, fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof BundleError, String(e))
    assert.equal(e.reason, reason, e.message)
    assert.equal(e.code, code)
    if (message) assert.match(e.message + ' ' + (e.hint ?? ''), message)
    return true
  })
}

test('publish lays out <name>/<version>/ and a signed index; resolve picks the highest match', () => {
  const { reg } = fresh()
  assert.ok(existsSync(join(reg, 'strings', '1.2.0', 'index.js')))
  const index = JSON.parse(readFileSync(join(reg, INDEX_FILE), 'utf8'))
  assert.deepEqual(Object.keys(index.extensions.strings.versions).sort(), ['1.0.0', '1.2.0', '2.0.0', '2.1.0'])
  assert.equal(resolve(reg, 'strings', '^1.0.0').version, '1.2.0')
  assert.equal(resolve(reg, 'strings').version, '2.1.0')
  assert.equal(resolve(reg, 'strings', '~1.0', registryKey.publicKey).version, '1.0.0')
})

test('resolve refusals: unknown name with a hint, no matching version', () => {
  const { reg } = fresh()
  failsWith('not_found', '42704', () => resolve(reg, 'strigns'), /did you mean "strings"/)
  failsWith('no_matching_version', '42704', () => resolve(reg, 'strings', '^3'), /1\.0\.0, 1\.2\.0, 2\.0\.0, 2\.1\.0/)
  failsWith('io', '58030', () => resolve(join(root, 'missing-registry'), 'strings'))
  failsWith('not_found', '42704', () => resolve(reg, '../strings'), /not a valid extension name/)
  failsWith('bad_range', '22023', () => resolve(reg, 'strings', '>>1'), /invalid semver range/)
})

test('publish refusals: same version twice, a bundle that does not verify, a foreign registry key', () => {
  const { reg } = fresh()
  failsWith('already_published', '42710', () => publish(reg, bundle('strings', '1.0.0'), registryKey.secretKey))
  const tampered = bundle('strings', '9.0.0')
  writeFileSync(join(tampered, 'index.js'), 'changed')
  failsWith('digest_mismatch', 'XX001', () => publish(reg, tampered, registryKey.secretKey))
  failsWith('unknown_key', '42501', () => publish(reg, bundle('other', '1.0.0'), registryKey.secretKey, { trustedKeys: [generateKeyPair().publicKey] }))
  failsWith('unknown_key', '42501', () => publish(reg, bundle('other', '1.0.0'), generateKeyPair().secretKey))
})

test('a tampered or foreign-signed index is refused', () => {
  const { reg } = fresh()
  const path = join(reg, INDEX_FILE)
  const text = readFileSync(path, 'utf8')
  writeFileSync(path, text.replace('"2.1.0"', '"2.1.1"'))
  failsWith('bad_index', 'XX001', () => resolve(reg, 'strings'))
  writeFileSync(path, text)
  failsWith('unknown_key', '42501', () => resolve(reg, 'strings', '*', generateKeyPair().publicKey))
  writeFileSync(join(reg, 'index.signature'), 'garbage')
  failsWith('bad_index', 'XX001', () => resolve(reg, 'strings'))
})

test('install copies, verifies and writes the lock; upgrades are fine, downgrades need force', () => {
  const { reg, inst } = fresh()
  const a = install(reg, 'strings', '^1.0.0', inst, trust)
  assert.equal(a.version, '1.2.0')
  assert.equal(a.previousVersion, null)
  assert.ok(existsSync(join(inst, 'strings', 'index.js')))
  const lock = readLock(inst)
  assert.equal(lock.extensions.strings?.version, '1.2.0')
  assert.ok(lock.extensions.strings?.files['index.js']?.match(/^[0-9a-f]{64}$/))
  assert.equal(verifyInstalled(inst, 'strings', trust).version, '1.2.0')

  // the engine is 1.0.0: 2.1.0 needs ^2, so the highest compatible 2.0.0 is chosen
  const b = install(reg, 'strings', '*', inst, trust)
  assert.equal(b.version, '2.0.0')
  assert.equal(b.previousVersion, '1.2.0')
  failsWith('downgrade', '22023', () => install(reg, 'strings', '1.0.0', inst, trust), /from 2\.0\.0 to 1\.0\.0/)
  assert.equal(readLock(inst).extensions.strings?.version, '2.0.0')
  assert.equal(install(reg, 'strings', '1.0.0', inst, trust, { force: true }).version, '1.0.0')
  assert.equal(readLock(inst).extensions.strings?.version, '1.0.0')
  // reinstalling the same version is fine
  assert.equal(install(reg, 'strings', '1.0.0', inst, trust).version, '1.0.0')
})

test('install refuses an engine-API mismatch, naming both versions', () => {
  const { reg, inst } = fresh()
  failsWith('engine_mismatch', '22023', () => install(reg, 'strings', '^2.1.0', inst, trust), /needs engine API \^2\.0\.0, but this engine provides 1\.0\.0/)
  assert.equal(install(reg, 'strings', '^2.1.0', inst, trust, { engineVersion: '2.3.0' }).version, '2.1.0')
  assert.equal(existsSync(join(inst, LOCK_FILE)), true)
})

test('install refuses untrusted, revoked and tampered bundles and leaves nothing behind', () => {
  const { reg, inst } = fresh()
  failsWith('unknown_key', '42501', () => install(reg, 'vector', '*', inst, { trustedKeys: [generateKeyPair().publicKey] }))
  failsWith('revoked_key', '42501', () => install(reg, 'vector', '*', inst, { ...trust, revokedKeys: [publisher.publicKey] }))
  writeFileSync(join(reg, 'vector', '0.1.0', 'index.js'), 'evil()')
  failsWith('digest_mismatch', 'XX001', () => install(reg, 'vector', '*', inst, trust))
  assert.equal(existsSync(join(inst, 'vector')), false)
  assert.equal(readLock(inst).extensions.vector, undefined)
})

test('a republished version with other contents is refused against the lock', () => {
  const { reg, inst } = fresh()
  install(reg, 'vector', '*', inst, trust)
  // someone swaps the registry's copy for a differently built, validly signed one and re-signs the index
  const reg2 = join(root, `reg${n++}`)
  mkdirSync(reg2)
  publish(reg2, bundle('vector', '0.1.0', '>=1.0.0', '// rebuilt\n'), registryKey.secretKey)
  failsWith('digest_mismatch', 'XX001', () => install(reg2, 'vector', '*', inst, trust), /differs from the one recorded/)
  assert.equal(install(reg2, 'vector', '*', inst, trust, { force: true }).version, '0.1.0')
})

test('verifyInstalled refuses what is not installed or changed after install; a bad lock is reported', () => {
  const { reg, inst } = fresh()
  install(reg, 'vector', '*', inst, trust)
  failsWith('not_found', '42704', () => verifyInstalled(inst, 'vectr', trust), /did you mean "vector"/)
  writeFileSync(join(inst, 'vector', 'index.js'), 'evil()')
  failsWith('digest_mismatch', 'XX001', () => verifyInstalled(inst, 'vector', trust))
  writeFileSync(join(inst, LOCK_FILE), '{not json')
  failsWith('bad_lock', '22023', () => readLock(inst))
  writeFileSync(join(inst, LOCK_FILE), '{"lockfileVersion": 7}')
  failsWith('bad_lock', '22023', () => install(reg, 'vector', '*', inst, trust))
})

test('policies load into trust options; bad policies are 22023 with the field', () => {
  const policy = loadPolicy(JSON.stringify({ trusted_keys: [publisher.publicKey], revoked_keys: [] }))
  const { reg, inst } = fresh()
  assert.equal(install(reg, 'vector', '*', inst, trustFromPolicy(policy, registryKey.publicKey)).version, '0.1.0')
  failsWith('bad_policy', '22023', () => loadPolicy('{"trusted_keys": 5}'), /"trusted_keys" must be of type array/)
  failsWith('bad_policy', '22023', () => loadPolicy('{"trusted_key": []}'), /did you mean "trusted_keys"/)
  failsWith('bad_policy', '22023', () => loadPolicy('{'), /not valid JSON/)
})

test('listPublished, listInstalled and uninstall', () => {
  const { reg, inst } = fresh()
  assert.deepEqual(listPublished(reg, registryKey.publicKey).map(p => `${p.name}@${p.version}`), ['strings@1.0.0', 'strings@1.2.0', 'strings@2.0.0', 'strings@2.1.0', 'vector@0.1.0'])
  install(reg, 'vector', '*', inst, trust)
  install(reg, 'strings', '^1', inst, trust)
  assert.deepEqual(listInstalled(inst).map(i => `${i.name}@${i.entry.version}`), ['strings@1.2.0', 'vector@0.1.0'])
  uninstall(inst, 'vector')
  assert.equal(existsSync(join(inst, 'vector')), false)
  assert.deepEqual(listInstalled(inst).map(i => i.name), ['strings'])
  failsWith('not_found', '42704', () => uninstall(inst, 'vector'))
  failsWith('not_found', '42704', () => uninstall(inst, 'string'), /did you mean "strings"/)
  assert.equal(verifyInstalled(inst, 'strings', trust).version, '1.2.0')
})
