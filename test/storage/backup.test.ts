import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../core/database.ts'
import { fails } from '../expect-error.ts'

const root = mkdtempSync(join(tmpdir(), 'grizzly-backup-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
let names = 0
const fresh = (suffix = ''): string => join(root, `n${++names}${suffix}`)

interface Outcome { backup: number; blocks: number; copiedBlocks: number; copiedBytes: number }
async function backup(db: Database, dir: string): Promise<Outcome> {
  const r = (await db.query(`BACKUP TO '${dir}'`)).textRows()[0]!.map(Number)
  return { backup: r[0]!, blocks: r[1]!, copiedBlocks: r[2]!, copiedBytes: r[3]! }
}

const SNAPSHOT = ['SELECT count(*), sum(v), min(s), max(s) FROM big', 'SELECT * FROM small ORDER BY id']
async function snapshot(db: Database): Promise<unknown[]> {
  return Promise.all(SNAPSHOT.map(async q => (await db.query(q)).textRows()))
}

/** a database of a big table that stays as it is (several blocks) and a small one that changes */
async function twoTables(path: string, options = {}): Promise<Database> {
  const db = await Database.open(path, options)
  await db.exec(`CREATE TABLE big (id INTEGER, v DOUBLE, s VARCHAR); INSERT INTO big SELECT i, random(), md5(i::VARCHAR) FROM range(150000) r(i);
    CREATE TABLE small (id INTEGER PRIMARY KEY, note VARCHAR); INSERT INTO small SELECT i, 'n' || i FROM range(100) r(i)`)
  return db
}

test('the first BACKUP copies every block, later ones only changed blocks; RESTORE brings back each point of the chain', async t => {
  const path = fresh('.grz')
  const dir = fresh()
  const db = await twoTables(path)
  const first = await backup(db, dir)
  assert.equal(first.backup, 1)
  assert.equal(first.copiedBlocks, first.blocks)
  assert.ok(first.blocks >= 4, `blocks: ${first.blocks}`)
  const states = [await snapshot(db)]

  for (let i = 0; i < 50; i++) await db.query('UPDATE small SET note = note || $1 WHERE id = $2', [String(i), i])
  await db.exec("DELETE FROM small WHERE id >= 90; INSERT INTO small VALUES (1000, 'new')")
  const second = await backup(db, dir)
  assert.equal(second.backup, 2)
  assert.ok(second.copiedBlocks < second.blocks, JSON.stringify(second))
  assert.ok(second.copiedBytes * 4 < first.copiedBytes, `incremental ${second.copiedBytes} bytes vs full ${first.copiedBytes}`)
  states.push(await snapshot(db))

  await db.exec("UPDATE big SET s = 'changed' WHERE id % 1000 = 0; CREATE VIEW later AS SELECT 1 AS one")
  const third = await backup(db, dir)
  assert.equal(third.backup, 3)
  states.push(await snapshot(db))
  // nothing changed: at most the catalog block, which every checkpoint writes again
  const fourth = await backup(db, dir)
  t.diagnostic(`backups: ${[first, second, third, fourth].map(o => `${o.copiedBlocks}/${o.blocks} blocks, ${o.copiedBytes} bytes`).join('; ')}`)
  assert.ok(fourth.copiedBlocks <= 1, JSON.stringify(fourth))
  await db.close()
  assert.deepEqual(readdirSync(dir).sort(), ['backup-000001.blocks', 'backup-000001.json', 'backup-000002.blocks', 'backup-000002.json',
    'backup-000003.blocks', 'backup-000003.json', 'backup-000004.blocks', 'backup-000004.json'])

  const memory = await Database.open()
  for (const [n, expected] of states.entries()) {
    const target = fresh('.grz')
    const r = (await memory.query(`RESTORE FROM '${dir}' TO '${target}' (AS OF ${n + 1})`)).textRows()[0]!
    assert.equal(r[0], String(n + 1))
    const restored = await Database.open(target)
    assert.deepEqual(await snapshot(restored), expected, `backup ${n + 1}`)
    assert.deepEqual((await restored.query('PRAGMA integrity_check')).textRows(), [['ok']])
    assert.equal(await restored.query('SELECT * FROM later').then(() => true, () => false), n === 2, 'the view of backup 3 only')
    // the restored file is a working database
    await restored.query("INSERT INTO small VALUES (5000, 'after restore')")
    await restored.close()
  }
  // without AS OF: the latest backup
  const latest = fresh('.grz')
  await memory.query(`RESTORE FROM '${dir}' TO '${latest}'`)
  const reopened = await Database.open(latest)
  assert.deepEqual(await snapshot(reopened), states[2])
  await reopened.close()
})

test('a flipped byte in a backup block is found on RESTORE and nothing is written', async () => {
  const path = fresh('.grz')
  const dir = fresh()
  const db = await twoTables(path)
  await backup(db, dir)
  await db.close()
  const blocks = join(dir, 'backup-000001.blocks')
  const bytes = readFileSync(blocks)
  bytes[Math.floor(bytes.length / 2)]! ^= 0x10
  writeFileSync(blocks, bytes)
  const target = fresh('.grz')
  const memory = await Database.open()
  await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${target}'`), 'XX001', /block \d+ in ".*backup-000001\.blocks" fails its checksum/)
  assert.equal(existsSync(target), false)
  assert.equal(existsSync(`${target}.restoring`), false)
})

test('a missing or damaged manifest, a missing blocks file, a bad AS OF, and a restore target that exists are refused', async () => {
  const path = fresh('.grz')
  const dir = fresh()
  const db = await twoTables(path)
  await backup(db, dir)
  await db.exec("INSERT INTO small VALUES (777, 'x')")
  await backup(db, dir)
  const memory = await Database.open()
  const target = fresh('.grz')

  const none = await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${target}' (AS OF 7)`), '22023', /there is no backup 7 in/)
  assert.match(none.hint ?? '', /it holds backups 1, 2$/)
  writeFileSync(target, 'something precious')
  await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${target}'`), '58P02', /already exists/)
  assert.equal(readFileSync(target, 'utf8'), 'something precious')
  await fails(() => memory.query(`RESTORE FROM '${fresh()}' TO '${fresh('.grz')}'`), '58P01', /does not exist/)

  const manifest = join(dir, 'backup-000002.json')
  const text = readFileSync(manifest, 'utf8')
  writeFileSync(manifest, text.replace('"copiedBlocks":', '"copiedBlocks":1'))
  await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${fresh('.grz')}'`), 'XX001', /backup-000002\.json" is damaged: its checksum/)
  // a damaged last manifest also stops the next backup from building on it
  await fails(() => db.query(`BACKUP TO '${dir}'`), 'XX001', /backup-000002\.json" is damaged/)
  writeFileSync(manifest, text.slice(0, 100))
  await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${fresh('.grz')}'`), 'XX001', /not valid JSON/)
  writeFileSync(manifest, text)
  // backup 1 still restores without backup 2's manifest
  unlinkSync(manifest)
  const one = fresh('.grz')
  await memory.query(`RESTORE FROM '${dir}' TO '${one}'`)
  assert.ok(existsSync(one))
  writeFileSync(manifest, text)
  // backup 2 needs backup 1's blocks
  unlinkSync(join(dir, 'backup-000001.blocks'))
  const two = fresh('.grz')
  await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${two}'`), '58P01', /backup-000001\.blocks", which backup 2 needs, is missing/)
  assert.equal(existsSync(two), false)
  for (const f of readdirSync(dir)) if (f.endsWith('.json')) unlinkSync(join(dir, f))
  await fails(() => memory.query(`RESTORE FROM '${dir}' TO '${two}'`), '58P01', /holds no Grizzly backup/)
  await db.close()
})

test('BACKUP errors: in memory, inside a transaction, into a folder of other files', async () => {
  const memory = await Database.open()
  await fails(() => memory.query(`BACKUP TO '${fresh()}'`), '0A000', /in memory/)
  const db = await Database.open(fresh('.grz'))
  await db.exec('CREATE TABLE t (a INTEGER)')
  await db.exec('BEGIN')
  await fails(() => db.query(`BACKUP TO '${fresh()}'`), '25001', /inside a transaction/)
  await db.exec('ROLLBACK')
  const other = fresh()
  mkdirSync(other)
  writeFileSync(join(other, 'notes.txt'), 'keep')
  await fails(() => db.query(`BACKUP TO '${other}'`), '58P02', /holds no Grizzly backup/)
  assert.deepEqual(readdirSync(other), ['notes.txt'])
  await fails(() => db.query(`BACKUP TO '${join(other, 'notes.txt')}'`), '58P02', /is a file/)
  // what a first backup killed halfway leaves behind does not block the next one
  const cut = fresh()
  mkdirSync(cut)
  writeFileSync(join(cut, 'backup-000001.blocks'), 'partial')
  assert.deepEqual((await db.query(`BACKUP TO '${cut}'`)).textRows()[0]!.slice(0, 1), ['1'])
  assert.ok(statSync(join(cut, 'backup-000001.blocks')).size > 'partial'.length)
  assert.match((await fails(() => db.query('BACKUP TO 42'), '42601', /syntax error/)).hint!, /folder as a string/)
  await fails(() => db.query(`RESTORE FROM '${other}' TO 'x.grz' (AS OF 0)`), '42601', /AS OF takes the number/)
  await db.close()
})

test('an encrypted database backs up encrypted; RESTORE needs no key, opening the restored file does', async () => {
  const secret = 'customer-name-that-must-not-leak'
  const key = 'a long passphrase'
  const path = fresh('.grz')
  const dir = fresh()
  const db = await Database.open(path, { encryptionKey: key })
  await db.exec(`CREATE TABLE people (id INTEGER, name VARCHAR); INSERT INTO people SELECT i, '${secret}' || i FROM range(1000) r(i)`)
  await backup(db, dir)
  await db.exec(`INSERT INTO people VALUES (5000, '${secret}-later')`)
  const second = await backup(db, dir)
  assert.ok(second.copiedBlocks >= 1)
  await db.close()
  for (const f of readdirSync(dir)) assert.equal(readFileSync(join(dir, f)).includes(secret), false, f)
  const memory = await Database.open()
  const target = fresh('.grz')
  await memory.query(`RESTORE FROM '${dir}' TO '${target}'`)
  await fails(() => Database.open(target), '28P01', /encrypted/)
  const restored = await Database.open(target, { encryptionKey: key })
  assert.deepEqual((await restored.query('SELECT count(*), max(name) FROM people')).textRows(), [['1001', `${secret}999`]])
  await restored.close()
})
