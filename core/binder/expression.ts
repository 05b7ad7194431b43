/**
 * Expression binding: AST expressions → typed BoundExprs over the ColumnIds of a Scope.
 * Operators become calls of functions named by the operator, comparisons become CompareExprs
 * over one common type, and aggregates / window functions are handed to the enclosing SELECT
 * (ExprSinks), which turns them into references to the columns that compute them.
 */
import { SEQUENCE_FUNCTIONS } from '../catalog/sequences.ts'
import { checkSequenceArgument } from './sequences.ts'
import { userTypes } from './user-types.ts'
import { GrizzlyError, SqlState, assertNever, notSupported } from '../errors.ts'
import type { BinaryOp, Expr, FunctionCall, Query } from '../parser/ast.ts'
import { type BoundExpr, type CompareOp, type SubqueryBoundExpr, isVolatile } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { canCast, cannotCast } from '../functions/cast.ts'
import { datePartSpecialization } from '../functions/datetime.ts'
import { STRING_LITERAL, commonSuperType, comparisonType, normalizeLiteralType } from '../types/coercion.ts'
import {
  BIGINT, BOOLEAN, DOUBLE, INTERVAL, type LogicalType, NULL_TYPE, VARCHAR, isInteger, isMap, typeToString,
} from '../types/types.ts'
import { type Binder, type BoundQuery, CteScope } from './binder.ts'
import { columnNameOf } from './names.ts'
import {
  bindScalarCall, castTo, coerceTo, ensureBoolean, structExtractCall, structPackCall, unknownFunction,
} from './functions.ts'
import { isColumnsCall } from './columns.ts'
import { tryCall } from '../expression/index.ts'
import { bindDistanceOperator } from './distance-operators.ts'
import { bindLambdaCall, isLambdaFunction } from './lambda.ts'
import { rowSubquery } from './row-compare.ts'
import { intervalFunctionFor, intervalOf, numberLiteral, resolveTypeName } from './literals.ts'
import { bindQuery } from './query.ts'
import { type Resolved, Scope } from './scope.ts'

export interface ExprSinks {
  /** the clause being bound, for "… are not allowed in WHERE" messages */
  readonly clause: string
  /** an aggregate call → reference to the column that computes it */
  readonly aggregate?: (call: FunctionCall, name: string) => BoundExpr
  readonly window?: (call: FunctionCall, name: string) => BoundExpr
  readonly grouping?: (args: readonly Expr[], position: number) => BoundExpr
  /** DEFAULT in INSERT … VALUES and UPDATE … SET */
  readonly default?: (position: number) => BoundExpr
  /** a SELECT-list alias used where a column name was expected (DuckDB allows it in WHERE, GROUP BY, …) */
  readonly alias?: (name: string, position: number, binder: ExprBinder) => BoundExpr | undefined
  /** consulted before the scope for a one-part name (HAVING prefers an alias over an ungrouped column) */
  readonly override?: (name: string, position: number, binder: ExprBinder) => BoundExpr | undefined
  /** RETURNING, CHECK and DEFAULT may not contain subqueries */
  readonly noSubqueries?: boolean
  /** unnest(list) in the SELECT list → reference to the column of its Unnest node */
  readonly unnest?: (call: FunctionCall) => BoundExpr
}

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '<>', '<', '<=', '>', '>='])

export class ExprBinder {
  constructor(readonly binder: Binder, readonly scope: Scope, readonly ctes: CteScope | null, readonly sinks: ExprSinks) {}

  /** The same scope with different sinks (e.g. aggregate arguments, where aggregates may not nest). */
  with(sinks: ExprSinks, scope: Scope = this.scope): ExprBinder { return new ExprBinder(this.binder, scope, this.ctes, sinks) }

  bind(e: Expr): BoundExpr {
    const hooks = this.binder.ctx.hooks
    const picked = this.binder.columnsPick.get(e)
    if (picked !== undefined) return picked.expr !== null && picked.scope === this.scope ? picked.expr : this.bind(picked.ast)
    switch (e.kind) {
      case 'number': return numberLiteral(e.text, false, e.pos)
      case 'string': return { kind: 'const', value: e.value, type: STRING_LITERAL }
      case 'boolean': return { kind: 'const', value: e.value, type: BOOLEAN }
      case 'null': return { kind: 'const', value: null, type: NULL_TYPE }
      case 'typed_literal': {
        const type = resolveTypeName(hooks, e.type, userTypes(this.binder, null))
        return this.binder.fold(castTo({ kind: 'const', value: e.value, type: VARCHAR }, type), e.pos, true)
      }
      case 'interval': return this.bindInterval(e.value, e.unit, e.pos)
      case 'column': {
        if (e.parts.length === 1 && this.sinks.override !== undefined) {
          const o = this.sinks.override(e.parts[0]!, e.pos, this)
          if (o !== undefined) return o
        }
        let r: Resolved
        try {
          r = this.scope.resolve(e.parts, e.pos)
        } catch (err) {
          if (e.parts.length === 1 && this.sinks.alias !== undefined && err instanceof GrizzlyError && err.code === SqlState.undefinedColumn) {
            const viaAlias = this.sinks.alias(e.parts[0]!, e.pos, this)
            if (viaAlias !== undefined) return viaAlias
          }
          throw err
        }
        let out = r.expr
        for (const f of r.fields) out = structExtractCall(out, f, e.pos)
        return out
      }
      case 'positional': {
        // the n-th column of the innermost FROM clause, as `*` lists them
        const cols = this.scope.starColumns(null, e.pos)
        const col = cols[e.index - 1]
        if (col === undefined) {
          throw new GrizzlyError(SqlState.undefinedColumn, `positional reference #${e.index} is out of range: the FROM clause has ${cols.length} columns`, {
            position: e.pos, hint: cols.length === 0 ? 'a positional reference needs a FROM clause' : `use #1 to #${cols.length}`,
          })
        }
        return col.expr
      }
      case 'star':
        throw new GrizzlyError(SqlState.syntaxError, '* is not allowed here', { position: e.pos, hint: 'use * in the SELECT list or in count(*)' })
      case 'parameter': {
        const type = this.binder.ctx.parameterTypes[e.index - 1]
        if (type === undefined) {
          throw new GrizzlyError(SqlState.invalidParameter, `there is no parameter $${e.index}`, {
            position: e.pos, hint: `the statement was given ${this.binder.ctx.parameterTypes.length} parameter value(s)`,
          })
        }
        return { kind: 'param', index: e.index, type }
      }
      case 'default':
        if (this.sinks.default !== undefined) return this.sinks.default(e.pos)
        throw new GrizzlyError(SqlState.syntaxError, 'DEFAULT is not allowed in this context', { position: e.pos })
      case 'unary': {
        if (e.op === '-' && e.operand.kind === 'number') return numberLiteral(e.operand.text, true, e.operand.pos)
        const operand = this.bind(e.operand)
        const op = e.op
        switch (op) {
          case 'not': return { kind: 'not', arg: ensureBoolean(operand, 'NOT', e.operand.pos), type: BOOLEAN }
          case '+': case '-': case '~': return bindScalarCall(hooks, op, [operand], e.pos)
          default: return assertNever(op, 'unary operator')
        }
      }
      case 'binary': return this.bindBinary(e.op, e.left, e.right, e.pos)
      case 'like': {
        const args = [this.bind(e.expr), this.bind(e.pattern)]
        let name: string
        const op = e.op
        switch (op) {
          case 'like': name = e.escape === null ? 'like' : 'like_escape'; break
          case 'ilike': name = e.escape === null ? 'ilike' : 'ilike_escape'; break
          case 'glob': name = 'glob'; break
          case 'similar': name = 'regexp_full_match'; break
          default: return assertNever(op, 'LIKE operator')
        }
        if (e.escape !== null) {
          if (e.op !== 'like' && e.op !== 'ilike') throw notSupported(`ESCAPE with ${e.op.toUpperCase()}`, e.escape.pos)
          args.push(this.bind(e.escape))
        }
        const call = bindScalarCall(hooks, name, args, e.pos)
        return e.not ? { kind: 'not', arg: call, type: BOOLEAN } : call
      }
      case 'is_null': return { kind: 'is_null', arg: this.bind(e.expr), not: e.not, type: BOOLEAN }
      case 'is_distinct': return this.compare(e.not ? 'not_distinct' : 'distinct', this.bind(e.left), this.bind(e.right), e.pos)
      case 'is_bool': {
        const arg = ensureBoolean(this.bind(e.expr), 'IS TRUE / IS FALSE', e.expr.pos)
        if (e.value === null) return { kind: 'is_null', arg, not: e.not, type: BOOLEAN }
        return { kind: 'compare', op: e.not ? 'distinct' : 'not_distinct', left: arg, right: { kind: 'const', value: e.value, type: BOOLEAN }, type: BOOLEAN }
      }
      case 'between': {
        const [x, lo, hi] = this.unify([this.bind(e.expr), this.bind(e.low), this.bind(e.high)], 'BETWEEN', e.pos)
        const range = (a: BoundExpr, b: BoundExpr): BoundExpr => ({
          kind: 'and', type: BOOLEAN,
          args: [this.compare('>=', x!, a, e.pos), this.compare('<=', x!, b, e.pos)],
        })
        let result = range(lo!, hi!)
        if (e.symmetric) result = { kind: 'or', args: [result, range(hi!, lo!)], type: BOOLEAN }
        return e.not ? { kind: 'not', arg: result, type: BOOLEAN } : result
      }
      case 'in_list': {
        const all = this.unify([this.bind(e.expr), ...e.list.map(x => this.bind(x))], 'IN', e.pos)
        return { kind: 'in_list', arg: all[0]!, list: all.slice(1), not: e.not, type: BOOLEAN }
      }
      case 'in_subquery': {
        const r = this.subqueryAny(e.expr, '=', 'any', e.query, e.pos)
        return e.not ? { kind: 'not', arg: r, type: BOOLEAN } : r
      }
      case 'quantified': return this.subqueryAny(e.left, e.op, e.quantifier, e.query, e.pos)
      case 'exists': {
        const { plan, correlated } = this.subquery(e.query)
        const r: SubqueryBoundExpr = { kind: 'subquery', subqueryKind: 'exists', plan, correlated, left: null, op: null, type: BOOLEAN }
        return e.not ? { kind: 'not', arg: r, type: BOOLEAN } : r
      }
      case 'subquery': {
        const { plan, correlated } = this.subquery(e.query)
        const col = singleColumn(plan, e.pos)
        return { kind: 'subquery', subqueryKind: 'scalar', plan, correlated, left: null, op: null, type: col.type }
      }
      case 'case':
        if (e.listQuantifier !== undefined) this.checkQuantifiedList(e.listQuantifier.list, e.listQuantifier.quantifier)
        return this.bindCase(e.operand, e.whens, e.else, e.pos)
      case 'cast': {
        const type = resolveTypeName(hooks, e.type, userTypes(this.binder, null))
        const arg = this.bind(e.expr)
        // a NULL constant casts to any type (DuckDB), even where the types have no cast
        if (arg.kind === 'const' && arg.value === null && arg.type.id !== 'NULL') return { kind: 'const', value: null, type }
        if (!canCast(normalizeLiteralType(arg.type), type)) throw cannotCast(normalizeLiteralType(arg.type), type).withPosition(e.pos)
        return this.binder.fold(castTo(arg, type, e.try), e.pos)
      }
      case 'function': return this.bindFunction(e)
      case 'named_arg':
        throw notSupported('named arguments in scalar function calls', e.pos)
      case 'list': return bindScalarCall(hooks, 'list_value', e.items.map(x => this.bind(x)), e.pos)
      case 'struct': return structPackCall(e.fields.map(f => f.name), e.fields.map(f => this.bind(f.value)))
      case 'row': return structPackCall(e.items.map(() => ''), e.items.map(x => this.bind(x)))
      case 'subscript': {
        const target = this.bind(e.expr)
        if (target.type.id === 'STRUCT' && e.index.kind === 'string') return structExtractCall(target, e.index.value, e.index.pos)
        if (isMap(target.type)) return bindScalarCall(hooks, 'map_extract_value', [target, this.bind(e.index)], e.pos)
        const name = hooks.scalar('array_extract') !== undefined ? 'array_extract' : 'list_extract'
        return bindScalarCall(hooks, name, [target, this.bind(e.index)], e.pos)
      }
      case 'slice': {
        const name = hooks.scalar('array_slice') !== undefined ? 'array_slice' : 'list_slice'
        const bound = (x: Expr | null): BoundExpr => (x === null ? { kind: 'const', value: null, type: NULL_TYPE } : this.bind(x))
        return bindScalarCall(hooks, name, [this.bind(e.expr), bound(e.from), bound(e.to)], e.pos)
      }
      case 'field': return structExtractCall(this.bind(e.expr), e.field, e.pos)
      case 'lambda': throw notSupported('lambda expressions', e.pos)
      case 'collate': throw notSupported(`COLLATE ${e.collation}`, e.pos)
      default: return assertNever(e, 'expression')
    }
  }

  private bindBinary(op: BinaryOp, left: Expr, right: Expr, position: number): BoundExpr {
    const hooks = this.binder.ctx.hooks
    if (op === 'and' || op === 'or') {
      const args: BoundExpr[] = []
      const collect = (x: Expr): void => {
        if (x.kind === 'binary' && x.op === op) { collect(x.left); collect(x.right); return }
        args.push(ensureBoolean(this.bind(x), op.toUpperCase(), x.pos))
      }
      collect(left); collect(right)
      return { kind: op, args, type: BOOLEAN }
    }
    if (COMPARE_OPS.has(op)) return this.compare(op as CompareOp, this.bind(left), this.bind(right), position)
    const l = this.bind(left), r = this.bind(right)
    switch (op) {
      case '~~': return bindScalarCall(hooks, 'like', [l, r], position)
      case '!~~': return { kind: 'not', arg: bindScalarCall(hooks, 'like', [l, r], position), type: BOOLEAN }
      // DuckDB's ~ and !~ are SIMILAR TO: the pattern must match the whole string
      case '~': return bindScalarCall(hooks, 'regexp_full_match', [l, r], position)
      case '!~': return { kind: 'not', arg: bindScalarCall(hooks, 'regexp_full_match', [l, r], position), type: BOOLEAN }
      case '~*': return bindScalarCall(hooks, 'regexp_matches', [l, r, { kind: 'const', value: 'i', type: VARCHAR }], position)
      case '!~*': return { kind: 'not', arg: bindScalarCall(hooks, 'regexp_matches', [l, r, { kind: 'const', value: 'i', type: VARCHAR }], position), type: BOOLEAN }
      case '<->': case '<=>': case '<#>': return bindDistanceOperator(hooks, op, l, r, position)
      case '/':
        if (wholeNumber(l.type) && wholeNumber(r.type) && this.binder.ctx.setting('integer_division') === true) {
          return bindScalarCall(hooks, '//', [l, r], position)
        }
        return bindScalarCall(hooks, '/', [l, r], position)
      default: return bindScalarCall(hooks, op, [l, r], position)
    }
  }

  /** Casts every expression to their common type, or throws 42804 naming the clause. */
  unify(exprs: readonly BoundExpr[], what: string, position: number): BoundExpr[] {
    const t = commonSuperType(exprs.map(x => x.type))
    if (t === undefined) {
      throw new GrizzlyError(SqlState.datatypeMismatch,
        `${what} types ${[...new Set(exprs.map(x => typeToString(normalizeLiteralType(x.type))))].join(' and ')} cannot be matched`,
        { position, hint: 'add an explicit cast' })
    }
    return exprs.map(x => this.binder.fold(castTo(x, t), position))
  }

  compare(op: CompareOp, left: BoundExpr, right: BoundExpr, position: number): BoundExpr {
    const t = comparisonType(left.type, right.type) ?? (EQUALITY_OPS.has(op) ? textComparedAs(left.type, right.type) : undefined)
    if (t === undefined) {
      throw new GrizzlyError(SqlState.undefinedFunction,
        `cannot compare values of type ${typeToString(normalizeLiteralType(left.type))} and type ${typeToString(normalizeLiteralType(right.type))}`,
        { position, hint: 'add an explicit cast' })
    }
    return {
      kind: 'compare', op, type: BOOLEAN,
      left: this.binder.fold(castTo(left, t), position), right: this.binder.fold(castTo(right, t), position),
    }
  }

  private bindInterval(value: Expr, unit: string | null, position: number): BoundExpr {
    const hooks = this.binder.ctx.hooks
    if (unit === null) return this.binder.fold(castTo(this.bind(value), INTERVAL), position, value.kind === 'string')
    const v = value.kind === 'unary' && value.op === '-' && value.operand.kind === 'number'
      ? numberLiteral(value.operand.text, true, value.pos)
      : value.kind === 'number' ? numberLiteral(value.text, false, value.pos) : undefined
    if (v !== undefined && typeof v.value === 'number' && Number.isInteger(v.value)) {
      const iv = intervalOf(v.value, unit)
      if (iv !== undefined) return { kind: 'const', value: iv, type: INTERVAL }
    }
    const fn = intervalFunctionFor(unit)
    const numeric = value.kind === 'string' && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/.test(value.value)
    if (value.kind === 'string' && !(numeric && fn !== undefined)) {
      return this.binder.fold(castTo({ kind: 'const', value: `${value.value} ${unit}`, type: VARCHAR }, INTERVAL), position, true)
    }
    if (fn === undefined || hooks.scalar(fn) === undefined) throw notSupported(`INTERVAL … ${unit.toUpperCase()} with a computed value`, position)
    let arg = value.kind === 'string' ? { kind: 'const' as const, value: Number(value.value), type: DOUBLE } : this.bind(value)
    // a fraction of a unit coarser than a millisecond is dropped, as DuckDB does (INTERVAL '1.5' DAY is 1 day)
    if ((arg.type.id === 'DOUBLE' || arg.type.id === 'REAL' || arg.type.id === 'DECIMAL') && fn !== 'to_seconds' && fn !== 'to_milliseconds') {
      arg = castTo(bindScalarCall(hooks, 'trunc', [arg], position), BIGINT)
    }
    return this.binder.fold(bindScalarCall(hooks, fn, [arg], position), position)
  }

  private bindStructPack(e: FunctionCall): BoundExpr {
    if (e.args.length === 0) throw new GrizzlyError(SqlState.undefinedFunction, 'struct_pack needs at least one argument', { position: e.pos, hint: "name the fields: struct_pack(a := 1, b := 'x')" })
    const names: string[] = [], values: BoundExpr[] = []
    const seen = new Set<string>()
    for (const a of e.args) {
      const name = a.kind === 'named_arg' ? a.name : columnNameOf(a)
      if (seen.has(name.toLowerCase())) throw new GrizzlyError(SqlState.duplicateColumn, `struct_pack has the field "${name}" twice`, { position: a.pos, hint: 'give each argument its own name with name := value' })
      seen.add(name.toLowerCase())
      names.push(name)
      values.push(this.bind(a.kind === 'named_arg' ? a.value : a))
    }
    return structPackCall(names, values)
  }

  /** x op ANY (list): the right side must be a list (its desugaring names unnest, which the user did not write) */
  private checkQuantifiedList(list: Expr, quantifier: 'any' | 'all'): void {
    const t = this.bind(list).type
    if (t.id === 'LIST' || t.id === 'ARRAY' || t.id === 'NULL') return
    const word = quantifier.toUpperCase()
    throw new GrizzlyError(SqlState.datatypeMismatch, `${word} needs a list or a subquery on its right, not ${typeToString(t)}`, {
      position: list.pos, hint: `write x = ${word}([1, 2, 3]), x = ${word}(SELECT …), or x IN (1, 2, 3)`,
    })
  }

  private bindCase(operand: Expr | null, whens: readonly { when: Expr; then: Expr }[], elseExpr: Expr | null, position: number): BoundExpr {
    let conditions: BoundExpr[]
    if (operand !== null) {
      const all = this.unify([this.bind(operand), ...whens.map(w => this.bind(w.when))], 'CASE/WHEN', position)
      conditions = all.slice(1).map(w => ({ kind: 'compare', op: '=', left: all[0]!, right: w, type: BOOLEAN }))
    } else {
      conditions = whens.map(w => ensureBoolean(this.bind(w.when), 'CASE/WHEN', w.when.pos))
    }
    const results = this.unify([...whens.map(w => this.bind(w.then)), elseExpr === null ? { kind: 'const', value: null, type: NULL_TYPE } : this.bind(elseExpr)], 'CASE', position)
    const type = normalizeLiteralType(results[0]!.type)
    return {
      kind: 'case', type,
      whens: conditions.map((when, i) => ({ when, then: castTo(results[i]!, type) })),
      else: castTo(results[results.length - 1]!, type),
    }
  }

  private subquery(q: Query): { plan: LogicalPlan; correlated: SubqueryBoundExpr['correlated'] } {
    if (this.sinks.noSubqueries === true) {
      throw new GrizzlyError(SqlState.featureNotSupported, `subqueries are not allowed in ${this.sinks.clause}`, { position: q.pos })
    }
    const scope = new Scope(this.scope, true)
    scope.outerAggregate = this.sinks.aggregate ?? null
    const bound: BoundQuery = bindQuery(this.binder, q, scope, this.ctes === null ? null : new CteScope(this.ctes))
    return { plan: bound.plan, correlated: scope.correlated! }
  }

  private subqueryAny(leftAst: Expr, op: CompareOp, quantifier: 'any' | 'all', q: Query, position: number): BoundExpr {
    const { plan, correlated } = this.subquery(q)
    if (leftAst.kind === 'row') {
      const r = rowSubquery(this, leftAst, op, quantifier, { plan, correlated }, position)
      if (r !== undefined) return r
    }
    const left = this.bind(leftAst)
    const col = singleColumn(plan, position)
    const t = commonSuperType([left.type, col.type])
    if (t === undefined) {
      throw new GrizzlyError(SqlState.undefinedFunction,
        `cannot compare values of type ${typeToString(normalizeLiteralType(left.type))} and type ${typeToString(col.type)}`,
        { position, hint: 'add an explicit cast' })
    }
    return {
      kind: 'subquery', subqueryKind: quantifier, plan: castPlanColumn(this.binder, plan, t), correlated,
      left: castTo(left, t), op, type: BOOLEAN,
    }
  }

  /**
   * An aggregate in a subquery whose arguments read only the enclosing query's columns belongs
   * to the enclosing query (SQL standard, DuckDB, PostgreSQL): its sink and the subquery's boundary.
   */
  private outerAggregateOf(e: FunctionCall): { sink: (call: FunctionCall, name: string) => BoundExpr; boundaries: Scope[] } | null {
    const columns: (readonly string[])[] = []
    for (const a of e.args) collectColumnNames(a, columns)
    if (e.filter !== null) collectColumnNames(e.filter, columns)
    if (columns.length === 0) return null
    // the aggregate belongs to the innermost query level where one of its columns is found
    // (SELECT (SELECT (SELECT max(t.a))) FROM t: t's level), each subquery between sees it correlated
    const crossed: Scope[] = []
    let s: Scope | null = this.scope
    while (s !== null) {
      const local: Scope[] = []
      while (s !== null && s.correlated === null) { local.push(s); s = s.parent }
      if (s === null) break
      local.push(s)
      for (const parts of columns) {
        for (const l of local) {
          try {
            if (l.resolveLocal(parts, e.pos) === undefined) continue
          } catch {
            return null
          }
          const inner = crossed[crossed.length - 1]
          return inner === undefined || inner.outerAggregate === null ? null : { sink: inner.outerAggregate, boundaries: crossed }
        }
      }
      crossed.push(s)
      s = s.parent
    }
    // found in the query just outside the last boundary crossed (the enclosing query's FROM)
    const inner = crossed[crossed.length - 1]
    return inner === undefined || inner.outerAggregate === null ? null : { sink: inner.outerAggregate, boundaries: crossed }
  }

  private bindFunction(e: FunctionCall): BoundExpr {
    const hooks = this.binder.ctx.hooks
    const name = e.name[e.name.length - 1]!.toLowerCase()
    if (name === 'try' && e.name.length === 1 && hooks.scalar(name) === undefined) {
      // TRY(expr): NULL where expr fails (core/expression/try.ts)
      if (e.args.length !== 1 || e.args[0]!.kind === 'named_arg' || e.distinct || e.filter !== null || e.orderBy.length > 0) {
        throw new GrizzlyError(SqlState.syntaxError, 'TRY takes exactly one expression', { position: e.pos, hint: 'write TRY(expr)' })
      }
      const arg = this.bind(e.args[0]!)
      // failing chunks are evaluated again row by row, which a volatile function would notice
      if (isVolatile(arg)) {
        throw new GrizzlyError(SqlState.featureNotSupported, 'TRY cannot contain a volatile function', {
          position: e.pos, hint: 'compute the volatile value in a subquery or CTE first',
        })
      }
      return tryCall(arg)
    }
    if (isColumnsCall(e) && hooks.scalar(name) === undefined) {
      throw new GrizzlyError(SqlState.syntaxError, `COLUMNS(…) is not allowed in ${this.sinks.clause}`, {
        position: e.pos, hint: 'COLUMNS(…) may appear in the SELECT list, WHERE, DISTINCT ON and RETURNING',
      })
    }
    if (e.over !== null) {
      if (this.sinks.window === undefined) {
        throw new GrizzlyError(SqlState.windowingError, `window functions are not allowed in ${this.sinks.clause}`, { position: e.pos })
      }
      return this.sinks.window(e, name)
    }
    if (e.ignoreNulls || e.respectNulls === true) {
      throw new GrizzlyError(SqlState.syntaxError, `${e.ignoreNulls ? 'IGNORE' : 'RESPECT'} NULLS is only allowed in window functions, not in ${name}`, { position: e.pos })
    }
    if (isLambdaFunction(name) && hooks.scalar(name) === undefined) return bindLambdaCall(this, name, e)!
    if (name === 'unnest' && this.sinks.unnest !== undefined && hooks.scalar(name) === undefined) return this.sinks.unnest(e)
    // grouping_id is DuckDB's other name for GROUPING
    if ((name === 'grouping' || name === 'grouping_id') && hooks.scalar(name) === undefined) {
      if (this.sinks.grouping === undefined) {
        throw new GrizzlyError(SqlState.groupingError, `GROUPING is not allowed in ${this.sinks.clause}`, { position: e.pos })
      }
      return this.sinks.grouping(e.args, e.pos)
    }
    // alias(expr): the column name the expression would get, as text (DuckDB)
    if (name === 'alias' && e.name.length === 1 && e.args.length === 1 && e.args[0]!.kind !== 'named_arg' && hooks.scalar(name) === undefined) {
      this.bind(e.args[0]!)
      return { kind: 'const', value: columnNameOf(e.args[0]!), type: VARCHAR }
    }
    // struct_pack(a := 1, b) (DuckDB): a struct whose fields are named by the arguments, or after the columns given
    if (name === 'struct_pack' && e.name.length === 1 && hooks.scalar(name) === undefined) return this.bindStructPack(e)
    const isAggregate = hooks.aggregate(name) !== undefined || (name === 'count' && hooks.aggregate('count_star') !== undefined)
    const isScalar = hooks.scalar(name) !== undefined
    const aggregateOnly = e.distinct || e.filter !== null || e.orderBy.length > 0 || e.withinGroup.length > 0
    if (isAggregate && (!isScalar || aggregateOnly)) {
      const outer = this.outerAggregateOf(e)
      if (outer !== null) {
        const ref = outer.sink(e, name)
        for (const boundary of outer.boundaries) boundary.addCorrelated(ref)
        return ref
      }
      if (this.sinks.aggregate === undefined) {
        throw new GrizzlyError(SqlState.groupingError, `aggregate functions are not allowed in ${this.sinks.clause}`, { position: e.pos })
      }
      return this.sinks.aggregate(e, name)
    }
    if (!isScalar) {
      if (hooks.window(name) !== undefined) {
        throw new GrizzlyError(SqlState.windowingError, `window function ${name} requires an OVER clause`, { position: e.pos })
      }
      if (name === 'unnest') {
        throw new GrizzlyError(SqlState.featureNotSupported, `unnest is not allowed in ${this.sinks.clause}`, {
          position: e.pos, hint: 'use it in the SELECT list, or in FROM: SELECT * FROM unnest(…)',
        })
      }
      if (name === 'generate_subscripts') {
        throw notSupported(`${name} in the SELECT list`, e.pos, `use it in FROM: SELECT * FROM ${name}(…)`)
      }
      if (hooks.tableFunction(name) !== undefined) {
        throw new GrizzlyError(SqlState.wrongObjectType, `${name} is a table function`, { position: e.pos, hint: `use it in FROM: SELECT * FROM ${name}(…)` })
      }
      throw unknownFunction(hooks, name, e.pos)
    }
    if (aggregateOnly) {
      throw new GrizzlyError(SqlState.wrongObjectType, `DISTINCT, FILTER or ORDER BY specified, but ${name} is not an aggregate function`, { position: e.pos })
    }
    for (const a of e.args) {
      if (a.kind === 'star') throw new GrizzlyError(SqlState.syntaxError, `${name}(*) is not allowed`, { position: a.pos })
      if (a.kind === 'lambda') throw notSupported('lambda functions', a.pos)
    }
    // if / iif evaluate only the branch each row takes (DuckDB), so they bind as CASE:
    // IF(x % 2 = 0, true, error('odd')) fails only for odd x
    if ((name === 'if' || name === 'iif') && e.name.length === 1 && e.args.length === 3 && e.args.every(a => a.kind !== 'named_arg')) {
      return this.bindCase(null, [{ when: e.args[0]!, then: e.args[1]! }], e.args[2]!, e.pos)
    }
    const args = e.args.map(a => this.bind(a))
    const special = name === 'date_part' || name === 'datepart' ? datePartFunction(args) : undefined
    if (special !== undefined && hooks.scalar(special) !== undefined) return bindScalarCall(hooks, special, [args[1]!], e.pos)
    if (SEQUENCE_FUNCTIONS.has(name)) checkSequenceArgument(this.binder, name, args, e.pos)
    return bindScalarCall(hooks, name, args, e.pos, this.binder.ctx.fnCtx)
  }
}

/** Column names an expression reads, not looking into subqueries (they have scopes of their own). */
function collectColumnNames(node: unknown, out: (readonly string[])[]): void {
  if (node === null || typeof node !== 'object') return
  if (Array.isArray(node)) { for (const x of node) collectColumnNames(x, out); return }
  const n = node as { readonly kind?: unknown; readonly parts?: readonly string[] }
  if (n.kind === 'column' && n.parts !== undefined) { out.push(n.parts); return }
  if (n.kind === 'select' || n.kind === 'query') return
  for (const [key, value] of Object.entries(node)) if (key !== 'query') collectColumnNames(value, out)
}

const EQUALITY_OPS: ReadonlySet<CompareOp> = new Set(['=', '<>', 'distinct', 'not_distinct'])

/** the types `SET integer_division` turns `/` into `//` for: every integer type, HUGEINT too */
function wholeNumber(t: LogicalType): boolean { return isInteger(t) || t.id === 'HUGEINT' }

/** DuckDB tests a VARCHAR for equality with a value of another type by casting the text to that type (ordering needs an explicit cast). */
function textComparedAs(a: LogicalType, b: LogicalType): LogicalType | undefined {
  if (a.id === 'VARCHAR' && b.id !== 'VARCHAR' && canCast(a, b)) return b
  if (b.id === 'VARCHAR' && a.id !== 'VARCHAR' && canCast(b, a)) return a
  return undefined
}

/** date_part('epoch' | 'julian', x) is fractional: DuckDB answers with epoch(x) / julian(x) (DOUBLE). */
function datePartFunction(args: readonly BoundExpr[]): string | undefined {
  const part = args[0]
  if (args.length !== 2 || part === undefined || part.kind !== 'const' || typeof part.value !== 'string') return undefined
  return datePartSpecialization(part.value)
}

export function singleColumn(plan: LogicalPlan, position: number): { type: LogicalType } {
  if (plan.output.length !== 1) {
    throw new GrizzlyError(SqlState.syntaxError, `subquery must return only one column, not ${plan.output.length}`, {
      position, hint: 'select a single value; combine several with a ROW(…) or {…} struct',
    })
  }
  return plan.output[0]!
}

/** A plan whose single output column is cast to `type` (a projection on top when needed). */
export function castPlanColumn(binder: Binder, plan: LogicalPlan, type: LogicalType): LogicalPlan {
  const col = plan.output[0]!
  if (col.type === type || (typeToString(col.type) === typeToString(type) && col.type.id === type.id)) return plan
  const out = { id: binder.nextId(), name: col.name, type: normalizeLiteralType(type) }
  return { kind: 'project', input: plan, exprs: [castTo({ kind: 'colref', id: col.id, type: col.type, name: col.name }, type)], output: [out] }
}
