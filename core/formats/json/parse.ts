/**
 * JSON text → JavaScript values. JSON.parse does the work when it can (it is native and fast);
 * this parser takes over where JSON.parse falls short: integers beyond 2^53 (kept exact as
 * bigint), a sequence of values separated by whitespace (pretty-printed objects one after the
 * other), and the offset of the first error, which JSON.parse does not always give.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue }

export class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) { super(message) }
}

/**
 * A run of 16+ digits may be an integer JSON.parse would round. Callers that convert values
 * themselves skip this test (`checkBig` false) and re-parse exactly when they meet an unsafe integer.
 */
const MAYBE_BIG = /\d{16}/

/**
 * Parses one JSON text (surrounding whitespace allowed). Throws JsonSyntaxError. With `exact`,
 * every integer is a bigint and every other number a number, so `1.0` and `1` stay apart (type
 * detection needs that; JSON.parse gives 1 for both).
 */
export function parseJson(text: string, maxDepth = 1000, exact = false, checkBig = true): JsonValue {
  if (!exact && !(checkBig && MAYBE_BIG.test(text))) {
    try { return JSON.parse(text) as JsonValue } catch { /* fall through for the error position */ }
  }
  const p = new JsonParser(text, maxDepth, exact)
  p.skipSpace()
  const v = p.value(0)
  p.skipSpace()
  if (p.i < text.length) throw new JsonSyntaxError(`unexpected ${describe(text, p.i)} after the JSON value`, p.i)
  return v
}

/** Calls `each` for every JSON value in `text`, values separated by whitespace only. */
export function parseJsonSequence(text: string, each: (value: JsonValue, offset: number) => void, maxDepth = 1000, exact = false): void {
  const p = new JsonParser(text, maxDepth, exact)
  p.skipSpace()
  while (p.i < text.length) {
    const at = p.i
    each(p.value(0), at)
    p.skipSpace()
    if (text.charCodeAt(p.i) === 0x2c) { p.i++; p.skipSpace() } // tolerate a comma between records
  }
}

function describe(text: string, i: number): string {
  if (i >= text.length) return 'end of input'
  const ch = text[i]!
  return /[\x21-\x7e]/.test(ch) ? `character '${ch}'` : `character U+${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
}

class JsonParser {
  i = 0
  constructor(readonly s: string, readonly maxDepth: number, readonly exact: boolean) {}

  skipSpace(): void {
    const s = this.s
    let i = this.i
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    }
    this.i = i
  }

  fail(what: string): never {
    throw new JsonSyntaxError(`${what}, found ${describe(this.s, this.i)}`, this.i)
  }

  value(depth: number): JsonValue {
    if (depth > this.maxDepth) throw new JsonSyntaxError(`JSON nested deeper than ${this.maxDepth} levels`, this.i)
    const c = this.s.charCodeAt(this.i)
    switch (c) {
      case 0x7b: return this.object(depth)
      case 0x5b: return this.array(depth)
      case 0x22: return this.string()
      case 0x74: return this.word('true', true)
      case 0x66: return this.word('false', false)
      case 0x6e: return this.word('null', null)
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number()
        return this.fail('expected a JSON value')
    }
  }

  word<T extends JsonValue>(w: string, v: T): T {
    if (this.s.startsWith(w, this.i)) { this.i += w.length; return v }
    return this.fail(`expected ${w}`)
  }

  object(depth: number): JsonValue {
    this.i++
    const out: { [key: string]: JsonValue } = {}
    this.skipSpace()
    if (this.s.charCodeAt(this.i) === 0x7d) { this.i++; return out }
    for (;;) {
      this.skipSpace()
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail('expected a "key" in the object')
      const key = this.string()
      this.skipSpace()
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("expected ':' after the key")
      this.i++
      this.skipSpace()
      out[key] = this.value(depth + 1)
      this.skipSpace()
      const c = this.s.charCodeAt(this.i)
      if (c === 0x2c) { this.i++; continue }
      if (c === 0x7d) { this.i++; return out }
      this.fail("expected ',' or '}' in the object")
    }
  }

  array(depth: number): JsonValue {
    this.i++
    const out: JsonValue[] = []
    this.skipSpace()
    if (this.s.charCodeAt(this.i) === 0x5d) { this.i++; return out }
    for (;;) {
      this.skipSpace()
      out.push(this.value(depth + 1))
      this.skipSpace()
      const c = this.s.charCodeAt(this.i)
      if (c === 0x2c) { this.i++; continue }
      if (c === 0x5d) { this.i++; return out }
      this.fail("expected ',' or ']' in the array")
    }
  }

  string(): string {
    const s = this.s
    const start = ++this.i
    let i = start
    let simple = true
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c === 0x22) break
      if (c === 0x5c) { simple = false; i++; continue }
      if (c < 0x20) { this.i = i; this.fail('unescaped control character in a string') }
    }
    if (i >= s.length) { this.i = start - 1; this.fail('unterminated string') }
    this.i = i + 1
    if (simple) return s.slice(start, i)
    try {
      return JSON.parse(s.slice(start - 1, i + 1)) as string
    } catch {
      this.i = start
      return this.fail('invalid escape in a string')
    }
  }

  number(): number | bigint {
    const s = this.s
    const start = this.i
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y
    m.lastIndex = start
    const r = m.exec(s)
    if (r === null) this.fail('invalid number')
    this.i = start + r[0].length
    const text = r[0]
    if (r[1] === undefined && r[2] === undefined) {
      if (this.exact) return BigInt(text)
      const n = Number(text)
      if (Number.isSafeInteger(n)) return n
      return BigInt(text)
    }
    return Number(text)
  }
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let last = -1
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) { line++; last = i }
  return { line, column: offset - last }
}
