/** The embeddings the HNSW crash test writes: a function of the row's step number. */
import { prng } from '../differential/data.ts'

export const CRASH_DIM = 8

export function embedding(seed: number): number[] {
  const r = prng(seed + 1)
  const centre = seed % 4
  return Array.from({ length: CRASH_DIM }, (_, j) => Math.fround((j === centre ? 5 : 0) + r() * 2 - 1))
}

export function vectorSql(v: readonly number[]): string { return `[${v.join(', ')}]::FLOAT[${CRASH_DIM}]` }
