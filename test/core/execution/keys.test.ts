import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BIGINT, BLOB, DATE, DOUBLE, INTEGER, INTERVAL, VARCHAR, decimal, list, struct, type LogicalType, type Value,
} from '../../../core/types/types.ts'
import { vectorFromValues } from '../../../core/vector/vector.ts'
import { compareBoxed, hashRows, normaliseInterval, rowEquals, sortedOrder, valueComparator, valueKey } from '../../../core/execution/keys.ts'
import { GroupTable } from '../../../core/execution/group-table.ts'

function groupsOf(type: LogicalType, values: Value[]): number[] {
  const t = new GroupTable([type], true, 4)
  const ids = new Int32Array(values.length)
  t.findOrCreate([vectorFromValues(type, values)], values.length, ids)
  return Array.from(ids)
}

test('grouping treats NaN as one value, -0 as 0 and NULLs as one group', () => {
  assert.deepEqual(groupsOf(DOUBLE, [NaN, 0, -0, NaN, null, 1.5, null]), [0, 1, 1, 0, 2, 3, 2])
  assert.deepEqual(groupsOf(BIGINT, [2n ** 62n, -1n, 2n ** 62n, 0n, 4294967296n, 0n]), [0, 1, 0, 2, 3, 2])
  assert.deepEqual(groupsOf(VARCHAR, ['a', '', 'A', 'a', '']), [0, 1, 2, 0, 1])
  assert.deepEqual(groupsOf(decimal(20, 2), [123n, 123n, -5n]), [0, 0, 1])
  assert.deepEqual(groupsOf(BLOB, [Uint8Array.of(1, 2), Uint8Array.of(1), Uint8Array.of(1, 2)]), [0, 1, 0])
  assert.deepEqual(groupsOf(list(INTEGER), [[1, 2], [1, null], [1, 2], [], null, []]), [0, 1, 0, 2, 3, 2])
  assert.deepEqual(groupsOf(struct([{ name: 'a', type: INTEGER }]), [{ a: 1 }, { a: 2 }, { a: 1 }]), [0, 1, 0])
})

test('intervals compare by their normalised value', () => {
  const day = 86_400_000_000
  assert.deepEqual(normaliseInterval({ months: 0, days: 30, micros: 0 }), [1, 0, 0])
  assert.deepEqual(groupsOf(INTERVAL, [{ months: 1, days: 0, micros: 0 }, { months: 0, days: 30, micros: 0 }, { months: 0, days: 29, micros: day }, { months: 0, days: 1, micros: 0 }]), [0, 0, 0, 1])
  assert.ok(compareBoxed({ months: 0, days: 31, micros: 0 }, { months: 1, days: 0, micros: 0 }, INTERVAL) > 0)
})

test('the hash table grows past its initial size and finds every key again', () => {
  const n = 50_000
  const values = Array.from({ length: n }, (_, i) => `k${i}`)
  const t = new GroupTable([VARCHAR], true, 4)
  const ids = new Int32Array(n)
  t.findOrCreate([vectorFromValues(VARCHAR, values)], n, ids)
  assert.equal(t.size, n)
  const probe = new Int32Array(3)
  t.find([vectorFromValues(VARCHAR, ['k49999', 'nope', 'k0'])], 3, probe)
  assert.deepEqual(Array.from(probe), [49_999, -1, 0])
  assert.deepEqual(t.keyVectors()[0]!.data!.slice(0, 2), ['k0', 'k1'])
})

test('rows hash equal when their keys are equal', () => {
  const a = [vectorFromValues(INTEGER, [1, 2, null]), vectorFromValues(VARCHAR, ['x', 'y', 'z'])]
  const b = [vectorFromValues(INTEGER, [2, 1, null]), vectorFromValues(VARCHAR, ['y', 'x', 'z'])]
  const ha = hashRows(a, 3), hb = hashRows(b, 3)
  assert.equal(ha[0], hb[1])
  assert.equal(ha[2], hb[2])
  assert.equal(rowEquals([INTEGER, VARCHAR], true)(a, 2, b, 2), true)
  assert.equal(rowEquals([INTEGER, VARCHAR], false)(a, 2, b, 2), false)
  assert.equal(rowEquals([INTEGER, VARCHAR], false)(a, 0, b, 1), true)
})

test('value comparators: dates, decimals, blobs, lists and structs', () => {
  const cmp = (type: LogicalType, x: Value, y: Value): number => {
    const v = vectorFromValues(type, [x, y])
    return Math.sign(valueComparator(type)(v, 0, v, 1))
  }
  assert.equal(cmp(DATE, -5, 3), -1)
  assert.equal(cmp(decimal(30, 2), 10n ** 25n, 10n ** 24n), 1)
  assert.equal(cmp(BLOB, Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0)), -1)
  assert.equal(cmp(list(INTEGER), [1, 2], [1, 3]), -1)
  assert.equal(cmp(list(INTEGER), [1, null], [1, 5]), 1)
  assert.equal(cmp(list(INTEGER), [1], [1, 0]), -1)
  assert.equal(cmp(struct([{ name: 'a', type: INTEGER }, { name: 'b', type: VARCHAR }]), { a: 1, b: 'z' }, { a: 1, b: 'a' }), 1)
  assert.equal(valueKey([1n, Uint8Array.of(3), NaN, -0]), valueKey([1n, Uint8Array.of(3), NaN, 0]))
})

test('sortedOrder: generic and normalised paths agree, and both are stable', () => {
  const n = 3000
  let s = 17
  const rnd = (): number => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff }
  const ints = Array.from({ length: n }, () => rnd() < 0.1 ? null : Math.floor(rnd() * 20))
  const strs = Array.from({ length: n }, () => rnd() < 0.1 ? null : `s${Math.floor(rnd() * 30)}`)
  const huge = Array.from({ length: n }, (_, i) => i % 7 === 0 ? null : BigInt(Math.floor(rnd() * 50)) * 2n ** 56n + 1n)
  const specsList = [
    [{ descending: false, nullsFirst: false }, { descending: true, nullsFirst: true }, { descending: false, nullsFirst: false }],
    [{ descending: true, nullsFirst: false }, { descending: false, nullsFirst: true }, { descending: true, nullsFirst: true }],
  ]
  const third = Array.from({ length: n }, () => rnd() < 0.3 ? null : Math.floor(rnd() * 3))
  for (const specs of specsList) {
    const keys = [vectorFromValues(INTEGER, ints), vectorFromValues(VARCHAR, strs), vectorFromValues(INTEGER, third)]
    const reference = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
      orderOf(ints[i]!, ints[j]!, specs[0]!, INTEGER) || orderOf(strs[i]!, strs[j]!, specs[1]!, VARCHAR) ||
      orderOf(third[i]!, third[j]!, specs[2]!, INTEGER) || i - j)
    assert.deepEqual(Array.from(sortedOrder(keys, specs, n)), reference)
    // two keys take the unrolled path
    const twoRef = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
      orderOf(ints[i]!, ints[j]!, specs[0]!, INTEGER) || orderOf(strs[i]!, strs[j]!, specs[1]!, VARCHAR) || i - j)
    assert.deepEqual(Array.from(sortedOrder(keys.slice(0, 2), specs.slice(0, 2), n)), twoRef)
    // bigints beyond 2^53 take the generic comparator
    const big = Array.from(sortedOrder([vectorFromValues(BIGINT, huge)], [specs[0]!], n))
    const bigRef = Array.from({ length: n }, (_, i) => i).sort((i, j) => orderOf(huge[i]!, huge[j]!, specs[0]!, BIGINT) || i - j)
    assert.deepEqual(big, bigRef)
  }
})

function orderOf(x: Value, y: Value, spec: { descending: boolean; nullsFirst: boolean }, type: LogicalType): number {
  if (x === null || y === null) {
    if (x === y) return 0
    return (x === null ? -1 : 1) * (spec.nullsFirst ? 1 : -1)
  }
  const c = compareBoxed(x, y, type)
  return spec.descending ? -c : c
}
