/**
 * The runner checked against DuckDB, whose behaviour the corpora were written for: files that
 * must pass do, and wrong expectations are caught with the right line.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runSltText, isHarnessStatement, evaluateCondition, type FileResult } from './runner.ts'
import { engineFactory } from './engines.ts'

const duckdb = engineFactory('duckdb')
const run = (text: string, dialect: 'duckdb' | 'sqlite' = 'duckdb'): Promise<FileResult> =>
  runSltText('inline.test', text, { dialect, engine: duckdb })

const GOOD = `
statement ok
PRAGMA enable_verification

statement ok
CREATE TABLE t(i INTEGER, s VARCHAR, d DOUBLE, b BOOLEAN, m DECIMAL(10,2))

statement ok
INSERT INTO t VALUES (1, 'a', 0.5, true, 1.5), (2, '', 1e20, false, 2), (3, NULL, NULL, NULL, NULL)

query ITRTR
SELECT i, s, d, b, m FROM t ORDER BY i
----
1	a	0.5	true	1.50
2	(empty)	1e+20	false	2.0
3	NULL	NULL	NULL	NULL

query I rowsort
SELECT i FROM t
----
1
2
3

query T valuesort
SELECT s FROM t
----
(empty)
NULL
a

query I
SELECT i * 10 FROM t WHERE i = 1
----
<REGEX>:1\\d

query R
SELECT 1.0 / 3
----
0.3333

query I nosort lbl
SELECT i FROM t ORDER BY i

query I nosort lbl
SELECT i FROM t ORDER BY i LIMIT 3 OFFSET 0
----
3 values hashing to c0710d6b4f15dfa88f600b0e6b624077

statement error
SELECT * FROM missing_table
----
does not exist

statement ok con1
BEGIN TRANSACTION

statement ok con1
INSERT INTO t VALUES (4, 'x', 1, true, 0)

query I
SELECT count(*) FROM t
----
3

statement ok con1
COMMIT

query I
SELECT count(*) FROM t
----
4

loop k 0 3

query I
SELECT \${k} + 1
----
<REGEX>:[123]

onlyif k=1
continue

endloop

foreach type INTEGER BIGINT

query I
SELECT CAST(7 AS \${type})
----
7

endloop

query I
INSERT INTO t VALUES (5, 'y', 2, false, 1)
----
1
`

test('a correct DuckDB-dialect file passes against DuckDB', async () => {
  const r = await run(GOOD)
  assert.equal(r.status, 'pass', JSON.stringify(r.failure))
  assert.equal(r.recordsRun, r.recordsPassed)
  assert.ok(r.recordsRun >= 20)
})

test('a wrong value fails at its line with expected and actual', async () => {
  const r = await run('statement ok\nCREATE TABLE t(i INT)\n\nstatement ok\nINSERT INTO t VALUES (1)\n\nquery I\nSELECT i + 1 FROM t\n----\n3\n\nquery I\nSELECT 5\n----\n5\n')
  assert.equal(r.status, 'fail')
  assert.equal(r.failure?.line, 7)
  assert.equal(r.failure?.expected, '3')
  assert.equal(r.failure?.actual, '2')
  assert.equal(r.recordsRun, 4)
  assert.equal(r.recordsPassed, 3)
})

test('column count, row count, expected errors and hashes are all checked', async () => {
  assert.equal((await run('query II\nSELECT 1\n----\n1\n')).status, 'fail')
  assert.equal((await run('query I\nSELECT 1 UNION ALL SELECT 2\n----\n1\n')).status, 'fail')
  assert.equal((await run('statement error\nSELECT 1\n')).status, 'fail')
  assert.equal((await run('statement ok\nSELECT * FROM nope\n')).status, 'fail')
  assert.equal((await run('query I\nSELECT 1\n----\n1 values hashing to 00000000000000000000000000000000\n')).status, 'fail')
  assert.equal((await run('query I nosort l\nSELECT 1\n----\n1\n\nquery I nosort l\nSELECT 2\n----\n2\n')).status, 'fail')
  assert.equal((await run('statement maybe\nSELECT * FROM nope\n')).status, 'pass')
})

test('require, unsupported commands and ignored errors skip the file', async () => {
  assert.deepEqual([(await run('require parquet\n\nquery I\nSELECT 1\n----\n1\n')).status], ['skip'])
  assert.equal((await run('require vector_size 1024\n\nquery I\nSELECT 1\n----\n1\n')).status, 'pass')
  assert.equal((await run('load x.db\n')).status, 'skip')
  const ignored = await run('set ignore_error_messages does not exist\n\nstatement ok\nSELECT * FROM nope\n')
  assert.equal(ignored.status, 'skip')
})

test('SQLite dialect: engine-name conditions, halt, integer division and type letters', async () => {
  const text = [
    'hash-threshold 8', '',
    'statement ok', 'CREATE TABLE t1(a INTEGER, b VARCHAR)', '',
    'statement ok', "INSERT INTO t1 VALUES(7, 'x'), (2, '')", '',
    'skipif postgresql', 'query I nosort', 'SELECT 99', '----', '1', '',
    'onlyif postgresql', 'query IRT rowsort', 'SELECT a / 2, a / 4.0, b FROM t1', '----', '1', '0.500', '(empty)', '3', '1.750', 'x', '',
    'onlyif mysql', 'halt', '',
    'query I valuesort', 'SELECT a FROM t1', '----', '2', '7', '',
    'halt', '',
    'query I', 'SELECT 1', '----', '2', '',
  ].join('\n')
  const r = await run(text, 'sqlite')
  assert.equal(r.status, 'pass', JSON.stringify(r.failure))
  assert.equal(r.recordsRun, 4)
})

test('harness statements and loop conditions', () => {
  assert.ok(isHarnessStatement('PRAGMA enable_verification'))
  assert.ok(isHarnessStatement('pragma verify_parallelism;'))
  assert.ok(isHarnessStatement('SET threads=4'))
  assert.ok(isHarnessStatement('PRAGMA threads = 1'))
  assert.ok(!isHarnessStatement('PRAGMA table_info(t)'))
  const vars = new Map([['i', '2'], ['type', 'varchar']])
  assert.ok(evaluateCondition('i=2', vars))
  assert.ok(evaluateCondition('i>1 && type<>integer', vars))
  assert.ok(!evaluateCondition('i<=1', vars))
  assert.ok(!evaluateCondition('type=integer', vars))
})

test('an engine that cannot open fails the file instead of stopping the run', async () => {
  const r = await runSltText('x.test', 'query I\nSELECT 1\n----\n1\n', {
    dialect: 'duckdb', engine: () => Promise.reject(new Error('module missing')),
  })
  assert.equal(r.status, 'fail')
  assert.match(r.reason ?? '', /cannot open the engine: module missing/)
})

test('a file that does not parse fails with the line of the problem', async () => {
  const r = await run('statement ok\nSELECT 1\n\nbogus command\n')
  assert.equal(r.status, 'fail')
  assert.equal(r.failure?.line, 4)
})
