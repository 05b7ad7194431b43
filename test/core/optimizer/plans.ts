/** Hand-built logical plans over real in-memory tables, for optimizer tests. */
import type { ColumnSchema, TableEntry } from '../../../core/catalog/catalog.ts'
import { MemoryTable } from '../../../core/catalog/memory-table.ts'
import { TransactionManager } from '../../../core/catalog/transaction.ts'
import type { OptimizerContext } from '../../../core/optimizer/index.ts'
import type { BoundExpr, ColumnRefExpr, OutputColumn } from '../../../core/plan/expr.ts'
import type {
  AggregateNode, FilterNode, JoinNode, LimitNode, LogicalPlan, ProjectNode, ScanNode, SortNode,
} from '../../../core/plan/logical.ts'
import { BIGINT, type LogicalType, type Value } from '../../../core/types/types.ts'
import { DataChunk, Vector, vectorFromValues } from '../../../core/vector/vector.ts'
import type { BoundAggregate } from '../../../core/hooks/contracts.ts'
import type { BoundAggregateCall } from '../../../core/plan/expr.ts'
import { makeEnv } from '../expression/helpers.ts'

export const manager = new TransactionManager()
export const txn = manager.begin()

let nextId = 1000
export function freshId(): number { return nextId++ }

export function table(name: string, columns: readonly [string, LogicalType][], rows: readonly Value[][] = []): TableEntry {
  const schemas: ColumnSchema[] = columns.map(([n, type]) => ({ name: n, type, notNull: false, default: null, defaultSql: null }))
  const constraints = { primaryKey: null, unique: [], checks: [] }
  const provider = new MemoryTable({ name, columns: schemas, constraints })
  if (rows.length > 0) {
    const load = manager.begin()
    provider.insert(load, new DataChunk(columns.map(([, t], i) => vectorFromValues(t, rows.map(r => r[i] ?? null))), rows.length))
    manager.commit(load)
  }
  return { kind: 'table', schema: 'main', name, columns: schemas, constraints, provider, temporary: false }
}

/** a table with `n` rows of consecutive integers in every column */
export function sizedTable(name: string, columns: readonly [string, LogicalType][], n: number): TableEntry {
  return table(name, columns, Array.from({ length: n }, (_, i) => columns.map(() => i)))
}

export function scan(t: TableEntry, columns?: readonly number[]): ScanNode {
  const cols = columns ?? t.columns.map((_, i) => i)
  return {
    kind: 'scan', table: t, columns: cols, filters: [],
    output: cols.map(i => ({ id: freshId(), name: t.columns[i]!.name, type: t.columns[i]!.type })),
  }
}

export function ref(p: LogicalPlan, name: string): ColumnRefExpr {
  const c = p.output.find(o => o.name === name)
  if (c === undefined) throw new Error(`no column ${name} in ${p.output.map(o => o.name).join(', ')}`)
  return { kind: 'colref', id: c.id, type: c.type, name: c.name }
}

export function filter(input: LogicalPlan, predicate: BoundExpr): FilterNode {
  return { kind: 'filter', input, predicate, output: input.output }
}

export function project(input: LogicalPlan, exprs: readonly [string, BoundExpr][]): ProjectNode {
  return {
    kind: 'project', input, exprs: exprs.map(([, e]) => e),
    output: exprs.map(([name, e]) => ({ id: freshId(), name, type: e.type })),
  }
}

export function join(joinType: JoinNode['joinType'], left: LogicalPlan, right: LogicalPlan, condition: BoundExpr | null): JoinNode {
  const output = joinType === 'semi' || joinType === 'anti' ? left.output : [...left.output, ...right.output]
  return { kind: 'join', joinType, left, right, condition, markColumn: null, lateral: false, output }
}

export function sort(input: LogicalPlan, keys: readonly BoundExpr[]): SortNode {
  return { kind: 'sort', input, keys: keys.map(expr => ({ expr, descending: false, nullsFirst: false })), output: input.output }
}

export function limit(input: LogicalPlan, n: BoundExpr | null, offset: BoundExpr | null = null): LimitNode {
  return { kind: 'limit', input, limit: n, offset, output: input.output }
}

export function aggregate(input: LogicalPlan, groups: readonly [string, BoundExpr][], aggregates: AggregateNode['aggregates'] = []): AggregateNode {
  const output: OutputColumn[] = [
    ...groups.map(([name, e]) => ({ id: freshId(), name, type: e.type })),
    ...aggregates.map((a, i) => ({ id: freshId(), name: `agg${i}`, type: a.type })),
  ]
  return { kind: 'aggregate', input, groups: groups.map(([, e]) => e), aggregates, groupingSets: null, groupingIdColumn: null, output }
}

export function context(disabled: readonly string[] = []): OptimizerContext {
  return { env: makeEnv(), txn, disabled: new Set(disabled) }
}

/** node kinds top-down, depth-first, e.g. "project(filter(scan))" */
export function shape(p: LogicalPlan): string {
  const kids: LogicalPlan[] = p.kind === 'join' || p.kind === 'set_op' ? [p.left, p.right]
    : p.kind === 'cte' ? [p.definition, p.body] : p.kind === 'recursive_cte' ? [p.anchor, p.recursive]
      : 'input' in p ? [p.input] : []
  const name = p.kind === 'scan' ? `scan:${p.table.name}${p.filters.length > 0 ? `[${p.filters.length}]` : ''}`
    : p.kind === 'join' ? `join:${p.joinType}` : p.kind
  return kids.length === 0 ? name : `${name}(${kids.map(shape).join(',')})`
}

/** count(*) as a real grouped aggregate state */
export const count: BoundAggregate = {
  name: 'count', argTypes: [], returns: BIGINT, nulls: 'handle', orderSensitive: false,
  createState: () => {
    let counts = new BigInt64Array(0)
    return {
      resize: n => { if (n > counts.length) { const c = new BigInt64Array(n); c.set(counts); counts = c } },
      update: (_args, ids, n) => { for (let i = 0; i < n; i++) counts[ids[i]!]! += 1n },
      combine: (o, src, dst, n) => { void o; void src; void dst; void n },
      finalize: n => new Vector(BIGINT, n, counts.slice(0, n), null),
    }
  },
}
export const countCall: BoundAggregateCall = { fn: count, args: [], distinct: false, filter: null, orderBy: [], type: BIGINT }
