import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, BLOB, DOUBLE, INTEGER, VARCHAR, decimal, list } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { call1, callRows, resolveScalar, run } from './helpers.ts'

function throwsCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof GrizzlyError && e.code === code)
}

test('length counts characters, octet_length bytes', () => {
  assert.equal(call1('length', [VARCHAR], ['héllo']), 5n)
  assert.equal(call1('length', [VARCHAR], ['🦆']), 1n)
  assert.equal(call1('octet_length', [VARCHAR], ['héllo']), 6n)
  assert.equal(call1('strlen', [VARCHAR], ['🦆']), 4n)
  assert.equal(call1('bit_length', [VARCHAR], ['ab']), 16n)
  assert.equal(call1('octet_length', [BLOB], [Uint8Array.of(1, 2)]), 2n)
  assert.deepEqual(callRows('length', [VARCHAR], [[null]]), [null])
})

test('substring follows DuckDB for negative and zero starts', () => {
  const cases: [string, number, number | null, string][] = [
    ['hello', 2, 3, 'ell'], ['hello', -3, 2, 'll'], ['hello', 0, 2, 'h'], ['hello', -10, 3, ''],
    ['hello', 2, null, 'ello'], ['hello', 3, -1, 'e'], ['h🦆llo', 2, 2, '🦆l'],
  ]
  for (const [s, start, len, want] of cases) {
    const got = len === null ? call1('substring', [VARCHAR, BIGINT], [s, BigInt(start)]) : call1('substr', [VARCHAR, INTEGER, INTEGER], [s, start, len])
    assert.equal(got, want, `substring(${s}, ${start}, ${len})`)
  }
})

test('left, right, lpad, rpad, repeat, reverse', () => {
  assert.equal(call1('left', [VARCHAR, INTEGER], ['hello', -2]), 'hel')
  assert.equal(call1('right', [VARCHAR, INTEGER], ['hello', -2]), 'llo')
  assert.equal(call1('left', [VARCHAR, INTEGER], ['hello', 10]), 'hello')
  assert.equal(call1('lpad', [VARCHAR, INTEGER, VARCHAR], ['abc', 5, 'xy']), 'xyabc')
  assert.equal(call1('lpad', [VARCHAR, INTEGER, VARCHAR], ['abcdef', 3, 'x']), 'abc')
  assert.equal(call1('rpad', [VARCHAR, INTEGER, VARCHAR], ['abc', 6, 'xy']), 'abcxyx')
  assert.equal(call1('repeat', [VARCHAR, INTEGER], ['ab', 3]), 'ababab')
  assert.equal(call1('repeat', [VARCHAR, INTEGER], ['ab', -1]), '')
  assert.equal(call1('reverse', [VARCHAR], ['abc']), 'cba')
  throwsCode(() => call1('lpad', [VARCHAR, INTEGER, VARCHAR], ['a', 3, '']), '22023')
})

test('trim family and replace', () => {
  assert.equal(call1('trim', [VARCHAR], ['  x  ']), 'x')
  assert.equal(call1('ltrim', [VARCHAR, VARCHAR], ['xxaxx', 'x']), 'axx')
  assert.equal(call1('rtrim', [VARCHAR, VARCHAR], ['xxaxx', 'x']), 'xxa')
  assert.equal(call1('trim', [VARCHAR, VARCHAR], ['xyaxy', 'xy']), 'a')
  assert.equal(call1('replace', [VARCHAR, VARCHAR, VARCHAR], ['aaa', 'a', 'b']), 'bbb')
  assert.equal(call1('replace', [VARCHAR, VARCHAR, VARCHAR], ['a.b', '.', '$&']), 'a$&b')
})

test('concat skips NULLs, concat_ws joins, || propagates', () => {
  assert.equal(call1('concat', [VARCHAR, VARCHAR, VARCHAR], ['a', null, 'b']), 'ab')
  assert.equal(call1('concat_ws', [VARCHAR, VARCHAR, VARCHAR, VARCHAR], [',', 'a', null, 'b']), 'a,b')
  assert.equal(call1('concat_ws', [VARCHAR, VARCHAR], [null, 'a']), null)
  assert.equal(call1('concat', [INTEGER, VARCHAR, decimal(2, 1)], [1, 'a', 25]), '1a2.5')
  assert.equal(call1('concat_ws', [VARCHAR, INTEGER, INTEGER], [',', 1, 2]), '1,2')
})

test('split_part, string_split, strpos, starts_with, contains', () => {
  assert.equal(call1('split_part', [VARCHAR, VARCHAR, INTEGER], ['a,b,c', ',', 2]), 'b')
  assert.equal(call1('split_part', [VARCHAR, VARCHAR, INTEGER], ['a,b,c', ',', 5]), '')
  assert.equal(call1('split_part', [VARCHAR, VARCHAR, INTEGER], ['a,b,c', ',', -1]), 'c')
  assert.deepEqual(call1('string_split', [VARCHAR, VARCHAR], ['a,b,,c', ',']), ['a', 'b', '', 'c'])
  assert.deepEqual(call1('str_split', [VARCHAR, VARCHAR], ['abc', '']), ['a', 'b', 'c'])
  assert.deepEqual(resolveScalar('string_split', [VARCHAR, VARCHAR]).returns, list(VARCHAR))
  assert.equal(call1('strpos', [VARCHAR, VARCHAR], ['hello', 'l']), 3n)
  assert.equal(call1('instr', [VARCHAR, VARCHAR], ['h🦆llo', 'l']), 3n)
  assert.equal(call1('position', [VARCHAR, VARCHAR], ['z', 'hello']), 0n)
  assert.equal(call1('position', [VARCHAR, VARCHAR], ['l', 'hello']), 3n)
  assert.equal(call1('starts_with', [VARCHAR, VARCHAR], ['abc', 'ab']), true)
  assert.equal(call1('suffix', [VARCHAR, VARCHAR], ['abc', 'bc']), true)
  assert.equal(call1('contains', [VARCHAR, VARCHAR], ['abc', 'x']), false)
})

test('ascii, chr, md5, sha256, hex, unhex, translate', () => {
  assert.equal(call1('ascii', [VARCHAR], ['A']), 65)
  assert.equal(call1('ascii', [VARCHAR], ['']), 0)
  assert.equal(call1('chr', [INTEGER], [128512]), '😀')
  throwsCode(() => call1('chr', [INTEGER], [-1]), '22023')
  assert.equal(call1('md5', [VARCHAR], ['abc']), '900150983cd24fb0d6963f7d28e17f72')
  assert.equal(call1('sha256', [VARCHAR], ['abc']), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  assert.equal(call1('to_hex', [INTEGER], [255]), 'FF')
  assert.equal(call1('hex', [BIGINT], [-1n]), 'FFFFFFFFFFFFFFFF')
  assert.equal(call1('hex', [VARCHAR], ['AB']), '4142')
  assert.deepEqual([...(call1('unhex', [VARCHAR], ['4142']) as Uint8Array)], [0x41, 0x42])
  throwsCode(() => call1('unhex', [VARCHAR], ['zz']), '22P02')
  assert.equal(call1('translate', [VARCHAR, VARCHAR, VARCHAR], ['hello', 'el', 'ip']), 'hippo')
  assert.equal(call1('initcap', [VARCHAR], ['hello wORLD']), 'Hello World')
  assert.equal(call1('strip_accents', [VARCHAR], ['héllo']), 'hello')
})

test('hash is stable, typed BIGINT, and differs between values', () => {
  const a = call1('hash', [INTEGER], [1]), b = call1('hash', [INTEGER], [1]), c = call1('hash', [INTEGER], [2])
  assert.equal(typeof a, 'bigint')
  assert.equal(a, b)
  assert.notEqual(a, c)
  assert.notEqual(call1('hash', [VARCHAR], ['a']), call1('hash', [VARCHAR], ['b']))
})

test('typeof names the argument type', () => {
  assert.equal(call1('typeof', [decimal(2, 1)], [15]), 'DECIMAL(2,1)')
  assert.equal(call1('typeof', [list(INTEGER)], [[1]]), 'INTEGER[]')
})

test('format and printf', () => {
  assert.equal(call1('format', [VARCHAR, INTEGER, VARCHAR], ['{} and {}', 1, 'x']), '1 and x')
  assert.equal(call1('printf', [VARCHAR, VARCHAR, INTEGER], ['%s-%d', 'a', 5]), 'a-5')
  assert.equal(call1('printf', [VARCHAR, DOUBLE, INTEGER, INTEGER], ['%5.2f|%-4d|%x', 3.14159, 7, 255]), ' 3.14|7   |ff')
  assert.equal(call1('format', [VARCHAR, DOUBLE], ['{:.2f}', 3.14159]), '3.14')
  assert.equal(call1('format', [VARCHAR, decimal(3, 2)], ['{}', 150]), '1.50')
  throwsCode(() => call1('printf', [VARCHAR], ['%d']), '22023')
  throwsCode(() => call1('format', [VARCHAR], ['{']), '22023')
})

test('like, ilike, escapes and glob', () => {
  const rows = [['abc', 'a%'], ['abc', '%c'], ['abc', '%b%'], ['abc', 'a_c'], ['abc', 'abd'], ['a%', 'a\\%'], ['a.c', 'a.c'], ['axc', 'a.c']]
  assert.deepEqual(callRows('like', [VARCHAR, VARCHAR], rows), [true, true, true, true, false, false, true, false])
  assert.equal(call1('ilike', [VARCHAR, VARCHAR], ['ABC', 'a%c']), true)
  assert.equal(call1('not_like', [VARCHAR, VARCHAR], ['abc', 'a%']), false)
  assert.equal(call1('like_escape', [VARCHAR, VARCHAR, VARCHAR], ['a%c', 'a$%c', '$']), true)
  assert.equal(call1('like_escape', [VARCHAR, VARCHAR, VARCHAR], ['abc', 'a$%c', '$']), false)
  assert.equal(call1('ilike_escape', [VARCHAR, VARCHAR, VARCHAR], ['A_C', 'a\\_c', '\\']), true)
  throwsCode(() => call1('like_escape', [VARCHAR, VARCHAR, VARCHAR], ['a', 'a', 'xy']), '22023')
  throwsCode(() => call1('like_escape', [VARCHAR, VARCHAR, VARCHAR], ['a', 'a$', '$']), '22023')
  assert.deepEqual(callRows('glob', [VARCHAR, VARCHAR], [['abc', 'a*'], ['abc', '[a-c]?c'], ['abc', '[!a]*'], ['a.c', '*.c']]), [true, true, false, true])
  assert.deepEqual(callRows('like', [VARCHAR, VARCHAR], [['x\ny', 'x%y'], [null, 'a'], ['a', null]]), [true, null, null])
})

test('a constant LIKE pattern over a large batch', () => {
  const n = 50_000
  const s = Array.from({ length: n }, (_, i) => `item-${i}`)
  const p = new Array(n).fill('item-1%')
  const out = run(resolveScalar('like', [VARCHAR, VARCHAR]), [s, p])
  assert.equal(out.filter(x => x === true).length, 11111)
})

test('substring offsets beyond 32 bits are out of range', () => {
  assert.throws(() => call1('substring', [VARCHAR, BIGINT, BIGINT], ['abc', 4294967296n, 1n]), (e: unknown) => e instanceof GrizzlyError && e.code === '22003' && /offset/.test(e.message))
  assert.throws(() => call1('substring', [VARCHAR, BIGINT, BIGINT], ['abc', 0n, -4294967297n]), (e: unknown) => e instanceof GrizzlyError && /length/.test(e.message))
  assert.deepEqual(callRows('substring', [VARCHAR, BIGINT, BIGINT], [[null, 9223372036854775807n, 1n]]), [null])
})

test('format and printf return NULL for a NULL argument', () => {
  assert.deepEqual(callRows('printf', [VARCHAR, INTEGER], [['%d', null], ['%d', 3]]), [null, '3'])
  assert.deepEqual(callRows('format', [VARCHAR, VARCHAR], [['{}', null]]), [null])
})
