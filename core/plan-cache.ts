/**
 * The plan a prepared statement keeps between executions: bound and optimized once, then run
 * with each execution's parameter values (which the plan reads when it runs). It is planned
 * again when
 * - the catalog or a setting changed since (Database.catalogVersion: DDL, SET, COMMIT /
 *   ROLLBACK, … by any session);
 * - the parameters' types differ (the binder types expressions by them);
 * - an index choice made with the earlier values does not hold for the new ones
 *   (optimizer/rules/index_scan.ts, indexChoiceChecks).
 * Plans that read table functions (files, generators) are not kept: their reader is set up
 * from what it found when the statement was bound.
 */
import type { BoundStatement } from './binder/index.ts'
import type { OptimizerContext } from './optimizer/index.ts'
import { rewriteEveryNode } from './optimizer/plan-util.ts'
import { indexChoiceChecks } from './optimizer/rules/index_scan.ts'
import type { LogicalPlan } from './plan/logical.ts'
import { isStringLiteral } from './types/coercion.ts'
import { type LogicalType, typeToString } from './types/types.ts'

type QueryStatement = Extract<BoundStatement, { kind: 'query' }>

interface Entry {
  readonly version: number
  /** the parameter types it was planned for, and their key (types equal in value but not identity compare by it) */
  readonly types: readonly LogicalType[]
  readonly key: string
  readonly bound: QueryStatement
  readonly plan: LogicalPlan
  readonly checks: readonly ((ctx: OptimizerContext) => boolean)[]
}

export class PlanCache {
  private entry: Entry | null = null
  /** how many executions planned afresh (tests read it) */
  misses = 0

  /** the kept plan when it is still valid for this catalog version and these parameter types; its `checks` must then hold for the values (checksHold) */
  lookup(version: number, types: readonly LogicalType[]): Entry | null {
    const e = this.entry
    if (e === null || e.version !== version || !(sameTypes(e.types, types) || e.key === parameterKey(types))) return null
    return e
  }

  /** true when the index choices `entry` made hold for the parameter values in `ctx` */
  static checksHold(entry: Entry, ctx: OptimizerContext): boolean {
    for (const check of entry.checks) if (!check(ctx)) return false
    return true
  }

  /** keeps `plan` (the optimized plan of `bound`) unless it cannot be reused */
  store(version: number, types: readonly LogicalType[], bound: QueryStatement, plan: LogicalPlan): void {
    this.misses++
    this.entry = reusable(plan) ? { version, types, key: parameterKey(types), bound, plan, checks: indexChoiceChecks(plan) } : null
  }

  clear(): void { this.entry = null }
}

/** the same type objects (a number parameter binds to the one INTEGER): no key to build */
function sameTypes(a: readonly LogicalType[], b: readonly LogicalType[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function parameterKey(types: readonly LogicalType[]): string {
  let key = ''
  // an untyped string binds differently from a VARCHAR value, though both print as VARCHAR
  for (const t of types) key += (isStringLiteral(t) ? "'" : typeToString(t)) + ','
  return key
}

function reusable(plan: LogicalPlan): boolean {
  let ok = true
  rewriteEveryNode(plan, node => { if (node.kind === 'table_function') ok = false; return node })
  return ok
}
