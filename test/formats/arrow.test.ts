import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import * as arrow from 'apache-arrow'
import { readParquet } from 'parquet-wasm'
import { GrizzlyError } from '../../core/errors.ts'
import { arrowFormat } from '../../core/formats/arrow/index.ts'
import { readArrowFiles, writeArrowFile } from '../../core/formats/arrow/ipc.ts'
import type { FunctionContext, TableFunctionArg } from '../../core/hooks/contracts.ts'
import { INTEGER, VARCHAR } from '../../core/types/types.ts'
import { DataChunk, getValue, vectorFromValues } from '../../core/vector/vector.ts'
import { allTypes, duckText, fixture, grizzlyText, type Fixture } from './parquet-helpers.ts'

const fnCtx: FunctionContext = { setting: () => null, statementTime: 0, random: Math.random, setSeed: () => {} }
const text = (v: string): TableFunctionArg => ({ type: VARCHAR, value: v })

let f: Fixture, source: string, expected: (string | null)[][]
before(async () => {
  f = await fixture()
  source = f.path('source.parquet')
  await f.duck.run(`COPY (${allTypes(9000)}) TO '${source}' (FORMAT parquet, ROW_GROUP_SIZE 4000)`)
  expected = await duckText(f.duck, `SELECT * FROM '${source}'`)
})
after(async () => { await f.close() })

describe('Arrow IPC written by other implementations', () => {
  test('a stream written by arrow-rs (through parquet-wasm) reads equal to DuckDB', async () => {
    const p = f.path('rs.arrows')
    writeFileSync(p, readParquet(new Uint8Array(readFileSync(source)), { batchSize: 3000 }).intoIPCStream())
    assert.deepEqual(await grizzlyText(f.db, `SELECT * FROM '${p}'`), expected)
  })

  test('a file written by apache-arrow (JS) reads equal, .arrow and .feather', async () => {
    const table = arrow.tableFromIPC(readParquet(new Uint8Array(readFileSync(source)), { batchSize: 5000 }).intoIPCStream())
    for (const name of ['js.arrow', 'js.feather']) {
      const p = f.path(name)
      writeFileSync(p, arrow.tableToIPC(table, 'file'))
      assert.deepEqual(await grizzlyText(f.db, `SELECT * FROM '${p}'`), expected, name)
    }
  })

  test('dictionary-encoded, unsigned and millisecond columns', async () => {
    const dict = arrow.vectorFromArray(['red', 'green', null, 'red', 'blue'], new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32()))
    const table = new arrow.Table({
      color: dict,
      u: arrow.vectorFromArray([1, 200, 255, null, 0], new arrow.Uint8()),
      ms: arrow.vectorFromArray([0, 1_600_000_000_123, null, -1000, 86_400_000], new arrow.TimestampMillisecond()),
      day: arrow.vectorFromArray([0, 1_600_000_000_000, null, -86_400_000, 86_400_000], new arrow.DateMillisecond()),
    })
    const p = f.path('special.arrow')
    writeFileSync(p, arrow.tableToIPC(table, 'file'))
    const r = await f.db.query(`SELECT * FROM '${p}'`)
    assert.deepEqual(r.columns.map(c => c.type), ['VARCHAR', 'SMALLINT', 'TIMESTAMP', 'DATE'])
    assert.deepEqual(r.textRows(), [
      ['red', '1', '1970-01-01 00:00:00', '1970-01-01'],
      ['green', '200', '2020-09-13 12:26:40.123', '2020-09-13'],
      [null, '255', null, null],
      ['red', null, '1969-12-31 23:59:59', '1969-12-31'],
      ['blue', '0', '1970-01-02 00:00:00', '1970-01-02'],
    ])
  })
})

describe('Grizzly writes Arrow IPC', () => {
  for (const layout of ['file', 'stream']) {
    test(`every type, NULLs and INTERVAL round-trip (${layout})`, async () => {
      const p = f.path(`out-${layout}.${layout === 'file' ? 'arrow' : 'arrows'}`)
      const select = `SELECT *, INTERVAL '1 month 2 days 3.5 seconds' * (i8 % 3) AS iv FROM '${source}'`
      await f.db.query(`COPY (${select}) TO '${p}' (FORMAT arrow)`)
      const head = readFileSync(p).subarray(0, 6).toString('latin1')
      assert.equal(head === 'ARROW1', layout === 'file')
      assert.deepEqual(await grizzlyText(f.db, `SELECT * FROM '${p}'`), await grizzlyText(f.db, select))
    })
  }

  test('FORMAT option picks the layout whatever the extension; apache-arrow reads the values', () => {
    const p = f.path('x.arrow')
    const rows = writeArrowFile(p, [{ name: 'a', type: INTEGER }, { name: 's', type: VARCHAR }],
      [new DataChunk([vectorFromValues(INTEGER, [1, null, 3]), vectorFromValues(VARCHAR, ['x', 'y', null])], 3)], new Map([['format', text('stream')]]))
    assert.equal(rows.rows, 3)
    const bytes = readFileSync(p)
    assert.equal(bytes.readUInt32LE(0), 0xffffffff)
    const t = arrow.tableFromIPC(bytes)
    assert.deepEqual(t.toArray().map(r => ({ ...r.toJSON() })), [{ a: 1, s: 'x' }, { a: null, s: 'y' }, { a: 3, s: null }])
  })

  test("COPY … (FORMAT arrow, LAYOUT 'stream') writes a stream whatever the extension", async () => {
    const p = f.path('copied.bin')
    await f.db.query(`COPY (SELECT 42 AS answer) TO '${p}' (FORMAT arrow, LAYOUT 'stream')`)
    assert.equal(readFileSync(p).readUInt32LE(0), 0xffffffff)
    assert.deepEqual(arrow.tableFromIPC(readFileSync(p)).toArray().map(r => r.toJSON()), [{ answer: 42 }])
  })

  test('fixed-width columns are views into the file, not copies', () => {
    const fn = readArrowFiles([f.path('out-file.arrow')], new Map(), fnCtx)
    const i32 = fn.columns.findIndex(c => c.name === 'i32'), f64 = fn.columns.findIndex(c => c.name === 'f64')
    const first = fn.scan([i32, f64], fnCtx)[Symbol.iterator]().next().value!
    for (const v of first.columns) {
      const data = v.data as Int32Array | Float64Array
      assert.ok(data.buffer.byteLength > data.byteLength * 4, 'a view into the whole file buffer')
    }
    // and the values are right
    assert.equal(getValue(first.column(0), 1), 1 * 100003 - 2000000000)
  })

  test('columns are matched by name across files', () => {
    const a = f.path('m1.arrow'), b = f.path('m2.arrows')
    writeArrowFile(a, [{ name: 'id', type: INTEGER }], [new DataChunk([vectorFromValues(INTEGER, [1, 2])], 2)], new Map())
    writeArrowFile(b, [{ name: 's', type: VARCHAR }, { name: 'ID', type: INTEGER }], [new DataChunk([vectorFromValues(VARCHAR, ['q']), vectorFromValues(INTEGER, [9])], 1)], new Map())
    const fn = readArrowFiles([a, b], new Map(), fnCtx)
    assert.deepEqual(fn.columns.map(c => c.name), ['id', 's'])
    const rows: unknown[][] = []
    for (const c of fn.scan([1, 0], fnCtx)) for (let i = 0; i < c.size; i++) rows.push(c.columns.map(v => getValue(v, i)))
    assert.deepEqual(rows, [[null, 1], [null, 2], ['q', 9]])
  })

  test('bad options', () => {
    const cols = [{ name: 'a', type: INTEGER }]
    for (const [options, code] of [[[['format', text('feather2')]], '22023'], [[['compresion', text('zstd')]], '22023']] as const) {
      assert.throws(() => writeArrowFile(f.path('bad.arrow'), cols, [], new Map(options as unknown as [string, TableFunctionArg][])),
        (e: unknown) => e instanceof GrizzlyError && e.code === code && e.hint !== undefined)
    }
  })
})

describe('bad Arrow input is a GrizzlyError naming the file', () => {
  const expectBad = async (name: string, bytes: Uint8Array | string): Promise<void> => {
    const p = f.path(name)
    writeFileSync(p, bytes)
    await assert.rejects(f.db.query(`SELECT * FROM '${p}'`), (e: unknown) => {
      assert.ok(e instanceof GrizzlyError, `not a GrizzlyError: ${String(e)}`)
      assert.ok(e.message.includes(p), e.message)
      assert.ok(e.hint !== undefined)
      return true
    })
  }
  const good = (): Uint8Array => new Uint8Array(readFileSync(f.path('out-file.arrow')))
  test('empty', () => expectBad('empty.arrow', new Uint8Array(0)))
  test('a CSV named .arrow', () => expectBad('csv.arrow', 'a,b\n1,2\n'))
  test('truncated file', () => expectBad('trunc.arrow', good().subarray(0, 3000)))
  test('truncated stream', () => expectBad('trunc.arrows', new Uint8Array(readFileSync(f.path('out-stream.arrows'))).subarray(0, 3000)))

  test('seeded mutation fuzz: every mutated file reads or fails with a GrizzlyError naming it', async () => {
    let seed = 777
    const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n }
    const bases = [good(), new Uint8Array(readFileSync(f.path('out-stream.arrows')))]
    let failed = 0
    for (let round = 0; round < 200; round++) {
      const base = bases[round % 2]!
      const b = base.slice()
      // mutate the metadata-heavy start and end more often than the bulk of the data
      for (let k = 0; k < 1 + rand(6); k++) {
        const at = rand(3) === 0 ? rand(b.length) : rand(2) === 0 ? rand(Math.min(800, b.length)) : b.length - 1 - rand(Math.min(800, b.length))
        b[at] = rand(256)
      }
      const bytes = round % 5 === 4 ? b.subarray(0, rand(b.length)) : b
      const p = f.path(`fuzz-${round}.${round % 2 === 0 ? 'arrow' : 'arrows'}`)
      writeFileSync(p, bytes)
      try {
        await f.db.query(`SELECT count(*), max(s), sum(i64), count(st) FROM '${p}'`)
      } catch (e) {
        assert.ok(e instanceof GrizzlyError && e.name !== 'InternalError', `round ${round}: ${String(e)}`)
        assert.ok(e.message.includes(p) || e.code === '42703', `round ${round}: ${e.message}`)
        failed++
      }
    }
    assert.ok(failed > 0)
  })
})

test('sniffer: file magic, stream marker, anything else', () => {
  assert.equal(arrowFormat.sniff!(new TextEncoder().encode('ARROW1\0\0'), 'x'), 1)
  assert.equal(arrowFormat.sniff!(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x10, 0x01, 0, 0]), 'x'), 0.9)
  assert.equal(arrowFormat.sniff!(new TextEncoder().encode('PAR1'), 'x.arrow'), 0)
})
