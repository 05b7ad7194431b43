/**
 * cte_estimates: a scan of a materialised CTE gets the row estimate of the CTE's definition, so
 * join ordering sizes it as it would the inlined query (instead of a fixed guess).
 */
import type { LogicalPlan } from '../../plan/logical.ts'
import { estimateRows } from '../cardinality.ts'
import type { OptimizerContext, OptimizerRule } from '../index.ts'
import { rewriteEveryNode } from '../plan-util.ts'

export const cteEstimates: OptimizerRule = {
  name: 'cte_estimates',
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined {
    const rows = new Map<number, number>()
    // bottom-up: a definition reading an earlier CTE is estimated after that one's scans were
    rewriteEveryNode(plan, node => {
      if (node.kind === 'cte') rows.set(node.cteId, estimateRows(node.definition, ctx.txn))
      return node
    })
    if (rows.size === 0) return undefined
    return rewriteEveryNode(plan, node => {
      if (node.kind !== 'cte_ref') return node
      const estimate = rows.get(node.cteId)
      return estimate === undefined || estimate === node.estimatedRows ? node : { ...node, estimatedRows: estimate }
    })
  },
}
