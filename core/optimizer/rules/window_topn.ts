/**
 * window_topn: a filter `n <= k`, `n < k` or `n = 1` (either side, k a constant) on the number a
 * window's only call gives — row_number(), rank() or dense_rank() — marks the window with
 * `topK`, so its operator keeps per partition just the rows that can be numbered ≤ k instead of
 * numbering (and sorting and gathering) every row (H2O's "largest two per group"). The filter
 * stays: the window still numbers the rows it keeps exactly as over all rows, and the filter
 * drops the extra peers rank / dense_rank may keep.
 */
import type { BoundExpr, BoundWindowCall, ColumnId, CompareOp } from '../../plan/expr.ts'
import type { LogicalPlan, WindowNode } from '../../plan/logical.ts'
import type { OptimizerRule } from '../index.ts'
import { MIRRORED } from './constant_folding.ts'
import { rewriteEveryNode, splitConjuncts } from '../plan-util.ts'

export const windowTopN: OptimizerRule = {
  name: 'window_topn',
  rewrite(plan: LogicalPlan): LogicalPlan | undefined {
    return rewriteEveryNode(plan, rewriteNode)
  },
}

function rewriteNode(node: LogicalPlan): LogicalPlan {
  if (node.kind !== 'filter' || node.input.kind !== 'window') return node
  const win = node.input
  const call = win.windows[0]
  if (win.windows.length !== 1 || call === undefined || rankingKind(call) === null) return node
  const numberId = win.output[win.output.length - 1]!.id
  let k: number | null = null
  for (const c of splitConjuncts(node.predicate)) {
    const bound = boundOf(c, numberId)
    if (bound !== null && (k === null || bound < k)) k = bound
  }
  if (k === null || k < 1 || (win.topK !== undefined && win.topK <= k)) return node
  const marked: WindowNode = { ...win, topK: k }
  return { ...node, input: marked }
}

/** The largest number `c` lets through when it compares the numbering column with a constant. */
function boundOf(c: BoundExpr, id: ColumnId): number | null {
  if (c.kind !== 'compare') return null
  let op: CompareOp = c.op, value: BoundExpr = c.right
  if (!isColumn(c.left, id)) {
    if (!isColumn(c.right, id)) return null
    value = c.left
    op = MIRRORED[op]
  }
  if (value.kind !== 'const' || value.value === null) return null
  const raw = typeof value.value === 'bigint' ? Number(value.value) : value.value
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return null
  // DECIMAL constants are scaled integers
  const v = value.type.id === 'DECIMAL' ? raw / 10 ** value.type.scale : raw
  switch (op) {
    case '<=': return Math.floor(v)
    case '<': return Math.ceil(v) - 1
    // n = 1 keeps the first rows only; n = 3 would need rows 1..2 numbered too, which they are
    case '=': return Number.isInteger(v) ? v : null
    default: return null
  }
}

function isColumn(e: BoundExpr, id: ColumnId): boolean {
  // the numbering column may arrive cast for a fractional constant; casts that could fail on the
  // rows the top-k drops (too narrow for any BIGINT) are left alone
  const widening = e.kind === 'cast' && (e.type.id === 'DOUBLE' || (e.type.id === 'DECIMAL' && e.type.width - e.type.scale >= 19))
  const inner = widening ? e.expr : e
  return inner.kind === 'colref' && inner.id === id
}
export type RankingKind = 'row_number' | 'rank' | 'dense_rank'

/** The numbering the call makes when the top-k selection applies to it, else null. */
export function rankingKind(call: BoundWindowCall): RankingKind | null {
  if (call.fn.kind !== 'window') return null
  const name = call.fn.window.name
  return name === 'row_number' || name === 'rank' || name === 'dense_rank' ? name : null
}

