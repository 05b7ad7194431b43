/**
 * The public corpora must not get worse: counts at or above test/conformance/baseline.json and
 * every file listed there still passing. Raise the baseline with
 * `npm run conformance -- --update-baseline`. Both corpora take several minutes on two cores.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { corpusRoot, readBaseline, regressions, runConformance, summaryLines, SUITES, type SuiteName } from './conformance.ts'

/** GRIZZLY_CONFORMANCE_SUITES=duckdb (or sqlite) limits a local run to one corpus. */
const only = process.env['GRIZZLY_CONFORMANCE_SUITES']?.split(',').map(s => s.trim()).filter((s): s is SuiteName => (SUITES as readonly string[]).includes(s))

test('conformance corpora stay at or above the baseline', { timeout: 30 * 60_000 }, async t => {
  if (!existsSync(corpusRoot())) { t.skip(`no corpus at ${corpusRoot()}`); return }
  const run = await runConformance(only !== undefined && only.length > 0 ? { suites: only } : {})
  for (const line of summaryLines(run)) t.diagnostic(line)
  const problems = regressions(run, readBaseline())
  assert.deepEqual(problems, [], `below the conformance baseline:\n${problems.join('\n')}`)
})
