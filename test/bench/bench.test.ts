/**
 * Smoke test of the benchmark harness: a tiny end-to-end run (a few thousand rows, one run per
 * task, every engine in its own process) must produce the report files with every section and
 * engine, and cross-check answers. Nothing here is timed.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checksumRows, compareChecksums } from '../../bench/checksum.ts'
import { generateG1 } from '../../bench/h2o.ts'
import { geometricMean, median, problems, renderMarkdown, sqliteSummary, versusSqlite, type BenchReport, type EngineOutcome, type TaskReport } from '../../bench/report.ts'
import { sqliteDialect } from '../../bench/engines.ts'

const RUN = fileURLToPath(new URL('../../bench/run.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function runBench(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, ['--import', 'tsx', RUN, ...args], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr })
    })
  })
}

test('a tiny run covers every section and engine and writes the report', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'grizzly-bench-'))
  try {
    // a few tasks per section keep it fast; the slow TPC-H joins are left to real runs
    const r = await runBench(['--tiny', '--rows', '3000', '--sf', '0.001', '--tasks', 'q1,q3,q8,q9,sum,string_eq,q01,q06,q13', '--out', out])
    const report = JSON.parse(readFileSync(join(out, `${new Date().toISOString().slice(0, 10)}-tiny.json`), 'utf8')) as BenchReport
    assert.deepEqual(report.sections.map(s => s.name), ['h2o', 'micro', 'tpch'])
    assert.deepEqual(report.tasks.map(t => t.name), ['q1', 'q3', 'q8', 'q9', 'sum', 'string_eq', 'q01', 'q06', 'q13'])
    for (const t of report.tasks) {
      assert.deepEqual(Object.keys(t.engines).sort(), ['duckdb', 'duckdb_mt', 'grizzly', 'sqlite'], t.name)
      for (const engine of ['duckdb', 'duckdb_mt'] as const) {
        const o = t.engines[engine]
        assert.equal(o?.kind, 'ok', `${t.name} on ${engine}`)
        if (o?.kind === 'ok') assert.equal(o.check.kind, 'match', `${t.name} on ${engine}`)
      }
    }
    // SQLite has no corr(); the harness must call that n/a rather than fail
    assert.equal(report.tasks.find(t => t.name === 'q9')?.engines.sqlite?.kind, 'na')
    // q13's derived-table alias list runs in SQLite as a CTE, with DuckDB's answer
    const q13 = report.tasks.find(t => t.name === 'q13')?.engines.sqlite
    assert.equal(q13?.kind === 'ok' ? q13.check.kind : q13?.kind, 'match')
    const markdown = readFileSync(join(out, `${report.date}-tiny.md`), 'utf8')
    assert.match(markdown, /## H2O db-benchmark groupby/)
    assert.match(markdown, /## TPC-H SF 0.001/)
    assert.match(markdown, /geometric mean/)
    assert.match(markdown, /## Memory per engine process/)
    assert.equal(report.processes.length, 6)
    for (const p of report.processes) assert.ok(p.stats !== null && p.stats.peakRssMb > 0, `${p.section} ${p.process}`)
    // exit code 1 exactly when some engine disagreed with DuckDB
    const mismatch = report.tasks.some(t => Object.values(t.engines).some(o => o.kind === 'ok' && o.check.kind === 'mismatch'))
    assert.equal(r.code, mismatch ? 1 : 0, r.stderr)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

test('bad flags are refused with a usage line', async () => {
  for (const args of [['--only', 'h2o,nope'], ['--runs', '0'], ['--sf', '-1'], ['--engines', 'postgres'], ['--bogus']]) {
    const r = await runBench(args)
    assert.equal(r.code, 2, args.join(' '))
    assert.match(r.stderr, /usage: npm run bench/)
  }
})

test('G1 data is deterministic and has the db-benchmark shape', () => {
  const a = generateG1(2000), b = generateG1(2000), c = generateG1(2000, 7)
  assert.deepEqual(a.columns, b.columns)
  assert.notDeepEqual(a.columns[3], c.columns[3])
  const [id1, , id3, id4, , id6, v1, v2, v3] = a.columns as [string[], string[], string[], Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Float64Array]
  assert.ok(id1.every(s => /^id\d{3}$/.test(s)))
  assert.ok(id3.every(s => /^id\d{10}$/.test(s)))
  assert.ok(id4.every(x => x >= 1 && x <= 100))
  assert.ok(id6.every(x => x >= 1 && x <= 20))
  assert.ok(v1.every(x => x >= 1 && x <= 5) && v2.every(x => x >= 1 && x <= 15))
  assert.ok(v3.every(x => x >= 0 && x < 100 && Math.abs(x * 1e6 - Math.round(x * 1e6)) < 1e-6))
  assert.throws(() => generateG1(0), RangeError)
  assert.throws(() => generateG1(1.5), RangeError)
})

test('checksums ignore row order and formatting, and catch real differences', () => {
  const duck = checksumRows([['a', 1.5, null], ['b', 2n, 3]], 3)
  assert.ok(compareChecksums(duck, checksumRows([['b', '2', '3'], ['a', '1.5000000001', null]], 3)).agree)
  assert.ok(!compareChecksums(duck, checksumRows([['a', 1.5, null]], 3)).agree, 'row count')
  assert.ok(!compareChecksums(duck, checksumRows([['a', 1.5, null], ['c', 2, 3]], 3)).agree, 'text')
  assert.ok(!compareChecksums(duck, checksumRows([['a', 1.5, null], ['b', 2.1, 3]], 3)).agree, 'number')
  assert.ok(!compareChecksums(duck, checksumRows([['a', 1.5, 4], ['b', 2, 3]], 3)).agree, 'NULL count')
  // NaN is a value like any other, whatever the engine calls it
  assert.ok(compareChecksums(checksumRows([[NaN], [1]], 1), checksumRows([['nan'], ['1.0']], 1)).agree)
  assert.ok(!compareChecksums(checksumRows([[NaN], [1]], 1), checksumRows([[1], [1]], 1)).agree)
})

test('medians, geometric means and the SQLite rewrite', () => {
  assert.equal(median([3, 1, 2]), 2)
  assert.equal(median([4, 1, 2, 3]), 2.5)
  assert.equal(geometricMean([1, 4]), 2)
  assert.equal(geometricMean([]), null)
  assert.equal(sqliteDialect("x >= CAST('1994-01-01' AS date) AND y < date '1995-09-01'"), "x >= '1994-01-01' AND y < '1995-09-01'")
  assert.equal(sqliteDialect('extract(year FROM o_orderdate)'), "CAST(strftime('%Y', o_orderdate) AS INTEGER)")
  assert.equal(sqliteDialect('substring(c_phone FROM 1 FOR 2)'), 'substr(c_phone, 1, 2)')
  // a derived table's column alias list (q13) becomes a CTE's, which SQLite has
  assert.equal(sqliteDialect('SELECT c, count(*) FROM (SELECT k, count(o) FROM t GROUP BY k) AS x (k, c) GROUP BY c'),
    'WITH x (k, c) AS (SELECT k, count(o) FROM t GROUP BY k)\nSELECT c, count(*) FROM x GROUP BY c')
  for (const unchanged of ['SELECT CAST(sum(x) AS DECIMAL(15, 2)) FROM t', 'WITH y AS (SELECT 1) SELECT * FROM (SELECT 1) AS x (a)']) assert.equal(sqliteDialect(unchanged), unchanged)
})

test('the report shows mismatches, failures and ratios to single-thread DuckDB', () => {
  const ok = (m: number, check: 'match' | 'mismatch' = 'match'): EngineOutcome => ({
    kind: 'ok', runs: [m], median: m, checksum: null,
    check: check === 'match' ? { kind: 'match' } : { kind: 'mismatch', reason: 'rows 3, DuckDB 4' },
  })
  const report: BenchReport = {
    date: '2026-01-01', mode: 'tiny', commit: 'abc1234', machine: 'test', versions: {}, settings: {}, wallSeconds: 1,
    sections: [{ name: 'micro', title: 'Micro', note: null }],
    tasks: [
      { section: 'micro', name: 'sum', title: 'SUM', sql: '', inputRows: 1_000_000, engines: { grizzly: ok(40), duckdb: ok(10), sqlite: { kind: 'na', reason: 'no such function' } } },
      { section: 'micro', name: 'f', title: 'filter', sql: '', inputRows: 1_000_000, engines: { grizzly: ok(5, 'mismatch'), duckdb: ok(20), sqlite: { kind: 'timeout', reason: 'over 5 s' } } },
    ],
    processes: [],
  }
  const md = renderMarkdown(report)
  assert.match(md, /\| sum SUM \| 40\.0 \| 10\.0 \| n\/a \| 4\.00× \| - \|/)
  assert.match(md, /\*\*5\.00 MISMATCH\*\*/)
  assert.match(md, /\*\*1\.00×\*\*/, 'geometric mean of 4× and 0.25× is 1×')
  assert.match(md, /MISMATCH micro\/f on Grizzly: rows 3, DuckDB 4/)
  assert.match(md, /TIMEOUT micro\/f on SQLite/)
  assert.match(md, /25M/, 'rows/s: 1M rows in 40 ms')
  assert.deepEqual(problems(report.tasks).length, 2)
})

test('TPC-H against SQLite: a ratio and a verdict per query, timeouts as a bound, and one summary line', () => {
  const ok = (m: number, check: 'match' | 'mismatch' | 'unchecked' = 'match'): EngineOutcome => ({
    kind: 'ok', runs: [m], median: m, checksum: null,
    check: check === 'match' ? { kind: 'match' } : check === 'mismatch' ? { kind: 'mismatch', reason: 'rows 3, Grizzly 4' } : { kind: 'unchecked', reason: 'the reference answer' },
  })
  const task = (name: string, engines: TaskReport['engines']): TaskReport => ({ section: 'tpch', name, title: '', sql: '', inputRows: null, engines })
  const tasks = [
    task('q01', { grizzly: ok(100, 'unchecked'), sqlite: ok(400) }),
    task('q02', { grizzly: ok(300, 'unchecked'), sqlite: ok(200) }),
    task('q03', { grizzly: ok(150, 'unchecked'), sqlite: { kind: 'timeout', reason: 'sqlite took over 300 s', limitS: 300 } }),
    task('q04', { grizzly: ok(50, 'unchecked'), sqlite: { kind: 'na', reason: 'no such function' } }),
    task('q05', { grizzly: ok(50, 'unchecked'), sqlite: ok(60, 'mismatch') }),
  ]
  assert.deepEqual(tasks.map(t => versusSqlite(t)?.met), [true, false, true, null, null])
  assert.equal(versusSqlite(tasks[2]!)?.ratio, '< 0.00050×', 'a timeout gives only an upper bound on the ratio')
  assert.equal(versusSqlite(task('q06', { grizzly: { kind: 'error', reason: 'boom' }, sqlite: ok(1) }))?.met, false)
  assert.equal(versusSqlite(task('q07', { grizzly: ok(1) })), null, 'no SQLite, nothing to judge')
  assert.equal(sqliteSummary(tasks), 'Against SQLite (target: Grizzly faster on every query): **not met**. Faster on 2 of 5 (on 1 of them SQLite timed out); '
    + 'slower or failed: q02 1.50×; not judged: q04 (SQLite n/a), q05 (SQLite answer differs).')
  assert.match(sqliteSummary(tasks.slice(0, 1)), /: \*\*met\*\*\. Faster on 1 of 1\.$/)
  const md = renderMarkdown({
    date: '2026-01-01', mode: 'tiny', commit: 'abc1234', machine: 'test', versions: {}, settings: {}, wallSeconds: 1,
    sections: [{ name: 'tpch', title: 'TPC-H', note: null }], tasks, processes: [],
  })
  assert.match(md, /\| task \| Grizzly ms \| SQLite ms \| Grizzly ÷ SQLite \| vs SQLite \(target: faster\) \|/, 'no ÷ DuckDB columns without DuckDB')
  assert.match(md, /\| q01  \| 100 \| 400 \| 0\.25× \| faster \|/)
  assert.match(md, /\| q02  \| 300 \| 200 \| 1\.50× \| \*\*slower\*\* \|/)
  assert.match(md, /\| q03  \| 150 \| \*\*timeout\*\* \(> 300 s\) \| < 0\.00050× \| faster \(SQLite timed out at 300 s\) \|/)
  assert.match(md, /cross-checked against Grizzly's answers \(DuckDB was not in this run\)/)
})
