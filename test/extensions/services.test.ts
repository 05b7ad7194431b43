/**
 * Capability services through LOAD EXTENSION: a signed bundle asks for a capability, the policy
 * grants it (or not), the host registers the service's hooks under the extension, makes its
 * methods reachable from that extension's isolate only, and removes the hooks on UNLOAD.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Database } from '../../index.ts'
import { DOUBLE } from '../../core/types/types.ts'
import { Vector } from '../../core/vector/vector.ts'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../../registry/index.ts'
import type { CapabilityService } from '../../sandbox/services.ts'
import { cleanup, rejects, tempRoot } from './helpers.ts'

const root = tempRoot('grz-services-')
test.after(() => cleanup(root))
const publisher = generateKeyPair()

/** A test service: one method the isolate calls, one SQL function it registers while granted. */
function counterService(): CapabilityService & { registered: string[] } {
  const registered: string[] = []
  return {
    name: 'counter', registered,
    register(hooks, extension) {
      registered.push(extension)
      hooks.registerScalar({
        name: 'counter_answer', description: 'from the counter service', nulls: 'propagate', volatility: 'immutable',
        overloads: [{ args: [], returns: DOUBLE, invoke: (_args, count) => new Vector(DOUBLE, count, new Float64Array(count).fill(42), null) }],
      }, { extension })
      return ['scalar:counter_answer']
    },
    methods: { sum: values => (values as Float64Array).reduce((a, b) => a + b, 0) },
  }
}

const entry = join(root, 'src', 'index.ts')
mkdirSync(join(root, 'src'), { recursive: true })
writeFileSync(entry, `import { defineExtension, doubleColumn, services } from 'grizzly-db/sdk'
export default defineExtension({ name: 'summer', version: '1.0.0', scalars: [
  { name: 'batch_sum', args: ['DOUBLE'], returns: 'DOUBLE', invoke([x], n) {
    const total = services.call('counter', 'sum', x!.values as Float64Array) as number
    return doubleColumn(new Float64Array(n).fill(total))
  } }] })
`)
const bundle = join(root, 'bundle')
buildBundle({ entry, outDir: bundle, manifest: { name: 'summer', version: '1.0.0', engine: '^1.0.0', capabilities: ['counter'], limits: {} } as never })
signBundle(bundle, publisher.secretKey)

const open = (grant: string[], service: CapabilityService) => Database.open(undefined, {
  policy: { trusted_keys: [publisher.publicKey], extensions: { summer: { capabilities: grant } } },
  extensionDirectory: join(root, `inst-${Math.random().toString(36).slice(2)}`),
  services: [service],
})

test('granted: LOAD registers the service hooks (listed in grizzly_extensions), the isolate calls its methods; UNLOAD removes them', async () => {
  const service = counterService()
  const db = await open(['counter'], service)
  await db.query(`LOAD '${bundle}'`)
  assert.deepEqual(service.registered, ['summer'])
  assert.deepEqual((await db.query('SELECT batch_sum(x::DOUBLE) FROM range(5) t(x) LIMIT 1')).rows, [[10]])
  assert.deepEqual((await db.query('SELECT counter_answer()')).rows, [[42]])
  const info = await db.query(`SELECT capabilities, hooks FROM grizzly_extensions() WHERE extension_name = 'summer'`)
  assert.deepEqual(info.rows, [[['counter'], ['scalar:batch_sum', 'scalar:counter_answer']]])
  await db.query('UNLOAD EXTENSION summer')
  await rejects(db.query('SELECT counter_answer()'), '42883')
  await db.close()
})

test('not granted: no hooks are registered and the call is refused with 42501 naming the capability', async () => {
  const service = counterService()
  const db = await open([], service)
  await db.query(`LOAD '${bundle}'`)
  assert.deepEqual(service.registered, [])
  await rejects(db.query('SELECT counter_answer()'), '42883')
  await rejects(db.query('SELECT batch_sum(x::DOUBLE) FROM range(5) t(x)'), '42501', /extension "summer" may not call the service "counter".*capability "counter"/)
  await db.close()
})

test('a bad services option is refused with 22023', async () => {
  await rejects(Database.open(undefined, { services: [{ name: 'a' }, { name: 'a' }] }), '22023', /two services are named "a"/)
  await rejects(Database.open(undefined, { services: [{ name: 'b', methods: { m: 1 } } as never] }), '22023', /method m is not a function/)
})
