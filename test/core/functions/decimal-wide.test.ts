import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'
import { GrizzlyError } from '../../../core/errors.ts'

/** DECIMAL text of a scaled integer */
function text(scaled: bigint, scale: number): string {
  const neg = scaled < 0n, digits = (neg ? -scaled : scaled).toString().padStart(scale + 1, '0')
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
}

/** a deterministic spread of magnitudes, so products land on both sides of 2^53 */
function values(n: number, maxDigits: number): bigint[] {
  let s = 12345 + maxDigits
  const next = (): number => (s = (s * 1103515245 + 12345) % 2147483648)
  return Array.from({ length: n }, (_, i) => {
    const digits = i % 10 === 0 ? maxDigits : 1 + ((next() >>> 8) % maxDigits)
    let v = 0n
    for (let k = 0; k < digits; k++) v = v * 10n + BigInt((next() >>> 16) % 10)
    return i % 3 === 0 ? -v : v
  })
}

test('wide DECIMAL results of narrow operands are exact on both sides of 2^53', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (i INTEGER, a DECIMAL(15,2), b DECIMAL(15,2), n INTEGER)')
  const a = values(3000, 9), b = values(3000, 8)
  const rows = a.map((x, i) => `(${i}, ${text(x, 2)}, ${i % 50 === 7 ? 'NULL' : text(b[i]!, 2)}, ${i % 1000})`)
  await db.query(`INSERT INTO t VALUES ${rows.join(', ')}`)
  // products up to 10^17 (scaled): DECIMAL(18,4) holds them all
  const r = await db.query('SELECT i, CAST(a * b AS VARCHAR), CAST(a + b AS VARCHAR), CAST(n - a AS VARCHAR) FROM t ORDER BY i')
  let aboveSafe = 0, checked = 0
  for (const [i, mul, add, sub] of r.rows as [number, string | null, string | null, string][]) {
    const x = a[Number(i)]!, y = b[Number(i)]!
    if (Number(i) % 50 === 7) { assert.equal(mul, null); assert.equal(add, null); continue }
    const p = x * y
    if (p > BigInt(Number.MAX_SAFE_INTEGER) || p < -BigInt(Number.MAX_SAFE_INTEGER)) aboveSafe++
    assert.equal(mul, text(p, 4), `row ${i}: ${text(x, 2)} * ${text(y, 2)}`)
    assert.equal(add, text(x + y, 2))
    assert.equal(sub, text(BigInt(Number(i) % 1000) * 100n - x, 2))
    checked++
  }
  // a wide operand times a narrow one, as TPC-H Q1's price * (1 - discount) * (1 + tax)
  const chain = await db.query(`SELECT i, CAST(a * b * (1 + b) AS VARCHAR) FROM t
    WHERE a * b < 1000000000 AND a * b > -1000000000 AND b < 100 AND b > -100 ORDER BY i`)
  let chained = 0
  for (const [i, v] of chain.rows as [number, string][]) {
    const x = a[Number(i)]!, y = b[Number(i)]!
    assert.equal(v, text(x * y * (100n + y), 6), `row ${i}`)
    chained++
  }
  assert.ok(chained > 100, `${chained} chained rows`)
  assert.ok(checked > 1000 && aboveSafe > 50, `${checked} rows checked, ${aboveSafe} products beyond 2^53`)
})

test('a wide DECIMAL product that overflows its type is an error, not a rounded value', async () => {
  const db = await Database.open()
  await db.query('CREATE TABLE t (a DECIMAL(15,2), b DECIMAL(15,2))')
  await db.query('INSERT INTO t VALUES (1.5, 2.25), (9999999999999.99, 9999999999999.99)')
  await assert.rejects(db.query('SELECT a * b FROM t'),
    (e: unknown) => e instanceof GrizzlyError && e.code === '22003' && /DECIMAL\(18,4\)/.test(e.message) && e.hint !== undefined)
  assert.deepEqual((await db.query('SELECT CAST(a * b AS VARCHAR) FROM t WHERE a < 2')).rows, [['3.3750']])
})
