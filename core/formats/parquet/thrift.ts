/**
 * Thrift compact protocol, generically: a struct decodes to its fields (id, wire type, value)
 * and encodes back byte for byte. The footer reader uses it to read statistics that
 * parquet-wasm does not expose, and to write smaller footers that select columns and row groups.
 */

export const enum TType {
  Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8,
  List = 9, Set = 10, Map = 11, Struct = 12,
}

export interface TField { readonly id: number; readonly type: TType; readonly value: TValue }
export interface TList { readonly elemType: TType; readonly items: TValue[] }
export interface TMap { readonly keyType: TType; readonly valueType: TType; readonly entries: [TValue, TValue][] }
export type TStruct = TField[]
export type TValue = boolean | number | Uint8Array | TList | TMap | TStruct

/** Thrown on malformed input; the caller turns it into an error naming the file. */
export class ThriftError extends Error {}

const MAX_DEPTH = 64

export class CompactReader {
  private pos: number
  private readonly bytes: Uint8Array
  private readonly end: number

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes
    this.pos = start
    this.end = end
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ThriftError('unexpected end of metadata')
    return this.bytes[this.pos++]!
  }

  /** unsigned varint as a number (exact to 2^53, which covers every offset and count) */
  private varint(): number {
    let result = 0, mul = 1
    for (let i = 0; i < 10; i++) {
      const b = this.byte()
      result += (b & 0x7f) * mul
      if ((b & 0x80) === 0) return result
      mul *= 128
    }
    throw new ThriftError('varint too long')
  }

  private zigzag(): number {
    const n = this.varint()
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2
  }

  private value(type: TType, depth: number): TValue {
    if (depth > MAX_DEPTH) throw new ThriftError('metadata nested too deeply')
    switch (type) {
      case TType.True: return true
      case TType.False: return false
      case TType.Byte: { const b = this.byte(); return b > 127 ? b - 256 : b }
      case TType.I16: case TType.I32: case TType.I64: return this.zigzag()
      case TType.Double: {
        if (this.pos + 8 > this.end) throw new ThriftError('unexpected end of metadata')
        const v = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getFloat64(0, true)
        this.pos += 8
        return v
      }
      case TType.Binary: {
        const n = this.varint()
        if (this.pos + n > this.end) throw new ThriftError('string runs past the end of the metadata')
        const out = this.bytes.subarray(this.pos, this.pos + n)
        this.pos += n
        return out
      }
      case TType.List: case TType.Set: {
        const head = this.byte()
        let size = head >> 4
        if (size === 15) size = this.varint()
        const elemType = (head & 0x0f) as TType
        if (size > this.end - this.pos) throw new ThriftError('list longer than the metadata')
        const items: TValue[] = []
        for (let i = 0; i < size; i++) {
          if (elemType === TType.True || elemType === TType.False) items.push(this.byte() === 1)
          else items.push(this.value(elemType, depth + 1))
        }
        return { elemType, items }
      }
      case TType.Map: {
        const size = this.varint()
        if (size > this.end - this.pos) throw new ThriftError('map longer than the metadata')
        if (size === 0) return { keyType: TType.Binary, valueType: TType.Binary, entries: [] }
        const kv = this.byte()
        const keyType = (kv >> 4) as TType, valueType = (kv & 0x0f) as TType
        const entries: [TValue, TValue][] = []
        for (let i = 0; i < size; i++) entries.push([this.value(keyType, depth + 1), this.value(valueType, depth + 1)])
        return { keyType, valueType, entries }
      }
      case TType.Struct: return this.struct(depth + 1)
      default: throw new ThriftError(`unknown field type ${type as number}`)
    }
  }

  struct(depth = 0): TStruct {
    const fields: TField[] = []
    let lastId = 0
    for (;;) {
      const head = this.byte()
      const type = (head & 0x0f) as TType
      if (type === TType.Stop) return fields
      const delta = head >> 4
      const id = delta === 0 ? this.zigzag() : lastId + delta
      lastId = id
      fields.push({ id, type, value: this.value(type, depth) })
    }
  }

  get position(): number { return this.pos }
}

export class CompactWriter {
  private buf = new Uint8Array(1024)
  private len = 0

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n))
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  private byte(b: number): void { this.ensure(1); this.buf[this.len++] = b & 0xff }

  private varint(n: number): void {
    while (n >= 128) { this.byte((n % 128) | 0x80); n = Math.floor(n / 128) }
    this.byte(n)
  }

  private zigzag(n: number): void { this.varint(n >= 0 ? n * 2 : -n * 2 - 1) }

  private value(type: TType, v: TValue): void {
    switch (type) {
      case TType.True: case TType.False: return
      case TType.Byte: this.byte(v as number); return
      case TType.I16: case TType.I32: case TType.I64: this.zigzag(v as number); return
      case TType.Double: {
        this.ensure(8)
        new DataView(this.buf.buffer, this.len, 8).setFloat64(0, v as number, true)
        this.len += 8
        return
      }
      case TType.Binary: {
        const b = v as Uint8Array
        this.varint(b.length)
        this.ensure(b.length)
        this.buf.set(b, this.len)
        this.len += b.length
        return
      }
      case TType.List: case TType.Set: {
        const l = v as TList
        if (l.items.length < 15) this.byte((l.items.length << 4) | l.elemType)
        else { this.byte(0xf0 | l.elemType); this.varint(l.items.length) }
        for (const item of l.items) {
          if (l.elemType === TType.True || l.elemType === TType.False) this.byte(item === true ? 1 : 0)
          else this.value(l.elemType, item)
        }
        return
      }
      case TType.Map: {
        const m = v as TMap
        this.varint(m.entries.length)
        if (m.entries.length === 0) return
        this.byte((m.keyType << 4) | m.valueType)
        for (const [k, x] of m.entries) { this.value(m.keyType, k); this.value(m.valueType, x) }
        return
      }
      case TType.Struct: this.struct(v as TStruct); return
      default: throw new ThriftError(`unknown field type ${type as number}`)
    }
  }

  struct(fields: TStruct): void {
    let lastId = 0
    for (const f of [...fields].sort((a, b) => a.id - b.id)) {
      const type = f.type === TType.True || f.type === TType.False ? (f.value === true ? TType.True : TType.False) : f.type
      const delta = f.id - lastId
      if (delta > 0 && delta <= 15) this.byte((delta << 4) | type)
      else { this.byte(type); this.zigzag(f.id) }
      lastId = f.id
      this.value(type, f.value)
    }
    this.byte(TType.Stop)
  }

  finish(): Uint8Array { return this.buf.subarray(0, this.len) }
}

// ---- typed access to decoded structs -------------------------------------------------------

export function field(s: TStruct, id: number): TValue | undefined {
  for (const f of s) if (f.id === id) return f.value
  return undefined
}

export function num(s: TStruct, id: number): number | undefined {
  const v = field(s, id)
  return typeof v === 'number' ? v : undefined
}

export function bin(s: TStruct, id: number): Uint8Array | undefined {
  const v = field(s, id)
  return v instanceof Uint8Array ? v : undefined
}

export function struct(s: TStruct, id: number): TStruct | undefined {
  const v = field(s, id)
  return Array.isArray(v) ? v : undefined
}

export function list(s: TStruct, id: number): TValue[] {
  const v = field(s, id)
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) && 'items' in v ? v.items : []
}

/** `s` with field `id` replaced (or added), or removed when value is undefined. */
export function withField(s: TStruct, id: number, type: TType, value: TValue | undefined): TStruct {
  const rest = s.filter(f => f.id !== id)
  return value === undefined ? rest : [...rest, { id, type, value }]
}
