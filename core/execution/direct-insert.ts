/**
 * INSERT … VALUES of constants and parameters without an operator tree: the rows are built
 * from the values as VALUES would build them and handed to the table's insert, which keeps
 * its own checks (NOT NULL, PRIMARY KEY / UNIQUE, foreign keys, secondary indexes). A prepared
 * `INSERT INTO t VALUES ($1, $2)` runs this way on every execution; in an autocommit loop the
 * Runtime, Frame and the VALUES → INSERT operators cost more than the insert itself.
 *
 * Anything else the INSERT operator does makes the plan take the operators: ON CONFLICT,
 * RETURNING, CHECK constraints, an omitted column with a DEFAULT, a value that is an
 * expression (a cast, a call, DEFAULT). Generated columns are computed when read, so an
 * INSERT never writes them either way.
 */
import type { ConstantExpr, ParameterExpr } from '../plan/expr.ts'
import type { InsertNode, LogicalPlan } from '../plan/logical.ts'
import type { LogicalType } from '../types/types.ts'
import { CHUNK_SIZE, DataChunk, nullVector, type Vector, VectorBuilder } from '../vector/vector.ts'
import { parameterOf } from '../expression/kernels.ts'
import type { ExecutionContext } from './operator.ts'
import { countChunk, requireWritable } from './ops/dml.ts'

export interface DirectInsert {
  readonly node: InsertNode
  readonly rows: readonly (readonly (ConstantExpr | ParameterExpr)[])[]
  /** the VALUES columns' types */
  readonly types: readonly LogicalType[]
  /** per table column, the VALUES column it takes, or -1 for NULL (a column left out without a DEFAULT) */
  readonly from: readonly number[]
}

const inserts = new WeakMap<LogicalPlan, DirectInsert | null>()

/** the direct insert `plan` is, or null when it needs the operators (kept per plan, as a prepared statement's plan runs many times) */
export function directInsertOf(plan: LogicalPlan): DirectInsert | null {
  let found = inserts.get(plan)
  if (found === undefined) { found = recognise(plan); inserts.set(plan, found) }
  return found
}

function recognise(node: LogicalPlan): DirectInsert | null {
  if (node.kind !== 'insert' || node.onConflict !== null || node.returning.length > 0) return null
  const table = node.table, values = node.input
  if (values.kind !== 'values' || table.constraints.checks.length > 0) return null
  // one chunk, as the INSERT operator inserts chunk by chunk
  if (values.rows.length === 0 || values.rows.length > CHUNK_SIZE) return null
  const rows: (ConstantExpr | ParameterExpr)[][] = []
  for (const row of values.rows) {
    const direct: (ConstantExpr | ParameterExpr)[] = []
    for (const e of row) {
      if (e.kind !== 'const' && e.kind !== 'param') return null
      direct.push(e)
    }
    rows.push(direct)
  }
  const from: number[] = []
  for (let t = 0; t < table.columns.length; t++) {
    const at = node.columns.indexOf(t)
    if (at < 0 && table.columns[t]!.default !== null) return null
    from.push(at)
  }
  return { node, rows, types: values.output.map(c => c.type), from }
}

/** the INSERT's "Count", or null when the operators must run it (the call was canceled: they report it) */
export function runDirectInsert(d: DirectInsert, ctx: ExecutionContext): DataChunk[] | null {
  if (ctx.isCanceled?.() === true) return null
  const table = d.node.table, txn = ctx.txn
  const provider = requireWritable(table, txn, 'insert')
  const rows = d.rows, n = rows.length, types = d.types
  const builders = new Array<VectorBuilder>(types.length)
  for (let k = 0; k < types.length; k++) builders[k] = new VectorBuilder(types[k]!, n)
  // row by row, as VALUES reads them: a missing parameter is reported at the same place
  for (let r = 0; r < n; r++) {
    const row = rows[r]!
    for (let k = 0; k < row.length; k++) {
      const e = row[k]!
      builders[k]!.push(e.kind === 'const' ? e.value : parameterOf(e, ctx.params))
    }
  }
  const from = d.from
  const full = new Array<Vector>(from.length)
  for (let t = 0; t < from.length; t++) {
    const at = from[t]!
    full[t] = at >= 0 ? builders[at]!.finish() : nullVector(table.columns[t]!.type, n)
  }
  provider.insert!(txn, new DataChunk(full, n))
  return [countChunk(n)]
}
