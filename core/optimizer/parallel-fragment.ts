/**
 * Which aggregates worker threads can compute: scan → filters → projections → aggregate over
 * an in-memory table, where every expression reads numeric columns and is one the worker
 * kernel evaluates (core/execution/parallel), every aggregate is count / sum / avg / min / max
 * whose partial states merge exactly, and the grouping is none or one integer / DATE key.
 * Floating-point sums stay serial: adding in another order changes the last bits, and results
 * must be identical whatever the thread count.
 */
import type { AggregateNode, JoinNode, LogicalPlan } from '../plan/logical.ts'
import type { BoundAggregateCall, BoundExpr, ColumnId } from '../plan/expr.ts'
import { DECIMAL_FLOAT_MAX_WIDTH, type LogicalType, physicalOf } from '../types/types.ts'
import { MemoryTable } from '../catalog/memory-table.ts'
import { decimalArithmeticOf } from '../functions/decimal-arith.ts'
import { widening } from '../expression/codegen.ts'
import { substitute } from './plan-util.ts'

/** rows a thread takes at a time: a quarter of a row group, so two threads share even small tables */
export const MORSEL_ROWS = 16384

/** fsum / favg: sum and avg of DOUBLE, added per morsel and then in morsel order (see `inMorselOrder`) */
export type PartialKind = 'count_star' | 'count' | 'sum' | 'avg' | 'fsum' | 'favg' | 'min' | 'max'

export interface FragmentAggregate {
  readonly kind: PartialKind
  /** over the scan's columns (null for count(*)) */
  readonly arg: BoundExpr | null
  readonly filter: BoundExpr | null
  readonly call: BoundAggregateCall
}

export interface ParallelFragment {
  readonly table: MemoryTable
  /** table columns read; the kernel's input k is columns[k] */
  readonly columns: readonly number[]
  /** scan output id → kernel input index */
  readonly layout: ReadonlyMap<ColumnId, number>
  readonly predicate: BoundExpr | null
  /** zero or one key */
  readonly key: BoundExpr | null
  readonly aggregates: readonly FragmentAggregate[]
  /** hash-join probes between the scan and the aggregate, innermost first (parallel-join-fragment.ts) */
  readonly joins: readonly FragmentJoin[]
  /** a build side's column → [join, payload index] (the kernel reads it at the matched build row) */
  readonly payload: ReadonlyMap<ColumnId, readonly [number, number]>
}

/**
 * One inner, semi or anti hash join the threads probe: its build side (the join's right input, any
 * plan) runs first on the calling thread into shared arrays keyed by `buildKey`; `probeKey`
 * is over the scan's columns and earlier joins' payload.
 */
export interface FragmentJoin {
  readonly node: JoinNode
  readonly kind: 'inner' | 'semi' | 'anti'
  readonly probeKey: BoundExpr
  /** index of the key column in the build side's output */
  readonly buildKey: number
  /** build output columns read above the join (indexes into node.right.output), payload j = payload[j] */
  readonly payload: readonly number[]
  /** conjuncts that need this join's payload (and no later one's), or null */
  readonly predicate: BoundExpr | null
}

/** physical types the kernel reads as plain numbers (BIGINT would be bigints, strings are not shared) */
const NUMERIC_PHYSICAL = new Set(['u8', 'i8', 'i16', 'i32', 'date', 'f64'])
const SMALL_INTEGERS = new Set(['TINYINT', 'SMALLINT', 'INTEGER'])

export const numeric = (t: LogicalType): boolean => NUMERIC_PHYSICAL.has(physicalOf(t)) && t.id !== 'REAL'
/** scaled-integer types the kernel keeps exactly in doubles (checked against 2^53 as it goes) */
const exact = (t: LogicalType): boolean => SMALL_INTEGERS.has(t.id) || t.id === 'DECIMAL'

/**
 * Whether the fragment adds DOUBLEs. Those sums depend on the order of the additions, so they
 * are added per morsel (fixed row ranges) and the morsels' sums in morsel order: the same
 * additions whatever the number of threads. To give the same result with one thread, such a
 * fragment runs through the kernel even then (on the calling thread alone).
 */
export function inMorselOrder(f: ParallelFragment): boolean {
  return f.aggregates.some(a => a.kind === 'fsum' || a.kind === 'favg')
}

/** a join met on the way down, its condition over the ids below the projections above it */
export interface ChainJoin { readonly node: JoinNode; readonly condition: BoundExpr }

/**
 * The filters, projections and (where `probe` accepts them) joins' left inputs under the
 * aggregate, down to the first other node: the filters' conjuncts and join conditions with the
 * projections above them substituted, and `resolve` for expressions over the aggregate's input.
 */
export function fragmentChain(node: AggregateNode, probe: (j: JoinNode) => boolean): {
  readonly conjuncts: readonly BoundExpr[]; readonly resolve: (e: BoundExpr) => BoundExpr; readonly bottom: LogicalPlan; readonly joins: readonly ChainJoin[]
} {
  // projections met on the way down, top first; a filter's predicate is over the input of those above it
  const maps: Map<ColumnId, BoundExpr>[] = []
  const found: { readonly e: BoundExpr; readonly level: number }[] = []
  const joins: { readonly node: JoinNode; readonly level: number }[] = []
  let p: LogicalPlan = node.input
  for (;;) {
    if (p.kind === 'filter') { found.push({ e: p.predicate, level: maps.length }); p = p.input; continue }
    if (p.kind === 'project') {
      const m = new Map<ColumnId, BoundExpr>()
      p.exprs.forEach((e, i) => m.set(p.output[i]!.id, e))
      maps.push(m)
      p = p.input
      continue
    }
    if (p.kind === 'join' && p.condition !== null && probe(p)) { joins.push({ node: p, level: maps.length }); p = p.left; continue }
    break
  }
  const through = (e: BoundExpr, level: number): BoundExpr => maps.slice(level).reduce((x, m) => substitute(x, m), e)
  return {
    conjuncts: found.map(f => through(f.e, f.level)),
    resolve: e => through(e, 0),
    bottom: p,
    joins: joins.map(j => ({ node: j.node, condition: through(j.node.condition!, j.level) })),
  }
}

/** the fragment under `node`, or null when some part of it must run on the calling thread */
export function parallelFragment(node: AggregateNode): ParallelFragment | null {
  if (node.groupingSets !== null || node.groupingIdColumn !== null || node.groups.length > 1) return null
  const { conjuncts, resolve, bottom: p, joins } = fragmentChain(node, () => false)
  if (joins.length > 0 || p.kind !== 'scan' || p.index !== undefined || p.nearest !== undefined) return null
  const table = p.table.provider
  if (!(table instanceof MemoryTable)) return null
  const scan = p
  const layout = new Map<ColumnId, number>()
  const columns: number[] = []
  const input = (id: ColumnId): boolean => {
    if (layout.has(id)) return true
    const k = scan.output.findIndex(c => c.id === id)
    const column = scan.columns[k]
    if (k < 0 || column === undefined || column < 0 || !numeric(scan.output[k]!.type)) return false
    layout.set(id, columns.length)
    columns.push(column)
    return true
  }
  const ok = (e: BoundExpr): boolean => supported(e, input)
  const predicateParts = [...scan.filters, ...conjuncts]
  if (!predicateParts.every(ok)) return null
  const predicate = predicateParts.length === 0 ? null
    : predicateParts.length === 1 ? predicateParts[0]! : { kind: 'and', args: predicateParts, type: { id: 'BOOLEAN' } } as BoundExpr
  let key: BoundExpr | null = null
  if (node.groups.length === 1) {
    key = resolve(node.groups[0]!)
    const kp = physicalOf(key.type)
    if (!(kp === 'i8' || kp === 'i16' || kp === 'i32' || kp === 'date') || !ok(key)) return null
  }
  const aggregates: FragmentAggregate[] = []
  for (const call of node.aggregates) {
    const a = aggregateOf(call, resolve, key === null)
    if (a === null || (a.arg !== null && !ok(a.arg)) || (a.filter !== null && !ok(a.filter))) return null
    aggregates.push(a)
  }
  return { table, columns, layout, predicate, key, aggregates, joins: [], payload: new Map() }
}

export function aggregateOf(call: BoundAggregateCall, resolve: (e: BoundExpr) => BoundExpr, ungrouped: boolean): FragmentAggregate | null {
  if (call.distinct || call.orderBy.length > 0) return null
  const filter = call.filter === null ? null : resolve(call.filter)
  const name = call.fn.name
  if (name === 'count_star' || (name === 'count' && call.args.length === 0)) return { kind: 'count_star', arg: null, filter, call }
  if (call.args.length !== 1) return null
  const arg = resolve(call.args[0]!)
  const t = arg.type
  switch (name) {
    case 'count': return { kind: 'count', arg, filter, call }
    case 'sum':
      if (t.id === 'DOUBLE') return ungrouped && call.type.id === 'DOUBLE' ? { kind: 'fsum', arg, filter, call } : null
      // exact sums only: BIGINT for small integers, DECIMAL(38, s) for DECIMAL(w, s)
      if (!exact(t)) return null
      if (t.id === 'DECIMAL' ? call.type.id !== 'DECIMAL' || call.type.scale !== t.scale : call.type.id !== 'BIGINT') return null
      return { kind: 'sum', arg, filter, call }
    case 'avg':
      if (t.id === 'DOUBLE') return ungrouped && call.type.id === 'DOUBLE' ? { kind: 'favg', arg, filter, call } : null
      return exact(t) && call.type.id === 'DOUBLE' ? { kind: 'avg', arg, filter, call } : null
    case 'min': case 'max': {
      const p = physicalOf(t)
      const narrow = p === 'i8' || p === 'i16' || p === 'i32' || p === 'date' || (t.id === 'DECIMAL' && t.width <= DECIMAL_FLOAT_MAX_WIDTH)
      return narrow && call.type.id === t.id ? { kind: name, arg, filter, call } : null
    }
    default: return null
  }
}

/** whether the worker kernel evaluates `e`; `input` registers a scan column it reads */
export function supported(e: BoundExpr, input: (id: ColumnId) => boolean): boolean {
  const s = (x: BoundExpr): boolean => supported(x, input)
  switch (e.kind) {
    case 'colref': return input(e.id)
    case 'const': case 'param': return numeric(e.type) || e.type.id === 'NULL'
    case 'compare': return numeric(e.left.type) && s(e.left) && s(e.right)
    case 'and': case 'or': return e.args.every(s)
    case 'not': return s(e.arg)
    case 'is_null': return s(e.arg)
    case 'in_list': return numeric(e.arg.type) && s(e.arg) && e.list.every(x => (x.kind === 'const' || x.kind === 'param') && s(x))
    case 'cast': {
      if (e.try || !s(e.expr)) return false
      const from = e.expr.type, to = e.type
      if (from.id === 'DECIMAL' && to.id === 'DECIMAL') return to.scale >= from.scale
      return widening(from, to) !== undefined && (numeric(to) || to.id === 'DECIMAL')
    }
    case 'call': {
      if (e.fn.nulls !== 'propagate' || !e.args.every(s)) return false
      if (decimalArithmeticOf(e.fn) !== undefined) {
        const d = decimalArithmeticOf(e.fn)!
        return d.op !== '*' || d.returns.scale === d.left.scale + d.right.scale
      }
      const [a, b] = e.args
      if (a === undefined || b === undefined || e.args.length !== 2) return false
      if ((e.fn.name === '+' || e.fn.name === '-' || e.fn.name === '*') && SMALL_INTEGERS.has(e.type.id)) {
        return a.type.id === e.type.id && b.type.id === e.type.id
      }
      return e.fn.inline !== undefined && e.type.id === 'DOUBLE' && a.type.id === 'DOUBLE' && b.type.id === 'DOUBLE'
    }
    case 'case': case 'subquery': return false
  }
}
