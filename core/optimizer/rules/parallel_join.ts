/**
 * parallel_join: marks an aggregate over scan → filters → inner / semi / anti hash joins → projections
 * (optimizer/parallel-join-fragment.ts) to run on `threads` threads: the build sides run first
 * on the calling thread into shared memory, and the threads probe them with the scanned table's
 * morsels. The bounds are those of parallel_aggregate, plus one for the build sides: together
 * they are estimated at most as large as the probed table — the probes are what the threads
 * share, and a build side as large as the probe side leaves them little to share (it would
 * also have to fit in memory at once, where the serial hash join can spill). A group key
 * from a build side counts that side's distinct values.
 */
import type { OptimizerRule } from '../index.ts'
import type { Transaction } from '../../catalog/catalog.ts'
import type { ColumnId } from '../../plan/expr.ts'
import type { LogicalPlan } from '../../plan/logical.ts'
import { rewriteEveryNode } from '../plan-util.ts'
import { MORSEL_ROWS, inMorselOrder } from '../parallel-fragment.ts'
import { parallelJoinFragment } from '../parallel-join-fragment.ts'
import { baseDistinct } from '../column-stats.ts'
import { estimateRows } from '../cardinality.ts'
import { tooManyGroups } from './parallel_aggregate.ts'

export const parallelJoin: OptimizerRule = {
  name: 'parallel_join',
  rewrite(plan, ctx) {
    const threads = Number(ctx.env.fnCtx.setting('threads') ?? 1)
    if (!(threads >= 1)) return undefined
    return rewriteEveryNode(plan, node => {
      if (node.kind !== 'aggregate' || node.parallel !== undefined) return node
      const f = parallelJoinFragment(node)
      if (f === null) return node
      const rows = f.table.estimatedRows(ctx.txn)
      if (rows <= 2 * MORSEL_ROWS) return node
      if (threads === 1 && !inMorselOrder(f)) return node
      let buildRows = 0
      for (const j of f.joins) buildRows += estimateRows(j.node.right, ctx.txn)
      if (buildRows > rows) return node
      if (tooManyGroups(node.groups[0], threads, rows, id => distinctOf(node.input, id, ctx.txn))) return node
      return { ...node, parallel: threads }
    })
  },
}

/** a column's distinct values, traced through joins to the side that produces it (at most that side's rows) */
function distinctOf(p: LogicalPlan, id: ColumnId, txn: Transaction): number | undefined {
  switch (p.kind) {
    case 'filter': return distinctOf(p.input, id, txn)
    case 'project': {
      const e = p.exprs[p.output.findIndex(c => c.id === id)]
      return e?.kind === 'colref' ? distinctOf(p.input, e.id, txn) : undefined
    }
    case 'join': {
      const side = p.left.output.some(c => c.id === id) ? p.left : p.right
      const d = distinctOf(side, id, txn)
      const most = estimateRows(side, txn)
      return d === undefined ? most : Math.min(d, most)
    }
    default: return baseDistinct(p, id, txn)
  }
}
