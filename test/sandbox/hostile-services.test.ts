/**
 * The hostile catalogue, capability-service bridge part: what an extension can do with
 * services.call. Only granted services answer; no host object or reference ever crosses;
 * a service's failure fails the statement (even when the extension catches it) without
 * quarantining the extension; and the database carries on.
 */
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { ExtensionSandbox, type SandboxLimits } from '../../sandbox/sandbox.ts'
import { registerSandboxedFunctions } from '../../sandbox/register.ts'
import type { CapabilityService, ServiceValue } from '../../sandbox/services.ts'

const LIMITS: Partial<SandboxLimits> = { heapMb: 32, cpuMsPerCall: 300, wallMsPerStatement: 3000 }
let db: Database
const loaded: ExtensionSandbox[] = []
let serial = 0
/** what the service last returned, to check the isolate got a copy */
let lastReturned: Float64Array | null = null
const calls: string[] = []

const echo: CapabilityService = {
  name: 'echo',
  methods: {
    scale(values, k) {
      calls.push('scale')
      const v = values as Float64Array, out = new Float64Array(v.length)
      for (let i = 0; i < v.length; i++) out[i] = v[i]! * (k as number)
      lastReturned = out
      return out
    },
    echo: (...args) => args,
    kinds: (...args) => args.map(a => a === null ? 'null' : ArrayBuffer.isView(a) ? a.constructor.name : Array.isArray(a) ? 'array' : typeof a),
    fail() { throw new Error('kaboom') },
    failSql() { throw new GrizzlyError('22023', 'vector has 3 dimensions, the index 4', { hint: 'pass 4 numbers' }) },
    leakFunction: () => ({ f: () => 1 }) as unknown as ServiceValue,
    leakHost: () => ({ proc: process }) as unknown as ServiceValue,
    leakMap: () => new Map() as unknown as ServiceValue,
    slow() { const end = Date.now() + 600; while (Date.now() < end) { /* busy */ } return 1 },
  },
}
const GRANTED = new Map([['echo', echo]])

before(async () => { db = await Database.open() })
after(() => { for (const s of loaded) s.dispose() })

function extensionWith(invokeBody: string, opts: { returns?: string; granted?: boolean } = {}): { sandbox: ExtensionSandbox; fn: string } {
  const n = ++serial
  const name = `bridge_${n}`, fn = `b_${n}`
  const sandbox = ExtensionSandbox.load({
    name, limits: LIMITS, services: opts.granted === false ? new Map() : GRANTED,
    code: `defineExtension({ name: '${name}', version: '1.0.0', scalars: [
      { name: '${fn}', args: ['DOUBLE'], returns: '${opts.returns ?? 'DOUBLE'}', invoke(args, n) { ${invokeBody} } }] })`,
  })
  loaded.push(sandbox)
  registerSandboxedFunctions(db.hooks, sandbox)
  return { sandbox, fn }
}

async function stillWorks(): Promise<void> {
  const r = await db.query('SELECT count(*), max(i) FROM range(1000) r(i)')
  assert.deepEqual(r.rows[0], [1000n, 999n])
}

async function fails(fn: string, code: string, message: RegExp, hint?: RegExp): Promise<void> {
  await assert.rejects(db.query(`SELECT ${fn}(i::DOUBLE) FROM range(10) r(i)`), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, `expected a GrizzlyError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, message)
    if (hint !== undefined) assert.match(e.hint ?? '', hint)
    return true
  })
  await stillWorks()
}

const SCALE = `const out = services.call('echo', 'scale', args[0].values, 3)
  return { type: 'DOUBLE', length: n, values: out, validity: null }`

test('a granted service answers synchronously; typed arrays cross both ways as copies', async () => {
  const { fn } = extensionWith(`const out = services.call('echo', 'scale', args[0].values, 3)
    if (!(out instanceof Float64Array)) throw new Error('not a Float64Array: ' + Object.prototype.toString.call(out))
    const result = out.slice()
    out.fill(-1)  // the host's array must not change
    return { type: 'DOUBLE', length: n, values: result, validity: null }`)
  const r = await db.query(`SELECT sum(${fn}(i::DOUBLE)) FROM range(100) r(i)`)
  assert.equal(r.rows[0]![0], 3 * 4950)
  const returned = lastReturned as Float64Array | null
  assert.ok(returned !== null && returned.length === 100)
  assert.ok(returned.every((v, i) => v === 3 * i), 'the isolate wrote into a copy, not the host array')
})

test('values of every ServiceValue kind cross and come back as plain isolate values', async () => {
  const { fn } = extensionWith(`
    const sent = [1.5, 'text', true, null, new Float32Array([1, 2]), new Int32Array([3]), new Uint8Array([4]), new BigInt64Array([5n]), [1, [2]], { a: { b: 'c' } }]
    const kinds = services.call('echo', 'kinds', ...sent)
    const back = services.call('echo', 'echo', ...sent)
    const plain = Object.getPrototypeOf(back) === Array.prototype && Object.getPrototypeOf(back[9]) === Object.prototype
      && back[4] instanceof Float32Array && back[7][0] === 5n && back[9].a.b === 'c'
    return varcharColumn(new Array(n).fill(kinds.join(',') + '|' + plain))`, { returns: 'VARCHAR' })
  const r = await db.query(`SELECT ${fn}(1.0)`)
  assert.equal(r.rows[0]![0], 'number,string,boolean,null,Float32Array,Int32Array,Uint8Array,BigInt64Array,array,object|true')
})

test('the bridge hands the isolate no host object: no global, no Reference, constructor chains stay inside', async () => {
  const { fn } = extensionWith(`
    const call = __grizzlyServices.call
    const probes = [typeof __grizzlyBridge, typeof globalThis.__grizzlyBridge,
      call.constructor('return typeof process')(), call.constructor('return typeof require')(),
      services.call.constructor('return typeof process')(),
      Object.getOwnPropertyNames(globalThis).filter(k => /bridge|ivm|^Reference$|ExternalCopy|Callback/i.test(k)).join('+') || 'none',
      typeof call.applySync, typeof call.deref, typeof call.getSync,
      (() => { try { __grizzlyServices = null } catch (e) {} return __grizzlyServices === null ? 'replaced' : 'kept' })(),
      (() => { try { __grizzlyServices.call = null } catch (e) {} return __grizzlyServices.call === null ? 'replaced' : 'kept' })(),
      typeof __grizzlyServices.call]
    return varcharColumn(new Array(n).fill(probes.join(',')))`, { returns: 'VARCHAR' })
  const r = await db.query(`SELECT ${fn}(1.0)`)
  assert.equal(r.rows[0]![0], 'undefined,undefined,undefined,undefined,undefined,none,undefined,undefined,undefined,kept,kept,function')
})

test('a service that is not granted is refused with 42501 naming the capability, even if the extension catches it', async () => {
  const { sandbox, fn } = extensionWith(`try { services.call('echo', 'scale', args[0].values, 2) } catch (e) { /* swallowed */ }
    return { type: 'DOUBLE', length: n, values: new Float64Array(n), validity: null }`, { granted: false })
  await fails(fn, '42501', /may not call the service "echo".*capability "echo"/, /capabilities/)
  assert.equal(sandbox.quarantined, null, 'a refusal is not the extension crashing')
  const { fn: other } = extensionWith(`services.call('onnx', 'run'); return null`)
  await fails(other, '42501', /capability "onnx"/)
})

test('an unknown method is 42883 with a hint', async () => {
  const { fn } = extensionWith(`services.call('echo', 'scael', args[0].values, 2); return null`)
  await fails(fn, '42883', /service "echo" has no method "scael"/, /scale/)
})

test('a service that throws fails the statement naming extension, function and service, without quarantine', async () => {
  const { sandbox, fn } = extensionWith(`services.call('echo', 'fail'); return null`)
  await fails(fn, '38000', new RegExp(`function ${fn} of extension "${sandbox.name}".*service "echo" failed in fail.*kaboom`))
  assert.equal(sandbox.quarantined, null)
  const { fn: sql } = extensionWith(`try { services.call('echo', 'failSql') } catch (e) {} ${SCALE}`)
  await fails(sql, '22023', /service "echo" failed in failSql.*3 dimensions/, /pass 4 numbers/)
})

test('a service result that is not a ServiceValue never crosses: functions, host objects, Maps', async () => {
  for (const method of ['leakFunction', 'leakHost', 'leakMap']) {
    const { fn } = extensionWith(`const r = services.call('echo', '${method}'); return { type: 'DOUBLE', length: n, values: new Float64Array(n).fill(typeof r === 'object' && r !== null ? 1 : 0), validity: null }`)
    await fails(fn, '38000', new RegExp(`service "echo" returned .* from ${method}, which cannot cross`))
  }
})

test('arguments that are not ServiceValues are refused: functions cannot be copied, Dates and Maps are not plain', async () => {
  const { fn } = extensionWith(`services.call('echo', 'echo', () => 1); return null`)
  // the copy fails inside the isolate, before the host sees anything: the extension's own error
  await fails(fn, '38000', /threw/)
  const { fn: date } = extensionWith(`services.call('echo', 'echo', { when: new Date() }); return null`)
  await fails(date, '22023', /passed a Date object to echo\.echo/)
  const { fn: malformed } = extensionWith(`__grizzlyServices.call(1, {}, 'x'); return null`)
  await fails(malformed, '22023', /malformed arguments/)
})

test('an argument whose getter loops forever is stopped by the call time limit', async () => {
  const { fn } = extensionWith(`services.call('echo', 'echo', { get x() { for (;;) {} } }); return null`)
  await fails(fn, '57014', /ran longer than its limit/)
})

test('calls during loading go through the same grant check', () => {
  const before = calls.length
  const sandbox = ExtensionSandbox.load({
    name: 'bridge_load', limits: LIMITS, services: GRANTED,
    code: `services.call('echo', 'scale', new Float64Array([1]), 2); defineExtension({ name: 'bridge_load', version: '1.0.0', scalars: [] })`,
  })
  loaded.push(sandbox)
  assert.equal(calls.length, before + 1)
  assert.throws(() => ExtensionSandbox.load({
    name: 'bridge_load_denied', limits: LIMITS,
    code: `try { services.call('echo', 'scale', new Float64Array([1]), 2) } catch (e) {} defineExtension({ name: 'bridge_load_denied', version: '1.0.0', scalars: [] })`,
  }), (e: unknown) => e instanceof GrizzlyError && e.code === '42501' && /failed to load.*capability "echo"/.test(e.message))
})

test('time spent in a service counts toward the call limit', async () => {
  const { fn } = extensionWith(`services.call('echo', 'slow'); return null`)
  await fails(fn, '57014', /ran longer than its limit/)
})
