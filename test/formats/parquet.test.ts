import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { GrizzlyError } from '../../core/errors.ts'
import { parquetCounters, readParquetFiles } from '../../core/formats/parquet/reader.ts'
import { parquetFormat } from '../../core/formats/parquet/index.ts'
import type { FunctionContext } from '../../core/hooks/contracts.ts'
import { getValue } from '../../core/vector/vector.ts'
import { ALL_TYPE_COLUMNS, allTypes, duckText, fixture, grizzlyText, type Fixture } from './parquet-helpers.ts'

const fnCtx: FunctionContext = {
  setting: () => null, statementTime: 0, random: Math.random, setSeed: () => {},
}

let f: Fixture
before(async () => { f = await fixture() })
after(async () => { await f.close() })

describe('Parquet written by DuckDB reads back equal', () => {
  for (const compression of ['snappy', 'zstd', 'gzip', 'uncompressed']) {
    test(`every type and NULLs, ${compression}`, async () => {
      const p = f.path(`all-${compression}.parquet`)
      // 10,000 rows in row groups of 3,000: several row groups, several batches and chunks each
      await f.duck.run(`COPY (${allTypes(10_000)}) TO '${p}' (FORMAT parquet, COMPRESSION ${compression}, ROW_GROUP_SIZE 3000)`)
      const expected = await duckText(f.duck, `SELECT * FROM '${p}'`)
      const actual = await grizzlyText(f.db, `SELECT * FROM '${p}'`)
      assert.equal(actual.length, expected.length)
      for (let r = 0; r < expected.length; r++) assert.deepEqual(actual[r], expected[r], `row ${r}`)
    })
  }

  test('column names and types', async () => {
    const p = f.path('all-snappy.parquet')
    const r = await f.db.query(`SELECT * FROM '${p}' LIMIT 0`)
    assert.deepEqual(r.columns.map(c => c.name), ALL_TYPE_COLUMNS)
    assert.deepEqual(r.columns.map(c => c.type), [
      'BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL(9,2)', 'DECIMAL(18,3)', 'DECIMAL(38,4)',
      'VARCHAR', 'BLOB', 'DATE', 'TIMESTAMP', 'TIME', 'INTEGER[]', 'VARCHAR[]', 'STRUCT(x INTEGER, y VARCHAR, z DECIMAL(12,1)[])',
    ].map(t => t))
  })

  test('unsigned integers widen as DuckDB does, timestamps of every unit become TIMESTAMP (UTC-adjusted ones TIMESTAMPTZ)', async () => {
    const p = f.path('units.parquet')
    await f.duck.run(`COPY (SELECT i::UTINYINT u8, (i * 300)::USMALLINT u16, (i * 70000)::UINTEGER u32, (i * 1e17)::UBIGINT u64,
      TIMESTAMP_MS '2021-03-04 05:06:07.123' + INTERVAL (i) HOUR ms, TIMESTAMP_NS '2021-03-04 05:06:07.123456' + INTERVAL (i) HOUR ns, make_timestamp_ns(1614834367123456789 - i * 1000000001) AS ns2,
      TIMESTAMP_S '2021-03-04 05:06:07' + INTERVAL (i) HOUR sec, TIMESTAMPTZ '2021-03-04 05:06:07.5+00' + INTERVAL (i) HOUR tz
      FROM range(100) t(i)) TO '${p}' (FORMAT parquet)`)
    const r = await f.db.query(`SELECT * FROM '${p}' LIMIT 0`)
    assert.deepEqual(r.columns.map(c => c.type), ['SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL(20,0)', 'TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE'])
    // nanoseconds are truncated to microseconds, as DuckDB's cast does
    const expected = await duckText(f.duck, `SELECT u8, u16, u32, u64, ms::TIMESTAMP, ns::TIMESTAMP, ns2::TIMESTAMP, sec::TIMESTAMP, tz::TIMESTAMP FROM '${p}'`)
    assert.deepEqual(await grizzlyText(f.db, `SELECT u8, u16, u32, u64, ms, ns, ns2, sec, tz::TIMESTAMP FROM '${p}'`), expected)
  })

  test('MAP columns read as lists of key/value structs, nested too', async () => {
    const p = f.path('map.parquet')
    await f.duck.run(`COPY (SELECT MAP {'k': i, 'j': NULL} AS m, {'inner': MAP {i: 'v' || i}} AS s FROM range(3) t(i)) TO '${p}' (FORMAT parquet)`)
    const r = await f.db.query(`SELECT * FROM '${p}'`)
    assert.deepEqual(r.columns.map(c => c.type), ['STRUCT(key VARCHAR, value BIGINT)[]', 'STRUCT(inner STRUCT(key BIGINT, value VARCHAR)[])'])
    assert.deepEqual(r.textRows()[1], ["[{'key': k, 'value': 1}, {'key': j, 'value': NULL}]", "{'inner': [{'key': 1, 'value': v1}]}"])
  })

  test('projection, expressions and aggregates over a file', async () => {
    const p = f.path('all-zstd.parquet')
    const q = `SELECT i32 % 10 AS k, count(*) AS n, sum(d9) AS s, max(s) AS m FROM '${p}' GROUP BY ALL ORDER BY k`
    assert.deepEqual(await grizzlyText(f.db, q), await duckText(f.duck, q))
    assert.deepEqual(await grizzlyText(f.db, `SELECT count(*) FROM '${p}'`), [['10000']])
  })
})

describe('row-group pruning from statistics', () => {
  let p: string
  before(async () => {
    p = f.path('groups.parquet')
    await f.duck.run(`COPY (SELECT i AS id, 'k' || lpad(i::VARCHAR, 6, '0') AS name, CASE WHEN i >= 61440 THEN NULL ELSE i END AS half,
      (i / 100.0)::DECIMAL(10,2) AS price, DATE '2000-01-01' + (i // 1000)::INTEGER AS day, i * 0.5 AS dbl
      FROM range(122880) t(i)) TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 12288)`)
  })

  const cases: [string, string][] = [
    ['compare', 'id >= 120000'], ['flipped', '500 > id'], ['equality on text', "name = 'k000042'"], ['BETWEEN', 'id BETWEEN 20000 AND 20010'],
    ['IN', 'id IN (5, 100000)'], ['IS NULL', 'half IS NULL'], ['IS NOT NULL', 'half IS NOT NULL'], ['decimal', 'price < 12.5'],
    ['date', "day > DATE '2000-04-30'"], ['double below', 'dbl < 100'],
  ]
  for (const [what, where] of cases) {
    test(`${what}: ${where} decodes fewer row groups and returns the same rows`, async () => {
      const q = `SELECT count(*), sum(id), min(name) FROM '${p}' WHERE ${where}`
      const before = parquetCounters.rowGroupsRead
      const actual = await grizzlyText(f.db, q)
      const read = parquetCounters.rowGroupsRead - before
      assert.deepEqual(actual, await duckText(f.duck, q))
      const all = (await f.duck.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${p}')`)).getRows()[0]![0]
      assert.ok(read < Number(all), `${read} of ${String(all)} row groups decoded`)
    })
  }

  test('filters that prove nothing decode everything and stay correct', async () => {
    for (const where of ['id <> 5', 'id % 2 = 0', 'dbl > 100', "upper(name) = 'K000001'", 'id > 1 OR id < 0']) {
      const q = `SELECT count(*) FROM '${p}' WHERE ${where}`
      assert.deepEqual(await grizzlyText(f.db, q), await duckText(f.duck, q), where)
    }
  })

  test('EXPLAIN shows the filters handed to the reader, and the Filter stays above it', async () => {
    const plan = (await f.db.query(`EXPLAIN SELECT name FROM '${p}' WHERE id >= 100 AND half IS NULL AND id IN (1, 2)`)).textRows().map(r => r.join(' ')).join('\n')
    assert.match(plan, /skip unless: id >= 100 AND half IS NULL AND id IN \(1, 2\)/)
    assert.match(plan, /FILTER/)
  })

  test('EXPLAIN ANALYZE reports the row groups read and skipped', async () => {
    const plan = (await f.db.query(`EXPLAIN ANALYZE SELECT count(*) FROM '${p}' WHERE id >= 120000`)).textRows().map(r => r.join(' ')).join('\n')
    assert.match(plan, /row groups: 1 read, \d+ skipped/)
  })

  test('a statement parameter skips row groups too, its value filled in per execution', async () => {
    const plan = (await f.db.query(`EXPLAIN SELECT count(*) FROM '${p}' WHERE id < $1`, [10])).textRows().map(r => r.join(' ')).join('\n')
    assert.match(plan, /skip unless: id < \$1/)
    const s = await f.db.prepare(`SELECT count(*) FROM '${p}' WHERE id < $1`)
    for (const [bound, count] of [[10, '10'], [20000, '20000'], [-1, '0']] as const) {
      const before = parquetCounters.rowGroupsRead
      assert.deepEqual((await s.query([bound])).textRows(), [[count]])
      const read = parquetCounters.rowGroupsRead - before
      assert.ok(read <= (bound < 0 ? 0 : bound < 12288 ? 1 : 2), `${read} row groups read for id < ${bound}`)
    }
    assert.deepEqual((await s.query([null])).textRows(), [['0']])
    s.close()
  })
})

describe('several files, one table', () => {
  test('columns are matched by name, missing ones are NULL, integer widths are widened', async () => {
    const a = f.path('m1.parquet'), b = f.path('m2.parquet')
    await f.duck.run(`COPY (SELECT i::INTEGER AS id, 'a' || i AS name FROM range(3) t(i)) TO '${a}' (FORMAT parquet)`)
    await f.duck.run(`COPY (SELECT 'b' || i AS name, i::BIGINT + 10 AS id, (i * 1.5)::DOUBLE AS extra FROM range(2) t(i)) TO '${b}' (FORMAT parquet)`)
    const fn = readParquetFiles([a, b], new Map(), fnCtx)
    assert.deepEqual(fn.columns.map(c => `${c.name} ${c.type.id}`), ['id BIGINT', 'name VARCHAR', 'extra DOUBLE'])
    const rows: unknown[][] = []
    for (const chunk of fn.scan([0, 1, 2], fnCtx)) {
      for (let i = 0; i < chunk.size; i++) rows.push(chunk.columns.map(v => getValue(v, i)))
    }
    assert.deepEqual(rows, [[0n, 'a0', null], [1n, 'a1', null], [2n, 'a2', null], [10n, 'b0', 0], [11n, 'b1', 1.5]])
  })

  test('incompatible column types are a 42804 naming both files', async () => {
    const a = f.path('t1.parquet'), b = f.path('t2.parquet')
    await f.duck.run(`COPY (SELECT 1 AS x) TO '${a}' (FORMAT parquet)`)
    await f.duck.run(`COPY (SELECT 'one' AS x) TO '${b}' (FORMAT parquet)`)
    assert.throws(() => readParquetFiles([a, b], new Map(), fnCtx), (e: unknown) =>
      e instanceof GrizzlyError && e.code === '42804' && e.message.includes('t1.parquet') && e.message.includes('t2.parquet') && e.hint !== undefined)
  })
})

describe('bad Parquet input is a GrizzlyError naming the file', () => {
  const expectBad = async (name: string, bytes: Uint8Array | string, code = '22P04'): Promise<void> => {
    const p = f.path(name)
    writeFileSync(p, bytes)
    await assert.rejects(f.db.query(`SELECT * FROM '${p}'`), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError, `not a GrizzlyError: ${String(e)}`)
      assert.equal(e.code, code, e.message)
      assert.ok(e.message.includes(p), e.message)
      assert.ok(e.hint !== undefined)
      return true
    })
  }
  const good = (): Uint8Array => new Uint8Array(readFileSync(f.path('all-snappy.parquet')))

  test('empty file', () => expectBad('empty.parquet', new Uint8Array(0)))
  test('a CSV file named .parquet', () => expectBad('csv.parquet', 'a,b\n1,2\n3,4\n'))
  test('wrong magic', () => { const b = good(); b[0] = 0x51; return expectBad('magic.parquet', b) })
  test('truncated', () => expectBad('truncated.parquet', good().subarray(0, 5000)))
  test('only the magic', () => expectBad('magic-only.parquet', new TextEncoder().encode('PAR1PAR1')))
  test('corrupt footer', () => {
    const b = good()
    const len = new DataView(b.buffer).getUint32(b.length - 8, true)
    for (let i = b.length - 8 - len; i < b.length - 8; i += 3) b[i] = 0xff
    return expectBad('footer.parquet', b)
  })
  test('footer length larger than the file', () => {
    const b = good()
    new DataView(b.buffer).setUint32(b.length - 8, b.length, true)
    return expectBad('footer-length.parquet', b)
  })
  test('missing file is 58P01', async () => {
    await assert.rejects(f.db.query(`SELECT * FROM '${f.path('nope.parquet')}'`), (e: unknown) => e instanceof GrizzlyError && e.code === '58P01')
  })
  test('unknown option is 42601 with a did-you-mean, a bad value 22023', () => {
    assert.throws(() => readParquetFiles([f.path('all-snappy.parquet')], new Map([['binary_as_strin', { type: { id: 'BOOLEAN' }, value: true }]]), fnCtx),
      (e: unknown) => e instanceof GrizzlyError && e.code === '42601' && e.hint === 'did you mean "binary_as_string"?')
    assert.throws(() => readParquetFiles([f.path('all-snappy.parquet')], new Map([['binary_as_string', { type: { id: 'VARCHAR' }, value: 'yes' }]]), fnCtx),
      (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  })

  test('binary_as_string reads BINARY columns as VARCHAR', async () => {
    const p = f.path('binary.parquet')
    await f.duck.run(`COPY (SELECT ('name ' || i)::BLOB AS b, i FROM range(3) t(i)) TO '${p}' (FORMAT parquet)`)
    const fn = readParquetFiles([p], new Map([['binary_as_string', { type: { id: 'BOOLEAN' }, value: true }]]), fnCtx)
    assert.deepEqual(fn.columns.map(c => c.type.id), ['VARCHAR', 'BIGINT'])
    const values: unknown[] = []
    for (const c of fn.scan([0], fnCtx)) for (let i = 0; i < c.size; i++) values.push(getValue(c.column(0), i))
    assert.deepEqual(values, ['name 0', 'name 1', 'name 2'])
    assert.deepEqual(readParquetFiles([p], new Map(), fnCtx).columns.map(c => c.type.id), ['BLOB', 'BIGINT'])
  })

  test('seeded mutation fuzz: every mutated file reads or fails with a GrizzlyError naming it', async () => {
    const base = new Uint8Array(readFileSync(f.path('groups.parquet')))
    let seed = 12345
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n }
    let failed = 0, read = 0
    for (let round = 0; round < 300; round++) {
      const b = base.slice()
      const kind = round % 3
      if (kind === 0) { for (let k = 0; k < 1 + rand(8); k++) b[rand(b.length)] = rand(256) } // anywhere
      else if (kind === 1) { const len = new DataView(b.buffer).getUint32(b.length - 8, true); for (let k = 0; k < 1 + rand(4); k++) b[b.length - 8 - 1 - rand(len)] = rand(256) } // footer
      const bytes = kind === 2 ? b.subarray(0, rand(b.length)) : b
      const p = f.path(`fuzz-${round}.parquet`)
      writeFileSync(p, bytes)
      try {
        await f.db.query(`SELECT count(*), sum(id), max(name), count(half), sum(price) FROM '${p}'`)
        read++
      } catch (e) {
        assert.ok(e instanceof GrizzlyError && !(e.name === 'InternalError'), `round ${round}: ${String(e)}`)
        assert.ok(e.message.includes(p) || e.code === '0A000', `round ${round}: ${e.message}`)
        failed++
      }
    }
    assert.equal(read + failed, 300)
    assert.ok(failed > 0)
    // the decoder still works after all that
    assert.deepEqual(await grizzlyText(f.db, `SELECT count(*) FROM '${f.path('groups.parquet')}'`), [['122880']])
  })
})

test('sniffer recognises the magic bytes only', () => {
  assert.equal(parquetFormat.sniff!(new TextEncoder().encode('PAR1xxxx'), 'x'), 1)
  assert.equal(parquetFormat.sniff!(new TextEncoder().encode('a,b,c\n'), 'x.parquet'), 0)
})

describe('parquet_metadata and parquet_schema', () => {
  test('row groups, codecs, encodings and statistics agree with DuckDB', async () => {
    const p = f.path('groups.parquet')
    const q = `SELECT row_group_id, row_group_num_rows, column_id, path_in_schema, type, stats_min, stats_max, stats_null_count, compression,
      num_values, total_compressed_size, data_page_offset FROM parquet_metadata('${p}') ORDER BY row_group_id, column_id`
    assert.deepEqual(await grizzlyText(f.db, q), await duckText(f.duck, q))
  })

  test('the schema tree agrees with DuckDB', async () => {
    const p = f.path('all-snappy.parquet')
    const q = `SELECT name, type, type_length, repetition_type, num_children, converted_type, scale, precision FROM parquet_schema('${p}')`
    assert.deepEqual(await grizzlyText(f.db, q), await duckText(f.duck, q))
  })

  test('a missing path or a wrong argument is an error with a hint', async () => {
    await assert.rejects(f.db.query('SELECT * FROM parquet_metadata(42)'), (e: unknown) => e instanceof GrizzlyError && e.code === '42883' && e.hint !== undefined)
    await assert.rejects(f.db.query(`SELECT * FROM parquet_schema('${f.path('nope.parquet')}')`), (e: unknown) => e instanceof GrizzlyError && e.code === '58P01')
  })
})
