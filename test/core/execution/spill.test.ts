/**
 * Operators that spill under memory_limit: external merge sort, hybrid hash aggregation and
 * grace hash join give the answers of the in-memory operators (and DuckDB's), write temporary
 * files that EXPLAIN ANALYZE counts and that are gone afterwards, also on error and cancel.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { Database } from '../../../core/database.ts'
import { fails } from '../../expect-error.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-spill-test-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const ROWS = 300_000
const SETUP = [
  `CREATE TABLE a AS SELECT i, (i * 7919) % 150000 AS k, 'g' || (i % 90000) AS s, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 3 END AS c FROM range(${ROWS}) r(i)`,
  `CREATE TABLE b AS SELECT i AS j, (i * 3) % 170000 AS k, 'b' || i AS t FROM range(200000) r(i) WHERE i % 7 <> 0`,
]

async function open(file?: string): Promise<Database> {
  const db = await Database.open(file)
  for (const sql of SETUP) await db.exec(sql)
  return db
}

async function text(db: Database, sql: string): Promise<string[]> {
  return (await db.query(sql)).textRows().map(r => r.join('\t'))
}

/** Runs `sql` without a limit and with a tiny one in its own temp_directory: equal rows, spilled, folder left empty. */
async function sameWhenSpilling(db: Database, sql: string, limit = '2MB'): Promise<string[]> {
  const temp = mkdtempSync(join(dir, 'temp-'))
  await db.exec(`RESET memory_limit; RESET temp_directory`)
  const expected = await text(db, sql)
  await db.exec(`SET memory_limit = '${limit}'; SET temp_directory = '${temp}'`)
  try {
    assert.deepEqual(await text(db, sql), expected, sql)
    assert.deepEqual(readdirSync(temp), [], 'temporary files are removed after the query')
    const plan = String((await db.query(`EXPLAIN ANALYZE ${sql}`)).rows[0]![1])
    assert.match(plan, /spilled: [^\]]*[\d.]+ (KiB|MiB)/, plan)
    assert.deepEqual(readdirSync(temp), [])
  } finally {
    await db.exec(`RESET memory_limit; RESET temp_directory`)
  }
  return expected
}

async function duckdbRows(sql: string): Promise<string[]> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  for (const s of SETUP) await duck.run(s)
  const rows = (await duck.runAndReadAll(sql)).getRows()
  duck.closeSync()
  // textRows() shows NULL as an empty field
  return rows.map(r => r.map(v => v === null ? '' : String(v)).join('\t'))
}

test('settings: memory_limit, temp_directory and max_temp_directory_size', async () => {
  const db = await Database.open()
  await db.exec(`SET memory_limit = '256MB'; SET temp_directory = '${dir}'; SET max_temp_directory_size = '10GiB'`)
  assert.deepEqual((await db.query(`SELECT current_setting('memory_limit'), current_setting('temp_directory'), current_setting('max_temp_directory_size')`)).rows,
    [['256MB', dir, '10GiB']])
  await db.exec(`SET memory_limit = '-1'; SET max_temp_directory_size = '-1'`)
  assert.deepEqual((await db.query(`SELECT current_setting('memory_limit')`)).rows, [['-1']])
  const listed = (await db.query(`SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'temp_directory', 'max_temp_directory_size') ORDER BY name`)).rows
  assert.deepEqual(listed, [['max_temp_directory_size', '-1'], ['memory_limit', '-1'], ['temp_directory', dir]])
  await fails(() => db.exec(`SET memory_limit = 'lots'`), '22023', /memory_limit/)
  await fails(() => db.exec(`SET memory_limit = '150%'`), '22023', /memory_limit/)
  await fails(() => db.exec(`SET max_temp_directory_size = '50%'`), '22023', /max_temp_directory_size/)
  await fails(() => db.exec(`SET max_temp_directory_size = 'lots'`), '22023', /max_temp_directory_size/)
  await db.close()
})

test('ORDER BY: an external merge sort gives the in-memory order (and DuckDB\'s); top-N stays in memory', async () => {
  const db = await open()
  // several keys, NULLs, DESC and ties: the merge keeps the sort stable
  const sql = `SELECT k, c, s, i FROM a ORDER BY c DESC NULLS FIRST, s, k`
  const rows = await sameWhenSpilling(db, sql)
  assert.equal(rows.length, ROWS)
  assert.deepEqual(rows, await duckdbRows(sql))
  // equal keys keep their input order across runs
  await sameWhenSpilling(db, `SELECT i, c FROM a ORDER BY c NULLS LAST`)
  // 300K rows in 1MB runs: more runs than one merge takes, so runs are merged in passes
  await sameWhenSpilling(db, `SELECT i, k FROM a ORDER BY k, i DESC`, '1MB')
  await db.exec(`SET memory_limit = '1MB'`)
  const topN = String((await db.query(`EXPLAIN ANALYZE SELECT * FROM a ORDER BY k DESC LIMIT 5`)).rows[0]![1])
  assert.match(topN, /TOP_N/)
  assert.doesNotMatch(topN, /spilled/)
  await db.close()
})

test('GROUP BY: groups past the limit are partitioned to disk; every aggregate kind agrees', async () => {
  const db = await open()
  const sql = `SELECT k, count(*)::BIGINT, sum(i)::BIGINT, min(s), max(s), count(c)::BIGINT FROM a GROUP BY k ORDER BY k`
  const rows = await sameWhenSpilling(db, sql)
  assert.equal(rows.length, 150_000)
  assert.deepEqual(rows, await duckdbRows(sql))
  // DISTINCT and ORDER BY inside aggregates, NULL group keys
  await sameWhenSpilling(db, `SELECT s, c, count(DISTINCT k), string_agg(i::VARCHAR, ',' ORDER BY i DESC), avg(i) FROM a GROUP BY s, c ORDER BY s, c NULLS FIRST`)
  // SELECT DISTINCT takes the same path, returning new rows as it meets them
  const distinct = `SELECT DISTINCT s, c FROM a`
  const all = await sameWhenSpilling(db, `SELECT * FROM (${distinct}) ORDER BY s, c`)
  assert.equal(all.length, 117_273)
  await db.exec(`SET memory_limit = '1MB'`)
  assert.match(String((await db.query(`EXPLAIN ANALYZE ${distinct}`)).rows[0]![1]), /DISTINCT.*spilled: .* in \d+ partitions/)
  await db.exec(`RESET memory_limit`)
  await db.close()
})

test('hash join: a grace hash join for every join type the operator runs', async () => {
  const db = await open()
  const inner = `SELECT a.i, b.j, a.s, b.t FROM a JOIN b ON a.k = b.k ORDER BY a.i, b.j`
  const rows = await sameWhenSpilling(db, inner)
  assert.ok(rows.length > 100_000)
  assert.deepEqual(rows, await duckdbRows(inner))
  for (const sql of [
    `SELECT count(*), count(j), sum(i) FROM a LEFT JOIN b ON a.k = b.k`,
    `SELECT count(*), count(i), count(j), sum(j) FROM a FULL JOIN b ON a.k = b.k AND b.j % 3 = 0`,
    `SELECT count(*), count(i), sum(j) FROM a RIGHT JOIN b ON a.k = b.k AND a.i < b.j`,
    `SELECT count(*), sum(i) FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k)`,
    `SELECT count(*), sum(i) FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k)`,
    `SELECT count(*), sum(i) FROM a JOIN b ON a.k = b.k AND a.i < b.j`,
  ]) await sameWhenSpilling(db, sql)
  await db.close()
})

test('53200 when the query cannot finish within the limit, 58030 for an unusable temp_directory; files removed', async () => {
  const db = await open()
  const temp = mkdtempSync(join(dir, 'limits-'))
  await db.exec(`SET memory_limit = '1MB'; SET temp_directory = '${temp}'; SET max_temp_directory_size = '200KB'`)
  await fails(() => db.query(`SELECT * FROM a ORDER BY s`), '53200', /max_temp_directory_size/)
  assert.deepEqual(readdirSync(temp), [])
  await db.exec(`RESET max_temp_directory_size`)
  // every build row has the same key: partitioning cannot split it
  await db.exec(`CREATE TABLE same AS SELECT i, 1 AS k, repeat('x', 50) AS pad FROM range(100000) r(i)`)
  await fails(() => db.query(`SELECT count(*), max(s1.pad || s2.pad) FROM same s1 JOIN same s2 ON s1.k = s2.k`), '53200', /memory_limit/)
  assert.deepEqual(readdirSync(temp), [])
  const file = join(dir, 'not-a-folder')
  writeFileSync(file, 'x')
  await db.exec(`SET temp_directory = '${join(file, 'sub')}'`)
  await fails(() => db.query(`SELECT * FROM a ORDER BY s`), '58030', /temporary folder/)
  await db.close()
})

test('a canceled query removes the files it had written; a file database spills beside itself', async () => {
  const file = join(dir, 'spill.grz')
  const db = await open(file)
  await db.exec(`SET memory_limit = '1MB'`)
  const temp = `${file}.tmp`
  const controller = new AbortController()
  let seen = 0
  const onProgress = (): void => {
    if (!existsSync(temp)) return
    for (const sub of readdirSync(temp)) seen = Math.max(seen, readdirSync(join(temp, sub)).length)
    if (seen > 0) controller.abort()
  }
  await fails(() => db.query(`SELECT * FROM a ORDER BY s, k`, [], { signal: controller.signal, onProgress, progressIntervalMs: 0 }), '57014', /cancel/)
  assert.ok(seen > 0, 'spill files were on disk while the query ran')
  assert.equal(existsSync(temp), false, 'the temporary folder is gone')
  assert.equal((await db.query(`SELECT count(*) FROM (SELECT * FROM a ORDER BY s, k)`)).rows[0]![0], BigInt(ROWS))
  assert.equal(existsSync(temp), false)
  await db.close()
})

/** A 256 KiB tmpfs to fill, where the test may mount one (root on Linux); null elsewhere. */
function smallDisk(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null
  const mount = mkdtempSync(join(dir, 'full-'))
  try { execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount], { stdio: 'ignore' }) } catch { return null }
  return mount
}

test('a full disk fails the statement with 53100 and leaves nothing behind', async t => {
  const disk = smallDisk()
  if (disk === null) { t.skip('needs a small tmpfs (root on Linux)'); return }
  try {
    const db = await open()
    await db.exec(`SET memory_limit = '1MB'; SET temp_directory = '${disk}'`)
    await fails(() => db.query(`SELECT * FROM a ORDER BY s`), '53100', /no space left on device/)
    assert.deepEqual(readdirSync(disk), [])
    assert.equal((await db.query(`SELECT count(*) FROM a`)).rows[0]![0], BigInt(ROWS))
    await db.close()
  } finally {
    execFileSync('umount', [disk], { stdio: 'ignore' })
  }
})
