/**
 * Window calls (f(…) OVER (…)): window functions from hooks.window and aggregates over frames.
 * Each becomes a column of one Window node placed after aggregation and HAVING.
 */
import { GrizzlyError, SqlState, assertNever, notSupported } from '../errors.ts'
import type { BoundWindow } from '../hooks/contracts.ts'
import { isConstantExpression } from '../expression/index.ts'
import { frameRanking, frameShift, frameValue } from '../functions/window.ts'
import type { Expr, FrameBound, FunctionCall, NamedWindow, OrderItem, WindowFrame, WindowSpec } from '../parser/ast.ts'
import type { BoundExpr, BoundFrame, BoundFrameBound, BoundWindowCall, OutputColumn, SortKey } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { typeToString } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { ExprBinder } from './expression.ts'
import { bindAggregateCall, castTo, ensureBoolean, unknownFunction } from './functions.ts'
import { exprToSql } from './names.ts'
import { colref } from './scope.ts'
import { sortDirection } from './select.ts'

interface ResolvedSpec {
  readonly partitionBy: readonly Expr[]
  readonly orderBy: readonly OrderItem[]
  readonly frame: WindowFrame | null
}

export class WindowCollector {
  calls: BoundWindowCall[] = []
  readonly columns: OutputColumn[] = []

  constructor(private readonly b: Binder, private readonly named: readonly NamedWindow[]) {
    const seen = new Set<string>()
    for (const w of named) {
      const lower = w.name.toLowerCase()
      if (seen.has(lower)) throw new GrizzlyError(SqlState.windowingError, `window "${w.name}" is already defined`, { position: w.pos })
      seen.add(lower)
    }
  }

  private resolveSpec(spec: WindowSpec, depth = 0): ResolvedSpec {
    if (spec.base === null) return spec
    const lower = spec.base.toLowerCase()
    const base = this.named.find(w => w.name.toLowerCase() === lower)
    if (base === undefined || depth > this.named.length) {
      throw new GrizzlyError(SqlState.undefinedObject, `window "${spec.base}" does not exist`, { position: spec.pos })
    }
    const parent = this.resolveSpec(base.spec, depth + 1)
    if (spec.copiesBase === true && parent.frame !== null) {
      // PostgreSQL and DuckDB: OVER (w) copies w, and a frame clause cannot be copied (OVER w can use it)
      throw new GrizzlyError(SqlState.windowingError, `cannot copy window "${spec.base}" because it has a frame clause`, {
        position: spec.pos, hint: `write OVER ${spec.base} without parentheses, or move the frame out of the WINDOW clause`,
      })
    }
    if (spec.partitionBy.length > 0) {
      throw new GrizzlyError(SqlState.windowingError, `cannot override PARTITION BY clause of window "${spec.base}"`, { position: spec.pos })
    }
    if (spec.orderBy.length > 0 && parent.orderBy.length > 0) {
      throw new GrizzlyError(SqlState.windowingError, `cannot override ORDER BY clause of window "${spec.base}"`, { position: spec.pos })
    }
    return {
      partitionBy: parent.partitionBy,
      orderBy: spec.orderBy.length > 0 ? spec.orderBy : parent.orderBy,
      frame: spec.frame ?? parent.frame,
    }
  }

  add(select: ExprBinder, call: FunctionCall, name: string): BoundExpr {
    const hooks = this.b.ctx.hooks
    const binder = select.with({ ...select.sinks, clause: 'window function arguments', window: undefined })
    const spec = this.resolveSpec(call.over!)
    let argAsts: readonly Expr[] = call.args
    let fnName = name
    if (name === 'count' && (argAsts.length === 0 || (argAsts.length === 1 && argAsts[0]!.kind === 'star'))) {
      fnName = 'count_star'
      argAsts = []
    }
    for (const a of argAsts) {
      if (a.kind === 'star') throw new GrizzlyError(SqlState.syntaxError, `${name}(*) is not valid`, { position: a.pos })
    }
    const args = argAsts.map(a => binder.bind(a))
    const partitionBy = spec.partitionBy.map(p => binder.bind(p))
    const orderBy: SortKey[] = spec.orderBy.map(o => ({
      expr: binder.bind(o.expr), ...sortDirection(this.b, o),
    }))
    const frame = this.bindFrame(binder, spec.frame, orderBy.length > 0)
    let windowCall: BoundWindowCall
    const def = hooks.window(fnName)
    if (def !== undefined) {
      if (call.distinct || call.filter !== null) {
        throw new GrizzlyError(SqlState.windowingError, `DISTINCT and FILTER are not supported for window function ${name}`, { position: call.pos })
      }
      const bound = def.bind(args.map(a => a.type))
      if (bound === undefined) {
        throw new GrizzlyError(SqlState.undefinedFunction,
          `window function ${name}(${args.map(a => typeToString(normalizeLiteralType(a.type))).join(', ')}) does not exist`,
          { position: call.pos, hint: 'check the number and types of the arguments' })
      }
      const returns = normalizeLiteralType(bound.returns)
      let castArgs = args.map((a, i) => castTo(a, bound.argTypes[i] ?? a.type))
      let window: BoundWindow = { ...bound, name: def.name, returns }
      if (call.orderBy.length > 0) {
        // first_value(x ORDER BY k) OVER w: the frame's rows taken in the call's own order
        // rank(ORDER BY k) OVER w, lead(x ORDER BY k) OVER w: ranked / shifted within the frame in that order
        const which = ({ first_value: 'first', last_value: 'last', nth_value: 'nth' } as const)[def.name as 'first_value']
        const ranking = (['row_number', 'rank', 'percent_rank', 'cume_dist'] as const).find(r => r === def.name)
        const shift = def.name === 'lead' ? 1 : def.name === 'lag' ? -1 : undefined
        if (which === undefined && ranking === undefined && shift === undefined) {
          throw notSupported(`ORDER BY inside ${name}(…) OVER`, call.pos, 'order the window instead: OVER (ORDER BY …)')
        }
        const keys = call.orderBy.map(o => ({ expr: binder.bind(o.expr), ...sortDirection(this.b, o) }))
        const order = keys.map((k, i) => ({ arg: castArgs.length + i, descending: k.descending, nullsFirst: k.nullsFirst }))
        const evaluate = which !== undefined ? frameValue(which, returns, order)
          : ranking !== undefined ? frameRanking(ranking, order) : frameShift(shift!, returns, castArgs.length, order)
        castArgs = [...castArgs, ...keys.map(k => k.expr)]
        window = { ...window, argTypes: castArgs.map(a => a.type), evaluate }
      }
      windowCall = {
        fn: { kind: 'window', window },
        args: castArgs,
        partitionBy, orderBy, frame, ignoreNulls: call.ignoreNulls, type: returns,
      }
    } else if (hooks.aggregate(fnName) !== undefined) {
      // DuckDB skips NULLs on request only in first / last among windowed aggregates
      if ((call.ignoreNulls || call.respectNulls === true) && !['first', 'last', 'arbitrary'].includes(fnName)) {
        throw new GrizzlyError(SqlState.syntaxError, `${call.ignoreNulls ? 'IGNORE' : 'RESPECT'} NULLS is not supported for windowed aggregates`, {
          position: call.pos, hint: 'aggregates already skip NULLs; drop IGNORE NULLS',
        })
      }
      const resolved = bindAggregateCall(hooks, fnName, args, call.pos)
      if (['string_agg', 'group_concat', 'listagg'].includes(fnName) && args[1] !== undefined && !isConstantExpression(args[1])) {
        throw new GrizzlyError(SqlState.invalidParameterValue, `Separator argument to ${name} must be a constant`, {
          position: call.pos, hint: "write the separator as a literal, e.g. string_agg(x, ', ')",
        })
      }
      const filter = call.filter === null ? null : ensureBoolean(binder.bind(call.filter), 'FILTER', call.filter.pos)
      const inner: SortKey[] = call.orderBy.map(o => ({
        expr: binder.bind(o.expr), ...sortDirection(this.b, o),
      }))
      windowCall = {
        fn: { kind: 'aggregate', aggregate: { fn: resolved.fn, args: resolved.args, distinct: call.distinct, filter, orderBy: inner, type: resolved.fn.returns } },
        args: resolved.args, partitionBy, orderBy, frame, ignoreNulls: call.ignoreNulls, type: resolved.fn.returns,
      }
    } else {
      if (hooks.scalar(fnName) !== undefined) {
        throw new GrizzlyError(SqlState.wrongObjectType, `OVER specified, but ${name} is not a window function nor an aggregate function`, { position: call.pos })
      }
      throw unknownFunction(hooks, name, call.pos)
    }
    this.calls.push(windowCall)
    const column = { id: this.b.nextId(), name: exprToSql(call), type: windowCall.type }
    this.columns.push(column)
    return colref(column)
  }

  private bindFrame(binder: ExprBinder, frame: WindowFrame | null, ordered: boolean): BoundFrame {
    if (frame === null) {
      return ordered
        ? { units: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' }, exclude: 'no_others' }
        : { units: 'rows', start: { kind: 'unbounded_preceding' }, end: { kind: 'unbounded_following' }, exclude: 'no_others' }
    }
    if (frame.start.kind === 'unbounded_following' || frame.end.kind === 'unbounded_preceding') {
      throw new GrizzlyError(SqlState.windowingError, 'frame starting from following row cannot end with current row or preceding', { position: frame.pos })
    }
    if (frame.units !== 'rows' && !ordered && (frame.start.kind === 'preceding' || frame.start.kind === 'following' || frame.end.kind === 'preceding' || frame.end.kind === 'following')) {
      throw new GrizzlyError(SqlState.windowingError, `${frame.units.toUpperCase()} frames with an offset need an ORDER BY`, { position: frame.pos })
    }
    const bound = (f: FrameBound): BoundFrameBound => {
      switch (f.kind) {
        case 'unbounded_preceding': case 'current_row': case 'unbounded_following': return f
        case 'preceding': case 'following': {
          const offset = this.b.fold(binder.bind(f.offset), f.offset.pos)
          if (offset.kind === 'const' && (offset.value === null || (typeof offset.value === 'number' && offset.value < 0) || (typeof offset.value === 'bigint' && offset.value < 0n))) {
            throw new GrizzlyError(SqlState.invalidParameterValue, 'frame offset must not be negative or NULL', { position: f.offset.pos })
          }
          return { kind: f.kind, offset }
        }
        default: return assertNever(f, 'frame bound')
      }
    }
    return { units: frame.units, start: bound(frame.start), end: bound(frame.end), exclude: frame.exclude }
  }

  /** Applies a rewrite (GROUP BY replacement) to every expression of every call. */
  rewrite(f: (e: BoundExpr) => BoundExpr): void {
    const key = (k: SortKey): SortKey => ({ ...k, expr: f(k.expr) })
    const frameBound = (x: BoundFrameBound): BoundFrameBound => (x.kind === 'preceding' || x.kind === 'following' ? { kind: x.kind, offset: f(x.offset) } : x)
    this.calls = this.calls.map(c => ({
      ...c,
      args: c.args.map(f),
      partitionBy: c.partitionBy.map(f),
      orderBy: c.orderBy.map(key),
      frame: { ...c.frame, start: frameBound(c.frame.start), end: frameBound(c.frame.end) },
      fn: c.fn.kind === 'window' ? c.fn : {
        kind: 'aggregate',
        aggregate: { ...c.fn.aggregate, args: c.fn.aggregate.args.map(f), filter: c.fn.aggregate.filter === null ? null : f(c.fn.aggregate.filter), orderBy: c.fn.aggregate.orderBy.map(key) },
      },
    }))
  }

  forEachExpr(visit: (e: BoundExpr) => void): void {
    this.rewrite(e => { visit(e); return e })
  }

  plan(input: LogicalPlan): LogicalPlan {
    if (this.calls.length === 0) return input
    return { kind: 'window', input, windows: this.calls, output: [...input.output, ...this.columns] }
  }
}
