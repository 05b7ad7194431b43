import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { readFileSync, writeFileSync } from 'node:fs'
import { Database } from '../../index.ts'
import { Database as CoreDatabase } from '../../core/database.ts'
import { cleanup, rejects, world } from './helpers.ts'

const w = world('grz-ext-sql-')
test.after(() => cleanup(w.root))
w.publish('calc', '1.0.0')
let n = 0
const open = (policy: unknown = { trusted_keys: [w.publisher.publicKey] }) =>
  Database.open(undefined, { policy, extensionDirectory: join(w.root, `installed-${n++}`) })

test('core alone refuses extension statements with 0A000 and a hint to use the package entry', async () => {
  const db = await CoreDatabase.open()
  for (const sql of [`INSTALL calc FROM '${w.registry}'`, 'LOAD EXTENSION calc', 'UNLOAD calc', 'UPDATE EXTENSIONS', 'SHOW EXTENSION PERMISSIONS calc',
    'CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$', 'DROP FUNCTION f']) {
    const e = await rejects(db.query(sql), '0A000', /package entry/)
    assert.equal(e.position, 0, sql)
  }
  assert.equal(db.extensionHost, null)
  await db.close()
})

test('INSTALL … FROM → LOAD EXTENSION → scalars and aggregate in SQL → UNLOAD → gone (42883)', async () => {
  const db = await open()
  await db.query(`INSTALL calc FROM '${w.registry}'`)
  let list = (await db.query('SELECT extension_name, extension_version, installed, loaded FROM grizzly_extensions()')).rows
  assert.deepEqual(list, [['calc', '1.0.0', true, false]])
  await db.query('LOAD EXTENSION calc')
  const r = await db.query(`SELECT calc_twice(x), calc_tag(s) FROM (VALUES (1.5, 'a'), (NULL, NULL)) t(x, s)`)
  assert.deepEqual(r.rows, [[3, '<a>'], [null, null]])
  assert.deepEqual((await db.query('SELECT calc_total(x::DOUBLE) FROM range(5) t(x)')).rows, [[10]])
  list = (await db.query('SELECT loaded, publisher_key, heap_mb, hooks FROM grizzly_extensions()')).rows
  assert.deepEqual(list, [[true, w.publisher.publicKey, 32n, ['scalar:calc_twice', 'scalar:calc_tag', 'aggregate:calc_total']]])
  // loading again is a no-op
  await db.query('LOAD calc')
  await db.query('UNLOAD EXTENSION calc')
  await rejects(db.query('SELECT calc_twice(1.0)'), '42883')
  await rejects(db.query('SELECT calc_total(1.0)'), '42883')
  await rejects(db.query('UNLOAD EXTENSION calc'), '42704', /not loaded/)
  await db.close()
})

test('LOAD of a bundle directory verifies and checks the policy like an installed one', async () => {
  const dir = w.publish('pathy', '1.0.0')
  const db = await open()
  await db.query(`LOAD '${dir}'`)
  assert.deepEqual((await db.query('SELECT pathy_twice(2.0)')).rows, [[4]])
  assert.deepEqual((await db.query(`SELECT source FROM grizzly_extensions() WHERE extension_name = 'pathy'`)).rows, [['path']])
  await rejects(db.query(`LOAD '${join(w.root, 'nowhere')}'`), '58030', /no such bundle directory/)
  await db.close()
  const untrusting = await open({})
  await rejects(untrusting.query(`LOAD '${dir}'`), '42501', /not trusted|unknown|trust/i)
  await untrusting.close()
})

test('refusals through SQL each keep their own SQLSTATE', async () => {
  // unknown key: the policy trusts nobody
  let db = await open({})
  await rejects(db.query(`INSTALL calc FROM '${w.registry}'`), '42501')
  await db.close()
  // revoked key
  db = await open({ trusted_keys: [w.publisher.publicKey], revoked_keys: [w.publisher.publicKey] })
  await rejects(db.query(`INSTALL calc FROM '${w.registry}'`), '42501', /revoked/)
  await db.close()
  // policy denial names the rule
  db = await open({ trusted_keys: [w.publisher.publicKey], extensions: { calc: { enabled: false } } })
  await db.query(`INSTALL calc FROM '${w.registry}'`)
  const denied = await rejects(db.query('LOAD EXTENSION calc'), '42501', /rule disabled/)
  assert.equal(denied.position, 0)
  await db.close()
  // digest mismatch: an installed file changed on disk
  db = await open()
  await db.query(`INSTALL calc FROM '${w.registry}'`)
  const installed = join(db.extensionHost === null ? '' : (db.extensionHost as unknown as { directory: string }).directory, 'calc', 'index.js')
  writeFileSync(installed, readFileSync(installed, 'utf8') + '\n// changed')
  await rejects(db.query('LOAD EXTENSION calc'), 'XX001', /index\.js/)
  await db.close()
  // engine-API mismatch
  w.publish('future', '1.0.0', { engine: '^2.0.0' })
  db = await open()
  await rejects(db.query(`INSTALL future FROM '${w.registry}'`), '22023', /engine/)
  await db.close()
  // bad signature: a bundle whose signature does not match its manifest
  const forged = w.publish('forged', '1.0.0')
  const sig = JSON.parse(readFileSync(join(forged, 'signature'), 'utf8')) as { signature: string }
  sig.signature = (sig.signature.startsWith('0') ? '1' : '0') + sig.signature.slice(1)
  writeFileSync(join(forged, 'signature'), JSON.stringify(sig))
  db = await open()
  await rejects(db.query(`LOAD '${forged}'`), '42501', /signature/)
  // unknown extension and unknown registry
  await rejects(db.query(`INSTALL nosuch FROM '${w.registry}'`), '42704')
  await rejects(db.query('INSTALL calc'), '22023', /FROM/)
  await rejects(db.query('LOAD EXTENSION calc'), '42704')
  await db.close()
})

test('downgrades are refused unless FORCE INSTALL; UPDATE EXTENSIONS moves to the newest version', async () => {
  const u = world('grz-ext-upd-')
  try {
    u.publish('up', '1.0.0', {}, 2)
    const db = await Database.open(undefined, { policy: { trusted_keys: [u.publisher.publicKey] }, extensionDirectory: join(u.root, 'inst') })
    await db.query(`INSTALL up VERSION '^1' FROM '${u.registry}'`)
    await db.query('LOAD EXTENSION up')
    assert.deepEqual((await db.query('SELECT up_twice(1.0)')).rows, [[2]])
    assert.deepEqual((await db.query('UPDATE EXTENSIONS')).rows, [['up', u.registry, 'no_update_available', '1.0.0', '1.0.0']])
    u.publish('up', '1.1.0', {}, 3)
    const updated = await db.query('UPDATE EXTENSIONS (up)')
    assert.deepEqual(updated.columns.map(c => c.name), ['extension_name', 'repository', 'update_result', 'previous_version', 'current_version'])
    assert.deepEqual(updated.rows, [['up', u.registry, 'updated', '1.0.0', '1.1.0']])
    // the loaded extension moved to the new code
    assert.deepEqual((await db.query('SELECT up_twice(1.0)')).rows, [[3]])
    await rejects(db.query(`INSTALL up VERSION '1.0.0' FROM '${u.registry}'`), '22023', /downgrade|lower/i)
    await db.query(`FORCE INSTALL up VERSION '1.0.0' FROM '${u.registry}'`)
    await rejects(db.query('UPDATE EXTENSIONS (nothere)'), '42704')
    await db.close()
  } finally { cleanup(u.root) }
})

test('SHOW EXTENSION PERMISSIONS lists trust, capabilities granted or not, and effective limits', async () => {
  w.publish('caps', '1.0.0', { capabilities: ['onnx', 'fs.read:/srv/data'], limits: { heapMb: 500 } })
  const db = await open({ trusted_keys: [w.publisher.publicKey], extensions: { caps: { capabilities: ['fs.read:/srv'], limits: { heapMb: 64 } } } })
  await db.query(`INSTALL caps FROM '${w.registry}'`)
  const rows = (await db.query('SHOW EXTENSION PERMISSIONS caps')).toObjects()
  assert.deepEqual(rows.find(r => r['name'] === 'publisher_key'), { kind: 'trust', name: 'publisher_key', requested: w.publisher.publicKey, granted: 'trusted', allowed: true })
  assert.deepEqual(rows.filter(r => r['kind'] === 'capability').map(r => [r['name'], r['allowed']]), [['onnx', false], ['fs.read:/srv/data', true]])
  assert.deepEqual(rows.find(r => r['name'] === 'heapMb'), { kind: 'limit', name: 'heapMb', requested: '500', granted: '64', allowed: true })
  await rejects(db.query('SHOW EXTENSION PERMISSIONS nothere'), '42704')
  await db.close()
})

test('an unsigned bundle is refused (42501, rule unsigned) unless the policy allows unsigned bundles', async () => {
  const { buildBundle } = await import('../../registry/bundle.ts')
  const { writeSource } = await import('./helpers.ts')
  const dir = join(w.root, 'unsigned-bundle')
  buildBundle({ entry: writeSource(w.root, 'loose', '1.0.0'), outDir: dir, manifest: { name: 'loose', version: '1.0.0', engine: '^1.0.0', capabilities: [], limits: {} } as never })
  const strict = await open()
  await rejects(strict.query(`LOAD '${dir}'`), '42501', /unsigned|not signed/)
  await strict.close()
  const lax = await open({ allow_unsigned: true })
  await lax.query(`LOAD '${dir}'`)
  assert.deepEqual((await lax.query('SELECT loose_twice(4.0)')).rows, [[8]])
  assert.deepEqual((await lax.query(`SELECT publisher_key FROM grizzly_extensions() WHERE extension_name = 'loose'`)).rows, [[null]])
  await lax.close()
})

test('INSTALL without FROM uses the extensionRegistry open option', async () => {
  const db = await Database.open(undefined, { policy: { trusted_keys: [w.publisher.publicKey] }, extensionDirectory: join(w.root, `installed-${n++}`), extensionRegistry: w.registry })
  await db.query('INSTALL calc')
  await db.query('LOAD calc')
  assert.deepEqual((await db.query('SELECT calc_twice(1.0)')).rows, [[2]])
  await db.close()
})

test('a table named extensions can still be updated', async () => {
  const db = await open()
  await db.query('CREATE TABLE extensions (a INT)')
  await db.query('INSERT INTO extensions VALUES (1)')
  await db.query('UPDATE extensions SET a = 2')
  assert.deepEqual((await db.query('SELECT a FROM extensions')).rows, [[2]])
  await db.close()
})

test('the policy option is validated: a bad document is 22023 naming the field', async () => {
  await assert.rejects(Database.open(undefined, { policy: { trusted_keyz: [] } }), (e: unknown) => (e as { code?: string }).code === '22023')
  await assert.rejects(Database.open(undefined, { policy: join(w.root, 'missing-policy.json') }), (e: unknown) => (e as { code?: string }).code === '58030')
})

test('a failing extension is quarantined (38000) until LOAD EXTENSION brings it back', async () => {
  const q = world('grz-ext-quar-')
  try {
    const src = join(q.root, 'boom.ts')
    writeFileSync(src, `import { defineExtension, doubleColumn } from 'grizzly-db/sdk'
export default defineExtension({ name: 'boom', version: '1.0.0', scalars: [
  { name: 'boom_check', args: ['DOUBLE'], returns: 'DOUBLE', invoke([x], n) {
    const v = x!.values as Float64Array
    for (let i = 0; i < n; i++) if (v[i]! < 0) throw new Error('negative input')
    return doubleColumn(v.slice(0, n), x!.validity)
  } }] })
`)
    const { buildBundle } = await import('../../registry/bundle.ts')
    const { signBundle } = await import('../../registry/index.ts')
    const dir = join(q.root, 'boom-bundle')
    buildBundle({ entry: src, outDir: dir, manifest: { name: 'boom', version: '1.0.0', engine: '^1.0.0', capabilities: [], limits: {} } as never })
    signBundle(dir, q.publisher.secretKey)
    const db = await Database.open(undefined, { policy: { trusted_keys: [q.publisher.publicKey] }, extensionDirectory: join(q.root, 'inst') })
    await db.query(`LOAD '${dir}'`)
    assert.deepEqual((await db.query('SELECT boom_check(1.0)')).rows, [[1]])
    await rejects(db.query('SELECT boom_check(-1.0)'), '38000', /negative input/)
    await rejects(db.query('SELECT boom_check(1.0)'), '38000', /quarantined/)
    await db.query(`LOAD '${dir}'`)
    assert.deepEqual((await db.query('SELECT boom_check(2.0)')).rows, [[2]])
    await db.close()
  } finally { cleanup(q.root) }
})
