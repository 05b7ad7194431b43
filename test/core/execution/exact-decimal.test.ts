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
