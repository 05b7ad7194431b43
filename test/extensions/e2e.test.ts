import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from '../../index.ts'
import { cleanup, rejects, tempRoot } from './helpers.ts'

const bin = fileURLToPath(new URL('../../cli/grizzly.js', import.meta.url))
const grizzly = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 180_000 })
const ok = (r: ReturnType<typeof grizzly>): string => { assert.equal(r.status, 0, r.stderr + r.stdout); return r.stdout }

const work = tempRoot('grz-e2e-')
test.after(() => cleanup(work))

test('init → build → sign → publish (CLI) → INSTALL … FROM → LOAD EXTENSION → scalar and aggregate in SQL → UNLOAD → 42883', async () => {
  ok(grizzly(work, 'ext', 'init', 'doubler'))
  ok(grizzly(work, 'ext', 'build', 'doubler', '--out', 'bundle'))
  ok(grizzly(work, 'ext', 'keygen', 'publisher'))
  ok(grizzly(work, 'ext', 'keygen', 'registry'))
  ok(grizzly(work, 'ext', 'sign', 'bundle', '--key', 'publisher.key'))
  assert.match(ok(grizzly(work, 'ext', 'publish', 'bundle', '--registry', 'reg', '--key', 'registry.key')), /published doubler 0\.1\.0/)
  const publisherKey = readFileSync(join(work, 'publisher.pub'), 'utf8').trim()
  writeFileSync(join(work, 'policy.json'), JSON.stringify({ trusted_keys: [publisherKey] }))

  // through the shell's one-shot mode
  const out = ok(grizzly(work, '--policy', 'policy.json', '--extension-dir', 'installed', '--format', 'json',
    '-c', "INSTALL doubler FROM 'reg'", '-c', 'LOAD EXTENSION doubler',
    '-c', 'SELECT doubler_double(x::DOUBLE) AS d, doubler_sum_squares(x::DOUBLE) OVER () AS s FROM range(3) t(x) ORDER BY d'))
  assert.deepEqual(JSON.parse(out), [{ d: 0, s: 5 }, { d: 2, s: 5 }, { d: 4, s: 5 }])
  const refused = grizzly(work, '--extension-dir', 'installed', '-c', 'LOAD EXTENSION doubler')
  assert.equal(refused.status, 1)
  assert.match(refused.stderr, /42501/)

  // and through the API, on the installation the CLI made
  const db = await Database.open(undefined, { policy: join(work, 'policy.json'), extensionDirectory: join(work, 'installed') })
  await db.query('LOAD EXTENSION doubler')
  assert.deepEqual((await db.query('SELECT doubler_double(21.0), doubler_sum_squares(x::DOUBLE) FROM range(4) t(x)')).rows, [[42, 14]])
  const explain = String((await db.query('EXPLAIN ANALYZE SELECT doubler_double(x::DOUBLE) FROM range(1000) t(x)')).rows[0]![1])
  assert.match(explain, /doubler: \d+ calls?, 1000 rows, cpu/)
  await db.query('UNLOAD EXTENSION doubler')
  await rejects(db.query('SELECT doubler_double(1.0)'), '42883')
  await rejects(db.query('SELECT doubler_sum_squares(1.0)'), '42883')
  await db.close()
})
