import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'

// three row groups of 65,536 rows, the last cut into morsels of 16,384 and 2,547 rows (3 past a multiple of 4)
const ROWS = 150_003
const GROUP = 65_536
const MORSEL = 16_384

/**
 * sum(x) in the kernel's documented order: within a morsel, the value at position p goes to
 * accumulator p mod 4 and the four are combined as (a0 + a1) + (a2 + a3); morsels add in order
 */
function laneSum(values: ReadonlyMap<number, number | null>): { sum: number; count: number } {
  let sum = 0, count = 0
  for (let g = 0; g < ROWS; g += GROUP) {
    for (let m = g; m < Math.min(g + GROUP, ROWS); m += MORSEL) {
      const acc = [0, 0, 0, 0]
      let n = 0
      for (let i = m; i < Math.min(m + MORSEL, g + GROUP, ROWS); i++) {
        const v = values.get(i)
        if (v === undefined || v === null) continue
        acc[(i - m) & 3]! += v
        n++
      }
      if (n > 0) { sum += (acc[0]! + acc[1]!) + (acc[2]! + acc[3]!); count += n }
    }
  }
  return { sum, count }
}

function sequentialSum(values: ReadonlyMap<number, number | null>): number {
  let s = 0
  for (let i = 0; i < ROWS; i++) s += values.get(i) ?? 0
  return s
}

async function column(db: Database, sql: string): Promise<Map<number, number | null>> {
  return new Map((await db.query(sql)).rows.map(r => [r[0] as number, r[1] as number | null]))
}

async function answers(db: Database, sql: string): Promise<unknown[]> {
  await db.exec('SET threads = 1')
  const one = (await db.query(sql)).rows[0]!
  await db.exec('SET threads = 2')
  const two = (await db.query(sql)).rows[0]!
  assert.deepEqual(two, one, `${sql}: threads = 2 against threads = 1`)
  // the kernel ran (a fragment that falls back to the serial plan says `ran serially`)
  assert.match((await db.query(`EXPLAIN ANALYZE ${sql}`)).rows.map(r => String(r[1])).join('\n'), /PARALLEL_UNGROUPED_AGGREGATE.*\(2 threads, 10 morsels\)/, sql)
  return one
}

test('DOUBLE sum and avg add in four accumulators per morsel, the same with and without NULLs, hidden rows, filters and threads', async () => {
  const db = await Database.open()
  try {
    // values of very different sizes, so the order of the additions shows in the last bits
    await db.exec(`CREATE TABLE t AS SELECT CAST(i AS INTEGER) AS id,
        CAST(i % 1000 AS DOUBLE) / 7 + CASE WHEN i % 97 = 0 THEN 1e15 ELSE 0 END AS x,
        CASE WHEN i % 13 = 0 THEN NULL ELSE CAST(i % 501 AS DOUBLE) / 3 - CASE WHEN i % 89 = 0 THEN 1e14 ELSE 0 END END AS y
      FROM range(${ROWS}) r(i)`)
    const x = await column(db, 'SELECT id, x FROM t')
    const y = await column(db, 'SELECT id, y FROM t')
    const xs = laneSum(x)
    assert.notEqual(xs.sum, sequentialSum(x), 'the data must tell the two orders apart')

    // no NULL and no hidden row: the copy of the loop without checks
    assert.deepEqual(await answers(db, 'SELECT sum(x), avg(x), count(x) FROM t'), [xs.sum, xs.sum / xs.count, BigInt(ROWS)])
    // NULLs: the checked copy, where a NULL keeps its position (and accumulator) but adds nothing
    const ys = laneSum(y)
    assert.deepEqual(await answers(db, 'SELECT sum(y), avg(y) FROM t'), [ys.sum, ys.sum / ys.count])
    // a filter: the rows it drops add nothing; FILTER on one aggregate only
    const kept = new Map([...x].filter(([id]) => id > 1000 && id < 140_000))
    const ks = laneSum(kept)
    assert.deepEqual(await answers(db, 'SELECT sum(x) FROM t WHERE id > 1000 AND id < 140000'), [ks.sum])
    assert.deepEqual(await answers(db, 'SELECT sum(x) FILTER (WHERE id > 1000 AND id < 140000), sum(x) FROM t'), [ks.sum, xs.sum])

    // a deleted row hides itself in its row group's morsels
    await db.exec('DELETE FROM t WHERE id = 70001')
    x.delete(70_001)
    const ds = laneSum(x)
    assert.deepEqual(await answers(db, 'SELECT sum(x), avg(x) FROM t'), [ds.sum, ds.sum / ds.count])
  } finally { await db.close() }
})
