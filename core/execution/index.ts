/**
 * The vectorized executor: runs a bound, optimized LogicalPlan over DataChunks and renders the
 * physical operator tree for EXPLAIN [ANALYZE].
 */
import type { LogicalPlan } from '../plan/logical.ts'
import type { DataChunk } from '../vector/vector.ts'
import { type ExecutionContext, Frame, type OuterValue, type PlanProfile, Runtime } from './operator.ts'
import type { ColumnId } from '../plan/expr.ts'
import { buildOperator } from './planner.ts'
import { evaluateSubquery } from './subquery.ts'
import { pointLookupOf, runPointLookup } from './point-lookup.ts'
import { directInsertOf, runDirectInsert } from './direct-insert.ts'

export type { ExecutionContext, OperatorProfile, PlanProfile } from './operator.ts'
export { DEFAULT_MAX_RECURSION_DEPTH } from './operator.ts'

/** a top-level plan sees no outer columns (Frame never changes the map it is given) */
const NO_OUTER: ReadonlyMap<ColumnId, OuterValue> = new Map()

export function executePlan(plan: LogicalPlan, ctx: ExecutionContext): { chunks: DataChunk[]; profile: PlanProfile | null } {
  if (!ctx.profile) {
    const lookup = pointLookupOf(plan)
    const chunks = lookup === null ? null : runPointLookup(lookup, ctx)
    if (chunks !== null) return { chunks, profile: null }
    const insert = lookup === null ? directInsertOf(plan) : null
    const inserted = insert === null ? null : runDirectInsert(insert, ctx)
    if (inserted !== null) return { chunks: inserted, profile: null }
  }
  const runtime = new Runtime(ctx, evaluateSubquery)
  runtime.build = buildOperator
  const frame = new Frame(runtime, NO_OUTER, evaluateSubquery)
  const t0 = performance.now()
  const chunks: DataChunk[] = []
  let root: ReturnType<typeof buildOperator>
  try {
    root = buildOperator(plan, frame)
    for (let c = root.next(); c !== null; c = root.next()) chunks.push(c)
  } finally {
    runtime.releaseMemory()
  }
  const totalMs = performance.now() - t0
  return { chunks, profile: ctx.profile ? { root: root.profile(), totalMs } : null }
}

export { explainPlan } from './explain.ts'
