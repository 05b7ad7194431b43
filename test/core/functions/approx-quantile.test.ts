import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'
import { prng } from '../../differential/data.ts'

/** rank of v in sorted data: the share of values below it (ties count half) */
function rankOf(sorted: Float64Array, v: number): number {
  let lo = 0, hi = sorted.length
  while (lo < hi) { const m = (lo + hi) >>> 1; if (sorted[m]! < v) lo = m + 1; else hi = m }
  let hiEq = lo
  while (hiEq < sorted.length && sorted[hiEq] === v) hiEq++
  return (lo + (hiEq - lo) / 2) / sorted.length
}

test('approx_quantile stays within 1% rank error on skewed and uniform data, per group', async () => {
  const db = await Database.open()
  const next = prng(42)
  const n = 200_000
  const xs = new Float64Array(n)
  const rows: string[] = []
  for (let i = 0; i < n; i++) {
    // two groups: uniform and heavy-tailed
    const g = i % 2
    const x = g === 0 ? next() * 1000 : Math.exp(next() * 12)
    xs[i] = x
    rows.push(`(${g}, ${x}e0)`)
  }
  await db.exec('CREATE TABLE d(g INTEGER, x DOUBLE)')
  for (let i = 0; i < rows.length; i += 20_000) await db.exec(`INSERT INTO d VALUES ${rows.slice(i, i + 20_000).join(',')}`)
  const qs = [0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999]
  const r = await db.query(`SELECT g, approx_quantile(x, [${qs.join(', ')}]) FROM d GROUP BY g ORDER BY g`)
  for (const [g, answers] of r.rows as [number, number[]][]) {
    const sorted = Float64Array.from(xs.filter((_, i) => i % 2 === g)).sort()
    qs.forEach((q, k) => {
      const rank = rankOf(sorted, answers[k]!)
      assert.ok(Math.abs(rank - q) <= 0.01, `group ${g}, q=${q}: answer ${answers[k]} has rank ${rank}`)
    })
  }
  await db.close()
})

test('approx_quantile is exact on small groups and keeps integer and date types', async () => {
  const db = await Database.open()
  const exact = await db.query('SELECT approx_quantile(x, 0.5), quantile_disc(x, 0.5), approx_quantile(x, [0, 0.25, 1]) FROM range(1, 301) t(x)')
  const [a, d, list] = exact.rows[0]! as [bigint, bigint, bigint[]]
  assert.equal(a, d)
  assert.deepEqual(list, [1n, 75n, 300n])
  const small = await db.query("SELECT approx_quantile(x, 0.5), typeof(approx_quantile(x, 0.5)), approx_quantile(d, 0.5)::VARCHAR FROM (VALUES (1, DATE '2020-01-01'), (2, DATE '2020-01-05'), (3, DATE '2020-01-09')) t(x, d)")
  assert.deepEqual(small.rows[0], [2, 'INTEGER', '2020-01-05'])
  const empty = await db.query('SELECT approx_quantile(x, 0.5) FROM range(3) t(x) WHERE x > 5')
  assert.deepEqual(empty.rows, [[null]])
  await assert.rejects(db.query('SELECT approx_quantile(x, 1.5) FROM range(3) t(x)'), (e: { code?: string }) => e.code === '22023')
  await assert.rejects(db.query("SELECT approx_quantile('a', 0.5)"), (e: { code?: string }) => e.code === '42883')
  await db.close()
})
