import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { JoinNode, LogicalPlan } from '../../../core/plan/logical.ts'
import type { BoundExpr, CompareOp } from '../../../core/plan/expr.ts'
import { INTEGER, VARCHAR, type LogicalType, type Value } from '../../../core/types/types.ts'
import { executePlan, explainPlan } from '../../../core/execution/index.ts'
import { and, cmp, context, FixtureTable, ref, run, scan, tableEntry } from './helpers.ts'

/** A scan over boxed rows, so inputs larger than one chunk arrive in several. */
function table(name: string, types: readonly LogicalType[], rows: Value[][]): LogicalPlan {
  const entry = tableEntry(name, types.map((type, i) => ({ name: `${name}${i}`, type })), new FixtureTable(types, rows))
  return scan(entry, types.map((_, i) => i))
}

function semi(type: 'semi' | 'anti', left: LogicalPlan, right: LogicalPlan, condition: BoundExpr): JoinNode {
  return { kind: 'join', joinType: type, left, right, condition, markColumn: null, lateral: false, output: left.output }
}

type Cond = (l: Value[], r: Value[]) => boolean | null

/** SQL three-valued `=` (or IS NOT DISTINCT FROM) on column k. */
function eq(k: number, nullsEqual = false): Cond {
  return (l, r) => {
    if (l[k] === null || r[k] === null) return nullsEqual ? l[k] === r[k] : null
    return l[k] === r[k]
  }
}
function lt(k: number): Cond {
  return (l, r) => l[k] === null || r[k] === null ? null : (l[k] as number) < (r[k] as number)
}
function both(...cs: Cond[]): Cond {
  return (l, r) => {
    const vs = cs.map(c => c(l, r))
    return vs.includes(false) ? false : vs.includes(null) ? null : true
  }
}

/** The left rows, in their order, that have (semi) or lack (anti) a right row with the condition TRUE. */
function reference(type: 'semi' | 'anti', L: Value[][], R: Value[][], c: Cond): Value[][] {
  return L.filter(l => R.some(r => c(l, r) === true) === (type === 'semi'))
}

function rows(n: number, keys: number, seed: number): Value[][] {
  let s = seed
  const rnd = (): number => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff }
  return Array.from({ length: n }, () => [
    rnd() < 0.1 ? null : Math.floor(rnd() * keys),
    rnd() < 0.1 ? null : Math.floor(rnd() * 100),
    rnd() < 0.1 ? null : Math.floor(rnd() * 3),
  ])
}

function explainAnalyze(plan: LogicalPlan): string {
  const { profile } = executePlan(plan, context({ profile: true }))
  return explainPlan(plan, profile)
}

const T3 = [INTEGER, INTEGER, INTEGER]

/** builds `l.k op r.k` for the columns given, AND-ed */
function condition(l: LogicalPlan, r: LogicalPlan, parts: readonly [CompareOp, number][]): BoundExpr {
  const cs = parts.map(([op, k]) => cmp(op, ref(l.output[k]!), ref(r.output[k]!)))
  return cs.length === 1 ? cs[0]! : and(...cs)
}

const shapes: { name: string; parts: [CompareOp, number][]; cond: Cond }[] = [
  { name: 'one key', parts: [['=', 0]], cond: eq(0) },
  { name: 'one key and a residual', parts: [['=', 0], ['<', 1]], cond: both(eq(0), lt(1)) },
  { name: 'two keys', parts: [['=', 0], ['=', 2]], cond: both(eq(0), eq(2)) },
  { name: 'an = key and an IS NOT DISTINCT FROM key', parts: [['=', 0], ['not_distinct', 2]], cond: both(eq(0), eq(2, true)) },
  { name: 'IS NOT DISTINCT FROM keys and a residual', parts: [['not_distinct', 0], ['not_distinct', 2], ['<', 1]], cond: both(eq(0, true), eq(2, true), lt(1)) },
]

for (const type of ['semi', 'anti'] as const) {
  for (const shape of shapes) {
    test(`${type} join, ${shape.name}: the smaller left side is built, the answer and its order are the hash join's`, () => {
      // 700 left rows against 9000 right rows in three chunks: the left side ends first
      const L = rows(700, 900, 3), R = rows(9000, 1200, 5)
      const l = table('l', T3, L), r = table('r', T3, R)
      const plan = semi(type, l, r, condition(l, r, shape.parts))
      assert.deepEqual(run(plan), reference(type, L, R, shape.cond))
      assert.match(explainAnalyze(plan), /^HASH_JOIN \w+ ON .*build: left\]/)
      // swapped sizes: the right side ends first and the hash join builds on it, same answers
      const plan2 = semi(type, r, l, condition(r, l, shape.parts))
      assert.deepEqual(run(plan2), reference(type, R, L, shape.cond))
      assert.match(explainAnalyze(plan2), shape.name.includes('residual') ? /^HASH_JOIN \w+ ON .*\[hash keys: \d, residual\]/ : /build: right keys\]/)
    })
  }
}

test('semi / anti join with an empty side', () => {
  const L = rows(50, 10, 1), R: Value[][] = []
  const l = table('l', T3, L), r = table('r', T3, R)
  assert.deepEqual(run(semi('semi', l, r, condition(l, r, [['=', 0]]))), [])
  assert.deepEqual(run(semi('anti', l, r, condition(l, r, [['=', 0]]))), L)
  assert.deepEqual(run(semi('semi', r, l, condition(r, l, [['=', 0]]))), [])
  assert.deepEqual(run(semi('anti', r, l, condition(r, l, [['=', 0]]))), [])
})

test('an empty left side never reads the right side; a fully matched one stops reading it', () => {
  const rightTable = new FixtureTable([INTEGER], Array.from({ length: 20_000 }, (_, i) => [i % 7]))
  const r = scan(tableEntry('r', [{ name: 'k', type: INTEGER }], rightTable), [0])
  const empty = table('e', [INTEGER], [])
  assert.deepEqual(run(semi('semi', empty, r, cmp('=', ref(empty.output[0]!), ref(r.output[0]!)))), [])
  // the scan was asked for, but not one chunk was pulled
  const pulled = explainAnalyze(semi('anti', empty, r, cmp('=', ref(empty.output[0]!), ref(r.output[0]!))))
  assert.match(pulled, /TABLE_SCAN r \[k\] \(rows=0, /)
  const small = table('s', [INTEGER], [[1], [2], [1]])
  const plan = semi('semi', small, r, cmp('=', ref(small.output[0]!), ref(r.output[0]!)))
  assert.deepEqual(run(plan), [[1], [2], [1]])
  const text = explainAnalyze(plan)
  assert.match(text, /build: left/)
  // every left row matched within the first chunk of the right side
  assert.match(text, /TABLE_SCAN r \[k\] \(rows=4096, /)
  assert.deepEqual(run(semi('anti', small, r, cmp('=', ref(small.output[0]!), ref(r.output[0]!)))), [])
})

test('a left side built past many candidate pairs: a key shared by every row on both sides', () => {
  // 600 left rows × 2000 right rows share one key: 1.2M candidate pairs, checked in bounded steps
  const L = Array.from({ length: 600 }, (_, i) => [1, i, 0]), R = Array.from({ length: 2000 }, (_, i) => [1, i % 300, 0])
  const l = table('l', T3, L), r = table('r', T3, R)
  const c = condition(l, r, [['=', 0], ['<', 1]])
  assert.deepEqual(run(semi('semi', l, r, c)), reference('semi', L, R, both(eq(0), lt(1))))
  assert.deepEqual(run(semi('anti', l, r, c)), reference('anti', L, R, both(eq(0), lt(1))))
})

test('the left-built join keeps every column of the left rows, strings too', () => {
  const L = [[1, 'a'], [null, 'b'], [3, 'c'], [1, 'd'], [4, null]]
  const l = table('l', [INTEGER, VARCHAR], L), r = table('r', [INTEGER], Array.from({ length: 5000 }, (_, i) => [i % 3 === 0 ? null : i % 4]))
  const c = cmp('=', ref(l.output[0]!), ref(r.output[0]!))
  assert.deepEqual(run(semi('semi', l, r, c)), [[1, 'a'], [3, 'c'], [1, 'd']])
  assert.deepEqual(run(semi('anti', l, r, c)), [[null, 'b'], [4, null]])
})

test('a NULL probe key matches no outer row, whatever its slot holds', () => {
  const l = table('l', [INTEGER], [[0], [5], [null]])
  const r = table('r', [INTEGER], Array.from({ length: 5000 }, (_, i) => [i % 2 === 0 ? null : 7]))
  const c = cmp('=', ref(l.output[0]!), ref(r.output[0]!))
  assert.match(explainAnalyze(semi('semi', l, r, c)), /build: left/)
  assert.deepEqual(run(semi('semi', l, r, c)), [])
  assert.deepEqual(run(semi('anti', l, r, c)), [[0], [5], [null]])
})
