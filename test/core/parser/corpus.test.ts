/**
 * Smoke test: parse every statement/query record of the conformance corpora and check the share
 * that parses stays above what the parser reaches today. Skipped when the corpora are absent.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { GrizzlyError } from '../../../core/errors.ts'
import { parse } from '../../../core/parser/index.ts'
import { conformanceRoot, corpusAvailable, extractRecords, testFiles } from './corpus.ts'

interface Tally { parsed: number; failed: number; crashes: string[]; byMessage: Map<string, number> }

function run(dir: string): Tally {
  const tally: Tally = { parsed: 0, failed: 0, crashes: [], byMessage: new Map() }
  for (const file of testFiles(join(conformanceRoot, dir))) {
    for (const record of extractRecords(file)) {
      if (record.expectError) {
        // these may fail to parse on purpose; they must still fail cleanly
        try { parse(record.sql) } catch (e) { if (!(e instanceof GrizzlyError) || e.code === 'XX000') tally.crashes.push(record.sql) }
        continue
      }
      try {
        parse(record.sql)
        tally.parsed++
      } catch (e) {
        tally.failed++
        if (!(e instanceof GrizzlyError) || e.code === 'XX000') tally.crashes.push(record.sql)
        const key = e instanceof Error ? e.message.replace(/"[^"]*"/g, '"…"') : String(e)
        tally.byMessage.set(key, (tally.byMessage.get(key) ?? 0) + 1)
      }
    }
  }
  return tally
}

function report(name: string, t: Tally): number {
  const share = t.parsed / Math.max(1, t.parsed + t.failed)
  const top = [...t.byMessage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([m, n]) => `${n}× ${m}`).join('; ')
  console.log(`${name}: ${t.parsed}/${t.parsed + t.failed} parse (${(share * 100).toFixed(2)}%); top failures: ${top}`)
  return share
}

const skip = corpusAvailable() ? false : 'conformance corpora not found next to the repository'

test('DuckDB corpus statements parse', { skip }, () => {
  const t = run('duckdb/tests')
  assert.ok(t.parsed > 5000, `only ${t.parsed} records found`)
  assert.deepEqual(t.crashes, [])
  assert.ok(report('duckdb', t) >= 0.989)
})

test('SQLite corpus statements parse, quickly', { skip }, () => {
  const start = performance.now()
  const t = run('sqlite')
  const ms = performance.now() - start
  assert.ok(t.parsed > 100000, `only ${t.parsed} records found`)
  assert.deepEqual(t.crashes, [])
  assert.ok(report('sqlite', t) >= 0.999)
  console.log(`sqlite corpus read and parsed in ${ms.toFixed(0)} ms`)
})
