import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateRaw, inflateRaw } from 'node:zlib'
import avro from 'avsc'
import snappy from 'snappyjs'
import { Database } from '../../core/database.ts'
import { GrizzlyError } from '../../core/errors.ts'
import { avroFormat } from '../../core/formats/avro/index.ts'
import { fails } from './csv-helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'grizzly-avro-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const snappyCodec = (buf: Buffer, cb: (e: Error | null, out?: Buffer) => void): void => {
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(buf) >>> 0)
  cb(null, Buffer.concat([Buffer.from(snappy.compress(buf)), crc]))
}
const snappyDecoder = (buf: Buffer, cb: (e: Error | null, out?: Buffer) => void): void => {
  cb(null, Buffer.from(snappy.uncompress(buf.subarray(0, buf.length - 4))))
}

const passThrough = (b: Buffer, cb: (e: Error | null, out?: Buffer) => void): void => cb(null, b)
const bigLong = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(), toBuffer: (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return b },
  fromJSON: BigInt, toJSON: Number, isValid: (n: unknown) => typeof n === 'bigint', compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
})
const bigLongHook = (x: unknown): unknown => x === 'long' || (x !== null && typeof x === 'object' && (x as { type?: unknown }).type === 'long') ? bigLong : undefined

/** Writes records with avsc's own container encoder (the independent writer). */
function avscWrite(path: string, type: avro.Type, schema: object, records: unknown[], codec: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const enc = new avro.streams.BlockEncoder(type as never, { codec, codecs: { null: passThrough, deflate: deflateRaw, snappy: snappyCodec }, blockSize: 64 } as never)
    // the header keeps the schema as written (logical types included), the records use the bigint longs
    ;(enc as unknown as { _schema: object })._schema = schema
    const out = createWriteStream(path)
    enc.on('error', reject)
    out.on('error', reject).on('close', () => resolve())
    enc.pipe(out)
    for (const r of records) enc.write(r)
    enc.end()
  })
}

function avscRead(path: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const out: unknown[] = []
    avro.createFileDecoder(path, { codecs: { null: passThrough, deflate: inflateRaw, snappy: snappyDecoder }, parseHook: (schema: unknown) => avro.Type.forSchema(schema as avro.Schema, { typeHook: bigLongHook, wrapUnions: 'auto' } as never) } as never)
      .on('data', (r: unknown) => out.push(r)).on('error', reject).on('end', () => resolve(out))
  })
}

const COLUMNS = `b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INTEGER, i64 BIGINT, f REAL, d DOUBLE, m DECIMAL(12,3), w DECIMAL(30,4),
  s VARCHAR, bl BLOB, dt DATE, ts TIMESTAMP, tm TIME, l INTEGER[], st STRUCT(a INTEGER, b VARCHAR[]), ls STRUCT(x DOUBLE)[]`
const VALUES = `(true, -128, -32768, -2147483648, -9223372036854775808, 1.5, -2.25e100, 123456789.123, 12345678901234567890123456.7891,
    'héllo ☃', '\\xAA\\x00'::BLOB, DATE '1999-12-31', TIMESTAMP '2001-02-03 04:05:06.789012', TIME '23:59:59.999999', [1, NULL, 3], {'a': 7, 'b': ['p', NULL]}, [{'x': 0.5}, NULL]),
  (false, 127, 32767, 2147483647, 9223372036854775807, -0.0, 0.1, -0.001, 0, '', ''::BLOB, DATE '1970-01-01', TIMESTAMP '1970-01-01 00:00:00', TIME '00:00:00', [], {'a': NULL, 'b': []::VARCHAR[]}, [{'x': -1.0}]),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`

test('Grizzly writes and reads every type and NULL, with each codec', async () => {
  const db = await Database.open()
  await db.query(`CREATE TABLE src (${COLUMNS})`)
  await db.query(`INSERT INTO src VALUES ${VALUES}`)
  const expected = (await db.query('SELECT * FROM src ORDER BY i8 NULLS LAST')).rows
  for (const codec of ['null', 'deflate', 'snappy']) {
    const p = join(dir, `all-${codec}.avro`)
    assert.deepEqual((await db.query(`COPY src TO '${p}' (FORMAT avro, CODEC '${codec}')`)).rows, [[3n]])
    assert.deepEqual([...readFileSync(p).subarray(0, 4)], [0x4f, 0x62, 0x6a, 0x01])
    await db.query(`CREATE TABLE back (${COLUMNS})`)
    await db.query(`COPY back FROM '${p}'`)
    assert.deepEqual((await db.query('SELECT * FROM back ORDER BY i8 NULLS LAST')).rows, expected, codec)
    await db.query('DROP TABLE back')
    // avsc (the independent reader) decodes our file
    const records = await avscRead(p)
    assert.equal(records.length, 3)
  }
  const rec = (await avscRead(join(dir, 'all-snappy.avro')))[0] as Record<string, unknown>
  assert.equal(rec['s'], 'héllo ☃')
  assert.equal(rec['i32'], -2147483648)
  assert.deepEqual(rec['l'], [1, null, 3])
})

test('files written by avsc: unions, enums, records, arrays, maps, logical types, every codec', async () => {
  const schema = {
    type: 'record', name: 'Event', namespace: 'test.ns', fields: [
      { name: 'id', type: 'long' },
      { name: 'name', type: ['null', 'string'] },
      { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } },
      { name: 'score', type: 'float' },
      { name: 'ok', type: 'boolean' },
      { name: 'raw', type: 'bytes' },
      { name: 'hash', type: { type: 'fixed', name: 'Hash', size: 2 } },
      { name: 'day', type: { type: 'int', logicalType: 'date' } },
      { name: 'at_ms', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'at_us', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }] },
      { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'attrs', type: { type: 'map', values: 'int' } },
      { name: 'point', type: ['null', { type: 'record', name: 'Point', fields: [{ name: 'x', type: 'double' }, { name: 'y', type: 'double' }] }] },
      { name: 'again', type: ['null', 'Point'] },
      { name: 'either', type: ['int', 'string'] },
    ],
  }
  const typeHook = bigLongHook
  const type = avro.Type.forSchema(schema as avro.Schema, { typeHook, wrapUnions: 'auto' } as never)
  const records = [
    { id: 9007199254740993n, name: 'first', kind: 'A', score: 0.5, ok: true, raw: Buffer.from([1, 2]), hash: Buffer.from([0xff, 0]), day: 19000,
      at_ms: 1700000000123n, at_us: 1700000000123456n, price: Buffer.from([0x30, 0x39]), tags: ['x', 'y'], attrs: { k: 1 }, point: { x: 1, y: 2 }, again: null, either: 5 },
    { id: -1n, name: null, kind: 'B', score: -2, ok: false, raw: Buffer.alloc(0), hash: Buffer.from([1, 2]), day: -1,
      at_ms: 0n, at_us: null, price: Buffer.from([0xff]), tags: [], attrs: {}, point: null, again: { x: 3, y: 4 }, either: 'five' },
  ]
  const db = await Database.open()
  for (const codec of ['null', 'deflate', 'snappy']) {
    const p = join(dir, `avsc-${codec}.avro`)
    await avscWrite(p, type, schema, records, codec)
    const cols = 'id BIGINT, name VARCHAR, kind VARCHAR, score REAL, ok BOOLEAN, raw BLOB, hash BLOB, day DATE, at_ms TIMESTAMP, at_us TIMESTAMP, price DECIMAL(9,2), tags VARCHAR[], attrs VARCHAR, point STRUCT(x DOUBLE, y DOUBLE), again STRUCT(x DOUBLE, y DOUBLE), either VARCHAR'
    await db.query(`CREATE TABLE e (${cols})`)
    await db.query(`COPY e FROM '${p}'`)
    const r = await db.query(`SELECT id, name, kind, score, ok, raw::VARCHAR, hash::VARCHAR, day::VARCHAR, at_ms::VARCHAR, at_us::VARCHAR, price::VARCHAR, tags, attrs, point, again, either FROM e ORDER BY id DESC`)
    assert.deepEqual(r.rows, [
      [9007199254740993n, 'first', 'A', 0.5, true, '\\x01\\x02', '\\xFF\\x00', '2022-01-08', '2023-11-14 22:13:20.123', '2023-11-14 22:13:20.123456', '123.45', ['x', 'y'], '{"k":1}', { x: 1, y: 2 }, null, '5'],
      [-1n, null, 'B', -2, false, '', '\\x01\\x02', '1969-12-31', '1970-01-01 00:00:00', null, '-0.01', [], '{}', null, { x: 3, y: 4 }, 'five'],
    ], codec)
    await db.query('DROP TABLE e')
  }
})

test('damaged and wrong files are 22P04 errors naming the file; options are checked', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a INTEGER, b VARCHAR)')
  await db.query("INSERT INTO t VALUES (1, 'x'), (2, NULL)")
  const good = join(dir, 'good.avro')
  await db.query(`COPY t TO '${good}' (FORMAT avro, CODEC snappy)`)
  const bytes = readFileSync(good)
  const truncated = join(dir, 'truncated.avro')
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 20))
  await fails(db, `COPY t FROM '${truncated}'`, '22P04', /truncated\.avro/)
  const badCrc = Buffer.from(bytes)
  badCrc[badCrc.length - 17] = badCrc[badCrc.length - 17]! ^ 0xff // last byte of the CRC of the only block
  writeFileSync(join(dir, 'crc.avro'), badCrc)
  await fails(db, `COPY t FROM '${join(dir, 'crc.avro')}'`, '22P04', /CRC32/)
  writeFileSync(join(dir, 'notavro.avro'), 'hello')
  await fails(db, `COPY t FROM '${join(dir, 'notavro.avro')}'`, '22P04', /magic/)
  await fails(db, `COPY t TO '${join(dir, 'x.avro')}' (FORMAT avro, CODEC zip)`, '22023', /codec/)
  await fails(db, `COPY t TO '${join(dir, 'x.avro')}' (FORMAT avro, CODECS snappy)`, '22023', /did you mean "codec"/)
  await fails(db, `COPY t FROM '${good}' (FORMAT avro, foo 1)`, '22023', /unknown Avro option/)
  assert.equal(avroFormat.sniff!(new Uint8Array(bytes.subarray(0, 16)), good), 1)
  assert.equal(avroFormat.sniff!(new Uint8Array([0x7b]), good), 0)
})

test('mutation fuzz: damaged Avro files read or fail with a GrizzlyError, never crash or hang', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a BIGINT, b VARCHAR, c DOUBLE[], d STRUCT(x INTEGER))')
  await db.query("INSERT INTO t SELECT i, 'v' || i, [i * 0.5, NULL], {'x': i} FROM range(50) r(i)")
  const bases: Buffer[] = []
  for (const codec of ['null', 'deflate', 'snappy']) {
    const p = join(dir, `fuzz-base-${codec}.avro`)
    await db.query(`COPY t TO '${p}' (FORMAT avro, CODEC ${codec})`)
    bases.push(readFileSync(p))
  }
  let seed = 424242
  const rand = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n }
  await db.query('CREATE TABLE sink (a BIGINT, b VARCHAR, c DOUBLE[], d STRUCT(x INTEGER))')
  for (let k = 0; k < 300; k++) {
    const b = Buffer.from(bases[k % bases.length]!)
    let bytes: Buffer = b
    const edits = 1 + rand(3)
    for (let j = 0; j < edits; j++) {
      switch (rand(3)) {
        case 0: bytes[rand(bytes.length)] = rand(256); break
        case 1: bytes = bytes.subarray(0, rand(bytes.length)); break
        default: { const at = rand(bytes.length); bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([rand(256)]), bytes.subarray(at)]) }
      }
    }
    const p = join(dir, `fuzz${k % 5}.avro`)
    writeFileSync(p, bytes)
    try {
      await db.query(`COPY sink FROM '${p}' (FORMAT avro)`)
    } catch (e) {
      assert.ok(e instanceof GrizzlyError && e.code !== 'XX000', `case ${k}: ${e instanceof Error ? e.stack : String(e)}`)
    }
  }
})
