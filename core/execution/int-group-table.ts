/**
 * The GroupTable of one integer key (TINYINT, SMALLINT, INTEGER, DATE, BIGINT): the key lives in
 * the slot array next to its group id (BIGINT as its two 32-bit words), so a probe reads one
 * place and compares integers: no hash array, no stored key vectors, no equality call, one
 * monomorphic loop per key width. Slots are sized by rows expected and grow by rehashing. NULL
 * is one group when NULLs are equal, else every NULL row is a group of its own that `find`
 * never returns, as in the general table. A probe vector of another width is a planner bug.
 *
 * A narrow table starts direct-mapped: an Int32Array indexed by key minus a base, grown by
 * doubling while the keys' span stays within DIRECT_SPAN groups' worth (8 slots a group, at
 * least 2^16). Dense keys (TPC-H order, part and customer keys) then need no hash, and keys that
 * arrive in order touch memory in order instead of at random. A key past the limit moves the
 * table to hashing for good; group ids do not change. A hashing table that `find` probes with
 * more rows than its keys span (a join probing 6 M line items against a few hundred part keys
 * spread over 200 k) builds a direct array for probing alone, up to PROBE_DIRECT_MAX entries:
 * one subtraction and one load a row instead of a hash and a slot walk, mostly misses.
 */
import { InternalError } from '../errors.ts'
import { type LogicalType, physicalOf } from '../types/types.ts'
import { allocData, Vector } from '../vector/vector.ts'

export function isIntKey(type: LogicalType): boolean {
  switch (type.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE': case 'BIGINT': return true
    default: return false
  }
}

function hashWords(lo: number, hi: number): number {
  let h = lo ^ Math.imul(hi, 0x27d4eb2d)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const DIRECT_MIN = 1 << 16
const DIRECT_PER_GROUP = 8
/** largest probe-only direct array, in entries (16 MiB) */
const PROBE_DIRECT_MAX = 1 << 22

export class IntGroupTable {
  private readonly type: LogicalType
  private readonly nullsEqual: boolean
  /** BIGINT: slots of (group id + 1, low word, high word); narrower keys: (group id + 1, value) */
  private readonly wide: boolean
  private readonly stride: number
  /** 0 = empty slot */
  private slots: Int32Array
  private mask: number
  /** narrow keys while direct-mapped: group id + 1 of key `base + k` at k (0 = none); null once hashing */
  private direct: Int32Array | null
  private base = 0
  private readonly expected: number
  /** per group, in id order: key words and whether it is a NULL group */
  private groupLo: Int32Array
  private groupHi: Int32Array
  private groupNull: Uint8Array | null = null
  private nullGroup = -1
  private count = 0
  /** once hashing: the probe-only direct array (null until the rows probed pay for its span) */
  private probeDirect: Int32Array | null = null
  private probeBase = 0
  /** the keys' span measured when there were `spanCount` groups and `spanProbed` rows probed */
  private spanLength = 0
  private spanCount = -1
  private spanProbed = 0
  /** rows looked up by `find` while hashing */
  private probed = 0

  constructor(type: LogicalType, nullsEqual: boolean, expected: number) {
    this.type = type
    this.nullsEqual = nullsEqual
    this.wide = type.id === 'BIGINT'
    this.stride = this.wide ? 3 : 2
    this.expected = expected
    this.direct = this.wide ? null : new Int32Array(0)
    this.slots = new Int32Array(0)
    this.mask = -1
    if (this.wide) this.allocSlots()
    const groups = Math.max(16, expected >> 2)
    this.groupLo = new Int32Array(groups)
    this.groupHi = new Int32Array(this.wide ? groups : 0)
  }

  get size(): number { return this.count }

  findOrCreate(v: Vector, count: number, out: Int32Array): number {
    const before = this.count
    if (this.wide) this.findOrCreateWide(v, count, out)
    else {
      const from = this.direct === null ? 0 : this.findOrCreateDirect(v, count, out)
      if (from < count) this.findOrCreateNarrow(v, from, count, out)
    }
    return before
  }

  find(v: Vector, count: number, out: Int32Array): void {
    if (this.wide) this.findWide(v, count, out)
    else if (this.direct !== null) this.findDirect(this.direct, this.base, v, count, out)
    else {
      this.probed += count
      const dir = this.probeDirectTable()
      if (dir !== null) this.findDirect(dir, this.probeBase, v, count, out)
      else this.findNarrow(v, count, out)
    }
  }

  /**
   * The probe-only direct array once the rows probed reach the keys' span. The span is measured
   * again after new groups only when as many rows as groups were probed since, so tables that
   * alternate findOrCreate and find pay at most a pass over their groups per as many probes.
   */
  private probeDirectTable(): Int32Array | null {
    if (this.spanCount !== this.count) {
      if (this.probed - this.spanProbed < this.count) return null
      let min = 0x7fffffff, max = -0x80000000
      const lo = this.groupLo, isNull = this.groupNull
      for (let g = 0; g < this.count; g++) {
        if (isNull !== null && isNull[g] === 1) continue
        const x = lo[g]!
        if (x < min) min = x
        if (x > max) max = x
      }
      this.probeDirect = null
      this.probeBase = min
      this.spanLength = max - min + 1
      this.spanCount = this.count
      this.spanProbed = this.probed
    }
    if (this.probeDirect !== null) return this.probeDirect
    const span = this.spanLength
    if (span <= 0 || span > PROBE_DIRECT_MAX || span > this.probed) return null
    const dir = new Int32Array(span)
    const lo = this.groupLo, isNull = this.groupNull, base = this.probeBase
    for (let g = 0; g < this.count; g++) if (isNull === null || isNull[g] === 0) dir[lo[g]! - base] = g + 1
    this.probeDirect = dir
    return dir
  }

  /** `expected` counts rows, often many per key: start at one slot a row and grow by rehashing */
  private allocSlots(): void {
    let cap = 16
    while (cap < this.expected || cap < this.count * 4) cap *= 2
    this.slots = new Int32Array(cap * this.stride)
    this.mask = cap - 1
  }

  /** Direct-mapped findOrCreate; returns the row where a key too far from the others made the table switch to hashing (else count). */
  private findOrCreateDirect(v: Vector, count: number, out: Int32Array): number {
    const a = this.narrowData(v)
    const valid = v.validity
    let dir = this.direct!, base = this.base
    let lastKey = 0, lastGroup = -1
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = this.nullRow(); continue }
      const x = a[i]! | 0
      if (x === lastKey && lastGroup >= 0) { out[i] = lastGroup; continue }
      lastKey = x
      let k = x - base
      if (k < 0 || k >= dir.length) {
        if (!this.widenDirect(x)) { this.toHashing(); return i }
        dir = this.direct!
        base = this.base
        k = x - base
      }
      const g1 = dir[k]!
      if (g1 !== 0) { out[i] = lastGroup = g1 - 1; continue }
      const g = this.addGroup(x, 0)
      dir[k] = g + 1
      out[i] = lastGroup = g
    }
    return count
  }

  private findDirect(dir: Int32Array, base: number, v: Vector, count: number, out: Int32Array): void {
    const a = this.narrowData(v)
    const valid = v.validity
    const n = dir.length
    const nullOut = this.nullsEqual ? this.nullGroup : -1
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = nullOut; continue }
      const k = (a[i]! | 0) - base
      out[i] = k >= 0 && k < n ? dir[k]! - 1 : -1
    }
  }

  /** Makes room for key `x` in the direct array; false when the span would pass the limit. */
  private widenDirect(x: number): boolean {
    const dir = this.direct!, lo = this.base, hi = lo + dir.length
    const newLo = dir.length === 0 ? x : Math.min(lo, x)
    const newHi = dir.length === 0 ? x + 1 : Math.max(hi, x + 1)
    const span = newHi - newLo
    const limit = Math.max(DIRECT_MIN, this.count * DIRECT_PER_GROUP)
    if (span > limit) return false
    const cap = Math.max(span, Math.min(Math.max(2 * dir.length, 1024), limit))
    const next = new Int32Array(cap)
    // grow away from the side the new key came in on, so keys arriving in order rarely copy
    const base = dir.length > 0 && x < lo ? newHi - cap : newLo
    if (dir.length > 0) next.set(dir, lo - base)
    this.direct = next
    this.base = base
    return true
  }

  private toHashing(): void {
    this.direct = null
    this.allocSlots()
    const slots = this.slots, mask = this.mask, isNull = this.groupNull
    for (let g = 0; g < this.count; g++) {
      if (isNull !== null && isNull[g] === 1) continue
      const x = this.groupLo[g]!
      let s = hashWords(x, x >> 31) & mask
      while (slots[s << 1] !== 0) s = (s + 1) & mask
      slots[s << 1] = g + 1
      slots[(s << 1) + 1] = x
    }
  }

  // find/findOrCreate × narrow/wide are four near-copies on purpose: each is a monomorphic hot
  // loop over one slot layout; one shared body would test a flag or call back per row
  private findOrCreateNarrow(v: Vector, from: number, count: number, out: Int32Array): void {
    const a = this.narrowData(v)
    const valid = v.validity
    let slots = this.slots, mask = this.mask
    // runs of one key (a table clustered on it, such as line items by order) skip the probe
    let lastKey = 0, lastGroup = -1
    for (let i = from; i < count; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = this.nullRow(); continue }
      const x = a[i]! | 0
      if (x === lastKey && lastGroup >= 0) { out[i] = lastGroup; continue }
      lastKey = x
      let s = hashWords(x, x >> 31) & mask
      for (;;) {
        const p = s << 1
        const g1 = slots[p]!
        if (g1 === 0) {
          const g = this.addGroup(x, 0)
          slots[p] = g + 1
          slots[p + 1] = x
          out[i] = lastGroup = g
          if (this.count * 2 > mask + 1) { this.rehash(); slots = this.slots; mask = this.mask }
          break
        }
        if (slots[p + 1] === x) { out[i] = lastGroup = g1 - 1; break }
        s = (s + 1) & mask
      }
    }
  }

  private findNarrow(v: Vector, count: number, out: Int32Array): void {
    const a = this.narrowData(v)
    const valid = v.validity
    const slots = this.slots, mask = this.mask
    const nullOut = this.nullsEqual ? this.nullGroup : -1
    let lastKey = 0, lastGroup = -2
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = nullOut; continue }
      const x = a[i]! | 0
      if (x === lastKey && lastGroup !== -2) { out[i] = lastGroup; continue }
      lastKey = x
      let s = hashWords(x, x >> 31) & mask
      for (;;) {
        const p = s << 1
        const g1 = slots[p]!
        if (g1 === 0) { out[i] = lastGroup = -1; break }
        if (slots[p + 1] === x) { out[i] = lastGroup = g1 - 1; break }
        s = (s + 1) & mask
      }
    }
  }

  private findOrCreateWide(v: Vector, count: number, out: Int32Array): void {
    const words = this.wideWords(v)
    const valid = v.validity
    let slots = this.slots, mask = this.mask
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = this.nullRow(); continue }
      const lo = words[2 * i]!, hi = words[2 * i + 1]!
      let s = hashWords(lo, hi) & mask
      for (;;) {
        const p = s * 3
        const g1 = slots[p]!
        if (g1 === 0) {
          const g = this.addGroup(lo, hi)
          slots[p] = g + 1
          slots[p + 1] = lo
          slots[p + 2] = hi
          out[i] = g
          if (this.count * 2 > mask + 1) { this.rehash(); slots = this.slots; mask = this.mask }
          break
        }
        if (slots[p + 1] === lo && slots[p + 2] === hi) { out[i] = g1 - 1; break }
        s = (s + 1) & mask
      }
    }
  }

  private findWide(v: Vector, count: number, out: Int32Array): void {
    const words = this.wideWords(v)
    const valid = v.validity
    const slots = this.slots, mask = this.mask
    const nullOut = this.nullsEqual ? this.nullGroup : -1
    for (let i = 0; i < count; i++) {
      if (valid !== null && valid[i] === 0) { out[i] = nullOut; continue }
      const lo = words[2 * i]!, hi = words[2 * i + 1]!
      let s = hashWords(lo, hi) & mask
      for (;;) {
        const p = s * 3
        const g1 = slots[p]!
        if (g1 === 0) { out[i] = -1; break }
        if (slots[p + 1] === lo && slots[p + 2] === hi) { out[i] = g1 - 1; break }
        s = (s + 1) & mask
      }
    }
  }

  /** Keys are bound to one type before they reach a table; anything else is a planner bug. */
  private narrowData(v: Vector): Int32Array {
    switch (v.physical) {
      case 'i8': case 'i16': case 'i32': case 'date': return v.data as Int32Array
      default: throw new InternalError(`${this.type.id} key table probed with a ${v.type.id} key`)
    }
  }

  private wideWords(v: Vector): Int32Array {
    if (v.physical !== 'i64') throw new InternalError(`${this.type.id} key table probed with a ${v.type.id} key`)
    const a = v.data as BigInt64Array
    return new Int32Array(a.buffer, a.byteOffset, a.length * 2)
  }

  keyVector(): Vector {
    const n = this.count
    const data = allocData(physicalOf(this.type), n)
    if (this.wide) {
      const words = new Int32Array((data as BigInt64Array).buffer, (data as BigInt64Array).byteOffset, n * 2)
      for (let g = 0; g < n; g++) { words[2 * g] = this.groupLo[g]!; words[2 * g + 1] = this.groupHi[g]! }
    } else {
      (data as Int32Array).set(this.groupLo.subarray(0, n))
    }
    let validity: Uint8Array | null = null
    if (this.groupNull !== null) {
      validity = new Uint8Array(n)
      for (let g = 0; g < n; g++) validity[g] = this.groupNull[g] === 1 ? 0 : 1
    }
    return new Vector(this.type, n, data, validity)
  }

  /** The group of a NULL key row: the one NULL group, or a new one per row when NULLs differ. */
  private nullRow(): number {
    if (this.nullsEqual && this.nullGroup >= 0) return this.nullGroup
    const g = this.addGroup(0, 0)
    if (this.groupNull === null) this.groupNull = new Uint8Array(this.groupLo.length)
    this.groupNull[g] = 1
    if (this.nullsEqual) this.nullGroup = g
    return g
  }

  private addGroup(lo: number, hi: number): number {
    const g = this.count++
    if (g === this.groupLo.length) {
      const cap = g * 2
      this.groupLo = grow(this.groupLo, cap)
      if (this.wide) this.groupHi = grow(this.groupHi, cap)
      if (this.groupNull !== null) { const b = new Uint8Array(cap); b.set(this.groupNull); this.groupNull = b }
    }
    this.groupLo[g] = lo
    if (this.wide) this.groupHi[g] = hi
    return g
  }

  private rehash(): void {
    const old = this.slots, stride = this.stride, wide = this.wide
    const cap = (this.mask + 1) * 2
    const slots = new Int32Array(cap * stride)
    const mask = cap - 1
    for (let p = 0; p < old.length; p += stride) {
      const g1 = old[p]!
      if (g1 === 0) continue
      const lo = old[p + 1]!, hi = wide ? old[p + 2]! : lo >> 31
      let s = hashWords(lo, hi) & mask
      while (slots[s * stride] !== 0) s = (s + 1) & mask
      const q = s * stride
      slots[q] = g1
      slots[q + 1] = lo
      if (wide) slots[q + 2] = hi
    }
    this.slots = slots
    this.mask = mask
  }
}

/** `a` copied into a new array of `cap` entries (the general GroupTable's arrays grow the same way) */
export function grow(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap)
  b.set(a)
  return b
}
