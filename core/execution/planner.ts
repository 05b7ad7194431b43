/**
 * Physical planning: one operator per logical node. Joins pick hash join when the condition
 * has equi-keys, nested loops otherwise, and lateral evaluation when the right side reads the
 * left's columns.
 */
import { assertNever } from '../errors.ts'
import type { ColumnId } from '../plan/expr.ts'
import type { JoinNode, LogicalPlan } from '../plan/logical.ts'
import { AggregateOperator } from './ops/aggregate.ts'
import { ParallelAggregateOperator } from './parallel/aggregate.ts'
import { AsofJoinOperator } from './ops/asof-join.ts'
import { UnnestOperator } from './ops/unnest.ts'
import {
  ConcatOperator, EmptyOperator, FilterOperator, LimitOperator, ProjectOperator, ScanOperator,
  TableFunctionOperator, ValuesOperator,
} from './ops/basic.ts'
import { CteOperator, CteRefOperator, RecursiveCteOperator } from './ops/cte.ts'
import { DeleteOperator, InsertOperator, UpdateOperator } from './ops/dml.ts'
import { IndexScanOperator } from './ops/index-scan.ts'
import { NearestScanOperator } from './ops/nearest-scan.ts'
import { IndexJoinOperator } from './ops/index-join.ts'
import { HashJoinOperator, splitCondition } from './ops/join.ts'
import { LateralJoinOperator, NestedLoopJoinOperator } from './ops/nested-loop-join.ts'
import { SemiJoinOperator } from './ops/semi-join.ts'
import { SetOpOperator } from './ops/setop.ts'
import { DistinctOperator, SortOperator, TopNOperator } from './ops/sort.ts'
import { WindowOperator } from './ops/window.ts'
import type { Frame, Operator } from './operator.ts'

export function buildOperator(plan: LogicalPlan, frame: Frame): Operator {
  const op = buildFor(plan, frame)
  op.plan = plan
  return op
}

function buildFor(plan: LogicalPlan, frame: Frame): Operator {
  // no named local closure here: tsx keeps function names with a defineProperty per closure
  // made, and a prepared single-row INSERT builds its operators on every execution
  switch (plan.kind) {
    case 'scan':
      if (plan.nearest !== undefined) return new NearestScanOperator(plan, plan.nearest, frame)
      return plan.index !== undefined ? new IndexScanOperator(plan, plan.index, frame) : new ScanOperator(plan, frame)
    case 'filter': return new FilterOperator(buildOperator(plan.input, frame), plan.predicate, plan.input.output, frame)
    case 'project': return new ProjectOperator(buildOperator(plan.input, frame), plan, frame)
    case 'aggregate':
      if (plan.parallel !== undefined) return new ParallelAggregateOperator(plan, plan.parallel, frame, () => new AggregateOperator(buildOperator(plan.input, frame), plan, frame), p => buildOperator(p, frame))
      return new AggregateOperator(buildOperator(plan.input, frame), plan, frame)
    case 'window': return new WindowOperator(buildOperator(plan.input, frame), plan, frame)
    case 'join': return buildJoin(plan, frame)
    case 'sort': return new SortOperator(buildOperator(plan.input, frame), plan, frame)
    case 'limit': return new LimitOperator(buildOperator(plan.input, frame), plan, frame)
    case 'top_n': return new TopNOperator(buildOperator(plan.input, frame), plan, frame)
    case 'distinct': return new DistinctOperator(buildOperator(plan.input, frame), plan, frame)
    case 'set_op':
      if (plan.op === 'union' && plan.all) return new ConcatOperator([buildOperator(plan.left, frame), buildOperator(plan.right, frame)], frame)
      return new SetOpOperator(buildOperator(plan.left, frame), buildOperator(plan.right, frame), plan, frame)
    case 'values': return new ValuesOperator(plan, frame)
    case 'table_function': return new TableFunctionOperator(plan, frame)
    case 'empty': return new EmptyOperator(frame)
    case 'cte': return new CteOperator(plan, frame)
    case 'cte_ref': return new CteRefOperator(plan, frame)
    case 'recursive_cte': return new RecursiveCteOperator(plan, frame)
    case 'insert': return new InsertOperator(buildOperator(plan.input, frame), plan, frame)
    case 'update': return new UpdateOperator(buildOperator(plan.input, frame), plan, frame)
    case 'delete': return new DeleteOperator(buildOperator(plan.input, frame), plan, frame)
    case 'unnest': return new UnnestOperator(buildOperator(plan.input, frame), plan, frame)
    default: return assertNever(plan, 'plan node')
  }
}

function buildJoin(plan: JoinNode, frame: Frame): Operator {
  const indexed = plan.indexJoin
  if (indexed !== undefined) {
    const outer = indexed.indexed === 'right' ? plan.left : plan.right
    return new IndexJoinOperator(plan, indexed, () => buildOperator(outer, frame), () => buildOperator({ ...plan, indexJoin: undefined }, frame), frame)
  }
  const left = buildOperator(plan.left, frame)
  if (plan.lateral) return new LateralJoinOperator(plan, left, frame)
  const right = buildOperator(plan.right, frame)
  if (plan.joinType.startsWith('asof')) return new AsofJoinOperator(plan, left, right, frame)
  const { keys, residual } = splitCondition(plan.condition, idsOf(plan.left), idsOf(plan.right))
  if (keys.length > 0) {
    if (plan.joinType === 'semi' || plan.joinType === 'anti') return new SemiJoinOperator(plan, left, right, keys, residual, frame)
    return new HashJoinOperator(plan, left, right, keys, residual, frame)
  }
  return new NestedLoopJoinOperator(plan, left, right, frame)
}

function idsOf(plan: LogicalPlan): Set<ColumnId> { return new Set(plan.output.map(c => c.id)) }

/** The operator name buildOperator would choose, for EXPLAIN without running. */
export function physicalName(plan: LogicalPlan): string {
  switch (plan.kind) {
    case 'scan': return plan.index !== undefined || plan.nearest !== undefined ? 'INDEX_SCAN' : 'TABLE_SCAN'
    case 'filter': return 'FILTER'
    case 'project': return 'PROJECTION'
    case 'aggregate': return (plan.parallel === undefined ? '' : 'PARALLEL_') + (plan.groups.length === 0 && plan.groupingSets === null ? 'UNGROUPED_AGGREGATE' : 'HASH_GROUP_BY')
    case 'window': return 'WINDOW'
    case 'join': {
      if (plan.indexJoin !== undefined) return 'INDEX_JOIN'
      if (plan.lateral) return 'LATERAL_JOIN'
      if (plan.joinType.startsWith('asof')) return 'ASOF_JOIN'
      if (plan.condition === null) return 'CROSS_PRODUCT'
      const { keys } = splitCondition(plan.condition, idsOf(plan.left), idsOf(plan.right))
      return keys.length > 0 ? 'HASH_JOIN' : 'NESTED_LOOP_JOIN'
    }
    case 'sort': return 'ORDER_BY'
    case 'limit': return 'LIMIT'
    case 'top_n': return 'TOP_N'
    case 'distinct': return plan.on === null ? 'DISTINCT' : 'DISTINCT_ON'
    case 'set_op': return plan.op === 'union' && plan.all ? 'UNION_ALL' : plan.op.toUpperCase() + (plan.all ? '_ALL' : '')
    case 'values': return 'VALUES'
    case 'table_function': return 'TABLE_FUNCTION'
    case 'empty': return 'EMPTY'
    case 'cte': return 'CTE'
    case 'cte_ref': return 'CTE_SCAN'
    case 'recursive_cte': return 'RECURSIVE_CTE'
    case 'insert': return 'INSERT'
    case 'update': return 'UPDATE'
    case 'delete': return 'DELETE'
    case 'unnest': return 'UNNEST'
    default: return assertNever(plan, 'plan node')
  }
}
