import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ROW_ID_COLUMN } from '../../../core/catalog/catalog.ts'
import { SqlState } from '../../../core/errors.ts'
import { assertBindError, find, fixture, spine, typeName } from './harness.ts'

test('INSERT VALUES casts to column types and fills DEFAULT', () => {
  const f = fixture()
  const { plan, names } = f.plan("INSERT INTO u (a, e) VALUES (1, DEFAULT), ('2', 3)")
  assert.deepEqual(names, ['Count'])
  assert.equal(plan.kind, 'insert')
  if (plan.kind !== 'insert') return
  assert.deepEqual(plan.columns, [0, 1])
  assert.equal(plan.output[0]!.type.id, 'BIGINT')
  const values = find(plan.input, 'values')!
  assert.deepEqual(values.output.map(c => typeName(c.type)), ['INTEGER', 'BIGINT'])
  assert.deepEqual(values.rows[0]![1], { kind: 'const', value: 7n, type: { id: 'BIGINT' } })
  assert.deepEqual(values.rows[1]![0], { kind: 'const', value: 2, type: { id: 'INTEGER' } })
})

test('INSERT … SELECT, column count and name errors', () => {
  const f = fixture()
  const ins = f.plan('INSERT INTO u SELECT a, a, c FROM t')
  assert.ok(ins.plan.kind === 'insert' && ins.plan.input.kind === 'project')
  assertBindError(f, 'INSERT INTO u VALUES (1, 2, 3, 4)', SqlState.syntaxError, undefined, /more expressions/)
  assertBindError(f, 'INSERT INTO u (a, e) SELECT a FROM t', SqlState.syntaxError, undefined, /fewer expressions/)
  assertBindError(f, 'INSERT INTO u (zz) VALUES (1)', SqlState.undefinedColumn)
  assertBindError(f, 'INSERT INTO u (a, a) VALUES (1, 1)', SqlState.duplicateColumn)
  assertBindError(f, 'INSERT INTO v VALUES (1, 2)', SqlState.wrongObjectType)
  assertBindError(f, 'INSERT INTO nope VALUES (1)', SqlState.undefinedTable)
  const dv = f.plan('INSERT INTO s DEFAULT VALUES')
  assert.ok(dv.plan.kind === 'insert' && dv.plan.columns.length === 0)
})

test('ON CONFLICT and INSERT OR REPLACE / IGNORE', () => {
  const f = fixture()
  const up = f.plan('INSERT INTO s VALUES (1, \'a\', 1) ON CONFLICT (id) DO UPDATE SET n = s.n + excluded.n WHERE excluded.n > 0')
  assert.ok(up.plan.kind === 'insert')
  if (up.plan.kind !== 'insert') return
  const oc = up.plan.onConflict!
  assert.deepEqual(oc.target, [0])
  assert.equal(oc.action, 'update')
  assert.deepEqual(oc.set.map(s => s.column), [2])
  assert.ok(oc.where !== null)
  assert.equal(oc.existingColumns.length, 3)
  const nothing = f.plan('INSERT INTO s VALUES (1, \'a\', 1) ON CONFLICT DO NOTHING')
  assert.ok(nothing.plan.kind === 'insert' && nothing.plan.onConflict!.action === 'nothing')
  const replace = f.plan('INSERT OR REPLACE INTO s VALUES (1, \'a\', 1)')
  assert.ok(replace.plan.kind === 'insert' && replace.plan.onConflict!.action === 'update' && replace.plan.onConflict!.set.length === 2)
  const ignore = f.plan('INSERT OR IGNORE INTO s VALUES (1, \'a\', 1)')
  assert.ok(ignore.plan.kind === 'insert' && ignore.plan.onConflict!.action === 'nothing')
  assertBindError(f, 'INSERT INTO s VALUES (1, \'a\', 1) ON CONFLICT (n) DO NOTHING', SqlState.invalidColumnReference)
  assertBindError(f, 'INSERT OR REPLACE INTO u VALUES (1, 2, 3)', SqlState.invalidColumnReference)
})

test('RETURNING yields the named columns', () => {
  const f = fixture()
  const r = f.plan('INSERT INTO s VALUES (1, \'a\', 1) RETURNING id, n * 2 AS twice')
  assert.deepEqual(r.names, ['id', 'twice'])
  assert.ok(r.plan.kind === 'insert' && r.plan.returning.length === 2 && r.plan.returningColumns.length === 3)
  assert.deepEqual(f.plan('DELETE FROM s RETURNING *').names, ['id', 'name', 'n'])
})

test('UPDATE scans the row id and binds SET values', () => {
  const f = fixture()
  const { plan } = f.plan("UPDATE t SET c = c + 1, b = DEFAULT WHERE a = 1")
  assert.equal(plan.kind, 'update')
  if (plan.kind !== 'update') return
  assert.deepEqual(spine(plan), ['update', 'filter', 'scan'])
  const scan = find(plan, 'scan')!
  assert.equal(scan.columns[scan.columns.length - 1], ROW_ID_COLUMN)
  assert.equal(plan.rowIdColumn, scan.output[scan.output.length - 1]!.id)
  assert.deepEqual(plan.columns, [2, 1])
  assert.deepEqual(plan.values[1], { kind: 'const', value: null, type: { id: 'VARCHAR' } })
  const from = f.plan('UPDATE t SET c = u.f FROM u WHERE t.a = u.a')
  assert.ok(find(from.plan, 'join') !== undefined)
  assertBindError(f, 'UPDATE t SET zz = 1', SqlState.undefinedColumn)
  assertBindError(f, 'UPDATE t SET c = 1, c = 2', SqlState.syntaxError)
  assertBindError(f, 'UPDATE v SET a = 1', SqlState.wrongObjectType)
})

test('DELETE with USING and WHERE', () => {
  const f = fixture()
  const { plan } = f.plan('DELETE FROM t USING u WHERE t.a = u.a')
  assert.equal(plan.kind, 'delete')
  assert.ok(find(plan, 'join') !== undefined)
  assertBindError(f, 'DELETE FROM t WHERE zz = 1', SqlState.undefinedColumn)
})

test('CREATE TABLE binds types, keys, defaults and checks', () => {
  const f = fixture([])
  f.run('CREATE TABLE k (id BIGINT, x DECIMAL(5, 2) DEFAULT 1.5, y VARCHAR[] CHECK (len(y) < 3), z STRUCT(p INT, q VARCHAR), PRIMARY KEY (id), UNIQUE (x))')
  const k = f.catalog.lookup(f.txn, null, 'k')
  assert.ok(k !== undefined && k.kind === 'table')
  if (k?.kind !== 'table') return
  assert.deepEqual(k.columns.map(c => typeName(c.type)), ['BIGINT', 'DECIMAL(5,2)', 'VARCHAR[]', 'STRUCT(p INTEGER, q VARCHAR)'])
  assert.equal(k.columns[0]!.notNull, true)
  assert.deepEqual(k.constraints.primaryKey, [0])
  assert.deepEqual(k.constraints.unique, [[1]])
  assert.equal(k.columns[1]!.defaultSql, '1.5')
  assert.deepEqual(k.columns[1]!.default, { kind: 'const', value: 150, type: { id: 'DECIMAL', width: 5, scale: 2 } })
  assert.equal(k.constraints.checks.length, 1)
  assert.match(k.constraints.checks[0]!.sql, /len\(y\)/)
  assertBindError(f, 'CREATE TABLE bad (a INT, a INT)', SqlState.duplicateColumn)
  assertBindError(f, 'CREATE TABLE bad (a NOSUCHTYPE)', SqlState.undefinedObject)
  assertBindError(f, 'CREATE TABLE bad (a INT DEFAULT b)', SqlState.featureNotSupported)
  assertBindError(f, 'CREATE TABLE bad (a INT PRIMARY KEY, b INT PRIMARY KEY)', SqlState.syntaxError)
  assertBindError(f, 'CREATE TABLE nope.bad (a INT)', SqlState.undefinedSchema)
  assertBindError(f, 'CREATE TABLE bad (a INT CHECK (zz > 1))', SqlState.undefinedColumn)
})

test('CREATE TABLE AS hands back a plan and a create step', () => {
  const f = fixture()
  const s = f.bind('CREATE TABLE c2 AS SELECT a, NULL AS n FROM t')
  assert.equal(s.kind, 'create_table_as')
  if (s.kind !== 'create_table_as') return
  assert.deepEqual(s.names, ['a', 'n'])
  const table = s.create()
  assert.ok(table !== undefined)
  assert.deepEqual(table!.columns.map(c => typeName(c.type)), ['INTEGER', 'INTEGER'])
})

test('CREATE VIEW checks the query and stores its text', () => {
  const f = fixture()
  f.run('CREATE VIEW w AS SELECT a + 1 AS x FROM t')
  const w = f.catalog.lookup(f.txn, null, 'w')
  assert.ok(w?.kind === 'view' && /SELECT a \+ 1/.test(w.sql))
  assert.deepEqual(f.plan('SELECT x FROM w').names, ['x'])
  assertBindError(f, 'CREATE VIEW bad AS SELECT zz FROM t', SqlState.undefinedColumn)
})

test('DROP, ALTER TABLE and CREATE SCHEMA run against the catalog', () => {
  const f = fixture()
  f.run('CREATE SCHEMA s2')
  f.run('CREATE TABLE s2.x (a INT)')
  assert.deepEqual(f.plan('SELECT * FROM s2.x').names, ['a'])
  f.run('ALTER TABLE s2.x ADD COLUMN b VARCHAR DEFAULT \'z\'')
  f.run('ALTER TABLE s2.x RENAME COLUMN a TO aa')
  assert.deepEqual(f.plan('SELECT * FROM s2.x').names, ['aa', 'b'])
  f.run('ALTER TABLE s2.x ALTER COLUMN aa TYPE BIGINT')
  assert.equal(f.plan('SELECT aa FROM s2.x').plan.output[0]!.type.id, 'BIGINT')
  assertBindError(f, 'ALTER TABLE s2.x DROP COLUMN nope', SqlState.undefinedColumn)
  f.run('DROP TABLE s2.x')
  assertBindError(f, 'SELECT * FROM s2.x', SqlState.undefinedTable)
  f.run('DROP TABLE IF EXISTS s2.x')
  f.run('CREATE INDEX i ON t (a, b)')
  assert.throws(() => f.run('CREATE INDEX i ON t (a)'), /already exists/)
  f.run('CREATE INDEX IF NOT EXISTS i ON t (a)')
  f.run('DROP INDEX i')
  assert.throws(() => f.run('DROP INDEX i'), /does not exist/)
  f.run('DROP INDEX IF EXISTS i')
  assertBindError(f, 'CREATE INDEX i ON t (zz)', SqlState.undefinedColumn)
  assertBindError(f, 'CREATE UNIQUE INDEX i ON t (a)', SqlState.featureNotSupported)
  assertBindError(f, 'CREATE INDEX i ON t USING nosuchmethod (a)', SqlState.undefinedObject)
  assertBindError(f, 'SELECT * FROM t ORDER BY zz', SqlState.undefinedColumn)
  assert.equal(find(f.plan('SELECT * FROM t ORDER BY * DESC').plan, 'sort')!.keys.length, 4)
  assert.equal(find(f.plan('SELECT a, b FROM t GROUP BY (a, b)').plan, 'aggregate')!.groups.length, 2)
  assertBindError(f, 'DROP SEQUENCE q', SqlState.featureNotSupported)
})

test('SET, RESET, SHOW, DESCRIBE, EXPLAIN, PRAGMA, transactions', () => {
  const f = fixture()
  assert.deepEqual(f.bind('SET integer_division = true'), { kind: 'set', name: 'integer_division', value: true })
  assert.deepEqual(f.bind("SET threads TO '4'"), { kind: 'set', name: 'threads', value: 4n })
  const e = assertBindError(f, 'SET integer_divison = true', SqlState.undefinedObject)
  assert.equal(e.hint, 'did you mean "integer_division"?')
  assertBindError(f, 'SET threads = -3', SqlState.invalidParameterValue)
  assert.deepEqual(f.bind('RESET ALL'), { kind: 'reset', name: null })
  assert.deepEqual(f.bind('BEGIN'), { kind: 'transaction', action: 'begin' })
  const show = f.plan('SHOW TABLES')
  const values = find(show.plan, 'values')!
  assert.deepEqual(values.rows.map(r => r[0]!.kind === 'const' ? r[0]!.value : null), ['s', 't', 'u', 'v'])
  const d = f.plan('DESCRIBE t')
  assert.deepEqual(d.names, ['column_name', 'column_type', 'null', 'key', 'default', 'extra'])
  const rows = find(d.plan, 'values')!.rows.map(r => r.map(x => (x.kind === 'const' ? x.value : undefined)))
  assert.deepEqual(rows[0], ['a', 'INTEGER', 'NO', 'PRI', null, null])
  const dq = f.plan('DESCRIBE SELECT 1 AS one')
  assert.equal(find(dq.plan, 'values')!.rows.length, 1)
  const x = f.bind('EXPLAIN SELECT 1')
  assert.ok(x.kind === 'explain' && !x.analyze && x.statement.kind === 'query')
  assert.equal(f.bind('SHOW integer_division').kind, 'query')
  assertBindError(f, 'SHOW nosuchsetting', SqlState.undefinedObject)
})
