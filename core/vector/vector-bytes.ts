/**
 * Estimated heap bytes of vectors: what the query memory accountant reserves for buffered rows
 * and what the buffer manager charges for a resident table segment.
 */
import type { Vector } from './vector.ts'

/** Estimated heap bytes of rows [0, n) of a vector (strings as UTF-16 plus object overhead). */
export function vectorBytes(v: Vector, n = v.length): number {
  let b = v.validity === null ? 0 : n
  switch (v.physical) {
    case 'null': return b
    case 'u8': case 'i8': return b + n
    case 'i16': return b + 2 * n
    case 'i32': case 'date': case 'f32': return b + 4 * n
    case 'i64': case 'f64': return b + 8 * n
    case 'big': return b + 32 * n
    case 'interval': return b + 56 * n
    case 'str': {
      const d = v.data as string[]
      b += 8 * n
      for (let i = 0; i < n; i++) { const s = d[i]; if (s !== undefined) b += 16 + 2 * s.length }
      return b
    }
    case 'blob': {
      const d = v.data as Uint8Array[]
      b += 8 * n
      for (let i = 0; i < n; i++) { const s = d[i]; if (s !== undefined) b += 80 + s.length }
      return b
    }
    case 'list': {
      const o = v.offsets!
      return b + 4 * (n + 1) + vectorBytes(v.children[0]!, o[n]!) - vectorBytes(v.children[0]!, o[0]!)
    }
    case 'array': return b + vectorBytes(v.children[0]!, n * (v.type as { size: number }).size)
    case 'struct': return v.children.reduce((s, c) => s + vectorBytes(c, n), b)
  }
}
