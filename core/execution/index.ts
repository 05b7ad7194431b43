/**
 * The vectorized executor: runs a bound, optimized LogicalPlan over DataChunks and renders the
 * physical operator tree for EXPLAIN [ANALYZE].
 */
import type { LogicalPlan } from '../plan/logical.ts'
import { planChildren } from '../plan/logical.ts'
import type { DataChunk } from '../vector/vector.ts'
import { type ExecutionContext, Frame, type OperatorProfile, type PlanProfile, Runtime } from './operator.ts'
import { buildOperator, physicalName } from './planner.ts'
import { evaluateSubquery } from './subquery.ts'

export type { ExecutionContext, OperatorProfile, PlanProfile } from './operator.ts'
export { DEFAULT_MAX_RECURSION_DEPTH } from './operator.ts'

export function executePlan(plan: LogicalPlan, ctx: ExecutionContext): { chunks: DataChunk[]; profile: PlanProfile | null } {
  const runtime = new Runtime(ctx)
  runtime.build = buildOperator
  const frame = new Frame(runtime, new Map(), evaluateSubquery)
  const t0 = performance.now()
  const root = buildOperator(plan, frame)
  const chunks: DataChunk[] = []
  for (let c = root.next(); c !== null; c = root.next()) chunks.push(c)
  const totalMs = performance.now() - t0
  return { chunks, profile: ctx.profile ? { root: root.profile(), totalMs } : null }
}

/** The physical operator tree; with a profile, rows and milliseconds (inclusive of children) per operator. */
export function explainPlan(plan: LogicalPlan, profile: PlanProfile | null): string {
  const lines: string[] = []
  if (profile !== null) {
    const walk = (p: OperatorProfile, depth: number): void => {
      const detail = p.detail === '' ? '' : ` ${p.detail}`
      lines.push(`${'  '.repeat(depth)}${p.name}${detail} (rows=${p.rows}, time=${p.ms.toFixed(3)} ms)`)
      for (const c of p.children) walk(c, depth + 1)
    }
    walk(profile.root, 0)
    lines.push(`Total time: ${profile.totalMs.toFixed(3)} ms`)
    return lines.join('\n')
  }
  const walk = (p: LogicalPlan, depth: number): void => {
    const detail = describe(p)
    lines.push(`${'  '.repeat(depth)}${physicalName(p)}${detail === '' ? '' : ` ${detail}`}`)
    for (const c of planChildren(p)) walk(c, depth + 1)
  }
  walk(plan, 0)
  return lines.join('\n')
}

function describe(p: LogicalPlan): string {
  switch (p.kind) {
    case 'scan': {
      const cols = p.columns.map(c => c < 0 ? 'rowid' : p.table.columns[c]?.name ?? `#${c}`)
      return `${p.table.name} [${cols.join(', ')}]${p.filters.length > 0 ? ` filters: ${p.filters.length}` : ''}`
    }
    case 'join': return p.joinType
    case 'aggregate': return `groups: ${p.groups.length}, aggregates: ${p.aggregates.map(a => a.fn.name).join(', ')}`
    case 'window': return p.windows.map(w => w.fn.kind === 'window' ? w.fn.window.name : w.fn.aggregate.fn.name).join(', ')
    case 'sort': case 'top_n': return `${p.keys.length} key(s)`
    case 'table_function': return p.name
    case 'cte': case 'cte_ref': case 'recursive_cte': return p.name
    case 'insert': case 'update': case 'delete': return p.table.name
    default: return ''
  }
}
