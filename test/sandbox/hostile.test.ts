/**
 * The hostile-extension catalogue: escape attempts, loops, memory bombs, malformed output and
 * throws in every phase. Each must fail only its own load or call with a clear GrizzlyError, and
 * the next query on the same database must work.
 */
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { ExtensionSandbox, type SandboxLimits } from '../../sandbox/sandbox.ts'
import { registerSandboxedFunctions } from '../../sandbox/register.ts'

const LIMITS: Partial<SandboxLimits> = { heapMb: 32, cpuMsPerCall: 200, wallMsPerStatement: 2000 }
let db: Database
let healthy: ExtensionSandbox
const loaded: ExtensionSandbox[] = []
let serial = 0

before(async () => {
  db = await Database.open()
  healthy = ExtensionSandbox.load({
    name: 'healthy', code: `defineExtension({ name: 'healthy', version: '1.0.0', scalars: [
      { name: 'plus_one', args: ['INTEGER'], returns: 'INTEGER', invoke([a], n) {
        const out = new Int32Array(n); for (let i = 0; i < n; i++) out[i] = a.values[i] + 1
        return { type: 'INTEGER', length: n, values: out, validity: null } } }] })`,
  })
  registerSandboxedFunctions(db.hooks, healthy)
})
after(() => { healthy.dispose(); for (const s of loaded) s.dispose() })

/** The database still answers, sandboxed and built-in functions alike. */
async function stillWorks(): Promise<void> {
  const r = await db.query('SELECT sum(plus_one(i::INTEGER)), count(*) FROM range(10000) r(i)')
  assert.deepEqual(r.rows[0], [50005000n, 10000n])
}

function extensionWith(invokeBody: string, opts: { returns?: string; prelude?: string } = {}): { sandbox: ExtensionSandbox; fn: string } {
  const n = ++serial
  const name = `hostile_${n}`, fn = `f_${n}`
  const sandbox = ExtensionSandbox.load({
    name, limits: LIMITS,
    code: `${opts.prelude ?? ''}
      defineExtension({ name: '${name}', version: '1.0.0', scalars: [
        { name: '${fn}', args: ['INTEGER'], returns: '${opts.returns ?? 'INTEGER'}', invoke(args, n) { ${invokeBody} } }] })`,
  })
  loaded.push(sandbox)
  registerSandboxedFunctions(db.hooks, sandbox)
  return { sandbox, fn }
}

function matches(code: string, message: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof GrizzlyError, `expected a GrizzlyError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, message)
    return true
  }
}

/** The call fails with `code`/`message`, names extension and function, quarantines, and the database carries on. */
async function callFails(invokeBody: string, code: string, message: RegExp, opts: { returns?: string; prelude?: string } = {}): Promise<ExtensionSandbox> {
  const { sandbox, fn } = extensionWith(invokeBody, opts)
  await assert.rejects(db.query(`SELECT ${fn}(i::INTEGER) FROM range(5000) r(i)`), (e: unknown) => {
    matches(code, message)(e)
    assert.match((e as Error).message, new RegExp(`${fn} of extension "${sandbox.name}"`))
    return true
  })
  assert.ok(sandbox.quarantined !== null, 'the extension is quarantined')
  await assert.rejects(db.query(`SELECT ${fn}(1)`), matches('38000', /quarantined/))
  await stillWorks()
  return sandbox
}

async function loadFails(code: string, sqlstate: string, message: RegExp, limits = LIMITS): Promise<void> {
  assert.throws(() => ExtensionSandbox.load({ name: 'bad', code, limits }), matches(sqlstate, message))
  await stillWorks()
}

const define = (scalar: string): string => `defineExtension({ name: 'bad', version: '1.0.0', scalars: [${scalar}] })`
const OK_SCALAR = `{ name: 'g', args: ['INTEGER'], returns: 'INTEGER', invoke(a, n) { return { type: 'INTEGER', length: n, values: new Int32Array(n), validity: null } } }`

// ---- escape attempts -----------------------------------------------------------------------

test('the isolate has no host globals: process, require, timers, fetch, Buffer are all absent', async () => {
  const { fn } = extensionWith(`
    const probes = [typeof process, typeof require, typeof setTimeout, typeof setInterval, typeof fetch, typeof Buffer,
      typeof module, typeof globalThis.global, typeof queueMicrotask === 'function' ? 'ok' : 'undefined',
      typeof (0, eval)('typeof process'), (0, eval)('typeof require'), Function('return typeof process')(),
      this === undefined ? 'undefined' : typeof this.process,
      typeof Function('return this')().process, typeof Function('return this')().require, typeof __grizzlyRuntime]
    const out = []
    for (let i = 0; i < n; i++) out.push(probes.join(','))
    return varcharColumn(out)`, { returns: 'VARCHAR' })
  const r = await db.query(`SELECT ${fn}(1)`)
  const values = String(r.rows[0]![0]).split(',')
  assert.deepEqual(values.filter(v => v !== 'undefined' && v !== 'ok' && v !== 'string'), [], values.join(','))
  assert.ok(!values.slice(0, 8).includes('function') && !values.slice(0, 8).includes('object'))
})

test('constructor-chain escape: this.constructor.constructor("return process")() finds nothing', async () => {
  await callFails(`return args.constructor.constructor('return process')().exit(1)`, '38000', /threw ReferenceError: process is not defined/)
})

test('Function("return this")() is the isolate global, without require', async () => {
  await callFails(`return Function('return this')().require('fs')`, '38000', /threw TypeError/)
})

test('prototype tampering after load does not reach the host or the runtime', async () => {
  const { fn } = extensionWith(`
    Int32Array.prototype.set = function () { throw new Error('patched') }
    JSON.stringify = () => 'garbage'
    Object.prototype.then = () => {}
    globalThis.__grizzlyRuntime = null
    const out = new Int32Array(n); for (let i = 0; i < n; i++) out[i] = args[0].values[i] * 3
    return { type: 'INTEGER', length: n, values: out, validity: null }`)
  // the runtime's own copy may use the patched set; either a clean result or a clean error is fine
  try {
    const r = await db.query(`SELECT sum(${fn}(i::INTEGER)) FROM range(100) r(i)`)
    assert.equal(r.rows[0]![0], 14850n)
  } catch (e) {
    matches('38000', /patched|malformed/)(e)
  }
  await stillWorks()
})

test('scribbling over the whole shared arena, header included, cannot corrupt the host', async () => {
  const { fn } = extensionWith(`
    new Uint8Array(args[0].values.buffer).fill(0xff)
    const out = new Int32Array(n).fill(7)
    return { type: 'INTEGER', length: n, values: out, validity: null }`)
  try {
    const r = await db.query(`SELECT sum(${fn}(i::INTEGER)) FROM range(5000) r(i)`)
    assert.equal(r.rows[0]![0], 35000n)
  } catch (e) {
    matches('38000', /malformed/)(e)
  }
  await stillWorks()
})

test('keeping a view of the arena across calls only ever shows arena bytes', async () => {
  const { fn } = extensionWith(`
    globalThis.kept = globalThis.kept || new Int32Array(args[0].values.buffer)
    let s = 0; for (let i = 0; i < 64; i++) s = (s + globalThis.kept[i]) | 0
    const out = new Int32Array(n); out.fill(s === s ? 1 : 0)
    return { type: 'INTEGER', length: n, values: out, validity: null }`)
  const r = await db.query(`SELECT sum(${fn}(i::INTEGER)) FROM range(20000) r(i)`)
  assert.equal(r.rows[0]![0], 20000n)
  await stillWorks()
})

test('eval inside the isolate is the isolate\'s own', async () => {
  const { fn } = extensionWith(`
    const v = eval('typeof process === "undefined" && typeof require === "undefined" ? 1 : 0')
    return { type: 'INTEGER', length: n, values: new Int32Array(n).fill(v), validity: null }`)
  assert.deepEqual((await db.query(`SELECT ${fn}(1)`)).rows[0], [1])
})

// ---- loops and time ------------------------------------------------------------------------

test('while(true) in invoke times out, quarantines, and reload() brings it back', async () => {
  const started = performance.now()
  const sandbox = await callFails(`if (args[0].values[0] >= 0) while (true) {}`, '57014', /ran longer than its limit \(200 ms per call\)/)
  assert.ok(performance.now() - started < 5000)
  sandbox.reload()
  assert.equal(sandbox.quarantined, null)
})

test('Atomics.wait on the shared arena is interrupted by the time limit', async () => {
  await callFails(`Atomics.wait(new Int32Array(args[0].values.buffer), 250, 0); return null`, '57014', /ran longer than its limit/)
})

test('an infinite loop at load time fails the load only', async () => {
  await loadFails(`while (true) {}`, '57014', /"bad" did not finish loading within 2000 ms/)
})

test('a getter that loops forever on the definition fails the load only', async () => {
  await loadFails(`globalThis.__grizzlyExtension = { get name() { while (true) {} } }`, '57014', /did not finish loading/)
})

test('a thrown object whose message getter loops cannot hang the host', async () => {
  await callFails(`throw { get message() { while (true) {} }, toString() { return 'weird' } }`, '38000', /threw a non-Error object: weird/)
  await callFails(`const e = new Error('x'); Object.defineProperty(e, 'message', { get() { while (true) {} } }); throw e`, '57014', /ran longer/)
})

test('the per-statement budget stops an extension that is slow on every batch', async () => {
  const { sandbox, fn } = extensionWith(`const until = Date.now() + 150; while (Date.now() < until) {}
    return { type: 'INTEGER', length: n, values: new Int32Array(n), validity: null }`)
  await assert.rejects(db.query(`SELECT ${fn}(i::INTEGER) FROM range(100000) r(i)`), matches('57014', /time for this statement|ran longer/))
  assert.ok(sandbox.quarantined !== null)
  await stillWorks()
})

// ---- memory --------------------------------------------------------------------------------

test('an array memory bomb disposes the isolate only; reload works', async () => {
  const sandbox = await callFails(`const a = []; while (true) a.push(new Array(100000).fill(1.5))`, '53200', /ran out of memory \(heap limit 32 MB\)/)
  sandbox.reload()
  await stillWorks()
})

test('a string memory bomb fails the call', async () => {
  await callFails(`let s = 'x'; while (true) s += s`, /* V8 caps string length before the heap */ '38000', /Invalid string length/)
})

test('an ArrayBuffer bomb fails the call', async () => {
  await callFails(`const a = []; while (true) a.push(new ArrayBuffer(1 << 24))`, '38000', /Array buffer allocation failed|RangeError/)
})

test('a memory bomb at load time fails the load only', async () => {
  await loadFails(`const a = []; while (true) a.push(new Array(100000).fill(1.5))`, '53200', /ran out of memory while loading/)
})

// ---- malformed output ----------------------------------------------------------------------

test('wrong output length', async () => {
  await callFails(`return { type: 'INTEGER', length: n - 1, values: new Int32Array(n - 1), validity: null }`, '38000', /malformed output: result length/)
})

test('values shorter than the batch', async () => {
  await callFails(`return { type: 'INTEGER', length: n, values: new Int32Array(3), validity: null }`, '38000', /malformed output: values hold 3 entries/)
})

test('floats where integers were declared', async () => {
  await callFails(`return { type: 'INTEGER', length: n, values: new Float64Array(n).fill(NaN), validity: null }`, '38000', /INTEGER values must be an Int32Array/)
})

test('a result of another type than declared', async () => {
  await callFails(`return { type: 'DOUBLE', length: n, values: new Float64Array(n), validity: null }`, '38000', /result type "DOUBLE" where INTEGER was declared/)
})

test('no result, or a primitive', async () => {
  await callFails(`return undefined`, '38000', /invoke returned undefined/)
  await callFails(`return 42`, '38000', /invoke returned number/)
})

test('a validity mask of the wrong length', async () => {
  await callFails(`return { type: 'INTEGER', length: n, values: new Int32Array(n), validity: new Uint8Array(2) }`, '38000', /validity must be/)
})

test('VARCHAR offsets that decrease or point past the bytes', async () => {
  await callFails(`const o = new Int32Array(n + 1); o[1] = 5; o[2] = 2; return { type: 'VARCHAR', length: n, values: { bytes: new Uint8Array(10), offsets: o }, validity: null }`,
    '38000', /offsets decrease/, { returns: 'VARCHAR' })
  await callFails(`const o = new Int32Array(n + 1); o[n] = 1e9; return { type: 'VARCHAR', length: n, values: { bytes: new Uint8Array(10), offsets: o }, validity: null }`,
    '38000', /offsets point outside the bytes/, { returns: 'VARCHAR' })
  await callFails(`return { type: 'VARCHAR', length: n, values: ['a'], validity: null }`, '38000', /VARCHAR values must be/, { returns: 'VARCHAR' })
})

test('a huge output (1 MiB per row) fails on the heap or time limit, not the host', async () => {
  const { sandbox, fn } = extensionWith(`const row = 'x'.repeat(1 << 20); const out = []; for (let i = 0; i < n; i++) out.push(row); return varcharColumn(out)`, { returns: 'VARCHAR' })
  await assert.rejects(db.query(`SELECT ${fn}(i::INTEGER) FROM range(5000) r(i)`), (e: unknown) =>
    e instanceof GrizzlyError && (e.code === '53200' || e.code === '57014') && /ran out of memory|ran longer/.test(e.message))
  assert.ok(sandbox.quarantined !== null)
  await stillWorks()
  const { fn: direct } = extensionWith(`const out = new Uint8Array(1 << 30); return { type: 'VARCHAR', length: n, values: { bytes: out, offsets: new Int32Array(n + 1) }, validity: null }`, { returns: 'VARCHAR' })
  await assert.rejects(db.query(`SELECT ${direct}(1)`), matches('38000', /Array buffer allocation failed|RangeError/))
})

test('large but legal string output grows the arena and arrives intact', async () => {
  const { fn } = extensionWith(`const out = []; for (let i = 0; i < n; i++) out.push('ü'.repeat(200) + args[0].values[i]); return varcharColumn(out)`, { returns: 'VARCHAR' })
  const r = await db.query(`SELECT ${fn}(i::INTEGER) AS s FROM range(3000) r(i) ORDER BY i`)
  assert.equal(r.rows.length, 3000)
  assert.equal(r.rows[2999]![0], 'ü'.repeat(200) + '2999')
})

// ---- throwing in every phase -----------------------------------------------------------------

test('throwing at load time', async () => {
  await loadFails(`throw new TypeError('refusing to start')`, '42P13', /failed to load: its code threw TypeError: refusing to start/)
})

test('a syntax error in index.js', async () => {
  await loadFails(`defineExtension({ name: 'bad', `, '42P13', /failed to load: its code threw SyntaxError/)
})

test('require() at load time', async () => {
  await loadFails(`const fs = require('fs')`, '42P13', /require is not defined/)
})

test('throwing from a getter while the definition is read', async () => {
  await loadFails(`globalThis.__grizzlyExtension = { get name() { throw new Error('no name for you') } }`, '42P13', /no name for you/)
})

test('throwing in invoke, a non-Error, and from a getter on the result', async () => {
  await callFails(`throw new Error('kaboom')`, '38000', /threw Error: kaboom/)
  await callFails(`throw 42`, '38000', /threw 42/)
  await callFails(`return { type: 'INTEGER', length: n, get values() { throw new RangeError('lazy') }, validity: null }`, '38000', /threw RangeError: lazy/)
})

test('stack overflow in invoke', async () => {
  await callFails(`const f = (x) => f(x + 1) + 1; return f(0)`, '38000', /Maximum call stack/)
})

// ---- bad definitions -------------------------------------------------------------------------

test('no defineExtension call', async () => {
  await loadFails(`const x = 1`, '42P13', /did not call defineExtension/)
})

test('a definition under another name than the manifest', async () => {
  await loadFails(`defineExtension({ name: 'other', version: '1.0.0' })`, '42P13', /defines an extension named "other"/)
})

test('the SDK rejects an unknown type, naming the field', async () => {
  await loadFails(define(`{ name: 'g', args: ['TEXT'], returns: 'INTEGER', invoke() {} }`), '42P13', /scalars\[0\]\.args\[0\] must be one of/)
})

test('bypassing the SDK: unknown types, duplicates and a missing invoke are still caught', async () => {
  const raw = (scalars: string): string => `globalThis.__grizzlyExtension = { name: 'bad', version: '1.0.0', scalars: [${scalars}] }`
  await loadFails(raw(`{ name: 'g', args: ['VARCHR'], returns: 'INTEGER', invoke() {} }`), '42P13', /unknown argument type "VARCHR"/)
  await loadFails(raw(`{ name: 'g', args: ['INTEGER'], returns: 'STRING', invoke() {} }`), '42P13', /unknown return type "STRING"/)
  await loadFails(raw(`${OK_SCALAR}, ${OK_SCALAR}`), '42P13', /g\(INTEGER\) is defined twice/)
  await loadFails(raw(`{ name: 'g', args: ['INTEGER'], returns: 'INTEGER' }`), '42P13', /"g" has no invoke function/)
  await loadFails(raw(`{ name: 'Bad Name', args: [], returns: 'INTEGER', invoke() {} }`), '42P13', /not a lowercase identifier/)
  const hinted = (() => { try { ExtensionSandbox.load({ name: 'bad', code: raw(`{ name: 'g', args: ['VARCHR'], returns: 'INTEGER', invoke() {} }`) }) } catch (e) { return e } })()
  assert.ok(hinted instanceof GrizzlyError && hinted.hint === 'did you mean "VARCHAR"?', String((hinted as GrizzlyError).hint))
})

test('bad limits are refused before an isolate is made', () => {
  assert.throws(() => ExtensionSandbox.load({ name: 'x', code: '', limits: { heapMb: 1 } }), matches('22023', /heapMb must be at least 8/))
  assert.throws(() => ExtensionSandbox.load({ name: 'x', code: '', limits: { cpuMsPerCall: -1 } }), matches('22023', /cpuMsPerCall/))
  assert.throws(() => ExtensionSandbox.load({ name: 'Not OK', code: '' }), matches('42P13', /not a lowercase identifier/))
})
