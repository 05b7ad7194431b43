/**
 * hash(any, …): DuckDB's 64-bit hash, value for value, so hashes computed here and in DuckDB
 * agree. Fixed-width values go through a Murmur-style 64-bit finaliser (32-bit integers and
 * dates as their unsigned 32-bit pattern, doubles as their bits with -0 and NaN made canonical),
 * text and blobs through DuckDB's 8-bytes-at-a-time string hash; lists, structs, maps and
 * several arguments fold their parts with CombineHash; NULL hashes to a fixed constant.
 */
import { type Interval, type LogicalType, type Value, structKey } from '../types/types.ts'
import { normalizeInterval } from '../types/datetime.ts'

const M64 = (1n << 64n) - 1n
const K = 0xd6e8feb86659fd93n
/** the hash of NULL (and of an empty list) */
export const NULL_HASH = 0xbf58476d1ce4e5b9n

function murmur64(x: bigint): bigint {
  x &= M64
  x ^= x >> 32n
  x = (x * K) & M64
  x ^= x >> 32n
  x = (x * K) & M64
  x ^= x >> 32n
  return x
}

export function combineHash(left: bigint, right: bigint): bigint {
  left ^= left >> 32n
  left = (left * K) & M64
  return left ^ right
}

const encoder = new TextEncoder()

function hashBytes(bytes: Uint8Array): bigint {
  const len = BigInt(bytes.length)
  let h = (0xe17a1465n ^ ((len * 0xc6a4a7935bd1e995n) & M64)) & M64
  const rem = bytes.length & 7
  const word = (from: number, n: number): bigint => {
    let w = 0n
    for (let k = n - 1; k >= 0; k--) w = (w << 8n) | BigInt(bytes[from + k]!)
    return w
  }
  let p = 0
  for (; p < bytes.length - rem; p += 8) h = ((h ^ word(p, 8)) * K) & M64
  if (rem !== 0) h = ((h ^ word(p, rem)) * K) & M64
  return murmur64(h)
}

const f64 = new DataView(new ArrayBuffer(8))

function doubleBits(x: number): bigint {
  if (x === 0) return 0n
  if (Number.isNaN(x)) return 0x7ff8000000000000n
  f64.setFloat64(0, x)
  return f64.getBigUint64(0)
}

function floatBits(x: number): bigint {
  if (x === 0) return 0n
  if (Number.isNaN(x)) return 0x7fc00000n
  f64.setFloat32(0, x)
  return BigInt(f64.getUint32(0))
}

/** DuckDB's hash of one value of `type` (an unsigned 64-bit number). */
export function hashOf(type: LogicalType, v: Value): bigint {
  // a NULL struct hashes like a struct of NULL fields (DuckDB hashes the fields' vectors)
  if (v === null && type.id !== 'STRUCT') return NULL_HASH
  switch (type.id) {
    case 'NULL': return NULL_HASH
    case 'BOOLEAN': return murmur64(v === true || v === 1 ? 1n : 0n)
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'DATE':
      return murmur64(BigInt.asUintN(32, BigInt(v as number)))
    case 'BIGINT': case 'TIMETZ': return murmur64(BigInt.asUintN(64, v as bigint))
    case 'TIME': case 'TIMESTAMP': case 'TIMESTAMPTZ': {
      const n = v as number
      // the infinities are the 64-bit extremes in DuckDB
      const m = n === Infinity ? (1n << 63n) - 1n : n === -Infinity ? -((1n << 63n) - 1n) : BigInt(n)
      return murmur64(BigInt.asUintN(64, m))
    }
    // DuckDB hashes a HUGEINT's two 64-bit halves (the upper one of a small value hashes to 0 or a constant)
    case 'HUGEINT': {
      const x = v as bigint
      return murmur64(BigInt.asUintN(64, x)) ^ murmur64(BigInt.asUintN(64, x >> 64n))
    }
    case 'DECIMAL': {
      const x = BigInt(v as number | bigint)
      const lo = BigInt.asUintN(64, x), hi = BigInt.asUintN(64, x >> 64n)
      // a 128-bit value hashes both halves; one that fits 64 bits only its lower half (the upper is 0 or all ones)
      return x >= -(1n << 63n) && x < (1n << 63n) ? murmur64(lo) : murmur64(lo) ^ murmur64(hi)
    }
    case 'DOUBLE': return murmur64(doubleBits(v as number))
    case 'REAL': return murmur64(floatBits(v as number))
    case 'VARCHAR': return hashBytes(encoder.encode(v as string))
    case 'BLOB': return hashBytes(v as Uint8Array)
    case 'INTERVAL': {
      const { months, days, micros } = normalizeInterval(v as Interval)
      return murmur64(BigInt.asUintN(64, BigInt(months))) ^ murmur64(BigInt.asUintN(64, BigInt(days))) ^
        murmur64(BigInt.asUintN(64, BigInt(micros)))
    }
    case 'LIST': case 'ARRAY': {
      const items = v as readonly Value[]
      if (items.length === 0) return NULL_HASH
      let h = hashOf(type.child, items[0]!)
      for (let i = 1; i < items.length; i++) h = combineHash(h, hashOf(type.child, items[i]!))
      return h
    }
    case 'STRUCT': {
      const o = (v ?? {}) as { readonly [k: string]: Value }
      let h: bigint | undefined
      type.fields.forEach((f, i) => {
        const x = hashOf(f.type, o[structKey(f, i)] ?? null)
        h = h === undefined ? x : combineHash(h, x)
      })
      return h ?? NULL_HASH
    }
  }
}

/** hash(a, b, …): the arguments' hashes folded left to right. */
export function hashRow(types: readonly LogicalType[], values: readonly Value[]): bigint {
  let h = hashOf(types[0]!, values[0] ?? null)
  for (let i = 1; i < types.length; i++) h = combineHash(h, hashOf(types[i]!, values[i] ?? null))
  return h
}
