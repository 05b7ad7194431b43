/**
 * Answers from different engines compared without caring about row order or value formatting:
 * per column, numbers are summed (compared with a relative tolerance, since float sums depend
 * on order) and text is folded into an order-independent digest.
 */
import type { Checksum, ColumnSum } from './tasks.ts'

const NUMBER = /^\s*[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|nan|inf|infinity)\s*$/i

/** Engines spell NaN and infinity differently (nan, NaN, inf, Infinity). */
function parseNumber(text: string): number {
  const t = text.trim().toLowerCase()
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity
  if (t === '-inf' || t === '-infinity') return -Infinity
  return Number(t)
}

/** FNV-1a of one string, folded into the column digest by addition so row order does not matter. */
function textHash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) }
  return h >>> 0
}

/** Cells may be numbers, bigints, strings or engine value objects that print as SQL text. */
export function checksumRows(rows: readonly (readonly unknown[])[], columnCount: number): Checksum {
  const numeric = new Array<boolean>(columnCount).fill(true)
  for (const row of rows) {
    for (let c = 0; c < columnCount; c++) {
      const v = row[c]
      if (v === null || v === undefined || !numeric[c]) continue
      if (typeof v === 'number' || typeof v === 'bigint') continue
      if (!NUMBER.test(String(v))) numeric[c] = false
    }
  }
  const columns: ColumnSum[] = []
  for (let c = 0; c < columnCount; c++) {
    let sum = 0, digest = 0, nulls = 0, special = 0
    for (const row of rows) {
      const v = row[c]
      if (v === null || v === undefined) { nulls++; continue }
      if (numeric[c]) {
        const x = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : parseNumber(String(v))
        // NaN and infinities would swallow the sum: they are counted apart
        if (Number.isFinite(x)) sum += x
        else special = (special + (Number.isNaN(x) ? 1 : x > 0 ? 1_000 : 1_000_000)) % 4294967296
      }
      else digest = (digest + textHash(String(v))) % 4294967296
    }
    columns.push(numeric[c] ? { kind: 'number', sum, special, nulls } : { kind: 'text', digest, nulls })
  }
  return { rows: rows.length, columns }
}

export interface Agreement { readonly agree: boolean; readonly reason: string }

/** Relative tolerance for float sums: different summation orders differ in the last bits, not more. */
export const RELATIVE_TOLERANCE = 1e-6

function numbersAgree(want: number, got: number): boolean {
  if (want === got || (Number.isNaN(want) && Number.isNaN(got))) return true
  return Math.abs(want - got) <= Math.max(Math.abs(want), Math.abs(got), 1) * RELATIVE_TOLERANCE
}

/** `want` is the reference answer (DuckDB's, or Grizzly's in a run without DuckDB), named in the reasons by `reference`. */
export function compareChecksums(want: Checksum, got: Checksum, reference = 'DuckDB'): Agreement {
  if (want.rows !== got.rows) return { agree: false, reason: `rows ${got.rows}, ${reference} ${want.rows}` }
  if (want.columns.length !== got.columns.length) return { agree: false, reason: `${got.columns.length} columns, ${reference} ${want.columns.length}` }
  for (let c = 0; c < want.columns.length; c++) {
    const w = want.columns[c]!, g = got.columns[c]!
    if (w.nulls !== g.nulls) return { agree: false, reason: `column ${c + 1}: ${g.nulls} NULLs, ${reference} ${w.nulls}` }
    if (w.kind === 'number' && g.kind === 'number') {
      if (!numbersAgree(w.sum, g.sum)) return { agree: false, reason: `column ${c + 1}: sum ${g.sum}, ${reference} ${w.sum}` }
      if (w.special !== g.special) return { agree: false, reason: `column ${c + 1}: NaN/infinity values differ from ${reference}` }
    } else if (w.kind === 'text' && g.kind === 'text') {
      if (w.digest !== g.digest) return { agree: false, reason: `column ${c + 1}: text differs from ${reference}` }
    } else {
      return { agree: false, reason: `column ${c + 1}: ${g.kind}, ${reference} ${w.kind}` }
    }
  }
  return { agree: true, reason: '' }
}
