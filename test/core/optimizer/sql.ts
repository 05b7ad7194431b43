/** Helpers for optimizer tests that run SQL end to end. */
import assert from 'node:assert/strict'
import type { Database } from '../../../index.ts'

/** Every row of `EXPLAIN sql`, its columns one per line. */
export async function explainText(db: Database, sql: string): Promise<string> {
  const r = await db.query('EXPLAIN ' + sql)
  return r.rows.map(row => row.map(String).join('\n')).join('\n')
}

/** Runs `sql` with every rule on, then with `rule` disabled; asserts equal rows and returns them. */
export async function assertSameRowsWithout(db: Database, rule: string, sql: string): Promise<(string | null)[][]> {
  try {
    await db.exec(`SET disabled_optimizers = ''`)
    const on = (await db.query(sql)).textRows()
    await db.exec(`SET disabled_optimizers = '${rule}'`)
    const off = (await db.query(sql)).textRows()
    assert.deepEqual(on, off, sql)
    return on
  } finally {
    await db.exec(`SET disabled_optimizers = ''`)
  }
}
