/** JavaScript parameter values → typed values, and the values that cannot be passed. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bindParameter } from '../../core/params.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { typeToString } from '../../core/types/types.ts'

const typeOf = (v: unknown): string => typeToString(bindParameter(v, 1).type)

test('arrays of numbers take the type the elements would', () => {
  assert.equal(typeOf([1, 2, -2147483648]), 'INTEGER[]')
  assert.equal(typeOf([1, 2.5]), 'DOUBLE[]')
  assert.equal(typeOf([1, 2147483648]), 'DOUBLE[]')
  assert.equal(typeOf([]), 'INTEGER[]')
  // a NULL among numbers goes the general way and keeps the same type
  assert.equal(typeOf([1, null, 2.5]), 'DOUBLE[]')
  assert.deepEqual(bindParameter([1, null, 2.5], 1).value, [1, null, 2.5])
  const embedding = [0.25, -1, 3]
  const bound = bindParameter(embedding, 1)
  assert.deepEqual(bound.value, embedding)
  // a copy: changing the caller's array later does not change the bound value
  embedding[0] = 9
  assert.deepEqual(bound.value, [0.25, -1, 3])
})

test('values SQL cannot take are refused with 22023, the parameter number and a hint', () => {
  for (const [v, what] of [
    [[1, 'a'], /different types/],
    [[1, true], /different types/],
    [new Date(NaN), /invalid Date/],
    [Symbol('s'), /Symbol/],
    [() => 1, /Function/],
    [new Map(), /Map/],
    [[[1], [new Map()]], /Map/],
  ] as const) {
    assert.throws(() => bindParameter(v, 3), (e: unknown) =>
      e instanceof GrizzlyError && e.code === '22023' && /\$3/.test(e.message) && what.test(e.message) && (e.hint ?? '') !== '', String(v))
  }
})
