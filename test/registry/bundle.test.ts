import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ivm from 'isolated-vm'
import { buildBundle, bundleSource, definitionOf } from '../../registry/bundle.ts'
import { BundleError } from '../../registry/errors.ts'
import { generateKeyPair, install, loadPolicy, publish, signBundle, trustFromPolicy, verifyBundle, verifyInstalled } from '../../registry/index.ts'
import { checkLoad } from '../../policies/index.ts'
import { EXAMPLE_ENTRY, exampleManifest } from '../../examples/extensions/strings/build.ts'

const root = mkdtempSync(join(tmpdir(), 'grz-bundle-'))
test.after(() => rmSync(root, { recursive: true, force: true }))

test('the example builds into a self-contained bundle whose hooks are derived', () => {
  const out = join(root, 'built')
  const manifest = buildBundle({ entry: EXAMPLE_ENTRY, outDir: out, manifest: exampleManifest() })
  assert.deepEqual(manifest.hooks, [{ kind: 'scalar', name: 'rot13' }, { kind: 'scalar', name: 'sigmoid' }, { kind: 'aggregate', name: 'geomean' }])
  assert.deepEqual(Object.keys(manifest.files), ['index.js'])
  const script = readFileSync(join(out, 'index.js'), 'utf8')
  assert.doesNotMatch(script, /\bimport\b.*from/)
  const def = definitionOf(script)
  assert.equal(def.name, 'strings')
})

test('the bundle runs in a bare isolate (no TextEncoder, no require) and computes', () => {
  const out = join(root, 'iso')
  buildBundle({ entry: EXAMPLE_ENTRY, outDir: out, manifest: exampleManifest() })
  const isolate = new ivm.Isolate({ memoryLimit: 32 })
  try {
    const context = isolate.createContextSync()
    assert.equal(context.evalSync('typeof TextEncoder + typeof require'), 'undefinedundefined')
    isolate.compileScriptSync(readFileSync(join(out, 'index.js'), 'utf8')).runSync(context, { timeout: 1000 })
    // drive the functions the way the sandbox does: columnar batches in, a column out
    const result = context.evalSync(`(() => {
      const ext = globalThis.__grizzlyExtension
      const enc = s => { const b = []; for (const ch of s) { const c = ch.codePointAt(0); if (c < 128) b.push(c); else if (c < 2048) b.push(192 | c >> 6, 128 | c & 63); else b.push(224 | c >> 12, 128 | c >> 6 & 63, 128 | c & 63) } return b }
      const words = ['Hello', '', 'ünïcode Zz']
      const bytes = [], offsets = [0]
      for (const w of words) { bytes.push(...enc(w)); offsets.push(bytes.length) }
      const text = { type: 'VARCHAR', length: 4, values: { bytes: new Uint8Array(bytes), offsets: new Int32Array([...offsets, bytes.length]) }, validity: new Uint8Array([1, 1, 1, 0]) }
      const r = ext.scalars[0].invoke([text], 4)
      const rot = []
      for (let i = 0; i < 4; i++) rot.push(r.validity && r.validity[i] === 0 ? null : String.fromCharCode(...r.values.bytes.subarray(r.values.offsets[i], r.values.offsets[i + 1])))
      const x = { type: 'DOUBLE', length: 3, values: new Float64Array([0, 100, -100]), validity: null }
      const sig = Array.from(ext.scalars[1].invoke([x], 3).values)
      const g = ext.aggregates[0]
      const col = { type: 'DOUBLE', length: 4, values: new Float64Array([1, 4, 16, 99]), validity: new Uint8Array([1, 1, 1, 0]) }
      let a = g.init(), b = g.init()
      a = g.update(a, [col], 0); a = g.update(a, [col], 1); b = g.update(b, [col], 2); b = g.update(b, [col], 3)
      return JSON.stringify({ rot, sig, geo: g.finalize(g.combine(a, b)), empty: g.finalize(g.init()) })
    })()`)
    const r = JSON.parse(result as string)
    assert.deepEqual(r.rot.slice(0, 2), ['Uryyb', ''])
    assert.equal(r.rot[3], null)
    assert.equal(Buffer.from(r.rot[2], 'latin1').toString('utf8'), 'üaïpbqr Mm')
    assert.equal(r.sig[0], 0.5)
    assert.ok(r.sig[1] > 0.999 && r.sig[2] < 0.001)
    assert.ok(Math.abs(r.geo - 4) < 1e-12)
    assert.equal(r.empty, null)
  } finally {
    isolate.dispose()
  }
})

test('build, sign with a fresh key, publish, install, verify, and pass the policy', () => {
  const out = join(root, 'release')
  buildBundle({ entry: EXAMPLE_ENTRY, outDir: out, manifest: exampleManifest() })
  const publisher = generateKeyPair(), registryKey = generateKeyPair()
  signBundle(out, publisher.secretKey)
  assert.equal(verifyBundle(out, [publisher.publicKey]).manifest.name, 'strings')
  const registry = join(root, 'registry'), installDir = join(root, 'installed')
  publish(registry, out, registryKey.secretKey, { trustedKeys: [publisher.publicKey] })
  const policy = loadPolicy({ trusted_keys: [publisher.publicKey], extensions: { strings: { limits: { heapMb: 16 } } } })
  const installed = install(registry, 'strings', '^1.0.0', installDir, trustFromPolicy(policy, registryKey.publicKey))
  assert.equal(installed.version, '1.0.0')
  const loaded = verifyInstalled(installDir, 'strings', trustFromPolicy(policy))
  const decision = checkLoad(policy, loaded.manifest, loaded.publisherKey)
  assert.ok(decision.allowed)
  assert.deepEqual(decision.limits, { heapMb: 16, cpuMsPerCall: 200, wallMsPerStatement: 5000 })
})

test('the bundler refuses sources that import other modules, never define, disagree with the manifest, or do not compile', () => {
  const importsFs = definitionOfSource("import { readFileSync } from 'node:fs'\nreadFileSync('x')")
  assert.match(importsFs, /can import only the Grizzly SDK/)
  assert.match(definitionOfSource('const x = 1'), /never called defineExtension/)
  const entry = join(root, 'other.ts')
  writeFileSync(entry, "import { defineExtension } from 'grizzly-db/sdk'\ndefineExtension({ name: 'other', version: '2.0.0' })\n")
  assert.throws(() => buildBundle({ entry, outDir: join(root, 'o'), manifest: exampleManifest() }), (e: unknown) => e instanceof BundleError && /defines other 2\.0\.0 but the manifest says strings 1\.0\.0/.test(e.message))
  assert.throws(() => bundleSource('const = ;', 'broken.ts'), (e: unknown) => e instanceof BundleError && /cannot compile broken\.ts/.test(e.message))
  assert.throws(() => buildBundle({ entry: join(root, 'missing.ts'), outDir: join(root, 'o'), manifest: exampleManifest() }), (e: unknown) => e instanceof BundleError && e.code === '58030')
})

function definitionOfSource(source: string): string {
  try { definitionOf(bundleSource(source)); return 'no error' } catch (e) { return (e as Error).message }
}
