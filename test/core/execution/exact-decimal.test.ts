// sum / avg over wide DECIMAL arithmetic computed in exact doubles must equal the bigint answer.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'

/** the exact scaled-integer sums, computed here with bigints from the rows' definition */
function expected(rows: number, price: (i: number) => bigint, disc: (i: number) => bigint): { disc: bigint; charge: bigint } {
  let d = 0n, c = 0n
  for (let i = 0; i < rows; i++) {
    const p = price(i), x = disc(i)
    d += p * (100n - x)
    c += p * (100n - x) * (100n + x)
  }
  return { disc: d, charge: c }
}

function decimalText(v: bigint, scale: number): string {
  const neg = v < 0n, s = (neg ? -v : v).toString().padStart(scale + 1, '0')
  return `${neg ? '-' : ''}${s.slice(0, -scale)}.${s.slice(-scale)}`
}

test('sum and avg of DECIMAL(15,2) products (DECIMAL(18,4) / (18,6)) equal the bigint sums, grouped and not', async () => {
  const db = await Database.open()
  const n = 30000
  await db.exec(`CREATE TABLE l AS SELECT i % 3 AS g, CAST((i * 7919) % 10000000 / 100 AS DECIMAL(15,2)) AS p,
    CAST((i % 11) / 100 AS DECIMAL(15,2)) AS d FROM range(${n}) r(i)`)
  const e = expected(n, i => BigInt((i * 7919) % 10000000), i => BigInt(i % 11))
  const r = await db.query('SELECT sum(p * (1 - d)), sum(p * (1 - d) * (1 + d)), avg(p * (1 - d)), count(*) FROM l')
  const [sd, sc, avg] = r.textRows()[0]!
  assert.equal(sd, decimalText(e.disc, 4))
  assert.equal(sc, decimalText(e.charge, 6))
  assert.equal(Number(avg), Number(e.disc) / 10000 / n)
  const g = await db.query('SELECT sum(p * (1 - d) * (1 + d)) FROM l GROUP BY g ORDER BY g')
  let total = 0n
  for (const [v] of g.textRows()) total += BigInt(v!.replace('.', ''))
  assert.equal(total, e.charge)
  await db.close()
})

test('rows beyond 2^53, NULLs and integer operands take the exact path or fall back to bigints', async () => {
  const db = await Database.open()
  // a * a is DECIMAL(18,4): 1234567.89² scaled is 1.5e16, past 2^53 but inside 18 digits
  await db.exec(`CREATE TABLE w AS SELECT CAST(1234567.89 AS DECIMAL(15,2)) AS a, CAST(i AS INTEGER) AS k,
    CASE WHEN i = 2 THEN NULL ELSE CAST(i AS DECIMAL(15,2)) END AS b FROM range(5) r(i)`)
  const big = await db.query('SELECT CAST(sum(a * a) AS VARCHAR), CAST(sum(a * b) AS VARCHAR), CAST(sum(b * k + a) AS VARCHAR) FROM w')
  const a = 123456789n
  const bs = [0n, 100n, null, 300n, 400n]
  const sumAB = bs.reduce<bigint>((s, b) => s + (b === null ? 0n : a * b), 0n)
  const sumBK = bs.reduce<bigint>((s, b, k) => s + (b === null ? 0n : b * BigInt(k) + a), 0n)
  assert.deepEqual(big.rows, [[decimalText(5n * a * a, 4), decimalText(sumAB, 4), decimalText(sumBK, 2)]])
  const none = await db.query('SELECT sum(a * b) FROM w WHERE b IS NULL')
  assert.deepEqual(none.rows, [[null]])
  await db.close()
})

test('a sum that overflows DECIMAL(18,4) still raises its error', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE o AS SELECT CAST(99999999999999.99 AS DECIMAL(16,2)) AS a FROM range(3)`)
  // DECIMAL(16,2) * DECIMAL(16,2) is DECIMAL(18,4) in DuckDB: the product overflows it
  await assert.rejects(db.query('SELECT sum(a * a) FROM o'), (e: { code?: string }) => e.code === '22003')
  await db.close()
})

test('aggregates sharing a subtree and constants stay right chunk after chunk, with filtered chunks of varying size and NULLs in some chunks', async () => {
  const db = await Database.open()
  const n = 50000
  // d is NULL in rows 20000..20999 only, so a few chunks fall back to bigints and the rest do not
  await db.exec(`CREATE TABLE s AS SELECT i % 4 AS g, CAST((i * 7919) % 10000000 / 100 AS DECIMAL(15,2)) AS p,
    CASE WHEN i >= 20000 AND i < 21000 THEN NULL ELSE CAST((i % 11) / 100 AS DECIMAL(15,2)) END AS d,
    CAST((i % 9) / 100 AS DECIMAL(15,2)) AS t, i FROM range(${n}) r(i)`)
  const keep = (i: number): boolean => (i * 31) % 7 !== 0 && i % 13 !== 5
  const price = (i: number): bigint => BigInt((i * 7919) % 10000000)
  const want = Array.from({ length: 4 }, () => ({ disc: 0n, charge: 0n, two: 0n, n: 0 }))
  for (let i = 0; i < n; i++) {
    if (!keep(i) || (i >= 20000 && i < 21000)) continue
    const w = want[i % 4]!, p = price(i), d = BigInt(i % 11), t = BigInt(i % 9)
    w.disc += p * (100n - d); w.charge += p * (100n - d) * (100n + t); w.two += p * (200n - d); w.n++
  }
  const r = await db.query(`SELECT g, sum(p * (1 - d)), sum(p * (1 - d) * (1 + t)), sum(p * (2 - d)), avg(p * (1 - d)) FROM s
    WHERE (i * 31) % 7 <> 0 AND i % 13 <> 5 GROUP BY g ORDER BY g`)
  assert.deepEqual(r.textRows().map(row => row.slice(0, 4)), want.map((w, g) => [String(g), decimalText(w.disc, 4), decimalText(w.charge, 6), decimalText(w.two, 4)]))
  r.rows.forEach((row, g) => assert.ok(Math.abs(Number(row[4]) - Number(want[g]!.disc) / 10000 / want[g]!.n) < 1e-6))
  await db.close()
})
