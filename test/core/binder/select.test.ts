import { test } from 'node:test'
import assert from 'node:assert/strict'
import { SqlState } from '../../../core/errors.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import { BIGINT, INTEGER, DOUBLE } from '../../../core/types/types.ts'
import { assertBindError, find, fixture, projected, spine, typeName } from './harness.ts'

const f = fixture()

test('literals are typed as DuckDB types them', () => {
  const { plan, names } = f.plan("SELECT 1, 3000000000, 1.50, 1e3, 'x', NULL, 99999999999999999999, -2, TRUE")
  const types = plan.output.map(c => typeName(c.type))
  assert.deepEqual(types, ['INTEGER', 'BIGINT', 'DECIMAL(3,2)', 'DOUBLE', 'VARCHAR', 'NULL', 'HUGEINT', 'INTEGER', 'BOOLEAN'])
  assert.deepEqual(names, ['1', '3000000000', '1.50', '1e3', "'x'", 'NULL', '99999999999999999999', '-2', 'true'])
  const exprs = projected(plan)
  assert.deepEqual(exprs[2], { kind: 'const', value: 150, type: { id: 'DECIMAL', width: 3, scale: 2 } })
  assert.deepEqual(exprs[7], { kind: 'const', value: -2, type: INTEGER })
})

test('typed literals and casts of constants are folded', () => {
  const exprs = projected(f.plan("SELECT DATE '1970-01-02', CAST('12' AS BIGINT), INTERVAL 2 DAY").plan)
  assert.deepEqual(exprs[0], { kind: 'const', value: 1, type: { id: 'DATE' } })
  assert.deepEqual(exprs[1], { kind: 'const', value: 12n, type: BIGINT })
  assert.deepEqual(exprs[2], { kind: 'const', value: { months: 0, days: 2, micros: 0 }, type: { id: 'INTERVAL' } })
  assertBindError(f, "SELECT DATE 'nope'", SqlState.invalidDatetimeFormat, 7)
})

test('a simple SELECT is project ← filter ← scan with names and ids', () => {
  const { plan, names } = f.plan('SELECT a, b AS bee FROM t WHERE c > 1')
  assert.deepEqual(spine(plan), ['project', 'filter', 'scan'])
  assert.deepEqual(names, ['a', 'bee'])
  const scan = find(plan, 'scan')!
  assert.deepEqual(scan.columns, [0, 1, 2, 3, -1], 'with the rowid pseudo column')
  const filter = find(plan, 'filter')!
  assert.equal(filter.predicate.kind, 'compare')
  if (filter.predicate.kind === 'compare') {
    assert.equal(filter.predicate.left.kind, 'colref')
    assert.equal(typeName(filter.predicate.right.type), 'DOUBLE')
  }
  const ids = new Set([...plan.output.map(c => c.id), ...scan.output.map(c => c.id)])
  assert.equal(ids.size, plan.output.length + scan.output.length, 'column ids are unique')
})

test('comparisons cast both sides to their common type', () => {
  const pred = (sql: string): BoundExpr => find(f.plan(sql).plan, 'filter')!.predicate
  const p1 = pred('SELECT * FROM t WHERE a = 1.5')
  assert.ok(p1.kind === 'compare' && p1.left.kind === 'cast' && typeName(p1.left.type) === 'DECIMAL(11,1)')
  const p2 = pred("SELECT * FROM t WHERE a = '5'")
  assert.ok(p2.kind === 'compare')
  if (p2.kind === 'compare') assert.deepEqual(p2.right, { kind: 'const', value: 5, type: INTEGER })
  const p3 = pred("SELECT * FROM t WHERE d < '2024-01-01'")
  assert.ok(p3.kind === 'compare' && p3.right.kind === 'const' && p3.right.type.id === 'DATE')
  // equality casts the VARCHAR side (DuckDB); ordering a number against text needs an explicit cast
  assertBindError(f, 'SELECT * FROM t WHERE a < b', SqlState.undefinedFunction, 22, /cannot compare values of type INTEGER and type VARCHAR/)
})

test('operators resolve to functions by least implicit-cast cost', () => {
  const exprs = projected(f.plan('SELECT a + 1, a + c, -a, a / 2, b || b FROM t').plan)
  assert.ok(exprs[0]!.kind === 'call' && exprs[0]!.fn.name === '+' && exprs[0]!.type.id === 'INTEGER')
  assert.ok(exprs[1]!.kind === 'call' && exprs[1]!.type.id === 'DOUBLE' && exprs[1]!.args[0]!.kind === 'cast')
  assert.ok(exprs[2]!.kind === 'call' && exprs[2]!.fn.name === '-' && exprs[2]!.args.length === 1)
  assert.ok(exprs[3]!.kind === 'call' && exprs[3]!.fn.name === '/' && exprs[3]!.type.id === 'DOUBLE')
  assert.ok(exprs[4]!.kind === 'call' && exprs[4]!.type.id === 'VARCHAR')
  const g = fixture()
  g.settings.set('integer_division', true)
  const div = projected(g.plan('SELECT a / 2 FROM t').plan)[0]!
  assert.ok(div.kind === 'call' && div.fn.name === '//' && div.type.id === 'INTEGER')
})

test('unknown names give their SQLSTATE, position and a hint', () => {
  let e = assertBindError(f, 'SELECT * FROM tt', SqlState.undefinedTable, 14)
  assert.match(e.hint ?? '', /"t"|"u"|"v"|"s"/)
  e = assertBindError(f, 'SELECT bb FROM t', SqlState.undefinedColumn, 7)
  assert.equal(e.hint, 'did you mean "b"?')
  e = assertBindError(f, 'SELECT t.zz FROM t', SqlState.undefinedColumn, 7)
  assertBindError(f, 'SELECT a FROM t, u', SqlState.ambiguousColumn, 7)
  e = assertBindError(f, 'SELECT lenght(b) FROM t', SqlState.undefinedFunction, 7)
  assert.match(e.hint ?? '', /length/)
  e = assertBindError(f, 'SELECT length(a) FROM t', SqlState.undefinedFunction, 7)
  assert.match(e.hint ?? '', /candidates: length\(VARCHAR\)/)
  assertBindError(f, 'SELECT $2', SqlState.invalidParameter, 7)
  assertBindError(f, 'SELECT * FROM nosuchfn(1)', SqlState.undefinedFunction, 14)
  // an unknown extension is sniffed, so a missing file says so
  assertBindError(f, "SELECT * FROM 'data.unknownext'", SqlState.undefinedFile, 14, /does not exist/)
})

test('parameters take the caller-given types', () => {
  const s = f.bind('SELECT a FROM t WHERE a = $1 LIMIT $2', [BIGINT, INTEGER])
  assert.equal(s.kind, 'query')
  if (s.kind !== 'query') return
  const filter = find(s.plan, 'filter')!.predicate
  assert.ok(filter.kind === 'compare' && filter.right.kind === 'param' && filter.right.type.id === 'BIGINT')
  const limit = find(s.plan, 'limit')!
  assert.ok(limit.limit !== null && limit.limit.type.id === 'BIGINT')
})

test('BETWEEN, IN, LIKE, IS DISTINCT, IS TRUE and CASE', () => {
  const exprs = projected(f.plan(`SELECT a BETWEEN 1 AND 3, a NOT IN (1, 2.5), b LIKE 'x%', b NOT ILIKE 'y',
    a IS DISTINCT FROM 2, (a > 1) IS TRUE, CASE a WHEN 1 THEN 'one' ELSE b END, CASE WHEN a > 1 THEN 1 ELSE 2.5 END FROM t`).plan)
  assert.equal(exprs[0]!.kind, 'and')
  assert.ok(exprs[1]!.kind === 'in_list' && exprs[1]!.not && typeName(exprs[1]!.arg.type) === 'DECIMAL(11,1)')
  assert.ok(exprs[2]!.kind === 'call' && exprs[2]!.fn.name === 'like')
  assert.ok(exprs[3]!.kind === 'not' && exprs[3]!.arg.kind === 'call' && exprs[3]!.arg.fn.name === 'ilike')
  assert.ok(exprs[4]!.kind === 'compare' && exprs[4]!.op === 'distinct')
  assert.ok(exprs[5]!.kind === 'compare' && exprs[5]!.op === 'not_distinct')
  assert.ok(exprs[6]!.kind === 'case' && exprs[6]!.type.id === 'VARCHAR' && exprs[6]!.whens[0]!.when.kind === 'compare')
  assert.ok(exprs[7]!.kind === 'case' && typeName(exprs[7]!.type) === 'DECIMAL(11,1)')
  assertBindError(f, 'SELECT CASE WHEN a > 1 THEN 1 ELSE b END FROM t', SqlState.datatypeMismatch)
  assertBindError(f, 'SELECT * FROM t WHERE d', SqlState.datatypeMismatch, 22)
  assert.equal(find(f.plan('SELECT * FROM t WHERE a OR c > 1').plan, 'filter')!.predicate.kind, 'or')
})

test('SELECT without FROM reads one empty row', () => {
  const { plan } = f.plan('SELECT 1')
  assert.deepEqual(spine(plan), ['project', 'values'])
  const values = find(plan, 'values')!
  assert.deepEqual(values.rows, [[]])
})

test('star expansion with EXCLUDE, REPLACE and qualification', () => {
  assert.deepEqual(f.plan('SELECT * EXCLUDE (c, d) FROM t').names, ['a', 'b'])
  const r = f.plan('SELECT * REPLACE (a + 1 AS a) FROM t')
  assert.deepEqual(r.names, ['a', 'b', 'c', 'd'])
  assert.equal(projected(r.plan)[0]!.kind, 'call')
  assert.deepEqual(f.plan('SELECT u.*, t.a FROM t, u').names, ['a', 'e', 'f', 'a'])
  assertBindError(f, 'SELECT * EXCLUDE (zz) FROM t', SqlState.undefinedColumn)
  assertBindError(f, 'SELECT x.* FROM t', SqlState.undefinedTable)
})

test('joins: ON, USING with merged columns, NATURAL, FULL JOIN coalesces', () => {
  const on = f.plan('SELECT * FROM t JOIN u ON t.a = u.a')
  const j = find(on.plan, 'join')!
  assert.equal(j.joinType, 'inner')
  assert.equal(on.names.length, 7)
  const using = f.plan('SELECT * FROM t JOIN u USING (a)')
  assert.deepEqual(using.names, ['a', 'b', 'c', 'd', 'e', 'f'])
  assert.deepEqual(f.plan('SELECT * FROM t NATURAL JOIN u').names, ['a', 'b', 'c', 'd', 'e', 'f'])
  const full = f.plan('SELECT a FROM t FULL JOIN u USING (a)')
  assert.equal(find(full.plan, 'join')!.joinType, 'full')
  assert.equal(projected(full.plan)[0]!.kind, 'case')
  assert.equal(find(f.plan('SELECT * FROM t LEFT JOIN u ON t.a = u.a').plan, 'join')!.joinType, 'left')
  assert.deepEqual(f.plan('SELECT * FROM t SEMI JOIN u ON t.a = u.a').names, ['a', 'b', 'c', 'd'])
  assert.equal(find(f.plan('SELECT * FROM t, u').plan, 'join')!.joinType, 'cross')
  assertBindError(f, 'SELECT * FROM t JOIN u USING (zz)', SqlState.undefinedColumn)
})

test('views are bound from their stored query', () => {
  const { plan, names } = f.plan('SELECT * FROM v')
  assert.deepEqual(names, ['a', 'b'])
  assert.ok(find(plan, 'scan') !== undefined)
  assert.ok(find(plan, 'filter') !== undefined)
})

test('subqueries: scalar, EXISTS, IN, NOT IN, ANY/ALL, correlation', () => {
  const exprs = projected(f.plan(`SELECT (SELECT max(e) FROM u), EXISTS (SELECT 1 FROM u WHERE u.a = t.a),
    a IN (SELECT e FROM u), a NOT IN (SELECT a FROM u), a > ALL (SELECT a FROM u) FROM t`).plan)
  const [scalar, exists, inq, notin, all] = exprs
  assert.ok(scalar!.kind === 'subquery' && scalar!.subqueryKind === 'scalar' && scalar!.type.id === 'BIGINT' && scalar!.correlated.length === 0)
  assert.ok(exists!.kind === 'subquery' && exists!.subqueryKind === 'exists' && exists!.correlated.length === 1)
  assert.ok(inq!.kind === 'subquery' && inq!.subqueryKind === 'any' && inq!.op === '=' && inq!.left!.type.id === 'BIGINT')
  assert.ok(notin!.kind === 'not' && notin!.arg.kind === 'subquery')
  assert.ok(all!.kind === 'subquery' && all!.subqueryKind === 'all' && all!.op === '>')
  assertBindError(f, 'SELECT (SELECT a, e FROM u)', SqlState.syntaxError)
})

test('VALUES names columns col0, col1 and unifies types', () => {
  const { plan, names } = f.plan("VALUES (1, 'a'), (2.5, NULL)")
  assert.deepEqual(names, ['col0', 'col1'])
  assert.deepEqual(plan.output.map(c => typeName(c.type)), ['DECIMAL(11,1)', 'VARCHAR'])
  assertBindError(f, 'VALUES (1), (2, 3)', SqlState.syntaxError)
})

test('set operations unify types, check widths and sort over the result', () => {
  const { plan, names } = f.plan('SELECT a FROM t UNION ALL SELECT e FROM u ORDER BY 1 LIMIT 3')
  assert.deepEqual(names, ['a'])
  assert.deepEqual(spine(plan), ['limit', 'sort', 'set_op', 'project', 'project', 'scan'])
  assert.equal(plan.output[0]!.type.id, 'BIGINT')
  assertBindError(f, 'SELECT a, b FROM t UNION SELECT a FROM u', SqlState.syntaxError, undefined, /same number of columns/)
  const byName = f.plan('SELECT a, b FROM t UNION BY NAME SELECT e, a FROM u')
  assert.deepEqual(byName.names, ['a', 'b', 'e'])
  assert.equal(find(f.plan('SELECT a FROM t EXCEPT SELECT a FROM u').plan, 'set_op')!.op, 'except')
})

test('ORDER BY aliases, ordinals, hidden expressions, NULLS default', () => {
  const p = f.plan('SELECT a AS x FROM t ORDER BY x DESC, c + 1')
  assert.deepEqual(spine(p.plan), ['project', 'sort', 'project', 'scan'])
  const sort = find(p.plan, 'sort')!
  assert.equal(sort.keys.length, 2)
  assert.equal(sort.keys[0]!.descending, true)
  assert.equal(sort.keys[0]!.nullsFirst, false)
  assert.equal(p.plan.output.length, 1, 'the hidden sort column is projected away')
  const g = fixture()
  g.settings.set('default_null_order', 'nulls_first')
  assert.equal(find(g.plan('SELECT a FROM t ORDER BY a').plan, 'sort')!.keys[0]!.nullsFirst, true)
  assertBindError(f, 'SELECT a FROM t ORDER BY 3', SqlState.invalidColumnReference)
  // DuckDB: DISTINCT ordered by a hidden column is DISTINCT ON the shown columns
  const hiddenOrder = find(f.plan('SELECT DISTINCT a FROM t ORDER BY c').plan, 'distinct')!
  assert.equal(hiddenOrder.on?.length, 1)
  assert.equal(hiddenOrder.orderBy.length, 1)
  const all = find(f.plan('SELECT a, b FROM t ORDER BY ALL DESC').plan, 'sort')!
  assert.equal(all.keys.length, 2)
})

test('LIMIT and OFFSET take constants and reject negatives', () => {
  const limit = find(f.plan('SELECT a FROM t LIMIT 5 OFFSET 2').plan, 'limit')!
  assert.deepEqual(limit.limit, { kind: 'const', value: 5n, type: BIGINT })
  assert.deepEqual(limit.offset, { kind: 'const', value: 2n, type: BIGINT })
  assertBindError(f, 'SELECT a FROM t LIMIT -1', SqlState.invalidParameterValue, 22)
  assertBindError(f, 'SELECT a FROM t LIMIT a', SqlState.undefinedColumn)
})

test('DISTINCT and DISTINCT ON', () => {
  assert.equal(find(f.plan('SELECT DISTINCT a FROM t').plan, 'distinct')!.on, null)
  const on = find(f.plan('SELECT DISTINCT ON (b) a, b FROM t ORDER BY b, a').plan, 'distinct')!
  assert.equal(on.on!.length, 1)
  assert.equal(on.orderBy.length, 2)
})

test('table functions get their constant arguments', () => {
  const { plan, names } = f.plan('SELECT * FROM range(1, 10, 2) r(x)')
  assert.deepEqual(names, ['x'])
  const tf = find(plan, 'table_function')!
  assert.equal(tf.name, 'range')
  assertBindError(f, 'SELECT * FROM t, range(t.a)', SqlState.featureNotSupported)
  assertBindError(f, 'SELECT * FROM length(1)', SqlState.wrongObjectType)
})

test('DOUBLE arithmetic picks DOUBLE overloads', () => {
  const e = projected(f.plan('SELECT c * 2 FROM t').plan)[0]!
  assert.ok(e.kind === 'call' && e.type === DOUBLE || (e.kind === 'call' && e.type.id === 'DOUBLE'))
})

test('integer literals keep the other operand narrow, as DuckDB', () => {
  const g = fixture(['CREATE TABLE n (s SMALLINT, i TINYINT)'])
  const exprs = projected(g.plan('SELECT s + 1, i * 1000, 1 + 1 FROM n').plan)
  assert.equal(exprs[0]!.type.id, 'SMALLINT')
  assert.equal(exprs[1]!.type.id, 'INTEGER', 'widening a TINYINT prefers INTEGER, as DuckDB')
  assert.equal(exprs[2]!.type.id, 'INTEGER')
  const p = find(g.plan('SELECT * FROM n WHERE s = 5').plan, 'filter')!.predicate
  assert.ok(p.kind === 'compare' && p.right.kind === 'const' && p.right.type.id === 'SMALLINT')
})
