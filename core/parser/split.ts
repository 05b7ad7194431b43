/**
 * Splitting scripts into statements without parsing them: quotes, comments and dollar-quoted
 * bodies are skipped so a `;` inside them does not end a statement. Never throws: an
 * unterminated quote simply runs to the end of the text (the parser reports it later).
 */

export interface StatementText {
  readonly text: string
  /** offset of the statement's first character in the script */
  readonly start: number
  /** offset just past its last character (before the `;`) */
  readonly end: number
}

interface ScanState {
  /** offsets of the top-level `;`s */
  readonly semicolons: number[]
  /** still inside a quote or block comment at the end of the text */
  readonly open: boolean
  /** offset just past the last character that is not whitespace or comment */
  readonly lastSignificant: number
}

function scan(sql: string): ScanState {
  const n = sql.length
  const semicolons: number[] = []
  let lastSignificant = 0
  let i = 0
  while (i < n) {
    const c = sql.charCodeAt(i)
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 12) { i++; continue }
    if (c === 45 && sql.charCodeAt(i + 1) === 45) { // --
      while (i < n && sql.charCodeAt(i) !== 10) i++
      continue
    }
    if (c === 47 && sql.charCodeAt(i + 1) === 42) { // /* nested */
      let depth = 1
      i += 2
      while (i < n && depth > 0) {
        if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) { depth--; i += 2 }
        else if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) { depth++; i += 2 }
        else i++
      }
      if (depth > 0) return { semicolons, open: true, lastSignificant }
      continue
    }
    if (c === 39 || c === 34 || c === 96) {
      // E'…' allows backslash escapes of the quote
      const prev = i > 0 ? sql.charCodeAt(i - 1) | 32 : 0
      const backslashEscapes = c === 39 && prev === 101 && (i < 2 || !isWordChar(sql.charCodeAt(i - 2)))
      i++
      let closed = false
      while (i < n) {
        const d = sql.charCodeAt(i)
        if (backslashEscapes && d === 92) { i += 2; continue }
        if (d === c) {
          if (sql.charCodeAt(i + 1) === c) { i += 2; continue }
          i++
          closed = true
          break
        }
        i++
      }
      if (!closed) return { semicolons, open: true, lastSignificant: n }
      lastSignificant = i
      continue
    }
    if (c === 36) { // $tag$ … $tag$
      const tagEnd = dollarTag(sql, i)
      if (tagEnd > 0) {
        const tag = sql.slice(i, tagEnd)
        const close = sql.indexOf(tag, tagEnd)
        if (close < 0) return { semicolons, open: true, lastSignificant: n }
        i = close + tag.length
        lastSignificant = i
        continue
      }
    }
    if (c === 59) semicolons.push(i)
    i++
    lastSignificant = i
  }
  return { semicolons, open: false, lastSignificant }
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c >= 128
}

function dollarTag(sql: string, i: number): number {
  // `$1` is a parameter, and a `$` inside a word (a$b) is part of the word
  if (i > 0 && isWordChar(sql.charCodeAt(i - 1))) return -1
  let j = i + 1
  const n = sql.length
  if (j < n && sql.charCodeAt(j) === 36) return j + 1
  const first = sql.charCodeAt(j)
  if (!(isWordChar(first) && !(first >= 48 && first <= 57))) return -1
  while (j < n && isWordChar(sql.charCodeAt(j))) j++
  return j < n && sql.charCodeAt(j) === 36 ? j + 1 : -1
}

/** The statements of a script, in order; empty ones (only spaces/comments) are left out. */
export function splitStatements(sql: string): StatementText[] {
  const { semicolons } = scan(sql)
  const out: StatementText[] = []
  let from = 0
  const bounds = [...semicolons, sql.length]
  for (const semicolon of bounds) {
    pushTrimmed(sql, from, semicolon, out)
    from = semicolon + 1
  }
  return out
}

function pushTrimmed(sql: string, from: number, to: number, out: StatementText[]): void {
  // trim whitespace and comments at both ends by rescanning the piece
  const piece = sql.slice(from, to)
  const inner = scan(piece)
  if (inner.lastSignificant === 0 && !inner.open) return
  let start = 0
  for (;;) {
    while (start < piece.length && /\s/.test(piece[start]!)) start++
    if (piece.startsWith('--', start)) {
      const nl = piece.indexOf('\n', start)
      start = nl < 0 ? piece.length : nl + 1
      continue
    }
    if (piece.startsWith('/*', start)) {
      const endOfComment = blockCommentEnd(piece, start)
      if (endOfComment < 0) break
      start = endOfComment
      continue
    }
    break
  }
  const end = inner.open ? piece.length : inner.lastSignificant
  if (end <= start) return
  out.push({ text: piece.slice(start, end), start: from + start, end: from + end })
}

function blockCommentEnd(s: string, start: number): number {
  let depth = 1
  let i = start + 2
  while (i < s.length) {
    if (s.startsWith('*/', i)) { depth--; i += 2; if (depth === 0) return i; continue }
    if (s.startsWith('/*', i)) { depth++; i += 2; continue }
    i++
  }
  return -1
}

/** True when the text ends a statement: a final `;` outside quotes and comments. */
export function isCompleteStatement(sql: string): boolean {
  const state = scan(sql)
  if (state.open) return false
  const last = state.semicolons[state.semicolons.length - 1]
  return last !== undefined && last + 1 === state.lastSignificant
}
