import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parse } from '../../core/parser/index.ts'
import { formatStatement } from '../../core/parser/format.ts'
import { GrizzlyError } from '../../core/errors.ts'

const one = (sql: string) => {
  const list = parse(sql)
  assert.equal(list.length, 1, sql)
  return list[0]!
}

function fails(sql: string, code: string, position?: number): void {
  assert.throws(() => parse(sql), (e: unknown) => {
    assert.ok(e instanceof GrizzlyError, String(e))
    assert.equal(e.code, code, `${sql}: ${e.message}`)
    if (position !== undefined) assert.equal(e.position, position, sql)
    return true
  })
}

test('extension statements parse into their own kinds and format back to themselves', () => {
  const cases: [string, unknown][] = [
    ["INSTALL vector FROM 'reg'", { kind: 'install_extension', pos: 0, name: 'vector', version: null, from: 'reg', force: false }],
    ["FORCE INSTALL vector VERSION '^1.2' FROM 'reg'", { kind: 'install_extension', pos: 0, name: 'vector', version: '^1.2', from: 'reg', force: true }],
    ["INSTALL EXTENSION \"Vec\" FROM 'reg' VERSION '1.x'", { kind: 'install_extension', pos: 0, name: 'Vec', version: '1.x', from: 'reg', force: false }],
    ['INSTALL vector', { kind: 'install_extension', pos: 0, name: 'vector', version: null, from: null, force: false }],
    ['LOAD EXTENSION vector', { kind: 'load_extension', pos: 0, target: { kind: 'name', name: 'vector' } }],
    ['load vector', { kind: 'load_extension', pos: 0, target: { kind: 'name', name: 'vector' } }],
    ["LOAD 'dist/vector'", { kind: 'load_extension', pos: 0, target: { kind: 'path', path: 'dist/vector' } }],
    ['UNLOAD EXTENSION vector', { kind: 'unload_extension', pos: 0, name: 'vector' }],
    ['UPDATE EXTENSIONS', { kind: 'update_extensions', pos: 0, names: null }],
    ['UPDATE EXTENSIONS (a, b)', { kind: 'update_extensions', pos: 0, names: ['a', 'b'] }],
    ['SHOW EXTENSION PERMISSIONS vector', { kind: 'show_extension_permissions', pos: 0, name: 'vector' }],
  ]
  for (const [sql, expected] of cases) {
    const stmt = one(sql)
    assert.deepEqual(stmt, expected, sql)
    assert.deepEqual(one(formatStatement(stmt)), expected, formatStatement(stmt))
  }
  // UPDATE of a table named extensions stays an UPDATE
  assert.equal(one('UPDATE extensions SET a = 1').kind, 'update')
  assert.equal(one('UPDATE extensions e SET a = 1').kind, 'update')
})

test('CREATE FUNCTION / AGGREGATE … LANGUAGE: parameters, clauses in any order, body position', () => {
  const sql = 'CREATE OR REPLACE FUNCTION f(x DOUBLE, s VARCHAR) RETURNS DOUBLE LANGUAGE javascript AS $$ x * 2 $$'
  const stmt = one(sql)
  assert.equal(stmt.kind, 'create_function')
  if (stmt.kind !== 'create_function') return
  assert.equal(stmt.orReplace, true)
  assert.equal(stmt.routineKind, 'scalar')
  assert.deepEqual(stmt.params.map(p => [p.name, p.type.name]), [['x', 'DOUBLE'], ['s', 'VARCHAR']])
  assert.equal(stmt.body, ' x * 2 ')
  assert.equal(sql.slice(stmt.bodyPos, stmt.bodyPos + 7), ' x * 2 ')
  const again = one(formatStatement(stmt))
  assert.deepEqual({ ...again, pos: 0, bodyPos: 0, params: [], returns: again.kind === 'create_function' ? again.returns.name : '' }, { ...stmt, pos: 0, bodyPos: 0, params: [], returns: 'DOUBLE' })
  const tagged = "CREATE FUNCTION g() LANGUAGE wasm AS $body$00$body$ RETURNS INTEGER SYMBOL 'run'"
  const g = one(tagged)
  assert.ok(g.kind === 'create_function' && g.language === 'wasm' && g.symbol === 'run' && g.params.length === 0)
  if (g.kind === 'create_function') assert.equal(tagged.slice(g.bodyPos, g.bodyPos + 2), '00')
  const q = "CREATE FUNCTION h(a INT) RETURNS INT LANGUAGE javascript AS 'a + 1'"
  const h = one(q)
  if (h.kind === 'create_function') assert.equal(q.slice(h.bodyPos, h.bodyPos + 5), 'a + 1')
  const w = one("CREATE FUNCTION w(a INT) RETURNS INT LANGUAGE wasm FROM 'm.wasm'")
  assert.ok(w.kind === 'create_function' && w.body === 'file:m.wasm')
  assert.equal(one(formatStatement(w)).kind, 'create_function')
  const agg = one('CREATE AGGREGATE a(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript AS $$ {} $$')
  assert.ok(agg.kind === 'create_function' && agg.routineKind === 'aggregate')
})

test('bad extension statements are syntax errors or 0A000 at the right place', () => {
  fails('LOAD', '42601', 4)
  fails('UNLOAD', '42601', 6)
  fails("INSTALL vector VERSION 1", '42601', 23)
  fails('UPDATE EXTENSIONS (a', '42601')
  fails('SHOW EXTENSION vector', '42601')
  fails('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE AS $$ x $$', '0A000', 7)
  fails('CREATE FUNCTION f(x DOUBLE) LANGUAGE javascript AS $$ x $$', '42601')
  fails('CREATE FUNCTION f(x DOUBLE) RETURNS DOUBLE LANGUAGE javascript', '42601')
  fails('CREATE FUNCTION f(x) RETURNS DOUBLE LANGUAGE javascript AS $$ x $$', '42601')
  fails('CREATE AGGREGATE a(x DOUBLE) RETURNS DOUBLE LANGUAGE wasm AS $$ 00 $$', '0A000')
  // DROP FUNCTION names the overload as PostgreSQL does; DROP AGGREGATE is DROP FUNCTION
  for (const sql of ['DROP FUNCTION f(DOUBLE)', 'DROP FUNCTION IF EXISTS f(x DOUBLE, y VARCHAR), g()', 'DROP AGGREGATE a(DOUBLE)']) {
    const d = one(sql)
    assert.ok(d.kind === 'drop' && d.objectType === 'function', sql)
  }
  fails('DROP FUNCTION f(DOUBLE', '42601')
  // the macro form stays unsupported
  fails('CREATE FUNCTION f(a) AS a + 1', '0A000', 7)
  fails('CREATE MACRO f(a) AS a + 1', '0A000', 7)
})
