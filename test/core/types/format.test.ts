import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatDouble, formatReal, formatValue, formatInterval, formatDecimal } from '../../../core/types/format.ts'
import {
  BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, REAL, TIME, TIMESTAMP, VARCHAR, BIGINT, array, decimal, list, struct,
} from '../../../core/types/types.ts'
import { daysFromCivil, DATE_INFINITY, DATE_NEG_INFINITY, MICROS_PER_DAY } from '../../../core/types/datetime.ts'

test('doubles use shortest digits in Python repr layout', () => {
  const cases: [number, string][] = [
    [1, '1.0'], [0.1, '0.1'], [1e15, '1000000000000000.0'], [1e16, '1e+16'], [1e-5, '1e-05'],
    [0.0001, '0.0001'], [123456789012345678, '1.2345678901234568e+17'], [-0, '-0.0'], [0, '0.0'],
    [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'], [-2.5, '-2.5'], [1.5e300, '1.5e+300'],
    [5e-324, '5e-324'], [123.456, '123.456'], [9999999999999998, '9999999999999998.0'], [1e-4, '0.0001'],
    [0.00012345, '0.00012345'], [1.2345e-5, '1.2345e-05'], [1e100, '1e+100'], [-1e22, '-1e+22'],
  ]
  for (const [x, s] of cases) assert.equal(formatDouble(x), s, String(x))
})

test('REAL uses the shortest digits of the 32-bit value', () => {
  assert.equal(formatReal(Math.fround(0.1)), '0.1')
  assert.equal(formatReal(Math.fround(3.4028235e38)), '3.4028235e+38')
  assert.equal(formatReal(Math.fround(1e-7)), '1e-07')
  assert.equal(formatReal(Math.fround(1.5)), '1.5')
  assert.equal(formatReal(Math.fround(16777217)), '16777216.0')
  assert.equal(formatValue(REAL, Math.fround(2.2)), '2.2')
  // DuckDB's choices where the shortest digits are a rounding tie or sit on the interval's edge
  assert.equal(formatReal(Math.fround(1263725.75)), '1263725.75')
  assert.equal(formatReal(Math.fround(363161.875)), '363161.875')
  assert.equal(formatReal(Math.fround(42991832)), '42991832.0')
  assert.equal(formatReal(Math.fround(1000000.3)), '1000000.3')
  assert.equal(formatReal(Math.fround(409758624)), '409758620.0')
  assert.equal(formatReal(Math.fround(-2.5)), '-2.5')
})

test('DECIMAL prints exactly scale fractional digits', () => {
  assert.equal(formatValue(decimal(4, 2), 150), '1.50')
  assert.equal(formatValue(decimal(4, 2), -5), '-0.05')
  assert.equal(formatValue(decimal(4, 0), 12), '12')
  assert.equal(formatValue(decimal(38, 10), -12345678901234567890123n), '-1234567890123.4567890123')
  assert.equal(formatDecimal(0, 3), '0.000')
  assert.equal(formatValue(decimal(3, 3), 100), '.100')
  assert.equal(formatValue(decimal(3, 3), -100), '-.100')
  assert.equal(formatValue(decimal(20, 20), 10n ** 19n), '.10000000000000000000')
  assert.equal(formatDecimal(0n, 3), '0.000')
})

test('booleans, integers, strings', () => {
  assert.equal(formatValue(BOOLEAN, true), 'true')
  assert.equal(formatValue(BOOLEAN, false), 'false')
  assert.equal(formatValue(INTEGER, -42), '-42')
  assert.equal(formatValue(BIGINT, -(2n ** 63n)), '-9223372036854775808')
  assert.equal(formatValue(VARCHAR, ''), '')
})

test('dates, including BC years and infinities', () => {
  assert.equal(formatValue(DATE, daysFromCivil(2024, 1, 31)), '2024-01-31')
  assert.equal(formatValue(DATE, daysFromCivil(0, 1, 1)), '0001-01-01 (BC)')
  assert.equal(formatValue(DATE, daysFromCivil(-43, 3, 15)), '0044-03-15 (BC)')
  assert.equal(formatValue(DATE, daysFromCivil(10000, 1, 1)), '10000-01-01')
  assert.equal(formatValue(DATE, daysFromCivil(99, 12, 31)), '0099-12-31')
  assert.equal(formatValue(DATE, DATE_INFINITY), 'infinity')
  assert.equal(formatValue(DATE, DATE_NEG_INFINITY), '-infinity')
})

test('times and timestamps drop trailing fraction zeros', () => {
  assert.equal(formatValue(TIME, ((12 * 60 + 34) * 60 + 56) * 1e6 + 789000), '12:34:56.789')
  assert.equal(formatValue(TIME, 0), '00:00:00')
  assert.equal(formatValue(TIME, MICROS_PER_DAY), '24:00:00')
  assert.equal(formatValue(TIME, 1), '00:00:00.000001')
  const d = daysFromCivil(2024, 1, 31)
  assert.equal(formatValue(TIMESTAMP, d * MICROS_PER_DAY + 3600e6 + 500000), '2024-01-31 01:00:00.5')
  assert.equal(formatValue(TIMESTAMP, daysFromCivil(0, 12, 31) * MICROS_PER_DAY), '0001-12-31 (BC) 00:00:00')
  assert.equal(formatValue(TIMESTAMP, -1), '1969-12-31 23:59:59.999999')
  assert.equal(formatValue(TIMESTAMP, Infinity), 'infinity')
  assert.equal(formatValue(TIMESTAMP, -Infinity), '-infinity')
})

test('intervals as DuckDB prints them', () => {
  assert.equal(formatInterval({ months: 14, days: 3, micros: ((4 * 60 + 5) * 60 + 6) * 1e6 + 700000 }), '1 year 2 months 3 days 04:05:06.7')
  assert.equal(formatInterval({ months: 0, days: -1, micros: 0 }), '-1 day')
  assert.equal(formatInterval({ months: 0, days: 0, micros: 36 * 3600e6 }), '36:00:00')
  assert.equal(formatInterval({ months: 0, days: 0, micros: -36 * 3600e6 }), '-36:00:00')
  assert.equal(formatInterval({ months: 0, days: 0, micros: 0 }), '00:00:00')
  assert.equal(formatInterval({ months: -14, days: 0, micros: 0 }), '-1 year -2 months')
  assert.equal(formatInterval({ months: 1, days: -1, micros: 0 }), '1 month -1 day')
  assert.equal(formatInterval({ months: 0, days: 1, micros: -2 * 3600e6 }), '1 day -02:00:00')
  assert.equal(formatInterval({ months: 0, days: 0, micros: 100 * 3600e6 + 1 }), '100:00:00.000001')
  assert.equal(formatValue(INTERVAL, { months: 24, days: 2, micros: 0 }), '2 years 2 days')
})

test('blobs escape non-printable bytes and quotes as \\xHH', () => {
  assert.equal(formatValue(BLOB, new Uint8Array([0, 97, 98, 39, 34, 92, 255])), '\\x00ab\\x27\\x22\\x5C\\xFF')
  assert.equal(formatValue(BLOB, new Uint8Array([])), '')
})

test('nested values quote ambiguous leaves', () => {
  assert.equal(formatValue(list(INTEGER), [1, 2, null]), '[1, 2, NULL]')
  assert.equal(formatValue(list(VARCHAR), ['a', '', ' b', 'null', 'x,y', "it's", 'NULL', 'nul', 'a\\b']),
    "[a, '', ' b', 'null', 'x,y', 'it\\'s', 'NULL', nul, a\\b]")
  assert.equal(formatValue(struct([{ name: 'a b', type: INTEGER }, { name: "c'd", type: VARCHAR }]), { 'a b': 1, "c'd": 'x' }),
    "{'a b': 1, 'c\\'d': x}")
  assert.equal(formatValue(list(DATE), [daysFromCivil(2024, 1, 1)]), '[2024-01-01]')
  assert.equal(formatValue(list(TIME), [12 * 3600e6]), "['12:00:00']")
  assert.equal(formatValue(list(INTERVAL), [{ months: 0, days: 0, micros: 3600e6 }]), "['01:00:00']")
  assert.equal(formatValue(struct([{ name: 'x', type: TIMESTAMP }]), { x: 0 }), "{'x': '1970-01-01 00:00:00'}")
  assert.equal(formatValue(list(list(INTEGER)), [[1, 2], [3], []]), '[[1, 2], [3], []]')
  assert.equal(formatValue(list(struct([{ name: 'a', type: VARCHAR }])), [{ a: 'x y' }, null]), "[{'a': x y}, NULL]")
  assert.equal(formatValue(array(DOUBLE, 2), [1.5, 2]), '[1.5, 2.0]')
  assert.equal(formatValue(list(decimal(4, 2)), [150]), '[1.50]')
  assert.equal(formatValue(list(BOOLEAN), [true, false]), '[true, false]')
  assert.equal(formatValue(list(VARCHAR), []), '[]')
})
