import { test } from 'node:test'
import assert from 'node:assert/strict'
import { expandForeachWords, parseSlt, SltParseError } from './parser.ts'

test('statements, queries, error messages and connections', () => {
  const records = parseSlt([
    '# a comment',
    'statement ok',
    'CREATE TABLE t(i INTEGER)',
    '',
    'statement error con1',
    'SELECT * FROM missing',
    '----',
    'Catalog Error: Table with name missing does not exist',
    '',
    'query IT rowsort',
    'SELECT i,',
    '  name FROM t',
    '----',
    '1\talice',
    '2\tbob',
    '',
    'query I nosort mylabel',
    'SELECT 1',
    '----',
    '3 values hashing to 0123456789abcdef0123456789ABCDEF',
    '',
    'query I con2',
    'SELECT 1',
  ].join('\r\n'), 'duckdb')
  assert.equal(records.length, 5)
  const [create, error, query, hashed, noResult] = records
  assert.deepEqual(create, { kind: 'statement', line: 2, conditions: [], expect: 'ok', connection: undefined, sql: 'CREATE TABLE t(i INTEGER)', errorMessage: undefined })
  assert.equal(error?.kind === 'statement' && error.connection, 'con1')
  assert.equal(error?.kind === 'statement' && error.errorMessage, 'Catalog Error: Table with name missing does not exist')
  assert.ok(query?.kind === 'query')
  assert.equal(query.sql, 'SELECT i,\n  name FROM t')
  assert.equal(query.sortMode, 'rowsort')
  assert.deepEqual(query.expected, { kind: 'values', lines: ['1\talice', '2\tbob'] })
  assert.ok(hashed?.kind === 'query')
  assert.equal(hashed.label, 'mylabel')
  assert.deepEqual(hashed.expected, { kind: 'hash', count: 3, hash: '0123456789abcdef0123456789abcdef' })
  assert.ok(noResult?.kind === 'query')
  assert.equal(noResult.connection, 'con2')
  assert.deepEqual(noResult.expected, { kind: 'values', lines: [] })
})

test('a result value made only of spaces does not end the result', () => {
  const [q] = parseSlt('query I\nSELECT bar(1)\n----\n   \nx\n\n', 'duckdb')
  assert.ok(q?.kind === 'query' && q.expected.kind === 'values')
  assert.deepEqual(q.expected.lines, ['   ', 'x'])
})

test('skipif/onlyif stack in front of a record; halt and hash-threshold', () => {
  const records = parseSlt('hash-threshold 8\n\nskipif mysql\nonlyif postgresql\nstatement ok\nSELECT 1\n\nonlyif mssql\nhalt\n', 'sqlite')
  assert.equal(records[0]?.kind, 'hash-threshold')
  const st = records[1]
  assert.ok(st?.kind === 'statement')
  assert.deepEqual(st.conditions, [{ kind: 'skipif', argument: 'mysql' }, { kind: 'onlyif', argument: 'postgresql' }])
  assert.deepEqual(records[2], { kind: 'halt', line: 9, conditions: [{ kind: 'onlyif', argument: 'mssql' }] })
})

test('a comment after skipif/onlyif is not part of its argument', () => {
  const [r] = parseSlt('skipif postgresql # PostgreSQL requires AS\nonlyif mysql  # this is allowed\nquery I\nSELECT 1\n----\n1\n', 'sqlite')
  assert.ok(r?.kind === 'query')
  assert.deepEqual(r.conditions, [{ kind: 'skipif', argument: 'postgresql' }, { kind: 'onlyif', argument: 'mysql' }])
})

test('loops nest, foreach binds several names and expands special words', () => {
  const records = parseSlt([
    'loop i 0 3', '', 'foreach a,b 1,x 2,y', '', 'statement ok', 'SELECT ${i}, {a}, ${b}', '', 'endloop', '', 'endloop',
  ].join('\n'), 'duckdb')
  assert.equal(records.length, 1)
  const outer = records[0]
  assert.ok(outer?.kind === 'loop')
  assert.deepEqual(outer.iterations, [['0'], ['1'], ['2']])
  const inner = outer.body[0]
  assert.ok(inner?.kind === 'loop')
  assert.deepEqual(inner.names, ['a', 'b'])
  assert.deepEqual(inner.iterations, [['1', 'x'], ['2', 'y']])
  assert.deepEqual(expandForeachWords(['<signed>', '!bigint', 'x']), ['tinyint', 'smallint', 'integer', 'hugeint', 'x'])
  assert.equal(expandForeachWords(['<alltypes>']).length, 15)
  assert.deepEqual(expandForeachWords(['<numeric>', '!<integral>']), ['float', 'double'])
})

test('mode skip drops records until mode unskip; harness commands are recognised', () => {
  const records = parseSlt([
    'mode skip', '', 'statement ok', 'SELECT 1', '', 'mode unskip', '', 'require parquet', '', 'set seed 0.5', '',
    'set ignore_error_messages HTTP, Could not', '', 'reset label x', '', 'mode output_hash', '', 'load foo.db',
  ].join('\n'), 'duckdb')
  assert.deepEqual(records.map(r => r.kind), ['require', 'set-seed', 'ignore-errors', 'reset-label', 'noop', 'unsupported'])
  const ignore = records[2]
  assert.ok(ignore?.kind === 'ignore-errors')
  assert.deepEqual(ignore.messages, ['HTTP', 'Could not'])
})

test('malformed files are reported with their line', () => {
  assert.throws(() => parseSlt('statement ok\nSELECT 1\n\nfrobnicate\n', 'duckdb'), (e: unknown) => e instanceof SltParseError && e.line === 4)
  assert.throws(() => parseSlt('loop i 0 2\n\nstatement ok\nSELECT 1\n', 'duckdb'), SltParseError)
  assert.throws(() => parseSlt('endloop\n', 'duckdb'), SltParseError)
  assert.throws(() => parseSlt('statement sometimes\nSELECT 1\n', 'duckdb'), SltParseError)
  assert.throws(() => parseSlt('query I bogus\nSELECT 1\n', 'sqlite'), SltParseError)
  assert.throws(() => parseSlt('skipif mysql\n\nstatement ok\nSELECT 1\n', 'sqlite'), SltParseError)
})
