/** The TPC-H comparison rules, and both loaders holding the same data. */
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { compareAnswers, orderKeys, checkWith, openEngines, runDuckdb, runGrizzly, valuesAgree, type Answer, type Engines } from '../../bench/tpch/harness.ts'
import { TPCH_TABLES } from '../../bench/tpch/generate.ts'
import { GrizzlyWorker } from '../../bench/tpch/worker-client.ts'

const answer = (columns: [string, string][], rows: (string | null)[][]): Answer =>
  ({ columns: columns.map(([name, type]) => ({ name, type })), rows, ms: 0 })

describe('compareAnswers', () => {
  const want = answer([['k', 'INTEGER'], ['v', 'DECIMAL(38,2)'], ['d', 'DOUBLE']], [['1', '10.50', '0.1'], ['2', '3.00', '2']])

  test('equal answers match; doubles within a relative 1e-9 match', () => {
    assert.deepEqual(compareAnswers(want, want), { match: true, message: '' })
    const close = answer([['k', 'INTEGER'], ['v', 'DECIMAL(38,2)'], ['d', 'DOUBLE']], [['1', '10.50', '0.10000000000000002'], ['2', '3.00', '2.0']])
    assert.equal(compareAnswers(want, close).match, true)
  })

  test('decimals compare as text: another scale is a mismatch', () => {
    const scale = answer([['k', 'INTEGER'], ['v', 'DECIMAL(38,4)'], ['d', 'DOUBLE']], [['1', '10.5000', '0.1'], ['2', '3.0000', '2']])
    const v = compareAnswers(want, scale)
    assert.equal(v.match, false)
    assert.match(v.message, /row 1, column "v": DuckDB "10.50" \(DECIMAL\(38,2\)\), Grizzly "10.5000"/)
    // a decimal against a double is compared as numbers
    const asDouble = answer([['k', 'INTEGER'], ['v', 'DOUBLE'], ['d', 'DOUBLE']], [['1', '10.5', '0.1'], ['2', '3', '2']])
    assert.equal(compareAnswers(want, asDouble).match, true)
  })

  test('rows tied on every ORDER BY key may come in any order; the keys themselves may not', () => {
    assert.deepEqual(orderKeys('SELECT a, value FROM t ORDER BY value DESC;'), ['value'])
    assert.deepEqual(orderKeys('SELECT * FROM (SELECT a FROM t ORDER BY a) ORDER BY b, c ASC LIMIT 10'), ['b', 'c'])
    assert.equal(orderKeys('SELECT a FROM t ORDER BY a + 1'), null)
    assert.equal(orderKeys('SELECT a FROM t'), null)
    const cols: [string, string][] = [['k', 'INTEGER'], ['value', 'DOUBLE']]
    const duck = answer(cols, [['1', '9'], ['2', '5'], ['3', '5'], ['4', '1']])
    const tieSwapped = answer(cols, [['1', '9'], ['3', '5'], ['2', '5'], ['4', '1']])
    assert.equal(compareAnswers(duck, tieSwapped, ['value']).match, true)
    assert.equal(compareAnswers(duck, tieSwapped).match, false)
    assert.equal(compareAnswers(duck, tieSwapped, ['k']).match, false)
    const missorted = answer(cols, [['2', '5'], ['1', '9'], ['3', '5'], ['4', '1']])
    assert.equal(compareAnswers(duck, missorted, ['value']).match, false)
    const wrongTie = answer(cols, [['1', '9'], ['3', '5'], ['5', '5'], ['4', '1']])
    assert.equal(compareAnswers(duck, wrongTie, ['value']).match, false)
  })

  test('column names, row counts, order, NULLs and text are checked', () => {
    const renamed = answer([['K', 'INTEGER'], ['v', 'DECIMAL(38,2)'], ['d', 'DOUBLE']], want.rows.map(r => [...r]))
    assert.match(compareAnswers(want, renamed).message, /^columns: DuckDB \(k, v, d\), Grizzly \(K, v, d\)$/)
    assert.match(compareAnswers(want, answer([['k', 'INTEGER'], ['v', 'DECIMAL(38,2)'], ['d', 'DOUBLE']], [want.rows[0]!.slice()])).message, /^row count: DuckDB 2, Grizzly 1$/)
    const swapped = answer([['k', 'INTEGER'], ['v', 'DECIMAL(38,2)'], ['d', 'DOUBLE']], [want.rows[1]!.slice(), want.rows[0]!.slice()])
    assert.equal(compareAnswers(want, swapped).match, false)
    assert.equal(valuesAgree(null, null, false), true)
    assert.equal(valuesAgree(null, '0', false), false)
    assert.equal(valuesAgree('abc', 'abd', false), false)
    assert.equal(valuesAgree('1.0000001', '1', false), false)
    assert.equal(valuesAgree('1e300', '1.0000000000001e300', false), true)
  })
})

describe('loaded engines', () => {
  let engines: Engines | undefined
  before(async () => { engines = await openEngines(0.001, 42) })
  after(async () => { await engines?.close() })

  for (const table of TPCH_TABLES) {
    test(`${table.name}: same rows in Grizzly and DuckDB`, async () => {
      const key = table.columns[0]!.name
      const second = table.name === 'partsupp' || table.name === 'lineitem' ? `, ${table.columns[table.name === 'partsupp' ? 1 : 3]!.name}` : ''
      const sql = `SELECT * FROM ${table.name} ORDER BY ${key}${second}`
      const report = await checkWith({ name: table.name, sql }, s => runDuckdb(engines!.duckdb, s), s => runGrizzly(engines!.grizzly, s))
      assert.ok(report.match, report.message)
      assert.ok(report.rows > 0)
    })
  }

  test('a failing query is reported, not thrown', async () => {
    const g = await runGrizzly(engines!.grizzly, 'SELECT nope FROM lineitem')
    assert.equal(g.kind, 'error')
    if (g.kind === 'error') assert.match(g.message, /^42703: /)
    const report = await checkWith({ name: 'bad', sql: 'SELECT FROM WHERE' }, s => runDuckdb(engines!.duckdb, s), s => runGrizzly(engines!.grizzly, s))
    assert.equal(report.match, false)
    assert.match(report.message, /^DuckDB rejected the query: /)
  })
})

describe('Grizzly in a worker thread (check.ts)', () => {
  test('answers queries, and a query over its time limit ends the worker', async () => {
    const worker = new GrizzlyWorker({ scaleFactor: 0.001, seed: 42 })
    try {
      const timings = await worker.ready
      assert.ok(timings.generate >= 0 && timings.load >= 0)
      const ok = await worker.run('SELECT count(*) FROM lineitem', 60_000)
      assert.equal(ok.kind, 'ok')
      if (ok.kind === 'ok') assert.ok(Number(ok.answer.rows[0]![0]) > 1000)
      const bad = await worker.run('SELECT * FROM nowhere', 60_000)
      assert.equal(bad.kind, 'error')
      if (bad.kind === 'error') assert.match(bad.message, /^42P01: /)
      assert.equal(worker.alive, true)
      // a product of lineitem with itself cannot finish in 1 ms
      const slow = await worker.run('SELECT count(*) FROM lineitem a, lineitem b WHERE a.l_tax + b.l_tax > 0.2', 1)
      assert.equal(slow.kind, 'error')
      assert.equal(slow.timedOut, true)
      assert.equal(worker.alive, false)
      const after = await worker.run('SELECT 1', 60_000)
      assert.equal(after.kind, 'error')
    } finally {
      await worker.close()
    }
  })
})
