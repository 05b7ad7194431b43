import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from '../../index.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { prng } from '../differential/data.ts'
import { embedding, vectorSql } from './hnsw-crash-data.ts'
import { cleanup, tempRoot } from '../extensions/helpers.ts'
import { runAckingChild } from '../storage/acking-child.ts'
import { buildVectorPlugin, loadVector, openWithVector, type VectorPlugin } from '../../bench/vector-plugin.ts'

const root = tempRoot('grz-hnsw-store-')
const plugin = buildVectorPlugin(root)
after(() => cleanup(root))

async function open(path: string, withVector: boolean): Promise<Database> {
  return openWithVector(plugin, path, withVector)
}

async function rows(db: Database, sql: string): Promise<unknown[][]> { return (await db.query(sql)).rows }

async function explain(db: Database, sql: string): Promise<string> {
  return (await rows(db, `EXPLAIN ${sql}`)).map(r => r.join('\n')).join('\n')
}

/** the query's ids through the index, checked equal to the brute-force ids */
async function nearestIds(db: Database, sql: string, what = ''): Promise<number[]> {
  assert.match(await explain(db, sql), /INDEX_SCAN/, what)
  const got = (await rows(db, sql)).map(r => r[0] as number)
  await db.exec(`SET disabled_optimizers = 'nearest_scan'`)
  const brute = (await rows(db, sql)).map(r => r[0] as number)
  await db.exec('RESET disabled_optimizers')
  assert.deepEqual(got, brute)
  return got
}

function withDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-hnsw-'))
  return f(dir).finally(() => rmSync(dir, { recursive: true, force: true }))
}

test('hnsw: the index is stored with the database and rebuilt from the rows on open; without its method the file still opens', () => withDir(async dir => {
  const path = join(dir, 'v.grz')
  const q = vectorSql(embedding(7))
  const query = `SELECT id FROM docs ORDER BY array_distance(embedding, ${q}) LIMIT 5`
  let db = await open(path, true)
  await db.exec('CREATE TABLE docs (id INTEGER, embedding FLOAT[8])')
  await db.exec(`INSERT INTO docs VALUES ${Array.from({ length: 300 }, (_, i) => `(${i}, ${vectorSql(embedding(i))})`).join(', ')}`)
  await db.exec(`CREATE INDEX idx ON docs USING hnsw (embedding) WITH (metric = 'l2')`)
  await db.exec('SET hnsw_ef_search = 300')
  const before = await nearestIds(db, query)
  assert.equal(before[0], 7)
  // a committed change that stays in the WAL (no checkpoint before close is forced by the test)
  await db.exec(`UPDATE docs SET embedding = ${q} WHERE id = 8`)
  await db.close()

  // opened without the extension: the file opens, the definition waits, what needs the extension says so
  db = await open(path, false)
  assert.equal((await rows(db, 'SELECT count(*) FROM docs'))[0]![0], 300n)
  await assert.rejects(db.query(query), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError)
    assert.match(e.message, /function array_distance does not exist/)
    assert.match(e.hint ?? '', /LOAD EXTENSION vector/)
    return true
  })
  await assert.rejects(db.exec(`CREATE INDEX other ON docs USING hnsw (embedding)`), /index method "hnsw" does not exist/)
  // rows change while the index waits; a checkpoint keeps its definition
  await db.exec(`DELETE FROM docs WHERE id = 7`)
  await db.exec('CHECKPOINT')
  // the extension arrives: the next query plans with the rebuilt index
  await loadVector(db, plugin)
  await db.exec('SET hnsw_ef_search = 300')
  const revived = await nearestIds(db, query)
  assert.equal(revived[0], 8)
  assert.ok(!revived.includes(7))
  await db.close()

  db = await open(path, true)
  await db.exec('SET hnsw_ef_search = 300')
  assert.deepEqual(await nearestIds(db, query), revived)
  assert.deepEqual((await rows(db, 'PRAGMA integrity_check')).map(r => r[0]), ['ok'])
  await db.exec('DROP INDEX idx')
  await db.close()
  db = await open(path, false)
  assert.equal((await rows(db, 'SELECT count(*) FROM docs'))[0]![0], 299n)
  await db.close()
}))

const CHILD = fileURLToPath(new URL('./hnsw-crash-child.ts', import.meta.url))

function runChild(path: string, start: number, killAfter: number, vector: VectorPlugin): Promise<number[]> {
  return runAckingChild(['--no-node-snapshot', '--import', 'tsx', CHILD, path, String(start), vector.bundle, vector.publicKey, vector.installed],
    (acked, line, kill) => { if (acked.length === killAfter && line !== 'ready') kill() })
}

/** the rows after step `id` of the child: id → the seed of its embedding */
function applyStep(state: Map<number, number>, id: number): void {
  state.set(id, id)
  if (id % 5 === 2 && state.has(id - 1)) state.set(id - 1, id + 100_000)
  if (id % 7 === 3) state.delete(id - 3)
}

test('hnsw: writers killed with SIGKILL leave every acknowledged row, and the rebuilt index answers as brute force', { timeout: 300_000 }, () => withDir(async dir => {
  const path = join(dir, 'crash.grz')
  const random = prng(99)
  const state = new Map<number, number>()
  let next = 0
  for (let kill = 0; kill < 6; kill++) {
    const acked = await runChild(path, next, 20 + Math.floor(random() * 120), plugin)
    for (const id of acked) applyStep(state, id)
    const inFlight = acked.length > 0 ? acked[acked.length - 1]! + 1 : next
    const db = await open(path, true)
    try {
      const stored = new Map((await rows(db, 'SELECT id, embedding FROM docs')).map(r => [r[0] as number, r[1] as number[]]))
      // the step in flight may have committed before the kill
      if (stored.has(inFlight)) applyStep(state, inFlight)
      assert.deepEqual([...stored.keys()].sort((a, b) => a - b), [...state.keys()].sort((a, b) => a - b), `kill ${kill}`)
      for (const [id, seed] of state) assert.deepEqual(stored.get(id), embedding(seed), `kill ${kill}: embedding of ${id}`)
      await db.exec('SET hnsw_ef_search = 1000')
      for (const seed of [1, 2, 3, 100_005]) {
        const got = await nearestIds(db, `SELECT id FROM docs ORDER BY array_distance(embedding, ${vectorSql(embedding(seed))}) LIMIT 8`, `kill ${kill}`)
        assert.equal(got.length, Math.min(8, state.size))
      }
      assert.deepEqual((await rows(db, 'PRAGMA integrity_check')).map(r => r[0]), ['ok'])
      next = Math.max(inFlight, ...stored.keys()) + 1
    } finally {
      await db.close()
    }
  }
  assert.ok(state.size > 100, `only ${state.size} rows`)
}))
