// A database written by the build before segments were read on demand (catalog without `layout`,
// each table one block stream read whole), with a WAL that build left behind. fixtures/layout-1
// holds its file, its log and the answers that build gave just before it was killed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { Database } from '../../core/database.ts'

const fixtures = new URL('./fixtures/layout-1/', import.meta.url)
const expected = JSON.parse(readFileSync(new URL('expected.json', fixtures), 'utf8')) as { sql: string, rows: (string | null)[][] }[]
const dir = mkdtempSync(join(tmpdir(), 'grizzly-older-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

function copyOfFixture(name: string): string {
  const path = join(dir, `${name}.grz`)
  writeFileSync(path, gunzipSync(readFileSync(new URL('v1.grz.gz', fixtures))))
  copyFileSync(new URL('v1.grz.wal', fixtures), `${path}.wal`)
  return path
}

async function assertSameAnswers(db: Database, when: string): Promise<void> {
  for (const { sql, rows } of expected) assert.deepEqual((await db.query(sql)).textRows(), rows, `${when}: ${sql}`)
}

test('a file of the older table layout opens, replays its WAL and answers as the build that wrote it', async () => {
  const path = copyOfFixture('reopen')
  let db = await Database.open(path)
  await assertSameAnswers(db, 'first open')
  const info = (await db.query(`SELECT count(*) FROM items WHERE price > 100`)).rows
  assert.deepEqual(info, [[2890n]])
  // the first checkpoint writes the new layout; the answers stay and the file keeps working
  await db.query(`CHECKPOINT`)
  await db.query(`INSERT INTO items VALUES (6000, 'after', 1.00, DATE '2026-01-01', TIMESTAMP '2026-01-01 00:00:00', false, 1, [])`)
  await db.close()
  db = await Database.open(path, { settings: { memory_limit: '4MB' } })
  await db.query(`DELETE FROM items WHERE id = 6000`)
  await assertSameAnswers(db, 'after the rewrite')
  await db.close()
})

test('a file of the older table layout opens read-only without being rewritten', async () => {
  const path = copyOfFixture('readonly')
  const before = readFileSync(path)
  const db = await Database.open(path, { readOnly: true })
  await assertSameAnswers(db, 'read-only')
  await db.close()
  assert.ok(before.equals(readFileSync(path)), 'a read-only open leaves the file as it was')
})
