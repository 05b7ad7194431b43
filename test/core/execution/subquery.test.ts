import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { AggregateNode, FilterNode, LogicalPlan, ProjectNode } from '../../../core/plan/logical.ts'
import type { BoundExpr, CompareOp, SubqueryBoundExpr } from '../../../core/plan/expr.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, type LogicalType, type Value } from '../../../core/types/types.ts'
import { Vector } from '../../../core/vector/vector.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { agg, cmp, COUNT, fnCtx, lit, out, ref, run, SUM, values } from './helpers.ts'

function project(input: LogicalPlan, exprs: BoundExpr[]): ProjectNode {
  return { kind: 'project', input, exprs, output: exprs.map((e, i) => out(`p${i}`, e.type)) }
}
function sub(kind: SubqueryBoundExpr['subqueryKind'], plan: LogicalPlan, type: LogicalType, correlated: SubqueryBoundExpr['correlated'] = [],
  left: BoundExpr | null = null, op: CompareOp | null = null): SubqueryBoundExpr {
  return { kind: 'subquery', subqueryKind: kind, plan, correlated, left, op, type }
}

const outer = values([INTEGER], [[1], [2], [3], [null]])
const x = outer.output[0]!

test('uncorrelated scalar subquery runs once; zero rows give NULL; two rows are 21000', () => {
  const one = values([INTEGER], [[42]])
  assert.deepEqual(run(project(outer, [sub('scalar', one, INTEGER)])), [[42], [42], [42], [42]])
  const none = values([INTEGER], [])
  assert.deepEqual(run(project(outer, [sub('scalar', none, INTEGER)])).map(r => r[0]), [null, null, null, null])
  const two = values([INTEGER], [[1], [2]])
  assert.throws(() => run(project(outer, [sub('scalar', two, INTEGER)])), (e: GrizzlyError) => e.code === '21000')
})

test('correlated scalar subquery: sum of inner rows below the outer value', () => {
  const inner = values([DOUBLE, INTEGER], [[10, 1], [20, 2], [40, 2], [80, 5]])
  const [amount, k] = inner.output
  const filtered: FilterNode = { kind: 'filter', input: inner, predicate: cmp('<=', ref(k!), ref(x)), output: inner.output }
  const total: AggregateNode = { kind: 'aggregate', input: filtered, groups: [], aggregates: [agg(SUM, [ref(amount!)])], groupingSets: null, groupingIdColumn: null, output: [out('s', DOUBLE)] }
  const rows = run(project(outer, [ref(x), sub('scalar', total, DOUBLE, [ref(x)])]))
  assert.deepEqual(rows, [[1, 10], [2, 70], [3, 70], [null, null]])
})

test('EXISTS, correlated', () => {
  const inner = values([INTEGER], [[2], [3], [3]])
  const f: FilterNode = { kind: 'filter', input: inner, predicate: cmp('=', ref(inner.output[0]!), ref(x)), output: inner.output }
  assert.deepEqual(run(project(outer, [sub('exists', f, BOOLEAN, [ref(x)])])).map(r => r[0]), [false, true, true, false])
})

test('IN / ANY / ALL with SQL NULL semantics', () => {
  const set = (rows: Value[]) => values([INTEGER], rows.map(r => [r]))
  const q = (kind: 'any' | 'all', op: CompareOp, rows: Value[]) =>
    run(project(outer, [sub(kind, set(rows), BOOLEAN, [], ref(x), op)])).map(r => r[0])
  // x IN (1, 3)
  assert.deepEqual(q('any', '=', [1, 3]), [true, false, true, null])
  // x IN (1, NULL): no match becomes NULL
  assert.deepEqual(q('any', '=', [1, null]), [true, null, null, null])
  // x NOT IN (1, NULL) = x <> ALL (1, NULL)
  assert.deepEqual(q('all', '<>', [1, null]), [false, null, null, null])
  assert.deepEqual(q('all', '<>', [1]), [false, true, true, null])
  // empty set: ANY false, ALL true, even for NULL x
  assert.deepEqual(q('any', '=', []), [false, false, false, false])
  assert.deepEqual(q('all', '<', []), [true, true, true, true])
  // ordering comparisons
  assert.deepEqual(q('any', '>', [1, 2]), [false, true, true, null])
  assert.deepEqual(q('all', '>=', [1, 2]), [false, true, true, null])
  assert.deepEqual(q('all', '>=', [1, null]), [null, null, null, null])
  assert.deepEqual(q('any', '<', [2, null]), [true, null, null, null])
})

test('ANY with a left operand computed from outer columns', () => {
  const left: BoundExpr = { kind: 'case', whens: [{ when: cmp('=', ref(x), lit(1, INTEGER)), then: lit(10, INTEGER) }], else: ref(x), type: INTEGER }
  const set = values([INTEGER], [[10], [3]])
  const rows = run(project(outer, [sub('any', set, BOOLEAN, [], left, '=')]))
  assert.deepEqual(rows.map(r => r[0]), [true, false, true, null])
})

test('nested correlated subqueries see the right outer values in every scope', () => {
  // SELECT x, (SELECT max((SELECT count(*) FROM z WHERE z.v < x + y)) FROM (VALUES (0), (10)) s(y)) FROM outer
  const ys = values([INTEGER], [[0], [10]])
  const y = ys.output[0]!
  const zs = values([INTEGER], [[1], [2], [3], [11], [12]])
  const v = zs.output[0]!
  const sumXY: BoundExpr = { kind: 'call', fn: { name: '+', argTypes: [INTEGER, INTEGER], returns: INTEGER, nulls: 'propagate', volatility: 'immutable', invoke: (args, n) => {
    const a = args[0]!.data as Int32Array, b = args[1]!.data as Int32Array
    const out = new Int32Array(n)
    for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!
    return new Vector(INTEGER, n, out, null)
  } }, args: [ref(x), ref(y)], type: INTEGER }
  const inner: FilterNode = { kind: 'filter', input: zs, predicate: cmp('<', ref(v), sumXY), output: zs.output }
  const counted: AggregateNode = { kind: 'aggregate', input: inner, groups: [], aggregates: [agg(COUNT, [])], groupingSets: null, groupingIdColumn: null, output: [out('c', BIGINT)] }
  const perY = project(ys, [sub('scalar', counted, BIGINT, [ref(x), ref(y)])])
  const total: AggregateNode = { kind: 'aggregate', input: perY, groups: [], aggregates: [agg(SUM, [ref(perY.output[0]!)])], groupingSets: null, groupingIdColumn: null, output: [out('s', DOUBLE)] }
  const rows = run(project(outer, [ref(x), sub('scalar', total, DOUBLE, [ref(x)])]))
  // x=1: y=0 → v<1: 0; y=10 → v<11: 3  → 3
  // x=2: v<2: 1; v<12: 4 → 5;  x=3: v<3: 2; v<13: 5 → 7;  x=NULL: counts 0 → 0
  assert.deepEqual(rows, [[1, 3], [2, 5], [3, 7], [null, 0]])
})

test('scalar subquery with several rows takes the first when scalar_subquery_error_on_multiple_rows is off', () => {
  const two = values([INTEGER], [[7], [8]])
  const rows = run(project(outer, [sub('scalar', two, INTEGER)]), { fnCtx: fnCtx({ scalar_subquery_error_on_multiple_rows: false }) })
  assert.deepEqual(rows.map(r => r[0]), [7, 7, 7, 7])
})
