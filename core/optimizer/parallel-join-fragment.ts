/**
 * Fragments with hash-join probes: scan → filters → inner / semi / anti hash joins → projections →
 * aggregate, where the scan (the left input at every join) is the big in-memory table the
 * threads read in morsels, and each join's right input is a build side of any shape that runs
 * first on the calling thread. A join qualifies when one conjunct of its condition is `probe =
 * build column` on an integer / DATE key (the build side's hash key); an inner join's other
 * conjuncts are filters on the joined rows, a semi or anti join has none. Above the joins only the
 * build sides' numeric columns can be read (they are copied into shared arrays); everything
 * else is as in parallel-fragment.ts. Each conjunct is placed at the lowest join whose build
 * columns it needs, so the probe rows a filter rejects are never looked up.
 */
import type { AggregateNode, JoinNode, LogicalPlan } from '../plan/logical.ts'
import { planChildren } from '../plan/logical.ts'
import { type BoundExpr, type ColumnId, referencedColumns } from '../plan/expr.ts'
import { physicalOf, typeEquals } from '../types/types.ts'
import { MemoryTable } from '../catalog/memory-table.ts'
import {
  aggregateOf, type FragmentAggregate, type FragmentJoin, fragmentChain, numeric, type ParallelFragment, supported,
} from './parallel-fragment.ts'
import { conjunction, containsVolatile, nodeExpressions, splitConjuncts } from './plan-util.ts'

/** hash keys the shared table holds: 32-bit integers */
const KEY_PHYSICAL = new Set(['i8', 'i16', 'i32', 'date'])

/** a build side runs once, before the probes: nothing in it may give another answer the second time (the serial fallback) */
function stablePlan(p: LogicalPlan): boolean {
  return !nodeExpressions(p).some(containsVolatile) && planChildren(p).every(stablePlan)
}

const probeable = (j: JoinNode): boolean =>
  (j.joinType === 'inner' || j.joinType === 'semi' || j.joinType === 'anti') && !j.lateral && j.indexJoin === undefined && stablePlan(j.right)

/** the fragment under `node` when it probes at least one hash join, else null */
export function parallelJoinFragment(node: AggregateNode): ParallelFragment | null {
  if (node.groupingSets !== null || node.groupingIdColumn !== null || node.groups.length > 1) return null
  const chain = fragmentChain(node, probeable)
  const p = chain.bottom
  if (chain.joins.length === 0 || p.kind !== 'scan' || p.index !== undefined || p.nearest !== undefined) return null
  const table = p.table.provider
  if (!(table instanceof MemoryTable)) return null
  const scan = p
  const joins = [...chain.joins].reverse()
  // the level that makes a column available: 0 = the scan, b + 1 = join b's build side
  const levelOf = new Map<ColumnId, number>()
  scan.output.forEach(c => levelOf.set(c.id, 0))
  joins.forEach((j, b) => { if (j.node.joinType === 'inner') j.node.right.output.forEach(c => levelOf.set(c.id, b + 1)) })
  const layout = new Map<ColumnId, number>()
  const columns: number[] = []
  const payload = new Map<ColumnId, readonly [number, number]>()
  const payloads: number[][] = joins.map(() => [])
  const input = (id: ColumnId): boolean => {
    if (layout.has(id) || payload.has(id)) return true
    const level = levelOf.get(id)
    if (level === undefined) return false
    if (level === 0) {
      const k = scan.output.findIndex(c => c.id === id)
      const column = scan.columns[k]
      if (column === undefined || column < 0 || !numeric(scan.output[k]!.type)) return false
      layout.set(id, columns.length)
      columns.push(column)
      return true
    }
    const right = joins[level - 1]!.node.right
    const k = right.output.findIndex(c => c.id === id)
    if (k < 0 || !numeric(right.output[k]!.type)) return false
    payload.set(id, [level - 1, payloads[level - 1]!.length])
    payloads[level - 1]!.push(k)
    return true
  }
  const ok = (e: BoundExpr): boolean => supported(e, input)
  const levelOfExpr = (e: BoundExpr): number => {
    let l = 0
    for (const id of referencedColumns(e)) l = Math.max(l, levelOf.get(id) ?? Infinity)
    return l
  }
  const byLevel: BoundExpr[][] = Array.from({ length: joins.length + 1 }, () => [])
  const place = (e: BoundExpr): boolean => {
    const l = levelOfExpr(e)
    if (!Number.isFinite(l) || !ok(e)) return false
    byLevel[l]!.push(e)
    return true
  }
  for (const c of [...scan.filters, ...chain.conjuncts]) if (!place(c)) return null
  const keys: { readonly probe: BoundExpr; readonly build: number }[] = []
  for (const [b, j] of joins.entries()) {
    const right = j.node.right
    const parts = splitConjuncts(j.condition)
    // of several key equalities, the one probed with the scan's own columns (TPC-H Q05's
    // l_suppkey = s_suppkey rather than c_nationkey = s_nationkey, 25 values with long chains)
    let chosen = -1, best: { readonly probe: BoundExpr; readonly build: number; readonly level: number } | null = null
    for (const [x, c] of parts.entries()) {
      if (c.kind !== 'compare' || c.op !== '=') continue
      for (const [probe, build] of [[c.left, c.right], [c.right, c.left]] as const) {
        if (build.kind !== 'colref') continue
        const k = right.output.findIndex(o => o.id === build.id)
        if (k < 0 || !KEY_PHYSICAL.has(physicalOf(build.type)) || !typeEquals(probe.type, build.type)) continue
        const level = levelOfExpr(probe)
        if (level > b || (best !== null && level >= best.level) || !ok(probe)) continue
        best = { probe, build: k, level }
        chosen = x
      }
    }
    if (best === null) return null
    keys.push(best)
    const rest = parts.filter((_, x) => x !== chosen)
    if (j.node.joinType !== 'inner' && rest.length > 0) return null
    for (const c of rest) if (!place(c)) return null
  }
  let key: BoundExpr | null = null
  if (node.groups.length === 1) {
    key = chain.resolve(node.groups[0]!)
    if (!KEY_PHYSICAL.has(physicalOf(key.type)) || !ok(key)) return null
  }
  const aggregates: FragmentAggregate[] = []
  for (const call of node.aggregates) {
    const a = aggregateOf(call, chain.resolve, key === null)
    if (a === null || (a.arg !== null && !ok(a.arg)) || (a.filter !== null && !ok(a.filter))) return null
    aggregates.push(a)
  }
  const fragmentJoins: FragmentJoin[] = joins.map((j, b) => ({
    node: j.node,
    kind: j.node.joinType === 'inner' ? 'inner' : j.node.joinType === 'semi' ? 'semi' : 'anti',
    probeKey: keys[b]!.probe,
    buildKey: keys[b]!.build,
    payload: payloads[b]!,
    predicate: conjunction(byLevel[b + 1]!),
  }))
  return { table, columns, layout, predicate: conjunction(byLevel[0]!), key, aggregates, joins: fragmentJoins, payload }
}

/** for EXPLAIN: the probed table and each build side (its tables and key), '' for a fragment without joins */
export function describeProbes(node: AggregateNode): string {
  const f = parallelJoinFragment(node)
  if (f === null) return ''
  let scan: LogicalPlan = node.input
  while (scan.kind === 'filter' || scan.kind === 'project' || scan.kind === 'join') scan = scan.kind === 'join' ? scan.left : scan.input
  const tables = (p: LogicalPlan): string[] => p.kind === 'scan' ? [p.table.name] : planChildren(p).flatMap(tables)
  const builds = f.joins.map(j => `${j.kind === 'inner' ? '' : `${j.kind} `}${tables(j.node.right).join(' ⋈ ') || 'subquery'} on ${j.node.right.output[j.buildKey]!.name}`)
  return `, probing ${tables(scan).join('')} with build sides ${builds.join(', ')}`
}
