import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Tok, tokenize, type TokenType } from '../../../core/parser/index.ts'

function kinds(sql: string): [TokenType, string][] {
  return tokenize(sql).map(t => [t.type, t.text])
}

test('words are folded, quoted identifiers kept', () => {
  assert.deepEqual(kinds('SeLeCt "MiXed" `Back`'), [[Tok.Ident, 'select'], [Tok.QuotedIdent, 'MiXed'], [Tok.QuotedIdent, 'Back'], [Tok.Eof, '']])
  assert.deepEqual(kinds('a$b _x1 été'), [[Tok.Ident, 'a$b'], [Tok.Ident, '_x1'], [Tok.Ident, 'été'], [Tok.Eof, '']])
})

test('operators take the longest known spelling', () => {
  const ops = tokenize('a<->b <=> c <#> d ->> e -> f :: g := h => i || j // k ** l != m == n <= o >= p <> q @> r <@ s && t !~~* u ~~* v ^@ w << x >> y')
    .filter(t => t.type === Tok.Op).map(t => t.text)
  assert.deepEqual(ops, ['<->', '<=>', '<#>', '->>', '->', '::', ':=', '=>', '||', '//', '**', '<>', '=', '<=', '>=', '<>', '@>', '<@', '&&', '!~~*', '~~*', '^@', '<<', '>>'])
  // `<-` is not an operator: a<-1 is a < -1
  assert.deepEqual(tokenize('a<-1').filter(t => t.type === Tok.Op).map(t => t.text), ['<', '-'])
  assert.deepEqual(tokenize('a>=-1').filter(t => t.type === Tok.Op).map(t => t.text), ['>=', '-'])
})

test('numbers', () => {
  const nums = tokenize('1 1.5 .5 1. 1e3 1E-3 2.5e+10 0x1F 0b101 0o17 1_000 1_000.000_1').filter(t => t.type === Tok.Number).map(t => t.text)
  assert.deepEqual(nums, ['1', '1.5', '.5', '1.', '1e3', '1E-3', '2.5e+10', '0x1F', '0b101', '0o17', '1000', '1000.0001'])
  // a range-like `1..2` is not one number
  assert.equal(tokenize('1..2')[0]!.text, '1')
})

test('strings and escapes', () => {
  assert.equal(tokenize("'a''b'")[0]!.text, "a'b")
  assert.equal(tokenize("''")[0]!.text, '')
  assert.equal(tokenize("E'\\t\\n\\r\\b\\f\\\\\\'\\q'")[0]!.text, "\t\n\r\b\f\\'q")
  assert.equal(tokenize("E'\\101\\x42\\u0043\\U0001F600'")[0]!.text, 'ABC😀')
  assert.equal(tokenize("N'text'")[0]!.text, 'text')
  assert.equal(tokenize("'multi\nline'")[0]!.text, 'multi\nline')
  assert.equal(tokenize('$$a;b$$')[0]!.text, 'a;b')
  assert.equal(tokenize('$tag$ $$ $tag$')[0]!.text, ' $$ ')
  const blob = tokenize("x'DEAD'")[0]!
  assert.deepEqual([blob.type, blob.text], [Tok.BlobString, 'DEAD'])
  // an identifier ending in e/x followed by a string is not a prefix
  assert.deepEqual(kinds("xe 'a'").map(k => k[0]), [Tok.Ident, Tok.String, Tok.Eof])
})

test('parameters', () => {
  assert.deepEqual(kinds('$1 ? $12'), [[Tok.Param, '1'], [Tok.Param, ''], [Tok.Param, '12'], [Tok.Eof, '']])
})

test('comments are skipped, nested block comments included', () => {
  assert.deepEqual(kinds('a -- c\nb /* x /* y */ z */ c'), [[Tok.Ident, 'a'], [Tok.Ident, 'b'], [Tok.Ident, 'c'], [Tok.Eof, '']])
  assert.deepEqual(kinds('a--'), [[Tok.Ident, 'a'], [Tok.Eof, '']])
  assert.deepEqual(kinds('1-2').map(k => k[1]), ['1', '-', '2', ''])
})

test('positions and ends', () => {
  const tokens = tokenize("  ab 'x''y'  3.5")
  assert.deepEqual(tokens.map(t => [t.pos, t.end]), [[2, 4], [5, 11], [13, 16], [16, 16]])
})

test('a large script lexes quickly', () => {
  const script = "SELECT a, b + 1, 'text', 3.14 FROM t WHERE x = 'y' AND z > 10;\n".repeat(20000)
  const start = performance.now()
  const tokens = tokenize(script)
  const ms = performance.now() - start
  assert.equal(tokens.length, 20000 * 21 + 1)
  // generous bound: only catches an accidental quadratic loop
  assert.ok(ms < 5000, `lexing took ${ms} ms`)
})
