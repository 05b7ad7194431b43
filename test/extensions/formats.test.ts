import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from '../../index.ts'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, publish, signBundle } from '../../registry/index.ts'
import { cleanup, rejects, tempRoot } from './helpers.ts'

const root = tempRoot('grz-formats-')
test.after(() => cleanup(root))
const data = join(root, 'data'), outside = join(root, 'outside')
mkdirSync(data)
mkdirSync(outside)
writeFileSync(join(data, 'app.ini'), '; comment\n[server]\nhost = example.org\nport=8080\n\n[db]\nname = "main db"\nempty =\n')
writeFileSync(join(data, 'broken.ini'), '[a]\nthis is not a pair\n')
writeFileSync(join(outside, 'secret.ini'), '[s]\nk = v\n')
symlinkSync(join(outside, 'secret.ini'), join(data, 'link.ini'))

const publisher = generateKeyPair(), registryKey = generateKeyPair()
const registry = join(root, 'registry')
const example = fileURLToPath(new URL('../../examples/extensions/ini/', import.meta.url))
const bundle = join(root, 'ini-bundle')
const manifest = { ...JSON.parse(readFileSync(join(example, 'manifest.json'), 'utf8')), capabilities: [`fs.read:${data}`] }
buildBundle({ entry: join(example, 'index.ts'), outDir: bundle, manifest })
signBundle(bundle, publisher.secretKey)
publish(registry, bundle, registryKey.secretKey)

const open = (grant: string[]) => Database.open(undefined, {
  policy: { trusted_keys: [publisher.publicKey], extensions: { ini: { capabilities: grant } } },
  extensionDirectory: join(root, `inst-${Math.random().toString(36).slice(2)}`),
})

test('the ini example reads files through FROM and read_ini, parsed in the sandbox', async () => {
  const db = await open([`fs.read:${data}`])
  await db.query(`INSTALL ini FROM '${registry}'`)
  await db.query('LOAD EXTENSION ini')
  const r = await db.query(`SELECT section, key, value, line FROM '${join(data, 'app.ini')}' ORDER BY line`)
  assert.deepEqual(r.rows, [['server', 'host', 'example.org', 3], ['server', 'port', '8080', 4], ['db', 'name', 'main db', 7], ['db', 'empty', null, 8]])
  assert.deepEqual((await db.query(`SELECT count(*) FROM read_ini('${join(data, 'app.ini')}') WHERE section = 'db'`)).rows, [[2n]])
  assert.deepEqual((await db.query(`SELECT hooks FROM grizzly_extensions() WHERE extension_name = 'ini'`)).rows, [[['format:ini']]])
  // the reader's internal functions are not callable from SQL
  await rejects(db.query(`SELECT __format_ini_parse('a', 'b')`), '42883')
  await rejects(db.query(`SELECT * FROM '${join(data, 'broken.ini')}'`), '38000', /broken\.ini:2: expected key = value/)
  await db.query('UNLOAD EXTENSION ini')
  await assert.rejects(db.query(`SELECT * FROM read_ini('${join(data, 'app.ini')}')`))
  await db.close()
})

test('the host reads only what fs.read grants: other folders and symlinks out of it are 42501', async () => {
  const db = await open([`fs.read:${data}`])
  await db.query(`INSTALL ini FROM '${registry}'`)
  await db.query('LOAD EXTENSION ini')
  await rejects(db.query(`SELECT * FROM '${join(outside, 'secret.ini')}'`), '42501', /may not read/)
  await rejects(db.query(`SELECT * FROM '${join(data, 'link.ini')}'`), '42501', /may read only inside/)
  await rejects(db.query(`SELECT * FROM '${join(data, 'missing.ini')}'`), '58P01')
  await db.close()
  // a policy that grants nothing: the manifest's request is not enough
  const none = await open([])
  await none.query(`INSTALL ini FROM '${registry}'`)
  await none.query('LOAD EXTENSION ini')
  await rejects(none.query(`SELECT * FROM '${join(data, 'app.ini')}'`), '42501', /grant it fs\.read/)
  const perms = (await none.query('SHOW EXTENSION PERMISSIONS ini')).toObjects().filter(p => p['kind'] === 'capability')
  assert.deepEqual(perms.map(p => [p['name'], p['allowed']]), [[`fs.read:${data}`, false]])
  await none.close()
})

test('a format whose parse returns the wrong shape fails the query with 38000, naming the format', async () => {
  const src = join(root, 'badfmt.ts')
  writeFileSync(src, `import { defineExtension, integerColumn, varcharColumn } from 'grizzly-db/sdk'
export default defineExtension({ name: 'badfmt', version: '1.0.0', formats: [
  { name: 'short', extensions: ['short'], columns: [{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'VARCHAR' }],
    parse: () => [integerColumn(Int32Array.of(1, 2))] },
  { name: 'ragged', extensions: ['ragged'], columns: [{ name: 'a', type: 'INTEGER' }, { name: 'b', type: 'VARCHAR' }],
    parse: () => [integerColumn(Int32Array.of(1, 2)), varcharColumn(['x'])] },
  { name: 'typed', extensions: ['typed'], columns: [{ name: 'a', type: 'INTEGER' }],
    parse: () => [varcharColumn(['x'])] },
] })
`)
  const dir = join(root, 'badfmt-bundle')
  buildBundle({ entry: src, outDir: dir, manifest: { name: 'badfmt', version: '1.0.0', engine: '^1.0.0', capabilities: [`fs.read:${data}`], limits: {} } as never })
  signBundle(dir, publisher.secretKey)
  for (const ext of ['short', 'ragged', 'typed']) writeFileSync(join(data, `x.${ext}`), 'anything')
  const db = await Database.open(undefined, { policy: { trusted_keys: [publisher.publicKey], extensions: { badfmt: { capabilities: [`fs.read:${data}`] } } } })
  await db.query(`LOAD '${dir}'`)
  await rejects(db.query(`SELECT * FROM '${join(data, 'x.short')}'`), '38000', /format short: parse must return 2 columns/)
  await db.query(`LOAD '${dir}'`)
  await rejects(db.query(`SELECT * FROM '${join(data, 'x.ragged')}'`), '38000', /column b must be a Column of type VARCHAR and 2 rows/)
  await db.query(`LOAD '${dir}'`)
  await rejects(db.query(`SELECT * FROM read_typed('${join(data, 'x.typed')}')`), '38000', /column a must be a Column of type INTEGER/)
  await db.close()
})
