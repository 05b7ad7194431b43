/**
 * BERT's tokenizer over a `vocab.txt` (one token per line, the line number is the id): the
 * BasicTokenizer (control characters dropped, whitespace split, lower-cased, accents stripped,
 * every punctuation character and CJK ideograph its own token) then greedy longest-match-first
 * WordPiece, continuation pieces written `##piece`; a word with no split, or longer than 100
 * characters, becomes `[UNK]`. `encode` frames the pieces as `[CLS] … [SEP]` when the
 * vocabulary has those tokens, truncating the pieces so the whole fits `maxLength`.
 */
import { GrizzlyError, SqlState } from '../../core/errors.ts'

const MAX_WORD_CHARS = 100
const ASCII = /^[\x00-\x7f]*$/

export class WordPiece {
  readonly unk: number
  readonly cls: number | null
  readonly sep: number | null
  /** the id padding gets: [PAD], else 0 */
  readonly pad: number

  constructor(private readonly ids: ReadonlyMap<string, number>, readonly size: number) {
    this.unk = ids.get('[UNK]')!
    this.cls = ids.get('[CLS]') ?? null
    this.sep = ids.get('[SEP]') ?? null
    this.pad = ids.get('[PAD]') ?? 0
  }

  /** the WordPiece tokens of `text` */
  tokens(text: string): string[] {
    const out: string[] = []
    for (const word of basicTokens(text)) {
      // an ASCII word is cut by string index; others by code point
      const chars: string | string[] = ASCII.test(word) ? word : [...word]
      if (chars.length > MAX_WORD_CHARS) { out.push('[UNK]'); continue }
      const pieces: string[] = []
      let start = 0
      while (start < chars.length) {
        let end = chars.length
        let found: string | null = null
        for (; end > start; end--) {
          const piece = (start > 0 ? '##' : '') + (typeof chars === 'string' ? chars.slice(start, end) : chars.slice(start, end).join(''))
          if (this.ids.has(piece)) { found = piece; break }
        }
        if (found === null) { pieces.length = 0; pieces.push('[UNK]'); break }
        pieces.push(found)
        start = end
      }
      out.push(...pieces)
    }
    return out
  }

  /** token ids of `text`, framed by [CLS] / [SEP] and at most `maxLength` long */
  encode(text: string, maxLength: number): number[] {
    const frame = (this.cls === null ? 0 : 1) + (this.sep === null ? 0 : 1)
    const ids = this.tokens(text).slice(0, Math.max(0, maxLength - frame)).map(t => this.ids.get(t) ?? this.unk)
    if (this.cls !== null) ids.unshift(this.cls)
    if (this.sep !== null) ids.push(this.sep)
    return ids.slice(0, maxLength)
  }
}

function badVocabulary(path: string, message: string, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a WordPiece vocabulary: ${message}`, { hint })
}

/** Parses a vocab.txt; 22P04 for one that is not UTF-8, holds no tokens or lacks [UNK]. */
export function parseVocabulary(bytes: Uint8Array, path: string): WordPiece {
  let text: string
  try { text = new TextDecoder('utf-8', { fatal: true }).decode(bytes) } catch {
    throw badVocabulary(path, 'it is not UTF-8 text', 'save the vocabulary as UTF-8, one token per line (BERT\'s vocab.txt)')
  }
  const lines = text.split('\n').map(l => l.endsWith('\r') ? l.slice(0, -1) : l)
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
  const hint = "give a vocab.txt with one token per line, including [UNK] (and [CLS], [SEP], [PAD] as BERT's has)"
  if (!lines.some(l => l.trim() !== '')) throw badVocabulary(path, 'it holds no tokens', hint)
  // the id of a token is its line number; a repeated token keeps its last line, as BERT's loader does
  const ids = new Map<string, number>()
  lines.forEach((l, i) => ids.set(l, i))
  if (!ids.has('[UNK]')) throw badVocabulary(path, 'it has no [UNK] token', hint)
  return new WordPiece(ids, lines.length)
}

const MAX_CACHED = 16
const cache = new Map<string, WordPiece>()

/** the parsed vocabulary of a tokenizer file, cached by its SHA-256 */
export function cachedVocabulary(sha256: string, bytes: Uint8Array): WordPiece {
  const hit = cache.get(sha256)
  if (hit !== undefined) return hit
  const parsed = parseVocabulary(bytes, 'tokenizer')
  cache.set(sha256, parsed)
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string)
  return parsed
}

// ASCII is decided by code (the Unicode classes' regular expressions cost most of the tokenizer's time)
const isWhitespace = (c: string, cp: number): boolean => cp === 32 || cp === 9 || cp === 10 || cp === 13 || (cp >= 128 && /\p{Zs}/u.test(c))
const isControl = (c: string, cp: number): boolean => cp < 128 ? (cp < 32 && cp !== 9 && cp !== 10 && cp !== 13) || cp === 127 : /[\p{Cc}\p{Cf}]/u.test(c)
function isPunctuation(c: string, cp: number): boolean {
  // BERT counts every non-alphanumeric ASCII character as punctuation, `$` and `^` included
  if (cp < 128) return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)
  return /\p{P}/u.test(c)
}
function isCjk(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f)
}

/** BERT's BasicTokenizer, uncased: the words and punctuation marks of `text` */
export function basicTokens(text: string): string[] {
  let cleaned = ''
  for (const c of text) {
    const cp = c.codePointAt(0)!
    if (cp === 0 || cp === 0xfffd || isControl(c, cp)) continue
    if (isWhitespace(c, cp)) cleaned += ' '
    else if (isCjk(cp)) cleaned += ` ${c} `
    else cleaned += c
  }
  const out: string[] = []
  for (const word of cleaned.split(' ')) {
    if (word === '') continue
    const lower = word.toLowerCase()
    const plain = ASCII.test(lower) ? lower : lower.normalize('NFD').replace(/\p{Mn}/gu, '')
    let current = ''
    for (const c of plain) {
      if (isPunctuation(c, c.codePointAt(0)!)) {
        if (current !== '') out.push(current)
        out.push(c)
        current = ''
      } else current += c
    }
    if (current !== '') out.push(current)
  }
  return out
}
