// Row groups after the first are allocated at their full size at once: appends, rollbacks of
// appends, NULLs and scans across groups must behave as with segments that grow.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemoryTable, ROW_GROUP_SIZE } from '../../../core/catalog/memory-table.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import { INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { CHUNK_SIZE, DataChunk, Vector } from '../../../core/vector/vector.ts'
import { NO_CONSTRAINTS, col, rowsOf } from './helpers.ts'

function rows(n: number, offset: number): DataChunk {
  const a = new Int32Array(n), s = new Array<string>(n), valid = new Uint8Array(n).fill(1)
  for (let i = 0; i < n; i++) { a[i] = i + offset; s[i] = `value ${i + offset}`; if ((i + offset) % 1000 === 7) valid[i] = 0 }
  return new DataChunk([new Vector(INTEGER, n, a, null), new Vector(VARCHAR, n, s, valid)], n)
}

const expected = (p: number): [number, string | null] => [p, p % 1000 === 7 ? null : `value ${p}`]

test('a bulk load over several row groups, a rolled-back append into a new group, and more rows after it', () => {
  const tm = new TransactionManager()
  const t = new MemoryTable({ name: 't', columns: [col('a', INTEGER), col('s', VARCHAR)], constraints: NO_CONSTRAINTS })
  const first = 2 * ROW_GROUP_SIZE + 100
  let txn = tm.begin()
  for (let at = 0; at < first; at += CHUNK_SIZE) t.insert(txn, rows(Math.min(CHUNK_SIZE, first - at), at))
  tm.commit(txn)
  // spans into a fourth group, then is undone
  txn = tm.begin()
  for (let at = first; at < 3 * ROW_GROUP_SIZE + 500; at += CHUNK_SIZE) t.insert(txn, rows(CHUNK_SIZE, -1_000_000 - at))
  tm.rollback(txn)
  assert.equal(t.liveRowCount, first)
  txn = tm.begin()
  t.insert(txn, rows(ROW_GROUP_SIZE, first))
  tm.commit(txn)
  const all = rowsOf(t.scan(tm.begin(), { columns: [0, 1], filters: [] }))
  assert.equal(all.length, first + ROW_GROUP_SIZE)
  for (let p = 0; p < all.length; p++) assert.deepEqual(all[p], expected(p), `row ${p}`)
  // the zone map of a pre-sized group covers only the rows written
  const last = rowsOf(t.scan(tm.begin(), { columns: [0], filters: [{ kind: 'compare', column: 0, op: '>', value: first + ROW_GROUP_SIZE - 3 }] }))
    .filter(r => (r[0] as number) > first + ROW_GROUP_SIZE - 3)
  assert.deepEqual(last, [[first + ROW_GROUP_SIZE - 2], [first + ROW_GROUP_SIZE - 1]])
  // … so the unwritten zeros of the last, pre-sized group do not lower its minimum: only group 0 may hold a < 5
  const low = rowsOf(t.scan(tm.begin(), { columns: [0], filters: [{ kind: 'compare', column: 0, op: '<', value: 5 }] }))
  assert.equal(low.length, ROW_GROUP_SIZE)
})
