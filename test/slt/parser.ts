/**
 * Reads a sqllogictest file into records (format: the conformance README). Loops are parsed
 * into nested `loop` records; `mode skip` … `mode unskip` regions are dropped here.
 */
import type { Condition, ExpectedResult, Record, SortMode } from './records.ts'

export class SltParseError extends Error {
  override readonly name = 'SltParseError'
  readonly line: number
  constructor(message: string, line: number) {
    super(`line ${line}: ${message}`)
    this.line = line
  }
}

/** DuckDB's special foreach words. */
const INTEGRAL = ['tinyint', 'smallint', 'integer', 'bigint', 'hugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint']
const SIGNED = ['tinyint', 'smallint', 'integer', 'bigint', 'hugeint']
const UNSIGNED = ['utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint']
const NUMERIC = [...INTEGRAL, 'float', 'double']
const ALL_TYPES = [...NUMERIC, 'bool', 'interval', 'varchar']
const SPECIAL_WORDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['<integral>', INTEGRAL], ['<signed>', SIGNED], ['<unsigned>', UNSIGNED],
  ['<numeric>', NUMERIC], ['<alltypes>', ALL_TYPES],
])

export function expandForeachWords(words: readonly string[]): string[] {
  const out: string[] = []
  for (const word of words) {
    const special = SPECIAL_WORDS.get(word.toLowerCase())
    if (special !== undefined) out.push(...special)
    else if (word.startsWith('!') && word.length > 1) {
      const removed = word.slice(1)
      const removedList = SPECIAL_WORDS.get(removed.toLowerCase()) ?? [removed]
      for (const r of removedList) {
        const at = out.indexOf(r)
        if (at >= 0) out.splice(at, 1)
      }
    } else out.push(word)
  }
  return out
}

const SORT_MODES: ReadonlyMap<string, SortMode> = new Map([
  ['nosort', 'nosort'], ['none', 'nosort'], ['rowsort', 'rowsort'], ['sort', 'rowsort'], ['valuesort', 'valuesort'],
])

const HASH_LINE = /^(\d+) values hashing to ([0-9a-fA-F]{32})$/

const isBlank = (s: string): boolean => s.trim() === ''
const isComment = (s: string): boolean => s.startsWith('#')

interface OpenLoop { readonly line: number; readonly names: string[]; readonly iterations: string[][]; readonly body: Record[] }

/** Parses a whole file. `dialect` decides whether a query's third word may be a connection name. */
export function parseSlt(text: string, dialect: 'duckdb' | 'sqlite'): Record[] {
  const lines = text.replace(/\r/g, '').split('\n')
  const top: Record[] = []
  const loops: OpenLoop[] = []
  let skipping = false
  let i = 0
  const emit = (r: Record): void => {
    if (skipping) return
    const open = loops[loops.length - 1]
    if (open !== undefined) open.body.push(r)
    else top.push(r)
  }

  while (i < lines.length) {
    const first = lines[i]!
    if (isBlank(first) || isComment(first)) { i++; continue }
    const conditions: Condition[] = []
    let words = tokenize(first)
    let line = i + 1
    while (words[0] === 'skipif' || words[0] === 'onlyif') {
      // a trailing `# comment` (common in SQLite files) is not part of the argument
      conditions.push({ kind: words[0], argument: words.slice(1).join(' ').replace(/\s*#.*$/, '').trim() })
      i++
      const next = lines[i]
      if (next === undefined || isBlank(next) || isComment(next)) throw new SltParseError(`${words[0]} without a record after it`, line)
      words = tokenize(next)
      line = i + 1
    }
    i++ // past the command line
    const command = words[0]!
    switch (command) {
      case 'statement': {
        const sqlLines = readUntil(lines, i, true)
        i += sqlLines.length
        let errorMessage: string | undefined
        if (lines[i]?.trimEnd() === '----') {
          i++
          const msg = readUntil(lines, i, false)
          i += msg.length
          errorMessage = msg.join('\n')
        }
        const mode = words[1] ?? ''
        const expect = mode === 'ok' ? 'ok' : mode === 'error' ? 'error'
          : mode === 'maybe' || mode === 'debug' || mode === 'debug_skip' ? 'maybe' : undefined
        if (expect === undefined) throw new SltParseError(`unknown statement mode "${mode}"`, line)
        if (sqlLines.length === 0) throw new SltParseError('statement without SQL', line)
        emit({ kind: 'statement', line, conditions, expect, connection: words[2], sql: sqlLines.join('\n'), errorMessage })
        break
      }
      case 'query': {
        const types = words[1]
        if (types === undefined) throw new SltParseError('query without a type string', line)
        let sortMode: SortMode = 'nosort'
        let connection: string | undefined
        let label: string | undefined
        const third = words[2]
        if (third !== undefined) {
          const mode = SORT_MODES.get(third)
          if (mode !== undefined) sortMode = mode
          else if (dialect === 'duckdb') connection = third
          else throw new SltParseError(`unknown sort mode "${third}"`, line)
        }
        label = words[3]
        const sqlLines = readUntil(lines, i, true)
        i += sqlLines.length
        let expected: ExpectedResult = { kind: 'values', lines: [] }
        if (lines[i]?.trimEnd() === '----') {
          i++
          const result = readUntil(lines, i, false)
          i += result.length
          const hash = result.length === 1 ? HASH_LINE.exec(result[0]!.trim()) : null
          expected = hash !== null
            ? { kind: 'hash', count: Number(hash[1]), hash: hash[2]!.toLowerCase() }
            : { kind: 'values', lines: result }
        }
        if (sqlLines.length === 0) throw new SltParseError('query without SQL', line)
        emit({ kind: 'query', line, conditions, types, sortMode, label, connection, sql: sqlLines.join('\n'), expected })
        break
      }
      case 'hash-threshold': emit({ kind: 'hash-threshold', line, threshold: Number(words[1] ?? 0) }); break
      case 'halt': emit({ kind: 'halt', line, conditions }); break
      case 'continue': emit({ kind: 'continue', line, conditions }); break
      case 'loop': case 'concurrentloop': {
        const [, name, start, end] = words
        const from = Number(start), to = Number(end)
        if (name === undefined || !Number.isInteger(from) || !Number.isInteger(to)) throw new SltParseError(`bad ${command}: ${first}`, line)
        const iterations: string[][] = []
        for (let v = from; v < to; v++) iterations.push([String(v)])
        loops.push({ line, names: [name], iterations, body: [] })
        break
      }
      case 'foreach': case 'concurrentforeach': {
        const names = (words[1] ?? '').split(',')
        if (names[0] === '') throw new SltParseError(`bad ${command}: ${first}`, line)
        const iterations = expandForeachWords(words.slice(2)).map(w => names.length === 1 ? [w] : w.split(','))
        loops.push({ line, names, iterations, body: [] })
        break
      }
      case 'endloop': {
        const open = loops.pop()
        if (open === undefined) throw new SltParseError('endloop without loop', line)
        emit({ kind: 'loop', line: open.line, names: open.names, iterations: open.iterations, body: open.body })
        break
      }
      case 'require': emit({ kind: 'require', line, feature: words[1] ?? '', argument: words[2] }); break
      case 'mode':
        if (words[1] === 'skip') skipping = true
        else if (words[1] === 'unskip') skipping = false
        else emit({ kind: 'noop', line, command: first })
        break
      case 'set':
        if (words[1] === 'seed') emit({ kind: 'set-seed', line, seed: words[2] ?? '0' })
        else if (words[1] === 'ignore_error_messages') {
          const messages = first.replace(/^\s*set\s+ignore_error_messages\s*/, '').split(',').map(s => s.trim()).filter(s => s !== '')
          emit({ kind: 'ignore-errors', line, messages })
        } else emit({ kind: 'unsupported', line, command: first })
        break
      case 'reset':
        if (words[1] === 'label' && words[2] !== undefined) emit({ kind: 'reset-label', line, label: words[2] })
        else emit({ kind: 'unsupported', line, command: first })
        break
      case 'sleep': case 'tags': case 'unzip':
        emit({ kind: 'noop', line, command: first })
        break
      case 'load': case 'restart': case 'reconnect': case 'require-env': case 'test-env':
        emit({ kind: 'unsupported', line, command: first })
        break
      default:
        throw new SltParseError(`unknown command "${command}"`, line)
    }
    // the rest of the record, then the gap to the next one
    while (i < lines.length && lines[i] !== '' && !isComment(lines[i]!)) i++
  }
  if (loops.length > 0) throw new SltParseError('loop without endloop', loops[loops.length - 1]!.line)
  return top
}

function tokenize(line: string): string[] {
  return line.trim().split(/\s+/)
}

/** Lines from `start` up to a blank line (and, for SQL, a comment or `----` line). */
function readUntil(lines: readonly string[], start: number, sql: boolean): string[] {
  const out: string[] = []
  for (let i = start; i < lines.length; i++) {
    const l = lines[i]!
    // only a truly empty line ends a block: a result value may be all spaces
    if (l === '') break
    if (sql && (l.trimEnd() === '----' || isComment(l))) break
    out.push(l)
  }
  return out
}
