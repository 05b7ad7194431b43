/**
 * Random interleavings of three writers on one table, checked against a model of snapshot
 * isolation with first-writer-wins row conflicts: every read, every conflict (40001), every key
 * settled at commit (ids from a small contested pool, inserted by several writers: the second
 * to commit fails with 23505) and, from copies of the file and its log taken between statements
 * (a crash image), every recovery.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-writers-model-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

type Rows = Map<number, number>

interface Txn {
  /** the committed rows as of BEGIN, with this transaction's own changes applied */
  view: Rows
  snapshot: number
  /** rows this transaction changed or inserted */
  wrote: Set<number>
}

function random(seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

const CONTESTED = 1_000_000

const sorted = (rows: Rows): number[][] => [...rows].sort((a, b) => a[0] - b[0])

async function run(seed: number, steps: number): Promise<void> {
  const rnd = random(seed)
  const path = join(dir, `model-${seed}.grz`)
  const db = await Database.open(path)
  await db.exec("SET checkpoint_threshold = '4KB'; CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)")
  const conns = [db.connect(), db.connect(), db.connect()]
  const txns: (Txn | null)[] = [null, null, null]
  let committed: Rows = new Map()
  let commits = 0
  /** the commit that last changed each row, and the transaction changing it now */
  const changedAt = new Map<number, number>()
  const owner = new Map<number, number>()
  let nextId = 1
  let images = 0
  const read = async (c: number): Promise<number[][]> => (await conns[c]!.query('SELECT id, n FROM t ORDER BY id')).rows as number[][]

  for (let step = 0; step < steps; step++) {
    const c = Math.floor(rnd() * 3)
    const conn = conns[c]!
    let txn = txns[c] ?? null
    const r = rnd()
    if (txn === null) {
      await conn.query('BEGIN')
      txns[c] = txn = { view: new Map(committed), snapshot: commits, wrote: new Set() }
      continue
    }
    const where = `${c}@${step} (seed ${seed})`
    if (r < 0.3) {
      const id = nextId++
      const n = Math.floor(rnd() * 100)
      await conn.query(`INSERT INTO t VALUES (${id}, ${n})`)
      txn.view.set(id, n); txn.wrote.add(id); owner.set(id, c)
    } else if (r < 0.37) {
      // contested ids are only ever inserted: a committed one or one this transaction holds is a duplicate now
      const id = CONTESTED + Math.floor(rnd() * 8)
      const duplicate = committed.has(id) || txn.view.has(id)
      try {
        await conn.query(`INSERT INTO t VALUES (${id}, 0)`)
        assert.ok(!duplicate, `${where}: expected 23505 inserting ${id}`)
        txn.view.set(id, 0); txn.wrote.add(id)
      } catch (e) {
        if (!(e instanceof GrizzlyError) || e.code !== '23505') throw e
        assert.ok(duplicate, `${where}: unexpected ${e.message}`)
      }
    } else if (r < 0.65) {
      const ids = [...txn.view.keys()].filter(id => id < CONTESTED)
      if (ids.length === 0) continue
      const id = ids[Math.floor(rnd() * ids.length)]!
      const del = r >= 0.55
      const conflict = (owner.has(id) && owner.get(id) !== c) || (changedAt.get(id) ?? 0) > txn.snapshot
      try {
        await conn.query(del ? `DELETE FROM t WHERE id = ${id}` : `UPDATE t SET n = n + 1 WHERE id = ${id}`)
        assert.ok(!conflict, `${where}: expected 40001 changing row ${id}`)
        if (del) txn.view.delete(id); else txn.view.set(id, txn.view.get(id)! + 1)
        txn.wrote.add(id); owner.set(id, c)
      } catch (e) {
        if (!(e instanceof GrizzlyError) || e.code !== '40001') throw e
        assert.ok(conflict, `${where}: unexpected ${e.message}`)
      }
    } else if (r < 0.8) {
      assert.deepEqual(await read(c), sorted(txn.view), `${where}: snapshot read`)
    } else {
      let commit = r < 0.93
      // the second to commit a contested id fails its COMMIT and is rolled back
      const loses = commit && [...txn.wrote].some(id => id >= CONTESTED && committed.has(id))
      try {
        await conn.query(commit ? 'COMMIT' : 'ROLLBACK')
        assert.ok(!loses, `${where}: expected the COMMIT to fail`)
      } catch (e) {
        if (!(e instanceof GrizzlyError) || e.code !== '23505') throw e
        assert.ok(loses, `${where}: unexpected ${e.message}`)
        commit = false
      }
      if (commit) {
        commits++
        const next = new Map(committed)
        for (const id of txn.wrote) {
          if (txn.view.has(id)) next.set(id, txn.view.get(id)!); else next.delete(id)
          changedAt.set(id, commits)
        }
        committed = next
      }
      for (const id of txn.wrote) if (owner.get(id) === c) owner.delete(id)
      txns[c] = null
      assert.deepEqual(await read(c), sorted(committed), `${where}: after ${commit ? 'COMMIT' : 'ROLLBACK'}`)
      // a crash image: the file and its log as they are now hold exactly the commits so far
      if (rnd() < 0.3) {
        const copy = join(dir, `image-${seed}-${images++}.grz`)
        copyFileSync(path, copy)
        if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${copy}.wal`)
        const reopened = await Database.open(copy)
        assert.deepEqual((await reopened.query('SELECT id, n FROM t ORDER BY id')).rows, sorted(committed), `${where}: recovered image`)
        assert.deepEqual((await reopened.query('PRAGMA integrity_check')).rows, [['ok']])
        await reopened.close()
      }
    }
  }
  for (const conn of conns) await conn.close()
  await db.close()
  const again = await Database.open(path)
  // every open transaction was rolled back at close
  assert.deepEqual((await again.query('SELECT id, n FROM t ORDER BY id')).rows, sorted(committed))
  await again.close()
}

test('three writers at random against a model of snapshot isolation, with crash images', async () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) await run(seed, 400)
})
