/**
 * CREATE MODEL / DROP MODEL / SHOW MODELS and the model store, with a small model format the
 * test defines (core knows none): bytes "TINYMODEL\n" + JSON { inputs, outputs }.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fails } from '../../expect-error.ts'
import { Database } from '../../../core/database.ts'
import { GrizzlyError, SqlState } from '../../../core/errors.ts'
import type { ModelFormatDef, ModelSignature } from '../../../core/hooks/contracts.ts'
import { BIGINT, VARCHAR } from '../../../core/types/types.ts'
import { Vector } from '../../../core/vector/vector.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-models-'))
process.on('exit', () => rmSync(dir, { recursive: true, force: true }))

const MAGIC = 'TINYMODEL\n'
const tiny: ModelFormatDef = {
  name: 'tiny',
  extensions: ['tiny'],
  sniff: bytes => Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') === MAGIC,
  describe(bytes) {
    try { return JSON.parse(Buffer.from(bytes.subarray(MAGIC.length)).toString('utf8')) as ModelSignature } catch (e) {
      throw new GrizzlyError(SqlState.badFileFormat, `the signature does not parse: ${(e as Error).message}`)
    }
  },
}

function modelFile(name: string, signature: ModelSignature | string): string {
  const path = join(dir, name)
  writeFileSync(path, MAGIC + (typeof signature === 'string' ? signature : JSON.stringify(signature)))
  return path
}

const SIG: ModelSignature = {
  inputs: [{ name: 'x', type: 'float32', shape: ['N', 3] }],
  outputs: [{ name: 'y', type: 'float32', shape: [null, 1] }],
}

test('CREATE MODEL stores the bytes with their SHA-256; SHOW MODELS describes them through the format', async () => {
  const db = await Database.open()
  db.hooks.registerModelFormat(tiny)
  const path = modelFile('a.tiny', SIG)
  await db.exec(`CREATE MODEL churn FROM '${path}'`)
  const r = await db.query('SHOW MODELS')
  assert.deepEqual(r.columns.map(c => c.name), ['name', 'format', 'sha256', 'size', 'inputs', 'outputs', 'signed_by', 'tokenizer'])
  const [row] = r.toObjects()
  assert.equal(row!.tokenizer, null)
  const bytes = Buffer.from(MAGIC + JSON.stringify(SIG))
  assert.equal(row!.name, 'churn')
  assert.equal(row!.format, 'tiny')
  assert.equal(row!.sha256, createHash('sha256').update(bytes).digest('hex'))
  assert.equal(row!.size, BigInt(bytes.length))
  assert.deepEqual(row!.inputs, [{ name: 'x', type: 'float32', shape: ['N', '3'] }])
  assert.deepEqual(row!.outputs, [{ name: 'y', type: 'float32', shape: ['?', '1'] }])
  await db.close()
})

test('SHOW MODELS describes a tokenizer once (when CREATE MODEL checks it), not on every listing', async () => {
  const db = await Database.open()
  let parses = 0
  db.hooks.registerModelFormat({ ...tiny, checkTokenizer: bytes => { parses++; return `${Buffer.from(bytes).toString('utf8').split('\n').length} tokens` } })
  await db.exec(`CREATE MODEL t FROM '${modelFile('t.tiny', SIG)}' (TOKENIZER '${modelFile('vocab2.txt', 'a\nb')}')`)
  assert.equal(parses, 1)
  for (let i = 0; i < 3; i++) assert.match(String((await db.query('SHOW MODELS')).toObjects()[0]!.tokenizer), /^3 tokens, sha256 [0-9a-f]{64}$/)
  assert.equal(parses, 1)
  await db.close()
})

test('CREATE MODEL errors: missing file, not a model, damaged model, duplicate; IF NOT EXISTS and OR REPLACE', async () => {
  const db = await Database.open()
  await fails(() => db.exec(`CREATE MODEL m FROM '${modelFile('x.tiny', SIG)}'`), SqlState.badFileFormat, /no registered model format/)
  db.hooks.registerModelFormat(tiny)
  const missing = await fails(() => db.exec(`CREATE MODEL m FROM '${join(dir, 'nope.tiny')}'`), SqlState.undefinedFile, /does not exist/)
  assert.equal(missing.position, 0)
  const junk = join(dir, 'junk.tiny')
  writeFileSync(junk, 'hello, not a model')
  const notModel = await fails(() => db.exec(`CREATE MODEL m FROM '${junk}'`), SqlState.badFileFormat, /junk\.tiny.*is not a model/)
  assert.match(notModel.hint!, /registered formats: tiny/)
  await fails(() => db.exec(`CREATE MODEL m FROM '${modelFile('bad.tiny', '{not json')}'`), SqlState.badFileFormat, /bad\.tiny.*not a valid tiny model/)
  assert.equal((await db.query('SHOW MODELS')).rows.length, 0)

  await db.exec(`CREATE MODEL m FROM '${modelFile('one.tiny', SIG)}'`)
  await fails(() => db.exec(`CREATE MODEL M FROM '${modelFile('two.tiny', SIG)}'`), SqlState.duplicateObject, /model "m" already exists/)
  await db.exec(`CREATE MODEL IF NOT EXISTS m FROM '${join(dir, 'nope.tiny')}'`) // not read at all
  const other: ModelSignature = { inputs: [{ name: 'z', type: 'float64', shape: [2] }], outputs: [] }
  await db.exec(`CREATE OR REPLACE MODEL m FROM '${modelFile('three.tiny', other)}'`)
  assert.deepEqual((await db.query('SHOW MODELS')).toObjects()[0]!.inputs, [{ name: 'z', type: 'float64', shape: ['2'] }])
  await fails(() => db.exec('CREATE MODEL s.m FROM \'x\''), SqlState.featureNotSupported, /schema-qualified/)
  await assert.rejects(db.exec('CREATE MODEL m2 FROM 42'), (e: unknown) => e instanceof GrizzlyError && e.code === SqlState.syntaxError)
  // a format that reads no tokenizer refuses the option before storing anything
  await fails(() => db.exec(`CREATE MODEL m2 FROM '${modelFile('four.tiny', SIG)}' (TOKENIZER '${modelFile('vocab.txt', '[UNK]')}')`), SqlState.featureNotSupported, /tiny models take no tokenizer/)
  await assert.rejects(db.exec(`CREATE MODEL m2 FROM 'x.tiny' (TOKENIZER 42)`), (e: unknown) => e instanceof GrizzlyError && e.code === SqlState.syntaxError)
  assert.deepEqual((await db.query('SHOW MODELS')).rows.map(r => r[0]), ['m'])
  await db.close()
})

test('DROP MODEL, IF EXISTS, did-you-mean; ROLLBACK undoes CREATE and DROP', async () => {
  const db = await Database.open()
  db.hooks.registerModelFormat(tiny)
  const path = modelFile('r.tiny', SIG)
  await db.exec(`CREATE MODEL churn FROM '${path}'`)
  const e = await fails(() => db.exec('DROP MODEL chrun'), SqlState.undefinedObject, /model "chrun" does not exist/)
  assert.match(e.hint!, /did you mean "churn"/)
  await db.exec('DROP MODEL IF EXISTS nothing')
  await db.exec('BEGIN; DROP MODEL churn; ROLLBACK')
  assert.equal((await db.query('SHOW MODELS')).rows.length, 1)
  await db.exec(`BEGIN; CREATE MODEL other FROM '${path}'; ROLLBACK`)
  assert.deepEqual((await db.query('SHOW MODELS')).rows.map(r => r[0]), ['churn'])
  await db.exec('DROP MODEL churn')
  assert.equal((await db.query('SHOW MODELS')).rows.length, 0)
  await db.close()
})

test('a scalar bind sees constant arguments and the stored models (ScalarBindInfo)', async () => {
  const db = await Database.open()
  db.hooks.registerModelFormat(tiny)
  await db.exec(`CREATE MODEL m FROM '${modelFile('b.tiny', SIG)}'`)
  db.hooks.registerScalar({
    name: 'model_input_count', nulls: 'propagate', volatility: 'stable',
    bind(argTypes, info) {
      if (argTypes.length !== 1) return undefined
      const name = info?.constants[0]
      if (typeof name !== 'string') throw new GrizzlyError(SqlState.invalidParameterValue, 'the model name must be a constant', { hint: 'write it as a string literal' })
      const model = info?.ctx?.model?.(name)
      if (model === undefined) throw new GrizzlyError(SqlState.undefinedObject, `model "${name}" does not exist`, { hint: 'CREATE MODEL first' })
      const n = BigInt(tiny.describe(model.bytes, model.sha256).inputs.length)
      return { argTypes: [VARCHAR], returns: BIGINT, invoke: (_a, count) => new Vector(BIGINT, count, new BigInt64Array(count).fill(n), null) }
    },
  })
  assert.deepEqual((await db.query("SELECT model_input_count('m')")).rows, [[1n]])
  await fails(() => db.query("SELECT model_input_count('zz')"), SqlState.undefinedObject, /model "zz"/)
  await fails(() => db.query("SELECT model_input_count(s) FROM (VALUES ('m')) t(s)"), SqlState.invalidParameterValue, /constant/)
  await db.close()
})

test('models persist with the database file and survive reopening; read-only opens see them', async () => {
  const file = join(dir, 'models.grz')
  const path = modelFile('p.tiny', SIG)
  const big = join(dir, 'big.tiny')
  // larger than a block (256 KiB) so the stream spans blocks
  writeFileSync(big, MAGIC + JSON.stringify({ ...SIG, pad: 'x'.repeat(600_000) }))
  let db = await Database.open(file)
  db.hooks.registerModelFormat(tiny)
  await db.exec(`CREATE MODEL a FROM '${path}'`)
  await db.exec(`CREATE MODEL b FROM '${big}'`)
  await db.exec('CREATE TABLE t AS SELECT 1 AS x')
  await db.exec('DROP MODEL a')
  await db.exec(`CREATE MODEL c FROM '${path}'`)
  const before = (await db.query('SHOW MODELS')).rows.map(r => [r[0], r[2], r[3]])
  await db.close()

  const reader = await Database.open(file, { readOnly: true })
  assert.deepEqual((await reader.query('SHOW MODELS')).rows.map(r => [r[0], r[2], r[3]]), before)
  await assert.rejects(reader.exec(`CREATE MODEL d FROM '${path}'`), (e: unknown) => e instanceof GrizzlyError && e.code === SqlState.readOnlyTransaction)
  await reader.close()

  db = await Database.open(file)
  // without the format the models are still there, undescribed
  const rows = (await db.query('SHOW MODELS')).toObjects()
  assert.deepEqual(rows.map(r => [r.name, r.sha256, r.size]), before)
  assert.equal(rows[0]!.inputs, null)
  db.hooks.registerModelFormat(tiny)
  assert.deepEqual((await db.query('SHOW MODELS')).toObjects()[1]!.inputs, [{ name: 'x', type: 'float32', shape: ['N', '3'] }])
  assert.deepEqual((await db.query('PRAGMA integrity_check')).rows, [['ok']])
  await db.exec('DROP MODEL b')
  await db.exec('CHECKPOINT')
  await db.close()
  db = await Database.open(file)
  assert.deepEqual((await db.query('SHOW MODELS')).rows.map(r => r[0]), ['c'])
  await db.close()
})

test('CREATE / DROP / SHOW MODELS parse and format back to the same statement', async () => {
  const { formatStatement, parseOne } = await import('../../../core/parser/index.ts')
  for (const sql of ["CREATE OR REPLACE MODEL IF NOT EXISTS \"Churn\" FROM 'it''s.onnx'", 'DROP MODEL IF EXISTS a, b', 'SHOW MODELS']) {
    const ast = parseOne(sql)
    assert.deepEqual(JSON.parse(JSON.stringify(parseOne(formatStatement(ast)), (k, v) => k === 'pos' ? undefined : v)),
      JSON.parse(JSON.stringify(ast, (k, v) => k === 'pos' ? undefined : v)))
  }
  const create = parseOne("CREATE MODEL m FROM 'x.onnx'")
  assert.equal(create.kind, 'create_model')
  if (create.kind === 'create_model') assert.deepEqual([create.name, create.path, create.orReplace, create.ifNotExists], ['m', 'x.onnx', false, false])
})

test('models are versioned like tables: another session sees a CREATE once it commits and a dropped model until the DROP commits', async () => {
  const db = await Database.open()
  db.hooks.registerModelFormat(tiny)
  const a = db.connect(), b = db.connect()
  const path = modelFile('v.tiny', SIG)
  await a.exec(`BEGIN; CREATE MODEL m FROM '${path}'`)
  assert.deepEqual((await a.query('SHOW MODELS')).rows.map(r => r[0]), ['m'])
  assert.deepEqual((await b.query('SHOW MODELS')).rows.length, 0)
  await a.exec('COMMIT')
  assert.deepEqual((await b.query('SHOW MODELS')).rows.map(r => r[0]), ['m'])
  await a.exec('BEGIN; DROP MODEL m')
  assert.deepEqual((await b.query('SHOW MODELS')).rows.map(r => r[0]), ['m'])
  await a.exec('ROLLBACK')
  assert.deepEqual((await a.query('SHOW MODELS')).rows.map(r => r[0]), ['m'])
  await db.close()
})
