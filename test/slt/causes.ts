/**
 * Groups the failing files of test/conformance/results.json by cause, as a markdown list, for
 * docs/conformance.md.   node --import tsx test/slt/causes.ts [--suite duckdb|sqlite]
 */
import { readFileSync } from 'node:fs'
import { RESULTS_PATH, type ConformanceRun } from './conformance.ts'

/** A short name for why a file failed, from the first line of its reason. */
export function causeOf(reason: string): string {
  const first = reason.split('\n')[0]!.replace(/^line \d+: /, '')
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/^timeout/, () => 'timeout (a statement ran 30 s or more)'],
    [/ended the process/, () => 'the engine ended the worker process'],
    [/engine crashed: (?:InternalError: )?(.{0,60})/, m => `engine crash: ${m[1]}`],
    [/(\w[\w ]*?) (?:is|are) not supported yet/, m => `not supported yet: ${m[1]}`],
    [/unrecognized configuration parameter "?([\w.]+)/i, m => `unknown setting: ${m[1]}`],
    [/(?:table )?function "?([\w.]+)"? does not exist/, m => `missing function: ${m[1]}`],
    [/aggregate "?([\w.]+)\(/, m => `missing aggregate overload: ${m[1]}`],
    [/operator (\S+) does not exist/, m => `missing operator overload: ${m[1]}`],
    [/syntax error/, () => 'syntax not accepted by the parser'],
    [/^statement succeeded but an error was expected/, () => 'accepts a statement that must fail'],
    [/^wrong result/, () => 'wrong result'],
    [/^expected \d+ columns/, () => 'wrong number of result columns'],
    [/could not serialize/, () => 'transaction conflict where DuckDB has none'],
    [/must appear in the GROUP BY clause/, () => 'GROUP BY check stricter than DuckDB/SQLite'],
    [/does not exist/, () => 'unknown name (table/column/type)'],
    [/cannot parse/, () => 'runner could not parse the file'],
  ]
  for (const [re, name] of rules) {
    const m = re.exec(first)
    if (m !== null) return name(m)
  }
  return `other: ${first.slice(0, 70)}`
}

export function causeTable(run: ConformanceRun, suite: 'duckdb' | 'sqlite'): string[] {
  const groups = new Map<string, string[]>()
  for (const [file, entry] of Object.entries(run.files)) {
    if (!file.startsWith(`${suite}/`) || entry.status !== 'fail') continue
    const cause = causeOf(entry.reason ?? '')
    const list = groups.get(cause) ?? []
    list.push(file.replace(/^duckdb\/tests\//, ''))
    groups.set(cause, list)
  }
  return [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).map(([cause, files]) => {
    const shown = files.sort().slice(0, 6).map(f => `\`${f}\``).join(', ')
    return `- **${cause}** — ${files.length} file${files.length === 1 ? '' : 's'}: ${shown}${files.length > 6 ? ', …' : ''}`
  })
}

if (process.argv[1]?.endsWith('causes.ts')) {
  const run = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as ConformanceRun
  const only = process.argv.includes('--suite') ? process.argv[process.argv.indexOf('--suite') + 1] : undefined
  for (const suite of ['duckdb', 'sqlite'] as const) {
    if (only !== undefined && only !== suite) continue
    console.log(`### ${suite}\n`)
    console.log(causeTable(run, suite).join('\n'))
    console.log()
  }
}
