/**
 * The buffer manager for table data (core/storage/buffer-manager.ts): a database reopened under a
 * memory_limit far below its size answers every query, DML statement and checkpoint as the same
 * file opened without the limit, while its resident table data stays under the limit; damaged
 * blocks of evicted segments are caught when read again; encrypted files work the same way; and
 * a child process scanning a 4M-row table under the limit uses far less memory than loading it.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, copyFileSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { crc32 } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { BLOCK_HEADER, BLOCK_SIZE, DATA_START } from '../../core/storage/blocks.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-buffer-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const text = (rows: unknown): string => JSON.stringify(rows, (_k, v) => typeof v === 'bigint' ? `${v}n` : v)

/** a table of `rows` rows (numbers, a DOUBLE, text of many distinct values) and a small one to join */
async function build(path: string, rows: number, encryptionKey?: string): Promise<void> {
  const db = await Database.open(path, { encryptionKey })
  await db.exec(`CREATE TABLE t AS SELECT i AS id, i % 1000 AS k, 'customer#' || (i * 7919 % 100003) AS s, (i % 9973) * 0.25 AS d
                 FROM range(${rows}) r(i);
                 CREATE TABLE dim AS SELECT i AS k, 'group ' || (i % 10) AS g FROM range(1000) r(i)`)
  await db.close()
}

async function info(db: Database): Promise<Record<string, number>> {
  const rows = (await db.query('PRAGMA storage_info')).rows as string[][]
  return Object.fromEntries(rows.filter(r => r[0]!.startsWith('table_data')).map(r => [r[0]!, Number(r[1])]))
}

/** the blocks of table `name`'s first run, from the store's catalog */
function blocksOf(db: Database, name: string): number[] {
  const image = (db.storageEngine as unknown as { image: { tables: { name: string; runs?: { blocks: number[] }[] }[] } }).image
  const blocks = image.tables.find(t => t.name === name)?.runs?.[0]?.blocks
  assert.ok(blocks !== undefined && blocks.length > 0, `table ${name} has stored runs`)
  return blocks
}

function flipByte(path: string, block: number, at: number): void {
  const fd = openSync(path, 'r+')
  try {
    const b = Buffer.alloc(1)
    const offset = DATA_START + block * BLOCK_SIZE + BLOCK_HEADER + at
    readSync(fd, b, 0, 1, offset)
    b[0] = b[0]! ^ 0x10
    writeSync(fd, b, 0, 1, offset)
  } finally { closeSync(fd) }
}

async function failsWith(work: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  try { await work } catch (e) {
    assert.ok(e instanceof GrizzlyError, `expected a GrizzlyError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, pattern)
    assert.ok(e.hint !== undefined && e.hint.length > 0, `no hint on: ${e.message}`)
    return
  }
  assert.fail(`expected ${code}`)
}

const QUERIES = [
  'SELECT count(*), sum(id), sum(d), min(s), max(s) FROM t',
  'SELECT sum(d), count(*) FROM t WHERE id BETWEEN 300000 AND 300100',
  'SELECT k, count(*), sum(d) FROM t GROUP BY k ORDER BY k LIMIT 25',
  'SELECT g, count(*), sum(t.d) FROM t JOIN dim USING (k) GROUP BY g ORDER BY g',
  "SELECT count(*) FROM t WHERE s LIKE 'customer#99%'",
  'SELECT id, s, d FROM t WHERE k = 999 ORDER BY id LIMIT 5',
]

// a scan pins the segments of the row group it is in; past the limit by at most one group's columns
const PIN_SLACK = 6 * 1024 * 1024

test('reopened under a memory_limit far below its size, every query, DML statement and checkpoint answers as without it', async () => {
  const full = join(dir, 'full.grz'), small = join(dir, 'small.grz')
  await build(full, 600_000)
  copyFileSync(full, small)
  copyFileSync(`${full}.wal`, `${small}.wal`)
  let a = await Database.open(full)
  let b = await Database.open(small)
  const limit = async (): Promise<void> => { await b.exec("SET memory_limit = '16MB'") }
  await limit()
  const same = async (step: string): Promise<void> => {
    for (const q of QUERIES) assert.equal(text((await b.query(q)).rows), text((await a.query(q)).rows), `${step}: ${q}`)
    const i = await info(b)
    assert.equal(i.table_data_limit_bytes, 8_000_000)
    assert.ok(i.table_data_resident_bytes! <= i.table_data_limit_bytes! + PIN_SLACK, `${step}: ${i.table_data_resident_bytes} resident bytes`)
  }
  const opened = await info(b)
  assert.equal(opened.table_data_loads, 0, 'opening reads no segment')
  await same('after open')
  const scanned = await info(b)
  assert.ok(scanned.table_data_evictions! > 0, 'segments were evicted')

  // zone maps skip row groups without loading them
  const before = (await info(b)).table_data_loads!
  await b.query('SELECT sum(d) FROM t WHERE id BETWEEN 400000 AND 400010')
  const loaded = (await info(b)).table_data_loads! - before
  assert.ok(loaded <= 2, `a filtered scan of one row group loaded ${loaded} segments`)

  for (const dml of [
    'UPDATE t SET d = d + 1, s = s || \'!\' WHERE k = 3',
    'DELETE FROM t WHERE id % 7 = 0',
    "INSERT INTO t SELECT 600000 + i, i % 1000, 'new ' || i, i FROM range(70000) r(i)",
  ]) {
    await a.exec(dml)
    await b.exec(dml)
    await same(dml)
  }
  await a.exec('CHECKPOINT')
  await b.exec('CHECKPOINT')
  await same('after CHECKPOINT')
  assert.equal(text((await b.query('PRAGMA integrity_check')).rows), text([['ok']]))
  // a second checkpoint after a small change keeps the unchanged segments where they are
  const blocks = (await b.query('PRAGMA storage_info')).rows.find(r => r[0] === 'blocks')![1]
  await a.exec('UPDATE t SET d = -1 WHERE id = 5')
  await b.exec('UPDATE t SET d = -1 WHERE id = 5')
  await a.exec('CHECKPOINT')
  await b.exec('CHECKPOINT')
  const grown = Number((await b.query('PRAGMA storage_info')).rows.find(r => r[0] === 'blocks')![1]) - Number(blocks)
  assert.ok(grown <= 2, `a one-row update made the file grow by ${grown} blocks`)
  await same('after a small checkpoint')

  await a.close()
  await b.close()
  a = await Database.open(full)
  b = await Database.open(small)
  await limit()
  await same('reopened')
  assert.equal(text((await b.query('PRAGMA integrity_check')).rows), text([['ok']]))
  // FORCE CHECKPOINT rewrites every table by copying the stored segments' bytes
  await b.exec('FORCE CHECKPOINT')
  await same('after FORCE CHECKPOINT')
  assert.equal(text((await b.query('PRAGMA integrity_check')).rows), text([['ok']]))
  await a.close()
  await b.close()
})

test('a flipped bit in an evicted segment is reported when the segment is read again', async () => {
  const path = join(dir, 'flip.grz')
  await build(path, 200_000)
  const db = await Database.open(path)
  await db.exec("SET memory_limit = '16MB'")
  const sum = (await db.query('SELECT sum(id) FROM t')).rows
  assert.equal(text(sum), text([[19999900000]]))
  db.storageEngine!.buffers.evictAll()
  flipByte(path, blocksOf(db, 't')[0]!, 100)
  await failsWith(db.query('SELECT sum(id) FROM t'), 'XX001', /block \d+ of the data of table main\.t column id row group 0 has a bad checksum/)
  const problems = (await db.query('PRAGMA integrity_check')).rows as string[][]
  assert.ok(problems.some(p => /bad checksum/.test(p[0]!)), text(problems))
  // the other segments still read
  assert.equal(text((await db.query('SELECT count(*) FROM dim')).rows), text([[1000n]]))
  await db.close().catch(() => undefined)
})

test('an encrypted database loads and evicts segments the same way, and an altered block fails authentication', async () => {
  const path = join(dir, 'secret.grz'), key = 'correct horse battery staple'
  await build(path, 300_000, key)
  let db = await Database.open(path, { encryptionKey: key })
  await db.exec("SET memory_limit = '8MB'")
  const expected = text([[300000n, 44999850000]])
  assert.equal(text((await db.query('SELECT count(*), sum(id) FROM t')).rows), expected)
  assert.equal(text((await db.query('SELECT max(s) FROM t')).rows), text([['customer#99999']]))
  assert.ok((await info(db)).table_data_evictions! > 0)
  await db.exec('UPDATE t SET id = id + 1 WHERE k = 0')
  await db.exec('CHECKPOINT')
  assert.equal(text((await db.query('SELECT count(*), sum(id) FROM t')).rows), text([[300000n, 44999850300]]))
  await db.close()
  await failsWith(Database.open(path), '28P01', /encrypted/)
  db = await Database.open(path, { encryptionKey: key })
  await db.exec("SET memory_limit = '8MB'")
  assert.equal(text((await db.query('SELECT count(*), sum(id) FROM t')).rows), text([[300000n, 44999850300]]))
  assert.equal(text((await db.query('PRAGMA integrity_check')).rows), text([['ok']]))
  db.storageEngine!.buffers.evictAll()
  const block = blocksOf(db, 't')[0]!
  // the checksum covers the sealed bytes: fix it up so the seal itself is what must catch the change
  flipByte(path, block, 200)
  fixChecksum(path, block)
  // the first run holds segments of every column the update left alone
  await failsWith(db.query('SELECT sum(id), sum(k), sum(d), max(s) FROM t'), 'XX001', /failed authentication/)
  await db.close().catch(() => undefined)
})

function fixChecksum(path: string, block: number): void {
  const fd = openSync(path, 'r+')
  try {
    const head = Buffer.alloc(BLOCK_HEADER)
    readSync(fd, head, 0, BLOCK_HEADER, DATA_START + block * BLOCK_SIZE)
    const used = head.readUInt32LE(4)
    const buf = Buffer.alloc(BLOCK_HEADER + used)
    readSync(fd, buf, 0, buf.length, DATA_START + block * BLOCK_SIZE)
    buf.writeUInt32LE(crc32(buf.subarray(4)), 0)
    writeSync(fd, buf, 0, 4, DATA_START + block * BLOCK_SIZE)
  } finally { closeSync(fd) }
}

test('a 4M-row table scanned under the limit keeps resident data and RSS well below loading it all', { timeout: 600_000 }, async () => {
  const path = join(dir, 'big.grz')
  await build(path, 4_000_000)
  const run = (limit: string): { answer: string; rss: number; resident: number; limit: number } => {
    const child = spawnSync(process.execPath, ['--expose-gc', '--no-node-snapshot', '--import', 'tsx', join(import.meta.dirname, 'buffer-child.ts'), path, limit],
      { encoding: 'utf8', timeout: 300_000 })
    assert.equal(child.status, 0, child.stderr)
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as { answer: string; rss: number; resident: number; limit: number }
  }
  const limited = run('64MB')
  const whole = run('8GB')
  assert.equal(limited.answer, whole.answer)
  assert.ok(limited.resident <= limited.limit + PIN_SLACK, `${limited.resident} resident bytes under a ${limited.limit} byte limit`)
  assert.ok(whole.resident > 300 * 1024 * 1024, `loading everything holds ${whole.resident} bytes`)
  assert.ok(limited.rss < whole.rss - 150 * 1024 * 1024, `RSS ${limited.rss} under the limit against ${whole.rss} loading everything`)
})

test('ALTER TABLE on a table whose segments are evicted, then a read-only open under the limit', async () => {
  const path = join(dir, 'alter.grz')
  await build(path, 200_000)
  let db = await Database.open(path)
  await db.exec("SET memory_limit = '8MB'")
  await db.query('SELECT max(s), sum(d) FROM t')
  db.storageEngine!.buffers.evictAll()
  await db.exec('ALTER TABLE t ADD COLUMN e INTEGER DEFAULT 5; ALTER TABLE t DROP COLUMN k; ALTER TABLE t ALTER COLUMN d TYPE VARCHAR')
  const expected = text([[200000n, 1000000n, 19999900000, 'customer#99999', '999.75']])
  const q = 'SELECT count(*), sum(e), sum(id), max(s), max(d) FROM t'
  assert.equal(text((await db.query(q)).rows), expected)
  await db.close()
  db = await Database.open(path, { readOnly: true })
  await db.exec("SET memory_limit = '8MB'")
  assert.equal(text((await db.query(q)).rows), expected)
  assert.ok((await info(db)).table_data_evictions! > 0, 'a read-only open evicts too')
  assert.equal(text((await db.query('PRAGMA integrity_check')).rows), text([['ok']]))
  await db.close()
})

test('a transaction whose snapshot still sees a dropped table gets 40001 for its evicted segments, not reused blocks', async () => {
  const path = join(dir, 'drop.grz')
  await build(path, 200_000)
  const db = await Database.open(path)
  const old = db.connect()
  await old.exec('BEGIN')
  await old.query('SELECT count(*) FROM dim')
  assert.equal(text((await db.query('SELECT sum(id) FROM t')).rows), text([[19999900000]]))
  db.storageEngine!.buffers.evictAll()
  // the DROP's checkpoint frees the blocks; the next one may reuse them
  await db.exec('DROP TABLE t; CREATE TABLE filler AS SELECT i FROM range(100000) r(i)')
  await failsWith(old.query('SELECT sum(id) FROM t'), '40001', /table main\.t column id row group 0 was dropped/)
  await old.exec('ROLLBACK')
  assert.equal(text((await db.query('PRAGMA integrity_check')).rows), text([['ok']]))
  await db.close()
})
