/**
 * The per-row draws table samples filter and order by (core/binder/sample.ts):
 * tablesample_random() follows random() (and so setseed / SET seed), tablesample_hash(seed, key…)
 * is a uniform number in [0, 1) fixed by the seed and the row, for REPEATABLE (hashed in 32-bit
 * arithmetic when the row's key is numbers, as a table's rowid is; with BigInt otherwise). Both are volatile
 * so that the optimizer neither folds them nor moves other filters below them.
 */
import type { Hooks } from '../hooks/registry.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { DOUBLE } from '../types/types.ts'
import { Vector, getValue } from '../vector/vector.ts'
import { hashRow } from './hash.ts'

const MASK64 = (1n << 64n) - 1n

/** splitmix64's finaliser: spreads a hash of neighbouring row ids over the whole range */
function mix(h: bigint): bigint {
  let z = h & MASK64
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64
  return z ^ (z >> 31n)
}

/** murmur3's 32-bit finaliser */
function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

const NULL_WORD = 0x9e3779b9 | 0

/** a key column as 32-bit words: two per row (8-byte values), or one sign-extended (narrower integers); null when it is neither */
function wordsOf(v: Vector): { words: Int32Array | Int16Array | Int8Array | Uint8Array; wide: boolean } | null {
  const d = v.data
  if (d instanceof BigInt64Array || d instanceof Float64Array) return { words: new Int32Array(d.buffer, d.byteOffset, d.length * 2), wide: true }
  if (d instanceof Int32Array || d instanceof Int16Array || d instanceof Int8Array) return { words: d, wide: false }
  if (d instanceof Uint8Array && v.physical === 'u8') return { words: d, wide: false }
  return null
}

/**
 * The draws for keys that are all numbers of fixed width (a table's rowid, integer and double
 * columns), in 32-bit arithmetic: two murmur-finalised streams seeded differently, 53 bits in
 * all. An integer hashes the same whatever its width (sign-extended). False when a key is of
 * another type: then the caller hashes row by row.
 */
function numberDraws(args: readonly Vector[], count: number, out: Float64Array): boolean {
  const keys = args.slice(1).map(wordsOf)
  if (keys.some(k => k === null)) return false
  const seed = new Float64Array([Number(getValue(args[0]!, 0) ?? 0)])
  const seedWords = new Int32Array(seed.buffer)
  // both words into both streams: small whole seeds differ only in the high word
  const a0 = fmix32(fmix32(seedWords[0]! ^ 0x5bd1e995) ^ seedWords[1]!)
  const b0 = fmix32(fmix32(seedWords[1]! ^ 0x1b873593) ^ a0 ^ seedWords[0]!)
  const as = new Int32Array(count).fill(a0)
  const bs = new Int32Array(count).fill(b0)
  for (let k = 0; k < keys.length; k++) {
    const { words, wide } = keys[k]!
    const validity = args[k + 1]!.validity
    for (let i = 0; i < count; i++) {
      let lo: number, hi: number
      if (validity !== null && validity[i] === 0) { lo = NULL_WORD; hi = NULL_WORD }
      else if (wide) { lo = words[2 * i]!; hi = words[2 * i + 1]! }
      else { lo = words[i]!; hi = lo >> 31 }
      as[i] = fmix32(fmix32(as[i]! ^ lo) ^ hi)
      bs[i] = fmix32(fmix32(bs[i]! ^ hi) + lo)
    }
  }
  for (let i = 0; i < count; i++) out[i] = ((as[i]! >>> 0) * 2 ** 21 + ((bs[i]! >>> 0) >>> 11)) / 2 ** 53
  return true
}

export function registerSampleFunctions(hooks: Hooks): void {
  hooks.registerScalar({
    name: 'tablesample_random', nulls: 'handle', volatility: 'volatile', description: 'a table sample\'s draw: random() for each row',
    overloads: [{
      args: [], returns: DOUBLE,
      invoke: (_args, count, ctx) => {
        const out = new Float64Array(count)
        for (let i = 0; i < count; i++) out[i] = ctx.random()
        return new Vector(DOUBLE, count, out, null)
      },
    }],
  })
  hooks.registerScalar({
    name: 'tablesample_hash', nulls: 'handle', volatility: 'volatile', description: 'a REPEATABLE table sample\'s draw in [0, 1), fixed by the seed and the row',
    bind: argTypes => argTypes.length < 2 ? undefined : {
      argTypes: argTypes.map(normalizeLiteralType), returns: DOUBLE,
      invoke: (args, count) => {
        const out = new Float64Array(count)
        if (numberDraws(args, count, out)) return new Vector(DOUBLE, count, out, null)
        const types = args.map(a => a.type)
        // 53 bits: every double in [0, 1) this can give is exact
        for (let i = 0; i < count; i++) out[i] = Number(mix(hashRow(types, args.map(a => getValue(a, i)))) >> 11n) / 2 ** 53
        return new Vector(DOUBLE, count, out, null)
      },
    },
  })
}
