/**
 * Runs the public conformance corpora (`../shared/conformance` from the repository root, or
 * $GRIZZLY_CONFORMANCE_DIR): `duckdb/tests/**` in the DuckDB dialect with the duckdb folder as
 * working directory, and `sqlite/**` in the SQLite dialect. Prints counts, writes
 * test/conformance/results.json, and with --update-baseline raises test/conformance/baseline.json.
 *
 *   npm run conformance [-- --suite duckdb|sqlite] [--filter TEXT] [--workers N] [--engine duckdb]
 *                          [--update-baseline [--from-results]] [--verbose]
 * --from-results raises the baseline from the last full results.json instead of running again.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runInWorkers } from './pool.ts'
import type { WorkerJob } from './worker.ts'
import type { FileResult } from './runner.ts'
import type { EngineName } from './engines.ts'
import { formatFileResult } from './report.ts'

export type SuiteName = 'duckdb' | 'sqlite'
export const SUITES: readonly SuiteName[] = ['duckdb', 'sqlite']

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const RESULTS_PATH = join(REPO_ROOT, 'test', 'conformance', 'results.json')
export const BASELINE_PATH = join(REPO_ROOT, 'test', 'conformance', 'baseline.json')

export function corpusRoot(): string {
  return resolve(process.env['GRIZZLY_CONFORMANCE_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'conformance'))
}

export interface SuiteSummary {
  files: number
  passingFiles: number
  failingFiles: number
  skippedFiles: number
  recordsRun: number
  recordsPassed: number
}

export interface FileEntry {
  readonly status: FileResult['status']
  readonly recordsRun: number
  readonly recordsPassed: number
  readonly millis: number
  readonly reason?: string
  readonly line?: number
  readonly sql?: string
  readonly expected?: string
  readonly actual?: string
}

export interface ConformanceRun {
  readonly engine: EngineName
  readonly millis: number
  readonly workers?: number
  readonly suites: Partial<Record<SuiteName, SuiteSummary>>
  /** by path relative to the corpus root, e.g. `duckdb/tests/select/…` */
  readonly files: Record<string, FileEntry>
}

export interface Baseline {
  readonly duckdb: { readonly passingFiles: number; readonly recordsPassed: number }
  readonly sqlite: { readonly passingFiles: number; readonly recordsPassed: number }
  /** every file that passed when the baseline was recorded, sorted */
  readonly passing: readonly string[]
}

export interface ConformanceOptions {
  readonly suites?: readonly SuiteName[]
  readonly filter?: string
  readonly engine?: EngineName
  readonly workers?: number
  readonly totalMs?: number
  readonly onResult?: (r: FileResult) => void
}

function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) testFiles(full, out)
    else if (name.endsWith('.test')) out.push(full)
  }
  return out
}

const suiteOf = (name: string): SuiteName => name.startsWith('duckdb/') ? 'duckdb' : 'sqlite'

export function collectJobs(options: ConformanceOptions = {}): WorkerJob[] {
  const root = corpusRoot()
  const engine = options.engine ?? 'grizzly'
  const jobs: { job: WorkerJob; size: number }[] = []
  for (const suite of options.suites ?? SUITES) {
    const duck = suite === 'duckdb'
    const base = duck ? join(root, 'duckdb', 'tests') : join(root, 'sqlite')
    if (!existsSync(base)) continue
    for (const file of testFiles(base)) {
      const name = relative(root, file).split(sep).join('/')
      if (options.filter !== undefined && !name.includes(options.filter)) continue
      jobs.push({
        job: { file, name, dialect: suite, engine, cwd: duck ? join(root, 'duckdb') : root, dataDir: duck ? join(root, 'duckdb', 'data') : undefined },
        size: statSync(file).size,
      })
    }
  }
  // biggest first, so a long file does not start last and hold the run up
  return jobs.sort((a, b) => b.size - a.size).map(j => j.job)
}

export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceRun> {
  const started = Date.now()
  const jobs = collectJobs(options)
  const workers = options.workers ?? Math.min(2, availableParallelism())
  const results = await runInWorkers(jobs, {
    workers,
    stallMs: 30_000, fileMs: 300_000, totalMs: options.totalMs ?? 20 * 60_000,
    onResult: options.onResult,
  })
  const suites: Partial<Record<SuiteName, SuiteSummary>> = {}
  const files: Record<string, FileEntry> = {}
  for (const suite of options.suites ?? SUITES) suites[suite] = { files: 0, passingFiles: 0, failingFiles: 0, skippedFiles: 0, recordsRun: 0, recordsPassed: 0 }
  for (const r of results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const s = suites[suiteOf(r.file)]
    if (s !== undefined) {
      s.files++
      if (r.status === 'pass') s.passingFiles++
      else if (r.status === 'fail') s.failingFiles++
      else s.skippedFiles++
      s.recordsRun += r.recordsRun
      s.recordsPassed += r.recordsPassed
    }
    const f = r.failure
    files[r.file] = {
      status: r.status, recordsRun: r.recordsRun, recordsPassed: r.recordsPassed, millis: r.millis,
      ...(r.reason === undefined ? {} : { reason: clip(r.reason, 500) }),
      ...(f === undefined ? {} : { line: f.line, sql: clip(f.sql, 500) }),
      ...(f?.expected === undefined ? {} : { expected: clip(f.expected, 500) }),
      ...(f?.actual === undefined ? {} : { actual: clip(f.actual, 500) }),
    }
  }
  return { engine: options.engine ?? 'grizzly', millis: Date.now() - started, workers, suites, files }
}

/** Clipped, and without this machine's paths (the corpus folder, scratch directories). */
function clip(s: string, n: number): string {
  const root = corpusRoot()
  let t = s.split(root).join('<corpus>').split(REPO_ROOT).join('<repo>').replace(/[^\s'"]*[\\/]slt-[A-Za-z0-9]{6}/g, '<scratch>')
  if (t.length > n) t = `${t.slice(0, n)}…`
  return t
}

export function readBaseline(): Baseline {
  if (!existsSync(BASELINE_PATH)) return { duckdb: { passingFiles: 0, recordsPassed: 0 }, sqlite: { passingFiles: 0, recordsPassed: 0 }, passing: [] }
  return JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) as Baseline
}

/** Everything in `run` that is worse than `baseline` (only the suites that ran are judged). */
export function regressions(run: ConformanceRun, baseline: Baseline): string[] {
  const problems: string[] = []
  for (const suite of SUITES) {
    const s = run.suites[suite]
    if (s === undefined) continue
    const b = baseline[suite]
    if (s.passingFiles < b.passingFiles) problems.push(`${suite}: ${s.passingFiles} files pass, the baseline is ${b.passingFiles}`)
    if (s.recordsPassed < b.recordsPassed) problems.push(`${suite}: ${s.recordsPassed} records pass, the baseline is ${b.recordsPassed}`)
  }
  for (const file of baseline.passing) {
    const entry = run.files[file]
    if (entry === undefined) {
      if (run.suites[suiteOf(file)] !== undefined && existsSync(join(corpusRoot(), file))) problems.push(`${file}: passed in the baseline but did not run`)
      continue
    }
    if (entry.status !== 'pass') problems.push(`${file}: passed in the baseline, now ${entry.status}${entry.reason === undefined ? '' : ` (${entry.reason.split('\n')[0]})`}`)
  }
  return problems
}

/** The baseline raised to `run`: counts and the passing list only ever grow. */
export function raisedBaseline(run: ConformanceRun, baseline: Baseline): Baseline {
  const passing = new Set(baseline.passing)
  for (const [file, entry] of Object.entries(run.files)) if (entry.status === 'pass') passing.add(file)
  const raise = (suite: SuiteName): { passingFiles: number; recordsPassed: number } => {
    const s = run.suites[suite], b = baseline[suite]
    return s === undefined ? b : { passingFiles: Math.max(b.passingFiles, s.passingFiles), recordsPassed: Math.max(b.recordsPassed, s.recordsPassed) }
  }
  return { duckdb: raise('duckdb'), sqlite: raise('sqlite'), passing: [...passing].sort() }
}

export function summaryLines(run: ConformanceRun): string[] {
  const lines: string[] = []
  const d = run.suites.duckdb, s = run.suites.sqlite
  if (d !== undefined) lines.push(`DuckDB corpus: ${d.passingFiles} / ${d.files} files pass (${d.failingFiles} fail, ${d.skippedFiles} skipped); records passing ${d.recordsPassed} / ${d.recordsRun} run`)
  if (s !== undefined) lines.push(`SQLite corpus: ${s.recordsPassed} / ${s.recordsRun} records pass; files ${s.passingFiles} / ${s.files} (${s.failingFiles} fail, ${s.skippedFiles} skipped)`)
  lines.push(`time: ${(run.millis / 1000).toFixed(1)} s with ${run.workers ?? 2} worker processes (${run.engine})`)
  return lines
}

function raiseBaselineTo(run: ConformanceRun): number {
  const baseline = readBaseline()
  const problems = regressions(run, baseline)
  if (problems.length > 0) {
    console.error(`not raising the baseline; these are below it:\n${problems.join('\n')}`)
    return 1
  }
  writeFileSync(BASELINE_PATH, JSON.stringify(raisedBaseline(run, baseline), null, 1) + '\n')
  console.log(`raised ${relative(process.cwd(), BASELINE_PATH)}`)
  return 0
}

async function main(argv: readonly string[]): Promise<number> {
  let suites: SuiteName[] | undefined
  let filter: string | undefined
  let workers: number | undefined
  let engine: EngineName = 'grizzly'
  let update = false, verbose = false, fromResults = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--suite') suites = [argv[++i] === 'sqlite' ? 'sqlite' : 'duckdb']
    else if (a === '--filter') filter = argv[++i]
    else if (a === '--workers') workers = Number(argv[++i])
    else if (a === '--engine') engine = argv[++i] === 'duckdb' ? 'duckdb' : 'grizzly'
    else if (a === '--update-baseline') update = true
    else if (a === '--verbose') verbose = true
    else if (a === '--from-results') fromResults = true
    else { console.error(`unknown argument ${a}`); return 2 }
  }
  if (!existsSync(corpusRoot())) {
    console.error(`conformance corpus not found at ${corpusRoot()} (set GRIZZLY_CONFORMANCE_DIR)`)
    return 2
  }
  if (fromResults) {
    if (!update || !existsSync(RESULTS_PATH)) { console.error('--from-results needs --update-baseline and a results.json'); return 2 }
    const last = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as ConformanceRun
    if (last.engine !== 'grizzly' || SUITES.some(s => last.suites[s] === undefined)) { console.error('results.json does not hold a full grizzly run'); return 2 }
    return raiseBaselineTo(last)
  }
  const run = await runConformance({
    suites, filter, engine, workers,
    onResult: r => { if (verbose || r.status === 'fail') console.log(formatFileResult(r, verbose)) },
  })
  for (const line of summaryLines(run)) console.log(line)
  const complete = filter === undefined && engine === 'grizzly'
  if (complete) {
    const previous: Partial<ConformanceRun> = existsSync(RESULTS_PATH) ? JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as ConformanceRun : {}
    // a run of one suite keeps the other suite's last results
    const merged: ConformanceRun = suites === undefined ? run : {
      ...run,
      suites: { ...previous.suites, ...run.suites },
      files: { ...Object.fromEntries(Object.entries(previous.files ?? {}).filter(([f]) => !suites.includes(suiteOf(f)))), ...run.files },
    }
    writeFileSync(RESULTS_PATH, JSON.stringify(merged, null, 1) + '\n')
    console.log(`wrote ${relative(process.cwd(), RESULTS_PATH)}`)
  }
  if (update) {
    if (!complete || suites !== undefined) { console.error('--update-baseline needs a full run of the grizzly engine (no --filter, no --suite)'); return 2 }
    return raiseBaselineTo(run)
  }
  const problems = regressions(run, readBaseline())
  if (problems.length > 0 && complete) {
    console.log(`below the baseline:\n${problems.join('\n')}`)
    return 1
  }
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2))
}
