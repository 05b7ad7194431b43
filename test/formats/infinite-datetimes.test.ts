/**
 * 'infinity' / '-infinity' TIMESTAMP, TIMESTAMPTZ and DATE values across Arrow and Parquet:
 * stored as DuckDB stores them (the int64 extremes ±(2^63 − 1) of the unit, DATE as the int32
 * extremes ±(2^31 − 1)), read back as infinity, and any other value out of range a 22008.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import * as arrow from 'apache-arrow'
import { Table as WasmTable, readParquet, writeParquet } from 'parquet-wasm'
import { GrizzlyError } from '../../core/errors.ts'
import { duckText, fixture, type Fixture } from './parquet-helpers.ts'

const INF64 = 2n ** 63n - 1n
const INF32 = 2147483647

let f: Fixture
before(async () => { f = await fixture() })
after(async () => { await f.close() })

/** A column from raw values; a null entry is a NULL row with `under` stored beneath it. */
function column(type: arrow.DateDay | arrow.DateMillisecond | arrow.Timestamp, values: (bigint | number | null)[], under: bigint | number = 0): arrow.Data {
  const n = values.length
  const bitmap = new Uint8Array((n + 7) >> 3)
  let nulls = 0
  values.forEach((v, i) => { if (v === null) nulls++; else bitmap[i >> 3]! |= 1 << (i & 7) })
  const nullBitmap = nulls === 0 ? undefined : bitmap
  if (type instanceof arrow.DateDay) return arrow.makeData({ type, length: n, nullCount: nulls, nullBitmap, data: Int32Array.from(values, v => Number(v ?? under)) })
  const data = BigInt64Array.from(values, v => BigInt(v ?? under))
  if (type instanceof arrow.DateMillisecond) return arrow.makeData({ type, length: n, nullCount: nulls, nullBitmap, data })
  return arrow.makeData({ type, length: n, nullCount: nulls, nullBitmap, data })
}

function tableOf(columns: Record<string, arrow.Data>): arrow.Table {
  return new arrow.Table(Object.fromEntries(Object.entries(columns).map(([k, d]) => [k, arrow.makeVector(d)])))
}

/** Infinity of both signs with a NULL and a finite value around each, in every column. */
function infinities(): arrow.Table {
  return tableOf({
    ts: column(new arrow.TimestampMicrosecond(), [INF64, null, 1_500n, -INF64, null]),
    tz: column(new arrow.TimestampMicrosecond('UTC'), [-INF64, null, 86_400_000_001n, INF64, null]),
    d: column(new arrow.DateDay(), [INF32, null, 1, -INF32, null]),
  })
}
const EXPECTED = [
  ['infinity', '-infinity', 'infinity'],
  [null, null, null],
  ['1970-01-01 00:00:00.0015', '1970-01-02 00:00:00.000001+00', '1970-01-02'],
  ['-infinity', 'infinity', '-infinity'],
  [null, null, null],
]

async function rejects22008(sql: string, ...mentions: string[]): Promise<void> {
  await assert.rejects(f.db.query(sql), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, '22008', e.message)
    assert.ok(e.hint !== undefined && e.hint.includes('infinity'), `hint: ${e.hint}`)
    for (const m of mentions) assert.ok(e.message.includes(m), `"${e.message}" should mention ${m}`)
    return true
  })
}

/** The raw int64 / int32 values of a column in an Arrow IPC buffer (NULL rows as null). */
function rawValues(ipc: Uint8Array, name: string): (bigint | number | null)[] {
  const col = arrow.tableFromIPC(ipc).getChild(name)!
  const out: (bigint | number | null)[] = []
  for (const data of col.data) {
    for (let i = 0; i < data.length; i++) out.push(data.getValid(i) ? (data.values as BigInt64Array | Int32Array)[i]! : null)
  }
  return out
}

describe('a registered Arrow table', () => {
  test('reads the int64 and int32 extremes as infinity, NULLs and finite values beside them as they are', async () => {
    f.db.register('inf_reg', infinities())
    assert.deepEqual((await f.db.query('SELECT ts, tz, d FROM inf_reg')).textRows(), EXPECTED)
    const r = await f.db.query(`SELECT count(*) FILTER (WHERE ts = 'infinity'), count(*) FILTER (WHERE tz = '-infinity'),
      count(*) FILTER (WHERE d = DATE '-infinity'), min(ts)::VARCHAR, max(tz)::VARCHAR, max(d)::VARCHAR FROM inf_reg`)
    assert.deepEqual(r.textRows(), [['1', '1', '1', '-infinity', 'infinity', 'infinity']])
  })

  test('the extremes of every timestamp unit and of Date64 are infinity too', async () => {
    f.db.register('inf_units', tableOf({
      s: column(new arrow.TimestampSecond(), [INF64, -INF64, 1n, null]),
      ms: column(new arrow.TimestampMillisecond(), [INF64, -INF64, 1n, null]),
      ns: column(new arrow.TimestampNanosecond(), [INF64, -INF64, 1_000n, null]),
      d64: column(new arrow.DateMillisecond(), [INF64, -INF64, 86_400_000n, null]),
    }))
    assert.deepEqual((await f.db.query('SELECT s, ms, ns, d64 FROM inf_units')).textRows(), [
      ['infinity', 'infinity', 'infinity', 'infinity'],
      ['-infinity', '-infinity', '-infinity', '-infinity'],
      ['1970-01-01 00:00:01', '1970-01-01 00:00:00.001', '1970-01-01 00:00:00.000001', '1970-01-02'],
      [null, null, null, null],
    ])
  })

  test('other values out of range are 22008 naming the column; under a NULL they are not looked at', async () => {
    f.db.register('inf_bad_ts', tableOf({ ts: column(new arrow.TimestampMicrosecond(), [1n, -(2n ** 63n)]) }))
    await rejects22008('SELECT * FROM inf_bad_ts', 'column "ts"', '-9223372036854775808 microseconds')
    f.db.register('inf_bad_ms', tableOf({ ms: column(new arrow.TimestampMillisecond(), [INF64 - 1n]) }))
    await rejects22008('SELECT * FROM inf_bad_ms', 'column "ms"', 'milliseconds')
    f.db.register('inf_bad_d', tableOf({ d: column(new arrow.DateDay(), [0, -2147483648]) }))
    await rejects22008('SELECT * FROM inf_bad_d', 'column "d"', 'date out of range')
    f.db.register('inf_bad_d64', tableOf({ d: column(new arrow.DateMillisecond(), [INF64 - 1n]) }))
    await rejects22008('SELECT * FROM inf_bad_d64', 'column "d"', 'date out of range')
    f.db.register('inf_null_over_junk', tableOf({
      ts: column(new arrow.TimestampMillisecond(), [null, 5n], INF64 - 1n),
      d: column(new arrow.DateDay(), [null, 5], -2147483648),
    }))
    assert.deepEqual((await f.db.query('SELECT * FROM inf_null_over_junk')).textRows(), [[null, null], ['1970-01-01 00:00:00.005', '1970-01-06']])
  })
})

describe('COPY TO Parquet and Arrow IPC, and back', () => {
  const source = `SELECT * FROM (VALUES
    (1, TIMESTAMP 'infinity', TIMESTAMPTZ '-infinity', DATE 'infinity'),
    (2, NULL, NULL, NULL),
    (3, TIMESTAMP '2024-02-29 12:34:56.789012', TIMESTAMPTZ '1969-07-20 20:17:40+00', DATE '1999-12-31'),
    (4, TIMESTAMP '-infinity', TIMESTAMPTZ 'infinity', DATE '-infinity'),
    (5, NULL, NULL, NULL)) v(k, ts, tz, d)`
  const back = [
    ['1', 'infinity', '-infinity', 'infinity'],
    ['2', null, null, null],
    ['3', '2024-02-29 12:34:56.789012', '1969-07-20 20:17:40+00', '1999-12-31'],
    ['4', '-infinity', 'infinity', '-infinity'],
    ['5', null, null, null],
  ]

  for (const name of ['inf.parquet', 'inf.arrow', 'inf.arrows']) {
    test(`${name}: stores DuckDB's sentinels and reads them back as infinity`, async () => {
      const p = f.path(name)
      await f.db.query(`COPY (${source}) TO '${p}'`)
      assert.deepEqual((await f.db.query(`SELECT * FROM '${p}' ORDER BY k`)).textRows(), back)
      const bytes = new Uint8Array(readFileSync(p))
      const ipc = name.endsWith('.parquet') ? readParquet(bytes).intoIPCStream() : bytes
      assert.deepEqual(rawValues(ipc, 'ts').filter(v => v !== null && v !== 1709210096789012n), [INF64, -INF64])
      assert.deepEqual(rawValues(ipc, 'tz').filter(v => v !== null && v !== -14182940000000n), [-INF64, INF64])
      assert.deepEqual(rawValues(ipc, 'd').filter(v => v !== null && v !== 10956), [INF32, -INF32])
    })
  }

  test('DuckDB reads our Parquet infinities as infinity, and we read its own', async () => {
    const ours = f.path('ours.parquet')
    await f.db.query(`COPY (${source}) TO '${ours}'`)
    const duckOrder = `SELECT k, ts, tz, d FROM '${ours}' ORDER BY k`
    const duckRows = await duckText(f.duck, duckOrder)
    assert.deepEqual(duckRows.map(r => [r[1], r[3]]), back.map(r => [r[1], r[3]]))
    assert.deepEqual(duckRows.map(r => r[2]), ['-infinity', null, '1969-07-20 20:17:40+00', 'infinity', null])
    const theirs = f.path('duck.parquet')
    await f.duck.run(`COPY (SELECT * FROM (VALUES (1, 'infinity'::TIMESTAMP, '-infinity'::TIMESTAMPTZ, '-infinity'::DATE),
      (2, NULL, NULL, NULL), (3, '-infinity'::TIMESTAMP, 'infinity'::TIMESTAMPTZ, 'infinity'::DATE)) v(k, ts, tz, d)) TO '${theirs}' (FORMAT parquet)`)
    assert.deepEqual((await f.db.query(`SELECT * FROM '${theirs}' ORDER BY k`)).textRows(), [
      ['1', 'infinity', '-infinity', '-infinity'], ['2', null, null, null], ['3', '-infinity', 'infinity', 'infinity'],
    ])
  })

  test('the largest finite timestamp stays finite (it is 2^63 as a double, which must not wrap)', async () => {
    for (const name of ['max.parquet', 'max.arrow']) {
      const p = f.path(name)
      await f.db.query(`COPY (SELECT TIMESTAMP '294247-01-10 04:00:54.775806' AS ts, TIMESTAMP '290309-12-22 (BC) 00:00:00' AS lo) TO '${p}'`)
      const bytes = new Uint8Array(readFileSync(p))
      const ipc = name.endsWith('.parquet') ? readParquet(bytes).intoIPCStream() : bytes
      assert.deepEqual(rawValues(ipc, 'ts'), [INF64 - 1n], name)
      assert.deepEqual(rawValues(ipc, 'lo'), [-9223372022400000000n], name)
      const r = await f.db.query(`SELECT ts = TIMESTAMP '294247-01-10 04:00:54.775806', isfinite(ts), lo = TIMESTAMP '290309-12-22 (BC) 00:00:00' FROM '${p}'`)
      assert.deepEqual(r.textRows(), [['true', 'true', 'true']], name)
    }
  })

  test('row-group pruning counts the sentinels as infinity, not as far-off dates', async () => {
    const p = f.path('groups.parquet')
    // one row group per value, so min/max statistics decide which groups are read
    await f.db.query(`COPY (SELECT * FROM (VALUES (1, TIMESTAMP '2020-01-01'), (2, TIMESTAMP 'infinity'), (3, TIMESTAMP '-infinity'))
      v(k, ts)) TO '${p}' (ROW_GROUP_SIZE 1)`)
    const q = async (where: string): Promise<(string | null)[][]> => (await f.db.query(`SELECT k FROM '${p}' WHERE ${where} ORDER BY k`)).textRows()
    assert.deepEqual(await q(`ts = 'infinity'`), [['2']])
    assert.deepEqual(await q(`ts = '-infinity'`), [['3']])
    assert.deepEqual(await q(`ts > TIMESTAMP '294000-01-01'`), [['2']])
    assert.deepEqual(await q(`ts < TIMESTAMP '290000-01-01 (BC)'`), [['3']])
    assert.deepEqual(await q(`ts IN ('infinity', '-infinity')`), [['2'], ['3']])
  })
})

describe('files holding values out of range', () => {
  const bad = (): arrow.Table => tableOf({
    ok: column(new arrow.TimestampMicrosecond(), [1n, null]),
    ms: column(new arrow.TimestampMillisecond(), [null, 9_300_000_000_000_000n], 9_300_000_000_000_000n),
  })

  test('Parquet: 22008 naming the file and the column; the other columns still read', async () => {
    const p = f.path('bad.parquet')
    writeFileSync(p, writeParquet(WasmTable.fromIPCStream(arrow.tableToIPC(bad(), 'stream'))))
    await rejects22008(`SELECT * FROM '${p}'`, 'column "ms"', p, '9300000000000000 milliseconds')
    assert.deepEqual((await f.db.query(`SELECT ok FROM '${p}'`)).textRows(), [['1970-01-01 00:00:00.000001'], [null]])
  })

  test('Arrow IPC: 22008 naming the file and the column; a NULL over such a value reads', async () => {
    const p = f.path('bad.arrow')
    writeFileSync(p, arrow.tableToIPC(bad(), 'file'))
    await rejects22008(`SELECT * FROM '${p}'`, 'column "ms"', p)
    const junk = f.path('null-over-junk.arrow')
    writeFileSync(junk, arrow.tableToIPC(tableOf({ ms: column(new arrow.TimestampMillisecond(), [null, 5n], 9_300_000_000_000_000n) }), 'file'))
    assert.deepEqual((await f.db.query(`SELECT ms FROM '${junk}'`)).textRows(), [[null], ['1970-01-01 00:00:00.005']])
    const d = f.path('bad-date.arrow')
    writeFileSync(d, arrow.tableToIPC(tableOf({ d: column(new arrow.DateDay(), [-2147483648]) }), 'file'))
    await rejects22008(`SELECT * FROM '${d}'`, 'column "d"', d, 'date out of range')
  })
})
