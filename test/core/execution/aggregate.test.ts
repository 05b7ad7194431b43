import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AggregateNode, LogicalPlan, SetOpNode } from '../../../core/plan/logical.ts'
import type { BoundAggregateCall, BoundExpr } from '../../../core/plan/expr.ts'
import { BIGINT, DOUBLE, INTEGER, VARCHAR, type LogicalType } from '../../../core/types/types.ts'
import {
  agg, cmp, CONCAT, COUNT, FixtureTable, key, lit, out, ref, run, scan, sortRows, SUM, tableEntry, values,
} from './helpers.ts'

function aggregate(input: LogicalPlan, groups: BoundExpr[], aggregates: BoundAggregateCall[],
  groupingSets: number[][] | null = null, withGroupingId = false): AggregateNode {
  const gid = withGroupingId ? out('gid', BIGINT) : null
  return {
    kind: 'aggregate', input, groups, aggregates, groupingSets, groupingIdColumn: gid?.id ?? null,
    output: [
      ...groups.map((g, i) => out(`g${i}`, g.type)),
      ...aggregates.map((a, i) => out(`a${i}`, a.type)),
      ...(gid === null ? [] : [gid]),
    ],
  }
}

const sales = values([VARCHAR, INTEGER, DOUBLE], [
  ['a', 1, 10], ['b', 1, 5], ['a', 2, null], ['a', 1, 2], [null, 2, 4], ['b', 2, 1], [null, 2, 3],
])
const [region, year, amount] = sales.output

test('group by with NULL groups, count and sum skip NULLs', () => {
  const plan = aggregate(sales, [ref(region!)], [agg(SUM, [ref(amount!)]), agg(COUNT, [ref(amount!)]), agg(COUNT, [])])
  assert.deepEqual(run(plan), [['a', 12, 2n, 3n], ['b', 6, 2n, 2n], [null, 7, 2n, 2n]])
})

test('aggregates without GROUP BY give one row, also over zero rows', () => {
  const empty = values([DOUBLE], [])
  assert.deepEqual(run(aggregate(empty, [], [agg(SUM, [ref(empty.output[0]!)]), agg(COUNT, [])])), [[null, 0n]])
  assert.deepEqual(run(aggregate(sales, [], [agg(SUM, [ref(amount!)])])), [[25]])
  // with GROUP BY, zero rows in gives zero rows out
  assert.deepEqual(run(aggregate(empty, [ref(empty.output[0]!)], [agg(COUNT, [])])), [])
})

test('multi-column keys over 100k rows', () => {
  const n = 100_000
  const provider = new FixtureTable([INTEGER, VARCHAR, DOUBLE], Array.from({ length: n }, (_, i) => [i % 7, `s${i % 11}`, 1]))
  const s = scan(tableEntry('t', [{ name: 'a', type: INTEGER }, { name: 'b', type: VARCHAR }, { name: 'c', type: DOUBLE }], provider), [0, 1, 2])
  const rows = run(aggregate(s, [ref(s.output[0]!), ref(s.output[1]!)], [agg(SUM, [ref(s.output[2]!)])]))
  assert.equal(rows.length, 77)
  assert.equal(rows.reduce((t, r) => t + (r[2] as number), 0), n)
  for (const r of rows) {
    let expect = 0
    for (let i = 0; i < n; i++) if (i % 7 === r[0] && `s${i % 11}` === r[1]) expect++
    assert.equal(r[2], expect)
  }
})

test('FILTER, DISTINCT and ORDER BY inside aggregate calls', () => {
  const plan = aggregate(sales, [ref(region!)], [
    agg(SUM, [ref(amount!)], { filter: cmp('=', ref(year!), lit(1, INTEGER)) }),
    agg(COUNT, [ref(year!)], { distinct: true }),
    agg(CONCAT, [ref(amount!)], { orderBy: [key(ref(amount!), true)] }),
    agg(CONCAT, [ref(year!)], { distinct: true, orderBy: [key(ref(year!))] }),
  ])
  assert.deepEqual(run(plan), [
    ['a', 12, 2n, '10,2', '1,2'], ['b', 5, 2n, '5,1', '1,2'], [null, null, 1n, '4,3', '2'],
  ])
})

test('grouping sets, rollup-style, with the grouping id', () => {
  const plan = aggregate(sales, [ref(region!), ref(year!)], [agg(SUM, [ref(amount!)])], [[0, 1], [0], []], true)
  const rows = run(plan)
  assert.deepEqual(sortRows(rows), sortRows([
    ['a', 1, 12, 0n], ['b', 1, 5, 0n], ['a', 2, null, 0n], [null, 2, 7, 0n], ['b', 2, 1, 0n],
    ['a', null, 12, 1n], ['b', null, 6, 1n], [null, null, 7, 1n],
    [null, null, 25, 3n],
  ]))
  // the empty grouping set gives a row even for empty input
  const empty = values([VARCHAR, INTEGER, DOUBLE], [])
  const e = run(aggregate(empty, [ref(empty.output[0]!)], [agg(COUNT, [])], [[0], []], true))
  assert.deepEqual(e, [[null, 0n, 1n]])
})

function setop(op: SetOpNode['op'], all: boolean, left: LogicalPlan, right: LogicalPlan): SetOpNode {
  return { kind: 'set_op', op, all, left, right, output: left.output.map(c => out(c.name, c.type)) }
}

test('set operations with multiset semantics and NULLs equal', () => {
  const t = (rows: (number | null)[]) => values([INTEGER], rows.map(r => [r]))
  const L = t([1, 1, 1, 2, null, null, 3]), R = t([1, null, 4, 2, 2])
  const flat = (p: LogicalPlan) => run(p).map(r => r[0])
  assert.deepEqual(flat(setop('union', true, L, R)).length, 12)
  assert.deepEqual(flat(setop('union', false, L, R)), [1, 2, null, 3, 4])
  assert.deepEqual(flat(setop('intersect', false, L, R)), [1, 2, null])
  assert.deepEqual(flat(setop('intersect', true, L, R)), [1, 2, null])
  assert.deepEqual(flat(setop('except', false, L, R)), [3])
  assert.deepEqual(flat(setop('except', true, L, R)), [1, 1, null, 3])
  assert.deepEqual(flat(setop('except', true, R, L)), [4, 2])
  assert.deepEqual(flat(setop('intersect', false, L, t([]))), [])
})

test('set operations on multi-column rows', () => {
  const types: LogicalType[] = [INTEGER, VARCHAR]
  const L = values(types, [[1, 'a'], [1, 'b'], [null, 'a']]), R = values(types, [[1, 'a'], [null, 'a'], [2, null]])
  assert.deepEqual(run(setop('except', false, L, R)), [[1, 'b']])
  assert.deepEqual(run(setop('union', false, L, R)), [[1, 'a'], [1, 'b'], [null, 'a'], [2, null]])
})
