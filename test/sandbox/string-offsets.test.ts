/**
 * VARCHAR results that hand back an argument's string offsets unchanged: the runtime does not
 * copy them, the host reads them where it wrote them and still checks them as its own.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../core/errors.ts'
import { VARCHAR } from '../../core/types/types.ts'
import { Vector } from '../../core/vector/vector.ts'
import { ExtensionSandbox } from '../../sandbox/sandbox.ts'
import { UDF_EXTENSION } from '../../bench/udf.ts'

const CODE = `
const col = (n, bytes, offsets, validity = null) => ({ type: 'VARCHAR', length: n, values: { bytes, offsets }, validity })
defineExtension({
  name: 'offs', version: '1.0.0',
  scalars: [
    // the second argument's offsets, not the first's
    { name: 'second', args: ['VARCHAR', 'VARCHAR'], returns: 'VARCHAR', invoke([a, b], n) { return col(n, b.values.bytes.slice(), b.values.offsets, b.validity) } },
    { name: 'rot', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) {
        const src = s.values.bytes, out = new Uint8Array(src.length)
        for (let i = 0; i < src.length; i++) { const c = src[i]; out[i] = c >= 97 && c < 122 ? c + 1 : c }
        return col(n, out, s.values.offsets, s.validity) } },
    { name: 'short_bytes', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) { return col(n, new Uint8Array(1), s.values.offsets) } },
    { name: 'scribble', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) {
        const o = s.values.offsets; o[1] = o[n]; o[2] = 0
        return col(n, s.values.bytes.slice(), o) } },
  ],
})`

const offs = ExtensionSandbox.load({ name: 'offs', code: CODE })
const bench = ExtensionSandbox.load({ name: 'udfbench', code: UDF_EXTENSION })
after(() => { offs.dispose(); bench.dispose() })

const strings = (values: readonly (string | null)[]): Vector => {
  const validity = values.some(v => v === null) ? Uint8Array.from(values, v => v === null ? 0 : 1) : null
  return new Vector(VARCHAR, values.length, values.map(v => v ?? ''), validity)
}
const rows = (v: Vector): (string | null)[] => (v.data as string[]).map((s, i) => v.validity === null || v.validity[i] === 1 ? s : null)

test('a result with an argument\'s own offsets: right rows for any argument position, NULLs, non-ASCII and empty strings', () => {
  const a = strings(['x', 'yy', 'zzz', '', 'w'])
  const b = strings(['héllo', null, '', '日本語', 'a😀b'])
  assert.deepEqual(rows(offs.callScalar('second', [a, b], 5)), ['héllo', null, '', '日本語', 'a😀b'])
  assert.deepEqual(rows(offs.callScalar('rot', [strings(['abc', 'é-z', '', 'xyz'])], 4)), ['bcd', 'é-z', '', 'yzz'])
})

test('strings longer than the first guess: the arena grows and the offsets are copied as before', () => {
  const long = Array.from({ length: 5000 }, (_, i) => `${'é'.repeat(i % 50)}row ${i} ${'q'.repeat(60)}`)
  const b = strings(long)
  assert.deepEqual(rows(offs.callScalar('second', [strings(long.map(() => '')), b], long.length)), long)
})

test('the bench\'s word-at-a-time upper-case agrees with toUpperCase on ASCII and leaves other characters alone', () => {
  const values = ['row number 1 ok', 'abcxyz{}`@', 'ÿéè naïve', '', 'MiXeD 123 z', 'a', 'ab', 'abc', 'abcde']
  const expected = values.map(s => s.replace(/[a-z]/g, c => c.toUpperCase()))
  assert.deepEqual(rows(bench.callScalar('sb_upper', [strings(values)], values.length)), expected)
  // every byte value in every lane of a word
  const all = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i, (i + 1) % 128, (i + 2) % 128, (i + 3) % 128))
  assert.deepEqual(rows(bench.callScalar('sb_upper', [strings(all)], all.length)), all.map(s => s.replace(/[a-z]/g, c => c.toUpperCase())))
})

test('offsets an extension broke are refused by the host (38000), and the extension is quarantined', () => {
  const fails = (fn: string, message: RegExp) => assert.throws(() => offs.callScalar(fn, [strings(['ab', 'cd', 'ef'])], 3),
    (e: unknown) => e instanceof GrizzlyError && e.code === '38000' && message.test(e.message))
  fails('short_bytes', /malformed output: VARCHAR offsets point outside the bytes/)
  offs.reload()
  fails('scribble', /malformed output: string offsets are out of order at row 1/)
  fails('rot', /quarantined|reload/)
  offs.reload()
  assert.deepEqual(rows(offs.callScalar('rot', [strings(['ab'])], 1)), ['bc'])
})
