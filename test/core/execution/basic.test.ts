import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { LimitNode, LogicalPlan, ProjectNode, SortNode, TopNNode, DistinctNode, FilterNode } from '../../../core/plan/logical.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, VARCHAR, type Value } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { executePlan, explainPlan } from '../../../core/execution/index.ts'
import {
  cmp, context, FixtureTable, key, lit, out, ref, run, scan, tableEntry, values,
} from './helpers.ts'

function people() {
  const provider = new FixtureTable([INTEGER, VARCHAR, DOUBLE], [
    [1, 'ann', 10.5], [2, 'bob', null], [3, null, 7], [4, 'dan', 7], [null, 'eve', 1],
  ])
  return { provider, table: tableEntry('people', [{ name: 'id', type: INTEGER }, { name: 'name', type: VARCHAR }, { name: 'score', type: DOUBLE }], provider) }
}

test('scan projects the requested columns and applies pushed filters', () => {
  const { table, provider } = people()
  const s = scan(table, [1, 0])
  const filtered = { ...s, filters: [cmp('>', ref(s.output[1]!), lit(2, INTEGER))] }
  assert.deepEqual(run(filtered), [[null, 3], ['dan', 4]])
  // the simple comparison was passed down as a hint, flipped to column-first form
  assert.deepEqual(provider.scans.at(-1)!.filters, [{ kind: 'compare', column: 0, op: '>', value: 2 }])
  const flipped = { ...s, filters: [cmp('<', lit(2, INTEGER), ref(s.output[1]!)), { kind: 'is_null' as const, arg: ref(s.output[0]!), not: true, type: BOOLEAN }] }
  assert.deepEqual(run(flipped), [['dan', 4]])
  assert.deepEqual(provider.scans.at(-1)!.filters, [{ kind: 'compare', column: 0, op: '>', value: 2 }, { kind: 'is_null', column: 1, not: true }])
})

test('scan with row ids', () => {
  const { table } = people()
  assert.deepEqual(run(scan(table, [-1, 0])).slice(0, 2), [[0n, 1], [1n, 2]])
})

test('filter keeps only TRUE rows (NULL comparisons drop out)', () => {
  const { table } = people()
  const s = scan(table, [0, 2])
  const f: FilterNode = { kind: 'filter', input: s, predicate: cmp('=', ref(s.output[1]!), lit(7, DOUBLE)), output: s.output }
  assert.deepEqual(run(f), [[3, 7], [4, 7]])
  const none: FilterNode = { ...f, predicate: lit(null, BOOLEAN) }
  assert.deepEqual(run(none), [])
})

test('project reorders, repeats and computes columns', () => {
  const { table } = people()
  const s = scan(table, [0, 1])
  const p: ProjectNode = {
    kind: 'project', input: s,
    exprs: [ref(s.output[1]!), ref(s.output[0]!), cmp('>=', ref(s.output[0]!), lit(3, INTEGER)), lit('x', VARCHAR)],
    output: [out('n', VARCHAR), out('i', INTEGER), out('b', BOOLEAN), out('k', VARCHAR)],
  }
  assert.deepEqual(run(p), [
    ['ann', 1, false, 'x'], ['bob', 2, false, 'x'], [null, 3, true, 'x'], ['dan', 4, true, 'x'], ['eve', null, null, 'x'],
  ])
})

test('values and empty', () => {
  assert.deepEqual(run(values([INTEGER, VARCHAR], [[1, 'a'], [null, null]])), [[1, 'a'], [null, null]])
  assert.deepEqual(run({ kind: 'empty', output: [out('x', INTEGER)] }), [])
  assert.deepEqual(run(values([INTEGER], [])), [])
})

function numbers(n: number, f: (i: number) => Value = i => i) {
  const provider = new FixtureTable([INTEGER], Array.from({ length: n }, (_, i) => [f(i)]))
  return scan(tableEntry('nums', [{ name: 'n', type: INTEGER }], provider), [0])
}

test('limit and offset across many chunks', () => {
  const s = numbers(10_000)
  const l: LimitNode = { kind: 'limit', input: s, limit: lit(3, BIGINT), offset: lit(4098n, BIGINT), output: s.output }
  assert.deepEqual(run(l), [[4098], [4099], [4100]])
  assert.equal(run({ ...l, limit: null, offset: lit(9998, INTEGER) }).length, 2)
  assert.equal(run({ ...l, limit: lit(null, INTEGER), offset: null }).length, 10_000)
  assert.deepEqual(run({ ...l, limit: lit(0, INTEGER) }), [])
  assert.throws(() => run({ ...l, limit: lit(-1, INTEGER) }), (e: GrizzlyError) => e.code === '22023')
})

test('sort: multi-key, descending, NULLS FIRST/LAST, stable', () => {
  const v = values([INTEGER, VARCHAR], [[2, 'a'], [null, 'b'], [1, 'c'], [2, 'd'], [1, 'e'], [null, 'f']])
  const [a, b] = v.output
  const sorted = (keys: SortNode['keys']): Value[] => run({ kind: 'sort', input: v, keys, output: v.output }).map(r => r[1]!)
  assert.deepEqual(sorted([key(ref(a!))]), ['c', 'e', 'a', 'd', 'b', 'f'])
  assert.deepEqual(sorted([key(ref(a!), false, true)]), ['b', 'f', 'c', 'e', 'a', 'd'])
  assert.deepEqual(sorted([key(ref(a!), true, true)]), ['b', 'f', 'a', 'd', 'c', 'e'])
  assert.deepEqual(sorted([key(ref(a!), true), key(ref(b!), true)]), ['d', 'a', 'e', 'c', 'f', 'b'])
})

test('sort 100k rows by a numeric key and by strings', () => {
  const s = numbers(100_000, i => (i * 7919) % 100_000)
  const rows = run({ kind: 'sort', input: s, keys: [key(ref(s.output[0]!), true)], output: s.output })
  assert.equal(rows.length, 100_000)
  assert.equal(rows[0]![0], 99_999)
  assert.equal(rows[99_999]![0], 0)
  const v = values([VARCHAR], [['b'], ['B'], ['a'], ['ä'], ['aa'], ['']])
  assert.deepEqual(run({ kind: 'sort', input: v, keys: [key(ref(v.output[0]!))], output: v.output }).map(r => r[0]), ['', 'B', 'a', 'aa', 'b', 'ä'])
})

test('sort orders doubles with NaN last and bigints exactly', () => {
  const v = values([DOUBLE, BIGINT], [[NaN, 9007199254740993n], [-0, 9007199254740992n], [-Infinity, -1n], [1.5, 2n ** 62n]])
  const byD = run({ kind: 'sort', input: v, keys: [key(ref(v.output[0]!))], output: v.output }).map(r => r[0])
  assert.deepEqual(byD, [-Infinity, -0, 1.5, NaN])
  const byB = run({ kind: 'sort', input: v, keys: [key(ref(v.output[1]!))], output: v.output }).map(r => r[1])
  assert.deepEqual(byB, [-1n, 9007199254740992n, 9007199254740993n, 2n ** 62n])
})

test('top-N equals sort + limit, with offset, over many chunks', () => {
  const s = numbers(50_000, i => (i * 31337) % 50_021)
  const keys = [key(ref(s.output[0]!), true)]
  const top: TopNNode = { kind: 'top_n', input: s, keys, limit: lit(5, INTEGER), offset: lit(2, INTEGER), output: s.output }
  const sorted = run({ kind: 'sort', input: s, keys, output: s.output }).slice(2, 7)
  assert.deepEqual(run(top), sorted)
  assert.deepEqual(run({ ...top, limit: lit(0, INTEGER) }), [])
  const t2 = numbers(3)
  assert.deepEqual(run({ ...top, input: t2, output: t2.output, keys: [key(ref(t2.output[0]!))], offset: null, limit: lit(10, INTEGER) }), [[0], [1], [2]])
})

test('distinct and DISTINCT ON', () => {
  const v = values([INTEGER, VARCHAR], [[1, 'a'], [1, 'a'], [null, 'b'], [null, 'b'], [2, null], [1, 'c'], [2, null]])
  const d: DistinctNode = { kind: 'distinct', input: v, on: null, orderBy: [], output: v.output }
  assert.deepEqual(run(d), [[1, 'a'], [null, 'b'], [2, null], [1, 'c']])
  const on: DistinctNode = { ...d, on: [ref(v.output[0]!)], orderBy: [key(ref(v.output[0]!)), key(ref(v.output[1]!), true)] }
  assert.deepEqual(run(on), [[1, 'c'], [2, null], [null, 'b']])
  const big = numbers(20_000, i => i % 1000)
  assert.equal(run({ kind: 'distinct', input: big, on: null, orderBy: [], output: big.output }).length, 1000)
})

test('cancellation stops a query with 57014', () => {
  const s = numbers(20_000)
  let calls = 0
  assert.throws(() => run(s, { isCanceled: () => ++calls > 2 }), (e: GrizzlyError) => e instanceof GrizzlyError && e.code === '57014')
})

test('cancellation reaches blocking operators and recursion', () => {
  const s = numbers(30_000)
  let calls = 0
  const sort: SortNode = { kind: 'sort', input: s, keys: [key(ref(s.output[0]!))], output: s.output }
  assert.throws(() => run(sort, { isCanceled: () => ++calls > 5 }), (e: GrizzlyError) => e.code === '57014')
  assert.ok(calls > 5 && calls < 20)
})

test('EXPLAIN and EXPLAIN ANALYZE render the operator tree', () => {
  const s = numbers(5000)
  const plan: LogicalPlan = { kind: 'limit', input: { kind: 'filter', input: s, predicate: cmp('<', ref(s.output[0]!), lit(100, INTEGER)), output: s.output }, limit: lit(10, INTEGER), offset: null, output: s.output }
  const text = explainPlan(plan, null)
  assert.equal(text, 'LIMIT LIMIT 10\n  FILTER (n < 100)\n    TABLE_SCAN nums [n]')
  const { profile } = executePlan(plan, context({ profile: true }))
  assert.ok(profile !== null)
  const analyzed = explainPlan(plan, profile)
  assert.match(analyzed, /^LIMIT LIMIT 10 \(rows=10, time=[0-9.]+ ms\)\n {2}FILTER \(n < 100\) \(rows=/)
  assert.match(analyzed, /TABLE_SCAN .*\(rows=4096, time=/)
  assert.match(analyzed, /Total time/)
})

test('LIMIT … PERCENT takes a share of the input rows (rounded down), after OFFSET', () => {
  const s = numbers(5)
  const pct = (p: Value, offset: number | null = null) =>
    run({ kind: 'limit', input: s, limit: lit(p, DOUBLE), offset: offset === null ? null : lit(offset, INTEGER), percent: true, output: s.output }).map(r => r[0])
  assert.deepEqual(pct(20), [0])
  assert.deepEqual(pct(79.9), [0, 1, 2])
  assert.deepEqual(pct(100), [0, 1, 2, 3, 4])
  assert.deepEqual(pct(0), [])
  assert.deepEqual(pct(40, 2), [2, 3])
  assert.throws(() => pct(-1), (e: GrizzlyError) => e.code === '22023')
  assert.throws(() => pct(101), (e: GrizzlyError) => e.code === '22023')
  const big = numbers(10_000)
  assert.equal(run({ kind: 'limit', input: big, limit: lit(25, INTEGER), offset: null, percent: true, output: big.output }).length, 2500)
})
