/**
 * index_scan: a scan whose filters (or a filter right above it) hold `col = v` on the leading
 * columns of an index, optionally followed by range conditions (<, <=, >, >=, BETWEEN) on the
 * next key column, reads only the rows the index finds. Chosen when the index says few rows
 * match (counted in the index with the values known now: parameters are known when a
 * statement is planned). Every filter still applies to the fetched rows, so the answer is the
 * same as a scan's; the scan itself falls back to reading the table when the index cannot
 * answer for its transaction's snapshot.
 */
import type { TableIndex } from '../../catalog/catalog.ts'
import type { IndexRange } from '../../hooks/contracts.ts'
import { evaluateConstant, type ExprEnv } from '../../expression/index.ts'
import { exprChildren, type BoundExpr, type ColumnId } from '../../plan/expr.ts'
import type { IndexAccess, IndexBound, LogicalPlan, ScanNode } from '../../plan/logical.ts'
import { isInteger, typeEquals, type LogicalType } from '../../types/types.ts'
import { probeExpressionValue, widensInteger } from '../../indexes/table-indexes.ts'
import { indexRanges } from '../../indexes/access.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import { rewriteEveryNode, splitConjuncts } from '../plan-util.ts'

/** an index is used when at most this fraction of the table's rows match (fetching a row costs more than scanning it) */
export const MAX_INDEX_FRACTION = 0.1

export const indexScan: OptimizerRule = {
  name: 'index_scan',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    return rewriteEveryNode(plan, node => rewriteNode(node, ctx))
  },
}

function rewriteNode(node: LogicalPlan, ctx: OptimizerContext): LogicalPlan {
  if (node.kind === 'scan' && node.index === undefined && node.nearest === undefined && node.filters.length > 0) {
    const access = chooseIndex(node, node.filters.flatMap(f => splitConjuncts(f)), ctx)
    return access === null ? node : { ...node, index: access }
  }
  if (node.kind === 'filter' && node.input.kind === 'scan' && node.input.index === undefined && node.input.nearest === undefined) {
    const scan = node.input
    const access = chooseIndex(scan, [...splitConjuncts(node.predicate), ...scan.filters.flatMap(f => splitConjuncts(f))], ctx)
    return access === null ? node : { ...node, input: { ...scan, index: access } }
  }
  return node
}

type Op = '=' | '<' | '<=' | '>' | '>='

/** `column op value` or `column IN (values)` with the column as a table column index */
type KeyCondition =
  | { readonly column: number; readonly op: Op; readonly value: BoundExpr }
  | { readonly column: number; readonly op: 'in'; readonly values: readonly BoundExpr[] }

/** longer IN lists are left to the scan */
const MAX_IN_LIST = 1000

const FLIP: Readonly<Record<Op, Op>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' }

function chooseIndex(scan: ScanNode, conjuncts: readonly BoundExpr[], ctx: OptimizerContext): IndexAccess | null {
  const indexes = scan.table.provider.tableIndexes?.() ?? []
  if (indexes.length === 0 || scan.table.provider.fetch === undefined) return null
  const columnOf = new Map<ColumnId, number>()
  scan.output.forEach((c, i) => { const tc = scan.columns[i]!; if (tc >= 0) columnOf.set(c.id, tc) })
  const conditions = conjuncts.flatMap(c => keyConditions(c, columnOf, scan))
  if (conditions.length === 0) return null
  const rows = scan.table.provider.estimatedRows(ctx.txn)
  const limit = Math.max(1, Math.floor(rows * MAX_INDEX_FRACTION))
  let best: IndexAccess | null = null
  for (const index of indexes) {
    const access = accessFor(index, conditions)
    if (access === null) continue
    const ranges = evaluateRanges(access, index, scan, ctx.env)
    // a value that cannot be computed now leaves the choice to a plain scan
    if (ranges === null) continue
    let estimate = 0
    for (const range of ranges) {
      estimate += index.instance.count(range, limit + 1 - estimate)
      if (estimate > limit) break
    }
    if (estimate > limit) continue
    if (best === null || estimate < best.estimate || (estimate === best.estimate && index.unique && !best.index.unique)) {
      best = { ...access, estimate }
    }
  }
  return best
}

/** the conditions an index can serve: equality on a key prefix, then bounds on the next column */
function accessFor(index: TableIndex, conditions: readonly KeyCondition[]): Omit<IndexAccess, 'estimate'> | null {
  const caps = index.instance.capabilities
  const equal: BoundExpr[] = []
  for (const column of index.columns) {
    const eq = conditions.find(c => c.column === column && c.op === '=')
    if (eq === undefined || eq.op !== '=') break
    equal.push(eq.value)
  }
  if (equal.length === index.columns.length) return caps.equality ? { index, equal, lower: null, upper: null } : null
  const next = index.columns[equal.length]!
  const list = conditions.find(c => c.column === next && c.op === 'in')
  // an IN list on the last key column is whole-key equality; on an earlier one it needs prefix search
  if (list !== undefined && list.op === 'in' && caps.equality && (caps.range || equal.length + 1 === index.columns.length)) {
    return { index, equal, lower: null, upper: null, anyOf: list.values }
  }
  if (!caps.range) return null
  let lower: IndexBound | null = null, upper: IndexBound | null = null
  for (const c of conditions) {
    if (c.column !== next || c.op === 'in' || c.op === '=') continue
    if ((c.op === '>' || c.op === '>=') && lower === null) lower = { expr: c.value, inclusive: c.op === '>=' }
    if ((c.op === '<' || c.op === '<=') && upper === null) upper = { expr: c.value, inclusive: c.op === '<=' }
  }
  if (equal.length === 0 && lower === null && upper === null) return null
  return { index, equal, lower, upper }
}

function keyConditions(e: BoundExpr, columnOf: ReadonlyMap<ColumnId, number>, scan: ScanNode): KeyCondition[] {
  if (e.kind === 'in_list' && !e.not && e.list.length <= MAX_IN_LIST) {
    const key = keyColumn(e.arg, columnOf, scan)
    if (key === null || !e.list.every(v => isRuntimeConstant(v) && valueFits(v.type, key.type))) return []
    return [{ column: key.column, op: 'in', values: e.list }]
  }
  if (e.kind !== 'compare') return []
  const op = e.op
  if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return []
  const left = keyColumn(e.left, columnOf, scan), right = keyColumn(e.right, columnOf, scan)
  if (left !== null && right === null && isRuntimeConstant(e.right) && valueFits(e.right.type, left.type)) {
    return [{ column: left.column, op, value: e.right }]
  }
  if (right !== null && left === null && isRuntimeConstant(e.left) && valueFits(e.left.type, right.type)) {
    return [{ column: right.column, op: FLIP[op], value: e.left }]
  }
  return []
}

/** a column of the scanned table, possibly widened from one integer type to another for the comparison */
function keyColumn(e: BoundExpr, columnOf: ReadonlyMap<ColumnId, number>, scan: ScanNode): { column: number; type: LogicalType } | null {
  if (e.kind === 'cast' && !e.try && e.expr.kind === 'colref' && widensInteger(e.expr.type, e.type)) return keyColumn(e.expr, columnOf, scan)
  if (e.kind !== 'colref') return null
  const column = columnOf.get(e.id)
  if (column === undefined) return null
  return { column, type: scan.table.columns[column]!.type }
}

/** a value of this type can probe a key column of that type without changing the order */
function valueFits(value: LogicalType, column: LogicalType): boolean {
  return typeEquals(value, column) || (isInteger(value) && isInteger(column))
}

/** computable before the scan runs: constants, parameters and pure functions of them */
export function isRuntimeConstant(e: BoundExpr): boolean {
  switch (e.kind) {
    case 'const': case 'param': return true
    case 'cast': return isRuntimeConstant(e.expr)
    case 'call': return e.fn.volatility !== 'volatile' && e.args.every(isRuntimeConstant)
    default: return false
  }
}

/** the index ranges with the values computed now; null when one cannot be computed */
function evaluateRanges(access: Omit<IndexAccess, 'estimate'>, index: TableIndex, scan: ScanNode, env: ExprEnv): IndexRange[] | null {
  try {
    const keyTypes = index.columns.map(c => scan.table.columns[c]!.type)
    return indexRanges(access, keyTypes, e => probeExpressionValue(e, env.params, x => evaluateConstant(x, env)))
  } catch {
    return null
  }
}

/**
 * For a plan kept for many executions (a prepared statement's): one check per scan whose index
 * choice depends on the values of the moment, each true while that choice still holds for the
 * new ones — the index still finds few rows, or the plain scan still has no index that would.
 * A full-key equality on a unique index finds at most one row whatever the values: no check.
 */
export function indexChoiceChecks(plan: LogicalPlan): ((ctx: OptimizerContext) => boolean)[] {
  const checks: ((ctx: OptimizerContext) => boolean)[] = []
  rewriteEveryNode(plan, node => {
    if (node.kind === 'scan' && node.index !== undefined) {
      const access = node.index
      const single = access.index.unique && access.equal.length === access.index.columns.length && access.anyOf === undefined
      if (!single) checks.push(ctx => stillFew(node, access, ctx))
    } else if (node.kind === 'scan' && node.filters.length > 0 && mentionsParameter(node.filters)) {
      const conjuncts = node.filters.flatMap(f => splitConjuncts(f))
      checks.push(ctx => chooseIndex(node, conjuncts, ctx) === null)
    } else if (node.kind === 'filter' && node.input.kind === 'scan' && node.input.index === undefined && mentionsParameter([node.predicate, ...node.input.filters])) {
      const scan = node.input
      const conjuncts = [...splitConjuncts(node.predicate), ...scan.filters.flatMap(f => splitConjuncts(f))]
      checks.push(ctx => chooseIndex(scan, conjuncts, ctx) === null)
    }
    return node
  })
  return checks
}

function stillFew(scan: ScanNode, access: IndexAccess, ctx: OptimizerContext): boolean {
  const ranges = evaluateRanges(access, access.index, scan, ctx.env)
  if (ranges === null) return false
  const limit = Math.max(1, Math.floor(scan.table.provider.estimatedRows(ctx.txn) * MAX_INDEX_FRACTION))
  let estimate = 0
  for (const range of ranges) {
    estimate += access.index.instance.count(range, limit + 1 - estimate)
    if (estimate > limit) return false
  }
  return true
}

function mentionsParameter(es: readonly BoundExpr[]): boolean {
  const has = (e: BoundExpr): boolean => e.kind === 'param' || exprChildren(e).some(has)
  return es.some(has)
}
