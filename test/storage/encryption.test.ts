import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { fails } from '../expect-error.ts'
import { FaultyFileSystem } from './faulty-fs.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-encryption-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
const SECRET_TEXT = 'top-secret-customer-name'

const BLOCKS_AT = 8192
const BLOCK_HEADER = 16

/** flips a byte inside the catalog's first block and fixes the block checksum, as an attacker could; returns the block */
function tamperBlock(path: string): number {
  const file = Buffer.from(readFileSync(path))
  const newest = file.readDoubleLE(16) > file.readDoubleLE(4096 + 16) ? 0 : 4096
  const block = file.readInt32LE(newest + 24)
  const at = BLOCKS_AT + block * 256 * 1024
  const used = file.readUInt32LE(at + 4)
  file[at + BLOCK_HEADER + Math.floor(used / 2)]! ^= 0x01
  file.writeUInt32LE(crc32(file.subarray(at + 4, at + BLOCK_HEADER + used)), at)
  writeFileSync(path, file)
  return block
}

test('an encrypted database keeps no plaintext on disk and reads back with its key only', async () => {
  const path = join(dir, 'secret.grz')
  const fs = new FaultyFileSystem()
  let db = await Database.open(path, { encryptionKey: 'correct horse battery staple', fileSystem: fs })
  await db.exec(`CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR); INSERT INTO people SELECT i, '${SECRET_TEXT}' || i FROM range(2000) r(i)`)
  await db.exec('CHECKPOINT')
  await db.query('INSERT INTO people VALUES ($1, $2)', [5000, `${SECRET_TEXT}-in-the-wal`])
  // as a killed process leaves it: the last commit only in the WAL
  fs.crashed = true
  try { await db.close() } catch { /* no checkpoint */ }
  for (const file of [path, `${path}.wal`]) assert.equal(readFileSync(file).includes(Buffer.from('top-secret')), false, `${file} holds plaintext`)

  await fails(() => Database.open(path), '28P01', /is encrypted/)
  await fails(() => Database.open(path, { encryptionKey: 'wrong' }), '28P01', /wrong encryption key/)
  const ro = await Database.open(path, { readOnly: true, encryptionKey: 'correct horse battery staple' })
  assert.deepEqual((await ro.query('SELECT count(*), max(name) FROM people')).rows, [[2001n, `${SECRET_TEXT}999`]])
  await ro.close()
  db = await Database.open(path, { encryptionKey: 'correct horse battery staple' })
  assert.deepEqual((await db.query('SELECT name FROM people WHERE id = 5000')).rows, [[`${SECRET_TEXT}-in-the-wal`]])
  assert.deepEqual((await db.query('PRAGMA integrity_check')).rows, [['ok']])
  await db.close()

  const plain = join(dir, 'plain.grz')
  const p = await Database.open(plain)
  await p.close()
  await fails(() => Database.open(plain, { encryptionKey: 'k' }), '22023', /not encrypted/)
})

test('a tampered block or WAL record of an encrypted file fails authentication (XX001)', async () => {
  const path = join(dir, 'tamper.grz')
  const fs = new FaultyFileSystem()
  const key = new Uint8Array(32).fill(7)
  const db = await Database.open(path, { encryptionKey: key, fileSystem: fs })
  await db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t SELECT i FROM range(100) r(i); CHECKPOINT')
  await db.query('INSERT INTO t VALUES (1000)')
  await db.query('INSERT INTO t VALUES (1001)')
  fs.crashed = true
  try { await db.close() } catch { /* no checkpoint */ }
  const good = readFileSync(path)
  const goodWal = readFileSync(`${path}.wal`)
  const block = tamperBlock(path)
  await fails(() => Database.open(path, { encryptionKey: key }), 'XX001', new RegExp(`block ${block} of the catalog failed authentication`))
  writeFileSync(path, good)
  const wal = Buffer.from(goodWal)
  const length = wal.readUInt32LE(32)
  wal[32 + 8 + 20]! ^= 0x01
  wal.writeUInt32LE(crc32(wal.subarray(40, 40 + length)), 36)
  writeFileSync(`${path}.wal`, wal)
  await fails(() => Database.open(path, { encryptionKey: key }), 'XX001', /WAL record 1 .* failed authentication/)
  writeFileSync(`${path}.wal`, goodWal)
  const again = await Database.open(path, { encryptionKey: key })
  assert.deepEqual((await again.query('SELECT count(*), max(x) FROM t')).rows, [[102n, 1001]])
  await again.close()
})
