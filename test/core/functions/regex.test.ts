import { test } from 'node:test'
import assert from 'node:assert/strict'
import { INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { call1, callRows } from './helpers.ts'

const V = VARCHAR

test('regexp_matches is a partial match; full_match anchors', () => {
  assert.deepEqual(callRows('regexp_matches', [V, V], [['abc', 'b'], ['abc', '^b'], [null, 'a']]), [true, false, null])
  assert.equal(call1('regexp_full_match', [V, V], ['abc', 'a.c']), true)
  assert.equal(call1('regexp_full_match', [V, V], ['abcd', 'a.c']), false)
  assert.equal(call1('regexp_full_match', [V, V], ['a|x', 'a|b']), false)
  assert.equal(call1('regexp_matches', [V, V, V], ['ABC', 'b', 'i']), true)
  assert.equal(call1('regexp_matches', [V, V], ['ABC', '(?i)b']), true)
  assert.equal(call1('regexp_matches', [V, V, V], ['a\nb', 'a.b', 's']), true)
})

test('regexp_replace: first match, g for all, \\1 back-references', () => {
  assert.equal(call1('regexp_replace', [V, V, V], ['aaa', 'a', 'b']), 'baa')
  assert.equal(call1('regexp_replace', [V, V, V, V], ['aaa', 'a', 'b', 'g']), 'bbb')
  assert.equal(call1('regexp_replace', [V, V, V], ['john smith', '(\\w+) (\\w+)', '\\2 \\1']), 'smith john')
  assert.equal(call1('regexp_replace', [V, V, V], ['price', 'price', '$5']), '$5')
  assert.equal(call1('regexp_replace', [V, V, V, V], ['as^/$df', '^/$', '', 'l']), 'asdf')
})

test('regexp_extract returns empty string when there is no match', () => {
  assert.equal(call1('regexp_extract', [V, V], ['abc123', '[0-9]+']), '123')
  assert.equal(call1('regexp_extract', [V, V, INTEGER], ['abc123', '([a-z]+)([0-9]+)', 2]), '123')
  assert.equal(call1('regexp_extract', [V, V], ['abc', '[0-9]+']), '')
  assert.equal(call1('regexp_extract', [V, V, INTEGER], ['abc', '(a)', 3]), '')
  assert.throws(() => call1('regexp_extract_all', [V, V, INTEGER], ['abc', '(a)', 3]), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && /Cannot access group 3/.test(e.message))
  assert.deepEqual(call1('regexp_extract_all', [V, V, INTEGER], ['1a 2b', '(\\d+)([a-z]+)', -1]), [])
  assert.deepEqual(call1('regexp_extract_all', [V, V], ['a1b22c333', '[0-9]+']), ['1', '22', '333'])
  assert.deepEqual(call1('regexp_extract_all', [V, V, INTEGER], ['a1b22', '([a-z])([0-9]+)', 1]), ['a', 'b'])
  assert.deepEqual(call1('regexp_split_to_array', [V, V], ['a1b22c', '[0-9]+']), ['a', 'b', 'c'])
})

test('invalid patterns and options are 2201B / 22023 errors', () => {
  assert.throws(() => call1('regexp_matches', [V, V], ['a', '(']), (e: unknown) => e instanceof GrizzlyError && e.code === '2201B' && e.message.includes("'('"))
  assert.throws(() => call1('regexp_matches', [V, V, V], ['a', 'a', 'q']), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.throws(() => call1('regexp_matches', [V, V], ['', '\\X']), (e: unknown) => e instanceof GrizzlyError && e.code === '2201B')
  assert.equal(call1('regexp_matches', [V, V], ['a-b', 'a\\-b']), true)
})

test('regexp_extract wants a constant group; POSIX classes work', () => {
  assert.throws(() => callRows('regexp_extract', [V, V, INTEGER], [['ab', '(a)(b)', 1], ['ab', '(a)(b)', 2]]), (e: unknown) => e instanceof GrizzlyError && /constant/.test(e.message))
  assert.deepEqual(call1('regexp_extract_all', [V, V, INTEGER], ['AbCdE', '([[:lower:]]+)C([[:lower:]]+)', 1]), ['b'])
  assert.equal(call1('regexp_full_match', [V, V, V], ['hello\nworld', '.*', 'n']), false)
  assert.equal(call1('regexp_replace', [V, V, V, V], ['hello\nworld', '.*', 'x', 'sg']), 'x')
})

test('extraction keeps empty matches; a NULL group gives NULL', () => {
  assert.deepEqual(call1('regexp_extract_all', [V, V], ['aabca', 'a*']), ['aa', '', '', 'a', ''])
  assert.deepEqual(callRows('regexp_extract', [V, V, INTEGER], [['foobarbaz', 'b..', null]]), [null])
})
