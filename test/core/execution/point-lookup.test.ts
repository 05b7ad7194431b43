import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'
import type { TableEntry } from '../../../core/catalog/catalog.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import type { IndexAccess, LogicalPlan } from '../../../core/plan/logical.ts'
import { executePlan } from '../../../core/execution/index.ts'
import { pointLookupOf, runPointLookup } from '../../../core/execution/point-lookup.ts'
import { INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { getValue } from '../../../core/vector/vector.ts'
import { cmp, fnCtx, lit, ref, scan } from './helpers.ts'

const code = (c: string) => (e: unknown) => e instanceof GrizzlyError && e.code === c

async function table(rows = 100) {
  const db = await Database.open()
  await db.exec(`CREATE TABLE b (id INTEGER PRIMARY KEY, v VARCHAR, x DOUBLE);
    INSERT INTO b SELECT i, 'v' || i, i * 0.5 FROM range(0, ${rows}) r(i)`)
  const txn = db.transactions.begin({ readOnly: true })
  const entry = db.catalog.lookup(txn, null, 'b') as TableEntry
  db.transactions.rollback(txn)
  const index = entry.provider.tableIndexes!()[0]!
  return { db, entry, index }
}

/** PROJECTION v over INDEX_SCAN b WHERE id = probe, as the optimizer plans it */
function lookupPlan(entry: TableEntry, index: IndexAccess['index'], probe: BoundExpr, extra: { filter?: BoundExpr; lower?: boolean; computed?: boolean } = {}): LogicalPlan {
  const s = scan(entry, [0, 1])
  const id = ref(s.output[0]!), v = ref(s.output[1]!)
  const filters = [cmp('=', id, probe), ...(extra.filter === undefined ? [] : [extra.filter])]
  const access: IndexAccess = { index, equal: [probe], lower: extra.lower === true ? { expr: lit(0, INTEGER), inclusive: true } : null, upper: null, estimate: 1 }
  const input = { ...s, filters, index: access }
  const expr: BoundExpr = extra.computed === true ? { kind: 'cast', expr: id, type: VARCHAR, try: false } : v
  return { kind: 'project', input, exprs: [expr], output: [{ id: 9_000_001, name: 'v', type: VARCHAR }] }
}

function context(db: Database, txn: ReturnType<Database['transactions']['begin']>, params: unknown[]) {
  return { catalog: db.catalog, hooks: db.hooks, txn, fnCtx: fnCtx(), params: params as never, profile: false }
}

test('a key lookup under a projection of its columns runs without operators, with the operators’ answer', async () => {
  const { db, entry, index } = await table()
  const param: BoundExpr = { kind: 'param', index: 1, type: INTEGER }
  const plan = lookupPlan(entry, index, param)
  const lookup = pointLookupOf(plan)
  assert.notEqual(lookup, null)
  assert.equal(pointLookupOf(plan), lookup, 'recognised once per plan')
  const txn = db.transactions.begin({ readOnly: true })
  for (const id of [0, 42, 99, 100, -1, null]) {
    const fast = runPointLookup(lookup!, context(db, txn, [id]))
    assert.notEqual(fast, null)
    const rows = fast!.flatMap(c => Array.from({ length: c.size }, (_, i) => getValue(c.column(0), i)))
    assert.deepEqual(rows, id !== null && id >= 0 && id < 100 ? [`v${id}`] : [])
    const viaOperators = executePlan(plan, { ...context(db, txn, [id]), profile: true }).chunks
    assert.deepEqual(viaOperators.flatMap(c => Array.from({ length: c.size }, (_, i) => getValue(c.column(0), i))), rows)
  }
  db.transactions.rollback(txn)
  await db.close()
})

test('plans that need more than probe, fetch and pick are left to the operators', async () => {
  const { db, entry, index } = await table(10)
  const s = scan(entry, [0, 1])
  const param: BoundExpr = { kind: 'param', index: 1, type: INTEGER }
  assert.equal(pointLookupOf(lookupPlan(entry, index, param, { filter: cmp('=', ref(s.output[1]!), lit('v1', VARCHAR)) })), null, 'a residual filter')
  assert.equal(pointLookupOf(lookupPlan(entry, index, param, { lower: true })), null, 'a range')
  assert.equal(pointLookupOf(lookupPlan(entry, index, param, { computed: true })), null, 'a computed column')
  const computedProbe: BoundExpr = { kind: 'cast', expr: { kind: 'param', index: 1, type: VARCHAR }, type: INTEGER, try: false }
  assert.equal(pointLookupOf(lookupPlan(entry, index, computedProbe)), null, 'a probe that needs code')
  assert.equal(pointLookupOf(scan(entry, [0, 1])), null, 'a table scan')
  await db.close()
})

test('prepared lookups keep MVCC: own uncommitted rows, not others’, deleted rows, snapshots', async () => {
  const { db } = await table(10)
  const other = db.connect()
  const mine = db.connect()
  const s = await mine.prepare('SELECT v FROM b WHERE id = $1')
  const o = await other.prepare('SELECT v FROM b WHERE id = $1')
  assert.deepEqual((await s.query([3])).rows, [['v3']])
  await mine.query('BEGIN')
  await mine.query("INSERT INTO b VALUES (50, 'fifty', 0)")
  await mine.query('DELETE FROM b WHERE id = 3')
  assert.deepEqual((await s.query([50])).rows, [['fifty']])
  assert.deepEqual((await s.query([3])).rows, [])
  assert.deepEqual((await o.query([50])).rows, [], 'another session does not see uncommitted rows')
  assert.deepEqual((await o.query([3])).rows, [['v3']], 'nor uncommitted deletes')
  await mine.query('COMMIT')
  assert.deepEqual((await o.query([50])).rows, [['fifty']])
  assert.deepEqual((await o.query([3])).rows, [])
  // a snapshot taken before a commit keeps its rows
  await other.query('BEGIN')
  assert.deepEqual((await o.query([4])).rows, [['v4']])
  await mine.query('DELETE FROM b WHERE id = 4')
  assert.deepEqual((await o.query([4])).rows, [['v4']])
  await other.query('COMMIT')
  assert.deepEqual((await o.query([4])).rows, [])
  // parameters: NULL, a bigint, a numeric string, and a value that cannot be an INTEGER
  assert.deepEqual((await s.query([null])).rows, [])
  assert.deepEqual((await s.query([5n])).rows, [['v5']])
  assert.deepEqual((await s.query(['6'])).rows, [['v6']])
  await assert.rejects(s.query(['six']), code('22P02'))
  // replanned after DDL; EXPLAIN still shows the index scan
  await db.exec('ALTER TABLE b ADD COLUMN w INTEGER')
  assert.deepEqual((await s.query([7])).rows, [['v7']])
  const explain = (await mine.query('EXPLAIN SELECT v FROM b WHERE id = $1', [7])).rows.map(r => r[1]).join('\n')
  assert.match(explain, /INDEX_SCAN b USING PRIMARY_b_id/)
  // a canceled lookup is canceled, not answered
  const abort = new AbortController()
  abort.abort()
  await assert.rejects(s.query([7], { signal: abort.signal }), code('57014'))
  await db.close()
})
