/**
 * `npm run bench`: Grizzly next to DuckDB (1 thread and default threads) and SQLite on the same
 * generated data, each engine in its own process, engines alternating per task, a warm-up and
 * then the median of several runs, every answer cross-checked against DuckDB.
 *
 *   npm run bench -- [--quick | --tiny] [--only h2o,micro,tpch,storage,udf,ingest,onnx,vector] [--tasks q1,sum,q06] [--engines grizzly,duckdb,duckdb_mt,sqlite] [--threads N]
 *                    [--runs N] [--warmups N] [--rows N] [--sf X] [--timeout S] [--section-budget S] [--out DIR]
 *
 * Writes <out>/<date>-<mode>.md and .json (default out: bench/results). Exits 1 on a mismatch.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { DEFAULT_SEED } from './tpch/generate.ts'
import { DEFAULT_H2O_SEED, G1_GROUPS, H2O_TASKS, MICRO_TASKS } from './h2o.ts'
import { compareChecksums } from './checksum.ts'
import { EngineProcess, RequestTimeout } from './processes.ts'
import {
  ENGINE_LABEL, median, problems, referenceEngine, renderMarkdown,
  type BenchReport, type CheckVerdict, type EngineOutcome, type ProcessReport, type SectionInfo, type TaskReport,
} from './report.ts'
import { STORAGE_MODES, renderStorageMarkdown, runStorageBench } from './storage.ts'
import { runUdfSection, type UdfReport } from './udf.ts'
import { runVectorSection, type VectorReport } from './vector.ts'
import { runOnnxSection, type OnnxReport } from './onnx.ts'
import { INGEST_MODES, ingestMismatches, renderIngestMarkdown, runIngestBench } from './ingest.ts'
import { ENGINES, SECTIONS, THREADS_ENV, benchThreads, processOf, type BenchTask, type Checksum, type Dataset, type EngineName, type ProcessName, type SectionName } from './tasks.ts'

/**
 * budgetS: once an engine's timed runs of a task add up to this, it stops repeating that task.
 * sectionBudgetS: once an engine has spent this long on a section, its remaining tasks there
 * are skipped (quick mode must finish in about two minutes even when an engine is very slow).
 */
interface ModeSettings {
  readonly rows: number; readonly scaleFactor: number; readonly runs: number; readonly warmups: number
  readonly timeoutS: number; readonly budgetS: number; readonly sectionBudgetS: number
}
const MODES: Readonly<Record<'full' | 'quick' | 'tiny', ModeSettings>> = {
  full: { rows: 10_000_000, scaleFactor: 1, runs: 5, warmups: 1, timeoutS: 600, budgetS: 60, sectionBudgetS: Infinity },
  quick: { rows: 1_000_000, scaleFactor: 0.1, runs: 3, warmups: 1, timeoutS: 5, budgetS: 1, sectionBudgetS: 20 },
  tiny: { rows: 5_000, scaleFactor: 0.002, runs: 1, warmups: 0, timeoutS: 60, budgetS: 1, sectionBudgetS: Infinity },
}

const usage = 'usage: npm run bench -- [--quick | --tiny] [--only h2o,micro,tpch,storage,udf,ingest,onnx,vector] [--tasks q1,sum,q06] [--engines grizzly,duckdb,duckdb_mt,sqlite] [--runs N] [--warmups N] [--rows N] [--sf X] [--timeout S] [--section-budget S] [--threads N] [--out DIR]'

function fail(message: string): never {
  console.error(`${message}\n${usage}`)
  process.exit(2)
}

const { values: args } = (() => {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false }, tiny: { type: 'boolean', default: false },
        only: { type: 'string' }, tasks: { type: 'string' }, engines: { type: 'string' }, runs: { type: 'string' }, warmups: { type: 'string' },
        rows: { type: 'string' }, sf: { type: 'string' }, threads: { type: 'string' }, 'section-budget': { type: 'string' }, timeout: { type: 'string' }, out: { type: 'string' },
      },
    })
  } catch (e) { return fail(e instanceof Error ? e.message : String(e)) }
})()

const modeName = args.tiny ? 'tiny' : args.quick ? 'quick' : 'full'
const base = MODES[modeName]
const positiveInt = (text: string | undefined, fallback: number, what: string, min = 1): number => {
  if (text === undefined) return fallback
  const n = Number(text)
  return Number.isInteger(n) && n >= min ? n : fail(`${what} must be an integer ≥ ${min}, got ${text}`)
}
const listOf = <T extends string>(text: string | undefined, all: readonly T[], what: string): T[] => {
  if (text === undefined) return [...all]
  const picked = text.split(',').map(s => s.trim()).filter(s => s !== '')
  for (const p of picked) if (!(all as readonly string[]).includes(p)) fail(`unknown ${what} "${p}" (expected one of ${all.join(', ')})`)
  return all.filter(x => picked.includes(x))
}

// the engine processes inherit it; Grizzly runs single-threaded unless asked
process.env[THREADS_ENV] = String(positiveInt(args.threads, 1, '--threads'))

const settings = {
  rows: positiveInt(args.rows, base.rows, '--rows', G1_GROUPS),
  scaleFactor: args.sf === undefined ? base.scaleFactor : (Number(args.sf) > 0 ? Number(args.sf) : fail(`--sf must be > 0, got ${args.sf}`)),
  runs: positiveInt(args.runs, base.runs, '--runs'),
  warmups: positiveInt(args.warmups, base.warmups, '--warmups', 0),
  timeoutMs: positiveInt(args.timeout, base.timeoutS, '--timeout') * 1000,
  budgetMs: base.budgetS * 1000,
  sectionBudgetMs: args['section-budget'] === undefined ? base.sectionBudgetS * 1000 : positiveInt(args['section-budget'], 0, '--section-budget') * 1000,
}
const sections = listOf<SectionName>(args.only, SECTIONS, 'section')
const engines = listOf<EngineName>(args.engines, ENGINES, 'engine')
/** task names to keep (across sections), or null for all */
const taskFilter = args.tasks === undefined ? null : new Set(args.tasks.split(',').map(s => s.trim()).filter(s => s !== ''))
const picked = (t: BenchTask): boolean => taskFilter === null || taskFilter.has(t.name)
const outDir = args.out ?? fileURLToPath(new URL('./results/', import.meta.url))

const tpchDir = new URL('./tpch/queries/', import.meta.url)
const tpchQueries: BenchTask[] = existsSync(tpchDir)
  ? readdirSync(tpchDir).filter(f => /^q\d\d\.sql$/.test(f)).sort().map(f => ({
    section: 'tpch', name: f.slice(0, 3), title: '', sql: readTpch(f), answer: { kind: 'rows' },
  }))
  : []
function readTpch(file: string): string {
  return readFileSync(new URL(file, tpchDir), 'utf8').trim().replace(/;\s*$/, '')
}

// ---------------------------------------------------------------- running

const loadTimeoutMs = Math.max(settings.timeoutMs, 30 * 60_000)
const maxHeapMb = Math.max(4096, Math.floor(totalmem() / 1024 / 1024 / 2))

/** wall milliseconds each engine has spent in the current section, loading excluded */
const spent = new Map<EngineName, number>()

async function runOnce(proc: EngineProcess, engine: EngineName, task: BenchTask, withChecksum: boolean):
  Promise<{ kind: 'ran'; ms: number; checksum: Checksum | null } | Exclude<EngineOutcome, { kind: 'ok' }>> {
  try {
    await proc.ensureLoaded(loadTimeoutMs)
  } catch (e) {
    return { kind: 'error', reason: `could not load: ${e instanceof Error ? e.message : String(e)}` }
  }
  const start = performance.now()
  try {
    const reply = await proc.request({ kind: 'run', engine, task, withChecksum }, settings.timeoutMs)
    if (reply.kind === 'ran') return { kind: 'ran', ms: reply.ms, checksum: reply.checksum }
    if (reply.kind === 'failed') return reply.unsupported ? { kind: 'na', reason: reply.message } : { kind: 'error', reason: reply.message }
    return { kind: 'error', reason: `unexpected reply ${reply.kind}` }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    return e instanceof RequestTimeout ? { kind: 'timeout', reason, limitS: settings.timeoutMs / 1000 } : { kind: 'error', reason }
  } finally {
    spent.set(engine, (spent.get(engine) ?? 0) + performance.now() - start)
  }
}

const rotate = <T>(xs: readonly T[], by: number): T[] => xs.map((_, i) => xs[(i + by) % xs.length]!)

/** Warm-up for every engine, then timed runs alternating between engines; a slow engine stops once its budget is spent. */
async function runTask(task: BenchTask, index: number, procs: ReadonlyMap<ProcessName, EngineProcess>, inputRows: number | null): Promise<TaskReport> {
  const outcomes = new Map<EngineName, EngineOutcome>()
  const times = new Map<EngineName, number[]>(engines.map(e => [e, []]))
  const sums = new Map<EngineName, Checksum | null>()
  const active = new Set(engines)
  for (const e of engines) {
    if ((spent.get(e) ?? 0) < settings.sectionBudgetMs) continue
    outcomes.set(e, { kind: 'skipped', reason: `section time budget (${settings.sectionBudgetMs / 1000} s) spent` })
    active.delete(e)
  }
  for (let w = 0; w < settings.warmups; w++) {
    for (const e of rotate(engines, index + w)) {
      if (!active.has(e)) continue
      const r = await runOnce(procs.get(processOf(e))!, e, task, w === 0)
      if (r.kind !== 'ran') { outcomes.set(e, r); active.delete(e); continue }
      if (w === 0) sums.set(e, r.checksum)
      if (r.ms > settings.budgetMs) times.get(e)!.push(r.ms) // too slow to repeat: its warm-up is its one measurement
    }
  }
  for (const e of engines) if ((times.get(e)?.length ?? 0) > 0) active.delete(e)
  for (let run = 0; run < settings.runs && active.size > 0; run++) {
    for (const e of rotate(engines, index + run + 1)) {
      if (!active.has(e)) continue
      const r = await runOnce(procs.get(processOf(e))!, e, task, !sums.has(e))
      if (r.kind !== 'ran') { outcomes.set(e, r); active.delete(e); continue }
      if (!sums.has(e)) sums.set(e, r.checksum)
      const list = times.get(e)!
      list.push(r.ms)
      if (list.reduce((s, x) => s + x, 0) > settings.budgetMs) active.delete(e)
    }
  }
  const checkedAgainst = referenceEngine(engines)
  const reference = checkedAgainst === 'grizzly' ? sums.get('grizzly') ?? null : sums.get('duckdb') ?? sums.get('duckdb_mt') ?? null
  for (const e of engines) {
    if (outcomes.has(e)) continue
    const runs = times.get(e)!
    const checksum = sums.get(e) ?? null
    const check: CheckVerdict = e === 'grizzly' && checkedAgainst === 'grizzly' ? { kind: 'unchecked', reason: 'the reference answer (DuckDB not in this run)' } : verdict(reference, checksum)
    outcomes.set(e, { kind: 'ok', runs, median: median(runs), checksum, check })
  }
  return { section: task.section, name: task.name, title: task.title, sql: task.sql, inputRows, engines: Object.fromEntries(outcomes) }
}

function verdict(reference: Checksum | null, got: Checksum | null): CheckVerdict {
  const name = referenceName()
  if (reference === null) return { kind: 'unchecked', reason: `${name} has no answer to compare with` }
  if (got === null) return { kind: 'unchecked', reason: 'no checksum' }
  const a = compareChecksums(reference, got, name)
  return a.agree ? { kind: 'match' } : { kind: 'mismatch', reason: a.reason }
}

/** DuckDB's answers are the reference; a run without DuckDB checks the others against Grizzly's. */
function referenceName(): string {
  const r = referenceEngine(engines)
  return r === null || r === 'duckdb' || r === 'duckdb_mt' ? 'DuckDB' : ENGINE_LABEL[r]
}

const fmt = (o: EngineOutcome | undefined): string =>
  o === undefined ? '-' : o.kind === 'ok' ? `${o.median.toFixed(1)} ms${o.check.kind === 'mismatch' ? ' MISMATCH' : ''}` : o.kind

async function runGroup(label: string, dataset: Dataset, tasks: readonly BenchTask[], inputRows: (t: BenchTask) => number | null,
  reports: TaskReport[], processReports: ProcessReport[]): Promise<void> {
  const names = [...new Set(engines.map(processOf))]
  const procs = new Map(names.map(n => [n, new EngineProcess(n, dataset, maxHeapMb)] as const))
  console.log(`\n${label}: loading ${names.join(', ')} …`)
  const loads = await Promise.allSettled([...procs.values()].map(p => p.ensureLoaded(loadTimeoutMs)))
  loads.forEach((l, i) => { if (l.status === 'rejected') console.error(`  ${names[i]} failed to load: ${String(l.reason)}`) })
  for (const p of procs.values()) console.log(`  ${p.name}: ${p.loadedRows} rows in ${(p.loadMs / 1000).toFixed(1)} s`)
  let section: SectionName | null = null
  for (const [i, task] of tasks.entries()) {
    if (interrupted) break
    if (task.section !== section) { section = task.section; spent.clear() }
    const report = await runTask(task, i, procs, inputRows(task))
    reports.push(report)
    console.log(`  ${task.section}/${task.name}: ${engines.map(e => `${ENGINE_LABEL[e]} ${fmt(report.engines[e])}`).join(', ')}`)
  }
  for (const p of procs.values()) {
    let stats = null
    try {
      // a process restarted after a timeout is not reloaded just to report a fresh process's memory
      if (!p.running) throw new Error('not running')
      const reply = await p.request({ kind: 'stats' }, 30_000)
      if (reply.kind === 'stats') stats = reply.stats
    } catch { /* a process that cannot report memory still has its timings */ }
    processReports.push({ section: label, process: p.name, loadMs: p.loadMs, loadedRows: p.loadedRows, restarts: p.restarts, stats })
    await p.close()
  }
}

function versionOf(f: () => string): string { try { return f() } catch { return 'unknown' } }

/** Ctrl-C or SIGTERM: finish the task in flight, then write the report of what was measured. */
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error(`\n${signal}: stopping after the current task and writing a partial report (again to quit now)`)
  })
}

const started = performance.now()
// other work on the machine skews every figure; the report says how busy it was
const loadAtStart = loadavg()[0]!
const taskReports: TaskReport[] = []
const processReports: ProcessReport[] = []
const sectionInfos: SectionInfo[] = []
const g1: Dataset = { kind: 'g1', rows: settings.rows, seed: DEFAULT_H2O_SEED }
const g1Sections = sections.filter(s => s !== 'tpch' && s !== 'udf' && s !== 'vector')
if (g1Sections.length > 0) {
  const tasks = [...(g1Sections.includes('h2o') ? H2O_TASKS : []), ...(g1Sections.includes('micro') ? MICRO_TASKS : [])].filter(picked)
  // the micro-set reads the whole table, so it reports rows/s against the table size
  if (tasks.length > 0) await runGroup(`G1 ${settings.rows} rows`, g1, tasks, t => (t.section === 'micro' ? settings.rows : null), taskReports, processReports)
  if (g1Sections.includes('h2o')) sectionInfos.push({ name: 'h2o', title: `H2O db-benchmark groupby, G1 ${settings.rows.toLocaleString('en')} rows, K = ${G1_GROUPS}`, note: 'Each answer is created as table `ans` (`CREATE TABLE ans AS …`), as the db-benchmark does; its checksum query is not timed.' })
  if (g1Sections.includes('micro')) sectionInfos.push({ name: 'micro', title: `Scan / filter / sum over ${settings.rows.toLocaleString('en')} rows`, note: 'rows/s = table rows ÷ median time; a DOUBLE column of this size is ' + `${(settings.rows * 8 / 1e6).toFixed(0)} MB.` })
}
if (sections.includes('tpch')) {
  if (tpchQueries.length === 0) {
    sectionInfos.push({ name: 'tpch', title: 'TPC-H', note: 'Skipped: bench/tpch/queries is not there yet.' })
  } else if (tpchQueries.some(picked) && !interrupted) {
    await runGroup(`TPC-H SF ${settings.scaleFactor}`, { kind: 'tpch', scaleFactor: settings.scaleFactor, seed: DEFAULT_SEED }, tpchQueries.filter(picked), () => null, taskReports, processReports)
    sectionInfos.push({ name: 'tpch', title: `TPC-H SF ${settings.scaleFactor}`, note: 'The 22 queries of bench/tpch/queries; SQLite gets dates as ISO text and a few spellings rewritten (see engines.ts).' })
  }
}

let storageMarkdown: string | null = null
if (sections.includes('storage') && !interrupted) {
  console.log('\nstorage: durable databases on disk …')
  const storage = await runStorageBench({ ...STORAGE_MODES[modeName], scaleFactor: args.sf === undefined ? STORAGE_MODES[modeName].scaleFactor : settings.scaleFactor, seed: DEFAULT_SEED }, line => console.log(line))
  storageMarkdown = renderStorageMarkdown(storage)
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, `${new Date().toISOString().slice(0, 10)}-${modeName}-storage.json`), `${JSON.stringify(storage, null, 2)}\n`)
}

// the sandboxed-UDF section runs in this process: Grizzly against itself, no peer engine
let udf: UdfReport | null = null
if (sections.includes('udf') && !interrupted) udf = await runUdfSection(settings.rows, settings.runs, settings.warmups, s => console.error(s))
// nearest-neighbour search: the SQL path over an hnsw index, raw hnswlib-node and DuckDB's brute force, in this process
let vector: VectorReport | null = null
if (sections.includes('vector') && !interrupted) vector = await runVectorSection(modeName !== 'full', s => console.error(s))
// predict() through SQL next to onnxruntime-node called directly, in this process; a quarter of the rows (inference is slower than a scan)
let onnxReport: OnnxReport | null = null
if (sections.includes('onnx') && !interrupted) onnxReport = await runOnnxSection(Math.max(1000, Math.floor(settings.rows / 4)), settings.runs, settings.warmups, s => console.error(s))

let ingestMarkdown: string | null = null
let ingestProblems: string[] = []
if (sections.includes('ingest') && !interrupted) {
  console.log('\ningest: loading lineitem from CSV and Parquet files …')
  const ingest = await runIngestBench({ ...INGEST_MODES[modeName], scaleFactor: args.sf === undefined ? INGEST_MODES[modeName].scaleFactor : settings.scaleFactor, seed: DEFAULT_SEED }, line => console.log(line))
  ingestMarkdown = renderIngestMarkdown(ingest)
  ingestProblems = ingestMismatches(ingest)
  mkdirSync(outDir, { recursive: true })
  writeFileSync(join(outDir, `${new Date().toISOString().slice(0, 10)}-${modeName}-ingest.json`), `${JSON.stringify(ingest, null, 2)}\n`)
}

// ---------------------------------------------------------------- report

const now = new Date()
const duckdbVersion = versionOf(() => (JSON.parse(readFileSync(new URL('../node_modules/@duckdb/node-api/package.json', import.meta.url), 'utf8')) as { version: string }).version)
const sqliteVersion = versionOf(() => (JSON.parse(readFileSync(new URL('../node_modules/better-sqlite3/package.json', import.meta.url), 'utf8')) as { version: string }).version)
const commit = versionOf(() => {
  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim()
  return hash
})
const report: BenchReport = {
  date: now.toISOString().slice(0, 10),
  mode: interrupted ? `${modeName} (interrupted: partial)` : modeName,
  commit,
  machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${process.platform}, `
    + `load average ${loadAtStart.toFixed(1)} at start and ${loadavg()[0]!.toFixed(1)} at the end`,
  versions: { node: process.version, '@duckdb/node-api': duckdbVersion, 'better-sqlite3': sqliteVersion },
  settings: {
    'G1 rows': settings.rows, 'threads (Grizzly, and the DuckDB column pinned to it)': benchThreads(), 'TPC-H SF': settings.scaleFactor, 'warm-ups': settings.warmups, 'timed runs': settings.runs,
    'budget per task s': settings.budgetMs / 1000, 'timeout s': settings.timeoutMs / 1000,
  },
  sections: sectionInfos,
  tasks: taskReports,
  processes: processReports,
  wallSeconds: (performance.now() - started) / 1000,
}
const markdown = renderMarkdown(report) + (storageMarkdown === null ? '' : `\n${storageMarkdown}`) + (udf === null ? '' : `\n${udf.markdown}`) + (vector === null ? '' : `\n${vector.markdown}`) + (ingestMarkdown === null ? '' : `\n${ingestMarkdown}`) + (onnxReport === null ? '' : `\n${onnxReport.markdown}`)
mkdirSync(outDir, { recursive: true })
const stem = join(outDir, `${report.date}-${modeName}`)
writeFileSync(`${stem}.md`, markdown)
const withUdf = udf === null ? report : { ...report, udf: { rows: udf.rows, loadMs: udf.loadMs, cases: udf.cases } }
// the vector figures without their markdown (undefined is left out of JSON)
writeFileSync(`${stem}.json`, `${JSON.stringify(vector === null ? withUdf : { ...withUdf, vector: { ...vector, markdown: undefined } }, null, 2)}\n`)
console.log(`\n${markdown}`)
console.log(`written to ${stem}.md and ${stem}.json`)
const issues = problems(taskReports)
const mismatches = [...issues.filter(i => i.startsWith('MISMATCH')), ...ingestProblems, ...(onnxReport?.models.filter(m => !m.sameAnswer).map(m => `MISMATCH onnx ${m.model}`) ?? [])]
if (issues.length > 0) {
  console.error(`\n${'!'.repeat(72)}\n${issues.join('\n')}\n${'!'.repeat(72)}`)
}
process.exit(mismatches.length > 0 ? 1 : 0)
