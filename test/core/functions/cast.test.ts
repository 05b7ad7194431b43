import { test } from 'node:test'
import assert from 'node:assert/strict'
import { canCast, castValue, castVector, registerBuiltinCasts } from '../../../core/functions/cast.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { Hooks } from '../../../core/hooks/registry.ts'
import type { FunctionContext } from '../../../core/hooks/contracts.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, NULL_TYPE, REAL, SMALLINT, TIME, TIMESTAMP, TINYINT, VARCHAR,
  type LogicalType, type Value, array, decimal, list, struct,
} from '../../../core/types/types.ts'
import { Vector, getValue, vectorFromValues } from '../../../core/vector/vector.ts'
import { daysFromCivil, MICROS_PER_DAY } from '../../../core/types/datetime.ts'

const ctx: FunctionContext = { setting: () => null, statementTime: 0, random: Math.random, setSeed: () => undefined }

function castAll(type: LogicalType, values: Value[], to: LogicalType, tryCast = false): Value[] {
  const out = castVector(vectorFromValues(type, values), to, tryCast, ctx)
  assert.equal(out.length, values.length)
  return values.map((_, i) => getValue(out, i))
}

function failsWith(code: string, f: () => unknown, re?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, code, e.message)
    if (re) assert.match(e.message, re)
    return true
  })
}

test('integer to integer with overflow checks', () => {
  assert.deepEqual(castAll(BIGINT, [1n, -5n, null], INTEGER), [1, -5, null])
  failsWith('22003', () => castValue(3000000000n, BIGINT, INTEGER), /3000000000.*INTEGER/)
  failsWith('22003', () => castValue(128, INTEGER, TINYINT))
  failsWith('22003', () => castValue(-32769, INTEGER, SMALLINT))
  assert.deepEqual(castAll(BIGINT, [3000000000n, 7n], INTEGER, true), [null, 7])
  assert.deepEqual(castAll(TINYINT, [-128, 127], BIGINT), [-128n, 127n])
  assert.deepEqual(castAll(INTEGER, [1, 0, null], BOOLEAN), [true, false, null])
  assert.deepEqual(castAll(BOOLEAN, [true, false], INTEGER), [1, 0])
})

test('NULL rows never fail, even with garbage behind them', () => {
  const v = new Vector(BIGINT, 2, new BigInt64Array([99999999999n, 1n]), new Uint8Array([0, 1]))
  const out = castVector(v, TINYINT, false, ctx)
  assert.equal(getValue(out, 0), null)
  assert.equal(getValue(out, 1), 1)
  const s = new Vector(VARCHAR, 2, ['not a number', '5'], new Uint8Array([0, 1]))
  assert.deepEqual([getValue(castVector(s, INTEGER, false, ctx), 0), getValue(castVector(s, INTEGER, false, ctx), 1)], [null, 5])
  const d = new Vector(DOUBLE, 1, new Float64Array([NaN]), new Uint8Array([0]))
  assert.equal(getValue(castVector(d, INTEGER, false, ctx), 0), null)
})

test('floats to integers round ties to even (DuckDB) with range checks', () => {
  assert.deepEqual(castAll(DOUBLE, [2.5, 0.5, -2.5, 3.5, 1.4, -1.6], INTEGER), [2, 0, -2, 4, 1, -2])
  assert.deepEqual(castAll(DOUBLE, [2.5, 1e18], BIGINT), [2n, 1000000000000000000n])
  failsWith('22003', () => castValue(NaN, DOUBLE, INTEGER))
  failsWith('22003', () => castValue(Infinity, DOUBLE, BIGINT))
  failsWith('22003', () => castValue(1e19, DOUBLE, BIGINT))
  failsWith('22003', () => castValue(127.6, DOUBLE, TINYINT))
  assert.deepEqual(castAll(DOUBLE, [NaN, 1e300, 4], INTEGER, true), [null, null, 4])
  failsWith('22003', () => castValue(1e39, DOUBLE, REAL))
  assert.equal(castValue(Infinity, DOUBLE, REAL), Infinity)
  assert.equal(castValue(0.1, DOUBLE, REAL), Math.fround(0.1))
  assert.equal(castValue(Math.fround(0.1), REAL, DOUBLE), Math.fround(0.1))
})

test('numbers to and from DECIMAL', () => {
  assert.equal(castValue(0.125, DOUBLE, decimal(10, 2)), 13)
  assert.equal(castValue(-0.125, DOUBLE, decimal(10, 2)), -13)
  assert.equal(castValue(0.285, DOUBLE, decimal(10, 2)), 28)
  assert.equal(castValue(12, INTEGER, decimal(4, 1)), 120)
  assert.equal(castValue(12n, BIGINT, decimal(20, 1)), 120n)
  assert.equal(castValue(true, BOOLEAN, decimal(4, 1)), 10)
  assert.equal(castValue(true, BOOLEAN, decimal(1, 1)), 1)
  assert.equal(castValue(true, BOOLEAN, decimal(32, 32)), 1n)
  assert.equal(castValue(1, decimal(1, 1), BOOLEAN), true)
  failsWith('22003', () => castValue(1000, INTEGER, decimal(4, 1)))
  failsWith('22003', () => castValue(1e300, DOUBLE, decimal(38, 2)))
  failsWith('22003', () => castValue(NaN, DOUBLE, decimal(10, 2)))
  assert.deepEqual(castAll(INTEGER, [1000, 1], decimal(4, 1), true), [null, 10])
  // DECIMAL → DECIMAL rescale, half away from zero
  assert.equal(castValue(125, decimal(4, 2), decimal(3, 1)), 13)
  assert.equal(castValue(-125, decimal(4, 2), decimal(3, 1)), -13)
  assert.equal(castValue(125, decimal(4, 2), decimal(20, 4)), 12500n)
  assert.equal(castValue(12345678901234567890n, decimal(20, 2), decimal(20, 0)), 123456789012345679n)
  failsWith('22003', () => castValue(12345678901234567890n, decimal(20, 2), decimal(10, 0)))
  failsWith('22003', () => castValue(99999, decimal(5, 2), decimal(4, 1)), /DECIMAL\(4,1\)/)
  // DECIMAL → integers and floats
  assert.equal(castValue(25, decimal(3, 1), INTEGER), 3)
  assert.equal(castValue(-25, decimal(3, 1), INTEGER), -3)
  assert.equal(castValue(15, decimal(3, 1), BIGINT), 2n)
  assert.equal(castValue(15, decimal(3, 1), DOUBLE), 1.5)
  assert.equal(castValue(-12345678901234567891n, decimal(20, 1), DOUBLE), -1234567890123456789.1)
  assert.equal(castValue(15, decimal(3, 1), BOOLEAN), true)
  failsWith('22003', () => castValue(99999999999n * 10n ** 9n, decimal(20, 0), INTEGER))
})

test('anything to and from VARCHAR', () => {
  assert.deepEqual(castAll(INTEGER, [1, null, -3], VARCHAR), ['1', null, '-3'])
  assert.equal(castValue(1e16, DOUBLE, VARCHAR), '1e+16')
  assert.equal(castValue(150, decimal(4, 2), VARCHAR), '1.50')
  assert.equal(castValue([1, 2, null], list(INTEGER), VARCHAR), '[1, 2, NULL]')
  assert.equal(castValue(true, BOOLEAN, VARCHAR), 'true')
  assert.equal(castValue('42', VARCHAR, INTEGER), 42)
  assert.equal(castValue('2024-01-31', VARCHAR, DATE), daysFromCivil(2024, 1, 31))
  assert.deepEqual(castValue('[1, 2]', VARCHAR, list(BIGINT)), [1n, 2n])
  assert.deepEqual(castValue('\\x41B', VARCHAR, BLOB), new Uint8Array([65, 66]))
  assert.equal(castValue(new Uint8Array([0, 65]), BLOB, VARCHAR), '\\x00A')
  failsWith('22P02', () => castValue('abc', VARCHAR, INTEGER), /INTEGER/)
  failsWith('22007', () => castValue('2024-02-30', VARCHAR, DATE))
  assert.deepEqual(castAll(VARCHAR, ['1', 'x', null, '2'], INTEGER, true), [1, null, null, 2])
  assert.deepEqual(castAll(VARCHAR, ['[1]', '[x]', '[1, 2'], list(INTEGER), true), [[1], [null], null])
  assert.deepEqual(castAll(VARCHAR, ['[1,2,X,2]', '[hello DuckDB]', '[345,oops,44,4.0]', '[12345678901]', '[3 0, 1]'], list(INTEGER), true),
    [[1, 2, null, 2], [null], [345, null, 44, 4], [null], [null, 1]])
  const st = struct([{ name: 'a', type: INTEGER }])
  assert.deepEqual(castAll(VARCHAR, ['{a: x}', '{b: 1}'], st, true), [{ a: null }, null])
  assert.deepEqual(castAll(VARCHAR, ['true', 'nope'], BOOLEAN, true), [true, null])
})

test('temporal casts', () => {
  const d = daysFromCivil(2024, 3, 1)
  assert.equal(castValue(d, DATE, TIMESTAMP), d * MICROS_PER_DAY)
  assert.equal(castValue(d * MICROS_PER_DAY + 3600e6, TIMESTAMP, DATE), d)
  assert.equal(castValue(-1, TIMESTAMP, DATE), -1)
  assert.equal(castValue(-1, TIMESTAMP, TIME), MICROS_PER_DAY - 1)
  assert.equal(castValue(d * MICROS_PER_DAY + 3600e6, TIMESTAMP, TIME), 3600e6)
  assert.equal(castValue(Infinity, TIMESTAMP, DATE), 2147483647)
  failsWith('42846', () => castValue(d, DATE, TIME), /cannot cast DATE to TIME/)
  const farBC = daysFromCivil(-290308, 1, 1)
  failsWith('22008', () => castValue(farBC, DATE, TIMESTAMP))
  assert.deepEqual(castAll(DATE, [farBC, d], TIMESTAMP, true), [null, d * MICROS_PER_DAY])
  failsWith('42846', () => castValue(1, INTEGER, DATE))
  failsWith('42846', () => castValue({ months: 1, days: 0, micros: 0 }, INTERVAL, INTEGER))
})

test('nested casts', () => {
  assert.deepEqual(castAll(list(INTEGER), [[1, 2], null, [], [3]], list(VARCHAR)), [['1', '2'], null, [], ['3']])
  assert.deepEqual(castAll(list(VARCHAR), [['1', 'x']], list(INTEGER), true), [[1, null]])
  failsWith('22P02', () => castValue(['1', 'x'], list(VARCHAR), list(INTEGER)))
  assert.deepEqual(castValue([1, 2], array(INTEGER, 2), list(BIGINT)), [1n, 2n])
  assert.deepEqual(castValue([1, 2], list(INTEGER), array(DOUBLE, 2)), [1, 2])
  failsWith('42846', () => castValue([1, 2, 3], list(INTEGER), array(INTEGER, 2)))
  assert.deepEqual(castAll(list(INTEGER), [[1, 2, 3], [4, 5]], array(INTEGER, 2), true), [null, [4, 5]])
  const from = struct([{ name: 'a', type: INTEGER }, { name: 'b', type: VARCHAR }])
  const byPosition = struct([{ name: 'x', type: VARCHAR }, { name: 'y', type: VARCHAR }])
  assert.deepEqual(castValue({ a: 1, b: 'z' }, from, byPosition), { x: '1', y: 'z' })
  const byName = struct([{ name: 'b', type: VARCHAR }, { name: 'a', type: BIGINT }])
  assert.deepEqual(castValue({ a: 1, b: 'z' }, from, byName), { b: 'z', a: 1n })
  failsWith('42846', () => castValue({ a: 1, b: 'z' }, from, struct([{ name: 'a', type: INTEGER }])))
  assert.equal(castValue(null, NULL_TYPE, INTEGER), null)
  assert.equal(getValue(castVector(vectorFromValues(NULL_TYPE, [null, null]), list(INTEGER), false, ctx), 1), null)
})

test('canCast and registration', () => {
  assert.ok(canCast(INTEGER, VARCHAR))
  assert.ok(canCast(list(INTEGER), array(DOUBLE, 3)))
  assert.ok(!canCast(DATE, TIME))
  assert.ok(!canCast(list(DATE), list(TIME)))
  const hooks = new Hooks()
  registerBuiltinCasts(hooks)
  const find = (from: string, to: string) => hooks.allCasts().find(c => c.from === from && c.to === to)
  assert.ok(find('BIGINT', 'INTEGER') !== undefined)
  assert.ok(find('VARCHAR', 'STRUCT') !== undefined)
  assert.equal(find('DATE', 'TIME'), undefined)
  const out = find('INTEGER', 'DOUBLE')!.invoke(vectorFromValues(INTEGER, [3]), DOUBLE, false, ctx)
  assert.equal(getValue(out, 0), 3)
})

test('numeric cast loops are fast (informal)', () => {
  const n = 1 << 20
  const data = new Int32Array(n)
  for (let i = 0; i < n; i++) data[i] = i - 500000
  const v = new Vector(INTEGER, n, data, null)
  const t0 = performance.now()
  for (let k = 0; k < 5; k++) castVector(v, DOUBLE, false, ctx)
  const t1 = performance.now()
  for (let k = 0; k < 5; k++) castVector(v, SMALLINT, true, ctx)
  const t2 = performance.now()
  const f = castVector(v, DOUBLE, false, ctx)
  for (let k = 0; k < 5; k++) castVector(f, INTEGER, false, ctx)
  const t3 = performance.now()
  // generous bounds: these only catch accidental per-row allocation or boxing
  assert.ok(t1 - t0 < 1000, `INTEGER→DOUBLE ${t1 - t0} ms`)
  assert.ok(t2 - t1 < 2000, `INTEGER→SMALLINT ${t2 - t1} ms`)
  assert.ok(t3 - t2 < 2000, `DOUBLE→INTEGER ${t3 - t2} ms`)
})
