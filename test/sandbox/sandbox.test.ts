/**
 * ExtensionSandbox directly: marshalling of every type, batches of any size, lookups,
 * quarantine, reload, dispose, stats and the WebAssembly policy.
 */
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../core/errors.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '../../core/types/types.ts'
import { Vector } from '../../core/vector/vector.ts'
import { ExtensionSandbox } from '../../sandbox/sandbox.ts'

const CODE = `
const column = (type, n, values, validity = null) => ({ type, length: n, values, validity })
defineExtension({
  name: 'kit', version: '0.3.1',
  scalars: [
    { name: 'echo_bool', args: ['BOOLEAN'], returns: 'BOOLEAN', invoke([a], n) { return column('BOOLEAN', n, a.values.slice(), a.validity) } },
    { name: 'not_bool', args: ['BOOLEAN'], returns: 'BOOLEAN', invoke([a], n) { const o = new Uint8Array(n); for (let i = 0; i < n; i++) o[i] = a.values[i] ? 0 : 7; return column('BOOLEAN', n, o) } },
    { name: 'neg', args: ['INTEGER'], returns: 'INTEGER', invoke([a], n) { const o = new Int32Array(n); for (let i = 0; i < n; i++) o[i] = -a.values[i]; return column('INTEGER', n, o) } },
    { name: 'neg', args: ['BIGINT'], returns: 'BIGINT', invoke([a], n) { const o = new BigInt64Array(n); for (let i = 0; i < n; i++) o[i] = -a.values[i]; return column('BIGINT', n, o) } },
    { name: 'hypot2', args: ['DOUBLE', 'DOUBLE'], returns: 'DOUBLE', volatility: 'immutable', invoke([a, b], n) {
        const o = new Float64Array(n); for (let i = 0; i < n; i++) o[i] = Math.hypot(a.values[i], b.values[i]); return column('DOUBLE', n, o) } },
    { name: 'strlen', args: ['VARCHAR'], returns: 'INTEGER', invoke([s], n) {
        const o = new Int32Array(n); for (let i = 0; i < n; i++) o[i] = readString(s.values, i).length; return column('INTEGER', n, o) } },
    { name: 'identity', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) { return column('VARCHAR', n, s.values, s.validity) } },
    { name: 'sliced', args: ['DOUBLE'], returns: 'DOUBLE', invoke([a], n) { const big = new Float64Array(n + 10).fill(4); return column('DOUBLE', n, big.subarray(5, 5 + n)) } },
    { name: 'lucky', args: [], returns: 'INTEGER', volatility: 'volatile', invoke(args, n) { return column('INTEGER', n, new Int32Array(n).fill(7)) } },
  ],
  aggregates: [
    { name: 'my_sum', args: ['DOUBLE'], returns: 'DOUBLE', init: () => 0, update: (s, [a], i) => s + a.values[i], combine: (a, b) => a + b, finalize: s => s },
  ],
})`

const kit = ExtensionSandbox.load({ name: 'kit', code: CODE })
after(() => kit.dispose())

test('the definition is read back: names, overloads, types, volatility, aggregates', () => {
  assert.equal(kit.version, '0.3.1')
  assert.deepEqual(kit.scalars.filter(s => s.name === 'neg').map(s => s.args), [['INTEGER'], ['BIGINT']])
  assert.equal(kit.scalar('lucky').volatility, 'volatile')
  assert.equal(kit.scalar('hypot2').returns, 'DOUBLE')
  assert.deepEqual(kit.aggregates, [{ name: 'my_sum', args: ['DOUBLE'], returns: 'DOUBLE', index: 0 }])
})

test('every type crosses both ways, validity included', () => {
  const b = new Vector(BOOLEAN, 3, new Uint8Array([1, 0, 1]), new Uint8Array([1, 1, 0]))
  const echoed = kit.callScalar('echo_bool', [b], 3)
  assert.deepEqual([...echoed.data as Uint8Array], [1, 0, 1])
  assert.deepEqual([...echoed.validity!], [1, 1, 0])
  assert.deepEqual([...kit.callScalar('not_bool', [b], 3).data as Uint8Array], [0, 1, 0], 'booleans are normalised to 0/1')
  const i = new Vector(INTEGER, 3, new Int32Array([1, -2, 2147483647]), null)
  assert.deepEqual([...kit.callScalar(kit.scalar('neg', ['INTEGER']), [i], 3).data as Int32Array], [-1, 2, -2147483647])
  const big = new Vector(BIGINT, 2, new BigInt64Array([9007199254740993n, -(2n ** 63n) + 1n]), null)
  assert.deepEqual([...kit.callScalar(kit.scalar('neg', ['BIGINT']), [big], 2).data as BigInt64Array], [-9007199254740993n, 2n ** 63n - 1n])
  const x = new Vector(DOUBLE, 2, new Float64Array([3, NaN]), null), y = new Vector(DOUBLE, 2, new Float64Array([4, 1]), null)
  const h = kit.callScalar('hypot2', [x, y], 2).data as Float64Array
  assert.equal(h[0], 5)
  assert.ok(Number.isNaN(h[1]))
  const s = new Vector(VARCHAR, 5, ['', 'a', 'grüße', '🐻🐻', 'lone \ud800'], null)
  assert.deepEqual([...kit.callScalar('strlen', [s], 5).data as Int32Array], [0, 1, 5, 4, 6])
  assert.deepEqual(kit.callScalar('identity', [s], 5).data, ['', 'a', 'grüße', '🐻🐻', 'lone \ufffd'])
})

test('a result built on a subarray is copied correctly', () => {
  const x = new Vector(DOUBLE, 3, new Float64Array(3), null)
  assert.deepEqual([...kit.callScalar('sliced', [x], 3).data as Float64Array], [4, 4, 4])
})

test('arguments that are slices of larger vectors, zero rows, zero arguments', () => {
  const backing = new Int32Array([10, 20, 30, 40, 50])
  const v = new Vector(INTEGER, 2, backing.subarray(2, 4), null)
  assert.deepEqual([...kit.callScalar(kit.scalar('neg', ['INTEGER']), [v], 2).data as Int32Array], [-30, -40])
  assert.equal(kit.callScalar('hypot2', [new Vector(DOUBLE, 0, new Float64Array(0), null), new Vector(DOUBLE, 0, new Float64Array(0), null)], 0).length, 0)
  assert.deepEqual([...kit.callScalar('lucky', [], 3).data as Int32Array], [7, 7, 7])
})

test('one batch of a million rows grows the arena', () => {
  const n = 1_000_000
  const values = new Float64Array(n).map((_, k) => k)
  const r = kit.callScalar('hypot2', [new Vector(DOUBLE, n, values, null), new Vector(DOUBLE, n, new Float64Array(n), null)], n)
  assert.equal((r.data as Float64Array)[n - 1], n - 1)
  const strings = Array.from({ length: 200_000 }, (_, k) => `row ${k} ü`)
  const back = kit.callScalar('identity', [new Vector(VARCHAR, strings.length, strings, null)], strings.length)
  assert.deepEqual(back.data, strings)
})

test('wrong arguments are the caller\'s error, and do not quarantine', () => {
  const i = new Vector(INTEGER, 1, new Int32Array(1), null)
  assert.throws(() => kit.callScalar('hypot2', [i, i], 1), (e: unknown) => e instanceof GrizzlyError && e.code === '42804' && /expects DOUBLE for argument 1, not INTEGER/.test(e.message))
  assert.throws(() => kit.callScalar('hypot2', [], 1), /takes 2 arguments, not 0/)
  assert.throws(() => kit.callScalar('strlen', [new Vector(VARCHAR, 1, ['x'], null)], 5), /got 1 rows/)
  assert.throws(() => kit.callScalar('hypot', [], 1), (e: unknown) => e instanceof GrizzlyError && e.code === '42883' && e.hint === 'did you mean "hypot2"?')
  assert.throws(() => kit.scalar('neg', ['DOUBLE']), /has no function neg\(DOUBLE\)/)
  assert.equal(kit.quarantined, null)
})

test('stats accumulate per signature', () => {
  const before = kit.stats().find(s => s.signature === 'lucky() -> INTEGER')?.rows ?? 0
  kit.callScalar('lucky', [], 10)
  kit.callScalar('lucky', [], 5)
  const s = kit.stats().find(s => s.signature === 'lucky() -> INTEGER')!
  assert.equal(s.rows - before, 15)
  assert.ok(s.calls >= 2 && s.cpuMs >= 0 && s.wallMs > 0)
})

test('quarantine, reload and dispose', () => {
  const sb = ExtensionSandbox.load({ name: 'once', code: `let calls = 0
    defineExtension({ name: 'once', version: '1.0.0', scalars: [{ name: 'f', args: [], returns: 'INTEGER',
      invoke(a, n) { if (++calls === 2) throw new Error('second call'); return { type: 'INTEGER', length: n, values: new Int32Array(n).fill(calls), validity: null } } }] })` })
  assert.deepEqual([...sb.callScalar('f', [], 1).data as Int32Array], [1])
  assert.throws(() => sb.callScalar('f', [], 1), /threw Error: second call/)
  assert.match(sb.quarantined ?? '', /second call/)
  assert.throws(() => sb.callScalar('f', [], 1), (e: unknown) => e instanceof GrizzlyError && e.code === '38000' && /quarantined/.test(e.message) && e.hint !== undefined)
  sb.reload()
  assert.deepEqual([...sb.callScalar('f', [], 1).data as Int32Array], [1], 'reload starts from fresh state')
  assert.equal(sb.stats()[0]!.failures, 1)
  sb.dispose()
  assert.throws(() => sb.callScalar('f', [], 1), /disposed/)
  assert.throws(() => sb.reload(), /disposed/)
})

test('the per-statement wall budget resets when the statement changes', () => {
  const sb = ExtensionSandbox.load({ name: 'slow', limits: { cpuMsPerCall: 100, wallMsPerStatement: 100 }, code: `
    defineExtension({ name: 'slow', version: '1.0.0', scalars: [{ name: 'f', args: [], returns: 'INTEGER',
      invoke(a, n) { const t = Date.now() + 40; while (Date.now() < t) {} return { type: 'INTEGER', length: n, values: new Int32Array(n), validity: null } } }] })` })
  try {
    sb.callScalar('f', [], 1, 1)
    sb.callScalar('f', [], 1, 2)
    sb.callScalar('f', [], 1, 3)
    assert.throws(() => { for (let k = 0; k < 5; k++) sb.callScalar('f', [], 1, 4) }, (e: unknown) => e instanceof GrizzlyError && e.code === '57014')
  } finally {
    sb.dispose()
  }
})

// ---- WebAssembly ---------------------------------------------------------------------------

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
const MODULES = {
  noMaximum: [...HEADER, 0x05, 0x03, 0x01, 0x00, 0x01],
  small: [...HEADER, 0x05, 0x04, 0x01, 0x01, 0x01, 0x02],
  huge: [...HEADER, 0x05, 0x06, 0x01, 0x01, 0x01, 0x80, 0x80, 0x04],
}

function wasmProbe(wasm?: { maxMemoryMb: number }): string {
  const sb = ExtensionSandbox.load({ name: 'wasm', wasm, code: `
    const MODULES = ${JSON.stringify(MODULES)}
    const tryIt = f => { try { f(); return 'ok' } catch (e) { return e.name } }
    defineExtension({ name: 'wasm', version: '1.0.0', scalars: [{ name: 'probe', args: [], returns: 'VARCHAR', invoke(a, n) {
      const r = typeof WebAssembly === 'undefined' ? ['absent'] : [
        tryIt(() => new WebAssembly.Memory({ initial: 1 })),
        tryIt(() => new WebAssembly.Memory({ initial: 1, maximum: 16 }).grow(15)),
        tryIt(() => new WebAssembly.Memory({ initial: 1, maximum: 16 }).grow(16)),
        tryIt(() => { let k = 0; new WebAssembly.Memory({ initial: 1, get maximum() { return k++ === 0 ? 2 : 1e6 } }).grow(1000) }),
        tryIt(() => new WebAssembly.Module(new Uint8Array(MODULES.noMaximum))),
        tryIt(() => new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(MODULES.small)))),
        tryIt(() => new WebAssembly.Module(new Uint8Array(MODULES.huge))),
        String(WebAssembly.Memory.prototype.constructor === Object && WebAssembly.Module.prototype.constructor === Object),
        typeof WebAssembly.instantiate,
      ]
      return varcharColumn(new Array(n).fill(r.join(',')))
    } }] })` })
  try {
    return (sb.callScalar('probe', [], 1).data as string[])[0]!
  } finally {
    sb.dispose()
  }
}

test('WebAssembly is absent unless allowed', () => {
  assert.equal(wasmProbe(), 'absent')
})

test('allowed WebAssembly memories must declare a capped maximum, from JS and from modules', () => {
  assert.equal(wasmProbe({ maxMemoryMb: 1 }), 'RangeError,ok,RangeError,RangeError,RangeError,ok,RangeError,true,undefined')
  assert.throws(() => ExtensionSandbox.load({ name: 'w', code: '', wasm: { maxMemoryMb: -1 } }), /maxMemoryMb/)
})

test('aggregate states directly: update over group ids, combine, a large VARCHAR finalize', () => {
  const sb = ExtensionSandbox.load({ name: 'agg', code: `defineExtension({ name: 'agg', version: '1.0.0', aggregates: [
    { name: 'concat_all', args: ['VARCHAR'], returns: 'VARCHAR', init: () => '', update: (s, [a], i) => s + readString(a.values, i),
      combine: (a, b) => a + b, finalize: s => s },
    { name: 'total', args: ['INTEGER'], returns: 'BIGINT', init: () => 0n, update: (s, [a], i) => s + BigInt(a.values[i]), combine: (a, b) => a + b, finalize: s => s },
  ] })` })
  try {
    const concat = sb.aggregates[0]!, total = sb.aggregates[1]!
    const a = sb.createAggregateState(concat), b = sb.createAggregateState(concat)
    const rows = 2000, piece = 'ü'.repeat(100)
    const strings = new Vector(VARCHAR, rows, new Array(rows).fill(piece), null)
    a.update([strings], new Int32Array(rows).map((_, i) => i % 2), rows)
    b.update([strings], new Int32Array(rows), rows)
    a.combine(b, new Int32Array([0]), new Int32Array([1]), 1)
    const out = a.finalize(3).data as string[]
    assert.equal(out[0]!.length, 1000 * 100)
    assert.equal(out[1]!.length, 3000 * 100)
    assert.equal(out[2], '')
    const t = sb.createAggregateState(total)
    t.update([new Vector(INTEGER, 3, new Int32Array([2147483647, 2147483647, 5]), null)], new Int32Array([0, 0, 0]), 3)
    assert.deepEqual([...t.finalize(1).data as BigInt64Array], [4294967299n])
    assert.throws(() => a.combine(t, new Int32Array([0]), new Int32Array([0]), 1), /internal error/)
  } finally {
    sb.dispose()
  }
})
