import { test } from 'node:test'
import assert from 'node:assert/strict'
import { raisedBaseline, regressions, type Baseline, type ConformanceRun, type FileEntry } from './conformance.ts'

const entry = (status: FileEntry['status'], passed = 1): FileEntry => ({ status, recordsRun: 1, recordsPassed: passed, millis: 1 })
const summary = (passingFiles: number, recordsPassed: number) =>
  ({ files: 3, passingFiles, failingFiles: 3 - passingFiles, skippedFiles: 0, recordsRun: 10, recordsPassed })

const baseline: Baseline = {
  duckdb: { passingFiles: 1, recordsPassed: 5 },
  sqlite: { passingFiles: 0, recordsPassed: 100 },
  passing: ['duckdb/tests/a.test'],
}

test('a run at the baseline has no regressions; drops and newly failing files are named', () => {
  const good: ConformanceRun = {
    engine: 'grizzly', millis: 1,
    suites: { duckdb: summary(2, 6) },
    files: { 'duckdb/tests/a.test': entry('pass'), 'duckdb/tests/b.test': entry('pass') },
  }
  assert.deepEqual(regressions(good, baseline), [])
  const bad: ConformanceRun = {
    engine: 'grizzly', millis: 1,
    suites: { duckdb: summary(1, 4) },
    files: { 'duckdb/tests/a.test': { ...entry('fail'), reason: 'line 3: wrong result' }, 'duckdb/tests/b.test': entry('pass') },
  }
  const problems = regressions(bad, baseline)
  assert.equal(problems.length, 2)
  assert.match(problems[0]!, /4 records pass, the baseline is 5/)
  assert.match(problems[1]!, /a\.test: passed in the baseline, now fail \(line 3: wrong result\)/)
})

test('raising only goes up and keeps files that passed before', () => {
  const run: ConformanceRun = {
    engine: 'grizzly', millis: 1,
    suites: { duckdb: summary(2, 4), sqlite: summary(1, 150) },
    files: { 'duckdb/tests/b.test': entry('pass'), 'sqlite/x.test': entry('pass') },
  }
  const raised = raisedBaseline(run, baseline)
  assert.deepEqual(raised.duckdb, { passingFiles: 2, recordsPassed: 5 })
  assert.deepEqual(raised.sqlite, { passingFiles: 1, recordsPassed: 150 })
  assert.deepEqual(raised.passing, ['duckdb/tests/a.test', 'duckdb/tests/b.test', 'sqlite/x.test'])
})
