import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { JoinNode, LogicalPlan } from '../../../core/plan/logical.ts'
import type { BoundExpr, OutputColumn } from '../../../core/plan/expr.ts'
import { BOOLEAN, INTEGER, VARCHAR, type Value } from '../../../core/types/types.ts'
import { Vector } from '../../../core/vector/vector.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { executePlan, explainPlan } from '../../../core/execution/index.ts'
import { and, cmp, context, FixtureTable, fnCtx, lit, out, ref, run, scan, sortRows, tableEntry, values } from './helpers.ts'

type JT = JoinNode['joinType']

function join(joinType: JT, left: LogicalPlan, right: LogicalPlan, condition: BoundExpr | null, mark?: OutputColumn): JoinNode {
  const markColumn = joinType === 'mark' ? (mark ?? out('mark', BOOLEAN)) : null
  const output = joinType === 'semi' || joinType === 'anti' ? left.output
    : joinType === 'mark' ? [...left.output, markColumn!] : [...left.output, ...right.output]
  return { kind: 'join', joinType, left, right, condition, markColumn, lateral: false, output }
}

/** SQL three-valued evaluation of `l.k = r.k [AND l.v < r.v]` on boxed rows. */
function cond(l: Value[], r: Value[], residual: boolean): boolean | null {
  const eq = l[0] === null || r[0] === null ? null : l[0] === r[0]
  if (!residual) return eq
  const lt = l[1] === null || r[1] === null ? null : (l[1] as number) < (r[1] as number)
  if (eq === false || lt === false) return false
  if (eq === null || lt === null) return null
  return true
}

function reference(type: JT, L: Value[][], R: Value[][], residual: boolean): Value[][] {
  const nullsR = R[0]!.map(() => null), nullsL = L[0]!.map(() => null)
  const out: Value[][] = []
  const rightHit = new Set<number>()
  for (const l of L) {
    const matches = R.map((r, j) => ({ r, j, c: cond(l, r, residual) }))
    const hits = matches.filter(m => m.c === true)
    hits.forEach(h => rightHit.add(h.j))
    switch (type) {
      case 'inner': hits.forEach(h => out.push([...l, ...h.r])); break
      case 'left': case 'full':
        if (hits.length === 0) out.push([...l, ...nullsR]); else hits.forEach(h => out.push([...l, ...h.r])); break
      case 'right': hits.forEach(h => out.push([...l, ...h.r])); break
      case 'semi': if (hits.length > 0) out.push(l); break
      case 'anti': if (hits.length === 0) out.push(l); break
      case 'mark': out.push([...l, hits.length > 0 ? true : matches.some(m => m.c === null) ? null : false]); break
      default: throw new Error(type)
    }
  }
  if (type === 'right' || type === 'full') R.forEach((r, j) => { if (!rightHit.has(j)) out.push([...nullsL, ...r]) })
  return out
}

function randomRows(n: number, keys: number, seed: number): Value[][] {
  let s = seed
  const rnd = (): number => { s = (s * 1103515245 + 12345) & 0x7fffffff; return s / 0x7fffffff }
  return Array.from({ length: n }, () => [rnd() < 0.15 ? null : Math.floor(rnd() * keys), rnd() < 0.1 ? null : Math.floor(rnd() * 100)])
}

for (const type of ['inner', 'left', 'right', 'full', 'semi', 'anti', 'mark'] as JT[]) {
  for (const residual of [false, true]) {
    test(`hash join ${type}${residual ? ' with residual' : ''} matches a nested-loop reference`, () => {
      const L = randomRows(300, 40, 7), R = randomRows(200, 40, 11)
      const lv = values([INTEGER, INTEGER], L), rv = values([INTEGER, INTEGER], R)
      const [lk, lx] = lv.output, [rk, rx] = rv.output
      const c = residual ? and(cmp('=', ref(lk!), ref(rk!)), cmp('<', ref(lx!), ref(rx!))) : cmp('=', ref(rk!), ref(lk!))
      const plan = join(type, lv, rv, c)
      assert.match(explainPlan(plan, null), /^HASH_JOIN/)
      assert.deepEqual(sortRows(run(plan)), sortRows(reference(type, L, R, residual)))
      // the same condition without equi-keys goes through the nested-loop join
      const nl = join(type, lv, rv, residual
        ? and(cmp('<', ref(lx!), ref(rx!)), { kind: 'or', args: [cmp('=', ref(lk!), ref(rk!)), lit(false, BOOLEAN)], type: BOOLEAN })
        : { kind: 'or', args: [cmp('=', ref(lk!), ref(rk!)), lit(false, BOOLEAN)], type: BOOLEAN })
      assert.match(explainPlan(nl, null), /^NESTED_LOOP_JOIN/)
      assert.deepEqual(sortRows(run(nl)), sortRows(reference(type, L, R, residual)))
    })
  }
}

test('joins with an empty side', () => {
  const lv = values([INTEGER], [[1], [null]]), rv = values([INTEGER], [])
  const c = cmp('=', ref(lv.output[0]!), ref(rv.output[0]!))
  assert.deepEqual(run(join('inner', lv, rv, c)), [])
  assert.deepEqual(run(join('left', lv, rv, c)), [[1, null], [null, null]])
  assert.deepEqual(run(join('anti', lv, rv, c)), [[1], [null]])
  assert.deepEqual(run(join('mark', lv, rv, c)), [[1, false], [null, false]])
  assert.deepEqual(run(join('right', rv, lv, cmp('=', ref(lv.output[0]!), ref(rv.output[0]!)))), [[null, 1], [null, null]])
  assert.deepEqual(run(join('cross', lv, rv, null)), [])
})

test('mark join: NULL when no match but a NULL key was compared', () => {
  const lv = values([INTEGER], [[1], [2], [null]]), rv = values([INTEGER], [[1], [null]])
  assert.deepEqual(run(join('mark', lv, rv, cmp('=', ref(lv.output[0]!), ref(rv.output[0]!)))), [[1, true], [2, null], [null, null]])
})

test('IS NOT DISTINCT FROM keys match NULLs', () => {
  const lv = values([INTEGER], [[1], [null]]), rv = values([INTEGER], [[null], [1], [3]])
  assert.deepEqual(sortRows(run(join('inner', lv, rv, cmp('not_distinct', ref(lv.output[0]!), ref(rv.output[0]!))))), [[1, 1], [null, null]])
})

test('an = key and an IS NOT DISTINCT FROM key: a NULL in the first never pairs, in the second pairs with NULL', () => {
  const rows: Value[][] = [[1, 1], [1, null], [null, 1], [null, null], [2, 2]]
  const lv = values([INTEGER, INTEGER], rows), rv = values([INTEGER, INTEGER], [...rows, [1, null]])
  const [la, lb] = lv.output, [ra, rb] = rv.output
  const c = and(cmp('=', ref(la!), ref(ra!)), cmp('not_distinct', ref(lb!), ref(rb!)))
  assert.deepEqual(sortRows(run(join('inner', lv, rv, c))), sortRows([[1, 1, 1, 1], [1, null, 1, null], [1, null, 1, null], [2, 2, 2, 2]]))
  assert.deepEqual(sortRows(run(join('left', lv, rv, c))).length, 6, 'the two rows with a NULL first key kept once each')
  assert.deepEqual(sortRows(run(join('anti', lv, rv, c))), sortRows([[null, 1], [null, null]]))
})

test('multi-column string keys, many-to-many, over many chunks', () => {
  const n = 12_000
  const L = Array.from({ length: n }, (_, i) => [`k${i % 500}`, i % 3])
  const R = Array.from({ length: 1000 }, (_, i) => [`k${i % 500}`, i % 3])
  const lt = tableEntry('l', [{ name: 'a', type: VARCHAR }, { name: 'b', type: INTEGER }], new FixtureTable([VARCHAR, INTEGER], L))
  const rt = tableEntry('r', [{ name: 'a', type: VARCHAR }, { name: 'b', type: INTEGER }], new FixtureTable([VARCHAR, INTEGER], R))
  const ls = scan(lt, [0, 1]), rs = scan(rt, [0, 1])
  const plan = join('inner', ls, rs, and(cmp('=', ref(ls.output[0]!), ref(rs.output[0]!)), cmp('=', ref(ls.output[1]!), ref(rs.output[1]!))))
  const rows = run(plan)
  // each left row matches the right rows with equal (i % 500, i % 3): 2 of them when i%500 and i%3 agree in parity classes
  let expected = 0
  for (let i = 0; i < n; i++) for (let j = 0; j < 1000; j++) if (i % 500 === j % 500 && i % 3 === j % 3) expected++
  assert.equal(rows.length, expected)
  assert.ok(rows.every(r => r[0] === r[2] && r[1] === r[3]))
})

test('single join: one match or NULL, two matches is 21000', () => {
  const lv = values([INTEGER], [[1], [2]]), rv = values([INTEGER, VARCHAR], [[1, 'one'], [3, 'three']])
  const plan = join('single', lv, rv, cmp('=', ref(lv.output[0]!), ref(rv.output[0]!)))
  assert.deepEqual(run(plan), [[1, 1, 'one'], [2, null, null]])
  const dup = values([INTEGER, VARCHAR], [[1, 'a'], [1, 'b']])
  assert.throws(() => run(join('single', lv, dup, cmp('=', ref(lv.output[0]!), ref(dup.output[0]!)))),
    (e: GrizzlyError) => e.code === '21000')
})

test('cross product', () => {
  const lv = values([INTEGER], [[1], [2]]), rv = values([VARCHAR], [['a'], ['b'], ['c']])
  assert.deepEqual(run(join('cross', lv, rv, null)), [[1, 'a'], [1, 'b'], [1, 'c'], [2, 'a'], [2, 'b'], [2, 'c']])
})

test('lateral join re-runs the right side per left row', () => {
  const lv = values([INTEGER], [[1], [2], [3]])
  const x = lv.output[0]!
  const inner = values([INTEGER], [[10], [20], [30]])
  // right side: rows of inner with value < x * 10 + 5 ... expressed as a filter over the outer column
  const right: LogicalPlan = { kind: 'filter', input: inner, output: inner.output, predicate: cmp('<=', ref(inner.output[0]!), { kind: 'case', whens: [{ when: cmp('=', ref(x), lit(1, INTEGER)), then: lit(10, INTEGER) }, { when: cmp('=', ref(x), lit(2, INTEGER)), then: lit(20, INTEGER) }], else: lit(0, INTEGER), type: INTEGER }) }
  const plan: JoinNode = { ...join('inner', lv, right, null), lateral: true }
  assert.deepEqual(run(plan), [[1, 10], [2, 10], [2, 20]])
  const leftPlan: JoinNode = { ...join('left', lv, right, null), lateral: true }
  assert.deepEqual(run(leftPlan), [[1, 10], [2, 10], [2, 20], [3, null]])
  assert.match(explainPlan(plan, null), /^LATERAL_JOIN/)
  assert.throws(() => run({ ...join('full', lv, right, null), lateral: true }), (e: GrizzlyError) => e.code === '0A000')
})

test('mark join with two keys: a NULL key only makes NULL when the other keys do not rule the row out', () => {
  const lv = values([INTEGER, INTEGER], [[null, 1], [null, 2], [5, 2], [6, 2], [7, 3]])
  const rv = values([INTEGER, INTEGER], [[5, 2], [null, 3]])
  const [lx, lz] = lv.output, [rx, rz] = rv.output
  const plan = join('mark', lv, rv, and(cmp('=', ref(lx!), ref(rx!)), cmp('=', ref(lz!), ref(rz!))))
  assert.match(explainPlan(plan, null), /^HASH_JOIN/)
  assert.deepEqual(run(plan).map(r => r[2]), [false, null, true, false, null])
})

test('hash join over 100k probe rows; EXPLAIN ANALYZE counts rows per operator', () => {
  const n = 100_000
  const lt = tableEntry('big', [{ name: 'k', type: INTEGER }], new FixtureTable([INTEGER], Array.from({ length: n }, (_, i) => [i % 5000 === 0 ? null : i % 2000])))
  const rt = tableEntry('dim', [{ name: 'k', type: INTEGER }, { name: 'name', type: VARCHAR }], new FixtureTable([INTEGER, VARCHAR], Array.from({ length: 1000 }, (_, i) => [i * 2, `n${i}`])))
  const ls = scan(lt, [0]), rs = scan(rt, [0, 1])
  const plan = join('inner', ls, rs, cmp('=', ref(ls.output[0]!), ref(rs.output[0]!)))
  const rows = run(plan)
  let expected = 0
  for (let i = 0; i < n; i++) if (i % 5000 !== 0 && (i % 2000) % 2 === 0) expected++
  assert.equal(rows.length, expected)
  const { profile } = executePlan(plan, context({ profile: true }))
  const text = explainPlan(plan, profile)
  assert.match(text, new RegExp(`^HASH_JOIN inner ON \\(k = k\\) \\[hash keys: 1\\] \\(rows=${expected}, `))
  assert.match(text, /\n {2}TABLE_SCAN big \[k\] \(rows=100000, /)
  assert.match(text, /\n {2}TABLE_SCAN dim \[k, name\] \(rows=1000, /)
})

test('large nested-loop joins stream in bounded steps', () => {
  const L = Array.from({ length: 2000 }, (_, i) => [i])
  const R = Array.from({ length: 1000 }, (_, i) => [i * 3])
  const lt = tableEntry('l', [{ name: 'a', type: INTEGER }], new FixtureTable([INTEGER], L))
  const rt = tableEntry('r', [{ name: 'b', type: INTEGER }], new FixtureTable([INTEGER], R))
  const ls = scan(lt, [0]), rs = scan(rt, [0])
  const { chunks } = executePlan(join('cross', ls, rs, null), context())
  assert.equal(chunks.reduce((n, c) => n + c.size, 0), 2_000_000)
  assert.ok(chunks.every(c => c.size <= 1 << 18))
  // LEFT JOIN ON a < b - 2990: only a < 7 find partners; everyone else gets NULL
  const cond = cmp('<', ref(ls.output[0]!), { kind: 'call', fn: { name: '-', argTypes: [INTEGER, INTEGER], returns: INTEGER, nulls: 'propagate', volatility: 'immutable', invoke: (args, n) => {
    const a = args[0]!.data as Int32Array, b = args[1]!.data as Int32Array
    const o = new Int32Array(n)
    for (let i = 0; i < n; i++) o[i] = a[i]! - b[i]!
    return new Vector(INTEGER, n, o, null)
  } }, args: [ref(rs.output[0]!), lit(2990, INTEGER)], type: INTEGER })
  const rows = run(join('left', ls, rs, cond))
  let expected = 0
  for (let a = 0; a < 2000; a++) {
    let m = 0
    for (let j = 0; j < 1000; j++) if (a < j * 3 - 2990) m++
    expected += Math.max(1, m)
  }
  assert.equal(rows.length, expected)
  assert.equal(rows.filter(r => r[1] === null).length, 2000 - 7)
})

test('many-to-many hash joins split a probe chunk into bounded steps', () => {
  const lt = tableEntry('l', [{ name: 'a', type: INTEGER }], new FixtureTable([INTEGER], Array.from({ length: 5000 }, (_, i) => [i % 3 === 0 ? 2 : 1])))
  const rt = tableEntry('r', [{ name: 'b', type: INTEGER }], new FixtureTable([INTEGER], Array.from({ length: 150 }, () => [1])))
  const ls = scan(lt, [0]), rs = scan(rt, [0])
  const c = cmp('=', ref(ls.output[0]!), ref(rs.output[0]!))
  const ones = Array.from({ length: 5000 }, (_, i) => i).filter(i => i % 3 !== 0).length
  const { chunks } = executePlan(join('inner', ls, rs, c), context())
  assert.equal(chunks.reduce((n, ch) => n + ch.size, 0), ones * 150)
  assert.ok(chunks.every(ch => ch.size <= 1 << 18))
  const left = run(join('left', ls, rs, c))
  assert.equal(left.length, ones * 150 + (5000 - ones))
  assert.equal(run(join('semi', ls, rs, c)).length, ones)
})

test('single join takes the first match when scalar_subquery_error_on_multiple_rows is off', () => {
  const lv = values([INTEGER], [[1], [2]]), dup = values([INTEGER, VARCHAR], [[1, 'a'], [1, 'b']])
  const plan = join('single', lv, dup, cmp('=', ref(lv.output[0]!), ref(dup.output[0]!)))
  assert.deepEqual(run(plan, { fnCtx: fnCtx({ scalar_subquery_error_on_multiple_rows: false }) }), [[1, 1, 'a'], [2, null, null]])
})
