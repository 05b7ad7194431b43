/**
 * Splits CSV text into records and fields without building per-row objects: a batch holds the
 * text and, per field, its start/end offsets and a flag; per record, its first field and line.
 * Text arrives in pieces (blocks of a file); a record cut by a piece boundary is re-read once
 * the next piece is appended, so quoted fields and CRLF pairs may span blocks.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'

export interface Dialect {
  /** char codes; -1 = none */
  readonly delimiter: number
  /** the characters after the first of a delimiter of several (DuckDB takes up to 4 bytes); '' or absent for one */
  readonly delimiterRest?: string
  readonly quote: number
  readonly escape: number
  readonly comment: number
}

/** Field flags: how the text between start and end must be read. */
export const PLAIN = 0
export const QUOTED = 1
/** quoted with doubled quotes or escapes inside: unescape before use */
export const ESCAPED = 2

export class FieldBatch {
  text = ''
  starts = new Int32Array(1024)
  ends = new Int32Array(1024)
  flags = new Uint8Array(1024)
  /** per record: index of its first field; entry `records` is the end of the last */
  recordFirst = new Int32Array(1025)
  recordLine = new Float64Array(1024)
  /** per record: a malformed-record message index (0 = fine) */
  recordError = new Uint8Array(1024)
  /** per malformed record: the index (in the record) of the field at fault */
  recordErrorField = new Int32Array(1024)
  /** the byte offset in the (decompressed) input at which `text` starts, for reject positions */
  byteBase = 0
  records = 0
  fields = 0

  reset(): void { this.records = 0; this.fields = 0; this.recordFirst[0] = 0 }

  growFields(): void {
    const n = this.starts.length * 2
    const s = new Int32Array(n); s.set(this.starts); this.starts = s
    const e = new Int32Array(n); e.set(this.ends); this.ends = e
    const f = new Uint8Array(n); f.set(this.flags); this.flags = f
  }

  ensureRecords(n: number): void {
    if (n < this.recordLine.length) return
    const cap = Math.max(n + 1, this.recordLine.length * 2)
    const rf = new Int32Array(cap + 1); rf.set(this.recordFirst); this.recordFirst = rf
    const rl = new Float64Array(cap); rl.set(this.recordLine); this.recordLine = rl
    const re = new Uint8Array(cap); re.set(this.recordError); this.recordError = re
    const ef = new Int32Array(cap); ef.set(this.recordErrorField); this.recordErrorField = ef
  }
}

export const RECORD_ERRORS = ['', 'a character follows the closing quote of a value', 'unterminated quoted value'] as const

/**
 * The next piece of text with `carry` (the unread rest of the previous piece) in front, as one
 * flat string; null at the end. Flat matters: charCodeAt over concatenated or sliced strings is
 * about half as fast.
 */
export type TextSource = (carry: string) => string | null

export class CsvTokenizer {
  private text = ''
  private pos = 0
  private eof = false
  /** line number of the character at `pos` (1-based) */
  line = 1
  private readonly d: Dialect
  private readonly source: TextSource
  private readonly path: string
  private readonly maxLineSize: number
  /** pieces pulled so far, so positions found in one piece are not used in the next */
  private pieces = 0
  /** the byte offset at which `text` starts */
  private byteBase = 0
  /** whether the current piece holds a carriage return at all */
  private hasCr = false
  /**
   * strict_mode = false: a quote inside a quoted value that is not followed by the delimiter or
   * a line end is part of the value, and a quote left open at the end of the file ends there
   */
  private readonly strict: boolean

  constructor(dialect: Dialect, source: TextSource, path: string, maxLineSize: number, strict = true) {
    this.d = dialect
    this.source = source
    this.path = path
    this.maxLineSize = maxLineSize
    this.strict = strict
  }

  /** Skips `n` lines (the `skip` option), counting physical lines, not records; comment lines do not count (DuckDB). */
  skipLines(n: number): void {
    let skipped = 0
    while (skipped < n) {
      const nl = this.text.indexOf('\n', this.pos)
      if (nl < 0) {
        if (!this.pull()) { this.pos = this.text.length; return }
        continue
      }
      if (!isCommentLine(this.text, this.pos, this.d.comment)) skipped++
      this.pos = nl + 1; this.line++
    }
  }

  private pull(): boolean {
    if (this.eof) return false
    const carry = this.pos < this.text.length ? this.text.slice(this.pos) : ''
    const piece = this.source(carry)
    if (piece === null) { this.eof = true; return false }
    // once per block: where the new text starts in the input, in bytes (native counts)
    this.byteBase += Buffer.byteLength(this.text) - Buffer.byteLength(carry)
    this.text = piece
    this.pieces++
    this.hasCr = piece.indexOf('\r') >= 0
    this.pos = 0
    return true
  }

  /** True when more text (or the end) must be seen before the record at `start` can be read. */
  private needMore(start: number): boolean {
    if (this.eof) return false
    if (this.text.length - start > this.maxLineSize) {
      throw new GrizzlyError(SqlState.badFileFormat, `line ${this.line} of "${this.path}" is longer than max_line_size (${this.maxLineSize} bytes)`, {
        hint: 'raise max_line_size (and buffer_size, if given), or check the quote character: an unclosed quote makes the rest of the file one value',
      })
    }
    return true
  }

  /**
   * Reads up to `maxRecords` records into `batch` (offsets into batch.text). Returns false
   * when the input is exhausted and no record was read.
   */
  next(batch: FieldBatch, maxRecords: number): boolean {
    batch.reset()
    // the text only changes between batches: a batch ends early rather than see its text replaced
    if (this.pos >= this.text.length && !this.pull()) return false
    const { delimiter, quote, escape, comment } = this.d
    const strict = this.strict
    // unquoted values end at the next delimiter or line end, found with indexOf (a memchr, about
    // twice the speed of a charCodeAt loop) and kept until passed; not with a comment character
    const seek = comment < 0 && delimiter >= 0
    // a delimiter of several characters: its first is matched as a single one is, then the rest
    const rest = this.d.delimiterRest ?? ''
    const multi = rest.length > 0
    const delimiterChar = String.fromCharCode(delimiter) + rest
    let nextDelimiter = -1, nextNl = -1, nextCr = -1, seen = -1
    batch.ensureRecords(maxRecords)
    // hot arrays in locals (re-read after growing)
    let starts = batch.starts, ends = batch.ends, flags = batch.flags
    while (batch.records < maxRecords) {
      const recordStart = this.pos
      const startLine = this.line
      const firstField = batch.fields
      const text = this.text
      const n = text.length
      const eof = this.eof
      if (seen !== this.pieces) { seen = this.pieces; nextDelimiter = nextNl = nextCr = -1 }
      let pos = this.pos
      let line = this.line
      // the record's fields are counted here and published when it is complete
      let fi = firstField
      if (pos >= n) {
        if (!this.needMore(pos) || batch.records > 0) break
        this.pull()
        continue
      }
      let c = text.charCodeAt(pos)
      // blank lines and comment lines are not records
      if (c === 10 || c === 13) {
        if (c === 13 && pos + 1 >= n && this.needMore(pos)) {
          if (batch.records > 0) break
          this.pull()
          continue
        }
        pos += c === 13 && text.charCodeAt(pos + 1) === 10 ? 2 : 1
        this.pos = pos; this.line = line + 1
        continue
      }
      if (c === comment) {
        const nl = text.indexOf('\n', pos)
        if (nl < 0) {
          if (this.needMore(pos)) {
            if (batch.records > 0) break
            this.pull()
            continue
          }
          this.pos = n; break
        }
        this.pos = nl + 1; this.line = line + 1
        continue
      }
      let incomplete = false
      let commentLine = false
      let bad = 0, badField = 0
      fields: for (;;) {
        if (fi >= starts.length) { batch.growFields(); starts = batch.starts; ends = batch.ends; flags = batch.flags }
        if (pos < n && text.charCodeAt(pos) === quote) {
          pos++
          const s = pos
          let flag = QUOTED
          for (;;) {
            if (pos >= n) {
              if (!eof) { incomplete = true; break fields }
              // a quote open at the end: the value runs to it (strict_mode = false) or the record is malformed
              if (strict) { bad = 2; badField = fi - firstField }
              break
            }
            c = text.charCodeAt(pos)
            if (c === quote) {
              if (pos + 1 >= n && !eof) { incomplete = true; break fields }
              const after = pos + 1 < n ? text.charCodeAt(pos + 1) : -1
              if (escape === quote && after === quote) { pos += 2; flag = ESCAPED; continue }
              if (multi && after === delimiter && pos + 1 + rest.length >= n && !eof) { incomplete = true; break fields }
              if (!strict && after !== -1 && after !== 10 && after !== 13 && (after !== delimiter || (multi && !text.startsWith(rest, pos + 2)))) {
                // relaxed: a stray quote; with quote = escape it is dropped as DuckDB does
                if (escape === quote) flag = ESCAPED
                pos++
                continue
              }
              break
            }
            if (c === escape) {
              if (pos + 1 >= n) {
                if (!eof) { incomplete = true; break fields }
                if (strict) { bad = 2; badField = fi - firstField }
                pos = n
                break
              }
              if (text.charCodeAt(pos + 1) === 10) line++
              pos += 2; flag = ESCAPED; continue
            }
            if (c === 10) line++
            pos++
          }
          starts[fi] = s; ends[fi] = pos; flags[fi] = flag
          if (pos < n) pos++
          // anything between the closing quote and the delimiter makes the record malformed
          if (pos < n) {
            c = text.charCodeAt(pos)
            if (c !== 10 && c !== 13 && (c !== delimiter || (multi && !text.startsWith(rest, pos + 1)))) {
              let k = pos
              while (k < n && (c = text.charCodeAt(k)) !== 10 && c !== 13 && (c !== delimiter || (multi && !text.startsWith(rest, k + 1)))) k++
              if (k >= n && !eof) { incomplete = true; break fields }
              // trailing spaces after a quote are harmless
              if (text.slice(pos, k).trim() !== '' && bad === 0) { bad = 1; badField = fi - firstField }
              pos = k
            }
          }
        } else {
          const s = pos
          if (seek) {
            if (nextDelimiter < pos) { nextDelimiter = text.indexOf(delimiterChar, pos); if (nextDelimiter < 0) nextDelimiter = n }
            if (nextNl < pos) { nextNl = text.indexOf('\n', pos); if (nextNl < 0) nextNl = n }
            pos = nextDelimiter < nextNl ? nextDelimiter : nextNl
            if (this.hasCr) {
              if (nextCr < s) { nextCr = text.indexOf('\r', s); if (nextCr < 0) nextCr = n }
              if (nextCr < pos) pos = nextCr
            }
          } else {
            while (pos < n && (c = text.charCodeAt(pos)) !== 10 && c !== 13 && c !== comment && (c !== delimiter || (multi && !text.startsWith(rest, pos + 1)))) pos++
          }
          if (pos >= n && !eof) { incomplete = true; break fields }
          starts[fi] = s; ends[fi] = pos; flags[fi] = PLAIN
          if (pos < n && c === comment) {
            // a comment after a value ends the record: the rest of the line is skipped
            const nl = text.indexOf('\n', pos)
            if (nl < 0 && !eof) { incomplete = true; break fields }
            pos = nl < 0 ? n : nl + 1
            line++
            // only blanks before it: the whole line is a comment, as in DuckDB
            if (fi === firstField && text.slice(s, ends[fi]!).trim() === '') { commentLine = true; break fields }
            fi++
            break
          }
        }
        fi++
        if (pos >= n) {
          if (!eof) { incomplete = true; break fields }
          break
        }
        c = text.charCodeAt(pos)
        if (c === delimiter) {
          pos += 1 + rest.length
          if (pos >= n && !eof) { incomplete = true; break fields }
          continue
        }
        if (c === 13) {
          if (pos + 1 >= n && !eof) { incomplete = true; break fields }
          pos += text.charCodeAt(pos + 1) === 10 ? 2 : 1
        } else pos++
        line++
        break
      }
      if (incomplete) {
        this.line = startLine
        // the record is read again from its start: positions found past it may skip values
        nextDelimiter = nextNl = nextCr = -1
        // more text, or the end: either way the record reads again from its start
        if (this.needMore(recordStart)) {
          if (batch.records > 0) break
          this.pull()
          continue
        }
        if (quote >= 0) {
          throw new GrizzlyError(SqlState.badFileFormat, `unterminated quoted value at line ${startLine} of "${this.path}"`, {
            hint: `close the quote (${String.fromCharCode(quote)}) or read with quote = '' if quotes are plain characters in this file`,
          })
        }
        throw new GrizzlyError(SqlState.badFileFormat, `unexpected end of "${this.path}" at line ${startLine}`, { hint: 'the file may be truncated' })
      }
      if (commentLine) { this.pos = pos; this.line = line; continue }
      if (pos - recordStart > this.maxLineSize) {
        throw new GrizzlyError(SqlState.badFileFormat, `line ${startLine} of "${this.path}" is longer than max_line_size (${this.maxLineSize} bytes)`, {
          hint: 'raise max_line_size (and buffer_size, if given), or check the quote character: an unclosed quote makes the rest of the file one value',
        })
      }
      const r = batch.records
      batch.fields = fi
      batch.recordLine[r] = startLine
      batch.recordError[r] = bad
      batch.recordErrorField[r] = badField
      batch.records = r + 1
      batch.recordFirst[r + 1] = fi
      this.pos = pos
      this.line = line
    }
    batch.text = this.text
    batch.byteBase = this.byteBase
    return batch.records > 0
  }
}

/** Whether the line starting at `at` holds only blanks before the comment character. */
function isCommentLine(text: string, at: number, comment: number): boolean {
  if (comment < 0) return false
  let c = text.charCodeAt(at)
  while (c === 32 || c === 9) c = text.charCodeAt(++at)
  return c === comment
}

/** `text` after its first `n` lines, comment lines not counted (as CsvTokenizer.skipLines). */
export function skipText(text: string, n: number, comment: number): string {
  let at = 0
  for (let k = 0; k < n;) {
    const nl = text.indexOf('\n', at)
    if (nl < 0) return ''
    if (!isCommentLine(text, at, comment)) k++
    at = nl + 1
  }
  return at === 0 ? text : text.slice(at)
}

/** The text of field `fi` with its quotes and escapes resolved. */
export function fieldText(batch: FieldBatch, fi: number, quote: number, escape: number): string {
  const s = batch.starts[fi]!, e = batch.ends[fi]!
  const t = batch.text.slice(s, e)
  if (batch.flags[fi] !== ESCAPED) return t
  let out = ''
  let k = 0
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i)
    // a lone quote (read with strict_mode = false) is dropped, a doubled one kept once
    if ((c === escape && escape !== quote) || (c === quote && escape === quote)) {
      out += t.slice(k, i)
      k = i + 1
      i++
    }
  }
  return out + t.slice(k)
}
