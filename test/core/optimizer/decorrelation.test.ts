import { test } from 'node:test'
import assert from 'node:assert/strict'
import { subqueryDecorrelation } from '../../../core/optimizer/rules/subquery_decorrelation.ts'
import type { BoundExpr, SubqueryBoundExpr } from '../../../core/plan/expr.ts'
import type { JoinNode, LogicalPlan } from '../../../core/plan/logical.ts'
import { BIGINT, BOOLEAN, INTEGER } from '../../../core/types/types.ts'
import { and, cmp, lit, not } from '../expression/helpers.ts'
import { aggregate, context, countCall, filter, join, project, ref, scan, shape, table } from './plans.ts'

const t = table('t', [['a', INTEGER], ['b', INTEGER]])
const u = table('u', [['x', INTEGER], ['y', INTEGER]])
const ctx = context()

function subquery(kind: SubqueryBoundExpr['subqueryKind'], plan: LogicalPlan, correlated: SubqueryBoundExpr['correlated'],
  left: BoundExpr | null = null): SubqueryBoundExpr {
  return { kind: 'subquery', subqueryKind: kind, plan, correlated, left, op: left === null ? null : '=', type: BOOLEAN }
}

function rewrite(p: LogicalPlan): LogicalPlan {
  const out = subqueryDecorrelation.rewrite(p, ctx) ?? p
  assert.deepEqual(out.output.map(c => c.id), p.output.map(c => c.id))
  return out
}

test('correlated EXISTS becomes a semi join on the correlated conjuncts', () => {
  const outer = scan(t), inner = scan(u)
  const subPlan = project(filter(inner, and(cmp('=', ref(inner, 'x'), ref(outer, 'a')), cmp('>', ref(inner, 'y'), lit(0, INTEGER)))), [['one', lit(1, INTEGER)]])
  const p = filter(outer, and(subquery('exists', subPlan, [ref(outer, 'a')]), cmp('>', ref(outer, 'b'), lit(2, INTEGER))))
  const out = rewrite(p)
  assert.equal(shape(out), 'filter(join:semi(scan:t,filter(scan:u)))')
  const j = (out as { input: JoinNode }).input
  assert.equal(j.condition?.kind, 'compare')
})

test('NOT EXISTS becomes an anti join; IN a semi join on the compared column', () => {
  const outer = scan(t), inner = scan(u)
  const subPlan = filter(inner, cmp('=', ref(inner, 'x'), ref(outer, 'a')))
  assert.equal(shape(rewrite(filter(outer, not(subquery('exists', subPlan, [ref(outer, 'a')]))))), 'join:anti(scan:t,scan:u)')
  const inPlan = project(scan(u), [['y', lit(1, INTEGER)]])
  const inSub = subquery('any', inPlan, [], ref(outer, 'b'))
  const out = rewrite(filter(outer, inSub))
  assert.equal(shape(out), 'join:semi(scan:t,scan:u)')
})

test('uncorrelated NOT IN becomes a mark join filtered on NOT mark, columns unchanged', () => {
  const outer = scan(t), inner = scan(u, [0])
  const out = rewrite(filter(outer, not(subquery('any', inner, [], ref(outer, 'a')))))
  assert.equal(shape(out), 'project(filter(join:mark(scan:t,scan:u)))')
})

test('subqueries reading outer columns below their top filter are left alone', () => {
  const outer = scan(t), inner = scan(u)
  const deep = project(filter(inner, cmp('=', ref(inner, 'x'), ref(outer, 'a'))), [['v', ref(outer, 'b')]])
  const p = filter(outer, subquery('any', deep, [ref(outer, 'a'), ref(outer, 'b')], ref(outer, 'a')))
  // the IN column reads t.b: it can be pulled into the condition, so this one does rewrite
  assert.equal(shape(rewrite(p)), 'join:semi(scan:t,scan:u)')
  const correlatedNotIn = filter(outer, not(subquery('any', filter(inner, cmp('=', ref(inner, 'x'), ref(outer, 'a'))), [ref(outer, 'a')], ref(outer, 'b'))))
  assert.equal(subqueryDecorrelation.rewrite(correlatedNotIn, ctx), undefined)
  const scalar: SubqueryBoundExpr = { ...subquery('scalar', scan(u, [0]), []), type: INTEGER }
  assert.equal(subqueryDecorrelation.rewrite(filter(outer, cmp('=', ref(outer, 'a'), scalar)), ctx), undefined)
})

test('a correlated scalar count becomes a left join to a grouped aggregate, 0 where no group matches', () => {
  const outer = scan(t), inner = scan(u)
  const agg = aggregate(filter(inner, cmp('=', ref(inner, 'x'), ref(outer, 'a'))), [], [countCall])
  const sub: SubqueryBoundExpr = { ...subquery('scalar', agg, [ref(outer, 'a')]), type: BIGINT }
  const p = project(outer, [['a', ref(outer, 'a')], ['n', sub]])
  const out = rewrite(p)
  assert.equal(shape(out), 'project(join:left(scan:t,aggregate(scan:u)))')
  const value = (out as { exprs: readonly BoundExpr[] }).exprs[1]!
  assert.equal(value.kind, 'case')
  const uncorrelatedInequality = project(outer, [['n', { ...subquery('scalar', aggregate(filter(inner, cmp('<', ref(inner, 'x'), ref(outer, 'a'))), [], [countCall]), [ref(outer, 'a')]), type: BIGINT }]])
  assert.equal(subqueryDecorrelation.rewrite(uncorrelatedInequality, ctx), undefined)
})

test('a LATERAL subquery correlated only in its top filter becomes an ordinary join', () => {
  const outer = scan(t), inner = scan(u)
  const right = project(filter(inner, cmp('=', ref(inner, 'x'), ref(outer, 'a'))), [['y', ref(inner, 'y')]])
  const lateral: JoinNode = { ...join('cross', outer, right, null), lateral: true }
  const out = rewrite(lateral)
  assert.equal(shape(out), 'project(join:inner(scan:t,scan:u))')
  const left: JoinNode = { ...join('left', outer, project(filter(inner, cmp('=', ref(inner, 'x'), ref(outer, 'a'))), [['c', lit(1, INTEGER)]]), lit(true, BOOLEAN)), lateral: true }
  assert.equal(subqueryDecorrelation.rewrite(left, ctx), undefined, 'a constant would not stay NULL on unmatched rows')
  const deep: JoinNode = { ...join('cross', outer, project(inner, [['q', ref(outer, 'b')]]), null), lateral: true }
  assert.equal(subqueryDecorrelation.rewrite(deep, ctx), undefined)
})
