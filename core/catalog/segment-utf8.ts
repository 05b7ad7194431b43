/**
 * The UTF-8 form of a VARCHAR column segment (see core/vector/stored-utf8.ts): made on the first
 * request for it — a sandboxed function reading the column — and kept until the segment
 * changes a row it covers, so repeated queries over stored text skip encoding it.
 *
 * Bounded: all segments together hold at most STORED_UTF8_LIMIT bytes. A segment whose form
 * does not fit is not cached (its readers encode per batch, as they would without a cache)
 * rather than evicting another's, because scans visit segments in a cycle, and least-recently-
 * used eviction would then re-encode every segment on every query.
 */
import { Buffer } from 'node:buffer'
import type { Utf8Rows } from '../vector/stored-utf8.ts'
import type { SealedStrings } from './sealed-strings.ts'

/** a segment's rows: its array, or its sealed form */
type StoredRows = readonly unknown[] | SealedStrings

const rowOf = (stored: StoredRows, i: number): unknown => Array.isArray(stored) ? stored[i] : (stored as SealedStrings).at(i)

/** Bytes (text plus offsets) all segments' UTF-8 forms may hold together. */
export const STORED_UTF8_LIMIT = 512 * 1024 * 1024

const MAX_JOINED = 1 << 28

let held = 0
// a segment dropped with its table gives its share back
const charges = new FinalizationRegistry<{ bytes: number }>(c => { held -= c.bytes; c.bytes = 0 })

/** Bytes the UTF-8 forms of all live segments hold now. */
export function storedUtf8Bytes(): number { return held }

export class SegmentUtf8 {
  private bytes: Uint8Array | null = null
  private offsets: Int32Array | null = null
  /** rows covered: [0, rows) */
  private rows = 0
  private ascii = false
  private readonly charge = { bytes: 0 }

  constructor(owner: object) { charges.register(owner, this.charge) }

  /** Drops the form (a row it covers changed). */
  clear(): void {
    held -= this.charge.bytes
    this.charge.bytes = 0
    this.bytes = null
    this.offsets = null
    this.rows = 0
  }

  /**
   * Rows [start, end) of the segment whose first `length` rows are `stored` / `storedValidity`,
   * when `data` / `validity` (a vector made from it) still equal them; null otherwise or when
   * the form would not fit within the limit.
   */
  rowsOf(stored: StoredRows, storedValidity: Uint8Array | null, length: number, start: number, end: number,
    data: readonly unknown[], validity: Uint8Array | null): Utf8Rows | null {
    if (end > length || !sameRows(stored, storedValidity, start, end, data, validity)) return null
    if (this.bytes === null || this.rows < end) {
      this.clear()
      if (!this.encode(stored, storedValidity, length)) return null
    }
    return { bytes: this.bytes!, offsets: this.offsets!.subarray(start, end + 1), ascii: this.ascii }
  }

  private encode(stored: StoredRows, validity: Uint8Array | null, length: number): boolean {
    const offsets = new Int32Array(length + 1)
    const rows = new Array<string>(length)
    let chars = 0
    for (let i = 0; i < length; i++) {
      const v = rowOf(stored, i)
      const s = typeof v === 'string' && (validity === null || validity[i] === 1) ? v : ''
      rows[i] = s
      chars += s.length
      offsets[i + 1] = chars
    }
    // at least one byte a character: refuse before encoding what cannot be kept (or joined: V8 strings stop near 2^29)
    if (chars > MAX_JOINED || held + chars + offsets.byteLength > STORED_UTF8_LIMIT) return false
    const joined = rows.join('')
    let bytes: Uint8Array = Buffer.from(joined, 'utf8')
    // as many bytes as UTF-16 units only when every unit is ASCII: the offsets are the character counts
    const ascii = bytes.length === joined.length
    if (!ascii) {
      // row by row: joining could pair one row's trailing high surrogate with the next row's low one
      let total = 0
      for (let i = 0; i < length; i++) { total += Buffer.byteLength(rows[i]!, 'utf8'); offsets[i + 1] = total }
      if (held + total + offsets.byteLength > STORED_UTF8_LIMIT) return false
      const out = Buffer.allocUnsafeSlow(total)
      for (let i = 0; i < length; i++) out.write(rows[i]!, offsets[i]!, 'utf8')
      bytes = out
    }
    this.bytes = bytes
    this.offsets = offsets
    this.rows = length
    this.ascii = ascii
    this.charge.bytes = bytes.byteLength + offsets.byteLength
    held += this.charge.bytes
    return true
  }
}

/** `data` / `validity` hold exactly rows [start, end) of the stored ones: the same NULLs, the same strings */
function sameRows(stored: StoredRows, storedValidity: Uint8Array | null, start: number, end: number,
  data: readonly unknown[], validity: Uint8Array | null): boolean {
  const n = end - start
  if (!Array.isArray(stored)) {
    // sealed rows are made again on each read: equal text, not the same strings
    const sealed = stored as SealedStrings
    for (let i = 0; i < n; i++) {
      const valid = validity === null || validity[i] === 1
      if (valid !== (storedValidity === null || storedValidity[start + i] === 1)) return false
      if (valid && data[i] !== sealed.at(start + i)) return false
    }
    return true
  }
  if (validity === null && storedValidity === null) {
    // the usual case: the scan's own strings, equal as pointers. Object.is, not !==: V8 then
    // skips the string map checks that touch every row (2-5 against 6-12 ns a row, loaded machine)
    for (let i = 0; i < n; i++) if (!Object.is(data[i], stored[start + i])) return false
    return true
  }
  for (let i = 0; i < n; i++) {
    const valid = validity === null || validity[i] === 1
    if (valid !== (storedValidity === null || storedValidity[start + i] === 1)) return false
    if (valid && !Object.is(data[i], stored[start + i])) return false
  }
  return true
}
