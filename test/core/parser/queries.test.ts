import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { JoinRef, QueryBody, SetOperation, TableRef } from '../../../core/parser/ast.ts'
import { one, px, query, select, strip } from './helpers.ts'
import { sexpr } from './helpers.ts'

function join(ref: TableRef | undefined): JoinRef {
  assert.ok(ref !== undefined && ref.kind === 'join', `expected a join, got ${ref?.kind}`)
  return ref
}

function setOp(body: QueryBody): SetOperation {
  assert.equal(body.kind, 'set_operation')
  return body as SetOperation
}

test('select list: aliases, AS optional, DISTINCT, DISTINCT ON, trailing comma', () => {
  const s = select('SELECT a, b AS "B", c d, 1 + 2 AS sum, x AS from FROM t')
  assert.deepEqual(s.items.map(i => i.alias), [null, 'B', 'd', 'sum', 'from'])
  assert.equal(s.distinct, false)
  assert.equal(select('SELECT DISTINCT a FROM t').distinct, true)
  assert.equal(select('SELECT ALL a FROM t').distinct, false)
  const on = select('SELECT DISTINCT ON (a, b) a, c FROM t').distinct
  assert.ok(Array.isArray(on) && on.length === 2)
  assert.equal(select('SELECT a, b, FROM t').items.length, 2)
  assert.equal(select('SELECT 1').from.length, 0)
  assert.equal(select('SELECT name, type, value, key FROM data').items.length, 4)
  assert.deepEqual(select('SELECT year year, month AS month FROM t').items.map(i => i.alias), ['year', 'month'])
  assert.equal(select('SELECT x: 1 + 1').items[0]!.alias, 'x')
})

test('FROM: tables, aliases, column aliases, subqueries, VALUES, functions, files', () => {
  const s = select('SELECT * FROM main.t AS x(a, b), u v, "W"')
  assert.equal(s.from.length, 3)
  assert.deepEqual(strip(s.from[0]), { kind: 'table_ref', name: ['main', 't'], alias: { name: 'x', columns: ['a', 'b'] } })
  assert.deepEqual(strip(s.from[1]), { kind: 'table_ref', name: ['u'], alias: { name: 'v', columns: null } })
  assert.deepEqual(strip(s.from[2]), { kind: 'table_ref', name: ['W'], alias: null })
  const sub = select('SELECT * FROM (SELECT 1) AS s(x)').from[0]!
  assert.equal(sub.kind, 'subquery_ref')
  const values = select('SELECT * FROM (VALUES (1, 2), (3, 4)) v(a, b)').from[0]!
  assert.ok(values.kind === 'subquery_ref' && values.query.body.kind === 'values' && values.query.body.rows.length === 2)
  const fn = select("SELECT * FROM read_csv('x.csv', delim = ';', header := true, skip => 1) AS r").from[0]!
  assert.ok(fn.kind === 'function_ref')
  assert.deepEqual(fn.args.map(a => a.kind), ['string', 'named_arg', 'named_arg', 'named_arg'])
  assert.deepEqual(fn.args.slice(1).map(a => a.kind === 'named_arg' ? a.name : ''), ['delim', 'header', 'skip'])
  assert.equal(fn.alias?.name, 'r')
  const range = select('SELECT * FROM range(10) t(i)').from[0]!
  assert.ok(range.kind === 'function_ref' && range.alias?.columns?.[0] === 'i')
  const ord = select('SELECT * FROM unnest([1, 2]) WITH ORDINALITY').from[0]!
  assert.ok(ord.kind === 'function_ref' && ord.ordinality)
  const file = select("SELECT * FROM 'data/sales.csv' s").from[0]!
  assert.deepEqual(strip(file), { kind: 'file_ref', path: 'data/sales.csv', alias: { name: 's', columns: null } })
  const prefix = select('SELECT * FROM b : a').from[0]!
  assert.ok(prefix.kind === 'table_ref' && prefix.alias?.name === 'b' && prefix.name[0] === 'a')
  assert.equal(select('SELECT * FROM glob(\'*.csv\')').from[0]!.kind, 'function_ref')
})

test('joins of every kind', () => {
  const inner = join(select('SELECT * FROM a JOIN b ON a.x = b.x').from[0])
  assert.equal(inner.type, 'inner')
  assert.equal(inner.on?.kind, 'binary')
  assert.equal(join(select('SELECT * FROM a INNER JOIN b USING (x, y)').from[0]).using?.length, 2)
  assert.equal(join(select('SELECT * FROM a LEFT JOIN b ON true').from[0]).type, 'left')
  assert.equal(join(select('SELECT * FROM a LEFT OUTER JOIN b ON true').from[0]).type, 'left')
  assert.equal(join(select('SELECT * FROM a RIGHT JOIN b ON true').from[0]).type, 'right')
  assert.equal(join(select('SELECT * FROM a FULL OUTER JOIN b ON true').from[0]).type, 'full')
  const cross = join(select('SELECT * FROM a CROSS JOIN b').from[0])
  assert.equal(cross.type, 'cross')
  assert.equal(cross.on, null)
  const natural = join(select('SELECT * FROM a NATURAL JOIN b').from[0])
  assert.ok(natural.natural && natural.type === 'inner')
  const naturalLeft = join(select('SELECT * FROM a NATURAL LEFT JOIN b').from[0])
  assert.ok(naturalLeft.natural && naturalLeft.type === 'left')
  assert.equal(join(select('SELECT * FROM a SEMI JOIN b ON a.x = b.x').from[0]).type, 'semi')
  assert.equal(join(select('SELECT * FROM a ANTI JOIN b USING (x)').from[0]).type, 'anti')
  assert.equal(join(select('SELECT * FROM a POSITIONAL JOIN b').from[0]).type, 'positional')
  const asof = join(select('SELECT * FROM a ASOF JOIN b ON a.t >= b.t').from[0])
  assert.ok(asof.type === 'asof' && !asof.asofOuter)
  const asofLeft = join(select('SELECT * FROM a ASOF LEFT JOIN b ON a.t >= b.t').from[0])
  assert.ok(asofLeft.type === 'asof' && asofLeft.asofOuter)
  const lateral = join(select('SELECT * FROM a, LATERAL (SELECT a.x) s').from[0] && select('SELECT * FROM a JOIN LATERAL (SELECT a.x) s ON true').from[0])
  assert.ok(lateral.right.kind === 'subquery_ref' && lateral.right.lateral)
  const latFn = select('SELECT * FROM a, LATERAL unnest(a.l) u').from[1]!
  assert.ok(latFn.kind === 'function_ref' && latFn.lateral)
  // left-deep chains
  const chain = join(select('SELECT * FROM a JOIN b ON x JOIN c ON y').from[0])
  assert.equal(chain.right.kind, 'table_ref')
  assert.equal(chain.left.kind, 'join')
  // right-nested: a LEFT JOIN b JOIN c ON p ON q
  const nested = join(select('SELECT * FROM a LEFT JOIN b JOIN c ON p ON q').from[0])
  assert.equal(nested.type, 'left')
  assert.equal(nested.right.kind, 'join')
  const paren = join(select('SELECT * FROM (a JOIN b ON p) JOIN c ON q').from[0])
  assert.equal(paren.left.kind, 'join')
  const aliased = select('SELECT * FROM ((SELECT 1 AS x) s JOIN t ON s.x = t.x) j').from[0]!
  assert.ok(aliased.kind === 'subquery_ref' && aliased.alias?.name === 'j')
  assert.equal(select('SELECT * FROM a, b, c').from.length, 3)
})

test('WHERE, GROUP BY forms, HAVING, WINDOW, QUALIFY', () => {
  const s = select('SELECT a, sum(b) FROM t WHERE c > 0 GROUP BY a HAVING sum(b) > 1 WINDOW w AS (PARTITION BY a), w2 AS (w ORDER BY b) QUALIFY row_number() OVER w = 1')
  assert.equal(s.where?.kind, 'binary')
  assert.ok(s.groupBy?.kind === 'group_list' && s.groupBy.items.length === 1)
  assert.equal(s.having?.kind, 'binary')
  assert.deepEqual(s.windows.map(w => w.name), ['w', 'w2'])
  assert.equal(s.windows[1]!.spec.base, 'w')
  assert.equal(s.qualify?.kind, 'binary')
  assert.equal(select('SELECT a FROM t GROUP BY ALL').groupBy?.kind, 'group_all')
  const sets = select('SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (a), ())').groupBy
  assert.ok(sets?.kind === 'group_list')
  const gs = sets.items[0]!
  assert.ok(gs.kind === 'grouping_sets')
  assert.deepEqual(gs.sets.map(x => x.kind), ['group_expr', 'group_expr', 'group_empty'])
  const first = gs.sets[0]!
  assert.ok(first.kind === 'group_expr' && first.expr.kind === 'row' && first.expr.items.length === 2)
  const rollup = select('SELECT 1 FROM t GROUP BY ROLLUP (a, (b, c))').groupBy
  assert.ok(rollup?.kind === 'group_list' && rollup.items[0]!.kind === 'rollup')
  if (rollup.items[0]!.kind === 'rollup') assert.deepEqual(rollup.items[0]!.items.map(g => g.length), [1, 2])
  const cube = select('SELECT 1 FROM t GROUP BY a, CUBE (b, c)').groupBy
  assert.ok(cube?.kind === 'group_list' && cube.items[1]!.kind === 'cube')
  const empty = select('SELECT count(*) FROM t GROUP BY ()').groupBy
  assert.ok(empty?.kind === 'group_list' && empty.items[0]!.kind === 'group_empty')
  // rollup and cube are ordinary names elsewhere
  assert.ok(select('SELECT rollup, cube FROM t GROUP BY rollup').groupBy?.kind === 'group_list')
})

test('ORDER BY, LIMIT, OFFSET, FETCH', () => {
  const q = query('SELECT a FROM t ORDER BY a DESC NULLS FIRST, b ASC, c NULLS LAST LIMIT 10 OFFSET 5')
  // no ASC/DESC written is null: the default_order setting decides when binding
  assert.deepEqual(q.orderBy.map(o => [o.descending, o.nulls]), [[true, 'first'], [false, null], [null, 'last']])
  assert.equal(q.limit?.kind, 'number')
  assert.equal(q.offset?.kind, 'number')
  const swapped = query('SELECT a FROM t OFFSET 2 LIMIT 3')
  assert.ok(swapped.limit !== null && swapped.offset !== null)
  assert.equal(query('SELECT a FROM t LIMIT ALL').limit, null)
  const pct = query('SELECT a FROM t LIMIT 10%')
  assert.ok(pct.limitPercent && pct.limit?.kind === 'number')
  assert.equal(query('SELECT a FROM t LIMIT 10 PERCENT').limitPercent, true)
  assert.equal(query('SELECT a FROM t LIMIT 10 % 3').limitPercent, false)
  const fetch = query('SELECT a FROM t ORDER BY a FETCH FIRST 5 ROWS ONLY')
  assert.ok(fetch.limit?.kind === 'number' && fetch.limit.text === '5')
  assert.equal(query('SELECT a FROM t OFFSET 1 ROW FETCH NEXT ROW ONLY').limit?.kind, 'number')
  const all = query('SELECT a, b FROM t ORDER BY ALL DESC')
  assert.deepEqual(all.orderByAll, { descending: true, nulls: null })
  assert.equal(query('SELECT a FROM t ORDER BY ALL').orderByAll?.descending, null)
  assert.equal(query('SELECT a FROM t ORDER BY ALL ASC').orderByAll?.descending, false)
  assert.equal(query('SELECT a FROM t LIMIT $1 OFFSET ?').offset?.kind, 'parameter')
})

test('WITH: recursive, column lists, materialization', () => {
  const q = query('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r), s AS MATERIALIZED (SELECT 2), u AS NOT MATERIALIZED (SELECT 3) SELECT * FROM r')
  assert.ok(q.with !== null && q.with.recursive)
  assert.deepEqual(q.with.ctes.map(c => [c.name, c.columns, c.materialized]), [['r', ['n'], null], ['s', null, true], ['u', null, false]])
  assert.equal(query('WITH x AS (SELECT 1) SELECT * FROM x').with?.recursive, false)
})

test('set operations: precedence, ALL/DISTINCT, BY NAME, parentheses', () => {
  const u = setOp(query('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3').body)
  assert.equal(u.op, 'union')
  assert.equal(setOp(u.right).op, 'intersect')
  const left = setOp(query('SELECT 1 INTERSECT SELECT 2 UNION ALL SELECT 3').body)
  assert.equal(left.op, 'union')
  assert.equal(left.all, true)
  assert.equal(setOp(left.left).op, 'intersect')
  const ex = setOp(query('SELECT 1 EXCEPT SELECT 2 EXCEPT SELECT 3').body)
  assert.equal(setOp(ex.left).op, 'except')
  const byName = setOp(query('SELECT 1 AS a UNION ALL BY NAME SELECT 2 AS a').body)
  assert.ok(byName.all && byName.byName)
  assert.equal(setOp(query('SELECT 1 UNION DISTINCT SELECT 2').body).all, false)
  const paren = setOp(query('SELECT 1 UNION (SELECT 2 UNION SELECT 3)').body)
  assert.equal(setOp(paren.right).op, 'union')
  const ordered = query('(SELECT 1 ORDER BY 1 LIMIT 1) UNION ALL (SELECT 2) ORDER BY 1')
  const op = setOp(ordered.body)
  assert.equal(op.left.kind, 'query')
  assert.equal(op.right.kind, 'select')
  assert.equal(ordered.orderBy.length, 1)
  assert.equal(query('((SELECT 1))').body.kind, 'select')
})

test('VALUES, TABLE and FROM-first queries', () => {
  const v = query('VALUES (1, \'a\'), (2, \'b\')')
  assert.ok(v.body.kind === 'values' && v.body.rows.length === 2 && v.body.rows[0]!.length === 2)
  const t = select('TABLE t')
  assert.ok(t.from[0]?.kind === 'table_ref' && t.items[0]!.expr.kind === 'star')
  const f = select('FROM t')
  assert.equal(f.items[0]!.expr.kind, 'star')
  const fs = select('FROM t SELECT a, b WHERE a > 1')
  assert.equal(fs.items.length, 2)
  assert.equal(fs.where?.kind, 'binary')
  assert.equal(select('FROM t WHERE a > 1').where?.kind, 'binary')
  const vs = query('VALUES (1), (2),')
  assert.ok(vs.body.kind === 'values' && vs.body.rows.length === 2)
})

test('precedence inside full statements', () => {
  const s = select('SELECT a FROM t WHERE NOT a = 1 OR b IS NOT NULL AND c IN (1, 2)')
  assert.equal(sexpr(s.where!), '(or (not (= a 1)) (and (is not null b) (in c 1 2)))')
  assert.equal(px('a IS NOT DISTINCT FROM b AND c'), '(and (is not distinct a b) c)')
})

test('statement positions', () => {
  const s = one('  SELECT a FROM t')
  assert.equal(s.pos, 2)
  const q = select('SELECT a,\n  b FROM t WHERE x')
  assert.equal(q.items[1]!.pos, 12)
  assert.equal(q.from[0]!.pos, 19)
  assert.equal(q.where!.pos, 27)
})
