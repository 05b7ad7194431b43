/** The logical plan printer (core/plan/explain.ts), tested here beside the rules that shape its input. */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { explainLogical, renderExpr, renderValue } from '../../../core/plan/explain.ts'
import type { BoundExpr, SubqueryBoundExpr } from '../../../core/plan/expr.ts'
import type { TopNNode } from '../../../core/plan/logical.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, INTEGER, INTERVAL, TIMESTAMP, VARCHAR, decimal, list,
} from '../../../core/types/types.ts'
import { addInline, and, call, cmp, isNull, lit, not } from '../expression/helpers.ts'
import { aggregate, countCall, filter, join, project, ref, scan, table } from './plans.ts'

const t = table('t', [['a', INTEGER], ['b', INTEGER]])
const u = table('u', [['x', INTEGER]])

test('values render as SQL literals', () => {
  assert.equal(renderValue(null, INTEGER), 'NULL')
  assert.equal(renderValue("it's", VARCHAR), "'it''s'")
  assert.equal(renderValue(12345, decimal(10, 2)), '123.45')
  assert.equal(renderValue(-5, decimal(10, 2)), '-0.05')
  assert.equal(renderValue(10n ** 20n + 7n, decimal(30, 4)), '10000000000000000.0007')
  assert.equal(renderValue(19000, DATE), "DATE '2022-01-08'")
  assert.equal(renderValue(86_400_000_000 + 1_500_000, TIMESTAMP), "TIMESTAMP '1970-01-02 00:00:01.5'")
  assert.equal(renderValue(NaN, DOUBLE), "'nan'::DOUBLE")
  assert.equal(renderValue(true, BOOLEAN), 'true')
  assert.equal(renderValue(5n, BIGINT), '5')
  assert.equal(renderValue(new Uint8Array([1, 255]), BLOB), "'\\x01\\xFF'::BLOB")
  assert.equal(renderValue({ months: 1, days: 2, micros: 3 }, INTERVAL), "INTERVAL '1 months 2 days 3 microseconds'")
  assert.equal(renderValue([1, null], list(INTEGER)), '[1, NULL]')
})

test('expressions render with operators, CASE, IN, casts and NOT', () => {
  const s = scan(t)
  const e: BoundExpr = {
    kind: 'case', type: INTEGER,
    whens: [{ when: isNull(ref(s, 'a')), then: lit(0, INTEGER) }],
    else: call(addInline(INTEGER), ref(s, 'a'), { kind: 'cast', expr: ref(s, 'b'), type: INTEGER, try: true }),
  }
  assert.equal(renderExpr(e), 'CASE WHEN (a IS NULL) THEN 0 ELSE (a + TRY_CAST(b AS INTEGER)) END')
  assert.equal(renderExpr(not({ kind: 'in_list', arg: ref(s, 'a'), list: [lit(1, INTEGER), lit(2, INTEGER)], not: true, type: BOOLEAN })), '(NOT (a NOT IN (1, 2)))')
  assert.equal(renderExpr(cmp('distinct', ref(s, 'a'), ref(s, 'b'))), '(a IS DISTINCT FROM b)')
})

test('plans print one node per line, subqueries under the node that uses them', () => {
  const l = scan(t), r = scan(u)
  const sub: SubqueryBoundExpr = {
    kind: 'subquery', subqueryKind: 'exists', plan: filter(scan(u), cmp('=', ref(r, 'x'), ref(l, 'a'))),
    correlated: [ref(l, 'a')], left: null, op: null, type: BOOLEAN,
  }
  const j = join('inner', l, r, and(cmp('=', ref(l, 'a'), ref(r, 'x')), sub))
  const g = aggregate(j, [['b', ref(l, 'b')]], [countCall])
  const top: TopNNode = {
    kind: 'top_n', input: project(g, [['b', ref(g, 'b')], ['n', ref(g, 'agg0')]]),
    keys: [{ expr: ref(g, 'b'), descending: true, nullsFirst: true }], limit: lit(3n, BIGINT), offset: null, output: [],
  }
  assert.equal(explainLogical(top), [
    'TOP_N b DESC NULLS FIRST limit: 3',
    '  PROJECT b, agg0 AS n',
    '    AGGREGATE groups: b aggregates: count(*)',
    '      JOIN INNER ON ((a = x) AND EXISTS(SUBQUERY #1))',
    '        subquery #1 (exists):',
    '          FILTER (x = a)',
    '            SCAN main.u [x]',
    '        SCAN main.t [a, b]',
    '        SCAN main.u [x]',
  ].join('\n'))
})
