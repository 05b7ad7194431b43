/**
 * Growable per-group storage for aggregate states: typed arrays indexed by group id that
 * double their capacity when resize() asks for more groups.
 */
import { InternalError } from '../../errors.ts'
import type { Vector } from '../../vector/vector.ts'

export function capacityFor(groups: number, current: number): number {
  let cap = Math.max(current, 16)
  while (cap < groups) cap *= 2
  return cap
}

export function growF64(a: Float64Array<ArrayBuffer>, groups: number, fill = 0): Float64Array<ArrayBuffer> {
  if (groups <= a.length) return a
  const b = new Float64Array(capacityFor(groups, a.length))
  if (fill !== 0) b.fill(fill)
  b.set(a)
  return b
}

export function growU8(a: Uint8Array<ArrayBuffer>, groups: number): Uint8Array<ArrayBuffer> {
  if (groups <= a.length) return a
  const b = new Uint8Array(capacityFor(groups, a.length))
  b.set(a)
  return b
}

export function growI64(a: BigInt64Array<ArrayBuffer>, groups: number, fill = 0n): BigInt64Array<ArrayBuffer> {
  if (groups <= a.length) return a
  const b = new BigInt64Array(capacityFor(groups, a.length))
  if (fill !== 0n) b.fill(fill)
  b.set(a)
  return b
}

export function growArray<T>(a: T[], groups: number, fill: T): void {
  while (a.length < groups) a.push(fill)
}

/** Validity for `groups` results where has[g] = 0 means NULL (null when all present). */
export function validityFromFlags(has: Uint8Array, groups: number): Uint8Array | null {
  for (let g = 0; g < groups; g++) {
    if (has[g] === 0) return has.slice(0, groups)
  }
  return null
}

/** The aggregate's argument k, which the engine must pass. */
export function argVector(args: readonly Vector[], k: number): Vector {
  const v = args[k]
  if (v === undefined) throw new InternalError(`aggregate called without argument ${k + 1}`)
  return v
}

/** Checks the other state has the same class before combining. */
export function sameState<T>(self: T, other: unknown): T {
  if (other === null || typeof other !== 'object' || (other as object).constructor !== (self as object).constructor) {
    throw new InternalError('combining aggregate states of different kinds')
  }
  return other as T
}

/** True when row i of every arg is valid (the engine filters NULLs for 'skip', but be safe). */
export function rowOk(args: readonly Vector[], i: number): boolean {
  for (let k = 0; k < args.length; k++) {
    const m = args[k]!.validity
    if (m !== null && m[i] === 0) return false
  }
  return true
}

let smallBigints: bigint[] | null = null
const SMALL_BIGINTS = 1 << 16

/**
 * BigInt(x) for an integer-valued double, shared for 0 ≤ x < 2^16: finalizing a million small
 * sums (q18's quantity per order) would otherwise allocate a million bigints. BigInts are
 * immutable, so one object per value is safe.
 */
export function bigintOf(x: number): bigint {
  if (x >= 0 && x < SMALL_BIGINTS && x === Math.floor(x)) {
    smallBigints ??= Array.from({ length: SMALL_BIGINTS }, (_, i) => BigInt(i))
    return smallBigints[x]!
  }
  return BigInt(x)
}

/** Integer-valued doubles (|x| < 2^53) into a BigInt64Array through its 32-bit words, creating no bigints. */
export function int64FromDoubles(src: Float64Array, n: number): BigInt64Array<ArrayBuffer> {
  const out = new BigInt64Array(n)
  const words = new Int32Array(out.buffer, 0, n * 2)
  const little = LITTLE_ENDIAN
  for (let g = 0; g < n; g++) {
    const x = src[g]!
    const hi = Math.floor(x / 4294967296), lo = x - hi * 4294967296
    words[little ? 2 * g : 2 * g + 1] = lo | 0
    words[little ? 2 * g + 1 : 2 * g] = hi | 0
  }
  return out
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
