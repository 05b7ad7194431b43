import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../index.ts'

test('date_bin buckets timestamps from an origin, as PostgreSQL', async () => {
  const db = await Database.open()
  const r = await db.query(`SELECT
    date_bin(INTERVAL 15 MINUTE, TIMESTAMP '2024-01-01 10:07:00', TIMESTAMP '2024-01-01 00:00:00'),
    date_bin(INTERVAL '1 hour', TIMESTAMP '2024-01-01 10:07:00', TIMESTAMP '2024-01-01 00:30:00'),
    date_bin(INTERVAL '1 hour', NULL::TIMESTAMP, TIMESTAMP '2024-01-01 00:00:00')`)
  assert.deepEqual(r.textRows(), [['2024-01-01 10:00:00', '2024-01-01 09:30:00', null]])
})
