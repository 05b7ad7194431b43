/**
 * INSERT … VALUES of constants and parameters runs without operators (direct-insert.ts): which
 * plans qualify, and that every outcome — rows stored, counts, constraint errors — is the one
 * the INSERT operator gives (EXPLAIN ANALYZE and a profiled executePlan always run the operators).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database, GrizzlyError } from '../../../index.ts'
import type { BoundExpr } from '../../../core/plan/expr.ts'
import type { InsertNode, ValuesNode } from '../../../core/plan/logical.ts'
import type { TableEntry } from '../../../core/catalog/catalog.ts'
import { directInsertOf, runDirectInsert } from '../../../core/execution/direct-insert.ts'
import { executePlan } from '../../../core/execution/index.ts'
import { BIGINT, INTEGER, VARCHAR } from '../../../core/types/types.ts'
import { CHUNK_SIZE, getValue } from '../../../core/vector/vector.ts'
import { add, cmp, context, FixtureTable, lit, out, tableEntry, txn, values } from './helpers.ts'

function entry(opts: { default?: boolean; check?: boolean } = {}): { provider: FixtureTable; table: TableEntry } {
  const provider = new FixtureTable([INTEGER, VARCHAR], [])
  const check = { expr: cmp('>=', { kind: 'colref', id: 0, type: INTEGER, name: 'id' }, lit(0, INTEGER)), sql: 'id >= 0' }
  const table = tableEntry('t', [{ name: 'id', type: INTEGER }, { name: 'v', type: VARCHAR, ...(opts.default === true ? { default: lit('d', VARCHAR) } : {}) }],
    provider, opts.check === true ? { checks: [check] } : {})
  return { provider, table }
}

function insert(table: TableEntry, input: ValuesNode, columns: number[], extra: Partial<InsertNode> = {}): InsertNode {
  return { kind: 'insert', table, input, columns, onConflict: null, returning: [], returningColumns: [], output: [out('Count', BIGINT)], ...extra }
}

const param = (index: number, type = INTEGER): BoundExpr => ({ kind: 'param', index, type })
const valuesOf = (rows: BoundExpr[][], types = [INTEGER, VARCHAR]): ValuesNode => ({ kind: 'values', output: types.map((t, i) => out(`c${i}`, t)), rows })

test('plain VALUES of constants and parameters qualify; anything the operator must do does not', () => {
  const { table } = entry()
  const plain = insert(table, valuesOf([[param(1), param(2, VARCHAR)], [lit(3, INTEGER), lit(null, VARCHAR)]]), [0, 1])
  const d = directInsertOf(plain)
  assert.notEqual(d, null)
  assert.equal(directInsertOf(plain), d, 'recognised once per plan')
  // a column left out without a DEFAULT is NULL
  assert.deepEqual(directInsertOf(insert(table, valuesOf([[lit(1, INTEGER)]], [INTEGER]), [0]))?.from, [0, -1])

  const { table: withDefault } = entry({ default: true })
  assert.equal(directInsertOf(insert(withDefault, valuesOf([[lit(1, INTEGER)]], [INTEGER]), [0])), null, 'a DEFAULT to evaluate')
  assert.notEqual(directInsertOf(insert(withDefault, valuesOf([[lit(1, INTEGER), lit('x', VARCHAR)]]), [0, 1])), null, 'the DEFAULT is not needed')
  const { table: checked } = entry({ check: true })
  assert.equal(directInsertOf(insert(checked, valuesOf([[lit(1, INTEGER), lit('x', VARCHAR)]]), [0, 1])), null, 'a CHECK constraint')
  assert.equal(directInsertOf(insert(table, valuesOf([[add(param(1), lit(1, INTEGER)), lit('x', VARCHAR)]]), [0, 1])), null, 'an expression')
  assert.equal(directInsertOf(insert(table, valuesOf([[lit(1, INTEGER), lit('x', VARCHAR)]]), [0, 1], { returning: [lit(1, INTEGER)] })), null, 'RETURNING')
  const onConflict = { target: [0], action: 'nothing' as const, set: [], where: null, existingColumns: [], excludedColumns: [] }
  assert.equal(directInsertOf(insert(table, valuesOf([[lit(1, INTEGER), lit('x', VARCHAR)]]), [0, 1], { onConflict })), null, 'ON CONFLICT')
  assert.equal(directInsertOf(insert(table, valuesOf([]), [0, 1])), null, 'no rows')
  const many = Array.from({ length: CHUNK_SIZE + 1 }, (_, i) => [lit(i, INTEGER), lit('x', VARCHAR)])
  assert.equal(directInsertOf(insert(table, valuesOf(many), [0, 1])), null, 'more than one chunk')
  assert.equal(directInsertOf(valuesOf([[lit(1, INTEGER), lit('x', VARCHAR)]])), null, 'not an INSERT')
})

test('a direct insert stores what the operators store and counts the same', () => {
  const rows = [[1, 'a'], [2, null], [3, 'c']]
  const plans = (table: TableEntry) => insert(table, values([INTEGER, VARCHAR], rows), [0, 1])
  const fast = entry(), slow = entry()
  const direct = runDirectInsert(directInsertOf(plans(fast.table))!, context())
  assert.deepEqual(direct?.map(c => getValue(c.column(0), 0)), [3n])
  const viaOperators = executePlan(plans(slow.table), context({ profile: true })).chunks
  assert.deepEqual(viaOperators.map(c => getValue(c.column(0), 0)), [3n])
  assert.deepEqual(fast.provider.live(), slow.provider.live())
  assert.deepEqual(fast.provider.live(), rows)

  // parameters by index, a column left out
  const p = entry()
  const plan = insert(p.table, valuesOf([[param(2)]], [INTEGER]), [0])
  executePlan(plan, context({ params: [7, 8] }))
  assert.deepEqual(p.provider.live(), [[8, null]])
  assert.throws(() => executePlan(plan, context({ params: [7] })), (e: unknown) => e instanceof GrizzlyError && e.code === '42P02' && /parameter \$2/.test(e.message))
})

test('a read-only transaction and a canceled call are answered as the operators answer them', () => {
  const { table, provider } = entry()
  const plan = insert(table, values([INTEGER, VARCHAR], [[1, 'a']]), [0, 1])
  const readOnly = { ...txn, readOnly: true }
  assert.throws(() => executePlan(plan, context({ txn: readOnly })), (e: unknown) => e instanceof GrizzlyError && e.code === '25006')
  assert.equal(runDirectInsert(directInsertOf(plan)!, context({ isCanceled: () => true })), null)
  assert.throws(() => executePlan(plan, context({ isCanceled: () => true })), (e: unknown) => e instanceof GrizzlyError && e.code === '57014')
  assert.deepEqual(provider.live(), [])
})

const SCHEMA = `CREATE TABLE p (id INTEGER PRIMARY KEY);
  INSERT INTO p VALUES (1), (2);
  CREATE TABLE c (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, code VARCHAR UNIQUE, parent INTEGER REFERENCES p (id), note VARCHAR)`

/** outcome of each execution: the count, or the error's code and message */
async function outcomes(sql: string, runs: unknown[][]): Promise<{ results: string[]; rows: unknown[][] }> {
  const db = await Database.open()
  await db.exec(SCHEMA)
  const s = await db.prepare(sql)
  const results: string[] = []
  for (const params of runs) {
    try {
      const r = await s.query(params)
      results.push(sql.startsWith('EXPLAIN') ? 'ok' : `ok ${r.changes}`)
    } catch (e) {
      if (!(e instanceof GrizzlyError)) throw e
      results.push(`${e.code} ${e.message}`)
    }
  }
  const rows = (await db.query('SELECT * FROM c ORDER BY id')).rows
  await db.close()
  return { results, rows }
}

test('NOT NULL, PRIMARY KEY, UNIQUE and FOREIGN KEY are checked as by the INSERT operator', async () => {
  const sql = 'INSERT INTO c (id, name, code, parent) VALUES ($1, $2, $3, $4)'
  const runs = [
    [1, 'a', 'x', 1], [2, 'b', null, null], [1, 'dup', 'y', 1], [3, null, 'z', 2], [4, 'c', 'x', 2],
    [5, 'd', 'w', 9], [6, 'e', null, 2], [null, 'f', 'v', 1], [7, 'g', 'u', 2],
  ]
  const direct = await outcomes(sql, runs)
  const operators = await outcomes(`EXPLAIN ANALYZE ${sql}`, runs)
  assert.deepEqual(direct.results.map(r => r.replace(/^ok \d+/, 'ok')), operators.results)
  assert.deepEqual(direct.results.filter(r => !r.startsWith('ok')).map(r => r.slice(0, 5)), ['23505', '23502', '23505', '23503', '23502'])
  assert.equal(direct.results[0], 'ok 1')
  assert.deepEqual(direct.rows, operators.rows)
  assert.deepEqual(direct.rows.map(r => r[0]), [1, 2, 6, 7])
  assert.deepEqual(direct.rows[0], [1, 'a', 'x', 1, null])
})

test('a prepared INSERT in an explicit transaction rolls back with it, and a failed one leaves the transaction usable', async () => {
  const db = await Database.open()
  await db.exec(SCHEMA)
  const s = await db.prepare('INSERT INTO c VALUES ($1, $2, $3, $4, $5)')
  await db.exec('BEGIN')
  await s.query([1, 'a', null, null, 'n'])
  await assert.rejects(s.query([1, 'b', null, null, null]), (e: unknown) => e instanceof GrizzlyError && e.code === '23505')
  await s.query([2, 'b', null, 1, null])
  assert.deepEqual((await db.query('SELECT id FROM c ORDER BY id')).rows, [[1], [2]])
  await db.exec('ROLLBACK')
  assert.deepEqual((await db.query('SELECT count(*) FROM c')).rows, [[0n]])
  await s.query([3, 'c', 'k', 2, null])
  assert.deepEqual((await db.query('SELECT * FROM c')).rows, [[3, 'c', 'k', 2, null]])
  await db.close()
})
