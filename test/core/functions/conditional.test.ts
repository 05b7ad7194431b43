import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, NULL_TYPE, VARCHAR, list } from '../../../core/types/types.ts'
import { STRING_LITERAL } from '../../../core/types/coercion.ts'
import { callRows, resolveScalar, run } from './helpers.ts'

test('coalesce picks the first non-NULL in the common type', () => {
  const fn = resolveScalar('coalesce', [NULL_TYPE, INTEGER, BIGINT])
  assert.deepEqual(fn.returns, BIGINT)
  assert.deepEqual(run(fn, [[null, null, null], [null, 2n, null], [5n, 3n, null]]), [5n, 2n, null])
  assert.deepEqual(callRows('ifnull', [VARCHAR, VARCHAR], [['a', 'b'], [null, 'b']]), ['a', 'b'])
  assert.deepEqual(resolveScalar('coalesce', [STRING_LITERAL, STRING_LITERAL]).returns, VARCHAR)
  assert.deepEqual(callRows('coalesce', [list(INTEGER), list(INTEGER)], [[null, [1, 2]], [[3], [4]]]), [[1, 2], [3]])
})

test('nullif and if', () => {
  assert.deepEqual(callRows('nullif', [INTEGER, INTEGER], [[1, 1], [1, 2], [null, 1], [1, null]]), [null, 1, null, 1])
  assert.deepEqual(callRows('if', [BOOLEAN, VARCHAR, VARCHAR], [[true, 'a', 'b'], [false, 'a', 'b'], [null, 'a', 'b']]), ['a', 'b', 'b'])
  assert.deepEqual(resolveScalar('iif', [BOOLEAN, INTEGER, DOUBLE]).returns, DOUBLE)
  assert.throws(() => resolveScalar('if', [INTEGER, INTEGER, INTEGER]))
})

test('nullif keeps the type of its first argument', () => {
  const fn = resolveScalar('nullif', [INTEGER, DOUBLE])
  assert.deepEqual(fn.returns, INTEGER)
  assert.deepEqual(run(fn, [[53, 1], [80, 1]]), [53, null])
  const dec = resolveScalar('nullif', [INTEGER, { id: 'DECIMAL', width: 3, scale: 1 }])
  assert.deepEqual(run(dec, [[1, 2], [10, 10]]), [null, 2])
})
