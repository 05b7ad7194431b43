/**
 * Generated tables for the differential tests: the same CREATE/INSERT statements run on
 * Grizzly and on DuckDB. A seeded PRNG keeps the data identical from run to run.
 */
import { mulberry32 } from '../../core/statement-helpers.ts'

/** mulberry32 (the generator behind random() after setseed()), from an integer seed */
export const prng = mulberry32

const WORDS = ['alpha', 'Beta', 'gamma', 'delta', '', 'ümlaut', 'a b', "x'y", 'zeta', 'Alpha', '123', 'eta', 'theta', 'iota', 'kappa', 'lambda mu']

interface Gen { readonly next: () => number }
const int = (g: Gen, lo: number, hi: number): number => lo + Math.floor(g.next() * (hi - lo + 1))
const pick = <T>(g: Gen, xs: readonly T[]): T => xs[Math.floor(g.next() * xs.length)]!
const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`
const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

function date(g: Gen): string {
  const days = int(g, 0, 365 * 30)
  const d = new Date(Date.UTC(2000, 0, 1) + days * 86_400_000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}
function timestamp(g: Gen): string {
  const base = `${date(g)} ${pad(int(g, 0, 23))}:${pad(int(g, 0, 59))}:${pad(int(g, 0, 59))}`
  return g.next() < 0.2 ? `${base}.${pad(int(g, 0, 999999), 6)}` : base
}

/** The wide fact table; `nullRate` is the share of NULLs in every nullable column. */
function factRows(seed: number, rows: number, nullRate: number): string[] {
  const g: Gen = { next: prng(seed) }
  const maybe = (v: () => string): string => (g.next() < nullRate ? 'NULL' : v())
  const out: string[] = []
  for (let id = 1; id <= rows; id++) {
    out.push(`(${[
      id,
      maybe(() => String(int(g, 0, 9))),
      maybe(() => String(int(g, -1_000_000_000_000, 1_000_000_000_000))),
      // e-notation makes a DOUBLE literal in both engines (no decimal-to-double rounding step)
      maybe(() => `${(int(g, -1_000_000, 1_000_000) / 1000)}e0`),
      maybe(() => (int(g, -1_000_000, 1_000_000) / 100).toFixed(2)),
      maybe(() => quote(pick(g, WORDS))),
      maybe(() => `DATE '${date(g)}'`),
      maybe(() => `TIMESTAMP '${timestamp(g)}'`),
      maybe(() => (g.next() < 0.5 ? 'true' : 'false')),
    ].join(', ')})`)
  }
  return out
}

const FACT_COLUMNS = 'id INTEGER NOT NULL, g INTEGER, b BIGINT, d DOUBLE, m DECIMAL(10,2), s VARCHAR, dt DATE, ts TIMESTAMP, f BOOLEAN'

function inserts(table: string, rows: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < rows.length; i += 500) out.push(`INSERT INTO ${table} VALUES ${rows.slice(i, i + 500).join(', ')}`)
  return out
}

/** Every statement, in order, that builds the test database. */
export function setupStatements(): string[] {
  const dimRows: string[] = []
  const g: Gen = { next: prng(7) }
  for (let k = 0; k < 40; k++) {
    dimRows.push(`(${k}, ${quote(`name${k}`)}, ${k % 7 === 6 ? 'NULL' : quote(pick(g, ['x', 'y', 'z']))}, ${int(g, 0, 1000) / 8}e0)`)
  }
  const linkRows: string[] = []
  for (let id = 1; id <= 500; id++) {
    linkRows.push(`(${id}, ${g.next() < 0.1 ? 'NULL' : int(g, 0, 59)}, ${g.next() < 0.1 ? 'NULL' : int(g, -50, 50)}, ${int(g, 1, 3000)})`)
  }
  return [
    `CREATE TABLE t1(${FACT_COLUMNS})`,
    ...inserts('t1', factRows(1, 3000, 0.05)),
    `CREATE TABLE t2(${FACT_COLUMNS})`,
    ...inserts('t2', factRows(2, 2000, 0.5)),
    'CREATE TABLE dim(k INTEGER NOT NULL, name VARCHAR, grp VARCHAR, w DOUBLE)',
    ...inserts('dim', dimRows),
    'CREATE TABLE link(id INTEGER NOT NULL, k INTEGER, v INTEGER, t1_id INTEGER)',
    ...inserts('link', linkRows),
  ]
}
