/**
 * The UTF-8 form of a VARCHAR vector's rows, when the column store that produced the vector
 * keeps one. Consumers that need bytes rather than JS strings (the extension sandbox's arena)
 * ask here first, so stored text is encoded once instead of on every query.
 *
 * A scan notes where each string vector's array came from (`noteStoredRows`); `storedUtf8`
 * asks that source, which checks that the vector still holds exactly its rows (same strings,
 * same NULLs) before answering, so a vector changed after the scan is never misdescribed.
 */
import type { Vector } from './vector.ts'

/** Rows [start, end) of a store's UTF-8 form. */
export interface Utf8Rows {
  /** the store's bytes; row i (0-based in the vector) is bytes[offsets[i], offsets[i + 1]) */
  readonly bytes: Uint8Array
  /** count + 1 byte offsets into `bytes`, not rebased: offsets[0] is where the first row starts */
  readonly offsets: Int32Array
  /** every byte is below 0x80 */
  readonly ascii: boolean
}

/** A store of strings that may answer with their UTF-8 form. NULL rows read as ''. */
export interface Utf8Source {
  /** rows [start, end), if `data`/`validity` still equal them; null when it cannot or will not */
  utf8Rows(start: number, end: number, data: readonly unknown[], validity: Uint8Array | null): Utf8Rows | null
}

interface Origin { readonly source: Utf8Source; readonly start: number; readonly end: number }

// keyed by the vector's data array: vectors are rebuilt around arrays, arrays are what scans make
const origins = new WeakMap<object, Origin>()

/** Notes that `data` holds rows [start, end) of `source` (a scan calls this for each vector it makes). */
export function noteStoredRows(data: readonly unknown[], source: Utf8Source, start: number, end: number): void {
  origins.set(data, { source, start, end })
}

/** The stored UTF-8 form of `v`'s first `count` rows, or null when its store has none. */
export function storedUtf8(v: Vector, count: number): Utf8Rows | null {
  if (v.physical !== 'str' || v.data === null) return null
  const o = origins.get(v.data)
  if (o === undefined || count > o.end - o.start) return null
  return o.source.utf8Rows(o.start, o.start + count, v.data as readonly unknown[], v.validity)
}
