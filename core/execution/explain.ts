/**
 * EXPLAIN text for physical operators: one line per operator with the key facts of its
 * logical node; with a profile, the rows and time each operator reported.
 */
import type { LogicalPlan } from '../plan/logical.ts'
import { planChildren } from '../plan/logical.ts'
import type { OperatorProfile, PlanProfile } from './operator.ts'
import { physicalName } from './planner.ts'
import { nodeDetail } from './node-detail.ts'

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
    const detail = nodeDetail(p)
    lines.push(`${'  '.repeat(depth)}${physicalName(p)}${detail === '' ? '' : ` ${detail}`}`)
    for (const c of planChildren(p)) walk(c, depth + 1)
  }
  walk(plan, 0)
  return lines.join('\n')
}

