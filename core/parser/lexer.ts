/**
 * The lexer: SQL text → a flat array of tokens. One tight loop over char codes; identifiers are
 * case-folded here so the parser compares plain lower-case strings.
 */
import { notSupported, syntaxError } from '../errors.ts'

/** Token kinds: string constants, so hot comparisons need no imported binding. */
export type TokenType = 'ident' | 'quoted' | 'string' | 'blob' | 'number' | 'param' | 'op' | 'eof'

/**
 * ident: unquoted word, `text` lower-cased · quoted: "quoted identifier", `text` as written ·
 * string: '…', E'…', $$…$$, `text` decoded · blob: X'…', `text` the hex digits ·
 * number: `text` as written without `_` separators · param: $n (`text` = n) or ? (`text` = '') ·
 * op: operators and punctuation · eof: end of input.
 */
export const Tok = {
  Ident: 'ident', QuotedIdent: 'quoted', String: 'string', BlobString: 'blob', Number: 'number', Param: 'param',
  Op: 'op', Eof: 'eof',
} as const satisfies Record<string, TokenType>

export interface Token {
  readonly type: TokenType
  readonly text: string
  /** 0-based offset of the first character */
  readonly pos: number
  /** offset just past the last character */
  readonly end: number
}

// Longest first, so `<->` wins over `<-`/`<`; a sequence not listed is lexed one char at a time.
const MULTI_CHAR_OPERATORS = [
  '!~~*', '<->', '<=>', '<#>', '->>', '!~~', '~~*', '!~*',
  '::', ':=', '=>', '->', '<=', '>=', '<>', '!=', '==', '<<', '>>', '||', '//', '**',
  '@>', '<@', '&&', '~~', '!~', '~*', '^@',
]

/** Multi-char operators indexed by first char code; chars that are operators alone are marked too. */
const OPERATORS_BY_FIRST_CHAR: (readonly string[] | undefined)[] = []
const IS_SINGLE_CHAR_OPERATOR = new Uint8Array(128)
for (const ch of '()[]{},;.:+-*/%^<>=~!@&|#?') IS_SINGLE_CHAR_OPERATOR[ch.charCodeAt(0)] = 1
for (const op of MULTI_CHAR_OPERATORS) {
  const c = op.charCodeAt(0)
  const list = OPERATORS_BY_FIRST_CHAR[c] ?? []
  OPERATORS_BY_FIRST_CHAR[c] = [...list, op]
}
/** Single-char tokens as strings, so punctuation never allocates. */
const SINGLE_CHAR_TEXT: string[] = []
for (let c = 0; c < 128; c++) SINGLE_CHAR_TEXT.push(String.fromCharCode(c))

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128
}

function isIdentPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128
}

function isDigit(c: number): boolean { return c >= 48 && c <= 57 }

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xfeff
}

/** Tokenizes the whole text; the last token is always Eof. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = []
  const n = sql.length
  let i = 0
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (isSpace(c)) { i++; continue }
    const start = i
    // -- line comment
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      i += 2
      while (i < n && sql.charCodeAt(i) !== 10) i++
      continue
    }
    // /* block comment */ (nested, as PostgreSQL)
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      i = skipBlockComment(sql, i)
      continue
    }
    if (isIdentStart(c)) {
      // E'…', X'…', B'…', N'…' prefixes
      const next = sql.charCodeAt(i + 1)
      if (next === 39) {
        const lower = c | 32
        if (lower === 101) { // E
          const [value, end] = readEscapeString(sql, i + 1)
          tokens.push({ type: 'string', text: value, pos: start, end })
          i = end
          continue
        }
        if (lower === 120) { // X
          const [value, end] = readQuoted(sql, i + 1, 39, 'string')
          for (let k = 0; k < value.length; k++) {
            if (!isHexDigit(value.charCodeAt(k))) throw syntaxError(`"${value[k]}" is not a valid hexadecimal digit`, start)
          }
          tokens.push({ type: 'blob', text: value, pos: start, end })
          i = end
          continue
        }
        if (lower === 110) { // N'…' national character: an ordinary string
          const [value, end] = readQuoted(sql, i + 1, 39, 'string')
          tokens.push({ type: 'string', text: value, pos: start, end })
          i = end
          continue
        }
      }
      i++
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++
      tokens.push({ type: 'ident', text: sql.slice(start, i).toLowerCase(), pos: start, end: i })
      continue
    }
    if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      i = readNumber(sql, i, tokens)
      continue
    }
    if (c === 39) { // '…'
      const [value, end] = readQuoted(sql, i, 39, 'string')
      tokens.push({ type: 'string', text: value, pos: start, end })
      i = end
      continue
    }
    if (c === 34) { // "…"
      const [value, end] = readQuoted(sql, i, 34, 'quoted identifier')
      if (value.length === 0) throw syntaxError('zero-length delimited identifier', start)
      tokens.push({ type: 'quoted', text: value, pos: start, end })
      i = end
      continue
    }
    if (c === 96) { // `…` (MySQL/SQLite-style quoted identifier, DuckDB accepts it too)
      const [value, end] = readQuoted(sql, i, 96, 'quoted identifier')
      tokens.push({ type: 'quoted', text: value, pos: start, end })
      i = end
      continue
    }
    if (c === 36) { // $1 parameter or $tag$ dollar-quoted string
      const next = sql.charCodeAt(i + 1)
      if (isDigit(next)) {
        i++
        while (i < n && isDigit(sql.charCodeAt(i))) i++
        tokens.push({ type: 'param', text: sql.slice(start + 1, i), pos: start, end: i })
        continue
      }
      const tagEnd = dollarTagEnd(sql, i)
      if (tagEnd > 0) {
        const tag = sql.slice(i, tagEnd)
        const close = sql.indexOf(tag, tagEnd)
        if (close < 0) throw syntaxError('unterminated dollar-quoted string', start)
        tokens.push({ type: 'string', text: sql.slice(tagEnd, close), pos: start, end: close + tag.length })
        i = close + tag.length
        continue
      }
      if (isIdentStart(next)) {
        let j = i + 1
        while (j < n && isIdentPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++
        throw notSupported(`named parameter ${sql.slice(start, j)}`, start, 'use numbered parameters: $1, $2, … or ?')
      }
      throw syntaxError(`syntax error at or near "$"`, start)
    }
    if (c === 63) { // ?
      tokens.push({ type: 'param', text: '', pos: start, end: i + 1 })
      i++
      continue
    }
    if (c < 128 && IS_SINGLE_CHAR_OPERATOR[c] === 1) {
      const candidates = OPERATORS_BY_FIRST_CHAR[c]
      if (candidates !== undefined && i + 1 < n) {
        let matched: string | undefined
        for (let k = 0; k < candidates.length; k++) {
          const op = candidates[k]!
          if (sql.charCodeAt(i + 1) === op.charCodeAt(1) && (op.length === 2 || sql.startsWith(op, i))) { matched = op; break }
        }
        if (matched !== undefined) {
          const text = matched === '!=' ? '<>' : matched === '==' ? '=' : matched
          tokens.push({ type: 'op', text, pos: start, end: i + matched.length })
          i += matched.length
          continue
        }
      }
      tokens.push({ type: 'op', text: SINGLE_CHAR_TEXT[c]!, pos: start, end: i + 1 })
      i++
      continue
    }
    throw syntaxError(`syntax error at or near "${sql[i]}"`, start)
  }
  tokens.push({ type: 'eof', text: '', pos: n, end: n })
  return tokens
}

function skipBlockComment(sql: string, start: number): number {
  const n = sql.length
  let depth = 1
  let i = start + 2
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === 42 && sql.charCodeAt(i + 1) === 47) { depth--; i += 2; if (depth === 0) return i; continue }
    if (c === 47 && sql.charCodeAt(i + 1) === 42) { depth++; i += 2; continue }
    i++
  }
  throw syntaxError('unterminated /* comment', start)
}

/** Reads a '…' or "…" body with doubled-quote escapes; returns [value, offset past the end]. */
function readQuoted(sql: string, start: number, quote: number, what: string): [string, number] {
  const n = sql.length
  let i = start + 1
  let value = ''
  let chunk = i
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) {
        value += sql.slice(chunk, i + 1)
        i += 2
        chunk = i
        continue
      }
      value += sql.slice(chunk, i)
      return [value, i + 1]
    }
    i++
  }
  throw syntaxError(`unterminated ${what}`, start, what === 'string' ? "close the string with a single quote (')" : undefined)
}

/** E'…' with backslash escapes (PostgreSQL rules). `start` is the opening quote. */
function readEscapeString(sql: string, start: number): [string, number] {
  const n = sql.length
  let i = start + 1
  let value = ''
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === 39) {
      if (sql.charCodeAt(i + 1) === 39) { value += "'"; i += 2; continue }
      return [value, i + 1]
    }
    if (c === 92 && i + 1 < n) {
      const e = sql[i + 1]!
      i += 2
      switch (e) {
        case 'n': value += '\n'; break
        case 't': value += '\t'; break
        case 'r': value += '\r'; break
        case 'b': value += '\b'; break
        case 'f': value += '\f'; break
        case 'x': {
          let j = i
          while (j < n && j < i + 2 && isHexDigit(sql.charCodeAt(j))) j++
          if (j === i) { value += 'x'; break }
          value += String.fromCharCode(parseInt(sql.slice(i, j), 16))
          i = j
          break
        }
        case 'u': case 'U': {
          const len = e === 'u' ? 4 : 8
          const hex = sql.slice(i, i + len)
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw syntaxError('invalid Unicode escape', i - 2, 'Unicode escapes must be \\uXXXX or \\UXXXXXXXX')
          const cp = parseInt(hex, 16)
          if (cp > 0x10ffff) throw syntaxError('invalid Unicode escape value', i - 2)
          value += String.fromCodePoint(cp)
          i += len
          break
        }
        default:
          if (e >= '0' && e <= '7') {
            let j = i - 1
            const octStart = j
            while (j < n && j < octStart + 3 && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 55) j++
            value += String.fromCharCode(parseInt(sql.slice(octStart, j), 8) & 0xff)
            i = j
          } else {
            value += e
          }
      }
      continue
    }
    value += sql[i]
    i++
  }
  throw syntaxError('unterminated string', start - 1, "close the string with a single quote (')")
}

/** If `$tag$` starts at i (tag may be empty), returns the offset after it; else -1. */
function dollarTagEnd(sql: string, i: number): number {
  let j = i + 1
  const n = sql.length
  if (j < n && sql.charCodeAt(j) === 36) return j + 1
  if (j >= n || !isIdentStart(sql.charCodeAt(j))) return -1
  while (j < n && isIdentPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++
  return j < n && sql.charCodeAt(j) === 36 ? j + 1 : -1
}

function readNumber(sql: string, start: number, tokens: Token[]): number {
  const n = sql.length
  let i = start
  const c0 = sql.charCodeAt(i)
  const c1 = sql.charCodeAt(i + 1) | 32
  if (c0 === 48 && (c1 === 120 || c1 === 98 || c1 === 111)) { // 0x / 0b / 0o
    const radix = c1 === 120 ? 16 : c1 === 98 ? 2 : 8
    i += 2
    const digitsStart = i
    while (i < n) {
      const c = sql.charCodeAt(i)
      if (c === 95 && i > digitsStart) { i++; continue }
      if (radix === 16 ? isHexDigit(c) : radix === 2 ? (c === 48 || c === 49) : (c >= 48 && c <= 55)) { i++; continue }
      break
    }
    if (i === digitsStart) throw syntaxError(`invalid ${radix === 16 ? 'hexadecimal' : radix === 2 ? 'binary' : 'octal'} integer`, start)
    checkNoTrailingJunk(sql, start, i)
    tokens.push({ type: 'number', text: sql.slice(start, i).replaceAll('_', ''), pos: start, end: i })
    return i
  }
  let hasUnderscore = false
  i = readDigits(sql, i)
  if (i > start && sql.charCodeAt(i - 1) === 95) throw syntaxError('trailing junk after numeric literal', start)
  if (sql.charCodeAt(i) === 46 && sql.charCodeAt(i + 1) !== 46) { // '.', but not the '..' of a range
    i++
    i = readDigits(sql, i)
  }
  const e = sql.charCodeAt(i) | 32
  if (e === 101) {
    let j = i + 1
    const sign = sql.charCodeAt(j)
    if (sign === 43 || sign === 45) j++
    if (!isDigit(sql.charCodeAt(j))) throw syntaxError('trailing junk after numeric literal', start, 'an exponent needs digits, as in 1e10')
    i = readDigits(sql, j)
  }
  checkNoTrailingJunk(sql, start, i)
  let text = sql.slice(start, i)
  if (text.indexOf('_') >= 0) {
    hasUnderscore = true
    if (/_(?![0-9])|[^0-9]_/.test(text)) throw syntaxError('trailing junk after numeric literal', start, 'underscores may only separate digits, as in 1_000')
  }
  if (hasUnderscore) text = text.replaceAll('_', '')
  tokens.push({ type: 'number', text, pos: start, end: i })
  return i
}

function readDigits(sql: string, i: number): number {
  const n = sql.length
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (isDigit(c) || (c === 95 && isDigit(sql.charCodeAt(i - 1)))) i++
    else break
  }
  return i
}

function checkNoTrailingJunk(sql: string, start: number, end: number): void {
  if (end < sql.length && isIdentStart(sql.charCodeAt(end))) {
    throw syntaxError(`trailing junk after numeric literal at or near "${sql.slice(start, end + 1)}"`, start)
  }
}
