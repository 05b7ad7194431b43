/**
 * Test fixtures for the executor: a small in-memory TableProvider, a transaction, a function
 * context, simple aggregates implementing the AggregateState contract, and plan builders.
 */
import { GrizzlyError } from '../../../core/errors.ts'
import type {
  ColumnSchema, ScanRequest, TableConstraints, TableEntry, TableProvider, Transaction,
} from '../../../core/catalog/catalog.ts'
import { ROW_ID_COLUMN } from '../../../core/catalog/catalog.ts'
import type { AggregateState, BoundAggregate, BoundScalar, BoundWindow, FunctionContext } from '../../../core/hooks/contracts.ts'
import { Hooks } from '../../../core/hooks/registry.ts'
import type {
  BoundAggregateCall, BoundExpr, ColumnRefExpr, CompareOp, OutputColumn, SortKey,
} from '../../../core/plan/expr.ts'
import type { LogicalPlan, ScanNode, ValuesNode } from '../../../core/plan/logical.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, type LogicalType, type Value } from '../../../core/types/types.ts'
import {
  CHUNK_SIZE, DataChunk, getValue, Vector, VectorBuilder, vectorFromValues,
} from '../../../core/vector/vector.ts'
import { executePlan, type ExecutionContext } from '../../../core/execution/index.ts'

export const txn: Transaction = { id: 1, readOnly: false, onRollback() {}, onCommit() {} }

export function fnCtx(settings: Record<string, Value> = {}): FunctionContext {
  return {
    setting(name: string) { return settings[name] ?? null },
    statementTime: 0,
    random: Math.random,
    setSeed() {},
  }
}

/** Rows kept boxed; scans build vectors of CHUNK_SIZE rows. Row ids are positions, deleted rows become null. */
export class FixtureTable implements TableProvider {
  readonly types: readonly LogicalType[]
  rows: (Value[] | null)[]
  scans: ScanRequest[] = []
  unique: number[] | null = null

  constructor(types: readonly LogicalType[], rows: Value[][]) {
    this.types = types
    this.rows = rows.map(r => [...r])
  }

  estimatedRows(): number { return this.rows.length }

  *scan(_txn: Transaction, request: ScanRequest): Iterable<DataChunk> {
    this.scans.push(request)
    const live: number[] = []
    this.rows.forEach((r, i) => { if (r !== null) live.push(i) })
    for (let start = 0; start < live.length; start += CHUNK_SIZE) {
      const ids = live.slice(start, start + CHUNK_SIZE)
      const cols = request.columns.map(c => {
        if (c === ROW_ID_COLUMN) return vectorFromValues(BIGINT, ids.map(i => BigInt(i)))
        return vectorFromValues(this.types[c]!, ids.map(i => this.rows[i]![c]!))
      })
      yield new DataChunk(cols, ids.length)
    }
  }

  insert(_txn: Transaction, rows: DataChunk): void {
    const keyOf = (r: Value[]): string => JSON.stringify(this.unique!.map(k => String(r[k])))
    const keys = this.unique === null ? null : new Set(this.live().map(keyOf))
    for (let i = 0; i < rows.size; i++) {
      const row = rows.columns.map(v => getValue(v, i))
      if (keys !== null) {
        if (keys.has(keyOf(row))) throw new GrizzlyError('23505', 'duplicate key')
        keys.add(keyOf(row))
      }
      this.rows.push(row)
    }
  }

  delete(_txn: Transaction, rowIds: BigInt64Array): number {
    let n = 0
    for (const id of rowIds) { if (this.rows[Number(id)] !== null) { this.rows[Number(id)] = null; n++ } }
    return n
  }

  update(_txn: Transaction, rowIds: BigInt64Array, columns: readonly number[], values: DataChunk): void {
    rowIds.forEach((id, i) => {
      const row = this.rows[Number(id)]!
      columns.forEach((c, k) => { row[c] = getValue(values.column(k), i) })
    })
  }

  lookup(_txn: Transaction, keyColumns: readonly number[], keys: DataChunk): BigInt64Array {
    const out = new BigInt64Array(keys.size).fill(-1n)
    for (let i = 0; i < keys.size; i++) {
      const key = keyColumns.map((_, k) => getValue(keys.column(k), i))
      if (key.some(v => v === null)) continue
      const at = this.rows.findIndex(r => r !== null && keyColumns.every((c, k) => String(r[c]) === String(key[k])))
      if (at >= 0) out[i] = BigInt(at)
    }
    return out
  }

  live(): Value[][] { return this.rows.filter((r): r is Value[] => r !== null) }
}

export function tableEntry(name: string, columns: readonly { name: string; type: LogicalType; default?: BoundExpr }[],
  provider: TableProvider, constraints: Partial<TableConstraints> = {}): TableEntry {
  const cols: ColumnSchema[] = columns.map(c => ({
    name: c.name, type: c.type, notNull: false, default: c.default ?? null, defaultSql: null,
  }))
  return {
    kind: 'table', schema: 'main', name, columns: cols, provider, temporary: false,
    constraints: { primaryKey: null, unique: [], checks: [], ...constraints },
  }
}

let nextId = 1000
export function freshId(): number { return nextId++ }

export function out(name: string, type: LogicalType, id = freshId()): OutputColumn { return { id, name, type } }
export function ref(c: OutputColumn): ColumnRefExpr { return { kind: 'colref', id: c.id, type: c.type, name: c.name } }
export function lit(value: Value, type: LogicalType): BoundExpr { return { kind: 'const', value, type } }
export function cmp(op: CompareOp, left: BoundExpr, right: BoundExpr): BoundExpr {
  return { kind: 'compare', op, left, right, type: BOOLEAN }
}
export function and(...args: BoundExpr[]): BoundExpr { return { kind: 'and', args, type: BOOLEAN } }
export function key(expr: BoundExpr, descending = false, nullsFirst = false): SortKey { return { expr, descending, nullsFirst } }

export function scan(table: TableEntry, columns: number[], filters: BoundExpr[] = [], output?: OutputColumn[]): ScanNode {
  const o = output ?? columns.map(c => out(c < 0 ? 'rowid' : table.columns[c]!.name, c < 0 ? BIGINT : table.columns[c]!.type))
  return { kind: 'scan', table, columns, filters, output: o }
}

export function values(types: readonly LogicalType[], rows: Value[][], names?: string[]): ValuesNode {
  return {
    kind: 'values',
    output: types.map((t, i) => out(names?.[i] ?? `c${i}`, t)),
    rows: rows.map(r => r.map((v, i) => lit(v, types[i]!))),
  }
}

export function context(extra: Partial<ExecutionContext> = {}): ExecutionContext {
  return {
    catalog: undefined as never, hooks: new Hooks(), txn, fnCtx: fnCtx(), params: [], profile: false, ...extra,
  }
}

/** Runs a plan and returns its rows boxed. */
export function run(plan: LogicalPlan, extra: Partial<ExecutionContext> = {}): Value[][] {
  const { chunks } = executePlan(plan, context(extra))
  const rows: Value[][] = []
  for (const c of chunks) {
    if (c.columns.length !== plan.output.length) throw new Error(`chunk has ${c.columns.length} columns, plan ${plan.output.length}`)
    for (let i = 0; i < c.size; i++) rows.push(c.columns.map(v => getValue(v, i)))
  }
  return rows
}

export function sortRows(rows: Value[][]): Value[][] {
  const k = (r: Value[]): string => JSON.stringify(r, (_k, x: unknown) => typeof x === 'bigint' ? `${x}n` : x)
  return [...rows].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0))
}

// ---- aggregates implementing the contract ---------------------------------------------------------

class SumState implements AggregateState {
  sums = new Float64Array(0)
  seen = new Uint8Array(0)
  resize(groups: number): void {
    if (groups <= this.sums.length) return
    const s = new Float64Array(groups); s.set(this.sums); this.sums = s
    const v = new Uint8Array(groups); v.set(this.seen); this.seen = v
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const a = args[0]!
    for (let i = 0; i < count; i++) {
      const x = getValue(a, i)
      this.sums[groupIds[i]!]! += Number(x)
      this.seen[groupIds[i]!] = 1
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = other as SumState
    for (let i = 0; i < count; i++) {
      if (o.seen[src[i]!] === 1) { this.sums[dst[i]!]! += o.sums[src[i]!]!; this.seen[dst[i]!] = 1 }
    }
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder(DOUBLE, groups)
    for (let g = 0; g < groups; g++) b.push(this.seen[g] === 1 ? this.sums[g]! : null)
    return b.finish()
  }
}

class CountState implements AggregateState {
  counts = new Float64Array(0)
  resize(groups: number): void {
    if (groups <= this.counts.length) return
    const s = new Float64Array(groups); s.set(this.counts); this.counts = s
  }
  update(_args: readonly Vector[], groupIds: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) this.counts[groupIds[i]!]!++
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = other as CountState
    for (let i = 0; i < count; i++) this.counts[dst[i]!]! += o.counts[src[i]!]!
  }
  finalize(groups: number): Vector {
    return new Vector(BIGINT, groups, BigInt64Array.from(this.counts.subarray(0, groups), x => BigInt(x)), null)
  }
}

/** string_agg-like: concatenates in update order (order sensitive). */
class ConcatState implements AggregateState {
  parts: string[][] = []
  resize(groups: number): void { while (this.parts.length < groups) this.parts.push([]) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) this.parts[groupIds[i]!]!.push(String(getValue(args[0]!, i)))
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = other as ConcatState
    for (let i = 0; i < count; i++) this.parts[dst[i]!]!.push(...o.parts[src[i]!]!)
  }
  finalize(groups: number): Vector {
    const b = new VectorBuilder({ id: 'VARCHAR' }, groups)
    for (let g = 0; g < groups; g++) b.push(this.parts[g]!.length === 0 ? null : this.parts[g]!.join(','))
    return b.finish()
  }
}

export const SUM: BoundAggregate = { name: 'sum', argTypes: [DOUBLE], returns: DOUBLE, nulls: 'skip', orderSensitive: false, createState: () => new SumState() }
export const COUNT: BoundAggregate = { name: 'count', argTypes: [], returns: BIGINT, nulls: 'skip', orderSensitive: false, createState: () => new CountState() }
export const CONCAT: BoundAggregate = { name: 'concat_agg', argTypes: [{ id: 'VARCHAR' }], returns: { id: 'VARCHAR' }, nulls: 'skip', orderSensitive: true, createState: () => new ConcatState() }

export function agg(fn: BoundAggregate, args: BoundExpr[], opts: Partial<BoundAggregateCall> = {}): BoundAggregateCall {
  return { fn, args, distinct: false, filter: null, orderBy: [], type: fn.returns, ...opts }
}

/** INTEGER + INTEGER as a bound scalar (nulls propagate). */
export const ADD_INT: BoundScalar = {
  name: '+', argTypes: [INTEGER, INTEGER], returns: INTEGER, nulls: 'propagate', volatility: 'immutable',
  invoke(args, count) {
    const a = args[0]!.data as Int32Array, b = args[1]!.data as Int32Array
    const out = new Int32Array(count)
    for (let i = 0; i < count; i++) out[i] = a[i]! + b[i]!
    return new Vector(INTEGER, count, out, null)
  },
}
export function add(a: BoundExpr, b: BoundExpr): BoundExpr { return { kind: 'call', fn: ADD_INT, args: [a, b], type: INTEGER } }

/** row_number(): position in the partition. */
export const ROW_NUMBER: BoundWindow = {
  name: 'row_number', argTypes: [], returns: BIGINT,
  evaluate(p) { return new Vector(BIGINT, p.count, BigInt64Array.from({ length: p.count }, (_, i) => BigInt(i + 1)), null) },
}
/** rank(): 1 + rows before the peer group. */
export const RANK: BoundWindow = {
  name: 'rank', argTypes: [], returns: BIGINT,
  evaluate(p) { return new Vector(BIGINT, p.count, BigInt64Array.from(p.peerStart, s => BigInt(s + 1)), null) },
}
/** first_value(x) over the frame. */
export const FIRST_VALUE: BoundWindow = {
  name: 'first_value', argTypes: [INTEGER], returns: INTEGER,
  evaluate(p) {
    const b = new VectorBuilder(INTEGER, p.count)
    for (let i = 0; i < p.count; i++) b.push(p.frameEnd[i]! > p.frameStart[i]! ? getValue(p.args[0]!, p.frameStart[i]!) : null)
    return b.finish()
  },
}
