import { test } from 'node:test'
import assert from 'node:assert/strict'
import { NumberKeyMap } from '../../../core/catalog/number-key-map.ts'

test('behaves like a Map under random inserts and deletes, with SQL key equality', () => {
  const m = new NumberKeyMap()
  const ref = new Map<number, number>()
  let seed = 12345
  const rand = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed }
  const keyOf = (r: number): number => {
    switch (r % 5) {
      case 0: return r % 1000
      case 1: return (r % 1000) + 0.5
      case 2: return -(r % 300)
      case 3: return (r % 7) * 2 ** 40
      default: return r % 64
    }
  }
  for (let step = 0; step < 200_000; step++) {
    const r = rand(), k = keyOf(r >>> 3)
    if (r % 3 === 0) { m.delete(k); ref.delete(k) } else { m.set(k, step); ref.set(k, step) }
    if (step % 997 === 0) {
      assert.equal(m.size, ref.size)
      for (const [key, v] of ref) assert.equal(m.get(key), v)
    }
  }
  for (let k = -400; k < 1100; k += 0.5) assert.equal(m.get(k), ref.get(k))
})

test('-0 equals 0, NaN equals NaN, infinities are ordinary keys', () => {
  const m = new NumberKeyMap()
  m.set(0, 1)
  assert.equal(m.get(-0), 1)
  m.set(NaN, 2)
  assert.equal(m.get(NaN), 2)
  m.set(Infinity, 3); m.set(-Infinity, 4)
  assert.equal(m.get(Infinity), 3)
  assert.equal(m.get(-Infinity), 4)
  m.delete(NaN)
  assert.equal(m.get(NaN), undefined)
  assert.equal(m.size, 3)
  m.clear()
  assert.equal(m.size, 0)
  assert.equal(m.get(0), undefined)
})

test('grows past a million entries', () => {
  const m = new NumberKeyMap()
  for (let i = 0; i < 1_000_000; i++) m.set(i * 3, i)
  assert.equal(m.size, 1_000_000)
  assert.equal(m.get(2_999_997), 999_999)
  assert.equal(m.get(1), undefined)
  for (let i = 0; i < 1_000_000; i += 2) m.delete(i * 3)
  assert.equal(m.size, 500_000)
  assert.equal(m.get(3), 1)
  assert.equal(m.get(0), undefined)
})
