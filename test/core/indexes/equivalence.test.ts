import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'
import { prng as rng } from '../../differential/data.ts'

const sortRows = (rows: unknown[][]): string[] => rows.map(r => JSON.stringify(r, (_k, v) => typeof v === 'bigint' ? `${v}n` : v)).sort()

test('queries give the same rows with and without index_scan over seeded NULL-heavy data', async () => {
  const random = rng(20261125)
  const db = await Database.open()
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b VARCHAR, c DOUBLE, d DATE, e BIGINT, f DECIMAL(10,2), g TIMESTAMP, h BOOLEAN)`)
  const n = 4000
  const values: string[] = []
  const maybe = (s: string): string => random() < 0.25 ? 'NULL' : s
  for (let i = 0; i < n; i++) {
    values.push(`(${i}, ${maybe(String(Math.floor(random() * 200) - 100))}, ${maybe(`'s${Math.floor(random() * 300)}'`)}, ${maybe(random() < 0.02 ? `'NaN'::DOUBLE` : String(Math.round(random() * 1000) / 8))},
      ${maybe(`DATE '2024-01-01' + ${Math.floor(random() * 400)}`)}, ${maybe(String(BigInt(Math.floor(random() * 1000)) * 10_000_000_000n))},
      ${maybe((Math.floor(random() * 100000) / 100).toFixed(2))}, ${maybe(`TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ${Math.floor(random() * 100000)} SECOND`)}, ${maybe(random() < 0.5 ? 'true' : 'false')})`)
  }
  await db.query(`INSERT INTO t VALUES ${values.join(',\n')}`)
  await db.exec(`CREATE INDEX t_a ON t (a); CREATE INDEX t_b ON t (b); CREATE INDEX t_c ON t (c); CREATE INDEX t_d ON t (d);
    CREATE INDEX t_e ON t (e); CREATE INDEX t_f ON t (f); CREATE INDEX t_g ON t (g); CREATE INDEX t_h ON t (h);
    CREATE INDEX t_ab ON t (a, b); CREATE INDEX t_bdc ON t (b, d, c)`)
  // a few changes after the build, so maintenance is exercised too
  await db.exec(`DELETE FROM t WHERE id % 17 = 0; UPDATE t SET a = a + 1, b = NULL WHERE id % 13 = 0;
    INSERT INTO t SELECT id + 10000, a, b, c, d, e, f, g, h FROM t WHERE id % 11 = 0`)
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const literal: Record<string, () => string> = {
    a: () => String(Math.floor(random() * 200) - 100),
    b: () => `'s${Math.floor(random() * 300)}'`,
    c: () => pick([String(Math.round(random() * 1000) / 8), `'NaN'::DOUBLE`, '-0.0']),
    d: () => `DATE '2024-01-01' + ${Math.floor(random() * 400)}`,
    e: () => String(BigInt(Math.floor(random() * 1000)) * 10_000_000_000n),
    f: () => (Math.floor(random() * 100000) / 100).toFixed(2),
    g: () => `TIMESTAMP '2024-01-01 00:00:00' + INTERVAL ${Math.floor(random() * 100000)} SECOND`,
    h: () => pick(['true', 'false']),
    id: () => String(Math.floor(random() * 12000)),
  }
  const condition = (): string => {
    const col = pick(Object.keys(literal))
    const v = literal[col]!
    switch (pick(['=', '=', '<', '<=', '>', '>=', 'between', 'null', 'in', 'or'])) {
      case 'between': return `${col} BETWEEN ${v()} AND ${v()}`
      case 'in': return `${col} IN (${Array.from({ length: 1 + Math.floor(random() * 4) }, () => random() < 0.1 ? 'NULL' : v()).join(', ')})`
      case 'or': return `(${col} = ${v()} OR ${col} = ${v()})`
      case 'null': return `${col} IS ${pick(['', 'NOT '])}NULL`
      case '=': return random() < 0.5 ? `${col} = ${v()}` : `${v()} = ${col}`
      default: return `${col} ${pick(['<', '<=', '>', '>='])} ${v()}`
    }
  }
  let used = 0
  for (let q = 0; q < 300; q++) {
    const where = Array.from({ length: 1 + Math.floor(random() * 3) }, condition).join(' AND ')
    const sql = `SELECT * FROM t WHERE ${where}`
    await db.query(`SET disabled_optimizers = ''`)
    const plan = String(((await db.query(`EXPLAIN ${sql}`)).rows as unknown[][])[0]![1])
    if (plan.includes('INDEX_SCAN')) used++
    const withIndex = (await db.query(sql)).rows as unknown[][]
    await db.query(`SET disabled_optimizers = 'index_scan'`)
    const without = (await db.query(sql)).rows as unknown[][]
    assert.deepEqual(sortRows(withIndex), sortRows(without), sql)
    // rows come in row id order either way
    assert.deepEqual(withIndex, without, sql)
  }
  assert.ok(used > 100, `the index was used for ${used} of 300 queries`)
})
