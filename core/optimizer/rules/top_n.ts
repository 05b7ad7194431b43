/**
 * top_n: ORDER BY … LIMIT n becomes one TopN node, which keeps only n (+ offset) rows in a heap
 * instead of sorting everything. A projection between the two is looked through (it maps rows
 * one to one), with the TopN placed under it.
 */
import type { LogicalPlan, LimitNode, SortNode } from '../../plan/logical.ts'
import type { OptimizerRule } from '../index.ts'
import { containsVolatile, rewriteEveryNode } from '../plan-util.ts'

export const topN: OptimizerRule = {
  name: 'top_n',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    return rewriteEveryNode(plan, rewriteNode)
  },
}

function fromSort(limit: LimitNode, sort: SortNode): LogicalPlan {
  return { kind: 'top_n', input: sort.input, keys: sort.keys, limit: limit.limit!, offset: limit.offset, output: sort.output }
}

function rewriteNode(node: LogicalPlan): LogicalPlan {
  // a percentage needs the whole input's count first: no top-N for it
  if (node.kind !== 'limit' || node.limit === null || node.percent === true) return node
  const child = node.input
  if (child.kind === 'sort') return fromSort(node, child)
  if (child.kind === 'project' && child.input.kind === 'sort') {
    const volatile = child.exprs.some(containsVolatile)
    if (!volatile) return { ...child, input: fromSort(node, child.input) }
  }
  return node
}
