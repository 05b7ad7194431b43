import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { crc32 } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { fails } from '../expect-error.ts'
import { FaultyFileSystem } from './faulty-fs.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-storage-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fresh = (): string => join(dir, `db${n++}.grz`)

/** JSON with bigints and blobs, for comparing whole results */
const text = (rows: unknown): string => JSON.stringify(rows, (_k, v) => typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `blob:${[...v]}` : v)

async function rowsOf(db: Database, sql: string): Promise<string> { return text((await db.query(sql)).rows) }

/** closes a database whose file system crashed: the checkpoint fails, the lock is released */
async function abandon(db: Database): Promise<void> {
  try { await db.close() } catch { /* the crashed file system refuses the checkpoint */ }
}

const ALL_TYPES = `CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR, d DECIMAL(10,2), w DECIMAL(30,5), l INTEGER[],
  s STRUCT(a INTEGER, b VARCHAR), i INTERVAL, b BLOB, ts TIMESTAMP, big BIGINT, f REAL, x DOUBLE, ok BOOLEAN, dt DATE,
  arr FLOAT[3], tiny TINYINT, small SMALLINT, tm TIME, nested VARCHAR[][])`
const SOME_ROWS = `INSERT INTO t VALUES
  (1, 'a', 1.5, 12345678901234567890.12345, [1,2,NULL], {'a': 1, 'b': 'x'}, INTERVAL '1 month 2 days 3 seconds', '\\xAB\\x00'::BLOB,
   TIMESTAMP '2020-01-01 10:00:00.123456', -9223372036854775808, 1.5, 'NaN'::DOUBLE, true, DATE '2020-02-02', [1.0,2.5,3.0], -128, 32767, TIME '23:59:59.999999', [['x', NULL], ['y']]),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, '', -0.01, -1.00001, [], {'a': NULL, 'b': NULL}, INTERVAL '-5 years', ''::BLOB, TIMESTAMP '1970-01-01', 9223372036854775807, -0.0, 'Infinity'::DOUBLE, false, DATE '1900-01-01', [0,0,0], 127, -32768, TIME '00:00:00', [NULL])`
const BULK = `INSERT INTO t SELECT i, 'n' || (i % 7), i / 100, i * 1000000000000, [i, i + 1], {'a': i, 'b': 'q'}, INTERVAL '1 day' * (i % 3), NULL,
  TIMESTAMP '2000-01-01' + INTERVAL '1 second' * i, i * 1000000000000, i / 4, i / 3, i % 2 = 0, DATE '2020-01-01' + (i % 1000)::INTEGER,
  [i, i, i], (i % 100)::TINYINT, (i % 30000)::SMALLINT, TIME '01:00:00', [['z']] FROM range(10, 70010) r(i)`

test('every type round-trips through a checkpoint and through the WAL, NULLs included', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec(ALL_TYPES)
  await db.exec(SOME_ROWS)
  const small = await rowsOf(db, 'SELECT * FROM t ORDER BY id')
  // crash before any checkpoint: the rows come back from the WAL alone
  const ro = await Database.open(path, { readOnly: true })
  assert.equal(await rowsOf(ro, 'SELECT * FROM t ORDER BY id'), small)
  await ro.close()
  await db.exec(BULK)
  await db.exec("UPDATE t SET name = 'changed', l = [9] WHERE id % 1000 = 7; DELETE FROM t WHERE id % 777 = 1")
  const all = await rowsOf(db, 'SELECT * FROM t ORDER BY id')
  await db.close()
  db = await Database.open(path)
  assert.equal(await rowsOf(db, 'SELECT * FROM t ORDER BY id'), all)
  assert.equal(await rowsOf(db, 'PRAGMA integrity_check'), text([['ok']]))
  // keys are enforced again after loading
  await fails(() => db.query("INSERT INTO t (id) VALUES (3)"), '23505', /Duplicate key "id: 3" violates primary key constraint/, false)
  await db.exec('FORCE CHECKPOINT')
  await db.close()
  db = await Database.open(path)
  assert.equal(await rowsOf(db, 'SELECT * FROM t ORDER BY id'), all)
  await db.close()
})

test('every string encoding (dictionary, plain, deflated text) and number encoding reads back', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec(`CREATE TABLE s AS SELECT i, md5(i::VARCHAR) AS random, 'same' AS constant, (i % 3)::VARCHAR AS few,
      repeat('lorem ipsum ', i % 5) || i AS prose, CASE WHEN i % 4 = 0 THEN NULL ELSE 'ü€😀' || i END AS unicode,
      i * 1.5 AS fractional, (i // 1000) AS runs, i * 4294967296 AS wide, 42 AS one, CASE WHEN i % 2 = 0 THEN i END AS half
    FROM range(100000) r(i)`)
  const all = await rowsOf(db, 'SELECT * FROM s ORDER BY i')
  // filters that the stored zone maps decide per row group
  const filtered = 'SELECT count(*), sum(i) FROM s WHERE runs = 70 OR wide > 429496729600000 OR (i BETWEEN 65000 AND 66000 AND half IS NULL)'
  const counted = await rowsOf(db, filtered)
  await db.close()
  db = await Database.open(path)
  assert.equal(await rowsOf(db, filtered), counted)
  assert.equal(await rowsOf(db, 'SELECT * FROM s ORDER BY i'), all)
  assert.equal(await rowsOf(db, 'PRAGMA integrity_check'), text([['ok']]))
  await db.close()
})

test('schemas, views, defaults, checks, foreign keys and ALTER TABLE survive reopening', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec(`CREATE SCHEMA sales;
    CREATE TABLE sales.customers (id INTEGER PRIMARY KEY, "select" VARCHAR DEFAULT ('none'), score INTEGER CHECK (score >= 0));
    CREATE TABLE sales.orders (id INTEGER PRIMARY KEY, customer INTEGER REFERENCES sales.customers(id), total DECIMAL(12,2) NOT NULL, UNIQUE (customer, total));
    INSERT INTO sales.customers (id, score) VALUES (1, 5), (2, 7);
    INSERT INTO sales.orders VALUES (10, 1, 9.99), (11, 2, 100);
    CREATE VIEW sales.big AS SELECT * FROM sales.orders WHERE total > 50;
    CREATE VIEW bigger AS SELECT count(*) AS n FROM sales.big;
    CREATE TABLE gone (x INTEGER); INSERT INTO gone VALUES (1); DROP TABLE gone;
    CREATE TABLE altered (a INTEGER); INSERT INTO altered VALUES (1), (2);
    ALTER TABLE altered ADD COLUMN b VARCHAR DEFAULT 'q'; ALTER TABLE altered RENAME TO renamed;
    CREATE TEMP TABLE scratch (x INTEGER); INSERT INTO scratch VALUES (1)`)
  await db.close()
  db = await Database.open(path)
  assert.equal(await rowsOf(db, 'SELECT * FROM sales.customers ORDER BY id'), text([[1, 'none', 5], [2, 'none', 7]]))
  assert.equal(await rowsOf(db, 'SELECT * FROM bigger'), text([[1n]]))
  assert.equal(await rowsOf(db, 'SELECT * FROM renamed ORDER BY a'), text([[1, 'q'], [2, 'q']]))
  await fails(() => db.query('SELECT * FROM gone'), '42P01', /Table with name gone does not exist/, false)
  await fails(() => db.query('SELECT * FROM scratch'), '42P01', /Table with name scratch does not exist/, false)
  await fails(() => db.query('INSERT INTO sales.customers VALUES (3, NULL, -1)'), '23514', /violates check constraint/, false)
  await fails(() => db.query('INSERT INTO sales.orders VALUES (12, 99, 1)'), '23503', /Violates foreign key constraint/, false)
  await fails(() => db.query('INSERT INTO sales.orders VALUES (12, 1, 9.99)'), '23505', /violates unique constraint/, false)
  await db.query('INSERT INTO sales.customers (id) VALUES (3)')
  assert.equal(await rowsOf(db, 'SELECT "select" FROM sales.customers WHERE id = 3'), text([['none']]))
  await db.close()
})

test('indexes are stored as their definitions and rebuilt over the rows on open', async () => {
  const path = fresh()
  let db = await Database.open(path)
  await db.exec(`CREATE TABLE t (id INTEGER, v VARCHAR); INSERT INTO t SELECT i, 'v' || i FROM range(5000) r(i);
    CREATE INDEX t_id ON t (id); CREATE UNIQUE INDEX t_v ON t (v)`)
  await db.exec("INSERT INTO t VALUES (5000, 'last')")
  await db.close()
  db = await Database.open(path)
  assert.equal(await rowsOf(db, 'SELECT v FROM t WHERE id = 4321'), text([['v4321']]))
  assert.equal(await rowsOf(db, 'SELECT v FROM t WHERE id = 5000'), text([['last']]))
  await fails(() => db.query("INSERT INTO t VALUES (1, 'v7')"), '23505', /Duplicate key "v: v7" violates unique constraint \(index t_v\)/, false)
  await fails(() => db.query('CREATE INDEX t_id ON t (v)'), '42P07', /index "t_id" already exists/, false)
  await db.exec('DROP INDEX t_v')
  await db.close()
  db = await Database.open(path)
  await db.query("INSERT INTO t VALUES (1, 'v7')")
  await fails(() => db.query('DROP INDEX t_v'), '42704', /index "t_v" does not exist/, false)
  await db.close()
})

test('a failed statement or a ROLLBACK writes nothing to the WAL', async () => {
  const path = fresh()
  const db = await Database.open(path)
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)')
  const walSize = (): number => statSync(`${path}.wal`).size
  const before = walSize()
  await fails(() => db.query('INSERT INTO t VALUES (1), (1)'), '23505', /Duplicate key "id: 1"/, false)
  await db.exec('BEGIN; INSERT INTO t VALUES (5); ROLLBACK')
  assert.equal(walSize(), before)
  await db.exec('BEGIN; INSERT INTO t VALUES (6)')
  await fails(() => db.query('INSERT INTO t VALUES (6)'), '23505', /Duplicate key "id: 6"/, false)
  await db.exec('COMMIT')
  assert.ok(walSize() > before)
  await abandonAndCheck(db, path, text([[6]]))
})

async function abandonAndCheck(db: Database, path: string, expected: string): Promise<void> {
  // a reader at this point sees exactly what a recovery would
  const ro = await Database.open(path, { readOnly: true })
  assert.equal(await rowsOf(ro, 'SELECT * FROM t ORDER BY 1'), expected)
  await ro.close()
  await db.close()
}

test('one writer per file: a second open is refused naming the holder; readers work beside it', async () => {
  const path = fresh()
  const db = await Database.open(path)
  await db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)')
  const e = await fails(() => Database.open(path), '55006', /locked by this process/)
  assert.ok(e.message.includes(path))
  assert.match(e.hint ?? '', /readOnly/)
  const ro = await Database.open(path, { readOnly: true })
  assert.equal(await rowsOf(ro, 'SELECT * FROM t'), text([[1]]))
  await fails(() => ro.query('INSERT INTO t VALUES (2)'), '25006', /cannot insert in a read-only transaction/, false)
  await fails(() => ro.query('CHECKPOINT'), '25006', /cannot CHECKPOINT a database opened read-only/)
  await ro.close()
  await db.close()
  // another process holding it
  const child = spawnSync(process.execPath, ['--no-node-snapshot', '--import', 'tsx', '-e',
    `import('${new URL('../../core/database.ts', import.meta.url).href}').then(async ({ Database }) => {
      await Database.open(${JSON.stringify(path)}); console.log(process.pid); process.exit(0) })`], { encoding: 'utf8' })
  assert.equal(child.status, 0, child.stderr)
  // that process died holding the lock: the stale lock is taken over
  const lock = JSON.parse(readFileSync(`${path}.lock`, 'utf8')) as { pid: number }
  assert.equal(String(lock.pid), child.stdout.trim())
  const again = await Database.open(path)
  assert.equal(await rowsOf(again, 'SELECT * FROM t'), text([[1]]))
  // a live process holding it
  writeFileSync(`${path}.lock.live`, '')
  await again.close()
  writeFileSync(`${path}.lock`, JSON.stringify({ pid: process.ppid }))
  await fails(() => Database.open(path), '55006', new RegExp(`process ${process.ppid}`))
  rmSync(`${path}.lock`)
})

test('readers opened at different moments of a writer see the commits up to their open', async () => {
  const path = fresh()
  const db = await Database.open(path)
  await db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)')
  const first = await Database.open(path, { readOnly: true })
  await db.exec('INSERT INTO t SELECT i FROM range(2, 100000) r(i); CHECKPOINT; DELETE FROM t WHERE x % 2 = 0; INSERT INTO t VALUES (-1)')
  const second = await Database.open(path, { readOnly: true })
  await db.exec('FORCE CHECKPOINT; UPDATE t SET x = x + 1 WHERE x < 10')
  const third = await Database.open(path, { readOnly: true })
  assert.equal(await rowsOf(first, 'SELECT count(*), sum(x) FROM t'), text([[1n, 1n]]))
  assert.equal(await rowsOf(second, 'SELECT count(*), sum(x) FROM t'), await rowsOf(third, 'SELECT count(*), sum(x) - 6 FROM t'))
  assert.equal(await rowsOf(third, 'SELECT count(*), sum(x) FROM t'), await rowsOf(db, 'SELECT count(*), sum(x) FROM t'))
  assert.equal(await rowsOf(third, 'PRAGMA integrity_check'), text([['ok']]))
  for (const r of [first, second, third]) await r.close()
  await db.close()
})

test('bad files: not a database, another format version, damaged blocks and WAL records', async () => {
  const junk = fresh()
  writeFileSync(junk, 'hello, this is not a database'.repeat(200))
  await fails(() => Database.open(junk), '22P04', /not a Grizzly database/)
  await fails(() => Database.open(join(dir, 'missing.grz'), { readOnly: true }), '58P01', /missing\.grz" does not exist/)

  const path = fresh()
  let db = await Database.open(path)
  await db.exec('CREATE TABLE t (x INTEGER, s VARCHAR); INSERT INTO t SELECT i, i::VARCHAR FROM range(1000) r(i)')
  await db.close()
  const good = readFileSync(path)
  // format version in both headers
  const versioned = Buffer.from(good)
  for (const slot of [0, 4096]) {
    versioned.writeUInt32LE(99, slot + 8)
    // the header checksum covers its first 84 bytes and follows them
    versioned.writeUInt32LE(crc32(versioned.subarray(slot, slot + 84)), slot + 84)
  }
  writeFileSync(path, versioned)
  await fails(() => Database.open(path), '0A000', /format version 99/)
  // one damaged header: the other one is used
  const oneHeader = Buffer.from(good)
  const newest = good.readDoubleLE(16) > good.readDoubleLE(4096 + 16) ? 0 : 4096
  oneHeader[newest + 20] = oneHeader[newest + 20]! ^ 0xff
  writeFileSync(path, oneHeader)
  db = await Database.open(path, { readOnly: true })
  await db.close()
  // a flipped bit in a data block is found, never read as data
  const flipped = Buffer.from(good)
  flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 0x01
  writeFileSync(path, flipped)
  await fails(() => Database.open(path), 'XX001', /block \d+ of .* bad checksum/)
  writeFileSync(path, good)
  db = await Database.open(path)
  await db.exec('INSERT INTO t VALUES (-1, \'a\'); INSERT INTO t VALUES (-2, \'b\')')
  // damage under a running database: integrity_check reports it, the loaded rows stay usable
  writeFileSync(path, flipped)
  const report = (await db.query('PRAGMA integrity_check')).rows.map(r => String(r[0]))
  assert.ok(report.some(line => /block \d+ of .* has a bad checksum/.test(line)), report.join('; '))
  assert.equal(await rowsOf(db, 'SELECT count(*) FROM t'), text([[1002n]]))
  // a checkpoint writes the table afresh into other blocks
  await db.exec('FORCE CHECKPOINT')
  assert.equal(await rowsOf(db, 'PRAGMA integrity_check'), text([['ok']]))
  await db.close()
  db = await Database.open(path)
  assert.equal(await rowsOf(db, 'SELECT count(*) FROM t'), text([[1002n]]))
  await db.close()
})

/** a database with t(x) = 0, 1, 2 committed through the WAL, left as a killed process leaves it (no checkpoint at close) */
async function threeCommitsThenKilled(): Promise<string> {
  const path = fresh()
  const fs = new FaultyFileSystem()
  const db = await Database.open(path, { fileSystem: fs })
  await db.exec('CREATE TABLE t (x INTEGER)')
  for (let i = 0; i < 3; i++) await db.query('INSERT INTO t VALUES ($1)', [i])
  fs.crashed = true
  await abandon(db)
  return path
}

test('a damaged WAL record in the middle is XX001; a torn last record is dropped', async () => {
  const path = await threeCommitsThenKilled()
  // the log is zero-filled past its last record (space allocated ahead): cut into that record
  const wal = readFileSync(`${path}.wal`)
  let end = 32
  while (end + 8 <= wal.length && wal.readUInt32LE(end) !== 0) end += 8 + wal.readUInt32LE(end)
  assert.ok(end > 32 && wal.subarray(end).every(b => b === 0), 'records, then zeros')
  writeFileSync(`${path}.wal`, wal.subarray(0, end - 3))
  let db = await Database.open(path)
  assert.equal(await rowsOf(db, 'SELECT * FROM t ORDER BY x'), text([[0], [1]]))
  await db.query('INSERT INTO t VALUES (7)')
  assert.equal(await rowsOf(db, 'PRAGMA integrity_check'), text([['ok']]))
  await db.close()
  const fs = new FaultyFileSystem()
  db = await Database.open(path, { fileSystem: fs })
  for (let i = 0; i < 3; i++) await db.query('INSERT INTO t VALUES ($1)', [100 + i])
  fs.crashed = true
  await abandon(db)
  const log = Buffer.from(readFileSync(`${path}.wal`))
  log[32 + 8 + 9] = log[32 + 8 + 9]! ^ 0x10
  writeFileSync(`${path}.wal`, log)
  await fails(() => Database.open(path, { readOnly: true }), 'XX001', /WAL record 1 at offset 32 has a bad checksum/)
  await fails(() => Database.open(path), 'XX001', /WAL record 1/)
})

test('a log allocated ahead: zeros after the last record end it; a last record half written into them is torn, not damage', async () => {
  const path = await threeCommitsThenKilled()
  const wal = Buffer.from(readFileSync(`${path}.wal`))
  assert.equal(wal.length % (1 << 20), 0, 'the log grows a megabyte at a time')
  let last = 32, end = 32
  while (wal.readUInt32LE(end) !== 0) { last = end; end += 8 + wal.readUInt32LE(end) }
  // the third record's body as a crash mid-write leaves it: its second half still zeros
  wal.fill(0, last + 8 + Math.floor((end - last - 8) / 2), end)
  writeFileSync(`${path}.wal`, wal)
  const reopened = await Database.open(path)
  assert.equal(await rowsOf(reopened, 'SELECT * FROM t ORDER BY x'), text([[0], [1]]))
  await reopened.query('INSERT INTO t VALUES (9)')
  assert.equal(await rowsOf(reopened, 'PRAGMA integrity_check'), text([['ok']]))
  await reopened.close()
  const again = await Database.open(path)
  assert.equal(await rowsOf(again, 'SELECT * FROM t ORDER BY x'), text([[0], [1], [9]]))
  await again.close()
})

test('injected ENOSPC and short writes fail the statement and leave the database usable', async () => {
  for (const fault of ['enospc', 'short'] as const) {
    const path = fresh()
    const fs = new FaultyFileSystem()
    fs.fault = fault
    const db = await Database.open(path, { fileSystem: fs })
    await db.exec('CREATE TABLE t (x INTEGER PRIMARY KEY)')
    await db.query('INSERT INTO t VALUES (1)')
    fs.failAt = fs.writes + 1
    await fails(() => db.query('INSERT INTO t VALUES (2)'), '58030', fault === 'enospc' ? /no space left/ : /short write/)
    assert.equal(await rowsOf(db, 'SELECT * FROM t'), text([[1]]))
    await db.query('INSERT INTO t VALUES (2)')
    // a checkpoint that fails (DDL checkpoints) keeps the last good one
    fs.failAt = fs.writes + 2
    await fails(() => db.query('CREATE TABLE u (y INTEGER)'), '58030', /could not write ".*\.grz"/)
    await fails(() => db.query('SELECT * FROM u'), '42P01', /Table with name u does not exist/, false)
    await db.query('INSERT INTO t VALUES (3)')
    fs.failAt = fs.writes + 1
    await fails(() => db.query('CHECKPOINT'), '58030', /could not write ".*\.grz"/)
    await db.query('INSERT INTO t VALUES (4)')
    await db.close()
    const again = await Database.open(path)
    assert.equal(await rowsOf(again, 'SELECT * FROM t ORDER BY x'), text([[1], [2], [3], [4]]))
    assert.equal(await rowsOf(again, 'PRAGMA integrity_check'), text([['ok']]))
    await again.close()
  }
})

test('simulated crashes at every write: acknowledged commits survive, nothing else appears', async () => {
  let points = 0
  for (let crashAt = 1; ; crashAt++) {
    const path = fresh()
    const fs = new FaultyFileSystem()
    fs.failAt = crashAt
    fs.fault = 'crash'
    fs.tornFraction = (crashAt % 5) / 5
    const acked: number[] = []
    let inFlight: number | null = null
    let created = false
    try {
      const db = await Database.open(path, { fileSystem: fs, settings: { checkpoint_threshold: '300B' } })
      try {
        await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR)')
        created = true
        for (let i = 0; i < 40; i++) {
          inFlight = i
          if (i % 10 === 9) await db.exec(`BEGIN; UPDATE t SET v = 'u' || id WHERE id = ${i - 5}; DELETE FROM t WHERE id = ${i - 7}; INSERT INTO t VALUES (${i}, 'x'); COMMIT`)
          else await db.query('INSERT INTO t VALUES ($1, $2)', [i, 'v'.repeat(i)])
          acked.push(i)
          inFlight = null
        }
      } finally { await abandon(db) }
    } catch { /* the crash */ }
    // the whole workload ran without reaching write `crashAt`: every point is covered
    if (!fs.crashed) break
    points++
    const db = await Database.open(path)
    try {
      const rows = created || inFlight !== null ? (await db.query('SELECT id FROM t ORDER BY id').catch(() => ({ rows: [] }))).rows.map(r => r[0] as number) : []
      const apply = (ids: Set<number>, i: number): void => { ids.add(i); if (i % 10 === 9) ids.delete(i - 7) }
      const want = new Set<number>()
      for (const i of acked) apply(want, i)
      const withInFlight = new Set(want)
      if (inFlight !== null) apply(withInFlight, inFlight)
      const got = text(rows)
      const sorted = (s: Set<number>): string => text([...s].sort((x, y) => x - y))
      assert.ok(got === sorted(want) || got === sorted(withInFlight), `crash at write ${crashAt}: got ${got}, acknowledged ${sorted(want)}`)
      assert.equal(await rowsOf(db, 'PRAGMA integrity_check'), text([['ok']]))
    } finally { await db.close() }
  }
  assert.ok(points >= 60, `only ${points} crash points`)
})

test('settings: synchronous and checkpoint_threshold', async () => {
  const path = fresh()
  const db = await Database.open(path)
  await fails(() => db.query("SET synchronous = 'sometimes'"), '22023', /invalid value for setting "synchronous"/)
  await fails(() => db.query("SET checkpoint_threshold = 'lots'"), '22023', /invalid value for setting "checkpoint_threshold"/)
  await db.exec("SET synchronous = 'normal'; SET checkpoint_threshold = '1KB'; CREATE TABLE t (x VARCHAR)")
  const counter = async (): Promise<number> => Number((await db.query('PRAGMA storage_info')).rows.find(r => r[0] === 'checkpoint')![1])
  const start = await counter()
  for (let i = 0; i < 20; i++) await db.query('INSERT INTO t VALUES ($1)', ['y'.repeat(200)])
  assert.ok(await counter() > start + 2, 'the threshold triggers checkpoints')
  await db.exec("SET synchronous = 'off'; INSERT INTO t VALUES ('z')")
  await fails(() => db.query('BEGIN; CHECKPOINT'), '25001', /CHECKPOINT cannot run inside a transaction block/)
  await db.exec('ROLLBACK')
  const other = db.connect()
  await other.exec('BEGIN; INSERT INTO t VALUES (\'w\')')
  await fails(() => db.query('CHECKPOINT'), '40001', /cannot CHECKPOINT while another transaction is writing/)
  await other.exec('ROLLBACK')
  await db.exec('CHECKPOINT')
  await db.close()
  const mem = await Database.open()
  await mem.exec('CHECKPOINT; FORCE CHECKPOINT')
  assert.equal(await rowsOf(mem, 'PRAGMA integrity_check'), text([['ok']]))
  await mem.close()
})
