import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'

/** the files as a crash would leave them now: every commit is already on disk */
function crashCopy(path: string, to: string): void {
  copyFileSync(path, to)
  if (existsSync(`${path}.wal`)) copyFileSync(`${path}.wal`, `${to}.wal`)
}

async function indexNames(path: string): Promise<string[]> {
  const db = await Database.open(path)
  try {
    const plan = (await db.query('EXPLAIN SELECT * FROM t WHERE a = 5')).rows.map(r => r.join(' ')).join('\n')
    return plan.includes('USING t_a') ? ['t_a'] : []
  } finally {
    await db.close()
  }
}

test('CREATE INDEX (which takes no write lock) is durable once it commits, also while another transaction writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-index-durable-'))
  try {
    const path = join(dir, 'a.grz')
    const db = await Database.open(path)
    await db.exec('CREATE TABLE t (a INTEGER, b VARCHAR)')
    await db.exec(`INSERT INTO t SELECT i, 'x' || i FROM range(10000) r(i)`)
    await db.exec('CREATE INDEX t_a ON t (a)')
    crashCopy(path, join(dir, 'crash1.grz'))
    assert.deepEqual(await indexNames(join(dir, 'crash1.grz')), ['t_a'])

    // another session writes while the index is created: the index is written with its commit
    await db.exec('DROP INDEX t_a')
    const writer = db.connect()
    await writer.exec(`BEGIN; INSERT INTO t VALUES (20000, 'w')`)
    await db.exec('CREATE INDEX t_a ON t (a)')
    await writer.exec('COMMIT')
    crashCopy(path, join(dir, 'crash2.grz'))
    assert.deepEqual(await indexNames(join(dir, 'crash2.grz')), ['t_a'])
    const copy = await Database.open(join(dir, 'crash2.grz'))
    assert.equal((await copy.query('SELECT count(*) FROM t')).rows[0]![0], 10001n)
    await copy.close()
    await db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
