import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError, InternalError } from '../../../core/errors.ts'
import { optimize, parseDisabledOptimizers, ruleNames, rules } from '../../../core/optimizer/index.ts'
import { constantFolding } from '../../../core/optimizer/rules/constant_folding.ts'
import { filterPushdown } from '../../../core/optimizer/rules/filter_pushdown.ts'
import { joinOrder } from '../../../core/optimizer/rules/join_order.ts'
import { projectionPruning } from '../../../core/optimizer/rules/projection_pruning.ts'
import { topN } from '../../../core/optimizer/rules/top_n.ts'
import { explainLogical } from '../../../core/plan/explain.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import type { LogicalPlan } from '../../../core/plan/logical.ts'
import { BIGINT, BOOLEAN, INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { addInline, and, call, cmp, divide, lit, not, or, random } from '../expression/helpers.ts'
import {
  aggregate, context, countCall, filter, join, limit, project, ref, scan, shape, sizedTable, sort, table,
} from './plans.ts'

const t = table('t', [['a', INTEGER], ['b', INTEGER], ['s', VARCHAR]])
const u = table('u', [['x', INTEGER], ['y', INTEGER]])
const ctx = context()

function run(rule: { rewrite(p: LogicalPlan, c: typeof ctx): LogicalPlan | undefined }, p: LogicalPlan): LogicalPlan {
  const out = rule.rewrite(p, ctx) ?? p
  assert.deepEqual(out.output.map(c => c.id), p.output.map(c => c.id), 'root output ids unchanged')
  return out
}


test('constant folding: folds arithmetic, simplifies AND/OR, drops true filters', () => {
  const s = scan(t)
  const add = addInline(INTEGER)
  const p = filter(s, and(lit(true, BOOLEAN), cmp('>', ref(s, 'a'), call(add, lit(1, INTEGER), lit(2, INTEGER)))))
  const out = run(constantFolding, p)
  assert.equal(out.kind, 'filter')
  const pred = (out as { predicate: BoundExpr }).predicate
  assert.equal(pred.kind, 'compare')
  assert.deepEqual((pred as { right: BoundExpr }).right, { kind: 'const', value: 3, type: INTEGER })
  assert.equal(shape(run(constantFolding, filter(s, or(lit(false, BOOLEAN), lit(true, BOOLEAN))))), 'scan:t')
})

test('constant folding: never-true filters become empty; volatile and failing calls stay', () => {
  const s = scan(t)
  assert.equal(shape(run(constantFolding, filter(s, and(cmp('>', ref(s, 'a'), lit(1, INTEGER)), lit(null, BOOLEAN))))), 'empty')
  assert.equal(shape(run(constantFolding, project(filter(s, lit(false, BOOLEAN)), [['a', ref(s, 'a')]]))), 'empty')
  const volatile = filter(s, cmp('<', call(random), lit(0.5, random.returns)))
  assert.equal(constantFolding.rewrite(volatile, ctx), undefined)
  const failing = project(s, [['q', call(divide, lit(1, INTEGER), lit(0, INTEGER))]])
  assert.equal(constantFolding.rewrite(failing, ctx), undefined)
})

test('constant folding: CASE branches that cannot be taken disappear', () => {
  const s = scan(t)
  const e: BoundExpr = {
    kind: 'case', type: INTEGER,
    whens: [{ when: lit(false, BOOLEAN), then: lit(1, INTEGER) }, { when: lit(true, BOOLEAN), then: ref(s, 'a') }],
    else: lit(3, INTEGER),
  }
  const out = run(constantFolding, project(s, [['c', e]])) as { exprs: readonly BoundExpr[] }
  assert.equal(out.exprs[0]!.kind, 'colref')
})

test('filter pushdown: through projections into scans', () => {
  const s = scan(t)
  const pr = project(s, [['a2', ref(s, 'a')], ['s', ref(s, 's')]])
  const p = filter(pr, and(cmp('>', ref(pr, 'a2'), lit(1, INTEGER)), cmp('=', ref(pr, 's'), lit('x', VARCHAR))))
  const out = run(filterPushdown, p)
  assert.equal(shape(out), 'project(scan:t[2])')
})

test('filter pushdown: cross join with an equality becomes an inner join, sides get their filters', () => {
  const l = scan(t), r = scan(u)
  const j = join('cross', l, r, null)
  const p = filter(j, and(cmp('=', ref(l, 'a'), ref(r, 'x')), cmp('>', ref(r, 'y'), lit(5, INTEGER)), cmp('<', ref(l, 'b'), lit(0, INTEGER))))
  const out = run(filterPushdown, p)
  assert.equal(shape(out), 'join:inner(scan:t[1],scan:u[1])')
})

test('filter pushdown: outer joins keep the preserved side semantics', () => {
  const l = scan(t), r = scan(u)
  const j = join('left', l, r, and(cmp('=', ref(l, 'a'), ref(r, 'x')), cmp('>', ref(r, 'y'), lit(1, INTEGER)), cmp('>', ref(l, 'b'), lit(1, INTEGER))))
  const p = filter(j, and(cmp('>', ref(l, 'a'), lit(0, INTEGER)), { kind: 'is_null', arg: ref(r, 'y'), not: false, type: BOOLEAN }))
  const out = run(filterPushdown, p)
  // the right-side filter above a left join stays above; the left one goes down; ON's right-only part goes right
  assert.equal(shape(out), 'filter(join:left(scan:t[1],scan:u[1]))')
  const cond = (out as { input: { condition: BoundExpr } }).input.condition
  assert.equal(cond.kind, 'and')
})

test('filter pushdown: never below LIMIT; through sort; below grouping on group columns only', () => {
  const s = scan(t)
  const lim = limit(s, lit(10, BIGINT))
  assert.equal(shape(run(filterPushdown, filter(lim, cmp('>', ref(s, 'a'), lit(1, INTEGER))))), 'filter(limit(scan:t))')
  const so = sort(s, [ref(s, 'a')])
  assert.equal(shape(run(filterPushdown, filter(so, cmp('>', ref(s, 'a'), lit(1, INTEGER))))), 'sort(scan:t[1])')
  const g = aggregate(s, [['a', ref(s, 'a')]], [countCall])
  const p = filter(g, and(cmp('>', ref(g, 'a'), lit(1, INTEGER)), cmp('>', ref(g, 'agg0'), lit(1n, BIGINT))))
  assert.equal(shape(run(filterPushdown, p)), 'filter(aggregate(scan:t[1]))')
})

test('filter pushdown: volatile predicates stay where they are', () => {
  const s = scan(t)
  const pr = project(s, [['a', ref(s, 'a')]])
  const p = filter(pr, cmp('<', call(random), lit(0.5, random.returns)))
  assert.equal(shape(run(filterPushdown, p)), 'filter(project(scan:t))')
})

test('projection pruning: unused scan columns, projections and aggregates go', () => {
  const s = scan(t)
  const g = aggregate(s, [['b', ref(s, 'b')]], [countCall, countCall])
  const p = project(g, [['b', ref(g, 'b')], ['n', ref(g, 'agg1')]])
  const out = run(projectionPruning, p)
  const agg = (out as { input: LogicalPlan }).input
  assert.equal(agg.kind, 'aggregate')
  assert.equal((agg as { aggregates: readonly unknown[] }).aggregates.length, 1)
  const sc = (agg as { input: LogicalPlan }).input
  assert.deepEqual(sc.kind === 'scan' ? sc.columns : null, [1])
  assert.deepEqual(out.output.map(c => c.name), ['b', 'n'])
})

test('projection pruning: join inputs keep what the condition needs', () => {
  const l = scan(t), r = scan(u)
  const j = join('inner', l, r, cmp('=', ref(l, 'a'), ref(r, 'x')))
  const out = run(projectionPruning, project(j, [['s', ref(l, 's')]]))
  const jj = (out as { input: LogicalPlan }).input
  assert.equal(jj.kind, 'join')
  assert.deepEqual(jj.output.map(c => c.name), ['a', 's', 'x'])
})

test('top_n: sort + limit, also through a projection', () => {
  const s = scan(t)
  assert.equal(shape(run(topN, limit(sort(s, [ref(s, 'a')]), lit(5, BIGINT)))), 'top_n(scan:t)')
  const so = sort(s, [ref(s, 'a')])
  assert.equal(shape(run(topN, limit(project(so, [['b', ref(s, 'b')]]), lit(5, BIGINT)))), 'project(top_n(scan:t))')
  assert.equal(topN.rewrite(limit(sort(s, [ref(s, 'a')]), null, lit(5, BIGINT)), ctx), undefined)
})

test('join order: smallest inputs first, conditions attached where both sides exist, output order kept', () => {
  const big = sizedTable('big', [['k', INTEGER]], 500)
  const mid = sizedTable('mid', [['k', INTEGER], ['j', INTEGER]], 50)
  const small = sizedTable('small', [['j', INTEGER]], 5)
  const b = scan(big), m = scan(mid), s = scan(small)
  const tree = join('inner', join('cross', b, s, null), m,
    and(cmp('=', ref(b, 'k'), ref(m, 'k')), cmp('=', ref(m, 'j'), ref(s, 'j'))))
  const out = run(joinOrder, tree)
  const text = shape(out)
  assert.equal(text, 'project(join:inner(scan:big,join:inner(scan:mid,scan:small)))')
  assert.ok(!text.includes('cross'))
})

test('optimize: every rule by name, switchable off, root output unchanged', () => {
  assert.deepEqual(ruleNames, ['constant_folding', 'subquery_decorrelation', 'or_factorization', 'filter_pushdown', 'semi_join_pushdown', 'cte_estimates', 'join_order', 'projection_pruning', 'group_key_semi_join', 'top_n', 'window_topn', 'nearest_scan', 'index_scan', 'index_join', 'parallel_aggregate', 'parallel_join', 'pipelined_calls'])
  assert.equal(rules.length, ruleNames.length)
  const s = scan(t)
  const p = limit(sort(project(filter(s, cmp('>', ref(s, 'a'), lit(1, INTEGER))), [['a', ref(s, 'a')]]), [ref(s, 'a')]), lit(3, BIGINT))
  const all = optimize(p, ctx)
  assert.deepEqual(all.output, p.output)
  assert.equal(shape(all), 'top_n(project(scan:t[1]))')
  const noPush = optimize(p, context(['filter_pushdown', 'top_n']))
  assert.equal(shape(noPush), 'limit(sort(project(filter(scan:t))))')
  assert.deepEqual(parseDisabledOptimizers(' top_n, filter_pushdown '), new Set(['top_n', 'filter_pushdown']))
  assert.throws(() => parseDisabledOptimizers('top_m'), (e: unknown) => e instanceof GrizzlyError && /top_n/.test(e.hint ?? ''))
  // DuckDB's names: a rule of ours doing the same work, or nothing for transformations Grizzly never makes
  assert.deepEqual(parseDisabledOptimizers('unused_columns, compressed_materialization'), new Set(['projection_pruning']))
  const broken = { name: 'broken', rewrite: (x: LogicalPlan) => ({ ...x, output: [] }) }
  ;(rules as unknown as { name: string }[]).push(broken)
  try { assert.throws(() => optimize(p, ctx), InternalError) } finally { (rules as unknown as unknown[]).pop() }
})

test('explain prints one line per node with its facts', () => {
  const s = scan(t)
  const p = limit(filter(s, and(cmp('>', ref(s, 'a'), lit(1, INTEGER)), cmp('=', ref(s, 's'), lit("it's", VARCHAR)))), lit(3, BIGINT))
  assert.equal(explainLogical(p), [
    'LIMIT limit: 3',
    "  FILTER ((a > 1) AND (s = 'it''s'))",
    '    SCAN main.t [a, b, s]',
  ].join('\n'))
})

test('constant folding: comparisons and strict calls with a NULL argument are NULL', () => {
  const s = scan(t)
  const p = filter(s, cmp('=', ref(s, 'a'), lit(null, INTEGER)))
  assert.equal(shape(run(constantFolding, p)), 'empty')
  const add = addInline(INTEGER)
  const pr = run(constantFolding, project(s, [['q', call(add, ref(s, 'a'), lit(null, INTEGER))]])) as { exprs: readonly BoundExpr[] }
  assert.deepEqual(pr.exprs[0], { kind: 'const', value: null, type: INTEGER })
  const distinct = filter(s, cmp('distinct', ref(s, 'a'), lit(null, INTEGER)))
  assert.equal(constantFolding.rewrite(distinct, ctx), undefined)
})

test('filter pushdown: a NULL-rejecting filter turns an outer join into an inner join', () => {
  const l = scan(t), r = scan(u)
  const j = join('left', l, r, cmp('=', ref(l, 'a'), ref(r, 'x')))
  const out = run(filterPushdown, filter(j, cmp('>', ref(r, 'y'), lit(0, INTEGER))))
  assert.equal(shape(out), 'join:inner(scan:t,scan:u[1])')
  const isNotNull: BoundExpr = { kind: 'is_null', arg: ref(r, 'y'), not: false, type: BOOLEAN }
  assert.equal(shape(run(filterPushdown, filter(j, isNotNull))), 'filter(join:left(scan:t,scan:u))')
  const full = join('full', l, r, cmp('=', ref(l, 'a'), ref(r, 'x')))
  assert.equal(shape(run(filterPushdown, filter(full, cmp('>', ref(l, 'b'), lit(0, INTEGER))))), 'join:left(scan:t[1],scan:u)')
})

test('projection pruning merges stacked projections unless an expensive one would repeat', () => {
  const s = scan(t)
  const add = addInline(INTEGER)
  const inner = project(s, [['a1', call(add, ref(s, 'a'), lit(1, INTEGER))], ['b', ref(s, 'b')]])
  const once = project(inner, [['q', ref(inner, 'a1')], ['b2', ref(inner, 'b')]])
  assert.equal(shape(run(projectionPruning, once)), 'project(scan:t)')
  const twice = project(inner, [['q', call(add, ref(inner, 'a1'), ref(inner, 'a1'))]])
  assert.equal(shape(run(projectionPruning, twice)), 'project(project(scan:t))')
})

test('join order: a LEFT join with a much larger right side is mirrored into a RIGHT join', () => {
  const small = sizedTable('small2', [['k', INTEGER]], 3)
  const big = sizedTable('big2', [['k', INTEGER], ['v', INTEGER]], 300)
  const s = scan(small), b = scan(big)
  const out = run(joinOrder, join('left', s, b, cmp('=', ref(s, 'k'), ref(b, 'k'))))
  assert.equal(shape(out), 'project(join:right(scan:big2,scan:small2))')
  assert.equal(joinOrder.rewrite(join('left', b, s, cmp('=', ref(s, 'k'), ref(b, 'k'))), ctx), undefined)
})

test('constant folding: NOT is pushed into comparisons, IS NULL and IN; constants move right', () => {
  const s = scan(t)
  const a = ref(s, 'a')
  const fold = (e: BoundExpr): BoundExpr => (run(constantFolding, project(s, [['q', e]])) as { exprs: readonly BoundExpr[] }).exprs[0]!
  assert.deepEqual(fold(not(cmp('<', a, lit(3, INTEGER)))), cmp('>=', a, lit(3, INTEGER)))
  assert.deepEqual(fold(not(not(cmp('=', a, lit(3, INTEGER))))), cmp('=', a, lit(3, INTEGER)))
  assert.deepEqual(fold(not({ kind: 'is_null', arg: a, not: false, type: BOOLEAN })), { kind: 'is_null', arg: a, not: true, type: BOOLEAN })
  assert.deepEqual(fold(cmp('<', lit(3, INTEGER), a)), cmp('>', a, lit(3, INTEGER)))
  assert.deepEqual(fold(cmp('distinct', lit(3, INTEGER), a)), cmp('distinct', a, lit(3, INTEGER)))
})

test('constant folding leaves stable functions (now(), settings) for execution time', () => {
  const s = scan(t)
  const now = { ...random, name: 'now', volatility: 'stable' as const }
  const p = project(s, [['q', cmp('<', call(now), lit(1, random.returns))]])
  assert.equal(constantFolding.rewrite(p, ctx), undefined)
})
