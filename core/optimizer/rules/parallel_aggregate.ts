/**
 * parallel_aggregate: marks an aggregate whose scan → filter → project → aggregate fragment
 * worker threads can compute (optimizer/parallel-fragment.ts) to run on `threads` threads, when
 * the table holds more than two morsels; smaller tables do not repay the hand-over. With one
 * thread only fragments that add DOUBLEs take it, so their sums are the same for every setting.
 * A key with many distinct values stays serial: every thread then builds most of the groups and
 * merging them costs more than the scan saves (TPC-H Q18's 1.5M order keys over 6M rows ran
 * twice as slow on two threads).
 */
import type { OptimizerRule } from '../index.ts'
import { containsVolatile, rewriteEveryNode } from '../plan-util.ts'
import { referencedColumns, type BoundExpr, type ColumnId } from '../../plan/expr.ts'
import { MORSEL_ROWS, inMorselOrder, parallelFragment } from '../parallel-fragment.ts'
import { baseDistinct } from '../column-stats.ts'

/** merging partial groups must stay small beside the rows: groups × threads at most rows / 8 */
export const ROWS_PER_MERGED_GROUP = 8

export const parallelAggregate: OptimizerRule = {
  name: 'parallel_aggregate',
  rewrite(plan, ctx) {
    const threads = Number(ctx.env.fnCtx.setting('threads') ?? 1)
    if (!(threads >= 1)) return undefined
    return rewriteEveryNode(plan, node => {
      if (node.kind !== 'aggregate' || node.parallel !== undefined) return node
      const f = parallelFragment(node)
      if (f === null) return node
      const rows = f.table.estimatedRows(ctx.txn)
      if (rows <= 2 * MORSEL_ROWS) return node
      if (threads === 1 && !inMorselOrder(f)) return node
      if (tooManyGroups(node.groups[0], threads, rows, id => baseDistinct(node.input, id, ctx.txn))) return node
      return { ...node, parallel: threads }
    })
  },
}

/**
 * Whether grouping by `key` (the first group key, if any) would make merging the threads' partial
 * groups cost more than splitting the scan saves: groups × threads over rows / 8. A key computed
 * from one column has at most that column's distinct values (`distinct`); anything else unknown
 * is taken as the worst case, one group per row.
 */
export function tooManyGroups(key: BoundExpr | undefined, threads: number, rows: number, distinct: (id: ColumnId) => number | undefined): boolean {
  if (key === undefined || threads === 1) return false
  const [only, more] = [...referencedColumns(key)]
  const groups = only !== undefined && more === undefined && !containsVolatile(key) ? distinct(only) ?? rows : rows
  return groups * threads > rows / ROWS_PER_MERGED_GROUP
}
