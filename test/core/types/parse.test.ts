import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseValue } from '../../../core/types/parse.ts'
import { formatValue } from '../../../core/types/format.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, REAL, SMALLINT, TIME, TIMESTAMP, TINYINT, VARCHAR,
  type LogicalType, array, decimal, list, struct,
} from '../../../core/types/types.ts'
import { daysFromCivil, MICROS_PER_DAY } from '../../../core/types/datetime.ts'

function fails(text: string, type: LogicalType, code: string, re?: RegExp): void {
  assert.throws(() => parseValue(text, type), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, `expected GrizzlyError for ${text}`)
    assert.equal(e.code, code, `${text}: ${e.message}`)
    if (re) assert.match(e.message, re)
    return true
  })
}

test('integers with range checks', () => {
  assert.equal(parseValue('42', INTEGER), 42)
  assert.equal(parseValue(' -7 ', INTEGER), -7)
  assert.equal(parseValue('+5', SMALLINT), 5)
  assert.equal(parseValue('1_000', INTEGER), 1000)
  assert.equal(parseValue('1.5', INTEGER), 2)
  assert.equal(parseValue('-2.5', INTEGER), -3)
  assert.equal(parseValue('1e2', INTEGER), 100)
  assert.equal(parseValue('0x1F', INTEGER), 31)
  assert.equal(parseValue('127', TINYINT), 127)
  assert.equal(parseValue('9223372036854775807', BIGINT), 9223372036854775807n)
  assert.equal(parseValue('-9223372036854775808', BIGINT), -9223372036854775808n)
  fails('128', TINYINT, '22003', /out of range for type TINYINT/)
  fails('3000000000', INTEGER, '22003', /INTEGER/)
  fails('9223372036854775808', BIGINT, '22003')
  fails('x', INTEGER, '22P02', /invalid input syntax for type INTEGER: "x"/)
  fails('', INTEGER, '22P02')
  fails('1 2', INTEGER, '22P02')
  fails('12abc', BIGINT, '22P02')
})

test('doubles and reals', () => {
  assert.equal(parseValue('3.14', DOUBLE), 3.14)
  assert.equal(parseValue('-2e10', DOUBLE), -2e10)
  assert.equal(parseValue('.5', DOUBLE), 0.5)
  assert.equal(parseValue('5.', DOUBLE), 5)
  assert.equal(parseValue('inf', DOUBLE), Infinity)
  assert.equal(parseValue('-Infinity', DOUBLE), -Infinity)
  assert.ok(Number.isNaN(parseValue('NaN', DOUBLE) as number))
  assert.ok(Object.is(parseValue('-0', DOUBLE), -0))
  assert.equal(parseValue('0.1', REAL), Math.fround(0.1))
  fails('abc', DOUBLE, '22P02', /DOUBLE/)
  fails('1e', DOUBLE, '22P02')
  fails('--1', REAL, '22P02', /FLOAT/)
  fails('1e5.5', DOUBLE, '22P02')
  fails('0x10', DOUBLE, '22P02')
  assert.equal(parseValue(' 1e5 ', DOUBLE), 1e5)
  assert.equal(parseValue('1_000.5', DOUBLE), 1000.5)
})

test('decimals round half away from zero and check the width', () => {
  assert.equal(parseValue('1.23456', decimal(5, 2)), 123)
  assert.equal(parseValue('1.235', decimal(5, 2)), 124)
  assert.equal(parseValue('-1.235', decimal(5, 2)), -124)
  assert.equal(parseValue('1e2', decimal(5, 2)), 10000)
  assert.equal(parseValue('123456789012345678.125', decimal(20, 2)), 12345678901234567813n)
  assert.equal(parseValue('0.001', decimal(3, 2)), 0)
  assert.equal(parseValue('0.0005', decimal(5, 3)), 1)
  assert.equal(parseValue('-0.0005', decimal(5, 3)), -1)
  assert.equal(parseValue('1.', decimal(5, 3)), 1000)
  assert.equal(parseValue('.5', decimal(5, 3)), 500)
  assert.equal(parseValue('-0', decimal(5, 3)), 0)
  assert.equal(parseValue(' 2.5 ', decimal(5, 3)), 2500)
  fails('99999.9995', decimal(8, 3), '22003')
  fails('.', decimal(5, 3), '22P02')
  fails('1.2x', decimal(5, 3), '22P02')
  fails('1000', decimal(5, 2), '22003', /DECIMAL\(5,2\)/)
  fails('1.2.3', decimal(5, 2), '22P02')
})

test('booleans', () => {
  for (const t of ['true', 'T', 'yes', 'on', '1', ' TRUE ', 'y']) assert.equal(parseValue(t, BOOLEAN), true, t)
  for (const t of ['false', 'f', 'NO', 'off', '0', 'n']) assert.equal(parseValue(t, BOOLEAN), false, t)
  fails('maybe', BOOLEAN, '22P02', /BOOLEAN/)
})

test('dates', () => {
  assert.equal(parseValue('2024-01-31', DATE), daysFromCivil(2024, 1, 31))
  assert.equal(parseValue('2024/1/5', DATE), daysFromCivil(2024, 1, 5))
  assert.equal(parseValue('1970-01-01', DATE), 0)
  assert.equal(parseValue('0044-03-15 (BC)', DATE), daysFromCivil(-43, 3, 15))
  assert.equal(parseValue('-0043-03-15', DATE), daysFromCivil(-43, 3, 15))
  assert.equal(parseValue('2024-01-05 10:00', DATE), daysFromCivil(2024, 1, 5))
  assert.equal(parseValue('2000-02-29', DATE), daysFromCivil(2000, 2, 29))
  assert.equal(formatValue(DATE, parseValue('infinity', DATE)), 'infinity')
  assert.equal(formatValue(DATE, parseValue('-infinity', DATE)), '-infinity')
  fails('2023-02-29', DATE, '22007', /DATE/)
  fails('1900-02-29', DATE, '22007')
  fails('2024-13-01', DATE, '22007')
  fails('2024-00-10', DATE, '22007')
  fails('20240105', DATE, '22007')
  fails('2024-01-05 garbage', DATE, '22007')
  fails('hello', DATE, '22007')
})

test('times and timestamps', () => {
  assert.equal(parseValue('12:34:56.789', TIME), ((12 * 60 + 34) * 60 + 56) * 1e6 + 789000)
  assert.equal(parseValue('01:02', TIME), (3600 + 120) * 1e6)
  assert.equal(parseValue('24:00:00', TIME), MICROS_PER_DAY)
  fails('25:00:00', TIME, '22007', /TIME/)
  fails('12:60:00', TIME, '22007')
  fails('12:00:61', TIME, '22007')
  const d = daysFromCivil(2024, 1, 5) * MICROS_PER_DAY
  assert.equal(parseValue('2024-01-05 10:00:00', TIMESTAMP), d + 10 * 3600e6)
  assert.equal(parseValue('2024-01-05T10:00:00.123456789Z', TIMESTAMP), d + 10 * 3600e6 + 123456)
  assert.equal(parseValue('2024-01-05', TIMESTAMP), d)
  assert.equal(parseValue('2024-01-05 10:00', TIMESTAMP), d + 10 * 3600e6)
  // a zone offset is accepted and ignored for TIMESTAMP (DuckDB, PostgreSQL)
  assert.equal(parseValue('2024-01-05 10:00:00+02:30', TIMESTAMP), d + 10 * 3600e6)
  assert.equal(parseValue('infinity', TIMESTAMP), Infinity)
  assert.equal(parseValue('-infinity', TIMESTAMP), -Infinity)
  fails('2024-01-05 10', TIMESTAMP, '22007', /TIMESTAMP/)
  fails('2024-01-0510:00', TIMESTAMP, '22007')
  fails('2024-01-05 10:00 x', TIMESTAMP, '22007')
})

test('intervals', () => {
  const iv = (s: string): string => formatValue(INTERVAL, parseValue(s, INTERVAL))
  assert.equal(iv('1 day'), '1 day')
  assert.equal(iv('2 hours 30 minutes'), '02:30:00')
  assert.equal(iv('1 year 2 mons'), '1 year 2 months')
  assert.equal(iv('04:05:06'), '04:05:06')
  assert.equal(iv('1:2'), '01:02:00')
  assert.equal(iv('-1:00:00'), '-01:00:00')
  assert.equal(iv('-1 day'), '-1 day')
  assert.equal(iv('1 day -2 hours'), '1 day -02:00:00')
  assert.equal(iv('1.5 months'), '1 month 15 days')
  assert.equal(iv('1.5 years'), '1 year 6 months')
  assert.equal(iv('1.5 days'), '1 day 12:00:00')
  assert.equal(iv('1.5 seconds'), '00:00:01.5')
  assert.equal(iv('1 week'), '7 days')
  assert.equal(iv('@ 1 day ago'), '-1 day')
  assert.equal(iv('1 year 2 months 3 days 04:05:06.7'), '1 year 2 months 3 days 04:05:06.7')
  assert.equal(iv('10 ms'), '00:00:00.01')
  assert.equal(iv('31.123456789'), '00:00:31.123456')
  assert.equal(iv('0.3 seconds'), '00:00:00.3')
  assert.equal(iv('2147483647 months 2147483647 days 9223372036854775807 microseconds').slice(0, 30), '178956970 years 7 months 21474')
  fails('1 fortnight', INTERVAL, '22007', /INTERVAL/)
  fails('', INTERVAL, '22007')
  fails('abc', INTERVAL, '22007')
  fails('P', INTERVAL, '22007')
  fails('P1Y2M', INTERVAL, '22007')
  fails('47.210 5', INTERVAL, '22007')
  fails('1 day 5', INTERVAL, '22007')
})

test('blobs', () => {
  assert.deepEqual(parseValue('a\\x00\\xFFb', BLOB), new Uint8Array([97, 0, 255, 98]))
  fails('\\x4', BLOB, '22P02', /BLOB/)
  fails('\\q', BLOB, '22P02')
  fails('é', BLOB, '22P02')
})

test('lists, arrays and structs from text', () => {
  assert.deepEqual(parseValue('[1, 2, NULL]', list(INTEGER)), [1, 2, null])
  assert.deepEqual(parseValue('[]', list(INTEGER)), [])
  assert.deepEqual(parseValue("[a, ' b', \"c\", 'NULL', NULL]", list(VARCHAR)), ['a', ' b', 'c', 'NULL', null])
  assert.deepEqual(parseValue('[[1, 2], [3]]', list(list(INTEGER))), [[1, 2], [3]])
  assert.deepEqual(parseValue('[1.5, 2]', array(DOUBLE, 2)), [1.5, 2])
  const st = struct([{ name: 'a', type: INTEGER }, { name: 'b', type: VARCHAR }])
  assert.deepEqual(parseValue("{'a': 1, b: 'x, y'}", st), { a: 1, b: 'x, y' })
  assert.deepEqual(parseValue('{a: 1}', st), { a: 1, b: null })
  fails('[1, 2', list(INTEGER), '22P02')
  fails('1, 2', list(INTEGER), '22P02')
  fails('[1, x]', list(INTEGER), '22P02')
  fails('[1, 2, 3]', array(INTEGER, 2), '22023')
  fails('{c: 1}', st, '22P02')
  assert.throws(() => parseValue('{c: 1}', st), (e: GrizzlyError) => /no field "c"/.test(e.hint ?? ''))
  fails('{a 1}', st, '22P02')
})

test("DuckDB's escaping rules for list and struct text", () => {
  const L = list(VARCHAR)
  const f = (s: string): string => formatValue(L, parseValue(s, L))
  assert.equal(f('[hello, world]'), '[hello, world]')
  assert.equal(f('["hello\\ world", world]'), '[hello world, world]')
  assert.equal(f('[hello\\ world, world]'), '[hello\\ world, world]')
  assert.equal(f('[hello\\,world, test]'), '[hello\\, world, test]')
  assert.equal(f('["hello\\,world", test]'), "['hello,world', test]")
  assert.equal(f('[hello\\,, test]'), "[hello\\, '', test]")
  assert.equal(f('[hello\\"quoted\\"text, more]'), "['hello\"quoted\"text', more]")
  assert.equal(f('[nested[brackets], test]'), "['nested[brackets]', test]")
  assert.equal(f('[nested"["bracket, test]'), "['nested[bracket', test]")
  assert.equal(f('["mix\\ of\\ special\\,"chars]'), "['mix of special,chars']")
  assert.equal(f('[" space at start", "ends "]'), "[' space at start', 'ends ']")
  assert.equal(f("['']"), "['']")
  assert.deepEqual(parseValue('[NULL, , NULL]', L), [null, '', null])
  assert.throws(() => parseValue('[nested[bracket, test]', L), (e: unknown) => e instanceof GrizzlyError && e.code === '22P02')
  assert.throws(() => parseValue('["open, x]', L), (e: unknown) => e instanceof GrizzlyError && e.code === '22P02')
  const S = struct([{ name: 'user,name', type: VARCHAR }, { name: 'age', type: INTEGER }])
  assert.deepEqual(parseValue('{user,name: Alice, age: 30}', S), { 'user,name': 'Alice', age: 30 })
  assert.deepEqual(parseValue('{"user\\,name": "Alice", age : 25}', S), { 'user,name': 'Alice', age: 25 })
  assert.deepEqual(parseValue('{}', S), { 'user,name': null, age: null })
  const P = struct([{ name: 'user(name', type: VARCHAR }])
  assert.deepEqual(parseValue('{user(name: "Alice"}', P), { 'user(name': 'Alice' })
  assert.throws(() => parseValue('{user,name: Alice, age, 30}', S), (e: unknown) => e instanceof GrizzlyError)
  const nested = list(list(VARCHAR))
  assert.deepEqual(parseValue("[['a,b', c], [d]]", nested), [['a,b', 'c'], ['d']])
})

test('lenient forms DuckDB accepts', () => {
  assert.equal(formatValue(TIME, parseValue('11:', TIME)), '11:00:00')
  assert.equal(formatValue(TIME, parseValue('11:11:', TIME)), '11:11:00')
  assert.equal(formatValue(INTERVAL, parseValue('00:00:', INTERVAL)), '00:00:00')
  assert.equal(formatValue(DATE, parseValue('1992\\09\\20', DATE)), '1992-09-20')
  assert.equal(formatValue(TIMESTAMP, parseValue('inf', TIMESTAMP)), 'infinity')
  assert.equal(formatValue(INTERVAL, parseValue('-2yr 4 d 5 hr 1 min 3 second 20 msecond 16 usecond', INTERVAL)), '-2 years 4 days 05:01:03.020016')
  assert.equal(parseValue('0b1_0', INTEGER), 2)
  assert.equal(parseValue('0xFF', decimal(20, 0)), 255n)
  fails('-0b1', INTEGER, '22P02')
  fails('0b_1', INTEGER, '22P02')
  fails('0b1_', INTEGER, '22P02')
  fails('1e-9999999999', decimal(18, 3), '22003')
  fails('2147483648 days', INTERVAL, '22008')
  fails('99999999999999 years', INTERVAL, '22008')
  assert.equal(formatValue(INTERVAL, parseValue('-2147483648 months', INTERVAL)), '-178956970 years -8 months')
  fails('-2147483648 months ago', INTERVAL, '22008')
  fails('294247-01-10 04:00:54.775807', TIMESTAMP, '22008')
  assert.equal(formatValue(TIMESTAMP, parseValue('294247-01-10 04:00:54.775806', TIMESTAMP)).slice(0, 19), '294247-01-10 04:00:')
})

test('round trips: formatValue(parseValue(x)) === x', () => {
  const samples: [LogicalType, string[]][] = [
    [INTEGER, ['0', '-1', '2147483647', '-2147483648']],
    [BIGINT, ['9223372036854775807', '-42']],
    [DOUBLE, ['0.1', '1.0', '1e+16', '1e-05', '-0.0', 'inf', 'nan', '1.2345678901234568e+17', '3.141592653589793']],
    [REAL, ['0.1', '3.4028235e+38', '1.5']],
    [decimal(10, 3), ['0.000', '-1.500', '1234567.891']],
    [decimal(30, 5), ['-1234567890123456789012.12345']],
    [decimal(3, 3), ['.100', '-.100', '.000']],
    [decimal(20, 20), ['.10000000000000000000']],
    [DATE, ['2024-02-29', '0001-01-01', '0001-01-01 (BC)', '0044-03-15 (BC)', '9999-12-31', '10000-01-01', 'infinity', '-infinity']],
    [TIME, ['00:00:00', '23:59:59.999999', '12:34:56.789', '24:00:00']],
    [TIMESTAMP, ['2024-01-31 12:34:56.5', '1969-12-31 23:59:59.999999', '0001-12-31 (BC) 00:00:00', 'infinity']],
    [INTERVAL, ['1 year 2 months 3 days 04:05:06.7', '-1 day', '36:00:00', '00:00:00', '1 month -1 day', '-1 year -2 months', '1 day -02:00:00']],
    [BLOB, ['\\x00ab\\x27\\x22', 'hello']],
    [BOOLEAN, ['true', 'false']],
    [list(VARCHAR), ["[a, '', ' b', 'null', 'x,y', 'it\\'s']"]],
    [struct([{ name: 'a', type: list(INTEGER) }, { name: 'b', type: VARCHAR }]), ["{'a': [1, NULL], 'b': 'x:y'}"]],
  ]
  for (const [type, texts] of samples) {
    for (const t of texts) assert.equal(formatValue(type, parseValue(t, type)), t, `${type.id} ${t}`)
  }
})

test('random round trips over many values', () => {
  let seed = 12345
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  for (let i = 0; i < 2000; i++) {
    const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20)
    const s = formatValue(DOUBLE, x)
    assert.equal(parseValue(s, DOUBLE), x, s)
    const days = Math.floor((rnd() - 0.5) * 2e6)
    const ds = formatValue(DATE, days)
    assert.equal(parseValue(ds, DATE), days, ds)
    const ts = Math.floor((rnd() - 0.5) * 2e17)
    const tss = formatValue(TIMESTAMP, ts)
    assert.equal(parseValue(tss, TIMESTAMP), ts, tss)
    const f = Math.fround(x)
    if (Number.isFinite(f)) assert.equal(parseValue(formatValue(REAL, f), REAL), f)
  }
})
