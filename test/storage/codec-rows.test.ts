/**
 * encodeRowsPlain writes a segment's rows [from, from + n) byte for byte as encodeVector writes
 * the same rows gathered into a vector (the WAL format does not change with the shortcut), and
 * declines the types it does not handle without writing anything.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ColumnSegment } from '../../core/catalog/column-segment.ts'
import { ByteWriter, decodeVector, encodeRowsPlain, encodeVector, ByteReader } from '../../core/storage/codec.ts'
import type { LogicalType, Value } from '../../core/types/types.ts'
import { getValue, vectorFromValues } from '../../core/vector/vector.ts'

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const T = (id: string): LogicalType => ({ id } as LogicalType)

const COLUMNS: [LogicalType, Value[]][] = [
  [T('INTEGER'), [1, -2, null, 2147483647, -2147483648, 0]],
  [T('BOOLEAN'), [true, false, null, true]],
  [T('TINYINT'), [1, null, -128, 127]],
  [T('SMALLINT'), [null, 300, -300]],
  [T('REAL'), [1.5, null, -0, Infinity]],
  [T('DOUBLE'), [Math.PI, -0, null, NaN, 1e300]],
  [T('DATE'), [19000, null, -5]],
  [T('BIGINT'), [1n, null, 2n ** 40n, 2n ** 40n + 7n]],
  [T('BIGINT'), [-(2n ** 63n), 2n ** 63n - 1n, null]],
  [T('BIGINT'), [2n ** 60n, 2n ** 60n + 1n]],
  [T('VARCHAR'), ['', 'grüße', null, '🐻‍❄️', 'lone \ud800', '\udc00 low', 'x'.repeat(5000)]],
  [T('VARCHAR'), [null, null]],
]

function bytes(f: (w: ByteWriter) => void): number[] {
  const w = new ByteWriter()
  f(w)
  return Array.from(w.finish())
}

test('every range of every handled type: the same bytes as the gathered vector, and they decode to the rows', () => {
  for (const [type, values] of COLUMNS) {
    const segment = new ColumnSegment(type, 1024)
    segment.append(vectorFromValues(type, values), 0, values.length)
    for (let from = 0; from < values.length; from++) {
      for (let n = 1; from + n <= values.length; n++) {
        const sel = Int32Array.from({ length: n }, (_, i) => from + i)
        const expected = bytes(w => encodeVector(w, segment.gather(sel, n), n, false))
        let handled = false
        const got = bytes(w => { handled = encodeRowsPlain(w, segment.physical, segment.rawData()!, segment.rawValidity, from, n) })
        assert.ok(handled, `${type.id} handled`)
        assert.deepEqual(got, expected, `${type.id} rows ${from}..${from + n} of ${String(values)}`)
        const back = decodeVector(new ByteReader(Uint8Array.from(got), 'rows'), type, n)
        const rows = Array.from({ length: n }, (_, i) => getValue(back, i))
        // (lone surrogates have no UTF-8 form: the bytes above are what is kept of them)
        const kept = values.slice(from, from + n)
        if (kept.every(v => typeof v !== 'string' || !LONE_SURROGATE.test(v))) assert.deepEqual(rows.map(String), kept.map(String))
      }
    }
  }
})

test('other types, and more rows than a plain run, are declined and nothing is written', () => {
  const w = new ByteWriter()
  assert.equal(encodeRowsPlain(w, 'blob', [new Uint8Array(1)], null, 0, 1), false)
  assert.equal(encodeRowsPlain(w, 'interval', [{ months: 1, days: 0, micros: 0 }], null, 0, 1), false)
  assert.equal(encodeRowsPlain(w, 'i32', new Int32Array(65), null, 0, 65), false)
  assert.equal(w.length, 0)
  // a list column keeps boxed rows: no raw array to read
  const list = new ColumnSegment({ id: 'LIST', child: T('INTEGER') } as LogicalType, 1024)
  list.append(vectorFromValues(list.type, [[1]]), 0, 1)
  assert.equal(list.rawData(), null)
})
