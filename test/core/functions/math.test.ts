import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, DOUBLE, INTEGER, TINYINT, decimal } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { call1, callRows, resolveScalar, run, testContext } from './helpers.ts'

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof GrizzlyError && e.code === code && (message === undefined || message.test(e.message)))
}

test('abs keeps the type and overflows on the minimum', () => {
  assert.equal(call1('abs', [INTEGER], [-5]), 5)
  assert.equal(call1('abs', [BIGINT], [-5n]), 5n)
  assert.equal(call1('abs', [DOUBLE], [-1.5]), 1.5)
  const d = resolveScalar('abs', [decimal(2, 1)])
  assert.deepEqual(d.returns, decimal(2, 1))
  assert.deepEqual(run(d, [[-15]]), [15])
  throwsCode(() => call1('abs', [TINYINT], [-128]), '22003', /abs\(-128\)/)
})

test('round is half away from zero; DECIMAL keeps DECIMAL', () => {
  assert.deepEqual(callRows('round', [DOUBLE], [[2.5], [-2.5], [0.4], [null]]), [3, -3, 0, null])
  assert.equal(call1('round', [DOUBLE, INTEGER], [2.675, 2]), 2.68)
  assert.equal(call1('round', [DOUBLE, INTEGER], [123.456, -1]), 120)
  const r = resolveScalar('round', [decimal(5, 4)])
  assert.deepEqual(r.returns, decimal(5, 0))
  assert.deepEqual(run(r, [[12345, -25000]]), [1, -3])
  assert.equal(call1('round', [INTEGER, INTEGER], [1255, -1]), 1260)
  assert.equal(call1('round', [INTEGER, INTEGER], [5, 1]), 5)
})

test('ceil, floor, trunc', () => {
  assert.equal(call1('ceil', [DOUBLE], [1.2]), 2)
  assert.equal(call1('ceiling', [DOUBLE], [-1.2]), -1)
  assert.equal(call1('floor', [DOUBLE], [-1.2]), -2)
  assert.equal(call1('trunc', [DOUBLE], [-1.7]), -1)
  const c = resolveScalar('ceil', [decimal(3, 2)])
  assert.deepEqual(c.returns, decimal(3, 0))
  assert.deepEqual(run(c, [[125, -125]]), [2, -1])
  assert.deepEqual(run(resolveScalar('floor', [decimal(3, 2)]), [[125, -125]]), [1, -2])
})

test('domain errors for sqrt and logarithms', () => {
  assert.equal(call1('sqrt', [DOUBLE], [16]), 4)
  throwsCode(() => call1('sqrt', [DOUBLE], [-1]), '22003', /square root of a negative/)
  throwsCode(() => call1('ln', [DOUBLE], [0]), '22003', /logarithm of zero/)
  throwsCode(() => call1('log10', [DOUBLE], [-1]), '22003', /negative/)
  assert.deepEqual(callRows('sqrt', [DOUBLE], [[null]]), [null])
  assert.equal(call1('log', [DOUBLE], [100]), 2)
  assert.equal(call1('log', [DOUBLE, DOUBLE], [2, 8]), 3)
  assert.equal(call1('log2', [DOUBLE], [8]), 3)
  assert.ok(Math.abs((call1('exp', [DOUBLE], [1]) as number) - Math.E) < 1e-15)
})

test('trigonometry, pi, degrees, radians', () => {
  assert.equal(call1('pi', [], []), Math.PI)
  assert.equal(call1('degrees', [DOUBLE], [Math.PI]), 180)
  assert.equal(call1('radians', [DOUBLE], [180]), Math.PI)
  assert.equal(call1('atan2', [DOUBLE, DOUBLE], [1, 1]), Math.PI / 4)
  throwsCode(() => call1('asin', [DOUBLE], [2]), '22003')
})

test('sign, even, gcd, lcm, factorial, bit_count', () => {
  assert.deepEqual(callRows('sign', [INTEGER], [[-5], [0], [7]]), [-1, 0, 1])
  assert.equal(call1('even', [DOUBLE], [1.5]), 2)
  assert.equal(call1('even', [DOUBLE], [-1.5]), -2)
  assert.equal(call1('gcd', [BIGINT, BIGINT], [12n, 18n]), 6n)
  assert.equal(call1('gcd', [BIGINT, BIGINT], [-12n, 18n]), 6n)
  assert.equal(call1('lcm', [BIGINT, BIGINT], [4n, 6n]), 12n)
  assert.equal(call1('lcm', [BIGINT, BIGINT], [0n, 5n]), 0n)
  assert.equal(call1('factorial', [INTEGER], [20]), 2432902008176640000n)
  throwsCode(() => call1('factorial', [INTEGER], [40]), '22003')
  assert.equal(call1('bit_count', [INTEGER], [7]), 3)
  assert.equal(call1('bit_count', [INTEGER], [-1]), 32)
  assert.equal(call1('bit_count', [BIGINT], [-1n]), 64)
})

test('isnan, isinf, isfinite', () => {
  assert.deepEqual(callRows('isnan', [DOUBLE], [[NaN], [1]]), [true, false])
  assert.deepEqual(callRows('isinf', [DOUBLE], [[-Infinity], [1]]), [true, false])
  assert.deepEqual(callRows('isfinite', [DOUBLE], [[NaN], [1]]), [false, true])
})

test('random uses the context and setseed validates', () => {
  const fn = resolveScalar('random', [])
  assert.equal(fn.volatility, 'volatile')
  const out = fn.invoke([], 1000, testContext())
  const d = out.data as Float64Array
  assert.ok(d.every(x => x >= 0 && x < 1))
  throwsCode(() => call1('setseed', [DOUBLE], [2]), '22003')
})

test('greatest and least skip NULLs and unify types', () => {
  const g = resolveScalar('greatest', [INTEGER, BIGINT])
  assert.deepEqual(g.returns, BIGINT)
  assert.deepEqual(callRows('greatest', [INTEGER, INTEGER, INTEGER], [[1, 5, 3], [null, 2, null], [null, null, null]]), [5, 2, null])
  assert.deepEqual(callRows('least', [DOUBLE, DOUBLE], [[1.5, -2], [NaN, 1]]), [-2, 1])
})

test('signbit, nextafter, round_even, fdiv, fmod, add/subtract/multiply/divide', () => {
  assert.deepEqual(callRows('signbit', [DOUBLE], [[-0], [3], [-3]]), [true, false, true])
  assert.equal(call1('nextafter', [DOUBLE, DOUBLE], [1, 2]), 1 + Number.EPSILON)
  assert.equal(call1('nextafter', [DOUBLE, DOUBLE], [0, -1]), -Number.MIN_VALUE)
  assert.equal(call1('roundbankers', [DOUBLE], [2.5]), 2)
  assert.equal(call1('round_even', [DOUBLE], [3.5]), 4)
  assert.equal(call1('round_even', [DOUBLE, INTEGER], [45, -1]), 40)
  assert.equal(call1('fdiv', [DOUBLE, DOUBLE], [-7, 2]), -4)
  assert.equal(call1('fmod', [DOUBLE, DOUBLE], [-7, 2]), 1)
  assert.equal(call1('add', [INTEGER, INTEGER], [1, 2]), 3)
  assert.equal(call1('divide', [INTEGER, INTEGER], [7, 2]), 3)
  assert.equal(call1('round', [DOUBLE, INTEGER], [42, -1000]), 0)
  assert.equal(call1('round', [INTEGER, INTEGER], [53, -1000]), 0)
  assert.throws(() => call1('log', [DOUBLE, DOUBLE], [1, 64]), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
  assert.throws(() => call1('factorial', [INTEGER], [-1]), (e: unknown) => e instanceof GrizzlyError && e.code === '22003')
})

test('gamma and lgamma', () => {
  assert.equal(call1('gamma', [DOUBLE], [5]), 24)
  assert.ok(Math.abs((call1('gamma', [DOUBLE], [0.5]) as number) - Math.sqrt(Math.PI)) < 1e-14)
  assert.ok(Math.abs((call1('lgamma', [DOUBLE], [10]) as number) - 12.80182748008147) < 1e-12)
  throwsCode(() => call1('gamma', [DOUBLE], [0]), '22003')
  throwsCode(() => call1('gamma', [DOUBLE], [-2]), '22003')
})
