/** Random and mutated documents: every outcome is a value or a GrizzlyError, never a crash. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../core/errors.ts'
import { parsePolicy } from '../../policies/index.ts'
import { loadPolicy } from '../../registry/policy.ts'
import { parseManifest, validateManifest } from '../../registry/manifest.ts'
import { parseRange, satisfies } from '../../registry/semver.ts'

let seed = 42
const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n }
const ATOMS: unknown[] = [null, true, false, 0, -1, 1.5, 1e300, '', 'x', 'index.js', '^1.0.0', '1.0.0', 'a'.repeat(64), '__proto__', 'constructor', [], {}, NaN]

function randomValue(depth: number): unknown {
  const k = rand(depth > 2 ? 1 : 4)
  if (k === 0) return ATOMS[rand(ATOMS.length)]
  if (k === 1) return Array.from({ length: rand(4) }, () => randomValue(depth + 1))
  const o: Record<string, unknown> = {}
  for (let i = rand(5); i > 0; i--) o[['name', 'version', 'engine', 'files', 'hooks', 'limits', 'capabilities', 'trusted_keys', 'extensions', 'heapMb', 'index.js', '__proto__'][rand(12)]!] = randomValue(depth + 1)
  return o
}

function mutate(doc: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(doc))
  const keys = Object.keys(copy)
  const key = keys[rand(keys.length)]!
  copy[key] = randomValue(1)
  return copy
}

const good = { name: 'x', version: '1.0.0', engine: '^1.0.0', hooks: [{ kind: 'scalar', name: 'f' }], capabilities: ['onnx'], limits: { heapMb: 8 }, files: { 'index.js': '0'.repeat(64) } }
const goodPolicy = { trusted_keys: ['a'.repeat(64)], revoked_keys: [], allow_unsigned: false, extensions: { x: { capabilities: ['onnx'], limits: { heapMb: 4 } } }, default_limits: { heapMb: 8 } }

function onlyGrizzlyErrors(fn: () => unknown, what: unknown): void {
  try { fn() } catch (e) { assert.ok(e instanceof GrizzlyError, `${String(e)} for ${JSON.stringify(what)}`) }
}

test('manifests: random and mutated documents give a manifest or a 22023', () => {
  for (let i = 0; i < 2000; i++) {
    const doc = i % 2 === 0 ? randomValue(0) : mutate(good)
    onlyGrizzlyErrors(() => validateManifest(doc), doc)
    onlyGrizzlyErrors(() => parseManifest(JSON.stringify(doc) ?? 'undefined'), doc)
  }
})

test('policies: parsePolicy never throws; loadPolicy throws only GrizzlyError', () => {
  for (let i = 0; i < 2000; i++) {
    const doc = i % 2 === 0 ? randomValue(0) : mutate(goodPolicy)
    const r = parsePolicy(doc)
    assert.equal(typeof r.ok, 'boolean')
    onlyGrizzlyErrors(() => loadPolicy(doc), doc)
  }
})

test('semver: random range text parses or fails cleanly', () => {
  const pieces = ['^', '~', '>=', '<', '=', '1', '.', '2', 'x', '*', '-', 'beta', ' ', '||', '0', '+', 'v']
  for (let i = 0; i < 3000; i++) {
    let text = ''
    for (let j = rand(8); j >= 0; j--) text += pieces[rand(pieces.length)]
    onlyGrizzlyErrors(() => satisfies('1.2.0', parseRange(text)), text)
  }
})
