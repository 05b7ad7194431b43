/**
 * One column of one row group: a growable array in the column's physical layout, a lazily
 * allocated validity mask and a min/max zone map. Flat types are copied with typed-array `set`
 * (no boxing); fixed-size arrays of numbers (FLOAT[n] embeddings, DOUBLE[n], INTEGER[n] …) are
 * one typed array of rows × n with a row validity mask and a lazily allocated element mask, the
 * layout of the vectors they come from (DESIGN §4); LIST, STRUCT and arrays of other types are
 * kept boxed, which is slower but rare in analytical tables.
 */
import { InternalError } from '../errors.ts'
import type { LogicalType, PhysicalType, Value } from '../types/types.ts'
import { physicalOf } from '../types/types.ts'
import {
  Vector, VectorBuilder, allocData, getValue, nullVector, type VectorData,
} from '../vector/vector.ts'
import { noteStoredRows, type Utf8Rows, type Utf8Source } from '../vector/stored-utf8.ts'
import type { ScanFilter } from './catalog.ts'
import { SegmentUtf8 } from './segment-utf8.ts'
import { sealStrings, type SealedStrings } from './sealed-strings.ts'
import { isShared, sharedBytes, sharedCopy, sharedTyped, type SharedColumn } from './shared-arrays.ts'
import { useStamp, type SegmentBacking, type SegmentStats } from './segment-backing.ts'
import { elementsOf, hasZoneMap, storageKindOf, type StorageKind } from './segment-layout.ts'

export { allocColumn, finishColumn } from './segment-layout.ts'

type TypedData = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array

const INITIAL_CAPACITY = 16

export class ColumnSegment implements Utf8Source {
  readonly type: LogicalType
  readonly physical: PhysicalType
  private readonly storage: StorageKind
  private readonly zoned: boolean
  /** 'fixed': elements per row and their physical type */
  private readonly size: number
  private readonly element: PhysicalType
  /** 'fixed': 1 = valid element; null while every element so far is valid */
  private elementValidity: Uint8Array | null = null
  length = 0
  private capacity = 0
  private data: TypedData | unknown[] | null
  /** 1 = valid; null while every row so far is valid */
  private validity: Uint8Array | null = null
  // zone map over valid values ever written (a superset after deletes and updates)
  private min: number | bigint = 0
  private max: number | bigint = 0
  private hasValid = false
  private hasNull = false
  /** a NaN was written: NaN sorts above everything in SQL, so the max is unknown */
  private hasNaN = false
  /** rows [0, zoneUpTo) are folded into min/max; the rest is folded on the first filtered scan */
  private zoneUpTo = 0
  /** rows [0, viewedUpTo) may be seen through views handed out by `view`: copy before changing them */
  private viewedUpTo = 0
  /** VARCHAR: the rows' UTF-8 form, made when first asked for, dropped when a row changes */
  private utf8: SegmentUtf8 | null = null
  /** a full VARCHAR segment's rows (then `data` is null) until a row changes */
  private sealed: SealedStrings | null = null
  /** rows of many distinct values may be packed (a large table's segment; see allowPacking) */
  private packable = false
  /** where unchanged rows can be read again (segment-backing.ts); null: they live only here */
  private backing: SegmentBacking | null = null
  /** false while evicted: `length` rows are stored, none are held */
  private resident = true
  /** @internal buffer manager: scans using the rows now (never evicted while > 0), last use stamp */
  pins = 0
  lastUse = 0

  /**
   * `initialCapacity`: rows to allocate at once (at most `maxCapacity`), for a segment that is
   * expected to fill; otherwise storage starts small and doubles.
   */
  constructor(type: LogicalType, private readonly maxCapacity: number, initialCapacity = 0) {
    this.type = type
    this.physical = physicalOf(type)
    this.storage = storageKindOf(type)
    this.zoned = hasZoneMap(this.physical)
    ;({ size: this.size, element: this.element } = elementsOf(type))
    const reserve = Math.min(initialCapacity, maxCapacity)
    // a holey array of the final size: growing one element by element copies it again and again
    this.data = this.storage === 'typed' || this.storage === 'fixed' || this.storage === 'none' ? null
      : reserve > 0 ? new Array<unknown>(reserve) : []
    if (reserve > 0) this.ensureCapacity(reserve)
  }

  /** @internal durable storage: a segment of `length` stored rows, read through `backing` on first use */
  static stored(type: LogicalType, maxCapacity: number, length: number, backing: SegmentBacking, stats: SegmentStats): ColumnSegment {
    const s = new ColumnSegment(type, maxCapacity)
    s.length = length
    s.data = null
    s.backing = backing
    s.resident = false
    s.hasValid = stats.hasValid
    s.hasNull = stats.hasNull
    s.hasNaN = stats.hasNaN
    if (stats.min !== null && stats.max !== null) { s.min = stats.min; s.max = stats.max }
    // without a stored zone the first filtered scan folds it from the rows
    s.zoneUpTo = !s.zoned || (stats.min !== null && stats.max !== null) || !stats.hasValid || stats.hasNaN ? length : 0
    return s
  }

  /** @internal how a full VARCHAR segment keeps its rows (sealed-strings.ts); null: as an array */
  get sealedAs(): SealedStrings['kind'] | null { return this.sealed?.kind ?? null }
  /** @internal the backing, while the rows are unchanged since they were stored */
  get storedBy(): SegmentBacking | null { return this.backing }
  get isResident(): boolean { return this.resident }

  /** @internal durable storage: the rows were just stored through `backing` (a checkpoint); they may now be evicted */
  backWith(backing: SegmentBacking | null): void {
    this.backing = backing
    if (backing === null && !this.resident) throw new InternalError('an evicted segment lost its backing')
  }

  /** @internal what the zone map knows, for a segment directory */
  get stats(): SegmentStats {
    if (this.zoned) this.foldZone()
    const zone = this.zoned && this.hasValid && !this.hasNaN
    return { min: zone ? this.min : null, max: zone ? this.max : null, hasValid: this.hasValid, hasNull: this.hasNull, hasNaN: this.hasNaN }
  }

  /** before reading rows: loads them again when evicted, and stamps the use */
  private use(): void {
    if (this.backing === null) return
    if (!this.resident) this.reload()
    this.lastUse = useStamp()
  }

  /** before changing rows: the segment leaves its backing and stays in memory */
  private change(): void {
    const backing = this.backing
    if (backing === null) return
    if (!this.resident) this.reload()
    this.backing = null
    backing.changed(this)
  }

  private reload(): void {
    const backing = this.backing!
    const rows = backing.load(this)
    const length = this.length
    if (rows.length !== length) throw new InternalError(`a stored segment of ${length} rows decoded to ${rows.length}`)
    this.length = 0
    this.capacity = 0
    this.sealed = null
    this.data = this.storage === 'array' || this.storage === 'boxed' ? new Array<unknown>(length) : null
    const hasNull = this.hasNull, hasValid = this.hasValid
    this.appendRows(rows, 0, length)
    this.hasNull = hasNull
    this.hasValid = hasValid
    this.resident = true
    this.lastUse = useStamp()
    backing.loaded(this, rows)
  }

  /** @internal buffer manager: drops the rows (they are read again on the next use); false when it may not */
  evict(): boolean {
    if (this.backing === null || !this.resident || this.pins > 0) return false
    this.utf8?.clear()
    this.data = null
    this.sealed = null
    this.validity = null
    this.elementValidity = null
    this.capacity = 0
    this.viewedUpTo = 0
    this.resident = false
    return true
  }

  private ensureCapacity(needed: number): void {
    if (needed <= this.capacity) return
    let cap = Math.max(INITIAL_CAPACITY, this.capacity)
    while (cap < needed) cap *= 2
    cap = Math.min(Math.max(cap, needed), this.maxCapacity)
    if (this.storage === 'typed') {
      const next = sharedTyped(this.physical, cap) as TypedData
      if (this.data !== null) (next as Float64Array).set((this.data as Float64Array).subarray(0, this.length))
      this.data = next
    } else if (this.storage === 'fixed') {
      const next = allocData(this.element, cap * this.size) as TypedData
      if (this.data !== null) (next as Float64Array).set((this.data as Float64Array).subarray(0, this.length * this.size))
      this.data = next
      if (this.elementValidity !== null) {
        const v = new Uint8Array(cap * this.size)
        v.set(this.elementValidity.subarray(0, this.length * this.size))
        this.elementValidity = v
      }
    }
    if (this.validity !== null) {
      const v = sharedBytes(cap)
      v.set(this.validity.subarray(0, this.length))
      this.validity = v
    }
    this.capacity = cap
  }

  private allocValidity(): Uint8Array {
    const v = sharedBytes(Math.max(this.capacity, 1))
    v.fill(1, 0, this.length)
    this.validity = v
    return v
  }

  /** 'fixed': the elements of rows [from, from + count) of array vector `src` into rows at.. */
  private copyElements(src: Vector, from: number, at: number, count: number): void {
    const size = this.size, child = src.children[0]!
    ;(this.data as Float64Array).set((child.data as Float64Array).subarray(from * size, (from + count) * size), at * size)
    const valid = child.validity
    if (valid !== null) {
      if (this.elementValidity === null) this.elementValidity = new Uint8Array(Math.max(this.capacity, 1) * size).fill(1, 0, this.length * size)
      this.elementValidity.set(valid.subarray(from * size, (from + count) * size), at * size)
    } else if (this.elementValidity !== null) this.elementValidity.fill(1, at * size, (at + count) * size)
  }

  /** 'fixed': row i as a boxed array (no NULL check) */
  private boxedRow(i: number): Value[] {
    const size = this.size, d = this.data as ArrayLike<number | bigint>, ev = this.elementValidity
    const bool = this.element === 'u8'
    const out = new Array<Value>(size)
    for (let k = 0, e = i * size; k < size; k++, e++) out[k] = ev !== null && ev[e] === 0 ? null : bool ? d[e] === 1 : d[e]!
    return out
  }

  /** 'fixed': rows [start, end) as an array vector, copied or (`share`, for `view`) sharing the arrays */
  private readFixed(start: number, end: number, validity: Uint8Array | null, share = false): Vector {
    const size = this.size, n = end - start
    const d = this.data as Float64Array, e = this.elementValidity
    const data = share ? d.subarray(start * size, end * size) : d.slice(start * size, end * size)
    const ev = e === null ? null : share ? e.subarray(start * size, end * size) : e.slice(start * size, end * size)
    const child = new Vector((this.type as { child: LogicalType }).child, n * size, data as VectorData, ev)
    return new Vector(this.type, n, null, validity, null, [child])
  }

  /** appends rows [from, to) of `src` */
  append(src: Vector, from: number, to: number): void {
    this.change()
    this.appendRows(src, from, to)
  }

  private appendRows(src: Vector, from: number, to: number): void {
    if (src.physical !== this.physical) {
      // an untyped NULL literal is NULL in any column
      if (src.physical === 'null') { this.appendRows(nullVector(this.type, to - from), 0, to - from); return }
      throw new InternalError(`appending a ${src.type.id} vector to a ${this.type.id} column`)
    }
    const count = to - from
    if (count <= 0) return
    if (this.sealed !== null) this.unseal()
    const at = this.length
    this.ensureCapacity(at + count)
    const srcValid = src.validity
    // an all-valid mask is not stored: scans of the column then hand out none to test
    let srcNull = false
    if (srcValid !== null) for (let i = from; i < to; i++) if (srcValid[i] === 0) { srcNull = true; break }
    if (srcValid !== null && (srcNull || this.validity !== null)) {
      const v = this.validity ?? this.allocValidity()
      v.set(srcValid.subarray(from, to), at)
      if (srcNull) this.hasNull = true
    } else if (this.validity !== null) {
      this.validity.fill(1, at, at + count)
    }
    if (this.physical === 'null') this.hasNull = true
    switch (this.storage) {
      case 'typed': {
        const d = this.data as Float64Array, s = src.data as Float64Array
        // a few rows (a single-row INSERT) are copied one by one: a subarray view costs more
        if (count <= 8) for (let i = 0; i < count; i++) d[at + i] = s[from + i]!
        else d.set(s.subarray(from, to), at)
        break
      }
      case 'array': {
        const d = this.data as unknown[], s = src.data as unknown[]
        for (let i = 0; i < count; i++) d[at + i] = s[from + i]
        break
      }
      case 'fixed': this.copyElements(src, from, at, count); break
      case 'boxed': {
        const d = this.data as Value[]
        for (let i = 0; i < count; i++) d[at + i] = getValue(src, from + i)
        break
      }
      case 'none': break
    }
    this.length = at + count
    if (this.physical === 'str' && this.length === this.maxCapacity) this.seal()
    if (this.zoned) return
    if (!this.hasValid) this.hasValid = srcValid === null ? this.physical !== 'null' : anyValid(srcValid, from, to)
  }

  /** a full VARCHAR segment keeps its rows sealed (sealed-strings.ts): fewer objects for every full collection to mark */
  private seal(): void {
    const sealed = sealStrings(this.data as unknown[], this.length, this.validity, this.packable)
    if (sealed === null) return
    this.sealed = sealed
    this.data = null
  }

  /**
   * @internal MemoryTable, for a large table's segments: full rows of many distinct values are
   * packed too (a small table's are left as strings, which queries hash and compare faster)
   */
  allowPacking(): void {
    if (this.packable) return
    this.packable = true
    if (this.sealed === null && this.resident && this.physical === 'str' && this.length === this.maxCapacity) this.seal()
  }

  /** before a row changes: the rows as an array again (NULL rows as '') */
  private unseal(): void {
    this.data = this.sealed!.range(0, this.length)
    this.sealed = null
  }

  private widenZone(start: number, end: number): void {
    const d = this.data as ArrayLike<number | bigint>, v = this.validity
    let min = this.min, max = this.max, seen = this.hasValid
    for (let i = start; i < end; i++) {
      if (v !== null && v[i] === 0) continue
      const x = d[i]!
      if (x !== x) { this.hasNaN = true; continue }
      if (!seen) { min = x; max = x; seen = true; continue }
      if (x < min) min = x
      else if (x > max) max = x
    }
    this.min = min; this.max = max
    if (seen) this.hasValid = true
  }

  private foldZone(): void {
    if (this.zoneUpTo < this.length) {
      this.use()
      this.widenZone(this.zoneUpTo, this.length)
      this.zoneUpTo = this.length
    }
  }

  /** @internal durable storage: the stored zone map of every row so far, so the first filtered scan need not fold them */
  presetZone(min: number | bigint, max: number | bigint): void {
    if (!this.zoned || this.zoneUpTo !== 0 || this.length === 0) return
    this.min = min
    this.max = max
    this.hasValid = true
    this.zoneUpTo = this.length
  }

  /** drops rows from `length` on (undo of an append) */
  truncate(length: number): void {
    if (length >= this.length) return
    this.change()
    this.utf8?.clear()
    if (this.sealed !== null) this.unseal()
    // later appends would overwrite the dropped rows in place
    if (length < this.viewedUpTo) this.detach()
    if (this.storage === 'array' || this.storage === 'boxed') (this.data as unknown[]).length = length
    this.length = length
    if (this.zoneUpTo > length) this.zoneUpTo = length
  }

  /** false when no row of this segment can satisfy `f` */
  mayMatch(f: ScanFilter): boolean {
    if (this.zoned) this.foldZone()
    switch (f.kind) {
      case 'is_null': return f.not ? this.hasValid || this.hasNaN : this.hasNull
      case 'compare': {
        const value = f.value
        if (value === null) return false
        if (!this.hasValid && !this.hasNaN) return false
        if (!this.zoned || this.hasNaN || (typeof value !== 'number' && typeof value !== 'bigint')) return true
        if (value !== value) return true
        switch (f.op) {
          case '=': return !(value < this.min || value > this.max)
          case '<': return this.min < value
          case '<=': return this.min <= value
          case '>': return this.max > value
          case '>=': return this.max >= value
        }
      }
    }
  }

  isValid(i: number): boolean {
    this.use()
    return this.validity === null ? this.physical !== 'null' : this.validity[i] === 1
  }

  /** true when any row of [start, end) not marked in `deleted` is NULL */
  anyNull(start: number, end: number, deleted: Uint8Array | null): boolean {
    if (!this.hasNull && this.physical !== 'null') return false
    this.use()
    const v = this.validity
    if (this.physical !== 'null' && v === null) return false
    for (let i = start; i < end; i++) {
      if ((v === null || v[i] === 0) && (deleted === null || deleted[i] === 0)) return true
    }
    return false
  }

  /** row i in internal form */
  valueAt(i: number): Value {
    if (!this.isValid(i)) return null
    switch (this.storage) {
      case 'typed':
        if (this.physical === 'u8') return (this.data as Uint8Array)[i] === 1
        return (this.data as Float64Array)[i]!
      case 'fixed': return this.boxedRow(i)
      case 'array': return this.sealed !== null ? this.sealed.at(i) : (this.data as Value[])[i]!
      case 'boxed': return (this.data as Value[])[i]!
      case 'none': return null
    }
  }

  /** the raw stored element (no NULL check, booleans as 0/1): for hash keys */
  rawAt(i: number): unknown {
    this.use()
    if (this.storage === 'fixed') return this.boxedRow(i)
    if (this.sealed !== null) return this.sealed.at(i)
    return this.storage === 'none' ? null : (this.data as ArrayLike<unknown>)[i]
  }

  /** rows [start, end) as a new vector (copied, so later updates do not show through) */
  read(start: number, end: number): Vector {
    this.use()
    const n = end - start
    const validity = this.validity === null ? null : this.validity.slice(start, end)
    switch (this.storage) {
      case 'typed':
        return new Vector(this.type, n, (this.data as Float64Array).slice(start, end) as VectorData, validity)
      case 'fixed': return this.readFixed(start, end, validity)
      case 'array': {
        const rows = this.sealed !== null ? this.sealed.range(start, end) : (this.data as unknown[]).slice(start, end)
        if (this.physical === 'str') noteStoredRows(rows, this, start, end)
        return new Vector(this.type, n, rows as VectorData, validity)
      }
      case 'boxed': {
        const b = new VectorBuilder(this.type, n)
        const d = this.data as Value[]
        for (let i = start; i < end; i++) b.push(validity === null || validity[i - start] === 1 ? d[i]! : null)
        return b.finish()
      }
      case 'none': return nullVector(this.type, n)
    }
  }

  /**
   * rows [start, end) as a vector sharing this segment's typed storage (no copy): the segment
   * copies its arrays before changing a row a view may show, so a view never changes. Readers
   * must not write into it. Other storage kinds are copied as by `read`.
   */
  view(start: number, end: number): Vector {
    if (this.storage !== 'typed' && this.storage !== 'fixed') return this.read(start, end)
    this.use()
    if (end > this.viewedUpTo) this.viewedUpTo = end
    const validity = this.validity === null ? null : this.validity.subarray(start, end)
    if (this.storage === 'fixed') return this.readFixed(start, end, validity, true)
    return new Vector(this.type, end - start, (this.data as Float64Array).subarray(start, end) as VectorData, validity)
  }

  /**
   * rows [0, end) of a numeric segment as its shared arrays, for worker threads (a view: the
   * segment copies them before changing a row), or null when they are not in shared memory
   */
  sharedRows(end: number): SharedColumn | null {
    // an evicted stored segment is not loaded for workers: a parallel scan holds every group at
    // once, which would pass the buffer manager's limit; the serial scan reads it group by group
    if (this.storage !== 'typed' || !this.resident) return null
    this.use()
    const data = this.data as TypedData | null
    if (data === null || !isShared(data) || (this.validity !== null && !isShared(this.validity))) return null
    if (end > this.viewedUpTo) this.viewedUpTo = end
    return { data, validity: this.validity }
  }

  /**
   * @internal the segment's own array of rows, for a reader that copies rows out at once and
   * keeps nothing (a commit's log record: no vector per column); null unless the rows are one
   * flat typed array or an unsealed array of values. `rawValidity` goes with it.
   */
  rawData(): TypedData | unknown[] | null {
    if (this.storage !== 'typed' && (this.storage !== 'array' || this.sealed !== null)) return null
    this.use()
    return this.data
  }

  /** @internal 1 = valid, for `rawData`; null while every row is valid */
  get rawValidity(): Uint8Array | null { return this.validity }

  /** gives the segment arrays of its own, leaving the old ones to the views that share them */
  private detach(): void {
    if (this.data !== null && this.storage === 'typed') this.data = sharedCopy(this.data as TypedData)
    else if (this.data !== null && this.storage === 'fixed') this.data = (this.data as Float64Array).slice()
    if (this.validity !== null) this.validity = sharedCopy(this.validity)
    if (this.elementValidity !== null) this.elementValidity = this.elementValidity.slice()
    this.viewedUpTo = 0
  }

  /** Utf8Source: the UTF-8 form of rows [start, end), when `data`/`validity` still hold them */
  utf8Rows(start: number, end: number, data: readonly unknown[], validity: Uint8Array | null): Utf8Rows | null {
    if (this.physical !== 'str' || !this.resident) return null
    this.utf8 ??= new SegmentUtf8(this)
    return this.utf8.rowsOf(this.sealed ?? this.data as unknown[], this.validity, this.length, start, end, data, validity)
  }

  /** rows sel[0..count) as a new vector */
  gather(sel: Int32Array, count: number): Vector {
    this.use()
    const valid = this.validity
    let validity: Uint8Array | null = null
    if (valid !== null) {
      validity = new Uint8Array(count)
      for (let k = 0; k < count; k++) validity[k] = valid[sel[k]!]!
    }
    switch (this.storage) {
      case 'typed': {
        const out = allocData(this.physical, count) as Float64Array
        const d = this.data as Float64Array
        for (let k = 0; k < count; k++) out[k] = d[sel[k]!]!
        return new Vector(this.type, count, out, validity)
      }
      case 'fixed': {
        const size = this.size, d = this.data as Float64Array, ev = this.elementValidity
        const out = allocData(this.element, count * size) as Float64Array
        const outValid = ev === null ? null : new Uint8Array(count * size)
        for (let k = 0, o = 0; k < count; k++) {
          const from = sel[k]! * size
          for (let e = 0; e < size; e++, o++) { out[o] = d[from + e]!; if (outValid !== null) outValid[o] = ev![from + e]! }
        }
        const child = new Vector((this.type as { child: LogicalType }).child, count * size, out, outValid)
        return new Vector(this.type, count, null, validity, null, [child])
      }
      case 'array': {
        if (this.sealed !== null) return new Vector(this.type, count, this.sealed.gather(sel, count), validity)
        const out = new Array<unknown>(count)
        const d = this.data as unknown[]
        for (let k = 0; k < count; k++) out[k] = d[sel[k]!]
        return new Vector(this.type, count, out as VectorData, validity)
      }
      case 'boxed': {
        const b = new VectorBuilder(this.type, count)
        for (let k = 0; k < count; k++) b.push(this.valueAt(sel[k]!))
        return b.finish()
      }
      case 'none': return nullVector(this.type, count)
    }
  }

  /** overwrites row i with row j of `src` (same type) */
  write(i: number, src: Vector, j: number): void {
    if (src.physical !== this.physical && src.physical !== 'null') {
      throw new InternalError(`writing a ${src.type.id} value into a ${this.type.id} column`)
    }
    const valid = src.validity === null ? src.physical !== 'null' : src.validity[j] === 1
    this.change()
    if (i < this.viewedUpTo) this.detach()
    this.utf8?.clear()
    if (this.sealed !== null) this.unseal()
    // fold the old values first: transactions reading an older version still see them
    if (this.zoned) this.foldZone()
    if (!valid) {
      (this.validity ?? this.allocValidity())[i] = 0
      this.hasNull = true
      return
    }
    if (this.validity !== null) this.validity[i] = 1
    switch (this.storage) {
      case 'typed': (this.data as Float64Array)[i] = (src.data as Float64Array)[j]!; break
      case 'fixed': this.copyElements(src, j, i, 1); break
      case 'array': (this.data as unknown[])[i] = (src.data as unknown[])[j]; break
      case 'boxed': (this.data as Value[])[i] = getValue(src, j); break
      case 'none': break
    }
    if (!this.zoned) this.hasValid = true
    else this.widenZone(i, i + 1)
  }

  /** copies row i into position k of `out` (built by `allocColumn`) */
  copyTo(i: number, out: Vector, k: number): void {
    const valid = this.isValid(i)
    if (!valid) { out.validity![k] = 0; return }
    out.validity![k] = 1
    switch (this.storage) {
      case 'typed': (out.data as Float64Array)[k] = (this.data as Float64Array)[i]!; break
      case 'fixed': {
        const size = this.size, child = out.children[0]!, ev = this.elementValidity
        ;(child.data as Float64Array).set((this.data as Float64Array).subarray(i * size, (i + 1) * size), k * size)
        if (ev === null) child.validity!.fill(1, k * size, (k + 1) * size)
        else child.validity!.set(ev.subarray(i * size, (i + 1) * size), k * size)
        break
      }
      case 'array': (out.data as unknown[])[k] = this.sealed !== null ? this.sealed.at(i) : (this.data as unknown[])[i]; break
      case 'boxed': (out.data as unknown as Value[])[k] = (this.data as Value[])[i]!; break
      case 'none': break
    }
  }
}

function anyValid(v: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (v[i] === 1) return true
  return false
}
