import { test } from 'node:test'
import assert from 'node:assert/strict'
import { capabilityCovers, checkLoad, DEFAULT_POLICY, ENGINE_DEFAULT_LIMITS, formatProblem, parsePolicy, tighterLimits } from '../../policies/index.ts'
import type { Policy } from '../../policies/index.ts'

const TRUSTED = 'a'.repeat(64), REVOKED = 'b'.repeat(64), STRANGER = 'c'.repeat(64)

function policy(json: unknown): Policy {
  const r = parsePolicy(json)
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('; '))
  return r.policy
}

const base = policy({
  trusted_keys: [TRUSTED.toUpperCase(), REVOKED], revoked_keys: [REVOKED],
  extensions: {
    vector: { capabilities: ['hnsw', 'fs.read:/data/models'], limits: { heapMb: 64, cpuMsPerCall: 200 } },
    banned: { enabled: false },
  },
  default_limits: { heapMb: 256, wallMsPerStatement: 5000 },
})

test('parsePolicy fills defaults and lowercases keys', () => {
  const p = policy({})
  assert.deepEqual(p, DEFAULT_POLICY)
  assert.deepEqual(base.trusted_keys, [TRUSTED, REVOKED])
})

test('parsePolicy names the failing field and what was expected', () => {
  const cases: [unknown, string, RegExp][] = [
    [[], '', /object/],
    [{ trusted_keys: ['xyz'] }, 'trusted_keys[0]', /64 hex/],
    [{ allow_unsigned: 'yes' }, 'allow_unsigned', /boolean/],
    [{ extensions: { v: { limits: { heapMb: 0 } } } }, 'extensions.v.limits.heapMb', />= 1/],
    [{ extensions: { v: { limits: { heapMB: 5 } } } }, 'extensions.v.limits.heapMB', /unknown field/],
    [{ extensions: { v: { capabilities: ['Net'] } } }, 'extensions.v.capabilities[0]', /capability/],
    [{ extensions: { 'Bad Name': {} } }, 'extensions.Bad Name', /lowercase extension name/],
    [{ default_limits: { cpuMsPerCall: 1.5 } }, 'default_limits.cpuMsPerCall', /integer/],
    [{ trusted_key: [] }, 'trusted_key', /unknown field/],
  ]
  for (const [json, path, expected] of cases) {
    const r = parsePolicy(json)
    assert.equal(r.ok, false, JSON.stringify(json))
    if (r.ok) continue
    const problem = r.problems.find(p => p.path === path)
    assert.ok(problem, `${JSON.stringify(json)}: got ${JSON.stringify(r.problems)}`)
    assert.match(problem.expected, expected)
  }
})

test('rule revoked_key: revocation wins over trust', () => {
  const d = checkLoad(base, { name: 'vector' }, REVOKED)
  assert.equal(d.allowed, false)
  if (!d.allowed) { assert.equal(d.rule, 'revoked_key'); assert.match(d.message, /revoked/) }
})

test('rule unsigned: refused unless allow_unsigned', () => {
  const d = checkLoad(base, { name: 'vector' }, null)
  assert.equal(!d.allowed && d.rule, 'unsigned')
  const lax = policy({ allow_unsigned: true })
  assert.equal(checkLoad(lax, { name: 'vector' }, null).allowed, true)
})

test('rule untrusted_key: an unknown publisher is refused', () => {
  const d = checkLoad(base, { name: 'vector' }, STRANGER)
  assert.equal(!d.allowed && d.rule, 'untrusted_key')
  // allow_unsigned does not make unknown signers acceptable
  assert.equal(checkLoad(policy({ allow_unsigned: true }), { name: 'x' }, STRANGER).allowed, false)
})

test('rule disabled and rule not_listed', () => {
  const d = checkLoad(base, { name: 'banned' }, TRUSTED)
  assert.equal(!d.allowed && d.rule, 'disabled')
  const strict = policy({ trusted_keys: [TRUSTED], allow_unlisted: false, extensions: { vector: {} } })
  const n = checkLoad(strict, { name: 'other' }, TRUSTED)
  assert.equal(!n.allowed && n.rule, 'not_listed')
  assert.equal(checkLoad(strict, { name: 'vector' }, TRUSTED).allowed, true)
  // a name inherited from Object.prototype is not a listing
  assert.equal(checkLoad(strict, { name: 'constructor' }, TRUSTED).allowed, false)
})

test('capabilities granted are requested ∩ allowed, none by default', () => {
  const d = checkLoad(base, { name: 'vector', capabilities: ['hnsw', 'onnx', 'fs.read:/data/models/m1', 'fs.read:/data/other', 'fs.write:/data/models'] }, TRUSTED)
  assert.ok(d.allowed)
  if (!d.allowed) return
  assert.deepEqual(d.capabilities, ['hnsw', 'fs.read:/data/models/m1'])
  assert.deepEqual(d.deniedCapabilities, ['onnx', 'fs.read:/data/other', 'fs.write:/data/models'])
  const none = checkLoad(base, { name: 'unlisted', capabilities: ['hnsw'] }, TRUSTED)
  assert.ok(none.allowed && none.capabilities.length === 0)
})

test('capabilityCovers: path prefixes on directory boundaries, never ..', () => {
  assert.equal(capabilityCovers('fs.read:/data', '/data'), false)
  assert.equal(capabilityCovers('fs.read:/data', 'fs.read:/data'), true)
  assert.equal(capabilityCovers('fs.read:/data/', 'fs.read:/data/x'), true)
  assert.equal(capabilityCovers('fs.read:/data', 'fs.read:/database'), false)
  assert.equal(capabilityCovers('fs.read:/data', 'fs.read:/data/../etc'), false)
  assert.equal(capabilityCovers('fs.read:/data/../etc', 'fs.read:/data/../etc'), false)
  assert.equal(capabilityCovers('fs.read:/data', 'fs.write:/data/x'), false)
  assert.equal(capabilityCovers('onnx', 'onnx'), true)
  assert.equal(capabilityCovers('net:a', 'net:a/b'), false)
})

test('limits are the tighter of manifest and policy, with defaults filling gaps', () => {
  const d = checkLoad(base, { name: 'vector', limits: { heapMb: 512, cpuMsPerCall: 50 } }, TRUSTED)
  assert.ok(d.allowed && d.limits.heapMb === 64 && d.limits.cpuMsPerCall === 50 && d.limits.wallMsPerStatement === ENGINE_DEFAULT_LIMITS.wallMsPerStatement)
  const u = checkLoad(base, { name: 'unlisted', limits: { wallMsPerStatement: 9000 } }, TRUSTED)
  assert.ok(u.allowed && u.limits.heapMb === 256 && u.limits.wallMsPerStatement === 5000 && u.limits.cpuMsPerCall === ENGINE_DEFAULT_LIMITS.cpuMsPerCall)
  assert.deepEqual(tighterLimits({}, {}), ENGINE_DEFAULT_LIMITS)
})

test('properties over random policies: granted ⊆ requested, limits never above either side', () => {
  let seed = 7
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n }
  const caps = ['onnx', 'hnsw', 'fs.read:/a', 'fs.read:/a/b', 'fs.read:/c', 'fs.write:/a', 'net:x']
  const pickCaps = (): string[] => caps.filter(() => rand(2) === 0)
  const maybeLimits = () => ({ ...(rand(2) ? { heapMb: 1 + rand(500) } : {}), ...(rand(2) ? { cpuMsPerCall: 1 + rand(5000) } : {}), ...(rand(2) ? { wallMsPerStatement: 1 + rand(60000) } : {}) })
  for (let i = 0; i < 500; i++) {
    const p = policy({ trusted_keys: [TRUSTED], extensions: rand(2) ? { ext: { capabilities: pickCaps(), limits: maybeLimits() } } : {}, default_limits: maybeLimits() })
    const requested = pickCaps(), asked = maybeLimits()
    const d = checkLoad(p, { name: 'ext', capabilities: requested, limits: asked }, TRUSTED)
    assert.ok(d.allowed)
    if (!d.allowed) continue
    assert.ok(d.capabilities.every(c => requested.includes(c)))
    assert.deepEqual([...d.capabilities, ...d.deniedCapabilities].sort(), [...requested].sort())
    const ceiling = p.extensions['ext']?.limits ?? p.default_limits
    for (const k of ['heapMb', 'cpuMsPerCall', 'wallMsPerStatement'] as const) {
      assert.ok(d.limits[k] <= (ceiling[k] ?? ENGINE_DEFAULT_LIMITS[k]))
      if (asked[k] !== undefined) assert.ok(d.limits[k] <= asked[k]!)
    }
  }
})

test('procedural_languages: both by default, a subset or none when listed, unknown languages refused', () => {
  assert.deepEqual(policy({}).procedural_languages, ['javascript', 'wasm'])
  assert.deepEqual(policy({ procedural_languages: ['wasm'] }).procedural_languages, ['wasm'])
  assert.deepEqual(policy({ procedural_languages: [] }).procedural_languages, [])
  for (const bad of [['python'], 'javascript', ['wasm', 'wasm']]) {
    const r = parsePolicy({ procedural_languages: bad })
    assert.equal(r.ok, false, JSON.stringify(bad))
    if (!r.ok) assert.match(formatProblem(r.problems[0]!), /procedural_languages/)
  }
})
