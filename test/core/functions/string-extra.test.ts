import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BIGINT, BLOB, DOUBLE, INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { call1, callRows } from './helpers.ts'

const V = VARCHAR
const isCode = (code: string) => (e: unknown) => e instanceof GrizzlyError && e.code === code

test('edit distances and similarities', () => {
  assert.equal(call1('levenshtein', [V, V], ['kitten', 'sitting']), 3n)
  assert.equal(call1('levenshtein', [V, V], ['', 'abc']), 3n)
  assert.equal(call1('damerau_levenshtein', [V, V], ['ca', 'abc']), 2n)
  assert.equal(call1('damerau_levenshtein', [V, V], ['out', 'uot']), 1n)
  assert.equal(call1('mismatches', [V, V], ['hello', 'hallo']), 1n)
  assert.throws(() => call1('hamming', [V, V], ['ab', 'abc']), isCode('22023'))
  assert.equal(call1('jaccard', [V, V], ['ab', 'aabb']), 1)
  assert.throws(() => call1('jaccard', [V, V], ['', 'a']), isCode('22023'))
  assert.ok(Math.abs((call1('jaro_similarity', [V, V], ['MARTHA', 'MARHTA']) as number) - 0.9444444444444445) < 1e-12)
  assert.ok(Math.abs((call1('jaro_winkler_similarity', [V, V], ['MARTHA', 'MARHTA']) as number) - 0.9611111111111111) < 1e-12)
  assert.deepEqual(callRows('levenshtein', [V, V], [[null, 'a']]), [null])
})

test('grapheme functions treat emoji sequences as one character', () => {
  const facepalm = '🤦🏼‍♂️'
  assert.equal(call1('length_grapheme', [V], [facepalm + 'a']), 2n)
  assert.equal(call1('left_grapheme', [V, INTEGER], [facepalm + 'ab', 1]), facepalm)
  assert.equal(call1('right_grapheme', [V, BIGINT], ['abc', 2n]), 'bc')
})

test('bar draws partial blocks and pads to the width', () => {
  assert.equal(call1('bar', [DOUBLE, DOUBLE, DOUBLE], [1, 0, 100]), '▊' + ' '.repeat(79))
  assert.equal(call1('bar', [DOUBLE, DOUBLE, DOUBLE, DOUBLE], [120, -10, 100, 10]), '█'.repeat(10))
  assert.equal(call1('bar', [DOUBLE, DOUBLE, DOUBLE, DOUBLE], [NaN, 0, 10, 5]), ' '.repeat(5))
})

test('format_bytes and parse_formatted_bytes', () => {
  assert.equal(call1('format_bytes', [BIGINT], [1n]), '1 byte')
  assert.equal(call1('format_bytes', [BIGINT], [1024n * 1024n - 1n]), '1023.9 KiB')
  assert.equal(call1('format_bytes', [BIGINT], [9223372036854775807n]), '8191.9 PiB')
  assert.equal(call1('format_bytes', [BIGINT], [-9223372036854775808n]), '-8192.0 PiB')
  assert.equal(call1('formatReadableDecimalSize', [BIGINT], [500000n]), '500.0 kB')
  assert.equal(call1('parse_formatted_bytes', [V], ['1.5 KiB']), 1536n)
  assert.equal(call1('parse_formatted_bytes', [V], ['  2  mib  ']), 2097152n)
  assert.equal(call1('parse_formatted_bytes', [V], ['1e3 b']), 1000n)
  assert.throws(() => call1('parse_formatted_bytes', [V], ['none']), isCode('22P02'))
})

test('regexp_escape, encode/decode, repeat on BLOB, error()', () => {
  assert.equal(call1('regexp_escape', [V], ['a.b*c']), 'a\\.b\\*c')
  assert.deepEqual([...(call1('encode', [V], ['é']) as Uint8Array)], [0xc3, 0xa9])
  assert.equal(call1('decode', [BLOB], [Uint8Array.of(0xc3, 0xa9)]), 'é')
  assert.throws(() => call1('decode', [BLOB], [Uint8Array.of(0xff)]), isCode('22P02'))
  assert.deepEqual([...(call1('repeat', [BLOB, INTEGER], [Uint8Array.of(0), 2]) as Uint8Array)], [0, 0])
  assert.throws(() => call1('error', [V], ['boom']), (e: unknown) => e instanceof GrizzlyError && e.message === 'boom')
})

test('substring_grapheme counts grapheme clusters', () => {
  assert.equal(call1('substring_grapheme', [V, INTEGER, INTEGER], ['🤦🏼‍♂️abc', 1, 2]), '🤦🏼‍♂️a')
  assert.equal(call1('substring_grapheme', [V, BIGINT], ['abc', 2n]), 'bc')
})
