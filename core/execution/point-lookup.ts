/**
 * Point lookups without an operator tree: a plan that is an INDEX_SCAN with no residual filter
 * (every fetched row is an answer), under at most a PROJECTION of its columns, is run as index
 * probe → fetch → pick columns. A prepared `SELECT v FROM t WHERE id = $1` runs this way on
 * every execution; building the Runtime, Frame and operators would cost more than the lookup.
 * It answers exactly what the operators would: when the index cannot answer for the
 * transaction's snapshot it declines, and the operators scan the table instead.
 */
import { InternalError } from '../errors.ts'
import type { BoundExpr } from '../plan/expr.ts'
import type { IndexAccess, LogicalPlan, ScanNode } from '../plan/logical.ts'
import { CHUNK_SIZE, type DataChunk } from '../vector/vector.ts'
import type { LogicalType, Value } from '../types/types.ts'
import type { ExecutionContext } from './operator.ts'
import { fetchRows, indexAnswers, indexRowIds, residualFilterOf } from './ops/index-scan.ts'
import { ConstraintIndex, probeExpressionValue, probeValue, widensInteger } from '../indexes/table-indexes.ts'

export interface PointLookup {
  readonly scan: ScanNode
  readonly access: IndexAccess
  /** the table columns the result holds, in order: the scan's, or only those the projection keeps */
  readonly columns: readonly number[]
  /** the key columns' types, which probe values convert to */
  readonly keyTypes: readonly LogicalType[]
  /** a PRIMARY KEY / UNIQUE constraint's index: probed for one position, the row fetched alone */
  readonly unique: ConstraintIndex | null
}

const lookups = new WeakMap<LogicalPlan, PointLookup | null>()

/** the point lookup `plan` is, or null when it needs the operators (kept per plan: a prepared statement's plan runs many times) */
export function pointLookupOf(plan: LogicalPlan): PointLookup | null {
  let found = lookups.get(plan)
  if (found === undefined) { found = recognise(plan); lookups.set(plan, found) }
  return found
}

function recognise(plan: LogicalPlan): PointLookup | null {
  let pick: number[] | null = null
  let scan: LogicalPlan = plan
  if (plan.kind === 'project') {
    scan = plan.input
    pick = []
    for (const e of plan.exprs) {
      const at = e.kind === 'colref' ? scan.output.findIndex(c => c.id === e.id) : -1
      if (at < 0) return null
      pick.push(at)
    }
  }
  if (scan.kind !== 'scan' || scan.nearest !== undefined) return null
  const access = scan.index
  if (access === undefined || access.anyOf !== undefined || access.lower !== null || access.upper !== null) return null
  if (!access.equal.every(probedDirectly) || residualFilterOf(scan, access) !== null) return null
  // no filter is left, so the columns only the projection drops need not be read
  const columns = pick === null ? scan.columns : pick.map(at => scan.columns[at]!)
  const keyTypes = access.index.columns.map(c => scan.table.columns[c]!.type)
  const unique = access.index instanceof ConstraintIndex && access.equal.length === access.index.columns.length ? access.index : null
  return { scan, access, columns, keyTypes, unique }
}

/** constants, parameters and widening integer casts of them: probeExpressionValue needs no code for these */
function probedDirectly(e: BoundExpr): boolean {
  if (e.kind === 'const' || e.kind === 'param') return true
  return e.kind === 'cast' && !e.try && widensInteger(e.expr.type, e.type) && probedDirectly(e.expr)
}

/** the result's chunks, or null when the index cannot answer for this transaction (run the operators) */
export function runPointLookup(p: PointLookup, ctx: ExecutionContext): DataChunk[] | null {
  if (ctx.isCanceled?.() === true) return null
  if (!indexAnswers(p.scan, p.access, ctx.txn)) return null
  const provider = p.scan.table.provider
  if (p.unique !== null && provider.fetchRow !== undefined) {
    const equal = probeValues(p, ctx.params)
    const at = equal === null ? undefined : p.unique.positionOf(equal)
    return at === undefined ? [] : [provider.fetchRow(ctx.txn, at, p.columns)]
  }
  const ids = indexRowIds(p.scan, p.access, ctx.params, notProbedDirectly)
  const chunks: DataChunk[] = []
  for (let from = 0; from < ids.length; from += CHUNK_SIZE) chunks.push(fetchRows(p.scan, ctx.txn, ids, from, Math.min(ids.length, from + CHUNK_SIZE), p.columns))
  return chunks
}

/** the key's probe values in the key columns' internal form, as indexRanges computes them; null when one is NULL (nothing matches) */
function probeValues(p: PointLookup, params: readonly Value[]): Value[] | null {
  const exprs = p.access.equal
  const equal = new Array<Value>(exprs.length)
  for (let k = 0; k < exprs.length; k++) {
    const v = probeValue(probeExpressionValue(exprs[k]!, params, notProbedDirectly), p.keyTypes[k]!)
    if (v === null) return null
    equal[k] = v
  }
  return equal
}

function notProbedDirectly(): never { throw new InternalError('a point lookup probes with constants and parameters only') }
