/**
 * Runs a query on Grizzly and on DuckDB over the generated tables and says whether the answers
 * agree: same columns, same rows (as multisets unless the query fixes the order), values equal
 * as text, numbers within a relative 1e-9.
 */
import type { SltEngine, SltOutcome } from '../slt/engine.ts'
import { openDuckdbEngine } from '../slt/duckdb-engine.ts'
import { openGrizzlyEngine } from '../slt/grizzly-engine.ts'
import { compareBytewise } from '../slt/render.ts'
import { setupStatements } from './data.ts'
import type { DiffQuery } from './queries.ts'

export interface Engines { readonly grizzly: SltEngine; readonly duckdb: SltEngine }

export interface Verdict { readonly agree: boolean; readonly message: string }

/** Opens both engines and loads the same data into each; a Grizzly setup failure is returned, not thrown. */
export async function openEngines(): Promise<{ engines: Engines; setupError: string | undefined }> {
  const duckdb = await openDuckdbEngine()
  const setup = setupStatements()
  for (const sql of setup) {
    const d = await duckdb.execute(sql, undefined)
    if (d.kind === 'error') throw new Error(`DuckDB rejected the setup: ${d.message}\n${sql.slice(0, 200)}`)
  }
  let grizzly: SltEngine
  try { grizzly = await openGrizzlyEngine() } catch (e) {
    const message = `cannot open Grizzly: ${e instanceof Error ? e.message : String(e)}`
    const failing: SltEngine = {
      name: 'grizzly', execute: async () => ({ kind: 'error', message, crash: true }), close: async () => undefined,
    }
    return { engines: { grizzly: failing, duckdb }, setupError: message }
  }
  let setupError: string | undefined
  for (const sql of setup) {
    const g = await grizzly.execute(sql, undefined)
    if (g.kind === 'error' && setupError === undefined) setupError = `${g.message} in: ${sql.slice(0, 200)}`
  }
  return { engines: { grizzly, duckdb }, setupError }
}

export async function closeEngines(e: Engines): Promise<void> {
  await e.grizzly.close()
  await e.duckdb.close()
}

export async function compareQuery(e: Engines, q: DiffQuery): Promise<Verdict> {
  const expected = await e.duckdb.execute(q.sql, undefined)
  if (expected.kind === 'error') return { agree: false, message: `DuckDB rejected the query (fix the query): ${expected.message}` }
  const actual = await e.grizzly.execute(q.sql, undefined)
  return compareOutcomes(expected, actual, q.ordered)
}

type Rows = readonly (readonly (string | null)[])[]

export function compareOutcomes(expected: SltOutcome & { kind: 'ok' }, actual: SltOutcome, ordered: boolean): Verdict {
  if (actual.kind === 'error') return { agree: false, message: `Grizzly ${actual.crash ? 'crashed' : 'failed'}: ${actual.message}` }
  const want = expected.result, got = actual.result
  if (want.columns.length !== got.columns.length) {
    return { agree: false, message: `column count: DuckDB ${want.columns.length} (${want.columns.map(c => c.type).join(', ')}), Grizzly ${got.columns.length} (${got.columns.map(c => c.type).join(', ')})` }
  }
  if (want.text.length !== got.text.length) return { agree: false, message: `row count: DuckDB ${want.text.length}, Grizzly ${got.text.length}` }
  const a = ordered ? want.text : sortForComparison(want.text)
  const b = ordered ? got.text : sortForComparison(got.text)
  for (let r = 0; r < a.length; r++) {
    const x = a[r]!, y = b[r]!
    for (let c = 0; c < x.length; c++) {
      if (!valuesAgree(x[c] ?? null, y[c] ?? null)) {
        return { agree: false, message: `row ${r + 1}${ordered ? '' : ' (after sorting)'}, column ${c + 1} "${want.columns[c]!.name}": DuckDB ${show(x[c])} (${want.columns[c]!.type}), Grizzly ${show(y[c])} (${got.columns[c]!.type})\n  DuckDB  row: ${x.map(show).join(' | ')}\n  Grizzly row: ${y.map(show).join(' | ')}` }
      }
    }
  }
  return { agree: true, message: '' }
}

const show = (v: string | null | undefined): string => (v === null || v === undefined ? 'NULL' : JSON.stringify(v))

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

export function valuesAgree(x: string | null, y: string | null): boolean {
  if (x === y) return true
  if (x === null || y === null) return false
  if (NUMBER.test(x) && NUMBER.test(y)) {
    const p = Number(x), q = Number(y)
    if (p === q) return true
    return Math.abs(p - q) <= Math.max(Math.abs(p), Math.abs(q)) * 1e-9
  }
  return false
}

/** Sort key of a value: numbers rounded to 9 digits, so last-digit noise cannot reorder rows. */
function sortKey(v: string | null): string {
  if (v === null) return '\u0000NULL'
  if (NUMBER.test(v)) {
    const n = Number(v)
    return Number.isFinite(n) ? `\u0001${n.toPrecision(9)}` : v
  }
  return v
}

function sortForComparison(rows: Rows): Rows {
  const keyed = rows.map(r => ({ r, k: r.map(sortKey) }))
  keyed.sort((p, q) => {
    for (let i = 0; i < p.k.length; i++) {
      const c = compareBytewise(p.k[i]!, q.k[i]!)
      if (c !== 0) return c
    }
    return 0
  })
  return keyed.map(x => x.r)
}
