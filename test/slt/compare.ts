/**
 * Turning a query's result into the strings a sqllogictest file lists, and comparing them with
 * the expected lines under the rules of each dialect.
 */
import type { ColumnClass, SltResult } from './engine.ts'
import { renderDuckdb, renderSqlite } from './render.ts'

export type Dialect = 'duckdb' | 'sqlite'

/** Rows of rendered values (before sorting). */
export function renderResult(result: SltResult, types: string, dialect: Dialect): string[][] {
  const out: string[][] = []
  const { columns, rows, text } = result
  for (let r = 0; r < text.length; r++) {
    const textRow = text[r]!
    const valueRow = rows[r]
    const rendered: string[] = new Array<string>(textRow.length)
    for (let c = 0; c < textRow.length; c++) {
      const t = textRow[c] ?? null
      const column = columns[c]
      if (dialect === 'sqlite') {
        rendered[c] = renderSqlite(valueRow?.[c] ?? t, t, types[c] ?? 'T', column)
      } else if (column?.class === 'boolean' && t !== null) {
        // DuckDB's harness prints booleans as 1/0 (expected files may say true/false)
        rendered[c] = t === 'true' ? '1' : t === 'false' ? '0' : t
      } else rendered[c] = renderDuckdb(t)
    }
    out.push(rendered)
  }
  return out
}

/**
 * Splits DuckDB expected lines into values: one row per line when the query has several
 * columns and there is a line per row, or when every line holds a tab; else one value per line.
 */
export function expectedValues(lines: readonly string[], columnCount: number, rowCount: number): string[] {
  const rowPerLine = (columnCount > 1 && lines.length === rowCount) || (lines.length > 0 && lines.every(l => l.includes('\t')))
  if (!rowPerLine) return [...lines]
  const out: string[] = []
  for (const line of lines) for (const piece of line.split('\t')) if (piece !== '') out.push(piece)
  return out
}

const FLOAT_WORDS: ReadonlyMap<string, number> = new Map([
  ['nan', NaN], ['-nan', NaN], ['inf', Infinity], ['infinity', Infinity], ['-inf', -Infinity], ['-infinity', -Infinity],
])

function parseFloatText(s: string): number {
  const w = FLOAT_WORDS.get(s.toLowerCase())
  if (w !== undefined) return w
  return s.trim() === '' ? NaN : Number(s)
}

/** Canonical text of an exact number: `+1.50` and `1.5` both become `1.5`; undefined if not a number. */
function canonicalExact(s: string): string | undefined {
  const m = /^\s*([+-]?)0*(\d*)(?:\.(\d*?)0*)?\s*$/.exec(s)
  if (m === null || (m[2] === '' && (m[3] ?? '') === '' && !/\d/.test(s))) return undefined
  const whole = m[2] === '' ? '0' : m[2]!
  const fraction = m[3] ?? ''
  const zero = /^0*$/.test(whole) && fraction === ''
  return `${zero ? '' : m[1] === '-' ? '-' : ''}${whole}${fraction === '' ? '' : '.' + fraction}`
}

/** DuckDB dialect: does `actual` satisfy `expected` for a column of class `cls`? */
export function valueMatches(actual: string, expected: string, cls: ColumnClass): boolean {
  if (actual === expected) return true
  if (expected.startsWith('<REGEX>:')) return fullRegex(expected.slice(8)).test(actual)
  if (expected.startsWith('<!REGEX>:')) return !fullRegex(expected.slice(9)).test(actual)
  if (actual === 'NULL' || expected === 'NULL') return false
  switch (cls) {
    case 'float': {
      const a = parseFloatText(actual), e = parseFloatText(expected)
      if (Number.isNaN(a) || Number.isNaN(e)) {
        return FLOAT_WORDS.has(actual.toLowerCase()) && Number.isNaN(a) && FLOAT_WORDS.has(expected.toLowerCase()) && Number.isNaN(e)
      }
      if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e
      return Math.abs(a - e) <= Math.abs(e) * 0.01 + 1e-8
    }
    case 'integer': case 'decimal': {
      const a = canonicalExact(actual), e = canonicalExact(expected)
      if (a !== undefined && e !== undefined) return a === e
      const an = Number(actual), en = Number(expected)
      return !Number.isNaN(an) && an === en
    }
    case 'boolean': {
      const a = booleanText(actual), e = booleanText(expected)
      return a !== undefined && a === e
    }
    case 'other': return false
  }
}

function booleanText(s: string): '1' | '0' | undefined {
  const t = s.toLowerCase()
  if (t === 'true' || t === '1') return '1'
  if (t === 'false' || t === '0') return '0'
  return undefined
}

const regexCache = new Map<string, RegExp>()
function fullRegex(pattern: string): RegExp {
  let r = regexCache.get(pattern)
  if (r === undefined) {
    try { r = new RegExp(`^(?:${pattern})$`, 's') } catch { r = /(?!)/ }
    regexCache.set(pattern, r)
  }
  return r
}
