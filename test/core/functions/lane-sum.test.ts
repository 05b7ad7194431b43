import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LaneSum } from '../../../core/functions/aggregates/lane-sum.ts'
import { Database } from '../../../core/database.ts'

/** the documented order: the k-th value into accumulator k mod 4, total (a0 + a1) + (a2 + a3) */
function expected(values: readonly number[]): number {
  const acc = [0, 0, 0, 0]
  values.forEach((v, k) => { acc[k & 3]! += v })
  return (acc[0]! + acc[1]!) + (acc[2]! + acc[3]!)
}

function sequential(values: readonly number[]): number {
  let s = 0
  for (const v of values) s += v
  return s
}

/** values of very different sizes, so the order of the additions shows in the last bits */
const VALUES = Array.from({ length: 10_007 }, (_, i) => (i % 1000) / 7 + (i % 97 === 0 ? 1e15 : 0) - (i % 89 === 0 ? 3e14 : 0))

test('LaneSum gives the same total however the values are cut, NULLs skipped', () => {
  const want = expected(VALUES)
  assert.notEqual(want, sequential(VALUES), 'the data must tell the two orders apart')
  const data = Float64Array.from(VALUES)
  for (const sizes of [[data.length], [1], [3], [4], [5], [4096], [1, 2, 3, 4, 5, 6, 7, 4096, 13]]) {
    const s = new LaneSum()
    let added = 0
    for (let at = 0, j = 0; at < data.length; j++) {
      const n = Math.min(sizes[j % sizes.length]!, data.length - at)
      added += s.add(data.subarray(at, at + n), null, n)
      at += n
    }
    assert.equal(added, data.length)
    assert.equal(s.count, data.length)
    assert.equal(s.total, want, `chunks of ${sizes.join(', ')}`)
  }
  // NULLs (mask 0) add nothing and take no accumulator: the same as the valid values alone
  const valid = Uint8Array.from(VALUES, (_, i) => (i % 11 === 0 ? 0 : 1))
  const kept = VALUES.filter((_, i) => valid[i] === 1)
  for (const size of [7, 4096, data.length]) {
    const s = new LaneSum()
    for (let at = 0; at < data.length; at += size) {
      const n = Math.min(size, data.length - at)
      s.add(data.subarray(at, at + n), valid.subarray(at, at + n), n)
    }
    assert.equal(s.count, kept.length)
    assert.equal(s.total, expected(kept), `masked chunks of ${size}`)
  }
  const empty = new LaneSum()
  assert.equal(empty.add(new Float64Array(0), null, 0), 0)
  assert.equal(empty.total, 0)
})

test('sum / avg of DOUBLE without GROUP BY on the serial path add in that order, whatever the chunks', async () => {
  const db = await Database.open()
  try {
    // the parallel kernel has an order of its own (per morsel): keep to the serial operators
    await db.exec(`SET disabled_optimizers = 'parallel_aggregate'`)
    await db.exec(`CREATE TABLE t AS SELECT CAST(i AS INTEGER) AS id,
        CAST(i % 1000 AS DOUBLE) / 7 + CASE WHEN i % 97 = 0 THEN 1e15 ELSE 0 END - CASE WHEN i % 89 = 0 THEN 3e14 ELSE 0 END AS x,
        CAST(CAST(i % 1000 AS DOUBLE) / 3 AS REAL) AS r
      FROM range(${VALUES.length}) r(i)`)
    const rows = (await db.query('SELECT id, x, r FROM t')).rows
    const xs = rows.map(r => r[1] as number)
    const want = expected(xs)
    assert.notEqual(want, sequential(xs), 'the data must tell the two orders apart')
    const [sum, avg] = (await db.query('SELECT sum(x), avg(x) FROM t')).rows[0]!
    assert.equal(sum, want)
    assert.equal(avg, want / xs.length)
    // a filter hands the aggregate chunks of other sizes; NULLs are skipped
    const kept = xs.filter((_, i) => i % 3 !== 0)
    assert.deepEqual((await db.query('SELECT sum(x), avg(x) FROM t WHERE id % 3 <> 0')).rows[0], [expected(kept), expected(kept) / kept.length])
    const masked = xs.filter((_, i) => i % 5 !== 0)
    assert.deepEqual((await db.query('SELECT sum(CASE WHEN id % 5 = 0 THEN NULL ELSE x END) FROM t')).rows[0], [expected(masked)])
    // REAL values arrive as float32 and are added as doubles
    const reals = rows.map(r => r[2] as number)
    assert.deepEqual((await db.query('SELECT sum(r) FROM t')).rows[0], [expected(reals)])
    // GROUP BY keeps one running sum per group, in row order
    assert.deepEqual((await db.query('SELECT sum(x) FROM t GROUP BY id < 0')).rows[0], [sequential(xs)])
    // no rows: NULL
    assert.deepEqual((await db.query('SELECT sum(x), avg(x) FROM t WHERE id < 0')).rows[0], [null, null])
  } finally { await db.close() }
})
