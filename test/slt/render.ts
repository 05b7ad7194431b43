/**
 * Rendering, sorting and hashing of result values, as the two sqllogictest dialects define them.
 */
import { createHash } from 'node:crypto'
import type { SltColumn } from './engine.ts'

/** DuckDB's DOUBLE to VARCHAR text: shortest round-trip digits laid out like Python's repr. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan'
  if (x === Infinity) return 'inf'
  if (x === -Infinity) return '-inf'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const [mantissa, expText] = x.toExponential().split('e') as [string, string]
  const exponent = Number(expText)
  if (exponent >= -4 && exponent < 16) {
    const s = String(x) // fixed notation in this range, shortest digits
    return s.includes('.') ? s : `${s}.0`
  }
  const sign = exponent < 0 ? '-' : '+'
  const digits = String(Math.abs(exponent)).padStart(2, '0')
  return `${mantissa}e${sign}${digits}`
}

/** C's printf("%.3f"): like toFixed(3) but exact ties round to even, and -0 keeps its sign. */
export function printfFixed3(x: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan'
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf'
  const abs = Math.abs(x)
  const negative = x < 0 || Object.is(x, -0)
  let body: string
  if (abs >= 1e21) body = `${BigInt(abs).toString()}.000`
  else {
    body = abs.toFixed(3)
    const exact = abs.toFixed(20)
    const dot = exact.indexOf('.')
    const tail = exact.slice(dot + 4)
    if (/^50*$/.test(tail)) {
      // toFixed rounds an exact tie up; C rounds it to even
      const truncated = exact.slice(0, dot + 4)
      const lastDigit = Number(truncated[truncated.length - 1])
      if (lastDigit % 2 === 0) body = truncated
    }
  }
  return negative ? `-${body}` : body
}

/** SQLite's reading of text as a number: the longest numeric prefix, 0 when there is none. */
export function numericPrefix(text: string): string {
  const m = /^\s*([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/.exec(text)
  return m === null ? '0' : m[1]!
}

function integerText(n: string): string {
  // integers with no fraction/exponent: exact even past 2^53
  const plain = /^[+-]?\d+$/.exec(n)
  if (plain !== null) return BigInt(n).toString()
  const v = Math.trunc(Number(n))
  if (!Number.isFinite(v)) return v > 0 ? '9223372036854775807' : '-9223372036854775808'
  return Object.is(v, -0) ? '0' : BigInt(v).toString()
}

/** Replaces every UTF-8 byte outside 0x20–0x7E with '@', as SQLite's harness prints text. */
function printableText(s: string): string {
  if (s === '') return '(empty)'
  if (/^[\x20-\x7e]*$/.test(s)) return s
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (cp >= 0x20 && cp <= 0x7e) out += ch
    else out += '@'.repeat(Buffer.byteLength(ch, 'utf8'))
  }
  return out
}

/** SQLite dialect: one value rendered by its column's type letter I, R or T. */
export function renderSqlite(value: unknown, text: string | null, letter: string, column: SltColumn | undefined): string {
  if (value === null || value === undefined || text === null) return 'NULL'
  const cls = column?.class ?? 'other'
  if (letter === 'I') {
    if (typeof value === 'bigint') return value.toString()
    if (typeof value === 'boolean') return value ? '1' : '0'
    if (typeof value === 'number' && cls !== 'decimal') return integerText(String(Math.trunc(value)))
    if (cls === 'boolean') return text === 'true' ? '1' : text === 'false' ? '0' : integerText(numericPrefix(text))
    return integerText(numericPrefix(typeof value === 'string' ? value : text))
  }
  if (letter === 'R') {
    if (typeof value === 'number' && cls !== 'decimal') return printfFixed3(value)
    if (typeof value === 'boolean') return value ? '1.000' : '0.000'
    if (cls === 'boolean') return text === 'true' ? '1.000' : '0.000'
    return printfFixed3(Number(numericPrefix(typeof value === 'string' ? value : text)))
  }
  return printableText(typeof value === 'string' ? value : text)
}

/** DuckDB dialect: the CAST(x AS VARCHAR) text with the harness's substitutions. */
export function renderDuckdb(text: string | null): string {
  if (text === null) return 'NULL'
  if (text === '') return '(empty)'
  return text.includes('\0') ? text.replace(/\0/g, '\\0') : text
}

/** Byte-wise (UTF-8, C strcmp) order of two strings, i.e. code point order. */
export function compareBytewise(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i)
    if (x === y) continue
    // surrogates (astral code points) sort after every BMP character in UTF-8
    const xs = x >= 0xd800 && x <= 0xdfff, ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

export function sortRows(rows: string[][]): string[][] {
  return rows.sort((a, b) => {
    const n = Math.min(a.length, b.length)
    for (let i = 0; i < n; i++) {
      const c = compareBytewise(a[i]!, b[i]!)
      if (c !== 0) return c
    }
    return a.length - b.length
  })
}

export function sortValues(values: string[]): string[] {
  return values.sort(compareBytewise)
}

/** MD5 of every value followed by a newline, lower-case hex. */
export function hashValues(values: readonly string[]): string {
  const h = createHash('md5')
  for (const v of values) { h.update(v); h.update('\n') }
  return h.digest('hex')
}

/** DuckDB's FLOAT to VARCHAR text: the shortest digits that read back as the same 32-bit value. */
export function formatFloat32(x: number): string {
  if (!Number.isFinite(x) || x === 0) return formatDouble(x)
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(x.toPrecision(p))
    if (Math.fround(candidate) === x) return formatDouble(candidate)
  }
  return formatDouble(x)
}
