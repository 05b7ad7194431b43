import { test } from 'node:test'
import assert from 'node:assert/strict'
import { defineExtension, ExtensionShapeError, isValid, readString, stringColumn, utf8, varcharColumn } from '../../sdk/index.ts'
import type { Column } from '../../sdk/index.ts'

const decoder = new TextDecoder()
const encoder = new TextEncoder()

test('utf8.encode matches TextEncoder across all planes', () => {
  const samples = ['', 'plain ascii', 'café ñ ü', '€ ₹ 中文 日本語', '😀 𝄞 𐍈 🏳️‍🌈', '\u0000\u007f\u0080\u07ff\u0800\uffff', String.fromCodePoint(0x10000, 0x10ffff)]
  for (const s of samples) assert.deepEqual(utf8.encode(s), encoder.encode(s), s)
})

test('utf8.encode turns lone surrogates into U+FFFD like TextEncoder', () => {
  for (const s of ['\ud800', 'a\udc00b', '\ud83d', 'x\ud83d\ud83dy', '\udfff\ud800']) assert.deepEqual(utf8.encode(s), encoder.encode(s), JSON.stringify(s))
})

test('utf8 round-trips every code point sampled across the planes', () => {
  const cps: number[] = []
  for (let cp = 0; cp <= 0x10ffff; cp += cp < 0x3000 ? 1 : 97) if (cp < 0xd800 || cp > 0xdfff) cps.push(cp)
  const s = String.fromCodePoint(...cps.slice(0, 60000)) + String.fromCodePoint(...cps.slice(60000))
  const bytes = utf8.encode(s)
  assert.deepEqual(bytes, encoder.encode(s))
  assert.equal(utf8.decode(bytes), s)
})

test('utf8.decode replaces invalid bytes with U+FFFD exactly as TextDecoder does', () => {
  const cases = [
    [0xff], [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xc2], [0xe0, 0x80, 0x80], [0xe0, 0xa0], [0xed, 0xa0, 0x80],
    [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80], [0xf0, 0x9f, 0x98], [0x61, 0xf0, 0x9f, 0x98, 0x62],
    [0xe2, 0x82, 0x41], [0xfe, 0xfe, 0xff, 0xff], [0x41, 0xc3], [0xef, 0xbf, 0xbd],
  ]
  for (const c of cases) {
    const b = new Uint8Array(c)
    assert.equal(utf8.decode(b), decoder.decode(b), c.map(x => x.toString(16)).join(' '))
  }
  // random bytes: our decoder and the platform's agree
  let seed = 12345
  for (let t = 0; t < 300; t++) {
    const b = new Uint8Array(1 + (t % 40))
    for (let i = 0; i < b.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; b[i] = seed >>> 24 }
    assert.equal(utf8.decode(b), decoder.decode(b))
  }
})

test('utf8.decode honours start and end, clamps them, and handles long inputs', () => {
  const b = utf8.encode('héllo wörld')
  assert.equal(utf8.decode(b, 0, 6), 'héllo')
  assert.equal(utf8.decode(b, 7), 'wörld')
  assert.equal(utf8.decode(b, -5, 999), 'héllo wörld')
  assert.equal(utf8.decode(b, 5, 2), '')
  const long = 'ab€😀'.repeat(5000)
  assert.equal(utf8.decode(utf8.encode(long)), long)
  const ascii = 'x'.repeat(10000)
  assert.equal(utf8.decode(utf8.encode(ascii)), ascii)
})

test('stringColumn packs offsets and validity, readString reads back', () => {
  const col = stringColumn(['a', null, 'ü😀', ''])
  assert.deepEqual([...col.values.offsets], [0, 1, 1, 7, 7])
  assert.deepEqual(col.validity && [...col.validity], [1, 0, 1, 1])
  assert.equal(readString(col.values, 0), 'a')
  assert.equal(readString(col.values, 1), '')
  assert.equal(readString(col.values, 2), 'ü😀')
  assert.equal(stringColumn(['x', 'y']).validity, null)
  assert.equal(stringColumn([]).values.offsets.length, 1)
  const v: Column = varcharColumn(['p', null])
  assert.equal(v.type, 'VARCHAR')
  assert.equal(isValid(v, 0), true)
  assert.equal(isValid(v, 1), false)
})

test('defineExtension stores a valid definition on globalThis', () => {
  const def = defineExtension({
    name: 'demo', version: '1.0.0',
    scalars: [{ name: 'twice', args: ['DOUBLE'], returns: 'DOUBLE', invoke: (args, n) => ({ type: 'DOUBLE', length: n, values: args[0]!.values, validity: null }) }],
    aggregates: [{ name: 'cnt', args: ['INTEGER'], returns: 'BIGINT', init: () => 0, update: s => (s as number) + 1, combine: (a, b) => (a as number) + (b as number), finalize: s => s as number }],
  })
  assert.equal((globalThis as { __grizzlyExtension?: unknown }).__grizzlyExtension, def)
})

test('defineExtension rejects bad shapes naming the field', () => {
  const bad: [unknown, string][] = [
    [null, 'definition'],
    [{ name: 'Bad-Name', version: '1.0.0' }, 'name'],
    [{ name: 'ok', version: 'one' }, 'version'],
    [{ name: 'ok', version: '1.0.0', scalars: {} }, 'scalars'],
    [{ name: 'ok', version: '1.0.0', scalars: [{ name: 'f', args: ['TEXT'], returns: 'DOUBLE', invoke: () => null }] }, 'scalars[0].args[0]'],
    [{ name: 'ok', version: '1.0.0', scalars: [{ name: 'f', args: [], returns: 'DOUBLE' }] }, 'scalars[0].invoke'],
    [{ name: 'ok', version: '1.0.0', scalars: [{ name: 'f', args: [], returns: 'X', invoke: () => null }] }, 'scalars[0].returns'],
    [{ name: 'ok', version: '1.0.0', scalars: [{ name: 'f', args: [], returns: 'DOUBLE', volatility: 'sometimes', invoke: () => null }] }, 'scalars[0].volatility'],
    [{ name: 'ok', version: '1.0.0', scalars: [{ name: 'f', args: [], returns: 'DOUBLE', invoke: () => null }, { name: 'f', args: [], returns: 'DOUBLE', invoke: () => null }] }, 'scalars[1].name'],
    [{ name: 'ok', version: '1.0.0', aggregates: [{ name: 'g', args: [], returns: 'DOUBLE', init: () => 0, update: () => 0, combine: () => 0 }] }, 'aggregates[0].finalize'],
  ]
  for (const [def, path] of bad) {
    assert.throws(() => defineExtension(def as never), (e: unknown) => e instanceof ExtensionShapeError && e.path === path, path)
  }
})

test('combineValidity is strict and allocates nothing when all inputs are valid', async () => {
  const { combineValidity, doubleColumn, integerColumn, bigintColumn, booleanColumn } = await import('../../sdk/index.ts')
  const a = doubleColumn(new Float64Array([1, 2, 3]), new Uint8Array([1, 0, 1]))
  const b = integerColumn(new Int32Array([1, 2, 3]), new Uint8Array([1, 1, 0]))
  const c = bigintColumn(new BigInt64Array([1n, 2n, 3n]))
  assert.equal(combineValidity([c, c], 3), null)
  assert.deepEqual([...combineValidity([a, b, c], 3)!], [1, 0, 0])
  assert.deepEqual([...combineValidity([c, a], 3)!], [1, 0, 1])
  assert.deepEqual([...a.validity!], [1, 0, 1]) // inputs untouched
  const bool = booleanColumn(new Uint8Array([0, 1]))
  assert.equal(bool.type, 'BOOLEAN')
  assert.equal(bool.length, 2)
})
