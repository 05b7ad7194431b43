import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { WindowNode, LogicalPlan } from '../../../core/plan/logical.ts'
import type { BoundFrame, BoundFrameBound, BoundWindowCall, SortKey, BoundExpr } from '../../../core/plan/expr.ts'
import type { BoundWindow } from '../../../core/hooks/contracts.ts'
import { BIGINT, DATE, INTEGER, INTERVAL, DOUBLE, VARCHAR, type Value } from '../../../core/types/types.ts'
import { daysFromCivil } from '../../../core/types/datetime.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { agg, CONCAT, COUNT, FIRST_VALUE, key, lit, out, RANK, ref, ROW_NUMBER, run, SUM, values, FixtureTable, scan, tableEntry } from './helpers.ts'

const DEFAULT_FRAME: BoundFrame = { units: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' }, exclude: 'no_others' }

function win(fn: BoundWindow, args: BoundExpr[], partitionBy: BoundExpr[], orderBy: SortKey[], frame = DEFAULT_FRAME): BoundWindowCall {
  return { fn: { kind: 'window', window: fn }, args, partitionBy, orderBy, frame, ignoreNulls: false, type: fn.returns }
}
function aggWin(a: ReturnType<typeof agg>, partitionBy: BoundExpr[], orderBy: SortKey[], frame = DEFAULT_FRAME): BoundWindowCall {
  return { fn: { kind: 'aggregate', aggregate: a }, args: a.args, partitionBy, orderBy, frame, ignoreNulls: false, type: a.type }
}
function window(input: LogicalPlan, calls: BoundWindowCall[]): WindowNode {
  return { kind: 'window', input, windows: calls, output: [...input.output, ...calls.map((c, i) => out(`w${i}`, c.type))] }
}

const data = values([VARCHAR, INTEGER, DOUBLE], [
  ['a', 3, 1], ['b', 1, 10], ['a', 1, 2], ['a', 2, 4], ['b', 1, 20], ['a', 2, null], [null, 5, 100],
])
const [g, o, x] = data.output

test('row_number and rank per partition; results line up with the input rows', () => {
  const rows = run(window(data, [win(ROW_NUMBER, [], [ref(g!)], [key(ref(o!))]), win(RANK, [], [ref(g!)], [key(ref(o!))])]))
  // rows come out in the window's order: by partition, then ORDER BY
  assert.deepEqual(rows.map(r => [r[0], r[1], r[3], r[4]]), [
    ['a', 1, 1n, 1n], ['a', 2, 2n, 2n], ['a', 2, 3n, 2n], ['a', 3, 4n, 4n], ['b', 1, 1n, 1n], ['b', 1, 2n, 1n], [null, 5, 1n, 1n],
  ])
})

test('aggregates over the default frame (running, peers together) and the whole partition', () => {
  const rows = run(window(data, [
    aggWin(agg(SUM, [ref(x!)]), [ref(g!)], [key(ref(o!))]),
    aggWin(agg(SUM, [ref(x!)]), [ref(g!)], []),
    aggWin(agg(COUNT, []), [], []),
  ]))
  assert.deepEqual(rows.map(r => r.slice(3)), [
    [7, 7, 7n], [30, 30, 7n], [2, 7, 7n], [6, 7, 7n], [30, 30, 7n], [6, 7, 7n], [100, 100, 7n],
  ])
})

type Bound = BoundFrameBound
const P = (n: number): Bound => ({ kind: 'preceding', offset: lit(n, BIGINT) })
const F = (n: number): Bound => ({ kind: 'following', offset: lit(n, BIGINT) })
const CUR: Bound = { kind: 'current_row' }, UP: Bound = { kind: 'unbounded_preceding' }, UF: Bound = { kind: 'unbounded_following' }

/** Naive frame rows for one partition sorted by key values `k` (ascending). */
function naive(k: number[], units: BoundFrame['units'], start: Bound, end: Bound, exclude: BoundFrame['exclude'], so: number, eo: number): number[][] {
  const n = k.length
  const groupOf = k.map(v => [...new Set(k)].indexOf(v))
  return k.map((v, i) => {
    const inFrame = (j: number): boolean => {
      const pos = (b: Bound, off: number, isStart: boolean): boolean => {
        const d = b.kind === 'preceding' ? -off : b.kind === 'following' ? off : 0
        if (b.kind === 'unbounded_preceding') return true
        if (b.kind === 'unbounded_following') return isStart ? false : true
        if (units === 'rows') return isStart ? j >= i + d : j <= i + d
        if (units === 'groups') return isStart ? groupOf[j]! >= groupOf[i]! + d : groupOf[j]! <= groupOf[i]! + d
        return isStart ? k[j]! >= v + d : k[j]! <= v + d
      }
      if (!(pos(start, so, true) && pos(end, eo, false))) return false
      if (exclude === 'current_row' && j === i) return false
      if (exclude === 'group' && k[j] === v) return false
      if (exclude === 'ties' && k[j] === v && j !== i) return false
      return true
    }
    return Array.from({ length: n }, (_, j) => j).filter(inFrame)
  })
}

test('ROWS / RANGE / GROUPS frames with offsets and EXCLUDE agree with a naive reference', () => {
  const keys = [1, 2, 2, 3, 5, 5, 5, 8, 9, 12, 12, 13]
  const vals = keys.map((_, i) => (i * 37) % 11)
  const input = values([INTEGER, INTEGER], keys.map((k, i) => [k, vals[i]!]))
  const [kc, vc] = input.output
  const bounds: [Bound, Bound, number, number][] = [
    [UP, CUR, 0, 0], [P(1), F(1), 1, 1], [P(2), CUR, 2, 0], [CUR, F(3), 0, 3], [UP, UF, 0, 0], [F(1), F(3), 1, 3], [P(3), P(1), 3, 1], [CUR, UF, 0, 0],
  ]
  for (const units of ['rows', 'range', 'groups'] as const) {
    for (const exclude of ['no_others', 'current_row', 'group', 'ties'] as const) {
      for (const [start, end, so, eo] of bounds) {
        const frame: BoundFrame = { units, start, end, exclude }
        const plan = window(input, [
          aggWin(agg(SUM, [ref(vc!)]), [], [key(ref(kc!))], frame),
          aggWin(agg(CONCAT, [ref(vc!)]), [], [key(ref(kc!))], frame),
        ])
        const rows = run(plan)
        const expected = naive(keys, units, start, end, exclude, so, eo)
        rows.forEach((r, i) => {
          const fr = expected[i]!
          const label = `${units} ${start.kind}..${end.kind} exclude ${exclude} row ${i}`
          assert.equal(r[2], fr.length === 0 ? null : fr.reduce((t, j) => t + vals[j]!, 0), label)
          assert.equal(r[3], fr.length === 0 ? null : fr.map(j => vals[j]).join(','), label)
        })
      }
    }
  }
})

test('RANGE offsets on descending keys and NULL keys', () => {
  const input = values([INTEGER, DOUBLE], [[10, 1], [8, 2], [7, 4], [null, 8], [3, 16], [null, 32]])
  const [kc, vc] = input.output
  const frame: BoundFrame = { units: 'range', start: P(2), end: F(1), exclude: 'no_others' }
  const rows = run(window(input, [aggWin(agg(SUM, [ref(vc!)]), [], [key(ref(kc!), true)], frame)]))
  // descending: 2 preceding = up to key+2, 1 following = down to key-1; NULLs (last) frame only each other
  assert.deepEqual(rows.map(r => [r[0], r[2]]), [[10, 1], [8, 7], [7, 6], [3, 16], [null, 40], [null, 40]])
})

test('first_value sees the frame arrays', () => {
  const input = values([INTEGER], [[5], [1], [3], [2]])
  const frame: BoundFrame = { units: 'rows', start: P(1), end: CUR, exclude: 'no_others' }
  const rows = run(window(input, [win(FIRST_VALUE, [ref(input.output[0]!)], [], [key(ref(input.output[0]!))], frame)]))
  assert.deepEqual(rows, [[1, 1], [2, 1], [3, 2], [5, 3]])
})

test('negative and NULL frame offsets are errors', () => {
  const input = values([INTEGER], [[1]])
  const bad = (off: Value, code: string) => assert.throws(() => run(window(input, [aggWin(agg(COUNT, []), [], [key(ref(input.output[0]!))],
    { units: 'rows', start: { kind: 'preceding', offset: lit(off, BIGINT) }, end: CUR, exclude: 'no_others' })])),
  (e: GrizzlyError) => e.code === code)
  bad(-1n, '22023')
  bad(null, '22004')
})

test('running sum over 100k rows in many partitions', () => {
  const n = 100_000
  const provider = new FixtureTable([INTEGER, INTEGER], Array.from({ length: n }, (_, i) => [i % 10, i]))
  const s = scan(tableEntry('t', [{ name: 'p', type: INTEGER }, { name: 'v', type: INTEGER }], provider), [0, 1])
  const frame: BoundFrame = { units: 'rows', start: P(2), end: CUR, exclude: 'no_others' }
  const rows = run(window(s, [aggWin(agg(SUM, [ref(s.output[1]!)]), [ref(s.output[0]!)], [key(ref(s.output[1]!))], frame), win(ROW_NUMBER, [], [ref(s.output[0]!)], [key(ref(s.output[1]!))])]))
  assert.equal(rows.length, n)
  const byValue = new Map(rows.map(r => [r[1] as number, r]))
  for (const i of [0, 5, 10, 25, 99_999]) {
    const expect = i + (i - 10 >= 0 ? i - 10 : 0) + (i - 20 >= 0 ? i - 20 : 0)
    assert.equal(byValue.get(i)![2], expect)
    assert.equal(byValue.get(i)![3], BigInt(Math.floor(i / 10) + 1))
  }
  // output is grouped by partition
  assert.deepEqual(rows.slice(0, 3).map(r => r[1]), [0, 10, 20])
})

test('window over empty input', () => {
  const input = values([INTEGER], [])
  assert.deepEqual(run(window(input, [win(ROW_NUMBER, [], [], [])])), [])
})

test('frame offsets that vary per row', () => {
  // ROWS BETWEEN p PRECEDING AND f FOLLOWING with p, f columns
  const input = values([INTEGER, INTEGER, INTEGER, DOUBLE], [[0, 1, 2, 1], [1, 0, 0, 2], [2, 2, 1, 4], [3, 1, 0, 8], [4, 3, 5, 16]])
  const [i, p, f, v] = input.output
  const frame: BoundFrame = { units: 'rows', start: { kind: 'preceding', offset: ref(p!) }, end: { kind: 'following', offset: ref(f!) }, exclude: 'no_others' }
  const rows = run(window(input, [aggWin(agg(SUM, [ref(v!)]), [], [key(ref(i!))], frame)]))
  assert.deepEqual(rows.map(r => r[4]), [1 + 2 + 4, 2, 1 + 2 + 4 + 8, 4 + 8, 2 + 4 + 8 + 16])
  const negative = values([INTEGER, INTEGER], [[0, -1]])
  const bad: BoundFrame = { units: 'rows', start: { kind: 'preceding', offset: ref(negative.output[1]!) }, end: CUR, exclude: 'no_others' }
  assert.throws(() => run(window(negative, [aggWin(agg(COUNT, []), [], [key(ref(negative.output[0]!))], bad)])), (e: GrizzlyError) => e.code === '22023')
})

test('window aggregates with DISTINCT and ORDER BY inside the call; calls sharing a window', () => {
  const input = values([INTEGER, VARCHAR], [[1, 'b'], [2, 'a'], [3, 'b'], [4, 'c']])
  const [i, s] = input.output
  const whole: BoundFrame = { units: 'rows', start: UP, end: UF, exclude: 'no_others' }
  const rows = run(window(input, [
    aggWin(agg(CONCAT, [ref(s!)], { orderBy: [key(ref(s!), true)] }), [], [key(ref(i!))], whole),
    aggWin(agg(CONCAT, [ref(s!)], { distinct: true, orderBy: [key(ref(s!))] }), [], [key(ref(i!))]),
    aggWin(agg(COUNT, [ref(s!)], { distinct: true }), [], [key(ref(i!))]),
    win(ROW_NUMBER, [], [], [key(ref(i!))]),
  ]))
  assert.deepEqual(rows.map(r => r.slice(2)), [
    ['c,b,b,a', 'b', 1n, 1n], ['c,b,b,a', 'a,b', 2n, 2n], ['c,b,b,a', 'a,b', 2n, 3n], ['c,b,b,a', 'a,b,c', 3n, 4n],
  ])
})

test('RANGE frames with INTERVAL offsets over DATE keys follow the calendar', () => {
  const d = (y: number, m: number, day: number): number => daysFromCivil(y, m, day)
  const input = values([DATE, DOUBLE], [[d(2024, 1, 31), 1], [d(2024, 2, 29), 2], [d(2024, 3, 1), 4], [d(2024, 3, 31), 8], [null, 16]])
  const [k, v] = input.output
  const month: BoundFrameBound = { kind: 'preceding', offset: lit({ months: 1, days: 0, micros: 0 }, INTERVAL) }
  const frame: BoundFrame = { units: 'range', start: month, end: CUR, exclude: 'no_others' }
  assert.deepEqual(run(window(input, [aggWin(agg(SUM, [ref(v!)]), [], [key(ref(k!))], frame)])).map(r => r[2]), [1, 3, 6, 14, 16])
  // descending: "preceding" means later dates
  const desc = run(window(input, [aggWin(agg(SUM, [ref(v!)]), [], [key(ref(k!), true)], frame)])).map(r => [r[1], r[2]])
  assert.deepEqual(desc, [[8, 8], [4, 12], [2, 6], [1, 3], [16, 16]])
  assert.throws(() => run(window(values([INTEGER], [[1]]), [aggWin(agg(COUNT, []), [], [key(ref(input.output[0]!))], frame)])))
})
