import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bigintOf, int64FromDoubles } from '../../../core/functions/aggregates/state-util.ts'
import { Database } from '../../../index.ts'

test('bigintOf equals BigInt for small, large, negative and boundary values, sharing the small ones', () => {
  for (const x of [0, 1, 2, 300, 65534, 65535, 65536, 65537, -1, -65536, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1), 1e15]) {
    assert.equal(bigintOf(x), BigInt(x), String(x))
  }
  assert.equal(typeof bigintOf(12345), 'bigint')
  assert.throws(() => bigintOf(0.5), RangeError)
})

test('int64FromDoubles writes the exact 64-bit integers of counts up to 2^53, negatives included', () => {
  const values = [0, 1, 4294967295, 4294967296, 4294967297, 2 ** 40 + 12345, 2 ** 53 - 1, -1, -4294967296, -(2 ** 53 - 1), 7]
  const out = int64FromDoubles(Float64Array.from(values), values.length)
  assert.deepEqual(Array.from(out), values.map(v => BigInt(v)))
  assert.equal(int64FromDoubles(Float64Array.from([5, 6, 7]), 2).length, 2)
})

test('count, count_if and small DECIMAL sums over many groups answer as their row-by-row definition', async () => {
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE t AS SELECT i // 3 AS g, CAST(i % 50 AS DECIMAL(15,2)) AS q, i FROM range(30000) r(i)`)
    const r = await db.query(`SELECT g, count(*), count_if(i % 2 = 0), sum(q), sum(q * 1000) FROM t GROUP BY g HAVING sum(q) > 30 ORDER BY g`)
    const want: unknown[][] = []
    for (let g = 0; g < 10000; g++) {
      const is = [3 * g, 3 * g + 1, 3 * g + 2]
      const sum = is.reduce((s, i) => s + (i % 50), 0)
      if (sum <= 30) continue
      want.push([g, 3n, BigInt(is.filter(i => i % 2 === 0).length), sum, sum * 1000])
    }
    assert.deepEqual(r.rows.map(row => [Number(row[0]), row[1], row[2], row[3], row[4]]), want)
  } finally {
    await db.close()
  }
})
