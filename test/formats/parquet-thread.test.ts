// Large Parquet scans decode the next row group on a worker thread while converting the current
// one: the rows must be the same as DuckDB's (also once the thread's ring of buffers has been
// reused: 4 row groups, 3 slots, every row kept until the end), a scan stopped early must end its
// thread, and a damaged row group must fail with the usual error.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { GrizzlyError } from '../../core/errors.ts'
import { parquetCounters } from '../../core/formats/parquet/reader.ts'
import { ALL_TYPES_SQL, duckText, fixture, grizzlyText, type Fixture } from './parquet-helpers.ts'

const ROWS = 120_000

describe('row groups decoded on a worker thread', () => {
  let f: Fixture
  let p: string
  before(async () => {
    f = await fixture()
    p = f.path('big.parquet')
    // ALL_TYPES_SQL's values are for up to 40,000 rows: they repeat, and n numbers the rows
    const sql = ALL_TYPES_SQL.replace('SELECT i::INTEGER AS i FROM range(N) r(i)', `SELECT (i % 40000)::INTEGER AS i, i AS n FROM range(${ROWS}) r(i)`).replace(/AS st\s+FROM/, 'AS st, n FROM')
    assert.notEqual(sql, ALL_TYPES_SQL)
    await f.duck.run(`COPY (${sql}) TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 30000)`)
  })
  after(() => f.close())

  test('every type and NULL reads back as DuckDB reads it', async () => {
    const threaded = parquetCounters.threadedScans
    const q = `SELECT * FROM '${p}'`
    const [mine, theirs] = [await grizzlyText(f.db, q), await duckText(f.duck, q)]
    assert.equal(parquetCounters.threadedScans, threaded + 1)
    assert.equal(mine.length, ROWS)
    for (let i = 0; i < ROWS; i++) assert.deepEqual(mine[i], theirs[i], `row ${i}`)
  })

  test('CREATE TABLE AS loads it, and a skipped row group is never sent to the thread', async () => {
    await f.db.exec(`CREATE TABLE t AS SELECT * FROM '${p}'`)
    const q = 'SELECT count(*), sum(i32), count(s), min(s), max(dt), sum(d18) FROM t'
    assert.deepEqual(await grizzlyText(f.db, q), await duckText(f.duck, q.replace('FROM t', `FROM '${p}'`)))
    const read = parquetCounters.rowGroupsRead, skipped = parquetCounters.rowGroupsSkipped
    const w = `SELECT count(*), sum(i32) FROM '${p}' WHERE n >= 70000`
    assert.deepEqual(await grizzlyText(f.db, w), await duckText(f.duck, w))
    assert.ok(parquetCounters.rowGroupsSkipped > skipped, 'the filter skips row groups')
    assert.ok(parquetCounters.rowGroupsRead - read < 4)
  })

  test('a scan stopped early ends its thread, and the next scan runs', async () => {
    const threaded = parquetCounters.threadedScans
    for (let k = 0; k < 5; k++) assert.deepEqual(await grizzlyText(f.db, `SELECT i32 FROM '${p}' LIMIT 2`), await duckText(f.duck, `SELECT i32 FROM '${p}' LIMIT 2`))
    assert.equal(parquetCounters.threadedScans, threaded + 5)
    assert.deepEqual(await grizzlyText(f.db, `SELECT count(*) FROM '${p}' WHERE s IS NULL`), await duckText(f.duck, `SELECT count(*) FROM '${p}' WHERE s IS NULL`))
  })

  test('a damaged row group fails with 22P04 naming the file', async () => {
    const bad = f.path('bad.parquet')
    const at = Number((await f.duck.runAndReadAll(`SELECT data_page_offset FROM parquet_metadata('${p}') WHERE row_group_id = 2 AND path_in_schema = 'i32'`)).getRows()[0]![0])
    const bytes = readFileSync(p)
    bytes.fill(0xff, at, at + 24)
    writeFileSync(bad, bytes)
    const threaded = parquetCounters.threadedScans
    await assert.rejects(f.db.query(`SELECT sum(i32) FROM '${bad}'`), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError)
      assert.equal(e.code, '22P04')
      assert.match(e.message, /bad\.parquet" is not a valid Parquet file/)
      assert.ok(e.hint !== undefined)
      return true
    })
    assert.equal(parquetCounters.threadedScans, threaded + 1)
    // the reader is usable afterwards
    assert.deepEqual(await grizzlyText(f.db, `SELECT count(*) FROM '${p}'`), [[String(ROWS)]])
  })

  test('a small scan decodes in its own thread', async () => {
    const small = f.path('small.parquet')
    await f.duck.run(`COPY (SELECT * FROM '${p}' LIMIT 50000) TO '${small}' (FORMAT parquet, ROW_GROUP_SIZE 25000)`)
    const threaded = parquetCounters.threadedScans
    assert.deepEqual(await grizzlyText(f.db, `SELECT count(*), sum(i32) FROM '${small}'`), await duckText(f.duck, `SELECT count(*), sum(i32) FROM '${small}'`))
    assert.equal(parquetCounters.threadedScans, threaded)
  })
})
