import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { DeleteNode, FilterNode, InsertNode, LogicalPlan, UpdateNode } from '../../../core/plan/logical.ts'
import type { BoundExpr, OutputColumn } from '../../../core/plan/expr.ts'
import type { TableEntry } from '../../../core/catalog/catalog.ts'
import { BIGINT, INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import { add, cmp, FixtureTable, lit, out, ref, run, scan, tableEntry, txn, values } from './helpers.ts'

function table(rows: (number | string | null)[][] = []) {
  const provider = new FixtureTable([INTEGER, VARCHAR, INTEGER], rows)
  provider.unique = [0]
  const colRef = (i: number, type = INTEGER): BoundExpr => ({ kind: 'colref', id: i, type, name: `c${i}` })
  const entry = tableEntry('t', [
    { name: 'id', type: INTEGER }, { name: 'name', type: VARCHAR, default: lit('anon', VARCHAR) }, { name: 'qty', type: INTEGER },
  ], provider, { checks: [{ expr: cmp('>=', colRef(2), lit(0, INTEGER)), sql: 'qty >= 0' }] })
  return { provider, entry }
}

function tableColumns(entry: TableEntry): OutputColumn[] { return entry.columns.map(c => out(c.name, c.type)) }

function insert(entry: TableEntry, input: InsertNode['input'], columns: number[], extra: Partial<InsertNode> = {}): InsertNode {
  const returningColumns = tableColumns(entry)
  return { kind: 'insert', table: entry, input, columns, onConflict: null, returning: [], returningColumns, output: [out('Count', BIGINT)], ...extra }
}

test('INSERT fills missing columns with defaults (or NULL) and reports the count', () => {
  const { provider, entry } = table()
  const rows = run(insert(entry, values([INTEGER], [[1], [2]]), [0]))
  assert.deepEqual(rows, [[2n]])
  assert.deepEqual(provider.live(), [[1, 'anon', null], [2, 'anon', null]])
})

test('INSERT … RETURNING', () => {
  const { entry } = table()
  const rc = tableColumns(entry)
  const plan = insert(entry, values([INTEGER, INTEGER], [[5, 3]]), [0, 2], {
    returning: [ref(rc[1]!), add(ref(rc[0]!), ref(rc[2]!))], returningColumns: rc, output: [out('name', VARCHAR), out('s', INTEGER)],
  })
  assert.deepEqual(run(plan), [['anon', 8]])
})

test('CHECK constraints reject bad rows with 23514; NULL passes', () => {
  const { provider, entry } = table()
  assert.throws(() => run(insert(entry, values([INTEGER, INTEGER], [[1, 5], [2, -1]]), [0, 2])),
    (e: GrizzlyError) => e.code === '23514' && /qty >= 0/.test(e.message))
  assert.equal(provider.live().length, 0)
  run(insert(entry, values([INTEGER, INTEGER], [[3, null]]), [0, 2]))
  assert.equal(provider.live().length, 1)
})

test('ON CONFLICT DO NOTHING skips existing keys and duplicates within the statement', () => {
  const { provider, entry } = table([[1, 'a', 1]])
  const plan = insert(entry, values([INTEGER, VARCHAR], [[1, 'x'], [2, 'b'], [2, 'c'], [null, 'n']]), [0, 1], {
    onConflict: { target: [0], action: 'nothing', set: [], where: null, existingColumns: [], excludedColumns: [] },
  })
  assert.deepEqual(run(plan), [[2n]])
  assert.deepEqual(provider.live(), [[1, 'a', 1], [2, 'b', null], [null, 'n', null]])
})

test('ON CONFLICT DO UPDATE with excluded values, WHERE and RETURNING', () => {
  const { provider, entry } = table([[1, 'a', 1], [2, 'b', 2]])
  const existing = tableColumns(entry), excluded = tableColumns(entry)
  const rc = tableColumns(entry)
  const plan = insert(entry, values([INTEGER, INTEGER], [[1, 10], [2, 20], [3, 30]]), [0, 2], {
    onConflict: {
      target: [0], action: 'update',
      set: [{ column: 2, value: add(ref(existing[2]!), ref(excluded[2]!)) }],
      where: cmp('<>', ref(existing[0]!), lit(2, INTEGER)),
      existingColumns: existing, excludedColumns: excluded,
    },
    returning: [ref(rc[0]!), ref(rc[2]!)], returningColumns: rc, output: [out('id', INTEGER), out('qty', INTEGER)],
  })
  assert.deepEqual(run(plan), [[1, 11], [3, 30]])
  assert.deepEqual(provider.live(), [[1, 'a', 11], [2, 'b', 2], [3, 'anon', 30]])
  // the same key twice in one DO UPDATE statement is an error
  const twice = insert(entry, values([INTEGER, INTEGER], [[1, 1], [1, 2]]), [0, 2], {
    onConflict: { target: [0], action: 'update', set: [{ column: 2, value: lit(0, INTEGER) }], where: null, existingColumns: existing, excludedColumns: excluded },
  })
  assert.throws(() => run(twice), (e: GrizzlyError) => e.code === '21000')
})

test('UPDATE sets columns by row id, checks constraints, returns new rows', () => {
  const { provider, entry } = table([[1, 'a', 1], [2, 'b', 2], [3, 'c', 3]])
  const s = scan(entry, [-1, 0, 2])
  const [rowid, id, qty] = s.output
  const f: FilterNode = { kind: 'filter', input: s, predicate: cmp('>=', ref(id!), lit(2, INTEGER)), output: s.output }
  const rc = tableColumns(entry)
  const plan: UpdateNode = {
    kind: 'update', table: entry, input: f, rowIdColumn: rowid!.id, columns: [2], values: [add(ref(qty!), lit(100, INTEGER))],
    returning: [ref(rc[1]!), ref(rc[2]!)], returningColumns: rc, output: [out('name', VARCHAR), out('qty', INTEGER)],
  }
  assert.deepEqual(run(plan), [['b', 102], ['c', 103]])
  assert.deepEqual(provider.live(), [[1, 'a', 1], [2, 'b', 102], [3, 'c', 103]])
  const bad: UpdateNode = { ...plan, values: [lit(-5, INTEGER)], returning: [], output: [out('Count', BIGINT)] }
  assert.throws(() => run(bad), (e: GrizzlyError) => e.code === '23514')
  assert.deepEqual(provider.live()[1], [2, 'b', 102])
  assert.deepEqual(run({ ...bad, values: [lit(7, INTEGER)] }), [[2n]])
})

test('DELETE by row id with RETURNING, and the count without', () => {
  const { provider, entry } = table([[1, 'a', 1], [2, 'b', 2], [3, 'c', 3]])
  const s = scan(entry, [-1, 0])
  const f: FilterNode = { kind: 'filter', input: s, predicate: cmp('<>', ref(s.output[1]!), lit(2, INTEGER)), output: s.output }
  const rc = tableColumns(entry)
  const plan: DeleteNode = { kind: 'delete', table: entry, input: f, rowIdColumn: s.output[0]!.id, returning: [ref(rc[1]!)], returningColumns: rc, output: [out('name', VARCHAR)] }
  assert.deepEqual(run(plan), [['a'], ['c']])
  assert.deepEqual(provider.live(), [[2, 'b', 2]])
  const all: DeleteNode = { ...plan, input: s, returning: [], output: [out('Count', BIGINT)] }
  assert.deepEqual(run(all), [[1n]])
  assert.deepEqual(run(all), [[0n]])
})

test('writes in a read-only transaction or to a read-only provider fail cleanly', () => {
  const { entry } = table()
  assert.throws(() => run(insert(entry, values([INTEGER], [[1]]), [0]), { txn: { ...txn, readOnly: true } }),
    (e: GrizzlyError) => e.code === '25006')
  const readOnly = tableEntry('ro', [{ name: 'id', type: INTEGER }], { estimatedRows: () => 0, scan: () => [] })
  assert.throws(() => run(insert(readOnly, values([INTEGER], [[1]]), [0])), (e: GrizzlyError) => e.code === '0A000')
})

test('INSERT of many rows spanning chunks', () => {
  const { provider, entry } = table()
  const src = new FixtureTable([INTEGER], Array.from({ length: 9000 }, (_, i) => [i]))
  const s = scan(tableEntry('src', [{ name: 'i', type: INTEGER }], src), [0])
  assert.deepEqual(run(insert(entry, s, [0])), [[9000n]])
  assert.equal(provider.live().length, 9000)
})

test('UPDATE with a row paired to several source rows updates it once', () => {
  const { provider, entry } = table([[1, 'a', 1], [2, 'b', 2]])
  const s = scan(entry, [-1, 0])
  const src = values([INTEGER], [[10], [20]])
  const joined: LogicalPlan = { kind: 'join', joinType: 'cross', left: s, right: src, condition: null, markColumn: null, lateral: false, output: [...s.output, ...src.output] }
  const plan: UpdateNode = {
    kind: 'update', table: entry, input: joined, rowIdColumn: s.output[0]!.id, columns: [2], values: [ref(src.output[0]!)],
    returning: [], returningColumns: tableColumns(entry), output: [out('Count', BIGINT)],
  }
  assert.deepEqual(run(plan), [[2n]])
  assert.deepEqual(provider.live(), [[1, 'a', 10], [2, 'b', 10]])
})

test('INSERT OR IGNORE skips conflicts on any unique constraint', () => {
  const provider = new FixtureTable([INTEGER, VARCHAR, INTEGER], [[1, 'a', 5]])
  const entry = tableEntry('u', [{ name: 'id', type: INTEGER }, { name: 'name', type: VARCHAR }, { name: 'qty', type: INTEGER }],
    provider, { primaryKey: [0], unique: [[2]] })
  const plan = insert(entry, values([INTEGER, VARCHAR, INTEGER], [[1, 'x', 9], [2, 'b', 5], [3, 'c', 7], [4, 'd', 7], [5, 'e', null], [6, 'f', null]]), [0, 1, 2], {
    onConflict: { target: [0], action: 'nothing', set: [], where: null, existingColumns: [], excludedColumns: [], anyConstraint: true },
  })
  assert.deepEqual(run(plan), [[3n]])
  assert.deepEqual(provider.live(), [[1, 'a', 5], [3, 'c', 7], [5, 'e', null], [6, 'f', null]])
})
