/**
 * VectorBuilder makes its validity mask only when a NULL arrives: vectors without NULLs have
 * none, and the rows before the first NULL stay valid, also across growth.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { INTEGER, VARCHAR, type LogicalType, type Value } from '../../../core/types/types.ts'
import { getValue, VectorBuilder } from '../../../core/vector/vector.ts'

function build(type: LogicalType, values: readonly Value[], capacity?: number) {
  const b = new VectorBuilder(type, capacity)
  for (const v of values) b.push(v)
  const v = b.finish()
  return { v, values: Array.from({ length: v.length }, (_, i) => getValue(v, i)) }
}

test('no NULL, no mask; the first NULL keeps the rows before it valid', () => {
  assert.equal(build(INTEGER, [1, 2, 3]).v.validity, null)
  assert.equal(build(VARCHAR, ['a'], 1).v.validity, null)
  const late = build(INTEGER, [1, 2, null, 4])
  assert.deepEqual(Array.from(late.v.validity!), [1, 1, 0, 1])
  assert.deepEqual(late.values, [1, 2, null, 4])
  assert.deepEqual(build(VARCHAR, [null, 'b']).values, [null, 'b'])
  assert.deepEqual(build(INTEGER, [null]).values, [null])
})

test('the mask grows with the data, before and after the first NULL', () => {
  const values: Value[] = Array.from({ length: 40 }, (_, i) => (i % 7 === 5 ? null : i))
  const small = build(INTEGER, values, 2)
  assert.deepEqual(small.values, values)
  assert.equal(small.v.validity!.length, 40)
  const lateNull = [...Array.from({ length: 20 }, (_, i): Value => `s${i}`), null, 'end']
  assert.deepEqual(build(VARCHAR, lateNull, 1).values, lateNull)
})

test('NULL lists, structs and untyped NULLs', () => {
  const list: LogicalType = { id: 'LIST', child: INTEGER }
  assert.deepEqual(build(list, [[1, null], null, []]).values, [[1, null], null, []])
  const struct: LogicalType = { id: 'STRUCT', fields: [{ name: 'a', type: INTEGER }] }
  assert.deepEqual(build(struct, [{ a: 1 }, null, { a: null }]).values, [{ a: 1 }, null, { a: null }])
  const nulls = build({ id: 'NULL' } as LogicalType, [null, 1])
  assert.deepEqual(nulls.values, [null, null])
})
