/**
 * Turns measured runs into the Markdown report: one table per section (median ms per engine,
 * ratio to single-thread DuckDB, geometric means), then memory per engine process.
 */
import type { Checksum, EngineName, ProcessName, ProcessStats, SectionName } from './tasks.ts'
import { ENGINES, benchThreads } from './tasks.ts'

export type EngineOutcome =
  | { readonly kind: 'ok'; readonly runs: readonly number[]; readonly median: number; readonly checksum: Checksum | null; readonly check: CheckVerdict }
  | { readonly kind: 'na'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string }
  /** limitS: the per-run time limit it exceeded (absent in reports written before it was recorded) */
  | { readonly kind: 'timeout'; readonly reason: string; readonly limitS?: number }
  | { readonly kind: 'skipped'; readonly reason: string }

export type CheckVerdict = { readonly kind: 'match' } | { readonly kind: 'mismatch'; readonly reason: string } | { readonly kind: 'unchecked'; readonly reason: string }

export interface TaskReport {
  readonly section: SectionName
  readonly name: string
  readonly title: string
  readonly sql: string
  /** rows the task reads, for rows/s (micro-set) */
  readonly inputRows: number | null
  readonly engines: Readonly<Partial<Record<EngineName, EngineOutcome>>>
}

export interface ProcessReport {
  readonly section: string
  readonly process: ProcessName
  readonly loadMs: number
  readonly loadedRows: number
  readonly restarts: number
  readonly stats: ProcessStats | null
}

export interface SectionInfo { readonly name: SectionName; readonly title: string; readonly note: string | null }

export interface BenchReport {
  readonly date: string
  readonly mode: string
  readonly commit: string
  readonly machine: string
  readonly versions: Readonly<Record<string, string>>
  readonly settings: Readonly<Record<string, string | number>>
  readonly sections: readonly SectionInfo[]
  readonly tasks: readonly TaskReport[]
  readonly processes: readonly ProcessReport[]
  readonly wallSeconds: number
}

export const ENGINE_LABEL: Readonly<Record<EngineName, string>> = {
  grizzly: benchThreads() === 1 ? 'Grizzly' : `Grizzly ${benchThreads()} threads`, duckdb: `DuckDB ${benchThreads()} thread${benchThreads() === 1 ? '' : 's'}`, duckdb_mt: 'DuckDB default threads', sqlite: 'SQLite',
}
/** Ratios are to this engine: DuckDB with Grizzly's thread count. */
export const BASELINE: EngineName = 'duckdb'

/** Whose answers the others are checked against: DuckDB when it runs, else Grizzly (a run of Grizzly and SQLite alone still checks SQLite). */
export function referenceEngine(engines: readonly EngineName[]): EngineName | null {
  return (['duckdb', 'duckdb_mt', 'grizzly'] as const).find(e => engines.includes(e)) ?? null
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

export function geometricMean(xs: readonly number[]): number | null {
  const positive = xs.filter(x => x > 0 && Number.isFinite(x))
  if (positive.length === 0) return null
  return Math.exp(positive.reduce((s, x) => s + Math.log(x), 0) / positive.length)
}

const ms = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))
const ratio = (x: number): string => `${x >= 10 ? x.toFixed(0) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2)}×`
const rate = (rows: number, millis: number): string => `${((rows / millis) * 1000 / 1e6).toFixed(0)}M`

function cell(o: EngineOutcome | undefined): string {
  if (o === undefined) return '-'
  switch (o.kind) {
    case 'ok': return o.check.kind === 'mismatch' ? `**${ms(o.median)} MISMATCH**` : ms(o.median)
    case 'na': return 'n/a'
    case 'error': return '**error**'
    case 'timeout': return o.limitS === undefined ? '**timeout**' : `**timeout** (> ${o.limitS} s)`
    case 'skipped': return 'skip'
  }
}

const okMedian = (o: EngineOutcome | undefined): number | null => (o?.kind === 'ok' ? o.median : null)

function ratioTo(task: TaskReport, engine: EngineName): number | null {
  const a = okMedian(task.engines[engine]), b = okMedian(task.engines[BASELINE])
  return a === null || b === null || b <= 0 ? null : a / b
}

/** Engines that appear in at least one task of the report. */
export function enginesIn(tasks: readonly TaskReport[]): EngineName[] {
  return ENGINES.filter(e => tasks.some(t => t.engines[e] !== undefined))
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const align = header.map((_, i) => (i === 0 ? ':--' : '--:'))
  return [header, align, ...rows].map(r => `| ${r.join(' | ')} |`)
}

function sectionTable(info: SectionInfo, tasks: readonly TaskReport[]): string[] {
  const engines = enginesIn(tasks)
  // without DuckDB in the run there is nothing to divide by
  const others = engines.includes(BASELINE) ? engines.filter(e => e !== BASELINE) : []
  const showRate = info.name === 'micro'
  // TPC-H carries the issue's target against SQLite: a ratio and a verdict per query
  const showSqlite = info.name === 'tpch' && tasks.some(t => versusSqlite(t) !== null)
  const header = ['task', ...engines.map(e => `${ENGINE_LABEL[e]} ms`), ...others.map(e => `${ENGINE_LABEL[e]} ÷ DuckDB`)]
  if (showRate) header.push(...engines.map(e => `${ENGINE_LABEL[e]} rows/s`))
  if (showSqlite) header.push(`${ENGINE_LABEL.grizzly} ÷ SQLite`, 'vs SQLite (target: faster)')
  const rows = tasks.map(t => {
    const r = [`${t.name} ${t.title}`, ...engines.map(e => cell(t.engines[e])), ...others.map(e => { const x = ratioTo(t, e); return x === null ? '-' : ratio(x) })]
    if (showRate) r.push(...engines.map(e => { const m = okMedian(t.engines[e]); return m === null || t.inputRows === null || m <= 0 ? '-' : rate(t.inputRows, m) }))
    if (showSqlite) { const v = versusSqlite(t); r.push(v?.ratio ?? '-', v?.verdict ?? '-') }
    return r
  })
  const geo = ['**geometric mean**',
    ...engines.map(e => { const g = geometricMean(tasks.map(t => okMedian(t.engines[e])).filter((x): x is number => x !== null)); return g === null ? '-' : ms(g) }),
    ...others.map(e => { const g = geometricMean(tasks.map(t => ratioTo(t, e)).filter((x): x is number => x !== null)); return g === null ? '-' : `**${ratio(g)}**` })]
  if (showRate) geo.push(...engines.map(() => ''))
  if (showSqlite) {
    // over the queries both engines finished; timeouts only bound the ratio
    const g = geometricMean(tasks.flatMap(t => { const a = okMedian(t.engines.grizzly), b = okMedian(t.engines.sqlite); return a === null || b === null || b <= 0 ? [] : [a / b] }))
    geo.push(g === null ? '-' : `**${ratio(g)}**`, '')
  }
  const out = table(header, [...rows, geo])
  if (showSqlite) out.push('', sqliteSummary(tasks))
  return out
}

/**
 * Grizzly against SQLite on one task: the ratio and verdict cells, whether the target (faster) is
 * met (null: cannot be judged), and why, when it is not plainly faster or slower.
 */
export interface SqliteComparison { readonly ratio: string; readonly verdict: string; readonly met: boolean | null; readonly why: string | null; readonly sqliteTimedOut: boolean }

export function versusSqlite(task: TaskReport): SqliteComparison | null {
  const g = task.engines.grizzly, s = task.engines.sqlite
  if (g === undefined || s === undefined) return null
  const notMet = (why: string): SqliteComparison => ({ ratio: '-', verdict: `**not met** (${why})`, met: false, why, sqliteTimedOut: false })
  const open = (why: string, ratioText = '-'): SqliteComparison => ({ ratio: ratioText, verdict: `not judged (${why})`, met: null, why, sqliteTimedOut: false })
  if (g.kind !== 'ok') return notMet(`Grizzly: ${g.kind}`)
  if (g.check.kind === 'mismatch') return notMet('Grizzly answer differs')
  switch (s.kind) {
    case 'ok': {
      const x = g.median / s.median
      if (s.check.kind === 'mismatch') return open('SQLite answer differs', ratio(x))
      return { ratio: ratio(x), verdict: x < 1 ? 'faster' : '**slower**', met: x < 1, why: null, sqliteTimedOut: false }
    }
    case 'timeout': {
      // SQLite gave no time, only a lower bound: Grizzly is faster when it finished inside that bound
      if (s.limitS === undefined) return open('SQLite timed out, limit not recorded')
      const bound = g.median / (s.limitS * 1000)
      if (bound >= 1) return open(`both over ${s.limitS} s`)
      return { ratio: `< ${ratio(bound)}`, verdict: `faster (SQLite timed out at ${s.limitS} s)`, met: true, why: null, sqliteTimedOut: true }
    }
    case 'na': return open('SQLite n/a')
    case 'error': case 'skipped': return open(`SQLite: ${s.kind}`)
  }
}

/** One line under the TPC-H table: how many queries meet "faster than SQLite", which do not, which could not be judged. */
export function sqliteSummary(tasks: readonly TaskReport[]): string {
  const judged = tasks.flatMap(t => { const v = versusSqlite(t); return v === null ? [] : [{ name: t.name, v }] })
  const faster = judged.filter(j => j.v.met === true), notMet = judged.filter(j => j.v.met === false), open = judged.filter(j => j.v.met === null)
  const timedOut = faster.filter(j => j.v.sqliteTimedOut).length
  const verdict = notMet.length > 0 ? '**not met**' : open.length > 0 ? `met on every query judged, ${open.length} not judged` : '**met**'
  const named = (j: { name: string; v: SqliteComparison }): string => `${j.name} ${j.v.why === null ? j.v.ratio : `(${j.v.why})`}`
  return [
    `Against SQLite (target: Grizzly faster on every query): ${verdict}. Faster on ${faster.length} of ${judged.length}`,
    timedOut > 0 ? ` (on ${timedOut} of them SQLite timed out)` : '',
    notMet.length > 0 ? `; slower or failed: ${notMet.map(named).join(', ')}` : '',
    open.length > 0 ? `; not judged: ${open.map(named).join(', ')}` : '',
    '.',
  ].join('')
}

/** Mismatches, errors and timeouts, listed under the tables so nothing hides in a cell. */
export function problems(tasks: readonly TaskReport[]): string[] {
  const out: string[] = []
  for (const t of tasks) {
    for (const e of ENGINES) {
      const o = t.engines[e]
      if (o === undefined) continue
      if (o.kind === 'ok' && o.check.kind === 'mismatch') out.push(`MISMATCH ${t.section}/${t.name} on ${ENGINE_LABEL[e]}: ${o.check.reason}`)
      else if (o.kind === 'error' || o.kind === 'timeout') out.push(`${o.kind.toUpperCase()} ${t.section}/${t.name} on ${ENGINE_LABEL[e]}: ${o.reason}`)
    }
  }
  return out
}

export function renderMarkdown(report: BenchReport): string {
  const reference = referenceEngine(enginesIn(report.tasks))
  const checkedAgainst = reference === null || reference === 'duckdb' || reference === 'duckdb_mt' ? 'DuckDB' : `${ENGINE_LABEL[reference]}'s answers (DuckDB was not in this run)`
  const lines: string[] = [
    `# Grizzly benchmark — ${report.mode} mode, ${report.date}`, '',
    `Commit ${report.commit}; ${report.machine}; ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Settings: ${Object.entries(report.settings).map(([k, v]) => `${k} ${v}`).join(', ')}. Wall time ${report.wallSeconds.toFixed(0)} s.`, '',
    `Median ms of the timed runs per task; ratios are to DuckDB on 1 thread (Grizzly's thread count), so 2.00× means twice as slow. Answers are cross-checked against ${checkedAgainst} on every run.`, '',
  ]
  for (const info of report.sections) {
    lines.push(`## ${info.title}`, '')
    if (info.note !== null) lines.push(info.note, '')
    const tasks = report.tasks.filter(t => t.section === info.name)
    if (tasks.length > 0) lines.push(...sectionTable(info, tasks), '')
  }
  const issues = problems(report.tasks)
  lines.push('## Answer checks', '')
  if (issues.length === 0) lines.push(`Every answer that ran agrees with ${checkedAgainst}: same row count and per-column checksums.`, '')
  else lines.push(...issues.map(i => `- **${i}**`), '')
  const na = report.tasks.flatMap(t => ENGINES.flatMap(e => { const o = t.engines[e]; return o?.kind === 'na' ? [`- ${t.section}/${t.name} on ${ENGINE_LABEL[e]}: ${o.reason}`] : [] }))
  if (na.length > 0) lines.push('Not applicable (n/a: the engine lacks the SQL):', '', ...na, '')
  const skipped = new Map<string, string[]>()
  for (const t of report.tasks) {
    for (const e of ENGINES) {
      const o = t.engines[e]
      if (o?.kind !== 'skipped') continue
      const key = `${ENGINE_LABEL[e]} (${o.reason})`
      skipped.set(key, [...(skipped.get(key) ?? []), `${t.section}/${t.name}`])
    }
  }
  if (skipped.size > 0) lines.push('Not run (skip):', '', ...[...skipped].map(([who, names]) => `- ${who}: ${names.join(', ')}`), '')
  lines.push('## Memory per engine process', '')
  lines.push(...table(['section', 'process', 'rows loaded', 'load s', 'RSS after load MiB', 'peak RSS MiB', 'peak RSS during queries MiB'],
    report.processes.map(p => [p.section, p.process, String(p.loadedRows), (p.loadMs / 1000).toFixed(1),
      p.stats === null ? (p.restarts > 0 ? 'restarted' : '-') : String(p.stats.loadedRssMb), p.stats === null ? '-' : String(p.stats.peakRssMb),
      p.stats?.peakQueryRssMb == null ? '-' : String(p.stats.peakQueryRssMb)])), '')
  lines.push('Load time includes generating the data inside each process; both DuckDB columns share one process.', '')
  return lines.join('\n')
}
