import { test } from 'node:test'
import assert from 'node:assert/strict'
import { exprEquals, factorOr, orFactorization } from '../../../core/optimizer/rules/or_factorization.ts'
import { filterPushdown } from '../../../core/optimizer/rules/filter_pushdown.ts'
import { parseDisabledOptimizers, ruleNames } from '../../../core/optimizer/index.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import type { FilterNode, JoinNode, LogicalPlan, ScanNode } from '../../../core/plan/logical.ts'
import { INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { and, call, cmp, lit, or, random, isNull } from '../expression/helpers.ts'
import { context, filter, join, ref, scan, shape, table } from './plans.ts'

const a = table('a', [['x', INTEGER], ['y', INTEGER]])
const b = table('b', [['x', INTEGER], ['z', INTEGER]])
const n = table('nation', [['k', INTEGER], ['name', VARCHAR]])
const ctx = context()
const one = lit(1, INTEGER), two = lit(2, INTEGER)

function rewrite(p: LogicalPlan): LogicalPlan {
  const out = orFactorization.rewrite(p, ctx) ?? p
  assert.deepEqual(out.output.map(c => c.id), p.output.map(c => c.id))
  return out
}

function conjunctsOf(e: BoundExpr): readonly BoundExpr[] {
  return e.kind === 'and' ? e.args : [e]
}

test('is registered before filter_pushdown and can be disabled by name', () => {
  assert.ok(ruleNames.indexOf('or_factorization') >= 0)
  assert.ok(ruleNames.indexOf('or_factorization') < ruleNames.indexOf('filter_pushdown'))
  assert.deepEqual([...parseDisabledOptimizers('or_factorization')], ['or_factorization'])
  assert.throws(() => parseDisabledOptimizers('or_factorisation'), (e: Error & { hint?: string }) => /or_factorization/.test(e.hint ?? ''))
})

test('a join equality in every OR branch is pulled out, and pushdown then makes a join of it', () => {
  const sa = scan(a), sb = scan(b)
  const eq = cmp('=', ref(sa, 'x'), ref(sb, 'x'))
  // the second branch writes the equality the other way round
  const eq2 = cmp('=', ref(sb, 'x'), ref(sa, 'x'))
  const p = filter(join('cross', sa, sb, null), or(and(eq, cmp('=', ref(sa, 'y'), one)), and(eq2, cmp('=', ref(sb, 'z'), two))))
  const out = rewrite(p) as FilterNode
  const parts = conjunctsOf(out.predicate)
  assert.equal(parts.length, 2)
  assert.ok(exprEquals(parts[0]!, eq))
  assert.equal(parts[1]!.kind, 'or')
  const pushed = filterPushdown.rewrite(out, ctx) ?? out
  assert.equal(shape(pushed), 'join:inner(scan:a,scan:b)')
  assert.ok(exprEquals(conjunctsOf((pushed as JoinNode).condition!)[0]!, eq))
  // without factoring the equality stays inside the OR: no equality a hash join could use
  const unfactored = filterPushdown.rewrite(p, ctx) ?? p
  assert.equal((unfactored as JoinNode).condition?.kind, 'or')
})

test('a branch left empty makes the OR true: a OR (a AND y) is a', () => {
  const sa = scan(a)
  const x1 = cmp('=', ref(sa, 'x'), one)
  assert.deepEqual(factorOr(or(x1, and(x1, cmp('>', ref(sa, 'y'), two)))), [x1])
  const out = rewrite(filter(sa, or(x1, and(cmp('>', ref(sa, 'y'), two), x1)))) as FilterNode
  assert.ok(exprEquals(out.predicate, x1))
})

test('nothing in common, or no OR at all: the plan is returned unchanged', () => {
  const sa = scan(a)
  const p = filter(sa, or(cmp('=', ref(sa, 'x'), one), cmp('=', ref(sa, 'y'), two)))
  assert.equal(orFactorization.rewrite(p, ctx), undefined)
  assert.equal(orFactorization.rewrite(filter(sa, cmp('=', ref(sa, 'x'), one)), ctx), undefined)
})

test('volatile conjuncts are never treated as common', () => {
  const sa = scan(a)
  const r = cmp('<', call(random), lit(0.5, random.returns))
  const p = filter(sa, or(and(r, cmp('=', ref(sa, 'x'), one)), and(r, cmp('=', ref(sa, 'y'), two))))
  assert.equal(orFactorization.rewrite(p, ctx), undefined)
})

test('q07 shape: each nation gets an implied IN filter and the original OR is kept', () => {
  const n1 = scan(n), n2 = scan(n)
  const fr = lit('FRANCE', VARCHAR), de = lit('GERMANY', VARCHAR)
  const original = or(
    and(cmp('=', ref(n1, 'name'), fr), cmp('=', ref(n2, 'name'), de)),
    and(cmp('=', ref(n1, 'name'), de), cmp('=', ref(n2, 'name'), fr)))
  const out = rewrite(filter(join('cross', n1, n2, null), original)) as FilterNode
  const parts = conjunctsOf(out.predicate)
  assert.equal(parts.length, 3)
  assert.ok(exprEquals(parts[0]!, original))
  for (const [i, side] of [[1, n1], [2, n2]] as const) {
    const d = parts[i]!
    assert.equal(d.kind, 'in_list')
    if (d.kind !== 'in_list') continue
    assert.ok(exprEquals(d.arg, ref(side, 'name')))
    assert.equal(d.list.length, 2)
  }
  const pushed = filterPushdown.rewrite(out, ctx) ?? out
  const scans: ScanNode[] = []
  const walk = (p: LogicalPlan): void => {
    if (p.kind === 'scan') scans.push(p)
    else if (p.kind === 'join') { walk(p.left); walk(p.right) } else if (p.kind === 'filter') walk(p.input)
  }
  walk(pushed)
  assert.equal(scans.length, 2)
  for (const s of scans) assert.equal(s.filters.length, 1)
})

test('a relation not constrained by every branch gets no derived filter', () => {
  const sa = scan(a), sb = scan(b)
  const p = filter(join('cross', sa, sb, null), or(
    and(cmp('=', ref(sa, 'x'), one), cmp('=', ref(sb, 'z'), one)),
    cmp('=', ref(sa, 'y'), two)))
  const out = rewrite(p) as FilterNode
  const parts = conjunctsOf(out.predicate)
  // only a's filter: (x = 1) OR (y = 2); b is unconstrained in the second branch
  assert.equal(parts.length, 2)
  assert.ok(exprEquals(parts[1]!, or(cmp('=', ref(sa, 'x'), one), cmp('=', ref(sa, 'y'), two))))
})

test('join conditions are rewritten too, but mark joins are left alone', () => {
  const sa = scan(a), sb = scan(b)
  const eq = cmp('=', ref(sa, 'x'), ref(sb, 'x'))
  const cond = or(and(eq, isNull(ref(sa, 'y'))), and(eq, cmp('=', ref(sb, 'z'), two)))
  const inner = rewrite(join('left', sa, sb, cond)) as JoinNode
  assert.ok(inner.condition !== null && exprEquals(conjunctsOf(inner.condition)[0]!, eq))
  const mark: JoinNode = { ...join('semi', sa, sb, cond), joinType: 'mark' }
  assert.equal(orFactorization.rewrite(mark, ctx), undefined)
})

test('exprEquals: structure, mirrored comparisons, constants of different types', () => {
  const sa = scan(a)
  const x = ref(sa, 'x'), y = ref(sa, 'y')
  assert.ok(exprEquals(cmp('<', x, y), cmp('>', y, x)))
  assert.ok(!exprEquals(cmp('<', x, y), cmp('<', y, x)))
  assert.ok(exprEquals(lit('a', VARCHAR), lit('a', VARCHAR)))
  assert.ok(!exprEquals(lit(1, INTEGER), lit(1, VARCHAR)))
  assert.ok(!exprEquals(lit(null, INTEGER), lit(0, INTEGER)))
  assert.ok(exprEquals(lit(Number.NaN, random.returns), lit(Number.NaN, random.returns)))
  assert.ok(exprEquals(and(x, y), and(x, y)))
  assert.ok(!exprEquals(and(x, y), or(x, y)))
  assert.ok(!exprEquals(isNull(x), isNull(x, true)))
})
