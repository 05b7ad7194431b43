import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../../core/errors.ts'
import { parse, parseExpression, parseOne } from '../../../core/parser/index.ts'
import { fails } from './helpers.ts'

test('unexpected tokens are reported at their position', () => {
  fails('SELECT 1 +', '42601', 10, /^syntax error at end of input$/)
  fails('SELECT * FROM t WHERE', '42601', 21, /at end of input/)
  fails('SELEC 1', '42601', 0, /syntax error at or near "SELEC"/)
  fails('SELECT 1 FROM t t2 t3', '42601', 19, /at or near "t3"/)
  fails('SELECT a FROM t ORDER a', '42601', 16, /at or near "ORDER"/)
  fails('SELECT (1 + 2', '42601', 13, /end of input/)
  fails('SELECT (1 + 2 FROM t', '42601', 14, /at or near "FROM"/)
  fails('SELECT f(1, 2', '42601', 13)
  fails('SELECT [1, 2', '42601', 12)
  fails('SELECT CASE WHEN 1 THEN 2', '42601', 25)
  fails('SELECT CASE END', '42601', 12)
  fails('SELECT CAST(1 INT)', '42601', 14, /at or near "INT"/)
  fails('SELECT 1 2', '42601', 9)
  fails('SELECT * FROM', '42601', 13)
  fails('SELECT * FROM t JOIN u', '42601', 22, /end of input/)
  fails('SELECT * FROM t NATURAL u', '42601', 24)
  fails('INSERT INTO t VALUES', '42601', 20)
  fails('INSERT t VALUES (1)', '42601', 7, /at or near "t"/)
  fails('CREATE TABLE t', '42601', 14)
  fails('CREATE TABLE t (a INT', '42601', 21)
  fails('CREATE TABLE t (a)', '42601', 17)
  fails('CREATE WIDGET w', '42601', 7)
  fails('UPDATE t SET a', '42601', 14)
  fails('DELETE t', '42601', 7)
  fails('SELECT x IS 5', '42601', 12)
  fails('SELECT x NOT 5', '42601', 9)
  fails('SELECT x BETWEEN 1', '42601', 18)
  fails('SELECT 1 IN ()', '42601', 13, /at or near "\)"/)
  fails('SELECT a FROM t GROUP a', '42601', 16)
  fails('SELECT sum(x) OVER (ROWS 1)', '42601', 26)
  fails('SELECT * FROM t LIMIT 1, 2', '0A000', 16)
  fails('EXPLAIN', '42601', 7)
  fails('SET x', '42601', 5)
  fails('SHOW', '42601', 4)
  fails('WITH x AS (SELECT 1)', '42601', 20)
  fails('WITH x (SELECT 1) SELECT 1', '42601', 8)
  fails('SELECT 1; SELECT', '42601', 16)
})

test('reserved words need quotes as names, with a position', () => {
  fails('SELECT select FROM t', '42601', 7)
  fails('SELECT * FROM order', '42601', 14)
  fails('CREATE TABLE t (from INT)', '42601', 16)
  fails('SELECT a FROM t WHERE join = 1', '42601', 22)
  assert.equal(parse('SELECT "select" FROM "order"').length, 1)
  assert.equal(parse('SELECT x AS select').length, 1)
})

test('trailing garbage after a statement or expression', () => {
  fails('SELECT 1 FROM t )', '42601', 16, /at or near "\)"/)
  fails('SELECT 1 garbage more', '42601', 17)
  assert.throws(() => parseExpression('1 + 2 3'), (e: unknown) => e instanceof GrizzlyError && e.code === '42601' && e.position === 6)
  assert.throws(() => parseExpression(''), (e: unknown) => e instanceof GrizzlyError && e.position === 0)
})

test('lexical errors', () => {
  fails("SELECT 'abc", '42601', 7, /unterminated string/)
  fails("SELECT E'abc\\'", '42601', 7, /unterminated string/)
  fails('SELECT "abc', '42601', 7, /unterminated quoted identifier/)
  fails('SELECT ""', '42601', 7, /zero-length/)
  fails('SELECT 1 /* never closed', '42601', 9, /unterminated \/\* comment/)
  fails('SELECT 1 /* a /* b */', '42601', 9, /unterminated/)
  fails('SELECT $$abc', '42601', 7, /unterminated dollar-quoted/)
  fails('SELECT $x$abc$y$', '42601', 7, /unterminated dollar-quoted/)
  fails('SELECT 1e', '42601', 7, /trailing junk/)
  fails('SELECT 1e+', '42601', 7, /trailing junk/)
  fails('SELECT 123abc', '42601', 7, /trailing junk/)
  fails('SELECT 0x', '42601', 7, /invalid hexadecimal/)
  fails('SELECT 0xZZ', '42601', 7)
  fails('SELECT 1__000', '42601', 7)
  fails('SELECT 1_', '42601', 7)
  fails("SELECT X'ABC'", '42601', 7, /even number/)
  fails("SELECT X'GG'", '42601', 7, /hexadecimal/)
  fails('SELECT 1 \\ 2', '42601', 9)
  fails("SELECT E'\\u12'", '42601', 9, /Unicode/)
})

test('recognised but unsupported syntax is 0A000', () => {
  fails('SELECT x[1:2:3]', '0A000', 12)
  fails('SELECT * INTO t2 FROM t', '0A000', 9)
  fails("SELECT INTERVAL '1' YEAR TO MONTH", '0A000', 25)
  fails('CREATE TYPE m AS ENUM (\'a\')', '0A000', 17)
})

test('errors are always GrizzlyErrors, never crashes', () => {
  const nasty = ['(', ')', '((((', 'SELECT ((((((1', "'", '"', '$', '$1$', '/*', '--', 'SELECT -', 'SELECT +', '[', '{',
    'SELECT {', "SELECT {'a'", "SELECT {'a':}", 'SELECT 1::', 'SELECT x[', 'SELECT x[]', 'SELECT (', 'CREATE', 'DROP',
    'ALTER', 'ALTER TABLE', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'VALUES', 'VALUES (', 'TABLE', 'FROM', 'SELECT * FROM t,',
    'SELECT 1 UNION', 'SELECT f(x ORDER BY)', 'SELECT f() OVER (', 'SELECT f() FILTER (WHERE', 'CREATE INDEX ON', 'PRAGMA',
    'SELECT EXTRACT(', 'SELECT TRIM(', 'SELECT SUBSTRING(x FROM', 'SELECT POSITION(a IN', 'SELECT CAST(', 'SELECT INTERVAL 1',
    'SELECT a FROM t GROUP BY GROUPING SETS (', 'SELECT DISTINCT ON', 'SELECT * EXCLUDE (', 'SELECT * REPLACE (1',
    'CREATE TABLE t (a STRUCT(', 'CREATE TABLE t (a DECIMAL(x))', 'CREATE TABLE t (a INT[x])', 'CALL', 'CALL t',
    'SELECT ?', 'SELECT \u0000', 'SELECT 😀', 'DESCRIBE', 'SET', 'RESET', 'SELECT 1 AT TIME', 'SELECT x IS DISTINCT',
  ]
  for (const sql of nasty) {
    try { parse(sql) } catch (e) {
      assert.ok(e instanceof GrizzlyError, `${JSON.stringify(sql)} threw ${String(e)}`)
      assert.notEqual(e.code, 'XX000', `${JSON.stringify(sql)}: ${e.message}`)
      assert.ok(e.position === undefined || (e.position >= 0 && e.position <= sql.length), `${JSON.stringify(sql)} position ${e.position}`)
    }
  }
})

test('deeply nested input is a clean error, not a stack overflow', () => {
  const deep = 'SELECT ' + '('.repeat(100000) + '1' + ')'.repeat(100000)
  assert.throws(() => parse(deep), (e: unknown) => e instanceof GrizzlyError && e.code === '54000')
  const ok = 'SELECT ' + '('.repeat(200) + '1' + ')'.repeat(200)
  assert.equal(parse(ok).length, 1)
})

test('hints say how to fix', () => {
  const e = fails("SELECT 'abc", '42601')
  assert.ok(e.hint !== undefined && e.hint.includes("'"))
  const m = fails('SELECT (1', '42601')
  assert.match(m.hint ?? '', /parenthesis/)
})

test('parseOne wants exactly one statement', () => {
  assert.equal(parseOne('SELECT 1;').kind, 'query_statement')
  assert.throws(() => parseOne('SELECT 1; SELECT 2'), (e: unknown) => e instanceof GrizzlyError && e.position === 10)
  assert.throws(() => parseOne(' ; '), (e: unknown) => e instanceof GrizzlyError && e.code === '42601')
})

test('misspelled keywords get a did-you-mean hint', () => {
  assert.equal(fails('SELEC 1', '42601', 0).hint, 'did you mean "SELECT"?')
  assert.equal(fails('INSRT INTO t VALUES (1)', '42601', 0).hint, 'did you mean "INSERT"?')
  assert.equal(fails('SELECT * FROM t WHER x = 1', '42601', 21).hint, 'did you mean "WHERE" instead of "WHER"?')
  assert.equal(fails('SELECT * FROM t ORDR BY x', '42601', 21).hint, 'did you mean "ORDER" instead of "ORDR"?')
  assert.equal(fails('SELECT 1 FROM t xyz abc', '42601', 20).hint, undefined)
  assert.equal(fails('FROBNICATE everything', '42601', 0).hint, undefined)
})

test('named parameters are recognised but not supported', () => {
  const e = fails('SELECT $name', '0A000', 7, /\$name/)
  assert.match(e.hint ?? '', /\$1/)
})

test('DuckDB syntax without an AST form yet is 0A000', () => {
  fails('SELECT #0 FROM t', '42601', 7)
  fails('SELECT #-1 FROM t', '42601', 7)
  fails('SELECT * RENAME (a b) FROM t', '42601', 19)
  fails('SELECT # FROM t', '42601', 7)
})
