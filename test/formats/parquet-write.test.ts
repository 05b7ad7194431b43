import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../core/errors.ts'
import { readParquetFiles } from '../../core/formats/parquet/reader.ts'
import { writeParquetFile } from '../../core/formats/parquet/writer.ts'
import type { FunctionContext, TableFunctionArg } from '../../core/hooks/contracts.ts'
import { INTERVAL, INTEGER, VARCHAR } from '../../core/types/types.ts'
import { DataChunk, vectorFromValues } from '../../core/vector/vector.ts'
import { allTypes, duckText, fixture, grizzlyText, type Fixture } from './parquet-helpers.ts'

const fnCtx: FunctionContext = { setting: () => null, statementTime: 0, random: Math.random, setSeed: () => {} }
const text = (v: string): TableFunctionArg => ({ type: VARCHAR, value: v })
const int = (v: number): TableFunctionArg => ({ type: INTEGER, value: v })

let f: Fixture, source: string
before(async () => {
  f = await fixture()
  source = f.path('source.parquet')
  await f.duck.run(`COPY (${allTypes(9000)}) TO '${source}' (FORMAT parquet)`)
})
after(async () => { await f.close() })

/** Re-writes `source` with Grizzly's writer: every chunk its reader produces goes to the writer. */
function rewrite(target: string, options: [string, TableFunctionArg][]): number {
  const fn = readParquetFiles([source], new Map(), fnCtx)
  return writeParquetFile(target, fn.columns, fn.scan(fn.columns.map((_, i) => i), fnCtx), new Map(options)).rows
}

describe('Grizzly writes, DuckDB and Grizzly read equal values', () => {
  for (const compression of ['snappy', 'zstd', 'gzip', 'uncompressed']) {
    test(`every type and NULLs, ${compression}`, async () => {
      const out = f.path(`out-${compression}.parquet`)
      assert.equal(rewrite(out, [['compression', text(compression)], ['row_group_size', int(2500)]]), 9000)
      const expected = await duckText(f.duck, `SELECT * FROM '${source}'`)
      assert.deepEqual(await duckText(f.duck, `SELECT * FROM '${out}'`), expected)
      assert.deepEqual(await grizzlyText(f.db, `SELECT * FROM '${out}'`), expected)
      const meta = (await f.duck.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata('${out}')`)).getRows()
      assert.deepEqual(meta, [[compression.toUpperCase()]])
      const groups = (await f.duck.runAndReadAll(`SELECT row_group_num_rows FROM parquet_metadata('${out}') WHERE column_id = 0 ORDER BY row_group_id`)).getRows()
      assert.deepEqual(groups.map(g => Number(g[0])), [2500, 2500, 2500, 1500])
      const types = (await f.duck.runAndReadAll(`DESCRIBE SELECT * FROM '${out}'`)).getRows().map(r => r[1])
      const sourceTypes = (await f.duck.runAndReadAll(`DESCRIBE SELECT * FROM '${source}'`)).getRows().map(r => r[1])
      assert.deepEqual(types, sourceTypes)
    })
  }

  test('the default is snappy with statistics that prune', async () => {
    const out = f.path('default.parquet')
    rewrite(out, [['row_group_size', int(1000)]])
    const meta = (await f.duck.runAndReadAll(`SELECT DISTINCT compression, stats_min IS NOT NULL FROM parquet_metadata('${out}') WHERE path_in_schema = 'i32'`)).getRows()
    assert.deepEqual(meta, [['SNAPPY', true]])
    const q = `SELECT count(*), sum(i64) FROM '${out}' WHERE i32 < -1999000000`
    assert.deepEqual(await grizzlyText(f.db, q), await duckText(f.duck, q))
  })

  test('values made by Grizzly itself round-trip through COPY', async () => {
    const out = f.path('copy.parquet')
    await f.db.exec(`CREATE TABLE w AS SELECT i AS id, 'n' || i AS name, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 1.5 END AS x,
      DATE '2024-02-28' + i::INTEGER AS day, [i, i + 1] AS pair, {'a': i, 'b': 'z'} AS rec FROM range(5000) t(i)`)
    await f.db.query(`COPY w TO '${out}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)`)
    const expected = await grizzlyText(f.db, 'SELECT * FROM w')
    assert.deepEqual(await grizzlyText(f.db, `SELECT * FROM '${out}'`), expected)
    assert.deepEqual(await duckText(f.duck, `SELECT * FROM '${out}'`), expected)
  })

  test('an empty result writes a valid file with the columns and no rows', async () => {
    const out = f.path('empty-out.parquet')
    const n = writeParquetFile(out, [{ name: 'a', type: INTEGER }, { name: 'b', type: VARCHAR }], [], new Map())
    assert.equal(n.rows, 0)
    assert.deepEqual((await f.duck.runAndReadAll(`SELECT count(*) FROM '${out}'`)).getRows(), [[0n]])
    const r = await f.db.query(`SELECT * FROM '${out}'`)
    assert.deepEqual(r.columns.map(c => c.name), ['a', 'b'])
    assert.equal(r.rows.length, 0)
  })
})

describe('bad write options are GrizzlyErrors with a hint', () => {
  const columns = [{ name: 'a', type: INTEGER }]
  const chunk = (): DataChunk[] => [new DataChunk([vectorFromValues(INTEGER, [1, 2])], 2)]
  const bad = (options: [string, TableFunctionArg][], code: string, cols = columns, chunks = chunk()): void => {
    assert.throws(() => writeParquetFile(f.path('bad.parquet'), cols, chunks, new Map(options)), (e: unknown) =>
      e instanceof GrizzlyError && e.code === code && e.hint !== undefined)
  }
  test('unknown compression', () => bad([['compression', text('lz5')]], '22023'))
  test('compression not a name', () => bad([['compression', int(3)]], '22023'))
  test('row group size zero', () => bad([['row_group_size', int(0)]], '22023'))
  test('unknown option', () => bad([['row_groupsize', int(10)]], '22023'))
  test('INTERVAL column is not supported yet', () =>
    bad([], '0A000', [{ name: 'iv', type: INTERVAL }], [new DataChunk([vectorFromValues(INTERVAL, [{ months: 1, days: 2, micros: 3 }])], 1)]))
  test('a directory that does not exist', () => {
    assert.throws(() => writeParquetFile(f.path('no/such/dir/x.parquet'), columns, chunk(), new Map()), (e: unknown) => e instanceof GrizzlyError && e.code === '58P01')
  })
})
