import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../core/errors.ts'
import { parseManifest, validateManifest } from '../../registry/manifest.ts'

const DIGEST = '0'.repeat(64)
const good = {
  name: 'strings', version: '1.2.0', engine: '^1.0.0', description: 'string helpers', publisher: 'Example',
  hooks: [{ kind: 'scalar', name: 'rot13' }], capabilities: ['fs.read:/data'], limits: { heapMb: 32 },
  files: { 'index.js': DIGEST, 'assets/model.onnx': DIGEST },
}

test('a good manifest validates and minimal ones get defaults', () => {
  assert.deepEqual(validateManifest(good), good)
  const m = validateManifest({ name: 'x', version: '0.1.0', engine: '*', files: { 'index.js': DIGEST } })
  assert.deepEqual([m.hooks, m.capabilities, m.limits], [[], [], {}])
})

function rejects(json: unknown, field: RegExp, hint?: RegExp): void {
  assert.throws(() => validateManifest(json), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, '22023')
    assert.match(e.message, field)
    if (hint) assert.match(e.hint ?? '', hint)
    return true
  }, JSON.stringify(json))
}

test('every field is checked, the message names it and what was expected', () => {
  rejects('nope', /must be of type object/)
  rejects({ ...good, name: 'Strings' }, /"name" must be a lowercase identifier/)
  rejects({ ...good, name: undefined }, /"name" must be present/)
  rejects({ ...good, version: '1.2' }, /"version" must be a semver version/)
  rejects({ ...good, engine: '^^1' }, /"engine" must be a semver range/)
  rejects({ ...good, hooks: [{ kind: 'trigger', name: 'x' }] }, /"hooks\[0\]\.kind" must be one of "scalar"/)
  rejects({ ...good, hooks: [{ kind: 'scalar' }] }, /"hooks\[0\]\.name" must be present/)
  rejects({ ...good, capabilities: ['onnx', 'onnx'] }, /"capabilities" must be a list without duplicates/)
  rejects({ ...good, capabilities: ['ONNX'] }, /"capabilities\[0\]" must be a capability/)
  rejects({ ...good, limits: { heapMb: -1 } }, /"limits\.heapMb" must be >= 1/)
  rejects({ ...good, files: { 'index.js': 'abc' } }, /"files\.index\.js" must be a lowercase sha256/)
  rejects({ ...good, files: { 'index.js': DIGEST, '../evil.js': DIGEST } }, /"files\.\.\.\/evil\.js" must be a valid name/)
  rejects({ ...good, files: { 'index.js': DIGEST, '/etc/passwd': DIGEST } }, /must be a valid name/)
  rejects({ ...good, files: { 'index.js': DIGEST, signature: DIGEST } }, /"files\.signature" must be absent/)
  rejects({ ...good, files: { 'main.js': DIGEST } }, /"files\.index\.js" must be present/)
  rejects({ ...good, capabilites: [] }, /"capabilites" must be absent \(unknown field\)/, /did you mean "capabilities"/)
})

test('parseManifest reports malformed JSON as 22023', () => {
  assert.throws(() => parseManifest('{"name": '), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && /not valid JSON/.test(e.message))
  assert.equal(parseManifest(JSON.stringify(good)).name, 'strings')
})
