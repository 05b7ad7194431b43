import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isCompleteStatement, parse, splitStatements } from '../../../core/parser/index.ts'

test('splits on top-level semicolons only', () => {
  const sql = "SELECT 'a;b'; SELECT \"x;y\" FROM t;\nSELECT $$;$$; SELECT $f$ ; $f$ -- c;\n;SELECT 1 /* ; /* ; */ ; */"
  const parts = splitStatements(sql)
  assert.deepEqual(parts.map(p => p.text), ["SELECT 'a;b'", 'SELECT "x;y" FROM t', 'SELECT $$;$$', 'SELECT $f$ ; $f$', 'SELECT 1'])
  for (const part of parts) assert.equal(sql.slice(part.start, part.end), part.text)
  // every piece parses on its own
  for (const part of parts) assert.equal(parse(part.text).length, 1)
})

test('leading comments and whitespace are trimmed; empty statements dropped', () => {
  const parts = splitStatements('  -- intro\n  /* block */ SELECT 1 ;;  ; -- only a comment\n')
  assert.deepEqual(parts.map(p => [p.text, p.start, p.end]), [['SELECT 1', 25, 33]])
  assert.deepEqual(splitStatements(''), [])
  assert.deepEqual(splitStatements('-- nothing'), [])
  assert.deepEqual(splitStatements('SELECT 1').map(p => p.text), ['SELECT 1'])
})

test("E'' strings with backslash-escaped quotes", () => {
  assert.deepEqual(splitStatements("SELECT E'it\\'s; fine'; SELECT 2").map(p => p.text), ["SELECT E'it\\'s; fine'", 'SELECT 2'])
  // a plain string ending in backslash is not an escape
  assert.deepEqual(splitStatements("SELECT 'x\\'; SELECT 2").map(p => p.text), ["SELECT 'x\\'", 'SELECT 2'])
})

test('unterminated text runs to the end without throwing', () => {
  assert.deepEqual(splitStatements("SELECT 1; SELECT 'abc; def").map(p => p.text), ['SELECT 1', "SELECT 'abc; def"])
  assert.deepEqual(splitStatements('SELECT 1; /* open ; ').map(p => p.text), ['SELECT 1', '/* open ; '])
})

test('isCompleteStatement', () => {
  assert.equal(isCompleteStatement('SELECT 1;'), true)
  assert.equal(isCompleteStatement('SELECT 1;  \n'), true)
  assert.equal(isCompleteStatement('SELECT 1; -- trailing comment'), true)
  assert.equal(isCompleteStatement('SELECT 1; /* c */'), true)
  assert.equal(isCompleteStatement('SELECT 1'), false)
  assert.equal(isCompleteStatement("SELECT ';"), false)
  assert.equal(isCompleteStatement("SELECT ';'"), false)
  assert.equal(isCompleteStatement("SELECT ';';"), true)
  assert.equal(isCompleteStatement('SELECT 1 -- ;'), false)
  assert.equal(isCompleteStatement('SELECT 1 /* ; */'), false)
  assert.equal(isCompleteStatement('SELECT 1 /* ;'), false)
  assert.equal(isCompleteStatement('SELECT $$ ; $$'), false)
  assert.equal(isCompleteStatement('SELECT $$ ; $$;'), true)
  assert.equal(isCompleteStatement('SELECT 1; SELECT 2'), false)
  assert.equal(isCompleteStatement(''), false)
  assert.equal(isCompleteStatement(';'), true)
})
