// The merge sort of row indexes must give exactly the stable order of a reference sort.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { sortIndexesByKeys } from '../../../core/execution/index-sort.ts'
import { sortedOrder, type SortSpec } from '../../../core/execution/keys.ts'
import { DOUBLE, INTEGER } from '../../../core/types/types.ts'
import { Vector } from '../../../core/vector/vector.ts'

/** a small seeded generator, so a failure can be replayed */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 }
}

function reference(n: number, keys: readonly Float64Array[]): number[] {
  const rows = Array.from({ length: n }, (_, i) => i)
  return rows.sort((i, j) => {
    for (const k of keys) {
      if (k[i]! < k[j]!) return -1
      if (k[i]! > k[j]!) return 1
    }
    return 0
  })
}

test('one, two and three keys with many ties and infinities sort stably, at sizes around the run length', () => {
  const next = rng(7)
  for (const n of [0, 1, 2, 23, 24, 25, 48, 49, 100, 1000, 5003]) {
    for (const width of [1, 2, 3]) {
      const keys = Array.from({ length: width }, () => {
        const k = new Float64Array(n)
        for (let i = 0; i < n; i++) {
          const r = next()
          k[i] = r < 0.05 ? Infinity : r < 0.1 ? -Infinity : Math.floor(r * (width === 1 ? 50 : 4)) - 2
        }
        return k
      })
      const order = Int32Array.from({ length: n }, (_, i) => i)
      sortIndexesByKeys(order, keys)
      assert.deepEqual([...order], reference(n, keys), `n=${n} keys=${width}`)
    }
  }
})

test('integer first keys of a small range (the counting sort) keep ties in order and sort each run by the second key', () => {
  const next = rng(11)
  for (const n of [30, 500, 4000]) {
    for (const range of [1, 7, n]) {
      const k0 = new Float64Array(n), k1 = new Float64Array(n)
      for (let i = 0; i < n; i++) { k0[i] = Math.floor(next() * range) - 3; k1[i] = next() < 0.1 ? Infinity : Math.floor(next() * 5) / 2 }
      for (const keys of [[k0], [k0, k1]]) {
        const order = Int32Array.from({ length: n }, (_, i) => n - 1 - i)
        sortIndexesByKeys(order, keys)
        const expected = Array.from({ length: n }, (_, i) => n - 1 - i).sort((i, j) => {
          for (const k of keys) { if (k[i]! < k[j]!) return -1; if (k[i]! > k[j]!) return 1 }
          return 0
        })
        assert.deepEqual([...order], expected, `n=${n} range=${range} keys=${keys.length}`)
      }
    }
  }
})

test('an order that does not start as the identity is sorted as given', () => {
  const keys = [Float64Array.of(3, 1, 2, 1, 3)]
  const order = Int32Array.of(4, 3, 2, 1, 0)
  sortIndexesByKeys(order, keys)
  assert.deepEqual([...order], [3, 1, 2, 4, 0])
})

test('sortedOrder: partition key ascending, value descending with NULLs last, ties by row', () => {
  const n = 2000, next = rng(3)
  const part = new Int32Array(n), value = new Float64Array(n), valid = new Uint8Array(n)
  for (let i = 0; i < n; i++) { part[i] = Math.floor(next() * 20); value[i] = Math.floor(next() * 30) / 4; valid[i] = next() < 0.1 ? 0 : 1 }
  const specs: SortSpec[] = [{ descending: false, nullsFirst: false }, { descending: true, nullsFirst: false }]
  const order = sortedOrder([new Vector(INTEGER, n, part, null), new Vector(DOUBLE, n, value, valid)], specs, n)
  const expected = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
    part[i]! - part[j]! || (valid[j]! - valid[i]!) || (valid[i] === 1 ? value[j]! - value[i]! : 0) || i - j)
  assert.deepEqual([...order], expected)
})
