import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, BLOB, DOUBLE, INTEGER, REAL, SMALLINT, TINYINT, VARCHAR, decimal } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { vectorFromValues } from '../../../core/vector/vector.ts'
import { call1, callRows, resolveScalar, run, testContext } from './helpers.ts'

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, `expected GrizzlyError, got ${String(e)}`)
    assert.equal(e.code, code)
    if (message) assert.match(e.message, message)
    return true
  })
}

test('integer arithmetic keeps the type', () => {
  const fn = resolveScalar('+', [INTEGER, INTEGER])
  assert.deepEqual(fn.returns, INTEGER)
  assert.deepEqual(run(fn, [[1, 2, null], [10, 20, 5]]), [11, 22, null])
  assert.equal(call1('-', [SMALLINT, SMALLINT], [5, 7]), -2)
  assert.equal(call1('*', [TINYINT, TINYINT], [-8, 15]), -120)
  assert.equal(call1('*', [BIGINT, BIGINT], [3037000499n, 3037000499n]), 9223372030926249001n)
})

test('integer overflow raises 22003 naming the type and operands', () => {
  throwsCode(() => call1('+', [INTEGER, INTEGER], [2147483647, 1]), '22003', /Overflow in addition of INTEGER \(2147483647 \+ 1\)/)
  throwsCode(() => call1('*', [TINYINT, TINYINT], [-128, -1]), '22003', /multiplication of TINYINT/)
  throwsCode(() => call1('+', [BIGINT, BIGINT], [9223372036854775807n, 1n]), '22003', /BIGINT/)
  throwsCode(() => call1('-', [BIGINT, BIGINT], [-9223372036854775808n, 1n]), '22003')
  throwsCode(() => call1('*', [INTEGER, INTEGER], [65536, 65536]), '22003')
  throwsCode(() => call1('-', [TINYINT], [-128]), '22003', /negation/)
})

test('overflow in a NULL row is not an error', () => {
  const fn = resolveScalar('+', [INTEGER, INTEGER])
  const a = vectorFromValues(INTEGER, [2147483647, 1])
  const b = vectorFromValues(INTEGER, [1, 1])
  a.validity = Uint8Array.from([0, 1])
  const r = fn.invoke([a, b], 2, testContext())
  assert.equal((r.data as Int32Array)[1], 2)
})

test('/ is floating division; // and % by zero give NULL', () => {
  assert.equal(call1('/', [DOUBLE, DOUBLE], [7, 2]), 3.5)
  assert.equal(call1('/', [DOUBLE, DOUBLE], [1, 0]), Infinity)
  assert.deepEqual(callRows('//', [INTEGER, INTEGER], [[7, 2], [-7, 2], [5, 0], [null, 3]]), [3, -3, null, null])
  assert.deepEqual(callRows('%', [INTEGER, INTEGER], [[7, 2], [-7, 2], [5, 0], [5, -3]]), [1, -1, null, 2])
  assert.deepEqual(callRows('//', [BIGINT, BIGINT], [[7n, 2n], [5n, 0n]]), [3n, null])
  assert.deepEqual(callRows('%', [BIGINT, BIGINT], [[-7n, 2n], [5n, 0n]]), [-1n, null])
  assert.deepEqual(callRows('//', [DOUBLE, DOUBLE], [[7.5, 2], [1, 0]]), [3.75, null])
  assert.ok(Number.isNaN(call1('%', [DOUBLE, DOUBLE], [5, 0]) as number))
  throwsCode(() => call1('//', [INTEGER, INTEGER], [-2147483648, -1]), '22003')
})

test('REAL arithmetic rounds to single precision', () => {
  const r = call1('+', [REAL, REAL], [0.1, 0.2]) as number
  assert.equal(r, Math.fround(Math.fround(0.1) + Math.fround(0.2)))
  const fn = resolveScalar('*', [DOUBLE, DOUBLE])
  assert.equal(typeof fn.inline, 'function')
  assert.equal(fn.inline!(['a', 'b']), '(a * b)')
})

test('power and unary operators', () => {
  assert.equal(call1('^', [DOUBLE, DOUBLE], [2, 10]), 1024)
  assert.equal(call1('**', [DOUBLE, DOUBLE], [2, 0.5]), Math.SQRT2)
  assert.equal(call1('-', [INTEGER], [5]), -5)
  assert.equal(call1('+', [INTEGER], [5]), 5)
  assert.equal(call1('-', [DOUBLE], [1.5]), -1.5)
})

test('DECIMAL addition, multiplication and modulo follow DuckDB types', () => {
  const add = resolveScalar('+', [decimal(3, 1), decimal(4, 2)])
  assert.deepEqual(add.returns, decimal(5, 2))
  assert.deepEqual(run(add, [[15], [225]]), [375]) // 1.5 + 2.25 = 3.75
  const mixed = resolveScalar('+', [INTEGER, decimal(2, 1)])
  assert.deepEqual(mixed.returns, decimal(12, 1))
  assert.deepEqual(run(mixed, [[1], [15]]), [25])
  const wide = resolveScalar('+', [decimal(18, 2), decimal(18, 2)])
  assert.deepEqual(wide.returns, decimal(18, 2))
  assert.deepEqual(run(wide, [[1000n], [1000n]]), [2000n])
  const mul = resolveScalar('*', [decimal(3, 1), decimal(4, 2)])
  assert.deepEqual(mul.returns, decimal(7, 3))
  assert.deepEqual(run(mul, [[15], [225]]), [3375])
  assert.deepEqual(resolveScalar('*', [decimal(18, 2), decimal(18, 2)]).returns, decimal(18, 4))
  assert.deepEqual(resolveScalar('*', [decimal(38, 2), decimal(10, 2)]).returns, decimal(38, 4))
  const mod = resolveScalar('%', [decimal(3, 1), INTEGER])
  assert.deepEqual(mod.returns, decimal(11, 1))
  assert.deepEqual(run(mod, [[75, 75], [2, 0]]), [15, null])
  const neg = resolveScalar('-', [decimal(2, 1)])
  assert.deepEqual(run(neg, [[15]]), [-15])
  const sub = resolveScalar('-', [decimal(20, 2), decimal(20, 2)])
  assert.deepEqual(run(sub, [[100n], [250n]]), [-150n])
})

test('DECIMAL overflow at 38 digits is an error', () => {
  const add = resolveScalar('+', [decimal(38, 0), decimal(38, 0)])
  throwsCode(() => run(add, [[10n ** 38n - 1n], [1n]]), '22003')
})

test('bitwise operators and shifts', () => {
  assert.equal(call1('&', [INTEGER, INTEGER], [12, 10]), 8)
  assert.equal(call1('|', [INTEGER, INTEGER], [12, 10]), 14)
  assert.equal(call1('xor', [INTEGER, INTEGER], [5, 3]), 6)
  assert.equal(call1('~', [INTEGER], [5]), -6)
  assert.equal(call1('<<', [BIGINT, BIGINT], [1n, 62n]), 4611686018427387904n)
  assert.equal(call1('>>', [INTEGER, INTEGER], [-8, 1]), -4)
  throwsCode(() => call1('<<', [INTEGER, INTEGER], [1, 31]), '22003', /left shift/)
  throwsCode(() => call1('<<', [INTEGER, INTEGER], [1, 40]), '22003')
  assert.equal(call1('>>', [INTEGER, INTEGER], [5, 40]), 0)
})

test('|| concatenates strings and blobs', () => {
  assert.deepEqual(callRows('||', [VARCHAR, VARCHAR], [['a', 'b'], [null, 'x']]), ['ab', null])
  assert.equal(call1('||', [VARCHAR, INTEGER], ['a', 1]), 'a1')
  assert.equal(call1('||', [decimal(2, 1), VARCHAR], [15, 'x']), '1.5x')
  const blob = call1('||', [BLOB, BLOB], [Uint8Array.of(1), Uint8Array.of(2, 3)]) as Uint8Array
  assert.deepEqual([...blob], [1, 2, 3])
})

test('a large batch runs through the generated loop', () => {
  const n = 100_000
  const a = Array.from({ length: n }, (_, i) => i)
  const fn = resolveScalar('+', [INTEGER, INTEGER])
  const out = run(fn, [a, a])
  assert.equal(out[n - 1], 2 * (n - 1))
})

test('ieee_floating_point_ops off makes float division by zero NULL', () => {
  const ctx = { ...testContext(), setting: (name: string) => name === 'ieee_floating_point_ops' ? false : null }
  const div = resolveScalar('/', [DOUBLE, DOUBLE])
  const a = vectorFromValues(DOUBLE, [1, 0, 6]), b = vectorFromValues(DOUBLE, [0, 0, 3])
  const out = div.invoke([a, b], 3, ctx)
  assert.deepEqual([...out.validity!], [0, 0, 1])
  assert.equal((out.data as Float64Array)[2], 2)
  const ieee = div.invoke([a, b], 3, testContext())
  assert.equal(ieee.validity, null)
  assert.equal((ieee.data as Float64Array)[0], Infinity)
  const fmod = resolveScalar('fmod', [DOUBLE, DOUBLE])
  assert.equal(fmod.invoke([vectorFromValues(DOUBLE, [10]), vectorFromValues(DOUBLE, [-3])], 1, ctx).data![0], -2)
  assert.equal(fmod.invoke([vectorFromValues(DOUBLE, [1]), vectorFromValues(DOUBLE, [0])], 1, ctx).validity![0], 0)
})

test('|| renders two non-string operands as text', () => {
  assert.equal(call1('||', [INTEGER, INTEGER], [1, 2]), '12')
})
