import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compareBytewise, formatDouble, formatFloat32, hashValues, numericPrefix, printfFixed3, renderDuckdb, renderSqlite, sortRows } from './render.ts'
import { expectedValues, valueMatches } from './compare.ts'
import { classifyType, type SltColumn } from './engine.ts'

const col = (type: string): SltColumn => ({ name: 'c', type, class: classifyType(type) })

test('doubles render like DuckDB (Python repr layout)', () => {
  const cases: [number, string][] = [
    [1, '1.0'], [0.1, '0.1'], [1e15, '1000000000000000.0'], [1e16, '1e+16'], [1.2345678901234568e17, '1.2345678901234568e+17'],
    [1e-5, '1e-05'], [0.0001, '0.0001'], [-2.5, '-2.5'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'], [-0, '-0.0'], [0, '0.0'],
    [0.30000000000000004, '0.30000000000000004'], [1.5e300, '1.5e+300'],
  ]
  for (const [x, s] of cases) assert.equal(formatDouble(x), s, String(x))
  assert.equal(formatFloat32(Math.fround(0.1)), '0.1')
  assert.equal(formatFloat32(Math.fround(3.14159)), '3.14159')
})

test('printf %.3f rounds exact ties to even and keeps -0', () => {
  assert.equal(printfFixed3(2.5), '2.500')
  assert.equal(printfFixed3(1.0625), '1.062')
  assert.equal(printfFixed3(1.0635), '1.063') // 1.0635 is 1.06349999… in binary
  assert.equal(printfFixed3(-0.0001), '-0.000')
  assert.equal(printfFixed3(-0), '-0.000')
  assert.equal(printfFixed3(1e22), '10000000000000000000000.000')
  assert.equal(printfFixed3(123.4567), '123.457')
})

test('SQLite rendering by type letter', () => {
  assert.equal(renderSqlite(null, null, 'I', col('INTEGER')), 'NULL')
  assert.equal(renderSqlite(7.9, '7.9', 'I', col('DOUBLE')), '7')
  assert.equal(renderSqlite(-7.9, '-7.9', 'I', col('DOUBLE')), '-7')
  assert.equal(renderSqlite(9007199254740993n, '9007199254740993', 'I', col('BIGINT')), '9007199254740993')
  assert.equal(renderSqlite('12abc', '12abc', 'I', col('VARCHAR')), '12')
  assert.equal(renderSqlite('abc', 'abc', 'I', col('VARCHAR')), '0')
  assert.equal(renderSqlite(true, 'true', 'I', col('BOOLEAN')), '1')
  assert.equal(renderSqlite('12.50', '12.50', 'I', col('DECIMAL(10,2)')), '12')
  assert.equal(renderSqlite(2.5, '2.5', 'R', col('DOUBLE')), '2.500')
  assert.equal(renderSqlite(3, '3', 'R', col('INTEGER')), '3.000')
  assert.equal(renderSqlite('x', 'x', 'R', col('VARCHAR')), '0.000')
  assert.equal(renderSqlite('', '', 'T', col('VARCHAR')), '(empty)')
  assert.equal(renderSqlite('héllo\n', 'héllo\n', 'T', col('VARCHAR')), 'h@@llo@')
  assert.equal(renderSqlite(5, '5', 'T', col('INTEGER')), '5')
  assert.equal(numericPrefix('  -1.5e3xyz'), '-1.5e3')
})

test('DuckDB rendering, sorting and hashing', () => {
  assert.equal(renderDuckdb(null), 'NULL')
  assert.equal(renderDuckdb(''), '(empty)')
  assert.equal(renderDuckdb('a\0b'), 'a\\0b')
  assert.ok(compareBytewise('B', 'a') < 0)
  assert.ok(compareBytewise('\u{1F600}', '\uFFFF') > 0) // UTF-8 order, not UTF-16
  assert.deepEqual(sortRows([['b', '1'], ['a', '2'], ['a', '10']]), [['a', '10'], ['a', '2'], ['b', '1']])
  // md5 of "1\n2\n"
  assert.equal(hashValues(['1', '2']), '6ddb4095eb719e2a9f0a3f95677d24e0')
})

test('DuckDB value comparison rules', () => {
  assert.ok(valueMatches('1.0000001', '1.0', 'float'))
  assert.ok(!valueMatches('1.1', '1.0', 'float'))
  assert.ok(valueMatches('nan', 'NaN', 'float'))
  assert.ok(!valueMatches('NULL', '0', 'float'))
  assert.ok(valueMatches('1.50', '1.5', 'decimal'))
  assert.ok(valueMatches('-0', '0', 'integer'))
  assert.ok(!valueMatches('2', '3', 'integer'))
  assert.ok(valueMatches('1', 'true', 'boolean'))
  assert.ok(!valueMatches('0', 'true', 'boolean'))
  assert.ok(valueMatches('hello world', '<REGEX>:hello.*', 'other'))
  assert.ok(!valueMatches('hello', '<!REGEX>:hel+o', 'other'))
  assert.ok(valueMatches('a\nb', '<REGEX>:a.b', 'other'))
  assert.ok(!valueMatches('1.5', '1.50', 'other'))
})

test('expected lines split by row or by value', () => {
  assert.deepEqual(expectedValues(['1\ta', '2\tb'], 2, 2), ['1', 'a', '2', 'b'])
  assert.deepEqual(expectedValues(['1', 'a', '2', 'b'], 2, 2), ['1', 'a', '2', 'b'])
  assert.deepEqual(expectedValues(['a\t\tb'], 2, 1), ['a', 'b'])
  assert.deepEqual(expectedValues(['x y'], 1, 1), ['x y'])
})
