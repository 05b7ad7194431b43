/**
 * State shared by every part of binding one statement: the context, fresh ids, the visible
 * CTEs, and constant evaluation for the places SQL demands constants.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import { type ExprEnv, evaluateConstant, isConstantExpression } from '../expression/index.ts'
import type { CommonTableExpr, Expr } from '../parser/ast.ts'
import { exprChildren, type BoundExpr, type ColumnId, type OutputColumn } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import type { LogicalType, Value } from '../types/types.ts'
import type { BinderContext } from './context.ts'
import type { Catalog } from '../catalog/catalog.ts'
import type { Scope } from './scope.ts'
import type { StarColumn } from './columns.ts'

/** A bound query: its plan (whose `output` gives ids and types) and its column names. */
export interface BoundQuery { readonly plan: LogicalPlan; readonly names: readonly string[] }

export type CteDef =
  /**
   * bound afresh at every reference, seeing the CTEs defined before it (`scope`); `bound`: already
   * bound while the default rule looked at it, handed to the first reference
   */
  | { readonly kind: 'inline'; readonly cte: CommonTableExpr; readonly scope: CteScope; readonly recursive: boolean; readonly outer: Scope | null; bound?: BoundQuery | undefined }
  /**
   * computed once by a CteNode, read by CteRefNodes (`refs` of them); `perStatement`: the
   * definition reads no outer column and no recursive working table, so it is computed once per
   * statement even where its WITH sits in a subquery run per outer row
   */
  | { readonly kind: 'materialized'; readonly cteId: number; readonly name: string; readonly plan: LogicalPlan; readonly names: readonly string[]; refs: number; readonly perStatement: boolean }
  /** the self-reference inside a recursive CTE: the working table */
  | { readonly kind: 'working'; readonly cteId: number; readonly name: string; readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]; used: boolean }

export class CteScope {
  private readonly defs = new Map<string, CteDef>()
  constructor(readonly parent: CteScope | null) {}
  set(name: string, def: CteDef): void { this.defs.set(name.toLowerCase(), def) }
  get(name: string): CteDef | undefined {
    return this.defs.get(name.toLowerCase()) ?? this.parent?.get(name) ?? undefined
  }
}

const MAX_VIEW_DEPTH = 32

export class Binder {
  private cteCounter = 0
  private viewDepth = 0
  private env: ExprEnv | null = null

  /** While a COLUMNS(…) expression is bound once per column: each of its occurrences → the column it stands for now */
  readonly columnsPick = new Map<Expr, StarColumn>()

  constructor(public ctx: BinderContext) {}

  /** Binds within `f` as if `catalog` were the current database: a view of an attached database reads its own tables. */
  inCatalog<T>(catalog: Catalog, f: () => T): T {
    const saved = this.ctx
    if (catalog === saved.catalog) return f()
    // its unqualified names resolve in its default schema, whatever USE chose for the session
    const databases = saved.databases === undefined ? undefined : { ...saved.databases, currentSchema: catalog.defaultSchema }
    this.ctx = { ...saved, catalog, databases }
    try { return f() } finally { this.ctx = saved }
  }

  nextId(): ColumnId { return this.ctx.nextColumnId() }
  nextCteId(): number { return ++this.cteCounter }
  /** the last id nextCteId gave */
  get lastCteId(): number { return this.cteCounter }
  /** cteIds of the references bound so far to rows that change during the statement (working tables, per-run CTEs) */
  readonly varyingCteReads: number[] = []

  /** Fresh output columns (string-literal types become plain VARCHAR once they are columns). */
  columns(names: readonly string[], types: readonly LogicalType[]): OutputColumn[] {
    return names.map((name, i) => ({ id: this.nextId(), name, type: normalizeLiteralType(types[i]!) }))
  }

  /** Guards against views that (through OR REPLACE) end up referring to themselves. */
  enterView<T>(name: string, position: number, f: () => T): T {
    if (this.viewDepth >= MAX_VIEW_DEPTH) {
      throw new GrizzlyError(SqlState.programLimitExceeded, `view "${name}" is nested too deeply or refers to itself`, { position })
    }
    this.viewDepth++
    try { return f() } finally { this.viewDepth-- }
  }

  private exprEnv(): ExprEnv {
    if (this.env === null) {
      this.env = {
        fnCtx: this.ctx.fnCtx, params: [], hooks: this.ctx.hooks,
        evaluateSubquery: () => { throw new InternalError('subquery in a constant expression') },
      }
    }
    return this.env
  }

  /**
   * Folds a constant cast or call to a constant at bind time; other expressions pass through.
   * Unless `strict` (literals such as DATE 'x', whose errors DuckDB reports when binding), a
   * failure leaves the expression as it is: it may sit in a branch that never runs.
   */
  fold(expr: BoundExpr, position: number, strict = false): BoundExpr {
    if (expr.kind === 'const' || expr.kind === 'colref' || expr.kind === 'param') return expr
    // now(), current_setting(…): a prepared statement's plan runs again later, so only immutable work is done here
    if (!isConstantExpression(expr) || !onlyImmutable(expr)) return expr
    try {
      return { kind: 'const', value: this.evaluate(expr, position), type: expr.type }
    } catch (e) {
      if (strict || !(e instanceof GrizzlyError) || e instanceof InternalError) throw e
      return expr
    }
  }

  /** The value of an expression SQL requires to be constant (table function arguments, SET …). */
  constantValue(expr: BoundExpr, what: string, position: number): Value {
    if (expr.kind === 'const') return expr.value
    if (!isConstantExpression(expr)) {
      throw new GrizzlyError(SqlState.featureNotSupported, `${what} must be a constant`, { position })
    }
    return this.evaluate(expr, position)
  }

  private evaluate(expr: BoundExpr, position: number): Value {
    try {
      return evaluateConstant(expr, this.exprEnv())
    } catch (e) {
      if (e instanceof GrizzlyError && !(e instanceof InternalError)) throw e.withPosition(position)
      throw e
    }
  }
}

function onlyImmutable(e: BoundExpr): boolean {
  return (e.kind !== 'call' || e.fn.volatility === 'immutable') && exprChildren(e).every(onlyImmutable)
}
