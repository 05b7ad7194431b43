// Parquet string columns: values of a column with few distinct values are shared, others cut
// from the chunk's text; either way every value must read back exactly.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../core/database.ts'
import { sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-parquet-strings-')
test.after(t.cleanup)

test('repeating, colliding, distinct, empty, NULL and non-ASCII strings read back exactly', async () => {
  const n = 10_000
  // 'a1b2a' and 'a3b4a' hash alike (length, first, middle and last characters): only their text tells them apart
  // repeats are found by comparing bytes: non-ASCII codes, and a pair that hashes alike and differs in a
  // byte past the first four (compared one by one) are here too
  const codes = ['a1b2a', 'a3b4a', 'DELIVER IN PERSON', 'TAKE BACK RETURN', '', 'MAIL', 'ünï', 'ünï✓', 'ünì✓', 'abcdXYz', 'abcdQYz']
  const code = (i: number): string | null => i % 97 === 5 ? null : codes[i % codes.length]!
  // distinct at first, repeating later: the reader stops looking for repeats early in a chunk
  const mixed = (i: number): string => i % 2048 < 300 ? `distinct value number ${i}` : `late ${i % 3}`
  const other = (i: number): string => i % 1000 === 0 ? `naïve ${i}` : `plain ${i}`
  const path = t.file('s.parquet', '')
  const db = await Database.open()
  try {
    await db.exec('CREATE TABLE s (i INTEGER, code VARCHAR, mixed VARCHAR, other VARCHAR)')
    const values: string[] = []
    for (let i = 0; i < n; i++) {
      const c = code(i)
      values.push(`(${i}, ${c === null ? 'NULL' : q(c)}, ${q(mixed(i))}, ${q(other(i))})`)
    }
    await db.exec(`INSERT INTO s VALUES ${values.join(', ')}`)
    await db.exec(`COPY s TO ${q(path)} (FORMAT parquet)`)
    const rows = (await db.query(`SELECT i, code, mixed, other FROM ${q(path)} ORDER BY i`)).rows
    assert.equal(rows.length, n)
    for (let i = 0; i < n; i++) assert.deepEqual(rows[i], [i, code(i), mixed(i), other(i)], `row ${i}`)
  } finally { await db.close() }
})
