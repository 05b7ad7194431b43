/**
 * Table samples, built from existing plan nodes. A percentage (BERNOULLI, and SYSTEM, which
 * Grizzly samples per row too) is a filter `draw < p / 100`; a row count (reservoir) is a sort on
 * the draw under a LIMIT, which keeps exactly min(n, rows) rows, each set of n equally likely.
 * The draw is tablesample_random() (random(), so setseed / SET seed make it reproducible), or
 * with REPEATABLE (seed) tablesample_hash(seed, row key): the same rows for the same seed and data
 * whatever the scan order. Filters above the sample stay above it (filter_pushdown), and LIMIT
 * is never crossed.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import { isConstantExpression } from '../expression/index.ts'
import type { Expr, TableSample } from '../parser/ast.ts'
import type { BoundExpr } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { BIGINT, BOOLEAN, DOUBLE } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { BoundFrom } from './from.ts'
import { ExprBinder } from './expression.ts'
import { bindScalarCall, castTo } from './functions.ts'
import { Scope, colref } from './scope.ts'

const METHODS = ['bernoulli', 'system', 'reservoir']

/** The FROM entry (or the whole FROM clause) with its sample applied; the scope is unchanged. */
export function withSample(b: Binder, from: BoundFrom, sample: TableSample | undefined): BoundFrom {
  return sample === undefined ? from : { plan: sampledPlan(b, from, sample), scope: from.scope }
}

function sampledPlan(b: Binder, from: BoundFrom, sample: TableSample): LogicalPlan {
  const { method } = sample
  if (method !== null && !METHODS.includes(method)) {
    // PostgreSQL: 42704 undefined_object
    throw new GrizzlyError(SqlState.undefinedObject, `tablesample method "${method}" does not exist`, {
      position: sample.pos, hint: 'use BERNOULLI or SYSTEM (a percentage) or RESERVOIR (a row count or a percentage)',
    })
  }
  // DuckDB: a bare number is a row count (reservoir), a percentage defaults to SYSTEM; PostgreSQL's methods take a percentage
  const unit = sample.unit ?? (method === 'bernoulli' || method === 'system' ? 'percent' : 'rows')
  if (unit === 'rows' && method !== null && method !== 'reservoir') {
    throw badArgument(`${method.toUpperCase()} sampling takes a percentage, not a row count`, sample.size.pos,
      `write ${method.toUpperCase()} (10) for 10 percent, or reservoir(n ROWS) for n rows`)
  }
  const size = constant(b, sample.size, unit === 'percent' ? 'sample percentage' : 'sample size')
  const seed = sample.seed === null ? null : constant(b, sample.seed, 'REPEATABLE seed')
  const draw = seed === null
    ? bindScalarCall(b.ctx.hooks, 'tablesample_random', [], sample.pos)
    : bindScalarCall(b.ctx.hooks, 'tablesample_hash', [{ kind: 'const', value: seed, type: DOUBLE }, ...rowKey(from)], sample.pos)
  const { plan } = from
  if (unit === 'percent') {
    if (!(size >= 0 && size <= 100)) {
      // PostgreSQL: 2202H invalid_tablesample_argument
      throw badArgument(`sample percentage must be between 0 and 100, got ${size}`, sample.size.pos, 'write a percentage such as 10 or 12.5')
    }
    if (method === 'reservoir') {
      // a reservoir of p percent of the rows: exactly that many, as LIMIT p PERCENT counts them
      return firstByDraw(plan, draw, { kind: 'const', value: size, type: DOUBLE }, true)
    }
    const predicate: BoundExpr = { kind: 'compare', op: '<', left: draw, right: { kind: 'const', value: size / 100, type: DOUBLE }, type: BOOLEAN }
    return { kind: 'filter', input: plan, predicate, output: plan.output }
  }
  if (!(size >= 0) || !Number.isInteger(size)) {
    throw badArgument(`sample size must be a whole number of rows of at least 0, got ${size}`, sample.size.pos, 'write a row count such as 5, or a percentage such as 10%')
  }
  return firstByDraw(plan, draw, { kind: 'const', value: BigInt(size), type: BIGINT }, false)
}

/** the rows of `plan` with the lowest draws: `limit` rows, or `limit` percent of them */
function firstByDraw(plan: LogicalPlan, draw: BoundExpr, limit: BoundExpr, percent: boolean): LogicalPlan {
  const sorted: LogicalPlan = { kind: 'sort', input: plan, keys: [{ expr: draw, descending: false, nullsFirst: false }], output: plan.output }
  return { kind: 'limit', input: sorted, limit, offset: null, output: plan.output, ...(percent ? { percent: true } : {}) }
}

/** A number the sample needs at bind time: constants only (as PostgreSQL's REPEATABLE and DuckDB's sizes), never NULL. */
function constant(b: Binder, e: Expr, what: string): number {
  let bound: BoundExpr
  try {
    bound = new ExprBinder(b, new Scope(null, false), null, { clause: 'TABLESAMPLE' }).bind(e)
  } catch (err) {
    // no columns are in scope here: say so rather than suggest none
    if (err instanceof GrizzlyError && err.code === SqlState.undefinedColumn && err.hint === undefined) {
      throw new GrizzlyError(err.code, err.message, { position: err.position ?? e.pos, hint: `${what} is a constant: the sample cannot read the rows' columns` })
    }
    throw err
  }
  if (!['NULL', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'DECIMAL', 'REAL', 'DOUBLE'].includes(bound.type.id)) {
    throw new GrizzlyError(SqlState.datatypeMismatch, `${what} must be a number`, { position: e.pos, hint: 'write a number such as 10' })
  }
  if (!isConstantExpression(bound)) {
    throw new GrizzlyError(SqlState.featureNotSupported, `${what} must be a constant`, {
      position: e.pos, hint: 'the sample is drawn before any row is read: write a number, not a column, parameter or random()',
    })
  }
  const value = b.constantValue(castTo(bound, DOUBLE), what, e.pos)
  if (value === null) throw badArgument(`${what} must not be NULL`, e.pos, 'write a number such as 10')
  return Number(value)
}

/** What fixes a row for REPEATABLE: the tables' row ids when the source has them, else every column. */
function rowKey(from: BoundFrom): BoundExpr[] {
  const ids = from.plan.output.filter(c => from.scope.pseudo.has(c.id))
  return (ids.length > 0 ? ids : from.plan.output).map(colref)
}

function badArgument(message: string, position: number, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidTablesampleArgument, message, { position, hint })
}
