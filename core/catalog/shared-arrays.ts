/**
 * Typed arrays over SharedArrayBuffer for column segments, so worker threads read table data
 * without a copy (core/execution/parallel). V8 reads and writes them as fast as ordinary typed
 * arrays in hot loops (measured side by side: a filtered sum over 6.5M doubles 101 vs 104 ms, a
 * write pass 30 vs 26 ms; allocating is as cheap), so every numeric segment uses them.
 */
import type { PhysicalType } from '../types/types.ts'

export type SharedTyped = Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array

const CTORS = {
  u8: Uint8Array, i8: Int8Array, i16: Int16Array, i32: Int32Array, date: Int32Array,
  i64: BigInt64Array, f32: Float32Array, f64: Float64Array,
} as const

/** a zeroed array of `n` elements of a flat numeric physical type over shared memory */
export function sharedTyped(physical: PhysicalType, n: number): SharedTyped {
  const Ctor = CTORS[physical as keyof typeof CTORS] as { new(b: SharedArrayBuffer): SharedTyped; BYTES_PER_ELEMENT: number } | undefined
  if (Ctor === undefined) throw new TypeError(`no shared storage for physical type ${physical}`)
  return new Ctor(new SharedArrayBuffer(n * Ctor.BYTES_PER_ELEMENT))
}

export function sharedBytes(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n))
}

/** a copy in shared memory (`slice` would give an ordinary ArrayBuffer) */
export function sharedCopy<T extends SharedTyped>(a: T): T {
  const Ctor = a.constructor as { new(b: SharedArrayBuffer): T }
  const out = new Ctor(new SharedArrayBuffer(a.byteLength))
  ;(out as Float64Array).set(a as unknown as Float64Array)
  return out
}

export function isShared(a: SharedTyped): boolean {
  return a.buffer instanceof SharedArrayBuffer
}

/** one column of a row group as a worker reads it */
export interface SharedColumn { readonly data: SharedTyped; readonly validity: Uint8Array | null }

/** one row group for a parallel scan: rows [0, count), `hidden[i]` = 1 for rows the reader must not see */
export interface SharedGroup {
  readonly count: number
  readonly columns: readonly SharedColumn[]
  readonly hidden: Uint8Array | null
}
