import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../../../core/parser/index.ts'
import type { Statement } from '../../../core/parser/ast.ts'
import { fails, one, strip } from './helpers.ts'

function stmt<K extends Statement['kind']>(sql: string, kind: K): Extract<Statement, { kind: K }> {
  const s = one(sql)
  assert.equal(s.kind, kind, `kind of ${sql}`)
  return s as Extract<Statement, { kind: K }>
}

test('CREATE TABLE with types and constraints', () => {
  const s = stmt(`CREATE TABLE IF NOT EXISTS main.t (
    id INTEGER PRIMARY KEY,
    name VARCHAR(20) NOT NULL UNIQUE,
    price DECIMAL(10, 2) DEFAULT 0 CHECK (price >= 0),
    tags VARCHAR[],
    emb FLOAT[3],
    s STRUCT(a INT, "B" VARCHAR),
    m MAP(VARCHAR, INT),
    d DOUBLE PRECISION,
    ts TIMESTAMP WITH TIME ZONE,
    c CHARACTER VARYING(5) COLLATE nocase NULL,
    grid INT[][],
    owner INT REFERENCES users(id) ON DELETE RESTRICT,
    CONSTRAINT pk2 UNIQUE (name, price),
    CHECK (price < 1000),
    FOREIGN KEY (owner) REFERENCES users (id)
  )`, 'create_table')
  assert.deepEqual(s.name, ['main', 't'])
  assert.ok(s.ifNotExists && !s.orReplace && !s.temporary && s.as === null)
  const cols = Object.fromEntries(s.columns.map(c => [c.name, c]))
  assert.equal(s.columns.length, 12)
  assert.ok(cols.id!.primaryKey)
  assert.ok(cols.name!.notNull && cols.name!.unique)
  assert.deepEqual(strip(cols.name!.type), { name: 'VARCHAR', params: [20], fields: [], arrayDims: [] })
  assert.deepEqual(cols.price!.type?.params, [10, 2])
  assert.equal(cols.price!.default?.kind, 'number')
  assert.equal(cols.price!.check?.kind, 'binary')
  assert.deepEqual(cols.tags!.type?.arrayDims, [null])
  assert.deepEqual(cols.emb!.type?.arrayDims, [3])
  assert.deepEqual(cols.s!.type?.fields.map(f => [f.name, f.type.name]), [['a', 'INT'], ['B', 'VARCHAR']])
  assert.equal(cols.s!.type?.name, 'STRUCT')
  assert.deepEqual(cols.m!.type?.fields.map(f => [f.name, f.type.name]), [['', 'VARCHAR'], ['', 'INT']])
  assert.equal(cols.d!.type?.name, 'DOUBLE')
  assert.equal(cols.ts!.type?.name, 'TIMESTAMPTZ')
  assert.equal(cols.c!.type?.name, 'VARCHAR')
  assert.equal(cols.c!.notNull, false)
  assert.deepEqual(cols.grid!.type?.arrayDims, [null, null])
  assert.deepEqual(s.constraints.map(c => c.kind), ['foreign_key', 'unique', 'check', 'foreign_key'])
  const fk = s.constraints[0]!
  assert.ok(fk.kind === 'foreign_key')
  assert.deepEqual([fk.columns, fk.refTable, fk.refColumns], [['owner'], ['users'], ['id']])
})

test('CREATE TABLE variants', () => {
  const r = stmt('CREATE OR REPLACE TEMP TABLE t (a INT, PRIMARY KEY (a))', 'create_table')
  assert.ok(r.orReplace && r.temporary)
  assert.deepEqual(r.constraints.map(c => c.kind), ['primary_key'])
  assert.ok(stmt('CREATE TEMPORARY TABLE t (a INT)', 'create_table').temporary)
  const as = stmt('CREATE TABLE t AS SELECT 1 AS a', 'create_table')
  assert.ok(as.as !== null && as.columns.length === 0)
  const names = stmt('CREATE TABLE t (x, y) AS SELECT 1, 2', 'create_table')
  assert.deepEqual(names.columns.map(c => [c.name, c.type]), [['x', null], ['y', null]])
  assert.equal(stmt('CREATE TABLE t AS FROM x', 'create_table').as?.body.kind, 'select')
  const keywordsAsNames = stmt('CREATE TABLE data (name TEXT, type TEXT, value INT, key INT, year INT, date DATE, time TIME, timestamp TIMESTAMP, first INT, last INT, position INT, filter INT)', 'create_table')
  assert.equal(keywordsAsNames.columns.length, 12)
  assert.equal(stmt('CREATE TABLE t (a INT, b INT,)', 'create_table').columns.length, 2)
})

test('CREATE VIEW / SCHEMA / INDEX / SEQUENCE', () => {
  const v = stmt('CREATE OR REPLACE VIEW v (a, b) AS SELECT 1, 2', 'create_view')
  assert.ok(v.orReplace && !v.ifNotExists)
  assert.deepEqual(v.columns, ['a', 'b'])
  assert.ok(stmt('CREATE VIEW IF NOT EXISTS v AS SELECT 1', 'create_view').ifNotExists)
  assert.ok(stmt('CREATE TEMP VIEW v AS SELECT 1', 'create_view').temporary)
  const sc = stmt('CREATE SCHEMA IF NOT EXISTS s', 'create_schema')
  assert.deepEqual([sc.name, sc.ifNotExists], ['s', true])
  const idx = stmt('CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING HNSW (emb, lower(name)) WITH (metric = \'cosine\', m = 16)', 'create_index')
  assert.ok(idx.unique && idx.ifNotExists)
  assert.equal(idx.name, 'i')
  assert.equal(idx.using, 'hnsw')
  assert.equal(idx.columns.length, 2)
  assert.deepEqual(idx.options.map(o => o.name), ['metric', 'm'])
  const anon = stmt('CREATE INDEX ON t (a DESC)', 'create_index')
  assert.ok(anon.name === null && !anon.unique && anon.using === null)
  const seq = stmt('CREATE OR REPLACE SEQUENCE IF NOT EXISTS s START WITH 10 INCREMENT BY -2 MINVALUE 1 MAXVALUE 100 CYCLE', 'create_sequence')
  assert.deepEqual(seq.options.map(o => o.name), ['start', 'increment', 'minvalue', 'maxvalue', 'cycle'])
  assert.ok(seq.orReplace && seq.ifNotExists)
  const inc = seq.options[1]!.value
  assert.ok(inc?.kind === 'number' && inc.text === '-2')
  assert.deepEqual(stmt('CREATE SEQUENCE s START 5 INCREMENT 1', 'create_sequence').options.map(o => o.name), ['start', 'increment'])
})

test('DROP', () => {
  const d = stmt('DROP TABLE IF EXISTS a, s.b CASCADE', 'drop')
  assert.deepEqual([d.objectType, d.names, d.ifExists, d.cascade], ['table', [['a'], ['s', 'b']], true, true])
  for (const type of ['view', 'schema', 'index', 'sequence', 'function', 'macro'] as const) {
    assert.equal(stmt(`DROP ${type} x RESTRICT`, 'drop').objectType, type)
  }
  assert.equal(stmt('DROP MACRO TABLE m', 'drop').objectType, 'macro')
  fails('DROP TRIGGER x', '0A000', 5)
  fails('DROP WIDGET x', '42601', 5)
})

test('ALTER TABLE', () => {
  const add = stmt('ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c INT DEFAULT 1 NOT NULL', 'alter_table')
  assert.ok(add.ifExists && add.action.kind === 'add_column' && add.action.ifNotExists && add.action.column.notNull)
  assert.equal(stmt('ALTER TABLE t ADD c VARCHAR', 'alter_table').action.kind, 'add_column')
  const drop = stmt('ALTER TABLE t DROP COLUMN IF EXISTS c CASCADE', 'alter_table').action
  assert.ok(drop.kind === 'drop_column' && drop.ifExists && drop.cascade)
  assert.equal(stmt('ALTER TABLE t DROP c', 'alter_table').action.kind, 'drop_column')
  assert.deepEqual(strip(stmt('ALTER TABLE t RENAME COLUMN a TO b', 'alter_table').action), { kind: 'rename_column', from: 'a', to: 'b' })
  assert.deepEqual(strip(stmt('ALTER TABLE t RENAME a TO b', 'alter_table').action), { kind: 'rename_column', from: 'a', to: 'b' })
  assert.deepEqual(strip(stmt('ALTER TABLE t RENAME TO t2', 'alter_table').action), { kind: 'rename_table', to: 't2' })
  const type = stmt('ALTER TABLE t ALTER COLUMN c SET DATA TYPE BIGINT USING c * 2', 'alter_table').action
  assert.ok(type.kind === 'alter_column_type' && type.type.name === 'BIGINT' && type.using?.kind === 'binary')
  assert.equal(stmt('ALTER TABLE t ALTER c TYPE VARCHAR', 'alter_table').action.kind, 'alter_column_type')
  const def = stmt('ALTER TABLE t ALTER c SET DEFAULT 42', 'alter_table').action
  assert.ok(def.kind === 'set_default' && def.default !== null)
  const nodef = stmt('ALTER TABLE t ALTER COLUMN c DROP DEFAULT', 'alter_table').action
  assert.ok(nodef.kind === 'set_default' && nodef.default === null)
  const nn = stmt('ALTER TABLE t ALTER c SET NOT NULL', 'alter_table').action
  assert.ok(nn.kind === 'set_not_null' && nn.notNull)
  const dn = stmt('ALTER TABLE t ALTER c DROP NOT NULL', 'alter_table').action
  assert.ok(dn.kind === 'set_not_null' && !dn.notNull)
  fails('ALTER TABLE t FROB c', '42601', 14)
})

test('INSERT', () => {
  const i = stmt("INSERT INTO s.t (a, b) VALUES (1, 'x'), (2, DEFAULT)", 'insert')
  assert.deepEqual([i.table, i.columns, i.orAction, i.byName], [['s', 't'], ['a', 'b'], null, false])
  assert.ok(i.source !== 'default_values' && i.source.body.kind === 'values')
  if (i.source.body.kind === 'values') assert.equal(i.source.body.rows[1]![1]!.kind, 'default')
  assert.equal(stmt('INSERT INTO t DEFAULT VALUES', 'insert').source, 'default_values')
  const sel = stmt('INSERT INTO t SELECT * FROM u', 'insert')
  assert.ok(sel.source !== 'default_values' && sel.source.body.kind === 'select' && sel.columns === null)
  assert.ok(stmt('INSERT INTO t (SELECT 1)', 'insert').columns === null)
  assert.equal(stmt('INSERT OR REPLACE INTO t VALUES (1)', 'insert').orAction, 'replace')
  assert.equal(stmt('INSERT OR IGNORE INTO t VALUES (1)', 'insert').orAction, 'ignore')
  assert.equal(stmt('REPLACE INTO t VALUES (1)', 'insert').orAction, 'replace')
  assert.ok(stmt('INSERT INTO t BY NAME SELECT 1 AS a', 'insert').byName)
  assert.ok(!stmt('INSERT INTO t BY POSITION SELECT 1 AS a', 'insert').byName)
  assert.equal(stmt('INSERT INTO t AS x VALUES (1)', 'insert').alias, 'x')
  const up = stmt('INSERT INTO t VALUES (1, 2) ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b, c = DEFAULT WHERE t.b < 3 RETURNING *, a AS k', 'insert')
  assert.ok(up.onConflict !== null && up.onConflict.action.kind === 'update')
  assert.deepEqual(up.onConflict.target, ['a'])
  if (up.onConflict.action.kind === 'update') {
    assert.deepEqual(up.onConflict.action.set.map(s => s.column), ['b', 'c'])
    assert.deepEqual(strip(up.onConflict.action.set[0]!.value), { kind: 'column', parts: ['excluded', 'b'] })
    assert.equal(up.onConflict.action.set[1]!.value.kind, 'default')
    assert.equal(up.onConflict.action.where?.kind, 'binary')
  }
  assert.deepEqual(up.returning.map(r => r.alias), [null, 'k'])
  const nothing = stmt('INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING', 'insert')
  assert.ok(nothing.onConflict?.target === null && nothing.onConflict.action.kind === 'nothing')
  const w = stmt('WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'insert')
  assert.equal(w.with?.ctes.length, 1)
})

test('UPDATE and DELETE', () => {
  const u = stmt('UPDATE t AS x SET a = a + 1, b = DEFAULT FROM u WHERE x.id = u.id RETURNING a', 'update')
  assert.deepEqual([u.table, u.alias, u.set.map(s => s.column)], [['t'], 'x', ['a', 'b']])
  assert.equal(u.set[1]!.value.kind, 'default')
  assert.equal(u.from?.kind, 'table_ref')
  assert.equal(u.returning.length, 1)
  assert.equal(stmt('UPDATE t y SET a = 1', 'update').alias, 'y')
  assert.equal(stmt('UPDATE t SET a = 1', 'update').alias, null)
  const multi = stmt('UPDATE t SET (a, b) = (1, 2)', 'update')
  assert.deepEqual(multi.set.map(s => s.column), ['a', 'b'])
  assert.equal(stmt('UPDATE t SET a = 1 FROM u, v', 'update').from?.kind, 'join')
  const d = stmt('DELETE FROM t AS x USING u WHERE x.id = u.id RETURNING *', 'delete')
  assert.deepEqual([d.table, d.alias, d.using?.kind, d.where?.kind, d.returning.length], [['t'], 'x', 'table_ref', 'binary', 1])
  assert.equal(stmt('DELETE FROM t', 'delete').where, null)
  assert.ok(stmt('WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)', 'delete').with !== null)
  assert.ok(stmt('WITH x AS (SELECT 1) UPDATE t SET a = 2', 'update').with !== null)
})

test('transactions, EXPLAIN, SET/RESET, SHOW, DESCRIBE, PRAGMA, CALL', () => {
  const cases: [string, string][] = [
    ['BEGIN', 'begin'], ['BEGIN TRANSACTION', 'begin'], ['START TRANSACTION', 'begin'], ['COMMIT', 'commit'],
    ['END', 'commit'], ['END TRANSACTION', 'commit'], ['ROLLBACK', 'rollback'], ['ABORT', 'rollback'], ['commit transaction', 'commit'],
  ]
  for (const [sql, action] of cases) assert.equal(stmt(sql, 'transaction').action, action, sql)
  const e = stmt('EXPLAIN SELECT 1', 'explain')
  assert.ok(!e.analyze && e.statement.kind === 'query_statement')
  assert.ok(stmt('EXPLAIN ANALYZE SELECT 1', 'explain').analyze)
  assert.equal(stmt('EXPLAIN INSERT INTO t VALUES (1)', 'explain').statement.kind, 'insert')
  const s1 = stmt("SET memory_limit = '1GB'", 'set')
  assert.deepEqual(strip(s1), { kind: 'set', name: 'memory_limit', scope: 'session', value: { kind: 'string', value: '1GB' } })
  const s2 = stmt('SET GLOBAL threads TO 4', 'set')
  assert.deepEqual([s2.scope, s2.value.kind], ['global', 'number'])
  assert.deepEqual(strip(stmt('SET LOCAL enable_x TO on', 'set').value), { kind: 'string', value: 'on' })
  assert.equal(stmt('SET SESSION search_path = main', 'set').scope, 'session')
  assert.deepEqual(strip(stmt('SET x = true', 'set').value), { kind: 'boolean', value: true })
  assert.equal(stmt("SET TIME ZONE 'UTC'", 'set').name, 'timezone')
  assert.equal(stmt('RESET threads', 'reset').name, 'threads')
  assert.equal(stmt('SET threads TO DEFAULT', 'reset').name, 'threads')
  assert.equal(stmt('RESET ALL', 'reset').name, null)
  assert.deepEqual(strip(stmt('SHOW TABLES', 'show').what), { kind: 'tables' })
  assert.deepEqual(strip(stmt('SHOW ALL TABLES', 'show').what), { kind: 'all_tables' })
  assert.deepEqual(strip(stmt('SHOW memory_limit', 'show').what), { kind: 'setting', name: 'memory_limit' })
  assert.deepEqual(strip(stmt('DESCRIBE s.t', 'describe').target), { kind: 'table', name: ['s', 't'] })
  assert.equal(stmt('DESC t', 'describe').target.kind, 'table')
  assert.equal(stmt('DESCRIBE SELECT 1', 'describe').target.kind, 'query')
  const pr = stmt('PRAGMA table_info(t)', 'pragma')
  assert.deepEqual([pr.name, pr.args.length], ['table_info', 1])
  assert.equal(stmt('PRAGMA enable_verification', 'pragma').args.length, 0)
  assert.equal(stmt('PRAGMA threads = 4', 'pragma').args.length, 1)
  const call = stmt('CALL range(3)', 'query_statement')
  assert.equal(call.query.body.kind === 'select' && call.query.body.from[0]?.kind, 'function_ref')
})

test('scripts: several statements, empty statements, comments', () => {
  const list = parse(';; SELECT 1; -- one\n/* two /* nested */ */ SELECT 2;;\nCREATE TABLE t (a INT);')
  assert.deepEqual(list.map(s => s.kind), ['query_statement', 'query_statement', 'create_table'])
  assert.deepEqual(parse(''), [])
  assert.deepEqual(parse('  ; -- nothing\n'), [])
})

test('recognised but unsupported statements report 0A000 with a position', () => {
  fails('CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END', '0A000', 7)
  fails('CREATE FUNCTION f() RETURNS INT AS $$ SELECT 1 $$', '0A000', 7)
  fails('COPY t FROM STDIN', '0A000', 12)
  fails('GRANT SELECT ON t TO u', '0A000', 0)
  fails('SELECT 1; VACUUM', '0A000', 10)
})

test('table samples: PostgreSQL TABLESAMPLE after the table, DuckDB USING SAMPLE after the SELECT', () => {
  const q = stmt('SELECT * FROM t AS x TABLESAMPLE bernoulli(5) REPEATABLE (3)', 'query_statement')
  const from = q.query.body.kind === 'select' ? q.query.body.from[0] : undefined
  assert.equal(from?.kind, 'table_ref')
  const sample = from?.kind === 'table_ref' ? from.sample : undefined
  assert.deepEqual([sample?.method, sample?.unit, sample?.size.kind, sample?.seed?.kind], ['bernoulli', null, 'number', 'number'])
  const d = stmt('SELECT * FROM t WHERE a > 1 USING SAMPLE 10% (system, 7)', 'query_statement')
  const body = d.query.body
  assert.deepEqual(body.kind === 'select' ? [body.sample?.method, body.sample?.unit, body.where !== null] : [], ['system', 'percent', true])
  fails('SELECT * FROM t TABLESAMPLE bernoulli(5) REPEATABLE 3', '42601', 52)
})

test('generated columns: GENERATED ALWAYS AS (…) [VIRTUAL | STORED] and AS (…) without a type', () => {
  const t = stmt('CREATE TABLE t (a INT, b AS (a + 1), c INT GENERATED ALWAYS AS (a) STORED, d GENERATED ALWAYS AS (a) VIRTUAL)', 'create_table')
  assert.deepEqual(t.columns.map(c => [c.name, c.type?.name ?? null, c.generated?.stored ?? null]), [['a', 'INT', null], ['b', null, false], ['c', 'INT', true], ['d', null, false]])
  fails('CREATE TABLE t (a INT, b AS 1)', '42601', 28)
})

test('CREATE RECURSIVE VIEW becomes a view over a recursive CTE', () => {
  const v = stmt('CREATE RECURSIVE VIEW nums (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM nums WHERE n < 5', 'create_view')
  assert.deepEqual(v.columns, ['n'])
  assert.ok(v.query.with?.recursive && v.query.with.ctes[0]!.name === 'nums')
  assert.deepEqual(v.query.with.ctes[0]!.columns, ['n'])
})

test('referential actions: the default is accepted, others are not silently dropped', () => {
  assert.equal(stmt('CREATE TABLE t (a INT REFERENCES u (id) ON DELETE NO ACTION ON UPDATE RESTRICT)', 'create_table').constraints.length, 1)
  fails('CREATE TABLE t (a INT REFERENCES u (id) ON DELETE CASCADE)', '0A000', 40, /ON DELETE CASCADE/)
  fails('CREATE TABLE t (a INT, FOREIGN KEY (a) REFERENCES u (id) ON UPDATE SET NULL)', '0A000', 57, /ON UPDATE SET NULL/)
  fails('CREATE TABLE t (a INT REFERENCES u ON DELETE SET DEFAULT)', '0A000', 35, /SET DEFAULT/)
  fails('CREATE TABLE t (a INT REFERENCES u ON DELETE EXPLODE)', '42601', 45)
})

test('common words work as table, column and alias names in every statement', () => {
  const words = ['name', 'type', 'value', 'key', 'year', 'month', 'day', 'date', 'time', 'timestamp', 'text', 'first', 'last', 'data', 'position', 'filter', 'values', 'interval', 'row', 'start', 'temp', 'replace', 'exclude', 'over', 'partition', 'range', 'rows', 'sequence', 'index', 'comment', 'language', 'version']
  for (const w of words) {
    const sql = [
      `CREATE TABLE ${w} (${w} INT, other ${w === 'text' ? 'VARCHAR' : 'INT'})`,
      `INSERT INTO ${w} (${w}) VALUES (1)`,
      `UPDATE ${w} SET ${w} = ${w} + 1 WHERE ${w} > 0`,
      `DELETE FROM ${w} WHERE ${w} IS NULL`,
      `SELECT ${w}, ${w}.${w}, t.${w} AS ${w}, ${w} ${w === 'over' ? 'AS ' : ''}x FROM ${w} AS t JOIN ${w} ON true ORDER BY ${w}`,
      `SELECT * FROM ${w} ${w}`,
      `ALTER TABLE ${w} RENAME COLUMN ${w} TO ${w}2`,
      `DROP TABLE ${w}`,
    ]
    for (const s of sql) {
      try { assert.equal(parse(s).length, 1) } catch (e) { assert.fail(`${s}: ${String(e)}`) }
    }
  }
})
