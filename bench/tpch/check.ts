/**
 * Generates TPC-H data at a scale factor into Grizzly and DuckDB, runs the 22 queries on both,
 * and prints one line per query: rows, Grizzly ms, DuckDB ms, match.
 *
 *   node --import tsx bench/tpch/check.ts --sf 0.1 [--seed N] [--only q01,q06] [--timeout-ms N]
 *
 * Exits 1 when a query disagrees.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_SEED } from './generate.ts'
import { checkQuery, loadQueries, openEngines, type QueryReport } from './harness.ts'

const { values } = parseArgs({
  options: {
    sf: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    only: { type: 'string' },
  },
})

const sf = Number(values.sf)
const seed = Number(values.seed)
if (!(sf > 0) || !Number.isInteger(seed)) {
  console.error('usage: check.ts --sf <scale factor > 0> [--seed <integer>] [--only q01,q02]')
  process.exit(2)
}
const only = values.only === undefined ? null : new Set(values.only.split(',').map(s => s.trim()))
const queries = loadQueries().filter(q => only === null || only.has(q.name))

console.log(`TPC-H SF ${sf}, seed ${seed}`)
const engines = await openEngines(sf, seed)
const ms = (x: number): string => x.toFixed(0)
console.log(`generated in ${ms(engines.timings.generate)} ms; loaded into Grizzly in ${ms(engines.timings.grizzly)} ms, DuckDB in ${ms(engines.timings.duckdb)} ms\n`)

const header = ['query', 'rows', 'Grizzly ms', 'DuckDB ms', 'ratio', 'match']
const lines: string[][] = []
const reports: QueryReport[] = []
for (const q of queries) {
  const r = await checkQuery(engines, q)
  reports.push(r)
  const ratio = r.grizzlyMs !== null && r.duckdbMs !== null && r.duckdbMs > 0 ? `${(r.grizzlyMs / r.duckdbMs).toFixed(1)}×` : '-'
  lines.push([r.name, String(r.rows), r.grizzlyMs === null ? '-' : ms(r.grizzlyMs), r.duckdbMs === null ? '-' : ms(r.duckdbMs), ratio, r.match ? 'yes' : 'NO'])
  console.log(`${r.name}: ${r.match ? 'match' : 'MISMATCH'}${r.message === '' ? '' : ` — ${r.message}`}`)
}
await engines.close()

const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)))
const row = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
console.log('')
console.log(row(header))
console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`)
for (const l of lines) console.log(row(l))
const matched = reports.filter(r => r.match).length
const total = (pick: (r: QueryReport) => number | null): number => reports.reduce((s, r) => s + (pick(r) ?? 0), 0)
console.log(`\n${matched}/${reports.length} match; total Grizzly ${ms(total(r => r.grizzlyMs))} ms, DuckDB ${ms(total(r => r.duckdbMs))} ms (over queries both ran)`)
process.exit(matched === reports.length ? 0 : 1)
