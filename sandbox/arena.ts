/**
 * The arena: one SharedArrayBuffer shared with an isolate once (and again only when it has to
 * grow), through which every batch crosses. Per call the host writes the arguments and a small
 * Int32 header, then calls the isolate with just (function index, rows, argument count).
 *
 * Layout (byte offsets, every region 8-byte aligned):
 *   [0, HEADER_BYTES)  Int32 header: per argument k at argBase + k*argStride:
 *                      type code, values offset, validity offset (-1 = all valid),
 *                      string offsets offset, string bytes offset, string bytes length;
 *                      and the output slots (offset, capacity, has-validity, string bytes).
 *   then the arguments: validity bytes, then values (fixed width) or Int32 offsets + UTF-8 bytes;
 *   then the output area: validity bytes (when present), then values or offsets + bytes.
 *
 * The host never hands ExternalCopy a subarray (it would copy the whole underlying buffer), and
 * it copies results out of the arena before the next call, so an extension that keeps views of
 * the arena sees only later batches' bytes, never host memory.
 */
import { isAscii } from 'node:buffer'
import { GrizzlyError } from '../core/errors.ts'
import { storedUtf8, type Utf8Rows } from '../core/vector/stored-utf8.ts'
import { Vector } from '../core/vector/vector.ts'
import { copyOut, readNumericResult, numericArgBytes, numericResultGuess, writeNumericArg } from './numeric.ts'
import { logicalTypeOf, shapeOf, typeCode, widthOf, type SandboxType } from './types.ts'

export { TYPE_CODES, isSandboxType, logicalTypeOf, type SandboxType } from './types.ts'

/** SQLSTATE for a failure inside an extension's code (SQL standard "external routine exception"). */
export const EXTERNAL_ROUTINE_EXCEPTION = '38000'

export const MAX_ARGS = 32
export const ARENA = {
  headerInts: 256,
  argBase: 8,
  argStride: 6,
  outOffset: 0,
  outCapacity: 1,
  outHasValidity: 2,
  outBytes: 3,
  /** the argument whose string offsets a VARCHAR result reuses unchanged (-1: its own, in the output area) */
  outOffsetsArg: 4,
} as const
const HEADER_BYTES = ARENA.headerInts * 4
/** Largest arena a single batch may need; beyond it the batch is refused instead of exhausting the host. */
export const MAX_ARENA_BYTES = 1 << 30

export function align8(n: number): number { return (n + 7) & ~7 }

/**
 * A string argument's character offsets, counted once per batch: bytesNeeded sizes the arena
 * with them and writeArgs copies them in with one set() (a second JS loop writing straight into
 * the shared memory cost as much again). Good for the next writeArgs only: take() forgets them.
 * When the column store keeps the rows' UTF-8 form (core/vector/stored-utf8.ts), these are its
 * byte offsets rebased to the batch, and `stored` holds the bytes to copy instead of encoding.
 */
class CharCount {
  private offsets = new Int32Array(4097)
  private data: readonly unknown[] | null = null
  private validity: Uint8Array | null = null
  private count = -1
  chars = 0
  /** every row is a valid string and the array is exactly the batch: it is joined as it is */
  direct = false
  /** the store's UTF-8 form of the batch; `chars` is then its byte count */
  stored: Utf8Rows | null = null

  measure(v: Vector, count: number): number {
    if (this.offsets.length < count + 1) this.offsets = new Int32Array(count + 1)
    const offsets = this.offsets
    const data = v.data as readonly unknown[], validity = v.validity
    const stored = this.stored = storedUtf8(v, count)
    if (stored !== null) {
      const from = stored.offsets, first = from[0]!
      for (let i = 0; i <= count; i++) offsets[i] = from[i]! - first
      this.data = data; this.validity = validity; this.count = count; this.chars = offsets[count]!; this.direct = false
      return this.chars
    }
    let chars = 0, direct = validity === null && data.length === count
    offsets[0] = 0
    for (let i = 0; i < count; i++) {
      const v = data[i]
      if (typeof v === 'string' && (validity === null || validity[i] === 1)) chars += v.length
      else direct = false
      offsets[i + 1] = chars
    }
    this.data = data; this.validity = validity; this.count = count; this.chars = chars; this.direct = direct
    return chars
  }

  counts(data: readonly unknown[], validity: Uint8Array | null, count: number): boolean {
    return this.data === data && this.validity === validity && this.count === count
  }

  take(into: Int32Array): void {
    into.set(this.offsets.subarray(0, this.count + 1))
    this.data = null; this.validity = null; this.count = -1; this.stored = null
  }
}
/** per argument position */
const counted: CharCount[] = []

/** Host side of the arena: sizing, writing arguments, reading results. */
export class Arena {
  buffer: SharedArrayBuffer
  private header: Int32Array
  private bytes: Uint8Array
  private text: Buffer
  /** where writeArgs put each string argument's offsets: the host's own record, never read back from the header */
  private stringOffsetsAt: number[] = []

  constructor(initialBytes: number) {
    this.buffer = new SharedArrayBuffer(initialBytes)
    this.header = new Int32Array(this.buffer, 0, ARENA.headerInts)
    this.bytes = new Uint8Array(this.buffer)
    this.text = Buffer.from(this.buffer)
  }

  get size(): number { return this.buffer.byteLength }

  /** Replaces the buffer with a larger one (the caller shares it with the isolate again). */
  grow(minBytes: number): void {
    if (minBytes > MAX_ARENA_BYTES) {
      throw new GrizzlyError('54000', `a batch needs ${minBytes} bytes to cross into the sandbox, over the ${MAX_ARENA_BYTES}-byte limit`,
        { hint: 'use smaller batches or shorter strings' })
    }
    let size = this.size
    while (size < minBytes) size *= 2
    size = Math.min(size, MAX_ARENA_BYTES)
    this.buffer = new SharedArrayBuffer(size)
    this.header = new Int32Array(this.buffer, 0, ARENA.headerInts)
    this.bytes = new Uint8Array(this.buffer)
    this.text = Buffer.from(this.buffer)
  }

  /** Bytes the arguments need, plus a first guess at the output; strings counted at their worst case. */
  static bytesNeeded(types: readonly SandboxType[], args: readonly Vector[], count: number, returns: SandboxType): number {
    let total = HEADER_BYTES
    for (let k = 0; k < types.length; k++) {
      const v = args[k]!
      total += v.validity === null ? 0 : align8(count)
      if (shapeOf(types[k])?.kind !== 'flat') total += numericArgBytes(types[k]!, v, count)
      else if (types[k] === 'VARCHAR') {
        const c = counted[k] ??= new CharCount()
        const chars = c.measure(v, count)
        total += align8((count + 1) * 4) + align8(c.stored === null ? chars * 3 : chars)
      } else total += align8(count * widthOf(types[k]!))
    }
    return total + Arena.outputGuess(returns, count)
  }

  static outputGuess(returns: SandboxType, count: number): number {
    if (shapeOf(returns)?.kind !== 'flat') return align8(count) + numericResultGuess(returns, count)
    return align8(count) + align8((count + 1) * 8) + (returns === 'VARCHAR' ? count * 16 : 0)
  }

  /** Writes the arguments and the output slots; returns where the output area starts. */
  writeArgs(types: readonly SandboxType[], args: readonly Vector[], count: number): number {
    const h = this.header
    let at = HEADER_BYTES
    this.stringOffsetsAt.length = 0
    for (let k = 0; k < types.length; k++) {
      const t = types[k]!, v = args[k]!, base = ARENA.argBase + k * ARENA.argStride
      h[base] = typeCode(t)
      if (v.validity === null) h[base + 2] = -1
      else {
        h[base + 2] = at
        this.bytes.set(v.validity.length === count ? v.validity : v.validity.subarray(0, count), at)
        at += align8(count)
      }
      h[base + 1] = at
      switch (t) {
        case 'BOOLEAN': case 'INTEGER': case 'BIGINT': case 'DOUBLE': {
          const src = v.data as Uint8Array | Int32Array | BigInt64Array | Float64Array
          const n = Math.min(count, src.length)
          if (t === 'BOOLEAN') new Uint8Array(this.buffer, at, count).set((src as Uint8Array).subarray(0, n))
          else if (t === 'INTEGER') new Int32Array(this.buffer, at, count).set((src as Int32Array).subarray(0, n))
          else if (t === 'BIGINT') new BigInt64Array(this.buffer, at, count).set((src as BigInt64Array).subarray(0, n))
          else new Float64Array(this.buffer, at, count).set((src as Float64Array).subarray(0, n))
          at += align8(count * widthOf(t))
          break
        }
        case 'FLOAT': {
          new Float32Array(this.buffer, at, count).set((v.data as Float32Array).subarray(0, count))
          at += align8(count * 4)
          break
        }
        case 'VARCHAR': {
          const offsetsAt = at
          at += align8((count + 1) * 4)
          const bytesAt = at
          const end = this.encodeStrings(v, count, offsetsAt, bytesAt, k)
          h[base + 3] = offsetsAt
          this.stringOffsetsAt[k] = offsetsAt
          h[base + 4] = bytesAt
          h[base + 5] = end - bytesAt
          at = align8(end)
          break
        }
        default: at = writeNumericArg(this.buffer, h, base, t, v, count, at)
      }
    }
    h[ARENA.outOffset] = at
    h[ARENA.outCapacity] = this.size - at
    return at
  }

  /** After a grow: the output area keeps its offset, its capacity is what is left. */
  setOutput(outAt: number): void {
    this.header[ARENA.outOffset] = outAt
    this.header[ARENA.outCapacity] = this.size - outAt
  }

  /**
   * UTF-8 encodes rows into the arena. Rows the column store keeps in UTF-8 are copied as they
   * are. Otherwise the batch is joined and written by one native call; when every byte is a
   * character (all ASCII) the character offsets are the byte offsets, otherwise rows are
   * written one by one.
   */
  private encodeStrings(v: Vector, count: number, offsetsAt: number, bytesAt: number, k: number): number {
    const data = v.data as readonly string[], validity = v.validity
    const offsets = new Int32Array(this.buffer, offsetsAt, count + 1)
    const c = counted[k] ??= new CharCount()
    // counted by bytesNeeded just before, for this very batch; anything else is counted now
    if (!c.counts(data, validity, count)) c.measure(v, count)
    const stored = c.stored
    c.take(offsets)
    const chars = c.chars, direct = c.direct
    if (stored !== null) {
      const first = stored.offsets[0]!
      this.bytes.set(stored.bytes.subarray(first, first + chars), bytesAt)
      return bytesAt + chars
    }
    const rows = direct ? data : Array.from({ length: count }, (_, i) => {
      const v = data[i]
      return typeof v === 'string' && (validity === null || validity[i] === 1) ? v : ''
    })
    const text = this.text
    const written = text.write(rows.join(''), bytesAt, 'utf8')
    if (written === chars) return bytesAt + written
    let pos = bytesAt
    for (let i = 0; i < count; i++) {
      pos += text.write(rows[i]!, pos, 'utf8')
      offsets[i + 1] = pos - bytesAt
    }
    return pos
  }

  /**
   * Builds the result vector from the output area. `outAt` is the host's own record: the
   * extension can reach the whole arena through its argument views, so nothing it could have
   * scribbled on is trusted without a bounds check.
   */
  readResult(returns: SandboxType, count: number, outAt: number, who: string): Vector {
    const h = this.header
    const malformed = (what: string): GrizzlyError => new GrizzlyError(EXTERNAL_ROUTINE_EXCEPTION, `${who} returned malformed output: ${what}`)
    if (outAt + align8(count) + align8((count + 1) * 8) > this.size) throw malformed('the output area is out of bounds')
    const hasValidity = h[ARENA.outHasValidity] === 1
    const validity = hasValidity ? this.bytes.slice(outAt, outAt + count) : null
    const at = outAt + (hasValidity ? align8(count) : 0)
    const type = logicalTypeOf(returns)
    switch (returns) {
      case 'BOOLEAN': {
        const src = new Uint8Array(this.buffer, at, count), data = new Uint8Array(count)
        for (let i = 0; i < count; i++) data[i] = src[i] === 0 ? 0 : 1
        return new Vector(type, count, data, validity)
      }
      case 'INTEGER': return new Vector(type, count, copyOut(Int32Array, this.buffer, at, count), validity)
      case 'BIGINT': return new Vector(type, count, copyOut(BigInt64Array, this.buffer, at, count), validity)
      case 'DOUBLE': return new Vector(type, count, copyOut(Float64Array, this.buffer, at, count), validity)
      case 'FLOAT': return new Vector(type, count, copyOut(Float32Array, this.buffer, at, count), validity)
      case 'VARCHAR': {
        const byteCount = h[ARENA.outBytes]!
        const from = h[ARENA.outOffsetsArg]!
        const passedAt = from >= 0 ? this.stringOffsetsAt[from] : undefined
        if (from >= 0 && passedAt === undefined) throw malformed('its string offsets name an argument that is not a string')
        const offsets = new Int32Array(this.buffer, passedAt ?? at, count + 1)
        const bytesAt = at + align8((count + 1) * 4)
        if (byteCount < 0 || bytesAt + byteCount > this.size) throw malformed('string bytes overrun the arena')
        if (offsets[0] !== 0) throw malformed('the first string offset is not 0')
        const data = new Array<string>(count)
        const text = this.text
        // a native (SIMD) scan: a JS loop over every byte cost as much as the decode itself
        const ascii = isAscii(this.bytes.subarray(bytesAt, bytesAt + byteCount))
        // ASCII: one native decode for the batch, rows are slices of it; else each row as UTF-8
        const all = ascii ? text.toString('latin1', bytesAt, bytesAt + byteCount) : ''
        // offsets are checked in the same pass that reads them (one read of shared memory a row)
        let prev = 0
        for (let i = 0; i < count; i++) {
          const end = offsets[i + 1]!
          if (end < prev || end > byteCount) throw malformed(`string offsets are out of order at row ${i}`)
          data[i] = ascii ? all.slice(prev, end) : text.toString('utf8', bytesAt + prev, bytesAt + end)
          prev = end
        }
        return new Vector(type, count, data, validity)
      }
      default: return readNumericResult(this.buffer, h[ARENA.outBytes]!, returns, count, at, validity, malformed)
    }
  }
}
