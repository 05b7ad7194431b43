/**
 * Groups the failing files of test/conformance/results.json by cause, as a markdown list, for
 * docs/conformance.md.
 *   node --import tsx test/slt/causes.ts               print the grouped causes
 *   node --import tsx test/slt/causes.ts --write-docs  regenerate docs/conformance.md
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { readBaseline, RESULTS_PATH, summaryLines, type ConformanceRun } from './conformance.ts'

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

/** Causes that name a thing (a function, a feature, a setting) are folded into one line each. */
const FAMILIES: readonly [prefix: string, title: string][] = [
  ['missing function: ', 'missing functions'],
  ['not supported yet: ', 'features not supported yet'],
  ['unknown setting: ', 'unknown settings'],
  ['missing aggregate overload: ', 'missing aggregate overloads'],
  ['missing operator overload: ', 'missing operator overloads'],
  ['engine crash: ', 'engine crashes (plain JS errors or InternalError)'],
  ['other: ', 'other errors'],
]

export function causeTable(run: ConformanceRun, suite: 'duckdb' | 'sqlite'): string[] {
  const groups = new Map<string, string[]>()
  for (const [file, entry] of Object.entries(run.files)) {
    if (!file.startsWith(`${suite}/`) || entry.status !== 'fail') continue
    const cause = causeOf(entry.reason ?? '')
    const list = groups.get(cause) ?? []
    list.push(file.replace(/^duckdb\/tests\//, ''))
    groups.set(cause, list)
  }
  const lines: { count: number; text: string }[] = []
  const folded = new Set<string>()
  for (const [prefix, title] of FAMILIES) {
    const members = [...groups].filter(([c]) => c.startsWith(prefix)).sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    if (members.length === 0) continue
    for (const [c] of members) folded.add(c)
    const count = members.reduce((n, [, f]) => n + f.length, 0)
    const items = members.map(([c, f]) => `${c.slice(prefix.length).replace(/\s+/g, ' ').trim()}${f.length > 1 ? ` (${f.length})` : ` — \`${f[0]}\``}`)
    lines.push({ count, text: `- **${title}** — ${count} file${count === 1 ? '' : 's'}: ${items.join('; ')}` })
  }
  for (const [cause, files] of groups) {
    if (folded.has(cause)) continue
    const shown = files.sort().slice(0, 8).map(f => `\`${f}\``).join(', ')
    lines.push({ count: files.length, text: `- **${cause}** — ${files.length} file${files.length === 1 ? '' : 's'}: ${shown}${files.length > 8 ? ', …' : ''}` })
  }
  return lines.sort((a, b) => b.count - a.count).map(l => l.text)
}

const DOCS_PATH = fileURLToPath(new URL('../../docs/conformance.md', import.meta.url))

export function conformanceDoc(run: ConformanceRun): string {
  const b = readBaseline()
  const date = new Date().toISOString().slice(0, 10)
  return `# Conformance

Grizzly runs two public sqllogictest corpora with its own runner (\`test/slt/\`): DuckDB's tests
for core SQL (695 files, DuckDB dialect) and a subset of SQLite's sqllogictest corpus (40 files,
about 250,000 records, SQLite dialect). The corpora live in \`../shared/conformance\` next to the
repository (or wherever \`GRIZZLY_CONFORMANCE_DIR\` points); the format and the value-rendering
rules are in that folder's README.

## Running

\`\`\`
npm run conformance                              # both corpora; prints counts, writes test/conformance/results.json
npm run conformance -- --suite duckdb            # one corpus (sqlite: --suite sqlite)
npm run conformance -- --filter join/ --verbose  # some files, with expected vs actual for each failure
npm run conformance -- --update-baseline         # full run, then raise test/conformance/baseline.json
npm run conformance -- --update-baseline --from-results   # raise it from the last full results.json
node --import tsx test/slt/run-files.ts FILE…    # run files in-process with full details
node --import tsx test/slt/causes.ts --write-docs          # regenerate this page from results.json
\`\`\`

Files run in two worker processes (\`--workers N\` to change): a statement that makes no progress for
30 s, or a file that runs over 5 minutes, fails that file only, and so does a crash of the engine.
\`test/slt/conformance.test.ts\` runs both corpora and fails when a count falls below the baseline or
a file listed in the baseline no longer passes. The baseline only rises: \`--update-baseline\`
refuses to record a run that is worse than it in any way.

What the runner does not check: DuckDB's error-message texts (any GrizzlyError satisfies
\`statement error\`, but a plain JS error or an InternalError is a crash and fails); \`require parquet\`
and \`require icu\` files are skipped. SQLite files answer \`skipif\`/\`onlyif\` as \`postgresql\` and run
with \`SET integer_division = true\`.

## Current counts (${date})

${summaryLines(run).map(l => `- ${l}`).join('\n')}
- Baseline: DuckDB ${b.duckdb.passingFiles} files / ${b.duckdb.recordsPassed} records; SQLite ${b.sqlite.recordsPassed} records / ${b.sqlite.passingFiles} files.

For reference, DuckDB 1.5 itself passes every DuckDB file and 32 of the 40 SQLite files; run
through this runner (\`--engine duckdb\`) it passes 660 of the 667 DuckDB files that are not skipped
(the 7 misses are how node-api hands over a few exotic values), and on the SQLite corpus the
same 32 files and 209,099 of 209,483 records that the corpus README reports for DuckDB. SQLite records are counted as the
corpus README counts them: 209,483 records run when answering as \`postgresql\`, including those
after a failing statement.

## Failing files by cause

The first failing record of each file decides its cause; a file may have more problems further down.
Full details (line, SQL, expected, actual) are in \`test/conformance/results.json\`.

### DuckDB corpus

${causeTable(run, 'duckdb').join('\n')}

Four DuckDB files fail on purpose: they expect an error where DuckDB has a limitation and
PostgreSQL answers the query, and Grizzly answers it as PostgreSQL does — a window call in a
subquery reading an outer column (\`test_correlated_window\`), subqueries and outer-query columns
in an outer join's ON (\`lateral_left_join\`, \`test_complex_correlated_subquery\`), and an
uncorrelated scalar subquery over an empty table, which DuckDB runs anyway and PostgreSQL does not
(\`subquery_in\`). test/sql/subquery-errors.test.ts checks the answers.

### SQLite corpus

${causeTable(run, 'sqlite').join('\n')}

Some SQLite failures are dialect differences shared with DuckDB (\`CREATE TRIGGER\`, \`REINDEX\`,
\`x IN ()\`, bare columns outside GROUP BY).
`
}

if (process.argv[1]?.endsWith('causes.ts')) {
  const run = JSON.parse(readFileSync(RESULTS_PATH, 'utf8')) as ConformanceRun
  if (process.argv.includes('--write-docs')) {
    writeFileSync(DOCS_PATH, conformanceDoc(run))
    console.log('wrote docs/conformance.md')
  } else {
    for (const suite of ['duckdb', 'sqlite'] as const) {
      console.log(`### ${suite === 'duckdb' ? 'DuckDB corpus' : 'SQLite corpus'}\n`)
      console.log(causeTable(run, suite).join('\n'))
      console.log()
    }
  }
}
