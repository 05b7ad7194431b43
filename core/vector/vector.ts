/**
 * Columnar data in memory (DESIGN §4): a Vector is one column of `length` values of one
 * LogicalType, stored per `physicalOf(type)`, with a byte-per-row validity mask (1 = valid,
 * null mask = all valid). A DataChunk is a set of equally long vectors.
 *
 * Hot loops read `data` directly as the typed array their physical type names; the helpers
 * here (getValue, VectorBuilder, gather, …) are the generic, slower paths that work for every
 * type, nested ones included.
 */
import { InternalError } from '../errors.ts'
import {
  type Interval, type LogicalType, type PhysicalType, type Value, physicalOf, type StructType, structKey,
} from '../types/types.ts'

export type VectorData =
  | Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array
  | bigint[] | string[] | Uint8Array[] | Interval[] | null

export class Vector {
  readonly type: LogicalType
  readonly physical: PhysicalType
  readonly length: number
  /** Values; for 'list'/'array'/'struct'/'null' this is null. Entries of invalid rows are unspecified. */
  data: VectorData
  /** 1 = valid, 0 = NULL; null means every row is valid. */
  validity: Uint8Array | null
  /** 'list' only: offsets into the child, length+1 entries. */
  offsets: Int32Array | null
  /** 'list' and 'array': one child; 'struct': one per field. */
  children: Vector[]

  constructor(type: LogicalType, length: number, data: VectorData, validity: Uint8Array | null,
    offsets: Int32Array | null = null, children: Vector[] = []) {
    this.type = type
    this.physical = physicalOf(type)
    this.length = length
    this.data = data
    this.validity = validity
    this.offsets = offsets
    this.children = children
  }

  isValid(i: number): boolean { return this.validity === null || this.validity[i] === 1 }

  /** Number of NULL rows. */
  nullCount(): number {
    const v = this.validity
    if (v === null) return 0
    let n = 0
    for (let i = 0; i < this.length; i++) n += 1 - v[i]!
    return n
  }
}

export class DataChunk {
  readonly columns: Vector[]
  readonly size: number
  constructor(columns: Vector[], size: number) {
    this.columns = columns
    this.size = size
  }
  column(i: number): Vector {
    const v = this.columns[i]
    if (v === undefined) throw new InternalError(`chunk has no column ${i}`)
    return v
  }
}

/** Rows per chunk produced by scans and operators. */
export const CHUNK_SIZE = 4096

/** Allocates the `data` part for `n` values of a flat physical type (zero-filled). */
export function allocData(physical: PhysicalType, n: number): VectorData {
  switch (physical) {
    case 'u8': return new Uint8Array(n)
    case 'i8': return new Int8Array(n)
    case 'i16': return new Int16Array(n)
    case 'i32': case 'date': return new Int32Array(n)
    case 'i64': return new BigInt64Array(n)
    case 'f32': return new Float32Array(n)
    case 'f64': return new Float64Array(n)
    case 'big': return new Array<bigint>(n).fill(0n)
    case 'str': return new Array<string>(n).fill('')
    case 'blob': return new Array<Uint8Array>(n).fill(EMPTY_BYTES)
    case 'interval': return new Array<Interval>(n).fill(ZERO_INTERVAL)
    case 'list': case 'array': case 'struct': case 'null': return null
  }
}

const EMPTY_BYTES = new Uint8Array(0)
const ZERO_INTERVAL: Interval = { months: 0, days: 0, micros: 0 }

/** A vector of `n` NULLs of any type. */
export function nullVector(type: LogicalType, n: number): Vector {
  const b = new VectorBuilder(type, n)
  for (let i = 0; i < n; i++) b.push(null)
  return b.finish()
}

/** a list or array of numbers `n` times, its elements copied as typed arrays (embeddings as query parameters); null for other element types */
function repeatedList(type: LogicalType, value: readonly Value[], n: number): Vector | null {
  const childType = (type as { child: LogicalType }).child
  if (type.id === 'ARRAY' && value.length !== type.size) return null
  const one = vectorFromValues(childType, value)
  const data = one.data
  if (one.validity !== null || data === null || !ArrayBuffer.isView(data) || data instanceof BigInt64Array) return null
  const size = value.length
  const all = allocData(one.physical, n * size) as Float64Array
  for (let i = 0; i < n; i++) all.set(data as Float64Array, i * size)
  const child = new Vector(childType, n * size, all, null)
  if (physicalOf(type) === 'array') return new Vector(type, n, null, null, null, [child])
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i <= n; i++) offsets[i] = i * size
  return new Vector(type, n, null, null, offsets, [child])
}

/** A vector holding `value` (internal form) `n` times. */
export function constantVector(type: LogicalType, value: Value, n: number): Vector {
  const physical = physicalOf(type)
  if (value === null) return nullVector(type, n)
  if ((physical === 'list' || physical === 'array') && Array.isArray(value)) {
    const repeated = repeatedList(type, value, n)
    if (repeated !== null) return repeated
  }
  if (physical === 'list' || physical === 'array' || physical === 'struct') {
    const b = new VectorBuilder(type, n)
    for (let i = 0; i < n; i++) b.push(value)
    return b.finish()
  }
  const data = allocData(physical, n)
  if (physical === 'u8') (data as Uint8Array).fill(value === true || value === 1 ? 1 : 0)
  else (data as { fill(v: unknown): unknown }).fill(value)
  return new Vector(type, n, data, null)
}

/** Reads row i in internal (boxed) form; null for NULL. Slow path: prefer typed loops. */
export function getValue(v: Vector, i: number): Value {
  if (v.validity !== null && v.validity[i] === 0) return null
  switch (v.physical) {
    case 'null': return null
    case 'u8': return (v.data as Uint8Array)[i] === 1
    case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64':
      return (v.data as Int32Array)[i]!
    case 'i64': return (v.data as BigInt64Array)[i]!
    case 'big': return (v.data as bigint[])[i]!
    case 'str': return (v.data as string[])[i]!
    case 'blob': return (v.data as Uint8Array[])[i]!
    case 'interval': return (v.data as Interval[])[i]!
    case 'list': {
      const off = v.offsets!, child = v.children[0]!
      const out: Value[] = []
      for (let k = off[i]!; k < off[i + 1]!; k++) out.push(getValue(child, k))
      return out
    }
    case 'array': {
      const size = (v.type as { size: number }).size, child = v.children[0]!
      const out: Value[] = []
      for (let k = i * size; k < (i + 1) * size; k++) out.push(getValue(child, k))
      return out
    }
    case 'struct': {
      const fields = (v.type as StructType).fields
      const out: Record<string, Value> = {}
      fields.forEach((f, k) => { out[structKey(f, k)] = getValue(v.children[k]!, i) })
      return out
    }
  }
}

/**
 * Appends boxed values one at a time and produces a Vector; grows as needed. Generic slow
 * path for operators that build outputs of any type (nested included).
 */
export class VectorBuilder {
  readonly type: LogicalType
  readonly physical: PhysicalType
  private capacity: number
  private n = 0
  private data: VectorData
  /** made when the first NULL arrives: most vectors built have none */
  private validity: Uint8Array | null = null
  private offsets: Int32Array | null = null
  private children: VectorBuilder[] = []

  constructor(type: LogicalType, capacity = 16) {
    this.type = type
    this.physical = physicalOf(type)
    this.capacity = Math.max(1, capacity)
    this.data = allocData(this.physical, this.capacity)
    if (this.physical === 'list') {
      this.offsets = new Int32Array(this.capacity + 1)
      this.children = [new VectorBuilder((type as { child: LogicalType }).child)]
    } else if (this.physical === 'array') {
      const t = type as { child: LogicalType; size: number }
      this.children = [new VectorBuilder(t.child, this.capacity * t.size)]
    } else if (this.physical === 'struct') {
      this.children = (type as StructType).fields.map(f => new VectorBuilder(f.type, this.capacity))
    }
  }

  get length(): number { return this.n }

  private grow(): void {
    const cap = this.capacity * 2
    const d = this.data
    if (d !== null) {
      if (Array.isArray(d)) {
        // plain arrays grow on their own
      } else {
        const nd = allocData(this.physical, cap) as Uint8Array
        nd.set(d as Uint8Array)
        this.data = nd
      }
    }
    if (this.validity !== null) { const nv = new Uint8Array(cap); nv.set(this.validity); this.validity = nv }
    if (this.offsets !== null) { const no = new Int32Array(cap + 1); no.set(this.offsets); this.offsets = no }
    this.capacity = cap
  }

  push(value: Value): void {
    if (this.n === this.capacity) this.grow()
    const i = this.n++
    if (value === null || value === undefined) {
      this.markNull(i)
      if (this.physical === 'list') this.offsets![i + 1] = this.offsets![i]!
      else if (this.physical === 'array') {
        const size = (this.type as { size: number }).size
        for (let k = 0; k < size; k++) this.children[0]!.push(null)
      } else if (this.physical === 'struct') for (const c of this.children) c.push(null)
      return
    }
    if (this.validity !== null) this.validity[i] = 1
    switch (this.physical) {
      case 'null': this.markNull(i); return
      case 'u8': (this.data as Uint8Array)[i] = value === true || value === 1 ? 1 : 0; return
      case 'i64': (this.data as BigInt64Array)[i] = typeof value === 'bigint' ? value : BigInt(value as number); return
      case 'big': (this.data as bigint[])[i] = typeof value === 'bigint' ? value : BigInt(value as number); return
      case 'i8': case 'i16': case 'i32': case 'date': case 'f32': case 'f64':
        (this.data as Float64Array)[i] = Number(value); return
      case 'str': case 'blob': case 'interval': (this.data as unknown[])[i] = value; return
      case 'list': {
        const items = value as readonly Value[]
        for (const item of items) this.children[0]!.push(item)
        this.offsets![i + 1] = this.offsets![i]! + items.length
        return
      }
      case 'array': {
        const items = value as readonly Value[]
        const size = (this.type as { size: number }).size
        if (items.length !== size) throw new InternalError(`array of ${items.length} values pushed into a [${size}] vector`)
        for (const item of items) this.children[0]!.push(item)
        return
      }
      case 'struct': {
        const obj = value as { readonly [k: string]: Value }
        ;(this.type as StructType).fields.forEach((f, k) => this.children[k]!.push(obj[structKey(f, k)] ?? null))
        return
      }
    }
  }

  private markNull(i: number): void {
    // the rows before were all valid
    if (this.validity === null) this.validity = new Uint8Array(this.capacity).fill(1, 0, i)
    this.validity[i] = 0
  }

  /** Appends row i of v (same type). */
  pushFrom(v: Vector, i: number): void { this.push(getValue(v, i)) }

  finish(): Vector {
    const n = this.n
    let data = this.data
    // subarray only when the capacity was not filled: a view costs more than the few rows of a VALUES row
    if (data !== null) {
      // (setting an array's length costs even when it does not change it)
      if (Array.isArray(data)) { if (data.length !== n) data.length = n }
      else if ((data as Uint8Array).length !== n) data = (data as Uint8Array).subarray(0, n) as VectorData
    }
    const validity = this.validity === null ? null : this.validity.length === n ? this.validity : this.validity.subarray(0, n)
    const offsets = this.offsets === null ? null : this.offsets.subarray(0, n + 1)
    return new Vector(this.type, n, data, validity, offsets, this.children.length === 0 ? [] : this.children.map(c => c.finish()))
  }
}

/** Rows `sel[0..count)` of v, in that order, as a new vector. */
export function gather(v: Vector, sel: Int32Array | Uint32Array | number[], count = sel.length): Vector {
  const p = v.physical
  if (p === 'list' || p === 'array' || p === 'struct' || p === 'null') {
    if (p === 'struct') {
      const children = v.children.map(c => gather(c, sel, count))
      return new Vector(v.type, count, null, gatherValidity(v.validity, sel, count), null, children)
    }
    if (p === 'array') {
      // fixed-size: the child's rows are sel[k] * size + 0..size-1, so no boxing
      const size = (v.type as { size: number }).size
      const childSel = new Int32Array(count * size)
      for (let k = 0, o = 0; k < count; k++) { const from = sel[k]! * size; for (let e = 0; e < size; e++) childSel[o++] = from + e }
      return new Vector(v.type, count, null, gatherValidity(v.validity, sel, count), null, [gather(v.children[0]!, childSel, count * size)])
    }
    const b = new VectorBuilder(v.type, count)
    for (let k = 0; k < count; k++) b.pushFrom(v, sel[k]!)
    return b.finish()
  }
  const src = v.data!
  let data: VectorData
  if (Array.isArray(src)) {
    const out = new Array(count)
    for (let k = 0; k < count; k++) out[k] = src[sel[k]!]
    data = out as VectorData
  } else {
    const out = allocData(p, count) as Float64Array
    const s = src as Float64Array
    for (let k = 0; k < count; k++) out[k] = s[sel[k]!]!
    data = out
  }
  return new Vector(v.type, count, data, gatherValidity(v.validity, sel, count))
}

function gatherValidity(valid: Uint8Array | null, sel: ArrayLike<number>, count: number): Uint8Array | null {
  if (valid === null) return null
  const out = new Uint8Array(count)
  let all = 1
  for (let k = 0; k < count; k++) { const b = valid[sel[k]!]!; out[k] = b; all &= b }
  return all === 1 ? null : out
}

/** Rows [start, end) of v; shares storage with v for flat types. */
export function slice(v: Vector, start: number, end: number): Vector {
  const count = end - start
  if (start === 0 && end === v.length) return v
  const p = v.physical
  if (p === 'array') {
    const size = (v.type as { size: number }).size
    const validity = v.validity === null ? null : v.validity.subarray(start, end)
    return new Vector(v.type, count, null, validity, null, [slice(v.children[0]!, start * size, end * size)])
  }
  if (p === 'list' || p === 'struct' || p === 'null') {
    const sel = new Int32Array(count)
    for (let k = 0; k < count; k++) sel[k] = start + k
    return gather(v, sel, count)
  }
  const src = v.data!
  const data = (Array.isArray(src) ? src.slice(start, end) : (src as Float64Array).subarray(start, end)) as VectorData
  const validity = v.validity === null ? null : v.validity.subarray(start, end)
  return new Vector(v.type, count, data, validity)
}

/** Concatenates vectors of one type. */
export function concatVectors(type: LogicalType, parts: readonly Vector[]): Vector {
  if (parts.length === 1) return parts[0]!
  const total = parts.reduce((s, v) => s + v.length, 0)
  const p = physicalOf(type)
  if (p === 'array') {
    const size = (type as { size: number }).size
    const child = concatVectors((type as { child: LogicalType }).child, parts.map(v => slice(v.children[0]!, 0, v.length * size)))
    return new Vector(type, total, null, concatValidity(parts, total), null, [child])
  }
  if (p === 'list' || p === 'struct' || p === 'null') {
    const b = new VectorBuilder(type, total)
    for (const v of parts) for (let i = 0; i < v.length; i++) b.pushFrom(v, i)
    return b.finish()
  }
  let data: VectorData
  if (p === 'big' || p === 'str' || p === 'blob' || p === 'interval') {
    const out: unknown[] = []
    for (const v of parts) { const d = v.data as unknown[]; for (let i = 0; i < v.length; i++) out.push(d[i]) }
    data = out as VectorData
  } else {
    const out = allocData(p, total) as Float64Array
    let at = 0
    for (const v of parts) { out.set(v.data as Float64Array, at); at += v.length }
    data = out
  }
  return new Vector(type, total, data, concatValidity(parts, total))
}

function concatValidity(parts: readonly Vector[], total: number): Uint8Array | null {
  if (!parts.some(v => v.validity !== null)) return null
  const validity = new Uint8Array(total)
  let at = 0
  for (const v of parts) {
    if (v.validity === null) validity.fill(1, at, at + v.length)
    else validity.set(v.validity, at)
    at += v.length
  }
  return validity
}

/** Builds a vector from boxed values. */
export function vectorFromValues(type: LogicalType, values: readonly Value[]): Vector {
  const b = new VectorBuilder(type, values.length)
  for (const v of values) b.push(v)
  return b.finish()
}
