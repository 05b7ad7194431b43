/**
 * Avro object container files, read and written synchronously: the header (magic 'Obj\x01',
 * metadata with the schema and codec, 16-byte sync marker) and data blocks compressed with the
 * null, deflate or snappy codec (snappy blocks end with a big-endian CRC32 of the data, checked).
 * Records are encoded and decoded by avsc; longs are exact (bigint).
 */
import { randomBytes } from 'node:crypto'
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib'
import avro from 'avsc'
import snappy from 'snappyjs'
import { GrizzlyError, SqlState } from '../../errors.ts'

export const AVRO_MAGIC = [0x4f, 0x62, 0x6a, 0x01] as const

export type AvroCodec = 'null' | 'deflate' | 'snappy'

/** avsc's long as bigint, so BIGINT values beyond 2^53 survive. */
const bigintLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => { const buf = Buffer.alloc(8); buf.writeBigInt64LE(BigInt(n)); return buf },
  fromJSON: (x: unknown) => BigInt(x as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
})

/** The avsc type of a schema, longs as bigint (logical ones too: their conversion is ours). */
export function avroType(schema: unknown, path = 'schema'): avro.Type {
  const typeHook = (s: unknown): avro.Type | undefined =>
    s === 'long' || (s !== null && typeof s === 'object' && (s as { type?: unknown }).type === 'long') ? bigintLong : undefined
  try {
    return avro.Type.forSchema(schema as avro.Schema, { typeHook, wrapUnions: 'auto' } as Partial<avro.ForSchemaOptions>)
  } catch (e) {
    throw corrupt(path, `its schema is not valid (${e instanceof Error ? e.message : String(e)})`, e)
  }
}

function corrupt(path: string, what: string, cause?: unknown): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a valid Avro file: ${what}`, {
    hint: 'the file may be truncated or damaged; check that it is an Avro object container file', cause,
  })
}

/** Zigzag varint longs, as Avro's binary encoding writes them. */
class Cursor {
  pos = 0
  constructor(readonly b: Uint8Array, readonly path: string) {}
  long(): number {
    let n = 0
    let shift = 1
    for (let k = 0; k < 10; k++) {
      if (this.pos >= this.b.length) throw corrupt(this.path, 'unexpected end of the file')
      const byte = this.b[this.pos++]!
      n += (byte & 0x7f) * shift
      if ((byte & 0x80) === 0) {
        const v = n % 2 === 0 ? n / 2 : -(n + 1) / 2
        if (!Number.isSafeInteger(v)) throw corrupt(this.path, 'a length out of range')
        return v
      }
      shift *= 128
    }
    throw corrupt(this.path, 'a malformed number')
  }
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.b.length) throw corrupt(this.path, 'unexpected end of the file')
    const out = this.b.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}

export interface AvroHeader {
  readonly schema: unknown
  readonly codec: AvroCodec
  readonly sync: Uint8Array
  /** offset of the first data block */
  readonly dataStart: number
}

export function isAvro(head: Uint8Array): boolean {
  return head.length >= 4 && AVRO_MAGIC.every((b, i) => head[i] === b)
}

export function readHeader(path: string, bytes: Uint8Array): AvroHeader {
  if (!isAvro(bytes)) throw corrupt(path, "it does not start with the Avro magic bytes 'Obj\\x01'")
  const c = new Cursor(bytes, path)
  c.pos = 4
  const meta = new Map<string, Uint8Array>()
  for (let count = c.long(); count !== 0; count = c.long()) {
    if (count < 0) { count = -count; c.long() }
    for (let i = 0; i < count; i++) {
      const key = new TextDecoder().decode(c.bytes(c.long()))
      meta.set(key, c.bytes(c.long()))
    }
  }
  const sync = c.bytes(16)
  const schemaBytes = meta.get('avro.schema')
  if (schemaBytes === undefined) throw corrupt(path, 'the header has no schema')
  let schema: unknown
  try { schema = JSON.parse(new TextDecoder().decode(schemaBytes)) } catch (e) { throw corrupt(path, 'the schema is not valid JSON', e) }
  const codecName = meta.has('avro.codec') ? new TextDecoder().decode(meta.get('avro.codec')) : 'null'
  if (codecName !== 'null' && codecName !== 'deflate' && codecName !== 'snappy') {
    throw new GrizzlyError(SqlState.featureNotSupported, `"${path}" uses the Avro codec "${codecName}", which is not supported`, { hint: 'supported codecs: null, deflate, snappy' })
  }
  return { schema, codec: codecName, sync, dataStart: c.pos }
}

/** The data blocks of a file: record count and the decompressed bytes, in order. */
export function* readBlocks(path: string, bytes: Uint8Array, h: AvroHeader): Generator<{ count: number; data: Buffer; end: number }> {
  const c = new Cursor(bytes, path)
  c.pos = h.dataStart
  while (c.pos < bytes.length) {
    const count = c.long()
    const size = c.long()
    if (count < 0 || size < 0) throw corrupt(path, 'a negative block size')
    // every record but an empty one takes a byte: a larger count is damage, and would spin for ages
    if (count > size + 1_000_000) throw corrupt(path, `a block claims ${count} records in ${size} bytes`)
    const raw = c.bytes(size)
    const marker = c.bytes(16)
    for (let i = 0; i < 16; i++) if (marker[i] !== h.sync[i]) throw corrupt(path, `a block at byte ${c.pos - 16} does not end with the file's sync marker`)
    yield { count, data: decompressBlock(path, raw, h.codec), end: c.pos }
  }
}

function decompressBlock(path: string, raw: Uint8Array, codec: AvroCodec): Buffer {
  try {
    switch (codec) {
      case 'null': return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
      case 'deflate': return inflateRawSync(raw)
      case 'snappy': {
        if (raw.length < 4) throw new Error('block shorter than its checksum')
        const data = Buffer.from(snappy.uncompress(raw.subarray(0, raw.length - 4)))
        const expected = ((raw[raw.length - 4]! << 24) | (raw[raw.length - 3]! << 16) | (raw[raw.length - 2]! << 8) | raw[raw.length - 1]!) >>> 0
        if (crc32(data) !== expected) throw new Error('CRC32 checksum mismatch')
        return data
      }
    }
  } catch (e) {
    if (e instanceof GrizzlyError) throw e
    throw corrupt(path, `a ${codec} block cannot be decompressed (${e instanceof Error ? e.message : String(e)})`, e)
  }
}

/** Decodes `count` records of `type` from a block. */
export function decodeRecords(path: string, type: avro.Type, block: { count: number; data: Buffer }, each: (v: unknown) => void): void {
  let pos = 0
  for (let i = 0; i < block.count; i++) {
    let r: { value: unknown; offset: number }
    try {
      r = type.decode(block.data, pos)
    } catch (e) {
      throw corrupt(path, `a record cannot be decoded (${e instanceof Error ? e.message : String(e)})`, e)
    }
    if (r.offset < 0) throw corrupt(path, 'a block ends in the middle of a record')
    pos = r.offset
    each(r.value)
  }
}

// ---- writing ---------------------------------------------------------------------------------

function zigzag(n: number): number[] {
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  const out: number[] = []
  while (z >= 0x80) { out.push((z % 0x80) | 0x80); z = Math.floor(z / 0x80) }
  out.push(z)
  return out
}

function avroBytes(b: Uint8Array): Buffer { return Buffer.concat([Buffer.from(zigzag(b.length)), b]) }

export class ContainerWriter {
  private readonly parts: Buffer[] = []
  private readonly sync = randomBytes(16)
  private buf = Buffer.alloc(1 << 16)
  private pos = 0
  private count = 0

  constructor(readonly type: avro.Type, schema: unknown, readonly codec: AvroCodec) {
    const meta: [string, Buffer][] = [['avro.schema', Buffer.from(JSON.stringify(schema))], ['avro.codec', Buffer.from(codec)]]
    this.parts.push(Buffer.from(AVRO_MAGIC), Buffer.from(zigzag(meta.length)))
    for (const [k, v] of meta) this.parts.push(avroBytes(Buffer.from(k)), avroBytes(v))
    this.parts.push(Buffer.from([0]), this.sync)
  }

  add(record: unknown): void {
    for (;;) {
      const next = this.type.encode(record, this.buf, this.pos)
      if (next >= 0) { this.pos = next; this.count++; return }
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.pos - next))
      this.buf.copy(bigger, 0, 0, this.pos)
      this.buf = bigger
    }
  }

  flush(): void {
    if (this.count === 0) return
    const data = this.buf.subarray(0, this.pos)
    let block: Buffer
    switch (this.codec) {
      case 'null': block = Buffer.from(data); break
      case 'deflate': block = deflateRawSync(data); break
      case 'snappy': {
        const crc = Buffer.alloc(4)
        crc.writeUInt32BE(crc32(data) >>> 0)
        block = Buffer.concat([Buffer.from(snappy.compress(data)), crc])
        break
      }
    }
    this.parts.push(Buffer.from(zigzag(this.count)), Buffer.from(zigzag(block.length)), block, this.sync)
    this.pos = 0
    this.count = 0
  }

  finish(): Buffer {
    this.flush()
    return Buffer.concat(this.parts)
  }
}
