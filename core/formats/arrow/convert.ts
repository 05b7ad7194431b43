/**
 * Arrow record-batch columns → engine Vectors for a row range, fast for what files hold:
 * fixed-width numbers share the Arrow buffer, strings are cut out of one decoded buffer when
 * they are ASCII, timestamps of any unit become microseconds, decimals scaled integers. The
 * few types this does not special-case go through core/arrow's generic `arrowDataToVector`.
 */
import * as arrow from 'apache-arrow'
import { arrowDataToVector, logicalTypeOfArrow } from '../../arrow/from-arrow.ts'
import { checkDays, microsPer, millisToDays, timesToMicros, timestampsToMicros } from '../../arrow/temporal.ts'
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { Interval, LogicalType, ListType, StructType } from '../../types/types.ts'
import { DECIMAL_FLOAT_MAX_WIDTH, list, struct } from '../../types/types.ts'
import { Vector, gather, nullVector } from '../../vector/vector.ts'

const utf8 = new TextDecoder()

/**
 * The SQL type of a column in a file: core/arrow's mapping, plus MAP as a list of key/value
 * structs (its Arrow layout), since there is no MAP type. Errors name the file.
 */
export function fileColumnType(t: arrow.DataType, column: string, path: string): LogicalType {
  try {
    switch (t.typeId) {
      case arrow.Type.Map: case arrow.Type.List: {
        const entries = (t as arrow.Map_).children[0]!
        return list(fileColumnType(entries.type, column, path))
      }
      case arrow.Type.Struct:
        return struct((t as arrow.Struct).children.map(f => ({ name: f.name, type: fileColumnType(f.type, column, path) })))
      default: return logicalTypeOfArrow(t, column)
    }
  } catch (e) {
    if (e instanceof GrizzlyError && e.code === SqlState.featureNotSupported && !e.message.includes(path)) {
      throw new GrizzlyError(e.code, `column "${column}" of "${path}" has type ${String(t)}, which is not supported yet`, { hint: 'rewrite the file with that column cast to a supported type, or read the other columns with a query that leaves it out' })
    }
    throw e
  }
}
const TWO_32 = 4294967296

/** Files can lie: a length or offset past its buffer is an error, never an out-of-bounds loop. */
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`inconsistent column data (${what})`)
}

function validity(data: arrow.Data, start: number, end: number): Uint8Array | null {
  const bits = data.nullBitmap
  if (data.nullCount === 0 || bits === undefined || bits.length === 0) return null
  const n = end - start, off = data.offset + start
  check(bits.length * 8 >= off + n, 'validity bitmap too short')
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) { const b = off + i; out[i] = (bits[b >> 3]! >> (b & 7)) & 1 }
  return out
}

/** the values looked at before giving up on repeats */
const PROBE = 128
/** slots of a column's table of recent values (a power of two) */
const SLOTS = 256

/**
 * What `strings` learned about one string column of one record batch, kept across the chunks
 * it is cut into: whether its values repeat, and the recent values with where their bytes lie
 * in the column's buffer, so a repeat is found by comparing bytes, without decoding them.
 */
interface StringColumn {
  repeats: boolean
  seen: number
  hits: number
  readonly value: (string | undefined)[]
  readonly at: Int32Array
  readonly len: Int32Array
}
const stringColumns = new WeakMap<arrow.Data, StringColumn>()

function stringColumn(data: arrow.Data): StringColumn {
  let c = stringColumns.get(data)
  if (c === undefined) {
    c = { repeats: true, seen: 0, hits: 0, value: new Array<string | undefined>(SLOTS).fill(undefined), at: new Int32Array(SLOTS).fill(-1), len: new Int32Array(SLOTS) }
    stringColumns.set(data, c)
  }
  return c
}

function sameBytes(words: DataView, bytes: Uint8Array, a: number, b: number, len: number): boolean {
  let k = 0
  for (; k + 4 <= len; k += 4) if (words.getInt32(a + k) !== words.getInt32(b + k)) return false
  for (; k < len; k++) if (bytes[a + k] !== bytes[b + k]) return false
  return true
}

/**
 * Rows of a column of few distinct values (codes, categories) share one string per value, as
 * the CSV reader does: a table then holds a handful of strings, not one per row for the GC to
 * walk. Each new value is decoded on its own, so it keeps no larger text alive. Returns the
 * first row not done: the column turned out to repeat too rarely to be worth looking.
 */
function sharedStrings(c: StringColumn, offsets: Int32Array, bytes: Uint8Array, base: number, n: number, out: string[]): number {
  const value = c.value, at = c.at, lens = c.len
  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let seen = c.seen, hits = c.hits, i = 0
  for (; i < n; i++) {
    const s = offsets[base + i]!, e = offsets[base + i + 1]!, len = e - s
    if (len <= 0) { check(len === 0, 'string offsets go backwards'); out[i] = ''; continue }
    const h = (len * 31 + bytes[s]! * 7 + bytes[s + (len >> 1)]! * 131 + bytes[e - 1]!) & (SLOTS - 1)
    seen++
    const from = at[h]!
    if (from >= 0 && lens[h] === len && sameBytes(words, bytes, from, s, len)) { out[i] = value[h]!; hits++; continue }
    out[i] = value[h] = utf8.decode(bytes.subarray(s, e))
    at[h] = s
    lens[h] = len
    if (seen >= PROBE && hits * 4 < seen) { c.repeats = false; i++; break }
  }
  c.seen = seen
  c.hits = hits
  return i
}

function strings(data: arrow.Data, start: number, end: number): string[] {
  const n = end - start
  const offsets = data.valueOffsets as Int32Array
  const bytes = data.values as Uint8Array
  const base = data.offset + start
  check(offsets.length >= base + n + 1, 'too few string offsets')
  const lo = offsets[base]!, hi = offsets[base + n]!
  check(lo >= 0 && lo <= hi && hi <= bytes.length, 'string offsets outside the data')
  const out = new Array<string>(n)
  const c = stringColumn(data)
  let i = c.repeats ? sharedStrings(c, offsets, bytes, base, n, out) : 0
  if (i === n) return out
  // values that rarely repeat: one decode of the rest, then substrings of it (it holds only
  // this column's text) when every byte became one character, as in ASCII
  const from = offsets[base + i]!
  const all = utf8.decode(bytes.subarray(from, hi))
  const oneByteChars = all.length === hi - from
  for (; i < n; i++) {
    const s = offsets[base + i]!, e = offsets[base + i + 1]!
    check(e >= s, 'string offsets go backwards')
    out[i] = oneByteChars ? all.substring(s - from, e - from) : utf8.decode(bytes.subarray(s, e))
  }
  return out
}

const dictionaries = new WeakMap<arrow.Data, Vector>()

/** Rows start..end of one Arrow column as a Vector of `type` (a type from logicalTypeOfArrow). */
export function arrowRangeToVector(data: arrow.Data, type: LogicalType, start: number, end: number): Vector {
  const n = end - start
  const t = data.type
  const from = data.offset + start
  const valid = (): Uint8Array | null => validity(data, start, end)
  check(start >= 0 && start <= end && end <= data.length, 'row range outside the column')
  const values = data.values as ArrayLike<number> | undefined
  if (values !== undefined && values !== null && (t.typeId === arrow.Type.Int || t.typeId === arrow.Type.Float || t.typeId === arrow.Type.Date ||
    t.typeId === arrow.Type.Timestamp || t.typeId === arrow.Type.Time || arrow.DataType.isDictionary(t))) {
    check(values.length >= from + n, 'values buffer too short')
  }
  if (t.typeId === arrow.Type.Null || type.id === 'NULL') return nullVector(type, n)
  if (arrow.DataType.isDictionary(t)) {
    const dict = data.dictionary!.data[0]!
    // converted once per dictionary, not once per chunk
    let values = dictionaries.get(dict)
    if (values === undefined || values.type !== type) dictionaries.set(dict, values = arrowRangeToVector(dict, type, 0, dict.length))
    const keys = data.values as Int32Array
    const sel = new Int32Array(n)
    const mask = valid()
    for (let i = 0; i < n; i++) sel[i] = mask !== null && mask[i] === 0 ? 0 : Number(keys[from + i]!)
    for (let i = 0; i < n; i++) check(sel[i]! >= 0 && sel[i]! < dict.length, 'dictionary index out of range')
    const out = gather(values, sel, n)
    if (mask !== null) {
      const merged = out.validity === null ? mask : out.validity.map((v, i) => v & mask[i]!)
      out.validity = merged
    }
    return out
  }
  switch (t.typeId) {
    case arrow.Type.Bool: {
      const bits = data.values as Uint8Array
      check(bits.length * 8 >= from + n, 'boolean buffer too short')
      const out = new Uint8Array(n)
      for (let i = 0; i < n; i++) { const b = from + i; out[i] = (bits[b >> 3]! >> (b & 7)) & 1 }
      return new Vector(type, n, out, valid())
    }
    case arrow.Type.Int: {
      const it = t as arrow.Int
      const values = data.values as Int32Array
      if (it.bitWidth === 64) {
        if (type.id === 'BIGINT') return new Vector(type, n, (values as unknown as BigInt64Array).subarray(from, from + n), valid())
        // UBIGINT → DECIMAL(20,0): exact as bigint
        const src = values as unknown as BigUint64Array
        const out = new Array<bigint>(n)
        for (let i = 0; i < n; i++) out[i] = src[from + i]!
        return new Vector(type, n, out, valid())
      }
      if (it.isSigned) return new Vector(type, n, values.subarray(from, from + n), valid())
      const out = type.id === 'SMALLINT' ? new Int16Array(n) : type.id === 'INTEGER' ? new Int32Array(n) : null
      if (out !== null) {
        for (let i = 0; i < n; i++) out[i] = values[from + i]!
        return new Vector(type, n, out, valid())
      }
      const big = new BigInt64Array(n)
      for (let i = 0; i < n; i++) big[i] = BigInt(values[from + i]!)
      return new Vector(type, n, big, valid())
    }
    case arrow.Type.Float: {
      const values = data.values as Float64Array
      if (values instanceof Uint16Array) break
      return new Vector(type, n, values.subarray(from, from + n), valid())
    }
    case arrow.Type.Date: {
      const d = t as arrow.Date_
      const mask = valid()
      if (d.unit === arrow.DateUnit.MILLISECOND) return new Vector(type, n, millisToDays(data.values as unknown as BigInt64Array, from, n, mask), mask)
      const days = (data.values as Int32Array).subarray(from, from + n)
      checkDays(days, mask)
      return new Vector(type, n, days, mask)
    }
    case arrow.Type.Timestamp: {
      const scale = microsPer((t as arrow.Timestamp).unit)
      const mask = valid()
      return new Vector(type, n, timestampsToMicros(data.values as unknown as BigInt64Array, from, n, scale, mask), mask)
    }
    case arrow.Type.Time: {
      const tt = t as arrow.Time
      return new Vector(type, n, timesToMicros(data.values as Int32Array, tt.bitWidth, from, n, microsPer(tt.unit)), valid())
    }
    case arrow.Type.Decimal: {
      if (type.id !== 'DECIMAL') break
      const d = t as arrow.Decimal
      const words = data.values as Uint32Array
      const stride = d.bitWidth / 32
      check(words.length >= (from + n) * stride, 'decimal buffer too short')
      if (type.width <= DECIMAL_FLOAT_MAX_WIDTH) {
        const out = new Float64Array(n)
        for (let i = 0; i < n; i++) { const w = (from + i) * stride; out[i] = words[w]! + (words[w + 1]! | 0) * TWO_32 }
        return new Vector(type, n, out, valid())
      }
      const out = new Array<bigint>(n)
      for (let i = 0; i < n; i++) {
        const w = (from + i) * stride
        let x = 0n
        for (let k = stride - 1; k >= 0; k--) x = (x << 32n) | BigInt(words[w + k]!)
        out[i] = BigInt.asIntN(stride * 32, x)
      }
      return new Vector(type, n, out, valid())
    }
    case arrow.Type.Utf8:
      return new Vector(type, n, strings(data, start, end), valid())
    case arrow.Type.Binary: {
      if (type.id === 'VARCHAR') return new Vector(type, n, strings(data, start, end), valid())
      const offsets = data.valueOffsets as Int32Array
      const bytes = data.values as Uint8Array
      check(offsets.length >= from + n + 1 && offsets[from]! >= 0 && offsets[from + n]! <= bytes.length, 'binary offsets outside the data')
      const out = new Array<Uint8Array>(n)
      for (let i = 0; i < n; i++) out[i] = bytes.slice(offsets[from + i]!, offsets[from + i + 1]!)
      return new Vector(type, n, out, valid())
    }
    case arrow.Type.List: case arrow.Type.Map: {
      if (type.id !== 'LIST') break
      const src = data.valueOffsets as Int32Array
      check(src.length >= from + n + 1, 'too few list offsets')
      const lo = src[from]!, hi = src[from + n]!
      check(lo >= 0 && hi <= data.children[0]!.length, 'list offsets outside the child')
      for (let i = 0; i < n; i++) check(src[from + i]! <= src[from + i + 1]!, 'list offsets go backwards')
      const offsets = new Int32Array(n + 1)
      for (let i = 0; i <= n; i++) offsets[i] = src[from + i]! - lo
      const child = arrowRangeToVector(data.children[0]!, (type as ListType).child, lo, hi)
      return new Vector(type, n, null, valid(), offsets, [child])
    }
    case arrow.Type.FixedSizeList: {
      if (type.id !== 'ARRAY') break
      // the child is sliced with its parent (arrow-js folds the offset in), so rows map by stride alone
      const size = type.size, child = data.children[0]!
      check(child.length >= end * size, 'fixed-size list child too short')
      return new Vector(type, n, null, valid(), null, [arrowRangeToVector(child, type.child, start * size, end * size)])
    }
    case arrow.Type.Struct: {
      if (type.id !== 'STRUCT') break
      const fields = (type as StructType).fields
      // struct children carry the parent's offset themselves
      const children = data.children.map((c, k) => arrowRangeToVector(c, fields[k]!.type, start, end))
      return new Vector(type, n, null, valid(), null, children)
    }
    case arrow.Type.Interval: {
      const unit = (t as arrow.Interval).unit
      const words = data.values as Int32Array
      check(words.length >= (from + n) * (unit === arrow.IntervalUnit.MONTH_DAY_NANO ? 4 : unit === arrow.IntervalUnit.DAY_TIME ? 2 : 1), 'interval buffer too short')
      const out = new Array<Interval>(n)
      if (unit === arrow.IntervalUnit.MONTH_DAY_NANO) {
        for (let i = 0; i < n; i++) {
          const w = (from + i) * 4
          const nanos = (words[w + 2]! >>> 0) + words[w + 3]! * TWO_32
          out[i] = { months: words[w]!, days: words[w + 1]!, micros: Math.floor(nanos / 1000) }
        }
      } else if (unit === arrow.IntervalUnit.DAY_TIME) {
        for (let i = 0; i < n; i++) out[i] = { months: 0, days: words[(from + i) * 2]!, micros: words[(from + i) * 2 + 1]! * 1000 }
      } else {
        for (let i = 0; i < n; i++) out[i] = { months: words[from + i]!, days: 0, micros: 0 }
      }
      return new Vector(type, n, out, valid())
    }
    default: break
  }
  return arrowDataToVector(data.slice(start, n), type)
}
