import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../cli/grizzly.js', import.meta.url))
const ext = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, 'ext', ...args], { cwd, encoding: 'utf8', timeout: 120_000 })

test('grizzly ext: init → build → keygen → sign → publish → install → list', () => {
  const work = mkdtempSync(join(tmpdir(), 'grizzly-ext-'))
  const ok = (r: ReturnType<typeof ext>) => { assert.equal(r.status, 0, r.stderr + r.stdout); return r.stdout }
  ok(ext(work, 'init', 'doubler'))
  assert.ok(existsSync(join(work, 'doubler', 'index.ts')))
  ok(ext(work, 'build', 'doubler', '--out', 'bundle'))
  assert.ok(existsSync(join(work, 'bundle', 'index.js')))
  ok(ext(work, 'keygen', 'publisher'))
  ok(ext(work, 'keygen', 'registry'))
  ok(ext(work, 'sign', 'bundle', '--key', 'publisher.key'))
  assert.match(ok(ext(work, 'publish', 'bundle', '--registry', 'reg', '--key', 'registry.key')), /published doubler 0\.1\.0/)
  assert.match(ok(ext(work, 'list', '--registry', 'reg')), /doubler\t0\.1\.0/)
  const publisherKey = readFileSync(join(work, 'publisher.pub'), 'utf8').trim()
  writeFileSync(join(work, 'policy.json'), JSON.stringify({ trusted_keys: [publisherKey] }))
  const registryKey = readFileSync(join(work, 'registry.pub'), 'utf8').trim()
  assert.match(ok(ext(work, 'install', 'doubler', '--version', '^0.1', '--registry', 'reg', '--into', 'installed', '--policy', 'policy.json', '--registry-key', registryKey)), /installed doubler 0\.1\.0/)
  assert.match(ok(ext(work, 'list', '--installed', 'installed')), /doubler\t0\.1\.0/)
})

test('grizzly ext refuses an untrusted publisher and explains usage errors', () => {
  const work = mkdtempSync(join(tmpdir(), 'grizzly-ext-'))
  assert.equal(ext(work, 'init', 'x1').status, 0)
  assert.equal(ext(work, 'build', 'x1', '--out', 'b').status, 0)
  assert.equal(ext(work, 'keygen', 'k').status, 0)
  assert.equal(ext(work, 'sign', 'b', '--key', 'k.key').status, 0)
  assert.equal(ext(work, 'publish', 'b', '--registry', 'r', '--key', 'k.key').status, 0)
  writeFileSync(join(work, 'policy.json'), JSON.stringify({ trusted_keys: [] }))
  const refused = ext(work, 'install', 'x1', '--registry', 'r', '--into', 'i', '--policy', 'policy.json')
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /42501/)
  const usage = ext(work, 'sign', 'b')
  assert.equal(usage.status, 2)
  assert.match(usage.stderr, /--key is required/)
  assert.equal(ext(work, 'frobnicate').status, 2)
})
