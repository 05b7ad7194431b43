import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BPlusTree } from '../../../core/indexes/btree.ts'
import { OrderedIndex, keyComparator, orderedIndexType } from '../../../core/indexes/ordered-index.ts'
import type { IndexRange } from '../../../core/hooks/contracts.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import type { LogicalType, Value } from '../../../core/types/types.ts'
import { VectorBuilder, type Vector } from '../../../core/vector/vector.ts'
import { prng as rng } from '../../differential/data.ts'

const INT: LogicalType = { id: 'INTEGER' }
const BIG: LogicalType = { id: 'BIGINT' }
const DBL: LogicalType = { id: 'DOUBLE' }
const STR: LogicalType = { id: 'VARCHAR' }

function vectorOf(type: LogicalType, values: readonly Value[]): Vector {
  const b = new VectorBuilder(type, values.length)
  for (const v of values) b.push(v)
  return b.finish()
}

test('B+tree: seeded inserts and deletes match a sorted-array oracle, ranges included', () => {
  for (const nodeSize of [4, 5, 16, 64]) {
    const random = rng(nodeSize * 7919)
    const cmp = keyComparator([INT])
    const tree = new BPlusTree(cmp, nodeSize)
    let oracle: [number | null, number][] = []
    const order = (a: [number | null, number], b: [number | null, number]) => cmp(a[0], b[0]) || a[1] - b[1]
    for (let step = 0; step < 6000; step++) {
      const key = random() < 0.05 ? null : Math.floor(random() * 300)
      const row = Math.floor(random() * 50)
      const present = oracle.some(e => e[0] === key && e[1] === row)
      if (random() < 0.6) {
        assert.equal(tree.insert(key, row), !present)
        if (!present) oracle.push([key, row])
      } else {
        assert.equal(tree.delete(key, row), present)
        if (present) oracle = oracle.filter(e => !(e[0] === key && e[1] === row))
      }
      if (step % 500 === 0 || step === 5999) {
        oracle.sort(order)
        const { keys, rows } = tree.entries()
        assert.deepEqual(keys, oracle.map(e => e[0]), `node size ${nodeSize}, step ${step}`)
        assert.deepEqual(rows, oracle.map(e => e[1]))
        assert.equal(tree.size, oracle.length)
      }
    }
  }
})

test('B+tree: a tree emptied by deletes is rebuilt compactly and keeps working', () => {
  const cmp = keyComparator([INT])
  const tree = new BPlusTree(cmp, 4)
  for (let i = 0; i < 20000; i++) tree.insert(i, i)
  // delete from the front like a queue: without compaction seeks would walk thousands of empty leaves
  for (let i = 0; i < 19990; i++) assert.equal(tree.delete(i, i), true)
  assert.equal(tree.size, 10)
  assert.deepEqual(tree.entries().keys, Array.from({ length: 10 }, (_, i) => 19990 + i))
  const cursor = tree.seek(k => (k as number) >= 0)
  assert.equal(cursor.leaf?.keys[cursor.index], 19990)
  for (let i = 0; i < 100; i++) tree.insert(i, i)
  assert.equal(tree.size, 110)
  assert.equal(tree.delete(5, 5), true)
  assert.equal(tree.delete(5, 5), false)
  for (let i = 0; i < 110; i++) tree.delete(i < 100 ? i : 19890 + i, i < 100 ? i : 19890 + i)
  assert.equal(tree.size, 0)
  assert.deepEqual(tree.entries().keys, [])
  assert.equal(tree.insert(1, 1), true)
})

test('B+tree: bulk load then inserts keep the order', () => {
  const cmp = keyComparator([INT])
  const tree = new BPlusTree(cmp, 8)
  const keys = Array.from({ length: 1000 }, (_, i) => i * 2)
  tree.load(keys, keys.map((_, i) => i))
  for (let i = 0; i < 1000; i++) tree.insert(i * 2 + 1, 5000 + i)
  const out = tree.entries().keys as number[]
  assert.equal(out.length, 2000)
  for (let i = 1; i < out.length; i++) assert.ok(out[i - 1]! < out[i]!)
  assert.throws(() => new BPlusTree(cmp, 2), RangeError)
})

/** what a range should return, computed by brute force over (key, row) pairs */
function oracleSearch(entries: readonly { key: Value[]; row: number }[], types: readonly LogicalType[], range: IndexRange): number[] {
  const cmps = types.map(t => keyComparator([t]))
  return entries.filter(({ key }) => {
    for (let k = 0; k < range.equal.length; k++) {
      if (key[k] === null || range.equal[k] === null || cmps[k]!(key[k], range.equal[k]) !== 0) return false
    }
    const m = range.equal.length
    const v = key[m]
    if (range.lower !== null) {
      if (v === null || range.lower.value === null) return false
      const c = cmps[m]!(v, range.lower.value)
      if (range.lower.inclusive ? c < 0 : c <= 0) return false
    }
    if (range.upper !== null) {
      if (v === null || range.upper.value === null) return false
      const c = cmps[m]!(v, range.upper.value)
      if (range.upper.inclusive ? c > 0 : c >= 0) return false
    }
    return true
  }).map(e => e.row).sort((a, b) => a - b)
}

test('ordered index: composite keys, prefixes and ranges match brute force (NULL-heavy, seeded)', () => {
  const types = [INT, STR, DBL]
  const random = rng(42)
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const index = new OrderedIndex({ keyNames: ['a', 'b', 'c'], keyTypes: types, unique: false, options: new Map() }, 6)
  let entries: { key: Value[]; row: number }[] = []
  const gen = (): Value[] => [
    random() < 0.2 ? null : Math.floor(random() * 8),
    random() < 0.2 ? null : pick(['a', 'b', 'c', 'ab', '']),
    random() < 0.2 ? null : pick([-1.5, 0, 2.25, NaN, 10, -0]),
  ]
  let nextRow = 0
  for (let round = 0; round < 40; round++) {
    const add = Array.from({ length: 30 }, () => ({ key: gen(), row: nextRow++ }))
    const keys = types.map((t, k) => vectorOf(t, add.map(e => e.key[k]!)))
    assert.equal(round === 0 ? index.build(keys, Float64Array.from(add.map(e => e.row))) : index.insert(keys, Float64Array.from(add.map(e => e.row))), -1)
    entries.push(...add)
    const gone = entries.filter(() => random() < 0.15)
    index.remove(types.map((t, k) => vectorOf(t, gone.map(e => e.key[k]!))), Float64Array.from(gone.map(e => e.row)))
    entries = entries.filter(e => !gone.includes(e))
    assert.equal(index.size, entries.length)
    for (let q = 0; q < 25; q++) {
      const m = Math.floor(random() * 3)
      const probe = gen()
      const equal = probe.slice(0, m)
      const bound = (): { value: Value; inclusive: boolean } | null => random() < 0.4 ? null : { value: gen()[m]!, inclusive: random() < 0.5 }
      const range: IndexRange = { equal, lower: bound(), upper: bound() }
      const expected = oracleSearch(entries, types, range)
      assert.deepEqual([...index.search(range)], expected, JSON.stringify(range))
      assert.equal(index.count(range, 1e9), expected.length)
      assert.equal(index.count(range, 3), Math.min(3, expected.length))
    }
  }
})

test('ordered index: unique keys refuse duplicates but not NULLs; BIGINT keys past 2^53 stay exact', () => {
  const spec = { keyNames: ['k'], keyTypes: [BIG], unique: true, options: new Map() }
  const index = new OrderedIndex(spec)
  const big = 2n ** 60n
  assert.equal(index.insert([vectorOf(BIG, [big, big + 1n, null, null])], Float64Array.of(0, 1, 2, 3)), -1)
  assert.equal(index.insert([vectorOf(BIG, [5n, big + 1n])], Float64Array.of(4, 5)), 1)
  assert.deepEqual([...index.search({ equal: [big + 1n], lower: null, upper: null })], [1])
  assert.deepEqual([...index.search({ equal: [], lower: { value: big, inclusive: false }, upper: null })], [1])
  // the same row again is not a conflict (an UPDATE re-adding its own key)
  assert.equal(index.insert([vectorOf(BIG, [big])], Float64Array.of(0)), -1)
  const built = new OrderedIndex(spec)
  assert.equal(built.build([vectorOf(BIG, [1n, 2n, 3n, 2n])], Float64Array.of(0, 1, 2, 3)), 3)
})

test('btree index type: options are checked', () => {
  const spec = (options: [string, Value][]) => ({ keyNames: ['a'], keyTypes: [INT], unique: false, options: new Map(options) })
  assert.ok(orderedIndexType.create(spec([['node_size', 16]])) instanceof OrderedIndex)
  assert.throws(() => orderedIndexType.create(spec([['node_size', 2]])), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  assert.throws(() => orderedIndexType.create(spec([['nodesize', 16]])), (e: unknown) => e instanceof GrizzlyError && e.code === '22023' && /node_size/.test(e.hint ?? ''))
})
