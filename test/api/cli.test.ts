import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../cli/grizzly.js', import.meta.url))
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, [bin, ...args], { input, encoding: 'utf8', timeout: 60_000 })

test('grizzly -c … --format json prints one JSON array per statement', () => {
  const r = run(['-c', 'SELECT 42 AS answer', '--format', 'json'])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), '[{"answer":42}]')
})

test('a script on stdin runs statement by statement', () => {
  const r = run(['--format', 'csv'], "CREATE TABLE t (a INTEGER, b VARCHAR);\nINSERT INTO t VALUES (1, 'x,y'), (2, NULL);\nSELECT * FROM t ORDER BY a;\n")
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), 'a,b\n1,"x,y"\n2,')
})

test('errors go to stderr with their SQLSTATE and a non-zero exit code', () => {
  const r = run(['-c', 'SELECT * FROM missing'])
  assert.equal(r.status, 1)
  assert.match(r.stderr, /42P01/)
})

test('table and markdown formats render', () => {
  const t = run(['-c', "SELECT 1 AS n, 'a' AS s"])
  assert.equal(t.status, 0, t.stderr)
  assert.match(t.stdout, /│ n +│ s +│/)
  const m = run(['-c', "SELECT 1 AS n, 'a' AS s", '--format', 'markdown'])
  assert.equal(m.stdout.trim(), '| n | s |\n|---:|---|\n| 1 | a |')
})

test('bad options are reported with the usage', () => {
  const r = run(['--format', 'xml'])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /unknown format/)
})

test('--sample loads the sample tables', () => {
  const r = run(['--sample', '-c', 'SELECT count(*) AS n FROM orders', '--format', 'json'])
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.trim(), '[{"n":20000}]')
})
