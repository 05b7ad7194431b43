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
