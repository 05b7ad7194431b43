/**
 * hash(any): a 64-bit hash of a value, the same for equal values of one type. Built from two
 * independent 32-bit FNV-1a style mixes over a canonical byte-ish form of the value.
 */
import type { Value } from '../types/types.ts'

function mix32(h: number, x: number): number {
  h ^= x
  return Math.imul(h, 0x01000193) >>> 0
}

function mixString(h1: number, h2: number, s: string): [number, number] {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = mix32(h1, c & 0xff); h1 = mix32(h1, c >>> 8)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0
    h2 ^= h2 >>> 15
  }
  return [h1, h2]
}

function finalize(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return h >>> 0
}

const scratch = new DataView(new ArrayBuffer(8))

function canonical(v: Value): string {
  if (v === null) return '\u0000'
  switch (typeof v) {
    case 'string': return 's' + v
    case 'boolean': return v ? 't' : 'f'
    case 'bigint': return 'i' + v.toString()
    case 'number': {
      if (Number.isInteger(v)) return 'i' + String(v)
      scratch.setFloat64(0, v)
      return 'd' + scratch.getUint32(0) + ':' + scratch.getUint32(4)
    }
    default:
      if (v instanceof Uint8Array) return 'x' + String.fromCharCode(...v)
      if (Array.isArray(v)) return '[' + v.map(canonical).join('\u0001') + ']'
      return '{' + Object.entries(v as Record<string, Value>).map(([k, x]) => k + '=' + canonical(x)).join('\u0001') + '}'
  }
}

/** A signed 64-bit hash of `v`. */
export function hashValue(v: Value): bigint {
  const [a, b] = mixString(0x811c9dc5, 0x9747b28c, canonical(v))
  const hi = finalize(a), lo = finalize(b ^ hi)
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo))
}
