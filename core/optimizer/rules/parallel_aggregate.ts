/**
 * parallel_aggregate: marks an aggregate whose scan → filter → project → aggregate fragment
 * worker threads can compute (optimizer/parallel-fragment.ts) to run on `threads` threads, when
 * the table holds more than two morsels; smaller tables do not repay the hand-over. With one
 * thread only fragments that add DOUBLEs take it, so their sums are the same for every setting.
 */
import type { OptimizerRule } from '../index.ts'
import { rewriteEveryNode } from '../plan-util.ts'
import { MORSEL_ROWS, inMorselOrder, parallelFragment } from '../parallel-fragment.ts'

export const parallelAggregate: OptimizerRule = {
  name: 'parallel_aggregate',
  rewrite(plan, ctx) {
    const threads = Number(ctx.env.fnCtx.setting('threads') ?? 1)
    if (!(threads >= 1)) return undefined
    return rewriteEveryNode(plan, node => {
      if (node.kind !== 'aggregate' || node.parallel !== undefined) return node
      const f = parallelFragment(node)
      if (f === null || f.table.estimatedRows(ctx.txn) <= 2 * MORSEL_ROWS) return node
      if (threads === 1 && !inMorselOrder(f)) return node
      return { ...node, parallel: threads }
    })
  },
}
