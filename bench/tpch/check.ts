/**
 * Generates TPC-H data at a scale factor into Grizzly and DuckDB, runs the 22 queries on both,
 * and prints one line per query: rows, Grizzly ms, DuckDB ms, match.
 *
 *   node --import tsx bench/tpch/check.ts --sf 0.1 [--seed N] [--only q01,q06] [--timeout 300] [--runs 1]
 *
 * With --runs N each engine runs each query N times and the best time is shown (the first run
 * of a query includes Grizzly's expression compilation); answers are compared on the first run.
 * Grizzly runs in a worker thread so a query over --timeout seconds can be stopped (the worker
 * is then restarted for the next query). Exits 1 when a query disagrees or times out.
 */
import { parseArgs } from 'node:util'
import { DEFAULT_SEED, MAX_SCALE_FACTOR } from './generate.ts'
import { checkWith, loadQueries, openDuckdb, runDuckdb, type Outcome, type QueryReport } from './harness.ts'
import { GrizzlyWorker } from './worker-client.ts'

const USAGE = 'usage: check.ts --sf <scale factor > 0> [--seed <integer>] [--only q01,q02] [--timeout <seconds>] [--runs <n ≥ 1>]'

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`)
  process.exit(2)
}

const options = {
  sf: { type: 'string', default: '0.1' },
  seed: { type: 'string', default: String(DEFAULT_SEED) },
  only: { type: 'string' },
  timeout: { type: 'string', default: '300' },
  runs: { type: 'string', default: '1' },
} as const
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values']
try {
  values = parseArgs({ options }).values
} catch (e) {
  usage(e instanceof Error ? e.message : String(e))
}

const sf = Number(values.sf), seed = Number(values.seed), timeoutMs = Number(values.timeout) * 1000, runs = Number(values.runs)
if (!(sf > 0) || sf > MAX_SCALE_FACTOR || !Number.isInteger(seed) || !(timeoutMs > 0) || !Number.isInteger(runs) || runs < 1) usage(`bad option value (the scale factor must be in (0, ${MAX_SCALE_FACTOR}])`)
const only = values.only === undefined ? null : new Set(values.only.split(',').map(s => s.trim()))
const queries = loadQueries().filter(q => only === null || only.has(q.name))
if (queries.length === 0) usage(`no query matches --only ${values.only}`)
const ms = (x: number): string => x.toFixed(0)

console.log(`TPC-H SF ${sf}, seed ${seed}, timeout ${timeoutMs / 1000} s, best of ${runs} run${runs === 1 ? '' : 's'}`)
let grizzly = new GrizzlyWorker({ scaleFactor: sf, seed })
const duck = await openDuckdb(sf, seed)
const grizzlyLoad = await grizzly.ready.catch((e: unknown) => {
  console.error(`Grizzly could not load the data: ${e instanceof Error ? e.message : String(e)}`)
  process.exit(1)
})
console.log(`DuckDB: generated in ${ms(duck.timings.generate)} ms, loaded in ${ms(duck.timings.load)} ms`)
console.log(`Grizzly: generated in ${ms(grizzlyLoad.generate)} ms, loaded in ${ms(grizzlyLoad.load)} ms\n`)

/** The first outcome, with the best time of `runs` runs (stops at the first error). */
async function bestOf(run: () => Promise<Outcome>): Promise<Outcome> {
  const first = await run()
  if (first.kind === 'error') return first
  let best = first.answer.ms
  for (let i = 1; i < runs; i++) {
    const again = await run()
    if (again.kind === 'error') return again
    best = Math.min(best, again.answer.ms)
  }
  return { kind: 'ok', answer: { ...first.answer, ms: best } }
}

const reports: (QueryReport & { timedOut: boolean })[] = []
for (const q of queries) {
  if (!grizzly.alive) {
    grizzly = new GrizzlyWorker({ scaleFactor: sf, seed })
    await grizzly.ready
  }
  let timedOut = false
  const r = await checkWith(q, sql => bestOf(() => runDuckdb(duck.connection, sql)), sql => bestOf(async () => {
    const outcome = await grizzly.run(sql, timeoutMs)
    timedOut ||= outcome.timedOut === true
    return outcome
  }))
  reports.push({ ...r, timedOut })
  console.log(`${r.name}: ${r.match ? 'match' : timedOut ? 'TIMEOUT' : 'MISMATCH'}${r.message === '' ? '' : ` — ${r.message}`}`)
}
await grizzly.close()
duck.connection.closeSync()
duck.instance.closeSync()

const header = ['query', 'rows', 'Grizzly ms', 'DuckDB ms', 'ratio', 'match']
const lines = reports.map(r => [
  r.name, String(r.rows),
  r.grizzlyMs === null ? (r.timedOut ? `>${ms(timeoutMs)}` : '-') : ms(r.grizzlyMs),
  r.duckdbMs === null ? '-' : ms(r.duckdbMs),
  r.grizzlyMs !== null && r.duckdbMs !== null && r.duckdbMs > 0 ? `${(r.grizzlyMs / r.duckdbMs).toFixed(1)}×` : '-',
  r.match ? 'yes' : r.timedOut ? 'timeout' : 'NO',
])
const widths = header.map((h, i) => Math.max(h.length, ...lines.map(l => l[i]!.length)))
const row = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`
console.log('')
console.log(row(header))
console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`)
for (const l of lines) console.log(row(l))
const matched = reports.filter(r => r.match).length
const both = reports.filter(r => r.grizzlyMs !== null && r.duckdbMs !== null)
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
console.log(`\n${matched}/${reports.length} match; over the ${both.length} queries both finished: Grizzly ${ms(sum(both.map(r => r.grizzlyMs!)))} ms, DuckDB ${ms(sum(both.map(r => r.duckdbMs!)))} ms`)
process.exit(matched === reports.length ? 0 : 1)
