import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

test('the quickstart example runs through the package name grizzly-db', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/quickstart/main.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /Oslo/)
  assert.match(r.stdout, /\[ 2, 'Oslo' \]/)
})

test('the semantic-search example embeds text with a stored tokenizer and finds neighbours through an HNSW index', () => {
  const r = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'examples/semantic-search/main.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /'encoder'\s*│\s*'wordpiece, 47 tokens/)
  assert.match(r.stdout, /INDEX_SCAN note_vectors USING note_embedding/)
  assert.match(r.stdout, /Will it rain today\?\n[^]*?│ 0 +│ 2 +│ 'Rain and wind/)
  assert.match(r.stdout, /What do we eat for dinner\?\n[^]*?│ 0 +│ 3 +│ 'We bake bread/)
})

test('the predict example stores a model, predicts, scores anomalies and forecasts', () => {
  const r = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'examples/predict/main.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /'spend'\s*│\s*'onnx'/)
  assert.match(r.stdout, /│ 4 +│ 310 +│ 38\.5 +│/)
  assert.match(r.stdout, /forecast: 18\.5/)
})
