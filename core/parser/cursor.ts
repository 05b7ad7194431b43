/**
 * The token cursor shared by the parsing modules: lookahead, keyword/operator matching, and the
 * uniform `syntax error at or near "…"` errors.
 */
import { syntaxError, type GrizzlyError } from '../errors.ts'
import { tokenize, type Token } from './lexer.ts'
import { isReservedForColumn } from './keywords.ts'

export class Cursor {
  readonly sql: string
  readonly tokens: Token[]
  index = 0
  /** how many `?` parameters have been seen, for left-to-right numbering */
  questionParams = 0
  /** set while parsing a LIMIT expression, where a trailing `%` means percent */
  limitPercent = false

  constructor(sql: string, tokens?: Token[]) {
    this.sql = sql
    this.tokens = tokens ?? tokenize(sql)
  }

  peek(offset = 0): Token {
    const i = this.index + offset
    const t = this.tokens[i < this.tokens.length ? i : this.tokens.length - 1]
    return t!
  }

  get pos(): number { return this.peek().pos }

  next(): Token {
    const t = this.peek()
    if (t.type !== 'eof') this.index++
    return t
  }

  atEnd(): boolean { return this.peek().type === 'eof' }

  /** Unquoted word `word` (lower case) at offset. */
  isKw(word: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.type === 'ident' && t.text === word
  }

  isAnyKw(words: ReadonlySet<string>, offset = 0): boolean {
    const t = this.peek(offset)
    return t.type === 'ident' && words.has(t.text)
  }

  acceptKw(word: string): boolean {
    if (this.isKw(word)) { this.index++; return true }
    return false
  }

  /** The keywords `words` at the cursor, in order. */
  isKws(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isKw(words[k]!, k)) return false
    return true
  }

  /** Accepts a sequence of keywords only if all of them are present. */
  acceptKws(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isKw(words[k]!, k)) return false
    this.index += words.length
    return true
  }

  expectKw(word: string): Token {
    if (!this.isKw(word)) throw this.unexpected(undefined, `expected ${word.toUpperCase()}`)
    return this.next()
  }

  isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.type === 'op' && t.text === text
  }

  acceptOp(text: string): boolean {
    if (this.isOp(text)) { this.index++; return true }
    return false
  }

  expectOp(text: string): Token {
    if (!this.isOp(text)) throw this.unexpected(undefined, text === ')' ? 'missing closing parenthesis' : `expected "${text}"`)
    return this.next()
  }

  /** A column/table name: a non-reserved word or a quoted identifier. */
  isIdentifier(offset = 0): boolean {
    const t = this.peek(offset)
    return t.type === 'quoted' || (t.type === 'ident' && !isReservedForColumn(t.text))
  }

  identifier(what = 'identifier'): string {
    if (!this.isIdentifier()) throw this.unexpected(undefined, `expected ${what}`)
    return this.next().text
  }

  /** After AS or a dot any word is allowed, keywords included (PostgreSQL's ColLabel). */
  isLabel(offset = 0): boolean {
    const t = this.peek(offset)
    return t.type === 'quoted' || t.type === 'ident'
  }

  label(what = 'name'): string {
    if (!this.isLabel()) throw this.unexpected(undefined, `expected ${what}`)
    return this.next().text
  }

  /** `a.b.c`, each part an identifier (later parts may be any label). */
  qualifiedName(what = 'name'): string[] {
    const parts = [this.identifier(what)]
    while (this.isOp('.') && this.isLabel(1)) {
      this.index++
      parts.push(this.next().text)
    }
    return parts
  }

  /** The source text of a token, for messages. */
  tokenText(t: Token): string { return this.sql.slice(t.pos, t.end) }

  unexpected(t: Token = this.peek(), hint?: string): GrizzlyError {
    if (t.type === 'eof') return syntaxError('syntax error at end of input', t.pos, hint)
    return syntaxError(`syntax error at or near "${this.tokenText(t)}"`, t.pos, hint)
  }
}
