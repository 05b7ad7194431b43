/**
 * The 22 TPC-H queries at a small scale, each checked against DuckDB on the same generated data.
 * known-failures.json lists queries that disagree today under "wrong" (the test fails if one
 * starts agreeing, so the list only shrinks), and under "slow" queries Grizzly cannot yet run
 * at this scale in reasonable time: those are checked on a tiny scale instead.
 */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { checkQuery, loadQueries, openEngines, type Engines, type TpchQuery } from '../../bench/tpch/harness.ts'

const SCALE_FACTOR = 0.01
const TINY_SCALE_FACTOR = 0.001

interface KnownFailures { readonly wrong: Readonly<Record<string, string>>; readonly slow: Readonly<Record<string, string>> }
const known = JSON.parse(readFileSync(new URL('./known-failures.json', import.meta.url), 'utf8')) as KnownFailures
const queries = loadQueries()

async function expectAgreement(engines: Engines, q: TpchQuery): Promise<void> {
  const report = await checkQuery(engines, q)
  const expectedFailure = known.wrong[q.name]
  if (expectedFailure === undefined) assert.ok(report.match, report.message)
  else assert.ok(!report.match, `${q.name} now agrees with DuckDB: remove it from test/tpch/known-failures.json (was: ${expectedFailure})`)
}

test('the query set is complete and the known-failure lists name real queries', () => {
  assert.deepEqual(queries.map(q => q.name), Array.from({ length: 22 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`))
  for (const name of [...Object.keys(known.wrong), ...Object.keys(known.slow)]) {
    assert.ok(queries.some(q => q.name === name), `${name} in known-failures.json is not a query`)
  }
})

describe(`TPC-H SF ${SCALE_FACTOR} against DuckDB`, () => {
  let engines: Engines | undefined
  before(async () => { engines = await openEngines(SCALE_FACTOR) })
  after(async () => { await engines?.close() })
  for (const q of queries.filter(q => known.slow[q.name] === undefined)) {
    test(q.name, () => expectAgreement(engines!, q))
  }
})

describe(`TPC-H SF ${TINY_SCALE_FACTOR}: queries too slow for SF ${SCALE_FACTOR} today`, () => {
  let engines: Engines | undefined
  before(async () => { engines = await openEngines(TINY_SCALE_FACTOR) })
  after(async () => { await engines?.close() })
  for (const q of queries.filter(q => known.slow[q.name] !== undefined)) {
    test(`${q.name} (slow at SF ${SCALE_FACTOR}: ${known.slow[q.name]})`, () => expectAgreement(engines!, q))
  }
})
