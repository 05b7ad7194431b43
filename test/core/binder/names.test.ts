import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SqlState } from '../../../core/errors.ts'
import { assertBindError, find, fixture, projected } from './harness.ts'

const f = fixture()

test('SELECT aliases stand in for missing columns in WHERE, GROUP BY, HAVING and later items', () => {
  const w = find(f.plan('SELECT a % 2 AS k FROM t WHERE k <> 0').plan, 'filter')!
  assert.ok(w.predicate.kind === 'compare' && w.predicate.left.kind === 'call')
  const h = f.plan('SELECT b, sum(a) AS total FROM t GROUP BY b HAVING total < 20')
  assert.equal(find(h.plan, 'aggregate')!.aggregates.length, 1)
  const g = find(f.plan('SELECT a % 2 AS k, count(*) FROM t GROUP BY k HAVING k > 0').plan, 'aggregate')!
  assert.equal(g.groups.length, 1)
  const lateral = f.plan('SELECT a AS x, x + 1 AS y FROM t')
  assert.deepEqual(lateral.names, ['x', 'y'])
  // a column of the FROM clause wins over an alias; later aliases are not visible
  assertBindError(f, 'SELECT y + 1 AS x, a AS y FROM t', SqlState.undefinedColumn)
  assertBindError(f, 'SELECT x + 1 AS x FROM t', SqlState.undefinedColumn)
})

test('GROUP BY * groups by every non-aggregate item', () => {
  assert.equal(find(f.plan('SELECT b, d, count(*) FROM t GROUP BY *').plan, 'aggregate')!.groups.length, 2)
})

test('tables have a hidden rowid column', () => {
  const { plan, names } = f.plan('SELECT rowid, t.rowid FROM t')
  assert.deepEqual(names, ['rowid', 'rowid'])
  assert.equal(plan.output[0]!.type.id, 'BIGINT')
  assert.deepEqual(f.plan('SELECT * FROM t').names, ['a', 'b', 'c', 'd'])
  assert.deepEqual(f.plan('SELECT t.* FROM t').names, ['a', 'b', 'c', 'd'])
})

test('ORDER BY over a set operation may name any branch column', () => {
  const p = f.plan('SELECT a FROM t UNION SELECT e FROM u ORDER BY e')
  assert.equal(find(p.plan, 'sort')!.keys.length, 1)
  f.plan('SELECT a FROM t UNION SELECT e FROM u ORDER BY t.a, u.e')
  assertBindError(f, 'SELECT a FROM t UNION SELECT e FROM u ORDER BY zz', SqlState.undefinedColumn)
})

test('CTEs inside correlated subqueries may read the outer row', () => {
  const e = projected(f.plan('SELECT (WITH x AS (SELECT t.a + 1 AS y) SELECT y FROM x) FROM t').plan)[0]!
  assert.ok(e.kind === 'subquery' && e.correlated.length === 1)
})

test('comma joins are lateral when a later entry reads an earlier one', () => {
  const { plan } = f.plan('SELECT * FROM t, u JOIN LATERAL (SELECT t.a AS x) s ON u.a = s.x')
  const top = find(plan, 'join')!
  assert.equal(top.lateral, true)
})

test('a name used twice in FROM needs an alias, unless the schemas differ', () => {
  assertBindError(f, 'SELECT * FROM t, t', SqlState.duplicateObject)
  f.plan('SELECT * FROM t, t AS t2')
  f.plan('WITH t AS (SELECT 1 AS z) SELECT * FROM main.t, t')
})
