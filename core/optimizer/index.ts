/**
 * The optimizer: an ordered list of named rules, each a whole-plan rewrite that returns a new
 * plan or undefined for "nothing to do". Any rule can be switched off by name through the
 * `disabled_optimizers` setting. Rules never change the root's output columns.
 */
import { GrizzlyError, InternalError, SqlState, didYouMean } from '../errors.ts'
import type { Transaction } from '../catalog/catalog.ts'
import type { ExprEnv } from '../expression/index.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { sameOutput } from './plan-util.ts'
import { constantFolding } from './rules/constant_folding.ts'
import { cteEstimates } from './rules/cte_estimates.ts'
import { filterPushdown } from './rules/filter_pushdown.ts'
import { semiJoinPushdown } from './rules/semi_join_pushdown.ts'
import { joinOrder } from './rules/join_order.ts'
import { orFactorization } from './rules/or_factorization.ts'
import { projectionPruning } from './rules/projection_pruning.ts'
import { subqueryDecorrelation } from './rules/subquery_decorrelation.ts'
import { topN } from './rules/top_n.ts'
import { windowTopN } from './rules/window_topn.ts'
import { groupKeySemiJoin } from './rules/group_key_semi_join.ts'
import { indexScan } from './rules/index_scan.ts'
import { nearestScan } from './rules/nearest_scan.ts'
import { indexJoin } from './rules/index_join.ts'
import { parallelAggregate } from './rules/parallel_aggregate.ts'
import { parallelJoin } from './rules/parallel_join.ts'
import { pipelinedCalls } from './rules/pipelined_calls.ts'

export interface OptimizerContext {
  readonly env: ExprEnv
  readonly txn: Transaction
  readonly disabled: ReadonlySet<string>
}

export interface OptimizerRule {
  readonly name: string
  rewrite(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan | undefined
}

/**
 * in order: fold first so later rules see simple predicates; turn subqueries into joins before
 * pushing filters into them; factor ORs so pushdown sees their join keys and per-input filters;
 * order joins once filters sit in them
 */
export const rules: readonly OptimizerRule[] = [
  constantFolding,
  subqueryDecorrelation,
  orFactorization,
  filterPushdown,
  semiJoinPushdown,
  // before join_order: a CTE scan is sized by its definition, with the definition's filters in place
  cteEstimates,
  joinOrder,
  projectionPruning,
  // after join_order and pruning: its semi join reads a copy of a join input (same column ids)
  groupKeySemiJoin,
  topN,
  windowTopN,
  // last: they read the filters where pushdown left them; a nearest-neighbour index is chosen
  // first, as the one built for ORDER BY distance LIMIT k
  nearestScan,
  indexScan,
  indexJoin,
  // after index_scan: a scan that reads through an index stays serial
  parallelAggregate,
  parallelJoin,
  // after parallel_aggregate, which it leaves alone: calls that start a chunk ahead (ONNX inference)
  pipelinedCalls,
]

export const ruleNames: readonly string[] = rules.map(r => r.name)

export function optimize(plan: LogicalPlan, ctx: OptimizerContext): LogicalPlan {
  let current = plan
  for (const rule of rules) {
    if (ctx.disabled.has(rule.name)) continue
    const next = rule.rewrite(current, ctx)
    if (next === undefined || next === current) continue
    if (!sameOutput(next.output, plan.output)) {
      throw new InternalError(`optimizer rule ${rule.name} changed the columns the query produces`)
    }
    current = next
  }
  return current
}

/**
 * DuckDB's optimizer names as scripts written for DuckDB disable them: the name of the rule of
 * ours that does the same work, or null for a transformation Grizzly never performs (so there is
 * nothing to switch off and results are the same either way).
 */
const DUCKDB_OPTIMIZERS: ReadonlyMap<string, string | null> = new Map([
  ['unused_columns', 'projection_pruning'],
  ['compressed_materialization', null], ['statistics_propagation', null], ['build_side_probe_side', null],
  ['late_materialization', null], ['sampling_pushdown', null], ['join_filter_pushdown', null],
])

/**
 * Parses the `disabled_optimizers` setting: a comma-separated list of rule names. Unknown
 * names are an error with a did-you-mean hint, so a typo does not silently do nothing.
 */
export function parseDisabledOptimizers(value: string): Set<string> {
  const out = new Set<string>()
  for (const raw of value.split(',')) {
    let name = raw.trim().toLowerCase()
    if (name === '') continue
    const duckdb = DUCKDB_OPTIMIZERS.get(name)
    if (duckdb === null) continue
    if (duckdb !== undefined) name = duckdb
    if (!ruleNames.includes(name)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `unknown optimizer "${name}"`,
        { hint: didYouMean(name, ruleNames) ?? `optimizers are: ${ruleNames.join(', ')}` })
    }
    out.add(name)
  }
  return out
}
