import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SqlState } from '../../../core/errors.ts'
import { assertBindError, find, fixture, projected, spine } from './harness.ts'

const f = fixture()

test('GROUP BY with aggregates builds project ← aggregate ← scan', () => {
  const { plan, names } = f.plan('SELECT b, count(*), sum(c), count(DISTINCT a) FILTER (WHERE a > 1) FROM t GROUP BY b')
  assert.deepEqual(spine(plan), ['project', 'aggregate', 'scan'])
  assert.deepEqual(names, ['b', 'count_star()', 'sum(c)', 'count(DISTINCT a) FILTER (WHERE (a > 1))'])
  const agg = find(plan, 'aggregate')!
  assert.equal(agg.groups.length, 1)
  assert.deepEqual(agg.aggregates.map(a => a.fn.name), ['count_star', 'sum', 'count'])
  assert.equal(agg.aggregates[0]!.args.length, 0)
  assert.equal(agg.aggregates[2]!.distinct, true)
  assert.ok(agg.aggregates[2]!.filter !== null)
  assert.equal(agg.groupingSets, null)
  assert.equal(agg.output.length, 4)
  // select expressions read the aggregate's outputs
  const ids = new Set(agg.output.map(c => c.id))
  for (const e of projected(plan)) assert.ok(e.kind === 'colref' && ids.has(e.id))
})

test('aggregates without GROUP BY, and repeated aggregates computed once', () => {
  const { plan } = f.plan('SELECT sum(a), sum(a) + 1 FROM t')
  const agg = find(plan, 'aggregate')!
  assert.equal(agg.groups.length, 0)
  assert.equal(agg.aggregates.length, 1)
})

test('GROUP BY expressions, aliases, ordinals and ALL', () => {
  const e = find(f.plan('SELECT a + 1, count(*) FROM t GROUP BY a + 1').plan, 'aggregate')!
  assert.equal(e.groups[0]!.kind, 'call')
  const alias = find(f.plan('SELECT a % 2 AS parity, count(*) FROM t GROUP BY parity').plan, 'aggregate')!
  assert.equal(alias.groups[0]!.kind, 'call')
  const ordinal = find(f.plan('SELECT b, count(*) FROM t GROUP BY 1').plan, 'aggregate')!
  assert.ok(ordinal.groups[0]!.kind === 'colref' && ordinal.groups[0]!.name === 'b')
  const all = find(f.plan('SELECT b, d, max(c) FROM t GROUP BY ALL').plan, 'aggregate')!
  assert.equal(all.groups.length, 2)
  assertBindError(f, 'SELECT b, count(*) FROM t GROUP BY 5', SqlState.invalidColumnReference)
})

test('ungrouped columns, nested aggregates and aggregates in WHERE are errors', () => {
  const e = assertBindError(f, 'SELECT a, c FROM t GROUP BY a', SqlState.groupingError, 10)
  assert.match(e.message, /column "c" must appear in the GROUP BY clause/)
  assertBindError(f, 'SELECT c, sum(a) FROM t', SqlState.groupingError, 7)
  assertBindError(f, 'SELECT sum(sum(a)) FROM t', SqlState.groupingError)
  assertBindError(f, 'SELECT a FROM t WHERE sum(a) > 1', SqlState.groupingError, 22)
  assertBindError(f, 'SELECT a FROM t GROUP BY sum(a)', SqlState.groupingError)
  assertBindError(f, 'SELECT sum(b) FROM t', SqlState.undefinedFunction)
})

test('HAVING filters after aggregation', () => {
  const { plan } = f.plan('SELECT b FROM t GROUP BY b HAVING count(*) > 1')
  assert.deepEqual(spine(plan), ['project', 'filter', 'aggregate', 'scan'])
  assert.equal(find(plan, 'aggregate')!.aggregates.length, 1)
  assertBindError(f, 'SELECT b FROM t GROUP BY b HAVING c > 1', SqlState.groupingError)
})

test('grouping sets, ROLLUP, CUBE and GROUPING()', () => {
  const r = find(f.plan('SELECT a, b, count(*) FROM t GROUP BY ROLLUP (a, b)').plan, 'aggregate')!
  assert.deepEqual(r.groupingSets, [[0, 1], [0], []])
  assert.ok(r.groupingIdColumn !== null)
  const c = find(f.plan('SELECT a, b FROM t GROUP BY CUBE (a, b)').plan, 'aggregate')!
  assert.equal(c.groupingSets!.length, 4)
  const s = find(f.plan('SELECT a, b FROM t GROUP BY GROUPING SETS ((a), (b), ())').plan, 'aggregate')!
  assert.deepEqual(s.groupingSets, [[0], [1], []])
  const g = f.plan('SELECT a, GROUPING(a, b) FROM t GROUP BY ROLLUP (a, b)')
  assert.equal(projected(g.plan)[1]!.type.id, 'BIGINT')
  assertBindError(f, 'SELECT GROUPING(c) FROM t GROUP BY ROLLUP (a)', SqlState.groupingError)
})

test('aggregate ORDER BY and WITHIN GROUP', () => {
  const agg = find(f.plan("SELECT string_agg(b, ',' ORDER BY a DESC) FROM t").plan, 'aggregate')!
  assert.equal(agg.aggregates[0]!.orderBy.length, 1)
  assert.equal(agg.aggregates[0]!.orderBy[0]!.descending, true)
})

test('window functions and aggregates over windows', () => {
  const { plan } = f.plan('SELECT a, sum(c) OVER (PARTITION BY b ORDER BY a), count(*) OVER () FROM t')
  assert.deepEqual(spine(plan), ['project', 'window', 'scan'])
  const w = find(plan, 'window')!
  assert.equal(w.windows.length, 2)
  const [sum, count] = w.windows
  assert.equal(sum!.fn.kind, 'aggregate')
  assert.deepEqual(sum!.frame, { units: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' }, exclude: 'no_others' })
  assert.equal(sum!.partitionBy.length, 1)
  assert.deepEqual(count!.frame.end, { kind: 'unbounded_following' })
  assert.equal(w.output.length, find(plan, 'scan')!.output.length + 2)
  const rows = find(f.plan('SELECT sum(a) OVER (ORDER BY a ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t').plan, 'window')!
  assert.equal(rows.windows[0]!.frame.units, 'rows')
  assert.equal(rows.windows[0]!.frame.start.kind, 'preceding')
  assertBindError(f, 'SELECT a FROM t WHERE sum(a) OVER () > 1', SqlState.windowingError)
})

test('window over aggregates, named windows and QUALIFY', () => {
  const { plan } = f.plan('SELECT b, sum(sum(c)) OVER (ORDER BY b) FROM t GROUP BY b')
  assert.deepEqual(spine(plan), ['project', 'window', 'aggregate', 'scan'])
  const named = find(f.plan('SELECT sum(a) OVER w FROM t WINDOW w AS (PARTITION BY b)').plan, 'window')!
  assert.equal(named.windows[0]!.partitionBy.length, 1)
  assertBindError(f, 'SELECT sum(a) OVER nope FROM t', SqlState.undefinedObject)
  const q = f.plan('SELECT a FROM t QUALIFY sum(a) OVER (PARTITION BY b) > 1')
  assert.deepEqual(spine(q.plan), ['project', 'filter', 'window', 'scan'])
})

test('CTEs inline, materialized and recursive', () => {
  const inline = f.plan('WITH x AS NOT MATERIALIZED (SELECT a FROM t) SELECT * FROM x, x AS y')
  assert.deepEqual(inline.names, ['a', 'a'])
  assert.equal(find(inline.plan, 'cte'), undefined)
  // PostgreSQL's default: read once is inlined, read twice is computed once
  assert.equal(find(f.plan('WITH x AS (SELECT a FROM t) SELECT * FROM x').plan, 'cte'), undefined)
  assert.equal(find(f.plan('WITH x AS (SELECT a FROM t) SELECT * FROM x, x AS y').plan, 'cte')?.references, 2)
  const mat = f.plan('WITH x AS MATERIALIZED (SELECT a FROM t) SELECT * FROM x JOIN x AS y USING (a)')
  const cte = find(mat.plan, 'cte')!
  assert.equal(cte.name, 'x')
  assert.ok(find(cte.body, 'cte_ref') !== undefined)
  const rec = f.plan('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r')
  const node = find(rec.plan, 'recursive_cte')!
  assert.equal(node.distinct, false)
  assert.equal(find(node.recursive, 'cte_ref')!.cteId, node.cteId)
  assert.deepEqual(rec.names, ['n'])
  // a CTE does not see itself without RECURSIVE: t inside refers to the table
  assert.ok(find(f.plan('WITH t AS (SELECT a FROM t) SELECT * FROM t').plan, 'scan') !== undefined)
  assertBindError(f, 'WITH x AS (SELECT 1), x AS (SELECT 2) SELECT * FROM x', SqlState.duplicateObject)
})

test('lateral subqueries in FROM are marked lateral', () => {
  const { plan } = f.plan('SELECT * FROM t, LATERAL (SELECT u.e FROM u WHERE u.a = t.a) s')
  assert.equal(find(plan, 'join')!.lateral, true)
  assert.equal(find(f.plan('SELECT * FROM t, (SELECT 1) s').plan, 'join')!.lateral, false)
})

test('HAVING prefers an alias over an ungrouped column; DISTINCT aggregates order by their arguments', () => {
  const { plan } = f.plan('SELECT b, sum(a) AS a FROM t GROUP BY b HAVING a > 0')
  assert.deepEqual(spine(plan), ['project', 'filter', 'aggregate', 'scan'])
  f.plan('SELECT string_agg(DISTINCT b, \',\' ORDER BY length(b)) FROM t')
  assertBindError(f, 'SELECT string_agg(DISTINCT b, \',\' ORDER BY a) FROM t', SqlState.invalidColumnReference)
  assertBindError(f, 'SELECT first(DISTINCT a ORDER BY random() * a) FROM t', SqlState.invalidColumnReference)
})
