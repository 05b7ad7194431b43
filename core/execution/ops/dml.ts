/**
 * INSERT, UPDATE and DELETE through the TableProvider. The input is read completely before
 * the table changes (so a statement never sees its own writes). Missing INSERT columns take
 * their DEFAULT (evaluated per row, so volatile defaults differ); CHECK constraints are
 * evaluated here on every new row (NOT NULL and UNIQUE are the provider's job); ON CONFLICT
 * uses TableProvider.lookup. Output: the RETURNING rows, or one BIGINT "Count".
 */
import { uniqueKeys } from '../../indexes/unique-keys.ts'
import { GrizzlyError, SqlState, notSupported } from '../../errors.ts'
import { ROW_ID_COLUMN, type TableEntry, type TableProvider, type Transaction } from '../../catalog/catalog.ts'
import type { BoundExpr, OutputColumn } from '../../plan/expr.ts'
import type { DeleteNode, InsertNode, UpdateNode } from '../../plan/logical.ts'
import { BIGINT } from '../../types/types.ts'
import { CHUNK_SIZE, DataChunk, gather, getValue, nullVector, Vector } from '../../vector/vector.ts'
import { GroupTable } from '../group-table.ts'
import { valueKey } from '../keys.ts'
import {
  chunkAt, chunksOf, compileFilter, compileValue, drain, type Frame, layoutOf, materializeChunks, Operator, typesOf,
} from '../operator.ts'

type Write = 'insert' | 'update' | 'delete'

export function requireWritable(table: TableEntry, txn: Transaction, what: Write): TableProvider {
  const p = table.provider
  if (txn.readOnly && p.ownTransaction !== true) {
    throw new GrizzlyError(SqlState.readOnlyTransaction, `cannot execute ${what.toUpperCase()} in a read-only transaction`)
  }
  if (p[what] === undefined) throw notSupported(`${what.toUpperCase()} on table "${table.name}"`, undefined, 'this table is read-only')
  return p
}

/** Checks every CHECK constraint on full-width rows (column i of `rows` = table column i). */
function checkConstraints(table: TableEntry, rows: DataChunk, frame: Frame): void {
  const checks = table.constraints.checks
  if (checks.length === 0 || rows.size === 0) return
  const layout = new Map<number, number>()
  table.columns.forEach((_, i) => layout.set(i, i))
  for (const check of checks) {
    const v = compileValue(check.expr, layout, frame)(rows)
    const d = v.data as Uint8Array
    for (let i = 0; i < rows.size; i++) {
      if (v.isValid(i) && d[i] === 0) {
        throw new GrizzlyError(SqlState.checkViolation,
          `new row for relation "${table.name}" violates check constraint: CHECK(${check.sql})`)
      }
    }
  }
}

/** Full rows of the given row ids, in that order (a scan of the table). */
function fetchRows(table: TableEntry, frame: Frame, rowIds: BigInt64Array): DataChunk {
  const all = table.columns.map((_, i) => i)
  if (table.provider.fetch !== undefined) return table.provider.fetch(frame.runtime.ctx.txn, rowIds, all)
  const columns = [ROW_ID_COLUMN, ...all]
  const want = new Map<bigint, number>()
  rowIds.forEach((id, k) => { if (!want.has(id)) want.set(id, k) })
  const parts: DataChunk[] = []
  const positions: number[] = []
  for (const c of table.provider.scan(frame.runtime.ctx.txn, { columns, filters: [] })) {
    const ids = c.column(0).data as BigInt64Array
    const sel: number[] = []
    for (let i = 0; i < c.size; i++) if (want.has(ids[i]!)) { sel.push(i); positions.push(want.get(ids[i]!)!) }
    if (sel.length > 0) parts.push(new DataChunk(c.columns.slice(1).map(v => gather(v, sel, sel.length)), sel.length))
  }
  const m = materializeChunks(parts, table.columns.map(c => c.type))
  // back into the order of rowIds (ids repeated there repeat their row)
  const at = new Int32Array(m.count)
  positions.forEach((p, i) => { at[p] = i })
  const order = new Int32Array(rowIds.length)
  rowIds.forEach((id, k) => { order[k] = at[want.get(id)!]! })
  return new DataChunk(m.columns.map(v => gather(v, order, order.length)), order.length)
}

function returningOutput(exprs: readonly BoundExpr[], columns: readonly OutputColumn[], rows: readonly DataChunk[], frame: Frame): DataChunk[] {
  if (exprs.length === 0) return []
  const layout = layoutOf(columns)
  const fns = exprs.map(e => compileValue(e, layout, frame))
  return rows.filter(r => r.size > 0).map(r => new DataChunk(fns.map(f => f(r)), r.size))
}

/** an INSERT, UPDATE or DELETE's one-row "Count" */
export function countChunk(n: number): DataChunk {
  // (BigInt64Array.of is a generic call: several times the cost of a plain store)
  const count = new BigInt64Array(1)
  count[0] = BigInt(n)
  return new DataChunk([new Vector(BIGINT, 1, count, null)], 1)
}

abstract class WriteOperator extends Operator {
  private output: Iterator<DataChunk> | null = null
  protected abstract run(): { count: number; returned: DataChunk[] }
  protected abstract readonly returning: readonly BoundExpr[]
  protected abstract readonly outputTypes: ReturnType<typeof typesOf>

  protected pull(): DataChunk | null {
    if (this.output === null) {
      const { count, returned } = this.run()
      // the count alone is one chunk as it is: nothing to concatenate
      this.output = this.returning.length > 0 ? chunksOf(materializeChunks(returned, this.outputTypes), CHUNK_SIZE) : [countChunk(count)].values()
    }
    const r = this.output.next()
    return r.done === true ? null : r.value
  }
}

export class InsertOperator extends WriteOperator {
  readonly name = 'INSERT'
  private readonly node: InsertNode
  private readonly input: Operator
  protected readonly returning: readonly BoundExpr[]
  protected readonly outputTypes: ReturnType<typeof typesOf>

  constructor(input: Operator, node: InsertNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.returning = node.returning
    this.outputTypes = typesOf(node.output)
  }


  protected run(): { count: number; returned: DataChunk[] } {
    const node = this.node, table = node.table, frame = this.frame
    const provider = requireWritable(table, frame.runtime.ctx.txn, 'insert')
    const input = drain(this.input, typesOf(node.input.output))
    // DEFAULTs are compiled only when the statement leaves a column out
    let defaults: (((c: DataChunk) => Vector) | null)[] | null = null
    const txn = this.runtime.ctx.txn
    const returned: DataChunk[] = []
    let count = 0
    // chunks by index, not through chunksOf: no generator for a single-row INSERT
    for (let start = 0; start < input.count; start += CHUNK_SIZE) {
      const chunk = chunkAt(input, start, CHUNK_SIZE)
      const n = chunk.size
      const rows = new DataChunk(table.columns.map((col, t) => {
        const at = node.columns.indexOf(t)
        if (at >= 0) return chunk.column(at)
        const empty = new Map<number, number>()
        defaults ??= table.columns.map(c => c.default === null ? null : compileValue(c.default, empty, frame))
        const d = defaults[t]
        return d === null || d === undefined ? nullVector(col.type, n) : d(new DataChunk([], n))
      }), n)
      checkConstraints(table, rows, frame)
      if (node.onConflict === null) {
        provider.insert!(txn, rows)
        count += n
        returned.push(rows)
        continue
      }
      const r = this.upsert(provider, rows)
      count += r.count
      returned.push(...r.returned)
    }
    return { count, returned: returningOutput(node.returning, node.returningColumns, returned, frame) }
  }

  /** INSERT OR IGNORE: rows that conflict on any unique key (existing or earlier in the statement) are skipped. */
  private insertIgnoringConflicts(provider: TableProvider, rows: DataChunk): { count: number; returned: DataChunk[] } {
    const txn = this.runtime.ctx.txn
    const n = rows.size
    const sets = uniqueKeySets(this.node.table, this.node.onConflict!.target)
    const existing = sets.map(k => provider.lookup!(txn, k, new DataChunk(k.map(c => rows.column(c)), n)))
    const accepted = sets.map(() => new Set<string>())
    const fresh: number[] = []
    for (let i = 0; i < n; i++) {
      if (existing.some(e => e[i]! >= 0n)) continue
      // NULL never conflicts
      const keys = sets.map(k => {
        const values = k.map(c => getValue(rows.column(c), i))
        return values.some(v => v === null) ? null : valueKey(values)
      })
      if (keys.some((key, s) => key !== null && accepted[s]!.has(key))) continue
      keys.forEach((key, s) => { if (key !== null) accepted[s]!.add(key) })
      fresh.push(i)
    }
    if (fresh.length === 0) return { count: 0, returned: [] }
    const ins = new DataChunk(rows.columns.map(v => gather(v, fresh, fresh.length)), fresh.length)
    provider.insert!(txn, ins)
    return { count: fresh.length, returned: [ins] }
  }

  private upsert(provider: TableProvider, rows: DataChunk): { count: number; returned: DataChunk[] } {
    const conflict = this.node.onConflict!, table = this.node.table, frame = this.frame
    const txn = this.runtime.ctx.txn
    if (provider.lookup === undefined) throw notSupported(`ON CONFLICT on table "${table.name}"`)
    const n = rows.size
    if (conflict.action === 'nothing' && conflict.anyConstraint === true) return this.insertIgnoringConflicts(provider, rows)
    const keyVectors = conflict.target.map(t => rows.column(t))
    const existing = provider.lookup(txn, conflict.target, new DataChunk(keyVectors, n))
    // two proposed rows with the same key: the first one wins (DO NOTHING) or it is an error (DO UPDATE)
    const seen = new GroupTable(conflict.target.map(t => table.columns[t]!.type), false, n)
    const ids = new Int32Array(n)
    let expect = seen.findOrCreate(keyVectors, n, ids)
    const fresh: number[] = [], conflicting: number[] = []
    for (let i = 0; i < n; i++) {
      const first = ids[i] === expect
      if (first) expect++
      if (existing[i]! >= 0n) { conflicting.push(i); continue }
      if (first) fresh.push(i)
      else if (conflict.action === 'update') {
        throw new GrizzlyError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time',
          { hint: 'ensure that no rows proposed for insertion within the same command have duplicate constrained values' })
      }
    }
    const returned: DataChunk[] = []
    let count = 0
    if (fresh.length > 0) {
      const ins = new DataChunk(rows.columns.map(v => gather(v, fresh, fresh.length)), fresh.length)
      provider.insert!(txn, ins)
      returned.push(ins)
      count += fresh.length
    }
    if (conflict.action === 'nothing' || conflicting.length === 0) return { count, returned }
    let updatedAt = conflicting
    if (provider.update === undefined) throw notSupported(`ON CONFLICT DO UPDATE on table "${table.name}"`)
    let rowIds = BigInt64Array.from(conflicting.map(i => existing[i]!))
    if (new Set(rowIds).size !== rowIds.length) {
      throw new GrizzlyError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time')
    }
    const old = fetchRows(table, frame, rowIds)
    const excluded = rows.columns.map(v => gather(v, conflicting, conflicting.length))
    let both = new DataChunk([...old.columns, ...excluded], old.size)
    const layout = layoutOf([...conflict.existingColumns, ...conflict.excludedColumns])
    if (conflict.where !== null) {
      const { sel, count: m } = compileFilter(conflict.where, layout, frame)(both)
      if (m === 0) return { count, returned }
      both = new DataChunk(both.columns.map(v => gather(v, sel, m)), m)
      rowIds = BigInt64Array.from(sel.subarray(0, m), i => rowIds[i]!)
      updatedAt = Array.from(sel.subarray(0, m), i => conflicting[i]!)
    }
    const setColumns = conflict.set.map(s => s.column)
    const values = conflict.set.map(s => compileValue(s.value, layout, frame)(both))
    const newRows = new DataChunk(table.columns.map((_, t) => {
      const at = setColumns.indexOf(t)
      return at >= 0 ? values[at]! : both.column(t)
    }), both.size)
    checkConstraints(table, newRows, frame)
    provider.update(txn, rowIds, setColumns, new DataChunk(values, both.size))
    // RETURNING lists inserted and updated rows in the order they were proposed
    const merged = materializeChunks([...returned, newRows], table.columns.map(c => c.type))
    const position = [...fresh, ...updatedAt]
    const order = Int32Array.from(position.map((_, k) => k).sort((a, b) => position[a]! - position[b]!))
    const ordered = new DataChunk(merged.columns.map(v => gather(v, order, order.length)), order.length)
    return { count: count + both.size, returned: [ordered] }
  }
}

/** Key sets of every primary key and UNIQUE constraint of a table. */
function uniqueKeySets(table: TableEntry, target: readonly number[]): (readonly number[])[] {
  const sets: (readonly number[])[] = [target]
  for (const k of uniqueKeys(table)) {
    if (k.length > 0 && !sets.some(s => s.length === k.length && s.every((c, i) => c === k[i]))) sets.push(k)
  }
  return sets.filter(s => s.length > 0)
}

export class UpdateOperator extends WriteOperator {
  readonly name = 'UPDATE'
  private readonly node: UpdateNode
  private readonly input: Operator
  protected readonly returning: readonly BoundExpr[]
  protected readonly outputTypes: ReturnType<typeof typesOf>

  constructor(input: Operator, node: UpdateNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.returning = node.returning
    this.outputTypes = typesOf(node.output)
  }


  protected run(): { count: number; returned: DataChunk[] } {
    const node = this.node, table = node.table, frame = this.frame
    const provider = requireWritable(table, frame.runtime.ctx.txn, 'update')
    const layout = layoutOf(node.input.output)
    const rowIdFn = compileValue({ kind: 'colref', id: node.rowIdColumn, type: BIGINT, name: 'rowid' }, layout, frame)
    const valueFns = node.values.map(v => compileValue(v, layout, frame))
    const parts: DataChunk[] = []
    for (let c = this.input.next(); c !== null; c = this.input.next()) {
      parts.push(new DataChunk([rowIdFn(c), ...valueFns.map(f => f(c))], c.size))
    }
    const types = [BIGINT, ...node.columns.map(t => table.columns[t]!.type)]
    const all = materializeChunks(parts, types)
    if (all.count === 0) return { count: 0, returned: [] }
    let rowIds = all.columns[0]!.data as BigInt64Array
    let values = new DataChunk(all.columns.slice(1), all.count)
    // UPDATE … FROM may pair a row with several source rows: the first one wins
    const firstOf = new Set<bigint>()
    const keep: number[] = []
    for (let i = 0; i < rowIds.length; i++) if (!firstOf.has(rowIds[i]!)) { firstOf.add(rowIds[i]!); keep.push(i) }
    if (keep.length < rowIds.length) {
      rowIds = BigInt64Array.from(keep, i => rowIds[i]!)
      values = new DataChunk(values.columns.map(v => gather(v, keep, keep.length)), keep.length)
    }
    const txn = this.runtime.ctx.txn
    let newRows: DataChunk | null = null
    if (table.constraints.checks.length > 0 || node.returning.length > 0) {
      const old = fetchRows(table, frame, rowIds)
      newRows = new DataChunk(old.columns.map((v, t) => {
        const at = node.columns.indexOf(t)
        return at >= 0 ? values.column(at) : v
      }), old.size)
      checkConstraints(table, newRows, frame)
    }
    provider.update!(txn, rowIds, node.columns, values)
    return {
      count: rowIds.length,
      returned: newRows === null ? [] : returningOutput(node.returning, node.returningColumns, [newRows], frame),
    }
  }
}

export class DeleteOperator extends WriteOperator {
  readonly name = 'DELETE'
  private readonly node: DeleteNode
  private readonly input: Operator
  protected readonly returning: readonly BoundExpr[]
  protected readonly outputTypes: ReturnType<typeof typesOf>

  constructor(input: Operator, node: DeleteNode, frame: Frame) {
    super(frame)
    this.node = node
    this.input = input
    this.children.push(input)
    this.returning = node.returning
    this.outputTypes = typesOf(node.output)
  }


  protected run(): { count: number; returned: DataChunk[] } {
    const node = this.node, table = node.table, frame = this.frame
    const provider = requireWritable(table, frame.runtime.ctx.txn, 'delete')
    const rowIdFn = compileValue({ kind: 'colref', id: node.rowIdColumn, type: BIGINT, name: 'rowid' }, layoutOf(node.input.output), frame)
    const parts: Vector[] = []
    for (let c = this.input.next(); c !== null; c = this.input.next()) parts.push(rowIdFn(c))
    const ids = materializeChunks(parts.map(v => new DataChunk([v], v.length)), [BIGINT]).columns[0]!.data as BigInt64Array
    // a join may produce the same row more than once
    const unique = BigInt64Array.from(new Set(ids))
    if (unique.length === 0) return { count: 0, returned: [] }
    const old = node.returning.length > 0 ? fetchRows(table, frame, unique) : null
    const count = provider.delete!(this.runtime.ctx.txn, unique)
    return { count, returned: old === null ? [] : returningOutput(node.returning, node.returningColumns, [old], frame) }
  }
}

