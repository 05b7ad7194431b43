/**
 * Differential tests: every query of queries.ts on Grizzly and on DuckDB over the same generated
 * tables, one subtest per query. Queries listed in known-failures.json are engine bugs still to
 * fix: they must disagree (a listed query that now agrees fails, so the list only shrinks).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { QUERIES } from './queries.ts'
import { closeEngines, compareOutcomes, compareQuery, openEngines, valuesAgree } from './harness.ts'
import type { SltOutcome } from '../slt/engine.ts'

const KNOWN = JSON.parse(readFileSync(new URL('./known-failures.json', import.meta.url), 'utf8')) as { queries: Record<string, string> }
const known = new Map(Object.entries(KNOWN.queries))

test('query names are unique and known failures name real queries', () => {
  const names = new Set(QUERIES.map(q => q.name))
  assert.equal(names.size, QUERIES.length)
  assert.ok(QUERIES.length >= 200)
  for (const name of known.keys()) assert.ok(names.has(name), `known-failures.json lists ${name}, which is not a query`)
})

test('numbers agree within a relative 1e-9; text must match exactly', () => {
  assert.ok(valuesAgree('0.30000000000000004', '0.3'))
  assert.ok(valuesAgree('1e+16', '10000000000000000'))
  assert.ok(!valuesAgree('1.0001', '1.0'))
  assert.ok(!valuesAgree('abc', 'abd'))
  assert.ok(!valuesAgree(null, '0'))
  assert.ok(valuesAgree(null, null))
})

test('rows compare as multisets unless ordered; counts and columns must match', () => {
  const ok = (text: (string | null)[][], types = ['INTEGER', 'VARCHAR']): SltOutcome & { kind: 'ok' } => ({
    kind: 'ok', result: { columns: types.map(t => ({ name: t, type: t, class: 'other' as const })), rows: text, text },
  })
  const x = ok([['1', 'a'], ['2', null]])
  assert.ok(compareOutcomes(x, ok([['2', null], ['1', 'a']]), false).agree)
  assert.ok(!compareOutcomes(x, ok([['2', null], ['1', 'a']]), true).agree)
  assert.ok(!compareOutcomes(x, ok([['1', 'a']]), false).agree)
  assert.ok(!compareOutcomes(x, ok([['1'], ['2']], ['INTEGER']), false).agree)
  assert.ok(!compareOutcomes(x, ok([['1', 'a'], ['2', 'NULL']]), false).agree)
  assert.ok(!compareOutcomes(x, { kind: 'error', message: 'boom', crash: true }, false).agree)
})

test('Grizzly agrees with DuckDB', { timeout: 600_000 }, async t => {
  const { engines, setupError } = await openEngines()
  try {
    for (const q of QUERIES) {
      await t.test(q.name, async () => {
        const verdict = setupError === undefined ? await compareQuery(engines, q) : { agree: false, message: `setup failed: ${setupError}` }
        if (known.has(q.name)) {
          assert.ok(!verdict.agree, `${q.name} agrees now: remove it from test/differential/known-failures.json`)
        } else {
          assert.ok(verdict.agree, `${q.sql}\n${verdict.message}`)
        }
      })
    }
  } finally {
    await closeEngines(engines)
  }
})
