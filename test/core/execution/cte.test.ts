import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { CteNode, CteRefNode, FilterNode, LogicalPlan, ProjectNode, RecursiveCteNode, SetOpNode } from '../../../core/plan/logical.ts'
import { INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import type { OutputColumn } from '../../../core/plan/expr.ts'
import { add, cmp, fnCtx, lit, out, ref, run, values } from './helpers.ts'

function cteRef(cteId: number, name: string, columns: OutputColumn[]): CteRefNode {
  return { kind: 'cte_ref', cteId, name, output: columns.map(c => out(c.name, c.type)) }
}

test('a CTE is materialised once and read by several references', () => {
  const def = values([INTEGER, VARCHAR], [[1, 'a'], [2, 'b']])
  const r1 = cteRef(1, 'x', [...def.output]), r2 = cteRef(1, 'x', [...def.output])
  const body: SetOpNode = { kind: 'set_op', op: 'union', all: true, left: r1, right: r2, output: r1.output.map(c => out(c.name, c.type)) }
  const plan: CteNode = { kind: 'cte', cteId: 1, name: 'x', definition: def, body, output: body.output, references: 2, perStatement: true }
  assert.deepEqual(run(plan), [[1, 'a'], [2, 'b'], [1, 'a'], [2, 'b']])
})

/** WITH RECURSIVE t(n) AS (SELECT 1 UNION [ALL] SELECT n + step FROM t WHERE n < limit) */
function counter(limit: number | null, distinct: boolean, step = 1, wrap?: number): RecursiveCteNode {
  const anchor = values([INTEGER], [[1]], ['n'])
  const r = cteRef(7, 't', [...anchor.output])
  const n = r.output[0]!
  const filtered: LogicalPlan = limit === null ? r : { kind: 'filter', input: r, predicate: cmp('<', ref(n), lit(limit, INTEGER)), output: r.output } satisfies FilterNode
  let next = add(ref(n), lit(step, INTEGER))
  if (wrap !== undefined) {
    // n + step, back to 1 after `wrap`: a cycle that only UNION stops
    next = { kind: 'case', whens: [{ when: cmp('>=', ref(n), lit(wrap, INTEGER)), then: lit(1, INTEGER) }], else: next, type: INTEGER }
  }
  const recursive: ProjectNode = { kind: 'project', input: filtered, exprs: [next], output: [out('n', INTEGER)] }
  return { kind: 'recursive_cte', cteId: 7, name: 't', anchor, recursive, distinct, output: [out('n', INTEGER)] }
}

test('recursive CTE iterates until the working table is empty', () => {
  const rows = run(counter(10, false))
  assert.deepEqual(rows.map(r => r[0]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  assert.equal(run(counter(5000, false)).length, 5000)
})

test('recursive UNION deduplicates against all rows seen, which ends cycles', () => {
  const rows = run(counter(null, true, 1, 4))
  assert.deepEqual(rows.map(r => r[0]), [1, 2, 3, 4])
})

test('runaway recursion stops with 54000', () => {
  assert.throws(() => run(counter(null, false), { fnCtx: fnCtx({ max_recursion_depth: 50 }) }),
    (e: GrizzlyError) => e.code === '54000' && /recursion depth of 50/.test(e.message))
})
