import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, decimal, list } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { call1, callRows, resolveScalar, run } from './helpers.ts'

const LI = list(INTEGER)

test('list_value builds lists in the common type', () => {
  const fn = resolveScalar('list_value', [INTEGER, DOUBLE])
  assert.deepEqual(fn.returns, list(DOUBLE))
  assert.deepEqual(run(fn, [[1], [2.5]]), [[1, 2.5]])
  assert.deepEqual(call1('list_pack', [INTEGER, INTEGER], [1, null]), [1, null])
})

test('length and extraction', () => {
  assert.deepEqual(callRows('length', [LI], [[[1, 2]], [[]], [null]]), [2n, 0n, null])
  assert.equal(call1('array_length', [LI], [[1, 2, 3]]), 3n)
  const rows = [[[1, 2, 3], 1], [[1, 2, 3], -1], [[1, 2, 3], 5], [[1, 2, 3], 0], [[1, null], 2], [null, 1]]
  assert.deepEqual(callRows('list_extract', [LI, INTEGER], rows), [1, 3, null, null, null, null])
  assert.equal(call1('list_element', [VARCHAR, INTEGER], ['abc', 2]), 'b')
  assert.deepEqual(callRows('array_extract', [list(VARCHAR), BIGINT], [[['a', 'b'], 2n], [[], 1n]]), ['b', null])
})

test('list_slice uses inclusive 1-based bounds', () => {
  assert.deepEqual(call1('list_slice', [LI, BIGINT, BIGINT], [[1, 2, 3, 4], 2n, 3n]), [2, 3])
  assert.deepEqual(call1('list_slice', [LI, BIGINT, BIGINT], [[1, 2, 3, 4], -2n, -1n]), [3, 4])
  assert.deepEqual(call1('list_slice', [LI, BIGINT, BIGINT], [[1, 2, 3, 4], 0n, 2n]), [1, 2])
  assert.equal(call1('array_slice', [VARCHAR, BIGINT, BIGINT], ['hello', 2n, 3n]), 'el')
})

test('contains and position', () => {
  assert.deepEqual(callRows('list_contains', [LI, INTEGER], [[[1, 2], 2], [[1, null], 3], [[1], null]]), [true, false, null])
  assert.deepEqual(callRows('list_position', [LI, INTEGER], [[[1, 2, 3], 3], [[1, 2], 5], [[1, null], null]]), [3, null, 2])
  assert.deepEqual(resolveScalar('list_has', [LI, DOUBLE]).argTypes, [list(DOUBLE), DOUBLE])
})

test('concat, sort, reverse, distinct, unique, flatten', () => {
  assert.deepEqual(call1('list_concat', [LI, LI], [[1], [2, 3]]), [1, 2, 3])
  assert.deepEqual(call1('list_concat', [LI, LI], [[1], null]), [1])
  assert.deepEqual(call1('||', [LI, LI], [[1], [2]]), [1, 2])
  assert.deepEqual(call1('list_sort', [LI], [[3, null, 1]]), [1, 3, null])
  assert.deepEqual(call1('list_sort', [LI, VARCHAR], [[3, 1, 2], 'DESC']), [3, 2, 1])
  assert.deepEqual(call1('list_sort', [LI, VARCHAR, VARCHAR], [[3, null, 1], 'ASC', 'NULLS FIRST']), [null, 1, 3])
  assert.throws(() => call1('list_sort', [LI, VARCHAR], [[1], 'UP']), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.deepEqual(call1('list_reverse_sort', [LI], [[1, 3, 2]]), [3, 2, 1])
  assert.deepEqual(call1('list_reverse', [LI], [[1, 2, 3]]), [3, 2, 1])
  assert.deepEqual(call1('list_distinct', [LI], [[1, 1, null, 2]]), [1, 2])
  assert.equal(call1('list_unique', [LI], [[1, 1, null, 2]]), 2n)
  assert.deepEqual(call1('flatten', [list(LI)], [[[1, 2], [3], null]]), [1, 2, 3])
})

test('list aggregates reuse the aggregate functions', () => {
  assert.equal(call1('list_sum', [LI], [[1, 2, null]]), 3n)
  assert.equal(call1('list_min', [LI], [[3, 1]]), 1)
  assert.equal(call1('list_max', [list(VARCHAR)], [['a', 'b']]), 'b')
  assert.equal(call1('list_avg', [LI], [[1, 2]]), 1.5)
  assert.equal(call1('list_avg', [LI], [[]]), null)
  assert.equal(call1('list_sum', [LI], [null]), null)
  assert.deepEqual(resolveScalar('list_sum', [list(decimal(2, 1))]).returns, decimal(38, 1))
})

test('range and generate_series scalars', () => {
  assert.deepEqual(call1('range', [BIGINT], [3n]), [0n, 1n, 2n])
  assert.deepEqual(call1('range', [BIGINT, BIGINT, BIGINT], [5n, 1n, -2n]), [5n, 3n])
  assert.deepEqual(call1('generate_series', [BIGINT, BIGINT], [1n, 3n]), [1n, 2n, 3n])
  assert.throws(() => call1('range', [BIGINT, BIGINT, BIGINT], [1n, 3n, 0n]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
})

test('contains works on lists as well as strings', () => {
  assert.equal(call1('contains', [LI, INTEGER], [[1, 2, 3], 2]), true)
  assert.equal(call1('contains', [VARCHAR, VARCHAR], ['abc', 'b']), true)
})

test('slices with open bounds and NULL lists', () => {
  assert.deepEqual(callRows('list_slice', [LI, { id: 'NULL' }, BIGINT], [[[1, 2, 3, 4, 5], null, 2n]]), [[1, 2]])
  assert.deepEqual(callRows('list_slice', [LI, BIGINT, { id: 'NULL' }], [[[1, 2, 3, 4, 5], -2n, null]]), [[4, 5]])
  assert.deepEqual(callRows('list_slice', [LI, BIGINT, BIGINT], [[null, 1n, 2n]]), [null])
  assert.equal(call1('list_concat', [{ id: 'NULL' }, { id: 'NULL' }], [null, null]), null)
})

test('append, prepend, has_any/has_all, intersect, resize, where, select, array_to_string', () => {
  assert.deepEqual(call1('list_append', [LI, INTEGER], [[1], 2]), [1, 2])
  assert.deepEqual(call1('array_push_front', [INTEGER, LI], [0, [1]]), [0, 1])
  assert.equal(call1('list_has_any', [LI, LI], [[1, 2], [2, 3]]), true)
  assert.equal(call1('list_has_all', [LI, LI], [[1, 2], [3]]), false)
  assert.deepEqual(call1('list_intersect', [LI, LI], [[3, 1, 2, 2], [2, 3, 4]]), [2, 3])
  assert.deepEqual(call1('list_resize', [LI, INTEGER], [[1], 3]), [1, null, null])
  assert.deepEqual(call1('list_resize', [LI, INTEGER, INTEGER], [[1], 2, 9]), [1, 9])
  assert.deepEqual(call1('list_where', [LI, list(BOOLEAN)], [[1, 2], [true, false]]), [1])
  assert.deepEqual(call1('list_select', [LI, list(BIGINT)], [[10, 20], [2n, 5n]]), [20, null])
  assert.equal(call1('array_to_string', [LI, VARCHAR], [[1, null, 2], '-']), '1-2')
  assert.throws(() => call1('list_resize', [LI, INTEGER], [[1], -1]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
})

test('range scalar with a NULL argument is NULL', () => {
  assert.deepEqual(callRows('range', [BIGINT, BIGINT], [[null, 3n], [1n, 3n]]), [null, [1n, 2n]])
})
