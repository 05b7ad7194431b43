/**
 * Registered Arrow tables with LIST and STRUCT columns are converted from their children: the
 * timestamps inside keep their microseconds and infinities, NULL lists, NULL structs and NULL
 * elements stay apart, and sliced tables and several record batches read the right rows. TIME
 * columns of every unit read from their raw values.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as arrow from 'apache-arrow'
import { Database } from '../../index.ts'

const MAX = 9223372036854775807n

/** a timestamp[µs] vector from raw values (null for NULL) */
function micros(values: (bigint | null)[]): arrow.Vector {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8))
  values.forEach((v, i) => { if (v !== null) bitmap[i >> 3]! |= 1 << (i & 7) })
  const data = BigInt64Array.from(values.map(v => v ?? 0n))
  return arrow.makeVector(arrow.makeData({ type: new arrow.TimestampMicrosecond(), length: values.length, nullCount: values.filter(v => v === null).length, nullBitmap: bitmap, data }))
}

function listsOf(children: arrow.Data, offsets: number[], valid: boolean[]): arrow.Data {
  const type = new arrow.List(new arrow.Field('item', children.type, true))
  const bitmap = new Uint8Array(Math.ceil(valid.length / 8))
  valid.forEach((v, i) => { if (v) bitmap[i >> 3]! |= 1 << (i & 7) })
  return arrow.makeData({ type, length: valid.length, nullCount: valid.filter(v => !v).length, nullBitmap: bitmap, valueOffsets: Int32Array.from(offsets), child: children })
}

test('lists of timestamps keep microseconds and infinity, NULL lists and elements apart', async () => {
  const db = await Database.open()
  try {
    const child = micros([1_000_001n, null, MAX, -MAX, 86_400_000_000n])
    // [t1, NULL], NULL, [], [inf, -inf, day]
    const lists = listsOf(child.data[0]!, [0, 2, 2, 2, 5], [true, false, true, true])
    const id = arrow.vectorFromArray([1, 2, 3, 4], new arrow.Int32())
    db.register('t', new arrow.Table({ id, l: arrow.makeVector(lists) }))
    assert.deepEqual((await db.query("SELECT id, l::VARCHAR FROM t ORDER BY id")).rows, [
      [1, "['1970-01-01 00:00:01.000001', NULL]"], [2, null], [3, '[]'], [4, "[infinity, -infinity, '1970-01-02 00:00:00']"],
    ])
    assert.deepEqual((await db.query("SELECT id FROM t WHERE list_contains(l, 'infinity'::TIMESTAMP)")).rows, [[4]])
    assert.deepEqual((await db.query('SELECT id, len(l) FROM t ORDER BY id')).rows, [[1, 2n], [2, null], [3, 0n], [4, 3n]])
  } finally { await db.close() }
})

test('structs with timestamps, NULL structs, sliced tables and several batches', async () => {
  const db = await Database.open()
  try {
    const table = arrow.tableFromArrays({ k: Int32Array.from([1, 2, 3, 4, 5, 6]) })
    const ts = micros([1_500_000n, MAX, null, 2_000_001n, -MAX, 7n])
    const name = arrow.vectorFromArray(['a', 'b', 'c', null, 'e', 'f'])
    const type = new arrow.Struct([new arrow.Field('at', ts.type, true), new arrow.Field('name', name.type, true)])
    const bitmap = Uint8Array.of(0b111011) // row 3 (index 2) is a NULL struct
    const structs = arrow.makeData({ type, length: 6, nullCount: 1, nullBitmap: bitmap, children: [ts.data[0]!, name.data[0]!] })
    const whole = new arrow.Table({ k: table.getChild('k')!, s: arrow.makeVector(structs) })
    db.register('whole', whole)
    assert.deepEqual((await db.query("SELECT k, s.at::VARCHAR, s.name, s IS NULL FROM whole ORDER BY k")).rows, [
      [1, '1970-01-01 00:00:01.5', 'a', false], [2, 'infinity', 'b', false], [3, null, null, true],
      [4, '1970-01-01 00:00:02.000001', null, false], [5, '-infinity', 'e', false], [6, '1970-01-01 00:00:00.000007', 'f', false],
    ])
    // a slice starts inside the data: the struct's children are sliced with it
    db.register('part', whole.slice(3, 6))
    assert.deepEqual((await db.query("SELECT k, s.at::VARCHAR, s.name FROM part ORDER BY k")).rows, [
      [4, '1970-01-01 00:00:02.000001', null], [5, '-infinity', 'e'], [6, '1970-01-01 00:00:00.000007', 'f'],
    ])
    // lists over several record batches, one sliced
    const l1 = arrow.vectorFromArray([[1, 2], [3]], new arrow.List(new arrow.Field('item', new arrow.Int32(), true)))
    const l2 = arrow.vectorFromArray([[4], null, [5, 6, 7]], new arrow.List(new arrow.Field('item', new arrow.Int32(), true)))
    const batches = new arrow.Table([
      new arrow.RecordBatch({ l: l1.data[0]! }),
      new arrow.RecordBatch({ l: l2.data[0]!.slice(1, 2) }),
    ])
    db.register('lists', batches)
    assert.deepEqual((await db.query('SELECT l FROM lists')).rows, [[[1, 2]], [[3]], [null], [[5, 6, 7]]])
  } finally { await db.close() }
})

test('TIME of every Arrow unit reads as the time of day it holds', async () => {
  const db = await Database.open()
  try {
    const mk = (type: arrow.DataType, data: Int32Array | BigInt64Array): arrow.Vector =>
      arrow.makeVector(arrow.makeData({ type, length: data.length, data } as never))
    db.register('times', new arrow.Table({
      s: mk(new arrow.TimeSecond(), Int32Array.of(3661, 0)),
      ms: mk(new arrow.TimeMillisecond(), Int32Array.of(3_661_001, 86_399_999)),
      us: mk(new arrow.TimeMicrosecond(), BigInt64Array.of(3_661_000_001n, 1n)),
      ns: mk(new arrow.TimeNanosecond(), BigInt64Array.of(3_661_000_001_999n, 999n)),
    }))
    assert.deepEqual((await db.query('SELECT s::VARCHAR, ms::VARCHAR, us::VARCHAR, ns::VARCHAR FROM times')).rows, [
      ['01:01:01', '01:01:01.001', '01:01:01.000001', '01:01:01.000001'],
      ['00:00:00', '23:59:59.999', '00:00:00.000001', '00:00:00'],
    ])
  } finally { await db.close() }
})
