/**
 * Binary encoding of column vectors, shared by the WAL (plain, small records) and the .grz
 * column segments (compressed). Each vector is self-describing given its LogicalType:
 * a validity flag (+ bitmap), then the values in a mode picked per segment as the smallest of
 * PLAIN, frame-of-reference bit-packing (FOR; a constant is FOR with 0 bits) and run-length
 * (RLE) for numbers, and PLAIN or DICTIONARY for strings. Multi-byte values are little-endian.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import { GrizzlyError, InternalError, SqlState, assertNever } from '../errors.ts'
import type { Interval, LogicalType, PhysicalType, StructType } from '../types/types.ts'
import { physicalOf } from '../types/types.ts'
import { Vector, allocData, slice, type VectorData } from '../vector/vector.ts'

const UTF8 = new TextEncoder()
/** texts up to this many UTF-16 units are encoded straight into the writer's buffer */
const SHORT_TEXT = 4096
/** a reused writer keeps a buffer up to this size */
const REUSE_LIMIT = 1 << 16

export class ByteWriter {
  private buf = new Uint8Array(256)
  private view = new DataView(this.buf.buffer)
  length = 0

  private ensure(extra: number): void {
    const need = this.length + extra
    if (need <= this.buf.length) return
    let cap = this.buf.length * 2
    while (cap < need) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
    this.view = new DataView(next.buffer)
  }

  u8(v: number): void { this.ensure(1); this.buf[this.length++] = v }
  u32(v: number): void { this.ensure(4); this.view.setUint32(this.length, v, true); this.length += 4 }
  i32(v: number): void { this.ensure(4); this.view.setInt32(this.length, v, true); this.length += 4 }
  f64(v: number): void { this.ensure(8); this.view.setFloat64(this.length, v, true); this.length += 8 }
  i64(v: bigint): void { this.ensure(8); this.view.setBigInt64(this.length, v, true); this.length += 8 }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length }
  /** values [from, from + n) as float64s (a slot `valid` marks null as 0), written in place: no array per call for a commit's few rows */
  f64s(values: ArrayLike<number>, n: number, valid: Uint8Array | null, from = 0): void {
    this.ensure(n * 8)
    const view = this.view
    let at = this.length
    for (let i = from, end = from + n; i < end; i++, at += 8) view.setFloat64(at, valid !== null && valid[i] === 0 ? 0 : values[i]!, true)
    this.length = at
  }
  /** a length-prefixed UTF-8 string */
  text(s: string): void {
    if (s.length > SHORT_TEXT) { const b = Buffer.from(s, 'utf8'); this.u32(b.length); this.bytes(b); return }
    // short texts are encoded in place (at most 3 bytes per UTF-16 unit): no Buffer per string
    this.ensure(4 + s.length * 3)
    const { written } = UTF8.encodeInto(s, this.buf.subarray(this.length + 4))
    this.view.setUint32(this.length, written, true)
    this.length += 4 + written
  }
  /** empties the writer for reuse, dropping a buffer a big record grew */
  reset(): void {
    this.length = 0
    if (this.buf.length > REUSE_LIMIT) { this.buf = new Uint8Array(256); this.view = new DataView(this.buf.buffer) }
  }
  /** patches a u32 written earlier at `at` */
  setU32(at: number, v: number): void { this.view.setUint32(at, v, true) }
  finish(): Uint8Array { return this.buf.subarray(0, this.length) }
}

export class ByteReader {
  private readonly view: DataView
  readonly buf: Uint8Array
  pos = 0
  constructor(buf: Uint8Array, private readonly what: string) {
    // a plain view even over a Buffer: Buffer#slice shares memory where Uint8Array#slice copies
    this.buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new GrizzlyError(SqlState.dataCorrupted, `${this.what} is truncated or corrupt (needs ${n} bytes at offset ${this.pos} of ${this.buf.length})`,
        { hint: 'the database file is damaged; restore it from a backup' })
    }
    const at = this.pos
    this.pos += n
    return at
  }

  u8(): number { return this.buf[this.need(1)]! }
  u32(): number { return this.view.getUint32(this.need(4), true) }
  i32(): number { return this.view.getInt32(this.need(4), true) }
  f64(): number { return this.view.getFloat64(this.need(8), true) }
  i64(): bigint { return this.view.getBigInt64(this.need(8), true) }
  bytes(n: number): Uint8Array { const at = this.need(n); return this.buf.subarray(at, at + n) }
  text(): string { const n = this.u32(); return Buffer.from(this.bytes(n)).toString('utf8') }
  get done(): boolean { return this.pos >= this.buf.length }

  corrupt(detail: string): GrizzlyError {
    return new GrizzlyError(SqlState.dataCorrupted, `${this.what} is corrupt: ${detail}`, { hint: 'the database file is damaged; restore it from a backup' })
  }
}

// ---- numbers --------------------------------------------------------------------------------

const enum NumberMode { Plain = 0, FrameOfReference = 1, RunLength = 2 }
const MAX_PACK_BITS = 32

function bitsFor(range: number): number {
  let bits = 0
  while (bits < 53 && 2 ** bits <= range) bits++
  return bits
}

/** packs values[i] - base (each below 2^bits, bits ≤ 32) into 32-bit words */
function pack(w: ByteWriter, values: ArrayLike<number>, n: number, base: number, bits: number, valid: Uint8Array | null): void {
  w.u8(bits)
  if (bits === 0) return
  const words = new Uint32Array(Math.ceil(n * bits / 32))
  for (let i = 0; i < n; i++) {
    const v = valid !== null && valid[i] === 0 ? 0 : values[i]! - base
    const bit = i * bits, word = bit >>> 5, off = bit & 31
    words[word] = (words[word]! | (v << off)) >>> 0
    if (off + bits > 32) words[word + 1] = (words[word + 1]! | (v >>> (32 - off))) >>> 0
  }
  w.bytes(new Uint8Array(words.buffer))
}

function unpack(r: ByteReader, out: { [i: number]: number }, n: number, base: number): void {
  const bits = r.u8()
  if (bits > MAX_PACK_BITS) throw r.corrupt(`bit width ${bits}`)
  if (bits === 0) { for (let i = 0; i < n; i++) out[i] = base; return }
  const raw = r.bytes(Math.ceil(n * bits / 32) * 4)
  const words = new Uint32Array(raw.slice().buffer)
  const mask = bits === 32 ? 0 : 2 ** bits - 1
  for (let i = 0; i < n; i++) {
    const bit = i * bits, word = bit >>> 5, off = bit & 31
    let x = words[word]! >>> off
    if (off + bits > 32) x |= words[word + 1]! << (32 - off)
    out[i] = base + (bits === 32 ? x >>> 0 : (x & mask) >>> 0)
  }
}

/**
 * Numbers (any typed array or number[] holding integers or floats). `compress` false writes
 * PLAIN (the WAL: cheap to produce). Invalid rows' values are not kept.
 */
/** up to this many plain numbers are written one by one rather than through a Float64Array copy */
const SMALL_PLAIN = 64

export function encodeNumbers(w: ByteWriter, values: ArrayLike<number>, n: number, valid: Uint8Array | null, bytesPerValue: number, compress: boolean): void {
  if (compress && n > 0) {
    let min = Infinity, max = -Infinity, integral = true, runs = 0, prev = NaN
    for (let i = 0; i < n; i++) {
      if (valid !== null && valid[i] === 0) continue
      const v = values[i]!
      if (v !== prev) { runs++; prev = v }
      if (v < min) min = v
      if (v > max) max = v
      if (!Number.isSafeInteger(v) || (v === 0 && 1 / v < 0)) integral = false
    }
    if (min === Infinity) { min = 0; max = 0 }
    if (integral && max - min < 2 ** MAX_PACK_BITS) {
      const bits = bitsFor(max - min)
      const forSize = Math.ceil(n * bits / 32) * 4
      const runBits = bitsFor(n)
      const rleSize = Math.ceil(runs * bits / 32) * 4 + Math.ceil(runs * runBits / 32) * 4 + 16
      if (rleSize < forSize / 2 && bits > 0) {
        w.u8(NumberMode.RunLength)
        const runValues: number[] = [], runLengths: number[] = []
        let last = NaN
        for (let i = 0; i < n; i++) {
          const v = valid !== null && valid[i] === 0 ? (runValues.length > 0 ? last : min) : values[i]!
          if (v === last) runLengths[runLengths.length - 1]!++
          else { runValues.push(v); runLengths.push(1); last = v }
        }
        w.u32(runValues.length)
        w.f64(min)
        pack(w, runValues, runValues.length, min, bits, null)
        pack(w, runLengths, runLengths.length, 0, bitsFor(n), null)
        return
      }
      if (forSize < n * bytesPerValue) {
        w.u8(NumberMode.FrameOfReference)
        w.f64(min)
        pack(w, values, n, min, bits, valid)
        return
      }
    }
  }
  w.u8(NumberMode.Plain)
  if (n <= SMALL_PLAIN) { w.f64s(values, n, valid); return }
  const plain = new Float64Array(n)
  for (let i = 0; i < n; i++) plain[i] = valid !== null && valid[i] === 0 ? 0 : values[i]!
  w.bytes(new Uint8Array(plain.buffer))
}

export function decodeNumbers(r: ByteReader, out: { [i: number]: number }, n: number): void {
  const mode = r.u8()
  switch (mode) {
    case NumberMode.Plain: {
      const plain = new Float64Array(r.bytes(n * 8).slice().buffer)
      for (let i = 0; i < n; i++) out[i] = plain[i]!
      return
    }
    case NumberMode.FrameOfReference: {
      const base = r.f64()
      unpack(r, out, n, base)
      return
    }
    case NumberMode.RunLength: {
      const runs = r.u32()
      if (runs > n) throw r.corrupt(`${runs} runs for ${n} values`)
      const base = r.f64()
      const runValues = new Float64Array(runs), runLengths = new Float64Array(runs)
      unpack(r, runValues, runs, base)
      unpack(r, runLengths, runs, 0)
      let at = 0
      for (let k = 0; k < runs; k++) {
        const end = at + runLengths[k]!
        if (end > n) throw r.corrupt('run lengths exceed the row count')
        for (; at < end; at++) out[at] = runValues[k]!
      }
      if (at !== n) throw r.corrupt('run lengths do not cover the row count')
      return
    }
    default: throw r.corrupt(`unknown number encoding ${mode}`)
  }
}

// ---- strings --------------------------------------------------------------------------------

const enum StringMode { Plain = 0, Dictionary = 1, Deflated = 2 }

/** deflate a segment's text only when it saves at least this fraction (decoding costs an inflate) */
const DEFLATE_MIN_SAVING = 0.25
const DEFLATE_MIN_BYTES = 4096

/** UTF-16 lengths + one UTF-8 buffer: decoding is one toString and n substrings */
function encodePlainStrings(w: ByteWriter, values: readonly string[], compress: boolean): void {
  const lengths = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) lengths[i] = values[i]!.length
  encodeNumbers(w, lengths, values.length, null, 4, compress)
  w.text(values.join(''))
}

function decodePlainStrings(r: ByteReader, n: number): string[] {
  const lengths = new Float64Array(n)
  decodeNumbers(r, lengths, n)
  const all = r.text()
  const out = new Array<string>(n)
  let at = 0
  for (let i = 0; i < n; i++) { const end = at + lengths[i]!; out[i] = all.substring(at, end); at = end }
  if (at !== all.length) throw r.corrupt('string lengths do not match the text')
  return out
}

function encodeStrings(w: ByteWriter, data: readonly (string | undefined)[], n: number, valid: Uint8Array | null, compress: boolean): void {
  const values = new Array<string>(n)
  for (let i = 0; i < n; i++) values[i] = valid !== null && valid[i] === 0 ? '' : data[i] ?? ''
  if (compress && n > 16) {
    const codes = new Float64Array(n)
    const dict = new Map<string, number>()
    let distinctChars = 0, totalChars = 0
    const limit = n >>> 1
    let ok = true
    for (let i = 0; i < n; i++) {
      const s = values[i]!
      totalChars += s.length
      let code = dict.get(s)
      if (code === undefined) {
        if (dict.size >= limit) { ok = false; break }
        code = dict.size
        dict.set(s, code)
        distinctChars += s.length
      }
      codes[i] = code
    }
    // dictionary when codes + distinct text beat the full text
    if (ok && distinctChars + n * bitsFor(dict.size) / 8 < totalChars + n / 2) {
      w.u8(StringMode.Dictionary)
      w.u32(dict.size)
      encodePlainStrings(w, [...dict.keys()], true)
      encodeNumbers(w, codes, n, null, 4, true)
      return
    }
  }
  if (compress) {
    // free text (comments, names) that no dictionary helps: deflate the UTF-8 text
    const plain = new ByteWriter()
    encodePlainStrings(plain, values, true)
    const bytes = plain.finish()
    if (bytes.length >= DEFLATE_MIN_BYTES) {
      const packed = deflateRawSync(bytes, { level: 1 })
      if (packed.length < bytes.length * (1 - DEFLATE_MIN_SAVING)) {
        w.u8(StringMode.Deflated)
        w.u32(bytes.length)
        w.u32(packed.length)
        w.bytes(packed)
        return
      }
    }
    w.u8(StringMode.Plain)
    w.bytes(bytes)
    return
  }
  w.u8(StringMode.Plain)
  encodePlainStrings(w, values, compress)
}

function decodeStrings(r: ByteReader, n: number): string[] {
  const mode = r.u8()
  if (mode === StringMode.Plain) return decodePlainStrings(r, n)
  if (mode === StringMode.Deflated) {
    const rawLength = r.u32()
    const packed = r.bytes(r.u32())
    let raw: Uint8Array
    try { raw = inflateRawSync(packed) } catch { throw r.corrupt('deflated text does not inflate') }
    if (raw.length !== rawLength) throw r.corrupt('deflated text has the wrong length')
    return decodePlainStrings(new ByteReader(raw, 'deflated text'), n)
  }
  if (mode !== StringMode.Dictionary) throw r.corrupt(`unknown string encoding ${mode}`)
  const size = r.u32()
  if (size > n) throw r.corrupt(`dictionary of ${size} entries for ${n} values`)
  const dict = decodePlainStrings(r, size)
  const codes = new Float64Array(n)
  decodeNumbers(r, codes, n)
  const out = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    const s = dict[codes[i]!]
    if (s === undefined) throw r.corrupt(`dictionary code ${codes[i]} out of range`)
    out[i] = s
  }
  return out
}

// ---- validity -------------------------------------------------------------------------------

/** the validity of rows [from, from + n) */
function encodeValidity(w: ByteWriter, valid: Uint8Array | null, n: number, from = 0): void {
  if (valid === null) { w.u8(0); return }
  let nulls = 0
  for (let i = 0; i < n; i++) nulls += 1 - valid[from + i]!
  if (nulls === 0) { w.u8(0); return }
  if (nulls === n) { w.u8(2); return }
  w.u8(1)
  const bits = new Uint8Array((n + 7) >>> 3)
  for (let i = 0; i < n; i++) if (valid[from + i] === 1) bits[i >>> 3]! |= 1 << (i & 7)
  w.bytes(bits)
}

function decodeValidity(r: ByteReader, n: number): Uint8Array | null {
  const flag = r.u8()
  if (flag === 0) return null
  if (flag === 2) return new Uint8Array(n)
  if (flag !== 1) throw r.corrupt(`unknown validity flag ${flag}`)
  const bits = r.bytes((n + 7) >>> 3)
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (bits[i >>> 3]! >>> (i & 7)) & 1
  return out
}

// ---- vectors --------------------------------------------------------------------------------

const BYTES_PER: Readonly<Record<string, number>> = { u8: 1, i8: 1, i16: 2, i32: 4, date: 4, f32: 4, f64: 8 }

/** BIGINTs are written as deltas from the minimum (frame of reference) when they span less than this … */
const DELTA_LIMIT = 2n ** 32n
/** … and the minimum is a safe float64 */
const SAFE_LIMIT = 2n ** 53n

/** the minimum of the valid BIGINTs in [from, from + n) when they are written as deltas from it; null: written as they are */
function deltaBase(d: BigInt64Array, valid: Uint8Array | null, from: number, n: number): bigint | null {
  let min = 0n, max = 0n, first = true
  for (let i = from, end = from + n; i < end; i++) {
    if (valid !== null && valid[i] === 0) continue
    const x = d[i]!
    if (first) { min = x; max = x; first = false } else if (x < min) min = x; else if (x > max) max = x
  }
  return max - min < DELTA_LIMIT && min >= -SAFE_LIMIT && min <= SAFE_LIMIT ? min : null
}

/**
 * Rows [from, from + n) of a column's own arrays (`data`, `valid` as a segment keeps them),
 * encoded byte for byte as `encodeVector(w, rows, n, false)` encodes those rows as a vector:
 * a commit's few appended rows go into the log without a vector per column. Numbers,
 * BIGINTs and strings, at most SMALL_PLAIN rows; anything else returns false, writing nothing.
 */
export function encodeRowsPlain(w: ByteWriter, physical: PhysicalType, data: ArrayLike<unknown>, valid: Uint8Array | null, from: number, n: number): boolean {
  if (n > SMALL_PLAIN) return false
  switch (physical) {
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64':
      encodeValidity(w, valid, n, from)
      w.u8(NumberMode.Plain)
      w.f64s(data as ArrayLike<number>, n, valid, from)
      return true
    case 'i64': {
      encodeValidity(w, valid, n, from)
      const d = data as BigInt64Array, end = from + n
      const min = deltaBase(d, valid, from, n)
      if (min !== null) {
        w.u8(1)
        w.f64(Number(min))
        w.u8(NumberMode.Plain)
        for (let i = from; i < end; i++) w.f64(valid !== null && valid[i] === 0 ? 0 : Number(d[i]! - min))
      } else {
        w.u8(0)
        w.bytes(new Uint8Array(d.buffer, d.byteOffset + from * 8, n * 8))
      }
      return true
    }
    case 'str': {
      encodeValidity(w, valid, n, from)
      // as encodeStrings → encodePlainStrings: the UTF-16 lengths, then the joined text
      w.u8(StringMode.Plain)
      w.u8(NumberMode.Plain)
      const d = data as ArrayLike<string | undefined>
      let all = ''
      for (let i = from, end = from + n; i < end; i++) {
        const s = valid !== null && valid[i] === 0 ? '' : d[i] ?? ''
        w.f64(s.length)
        all += s
      }
      w.text(all)
      return true
    }
    default: return false
  }
}

/** Rows [0, n) of `v`. `compress` picks the smallest encoding (segments); false = fast (WAL). */
export function encodeVector(w: ByteWriter, v: Vector, n: number, compress: boolean): void {
  const valid = v.validity
  encodeValidity(w, valid, n)
  const p = v.physical
  switch (p) {
    case 'null': return
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64':
      encodeNumbers(w, v.data as Float64Array, n, valid, BYTES_PER[p]!, compress)
      return
    case 'i64': {
      const data = v.data as BigInt64Array
      const min = deltaBase(data, valid, 0, n)
      if (min !== null) {
        w.u8(1)
        w.f64(Number(min))
        const deltas = new Float64Array(n)
        for (let i = 0; i < n; i++) deltas[i] = valid !== null && valid[i] === 0 ? 0 : Number(data[i]! - min)
        encodeNumbers(w, deltas, n, null, 8, compress)
      } else {
        w.u8(0)
        const copy = new BigInt64Array(n)
        copy.set(data.subarray(0, n))
        w.bytes(new Uint8Array(copy.buffer))
      }
      return
    }
    case 'big': {
      const data = v.data as bigint[]
      encodeStrings(w, Array.from({ length: n }, (_, i) => valid !== null && valid[i] === 0 ? '' : data[i]!.toString()), n, null, compress)
      return
    }
    case 'str': encodeStrings(w, v.data as string[], n, valid, compress); return
    case 'blob': {
      const data = v.data as Uint8Array[]
      const lengths = new Float64Array(n)
      let total = 0
      for (let i = 0; i < n; i++) { const b = valid !== null && valid[i] === 0 ? undefined : data[i]; lengths[i] = b?.length ?? 0; total += lengths[i]! }
      encodeNumbers(w, lengths, n, null, 4, compress)
      const all = new Uint8Array(total)
      let at = 0
      for (let i = 0; i < n; i++) { const b = valid !== null && valid[i] === 0 ? undefined : data[i]; if (b !== undefined) { all.set(b, at); at += b.length } }
      w.bytes(all)
      return
    }
    case 'interval': {
      const data = v.data as Interval[]
      const part = (f: (x: Interval) => number): Float64Array => {
        const out = new Float64Array(n)
        for (let i = 0; i < n; i++) { const x = data[i]; out[i] = valid !== null && valid[i] === 0 || x === undefined ? 0 : f(x) }
        return out
      }
      encodeNumbers(w, part(x => x.months), n, null, 4, compress)
      encodeNumbers(w, part(x => x.days), n, null, 4, compress)
      encodeNumbers(w, part(x => x.micros), n, null, 8, compress)
      return
    }
    case 'list': {
      const offsets = v.offsets!
      const lengths = new Float64Array(n)
      for (let i = 0; i < n; i++) lengths[i] = offsets[i + 1]! - offsets[i]!
      encodeNumbers(w, lengths, n, null, 4, compress)
      const child = slice(v.children[0]!, offsets[0]!, offsets[n]!)
      w.u32(child.length)
      encodeVector(w, child, child.length, compress)
      return
    }
    case 'array': {
      const size = (v.type as { size: number }).size
      const child = slice(v.children[0]!, 0, n * size)
      encodeVector(w, child, n * size, compress)
      return
    }
    case 'struct':
      for (const c of v.children) encodeVector(w, c, n, compress)
      return
    default: assertNever(p)
  }
}

export function decodeVector(r: ByteReader, type: LogicalType, n: number): Vector {
  const validity = decodeValidity(r, n)
  const p = physicalOf(type)
  switch (p) {
    case 'null': return new Vector(type, n, null, validity ?? new Uint8Array(n))
    case 'u8': case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64': {
      const data = allocData(p, n) as Float64Array
      decodeNumbers(r, data, n)
      return new Vector(type, n, data, validity)
    }
    case 'i64': {
      const mode = r.u8()
      const data = new BigInt64Array(n)
      if (mode === 1) {
        const base = BigInt(r.f64())
        const deltas = new Float64Array(n)
        decodeNumbers(r, deltas, n)
        for (let i = 0; i < n; i++) data[i] = base + BigInt(deltas[i]!)
      } else if (mode === 0) {
        data.set(new BigInt64Array(r.bytes(n * 8).slice().buffer))
      } else throw r.corrupt(`unknown BIGINT encoding ${mode}`)
      return new Vector(type, n, data, validity)
    }
    case 'big': {
      const text = decodeStrings(r, n)
      const data = text.map((s, i) => validity !== null && validity[i] === 0 ? 0n : parseBigInt(r, s))
      return new Vector(type, n, data as VectorData, validity)
    }
    case 'str': return new Vector(type, n, decodeStrings(r, n), validity)
    case 'blob': {
      const lengths = new Float64Array(n)
      decodeNumbers(r, lengths, n)
      let total = 0
      for (let i = 0; i < n; i++) total += lengths[i]!
      const all = r.bytes(total)
      const data = new Array<Uint8Array>(n)
      let at = 0
      for (let i = 0; i < n; i++) { const end = at + lengths[i]!; data[i] = all.slice(at, end); at = end }
      return new Vector(type, n, data, validity)
    }
    case 'interval': {
      const months = new Float64Array(n), days = new Float64Array(n), micros = new Float64Array(n)
      decodeNumbers(r, months, n)
      decodeNumbers(r, days, n)
      decodeNumbers(r, micros, n)
      const data = new Array<Interval>(n)
      for (let i = 0; i < n; i++) data[i] = { months: months[i]!, days: days[i]!, micros: micros[i]! }
      return new Vector(type, n, data, validity)
    }
    case 'list': {
      const lengths = new Float64Array(n)
      decodeNumbers(r, lengths, n)
      const offsets = new Int32Array(n + 1)
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + lengths[i]!
      const childLength = r.u32()
      if (childLength !== offsets[n]) throw r.corrupt('list lengths do not match the child vector')
      const child = decodeVector(r, (type as { child: LogicalType }).child, childLength)
      return new Vector(type, n, null, validity, offsets, [child])
    }
    case 'array': {
      const t = type as { child: LogicalType; size: number }
      return new Vector(type, n, null, validity, null, [decodeVector(r, t.child, n * t.size)])
    }
    case 'struct':
      return new Vector(type, n, null, validity, null, (type as StructType).fields.map(f => decodeVector(r, f.type, n)))
    default: return assertNever(p)
  }
}

function parseBigInt(r: ByteReader, s: string): bigint {
  if (!/^-?\d+$/.test(s)) throw r.corrupt(`bad wide decimal "${s.slice(0, 20)}"`)
  return BigInt(s)
}

/** min/max of the valid values of a numeric vector, for zone maps; null when none or not numeric */
export function vectorRange(v: Vector, n: number): { min: number | bigint; max: number | bigint } | null {
  const p = v.physical
  if (p !== 'i8' && p !== 'i16' && p !== 'i32' && p !== 'date' && p !== 'f64' && p !== 'i64') return null
  const valid = v.validity
  const data = v.data as unknown as ArrayLike<number | bigint>
  let min: number | bigint | null = null, max: number | bigint | null = null
  for (let i = 0; i < n; i++) {
    if (valid !== null && valid[i] === 0) continue
    const x = data[i]!
    if (typeof x === 'number' && Number.isNaN(x)) return null
    if (min === null || x < min) min = x
    if (max === null || x > max) max = x
  }
  return min === null || max === null ? null : { min, max }
}

export function internalCheck(ok: boolean, what: string): void {
  if (!ok) throw new InternalError(what)
}
