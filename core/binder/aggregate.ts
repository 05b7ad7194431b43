/**
 * GROUP BY and aggregates: grouping keys (expressions, output aliases, ordinals, ALL, GROUPING
 * SETS / ROLLUP / CUBE), aggregate calls collected from the SELECT list, and GROUPING(…).
 */
import { GrizzlyError, InternalError, SqlState, assertNever, notSupported } from '../errors.ts'
import type { Expr, FunctionCall, GroupingElement, SelectCore, SelectItem } from '../parser/ast.ts'
import { type BoundAggregateCall, type BoundExpr, type OutputColumn, type SortKey, exprChildren, isVolatile, referencedColumns } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { BIGINT, DOUBLE, list } from '../types/types.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { canCast } from '../functions/cast.ts'
import type { Binder } from './binder.ts'
import type { ExprBinder } from './expression.ts'
import { bindAggregateCall, bindScalarCall, castTo, ensureBoolean } from './functions.ts'
import { descendingQuantile } from '../functions/aggregates/collect.ts'
import { exprToSql } from './names.ts'
import { exprKey, rewriteExpr } from './rewrite.ts'
import { colref } from './scope.ts'
import { sortDirection } from './select.ts'
import { rejectConstantSortKey } from './query.ts'

/** Does this SELECT-list expression call an aggregate (outside subqueries and OVER)? */
export function containsAggregate(b: Binder, e: Expr): boolean {
  const hooks = b.ctx.hooks
  if (e.kind === 'function' && e.over === null) {
    const name = e.name[e.name.length - 1]!.toLowerCase()
    if ((name === 'grouping' || name === 'grouping_id') && hooks.scalar(name) === undefined) return true
    const aggregateOnly = e.distinct || e.filter !== null || e.orderBy.length > 0 || e.withinGroup.length > 0
    if ((hooks.aggregate(name) !== undefined || name === 'count') && (hooks.scalar(name) === undefined || aggregateOnly)) return true
  }
  return astChildren(e).some(c => containsAggregate(b, c))
}

/** Direct child expressions, not descending into subqueries. */
export function astChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'number': case 'string': case 'boolean': case 'null': case 'typed_literal': case 'column': case 'positional':
    case 'parameter': case 'default': case 'exists': case 'subquery': return []
    case 'star': return e.replace.map(r => r.expr)
    case 'interval': return [e.value]
    case 'unary': return [e.operand]
    case 'binary': return [e.left, e.right]
    case 'like': return [e.expr, e.pattern, ...(e.escape === null ? [] : [e.escape])]
    case 'is_null': case 'is_bool': return [e.expr]
    case 'is_distinct': return [e.left, e.right]
    case 'between': return [e.expr, e.low, e.high]
    case 'in_list': return [e.expr, ...e.list]
    case 'in_subquery': return [e.expr]
    case 'quantified': return [e.left]
    case 'case': return [...(e.operand === null ? [] : [e.operand]), ...e.whens.flatMap(w => [w.when, w.then]), ...(e.else === null ? [] : [e.else])]
    case 'cast': return [e.expr]
    case 'function': return [
      ...e.args, ...e.orderBy.map(o => o.expr), ...e.withinGroup.map(o => o.expr), ...(e.filter === null ? [] : [e.filter]),
      ...(e.over === null ? [] : [...e.over.partitionBy, ...e.over.orderBy.map(o => o.expr)]),
    ]
    case 'named_arg': return [e.value]
    case 'list': case 'row': return e.items
    case 'struct': return e.fields.map(f => f.value)
    case 'subscript': return [e.expr, e.index]
    case 'slice': return [e.expr, ...(e.from === null ? [] : [e.from]), ...(e.to === null ? [] : [e.to])]
    case 'field': return [e.expr]
    case 'lambda': return [e.body]
    case 'collate': return [e.expr]
    default: return assertNever(e, 'expression')
  }
}

export interface Groups {
  readonly exprs: readonly BoundExpr[]
  readonly columns: readonly OutputColumn[]
  readonly sets: readonly (readonly number[])[] | null
  readonly groupingId: OutputColumn | null
  /** replaces GROUP BY expressions inside `e` by references to their Aggregate columns */
  replace(e: BoundExpr): BoundExpr
  /** SELECT items used as keys (by alias, position or ALL) → their group column */
  readonly itemGroups: ReadonlyMap<SelectItem, OutputColumn>
}

export function bindGroupBy(b: Binder, core: SelectCore, input: ExprBinder): Groups {
  // aliases are only keys on their own (GROUP BY k), never inside an expression (k + 1)
  const binder = input.with({ clause: 'GROUP BY' })
  const exprs: BoundExpr[] = []
  const keys = new Map<string, number>()
  const itemIndex = new Map<SelectItem, number>()
  const addItem = (item: SelectItem): number => {
    const i = add(binder.bind(item.expr))
    itemIndex.set(item, i)
    return i
  }
  const add = (e: BoundExpr): number => {
    const key = exprKey(e)
    let i = keys.get(key)
    if (i === undefined) { i = exprs.length; exprs.push(e); keys.set(key, i) }
    return i
  }
  const bindKey = (e: Expr): number => {
    if (e.kind === 'number' && /^\d+$/.test(e.text)) {
      const item = core.items[Number(e.text) - 1]
      if (item === undefined) {
        throw new GrizzlyError(SqlState.invalidColumnReference, `GROUP BY position ${e.text} is not in select list`, { position: e.pos })
      }
      if (item.expr.kind === 'star') throw notSupported('GROUP BY the position of a *', e.pos)
      return addItem(item)
    }
    if (e.kind === 'column' && e.parts.length === 1) {
      try {
        return add(binder.bind(e))
      } catch (err) {
        if (!(err instanceof GrizzlyError) || err.code !== SqlState.undefinedColumn) throw err
        const lower = e.parts[0]!.toLowerCase()
        const item = core.items.find(i => i.alias?.toLowerCase() === lower && i.expr.kind !== 'star')
        if (item === undefined) throw err
        return addItem(item)
      }
    }
    return add(binder.bind(e))
  }

  let sets: number[][] | null = null
  const g = core.groupBy
  if (g !== null) {
    switch (g.kind) {
      case 'group_all':
        for (const item of core.items) {
          if (item.expr.kind === 'star') {
            for (const c of input.scope.starColumns(item.expr.qualifier, item.expr.pos)) add(c.expr)
          } else if (!containsAggregate(b, item.expr)) {
            addItem(item)
          }
        }
        break
      case 'group_list': {
        if (g.items.length === 1 && g.items[0]!.kind === 'group_expr' && g.items[0]!.expr.kind === 'star') {
          // GROUP BY * is GROUP BY ALL
          return bindGroupBy(b, { ...core, groupBy: { kind: 'group_all', pos: g.pos } }, input)
        }
        const plain = g.items.every(i => i.kind === 'group_expr')
        let product: number[][] = [[]]
        for (const el of g.items) {
          const expanded = expand(el, bindKey)
          // several CUBEs multiply: refuse before building an enormous list, as DuckDB does
          if (product.length * expanded.length > MAX_GROUPING_SETS) {
            throw new GrizzlyError(SqlState.programLimitExceeded, `maximum grouping set count of ${MAX_GROUPING_SETS} exceeded`, { position: g.pos })
          }
          const next: number[][] = []
          for (const a of product) for (const x of expanded) next.push([...new Set([...a, ...x])])
          product = next
        }
        if (!plain) sets = product
        break
      }
      default: assertNever(g, 'GROUP BY')
    }
  }
  const columns = exprs.map((e, i) => ({ id: b.nextId(), name: e.kind === 'colref' ? e.name : `group${i}`, type: e.type }))
  const groupingId = sets === null ? null : { id: b.nextId(), name: 'grouping_id', type: BIGINT }
  const byKey = new Map<string, OutputColumn>()
  exprs.forEach((e, i) => byKey.set(exprKey(e), columns[i]!))
  const itemGroups = new Map<SelectItem, OutputColumn>()
  for (const [item, i] of itemIndex) itemGroups.set(item, columns[i]!)
  return {
    exprs, columns, sets, groupingId, itemGroups,
    replace: e => rewriteExpr(e, x => {
      if (x.kind === 'const') return undefined
      const c = byKey.get(exprKey(x))
      return c === undefined ? undefined : colref(c)
    }),
  }
}

const MAX_GROUPING_SETS = 65535

function expand(el: GroupingElement, bindKey: (e: Expr) => number): number[][] {
  switch (el.kind) {
    // GROUP BY (a, b) and GROUPING SETS ((a, b), …): a parenthesised list is one set of keys
    case 'group_expr': return el.expr.kind === 'row' ? [el.expr.items.map(bindKey)] : [[bindKey(el.expr)]]
    case 'group_empty': return [[]]
    case 'rollup': {
      const parts = el.items.map(group => group.map(bindKey))
      const out: number[][] = []
      for (let k = parts.length; k >= 0; k--) out.push(parts.slice(0, k).flat())
      return out
    }
    case 'cube': {
      const parts = el.items.map(group => group.map(bindKey))
      if (parts.length > 12) throw new GrizzlyError(SqlState.programLimitExceeded, 'CUBE supports at most 12 elements', { position: el.pos })
      const out: number[][] = []
      for (let mask = (1 << parts.length) - 1; mask >= 0; mask--) {
        out.push(parts.filter((_, i) => (mask & (1 << (parts.length - 1 - i))) !== 0).flat())
      }
      return out
    }
    case 'grouping_sets': return el.sets.flatMap(s => expand(s, bindKey))
    default: return assertNever(el, 'grouping element')
  }
}

/** Aggregate calls met while binding the SELECT list, HAVING, ORDER BY and QUALIFY. */
export class AggregateCollector {
  readonly calls: BoundAggregateCall[] = []
  readonly columns: OutputColumn[] = []
  private readonly keys = new Map<string, number>()

  constructor(private readonly b: Binder, private readonly input: ExprBinder, private readonly groups: Groups | null) {}

  add(call: FunctionCall, name: string): BoundExpr {
    if (this.groups === null) throw new InternalError('aggregate found outside an aggregate query')
    const hooks = this.b.ctx.hooks
    const args = this.input.with({ clause: 'aggregate function arguments' })
    let fnName = name
    let argAsts: readonly Expr[] = call.args
    if (name === 'count' && (call.args.length === 0 || (call.args.length === 1 && call.args[0]!.kind === 'star'))) {
      if (call.distinct) throw new GrizzlyError(SqlState.syntaxError, 'count(DISTINCT *) is not valid', { position: call.pos })
      fnName = 'count_star'
      argAsts = []
    }
    for (const a of argAsts) {
      if (a.kind === 'star') throw new GrizzlyError(SqlState.syntaxError, `${name}(*) is not valid`, { position: a.pos })
      if (a.kind === 'named_arg') throw notSupported('named arguments in aggregate calls', a.pos)
    }
    let bound = argAsts.map(a => args.bind(a))
    let descending = false
    if (call.withinGroup.length > 0) {
      // percentile_cont(0.5) WITHIN GROUP (ORDER BY x) → quantile_cont(x, 0.5), as DuckDB does
      if (call.withinGroup.length !== 1) throw notSupported('WITHIN GROUP with several sort keys', call.pos)
      const renamed: Record<string, string> = { percentile_cont: 'quantile_cont', percentile_disc: 'quantile_disc' }
      fnName = renamed[name] ?? name
      const key = call.withinGroup[0]!
      // the fraction of percentile_cont(q) is a constant in [0, 1] (quantile_cont also takes
      // negative ones, counted from the top; the SQL-standard form does not), as in DuckDB
      for (const [k, q] of bound.entries()) {
        const asDouble = q.type.id === 'LIST' ? list(DOUBLE) : DOUBLE
        if (fnName === name || !canCast(normalizeLiteralType(q.type), asDouble)) continue
        const folded = this.b.fold(castTo(q, asDouble), call.args[k]!.pos)
        if (folded.kind !== 'const') continue
        const fractions = Array.isArray(folded.value) ? folded.value : [folded.value]
        if (fractions.some(f => f === null || !(Number(f) >= 0 && Number(f) <= 1))) {
          throw new GrizzlyError(SqlState.invalidParameterValue, `the fraction of ${name} must be between 0 and 1, not ${String(folded.value)}`, {
            position: call.args[k]!.pos, hint: `pass a number between 0 and 1, e.g. ${name}(0.5) WITHIN GROUP (ORDER BY x)`,
          })
        }
      }
      bound = [args.bind(key.expr), ...bound]
      descending = sortDirection(this.b, key).descending && fnName !== name
    }
    // quantile_cont(x, 0.8 ORDER BY x DESC) counts from the top too (DuckDB)
    if (QUANTILE_FUNCTIONS.has(fnName) && call.orderBy.length === 1 && sortDirection(this.b, call.orderBy[0]!).descending) descending = true
    const resolved = bindAggregateCall(hooks, fnName, bound, call.pos)
    if (descending) {
      // the q-th value counted from the largest
      const fn = resolved.fn
      resolved.fn = { ...fn, name: `${fn.name} (descending)`, createState: ctx => descendingQuantile(fn.createState(ctx)) }
    }
    const filter = call.filter === null ? null : ensureBoolean(args.bind(call.filter), 'FILTER', call.filter.pos)
    for (const o of call.orderBy) rejectConstantSortKey(this.b, o.expr, 'ORDER BY')
    // mode() WITHIN GROUP (ORDER BY x DESC): x fed in that order, so ties go to the first one met
    const ordered = call.withinGroup.length > 0 && fnName === name ? call.withinGroup : call.orderBy
    const orderBy: SortKey[] = ordered.map(o => ({
      expr: args.bind(o.expr), ...sortDirection(this.b, o),
    }))
    if (call.distinct && orderBy.length > 0) {
      // ORDER BY of a DISTINCT aggregate may only read what the arguments read; a volatile
      // argument (random() * i) does not determine i, so it lends no columns
      const argColumns = new Set<number>()
      for (const a of resolved.args) if (!isVolatile(a)) referencedColumns(a, argColumns)
      if (!orderBy.every(o => !isVolatile(o.expr) && [...referencedColumns(o.expr)].every(id => argColumns.has(id)))) {
        throw new GrizzlyError(SqlState.invalidColumnReference, 'in a DISTINCT aggregate, ORDER BY expressions must appear in the argument list', {
          position: call.pos, hint: 'order by the aggregated value or a non-volatile expression of it, or drop DISTINCT',
        })
      }
    }
    const aggregate: BoundAggregateCall = { fn: resolved.fn, args: resolved.args, distinct: call.distinct, filter, orderBy, type: resolved.fn.returns }
    const key = [resolved.fn.name, call.distinct, ...aggregate.args.map(exprKey), filter === null ? '' : exprKey(filter),
      ...orderBy.map(o => `${exprKey(o.expr)}${o.descending}${o.nullsFirst}`)].join('|')
    let i = this.keys.get(key)
    if (i === undefined) {
      i = this.calls.length
      this.calls.push(aggregate)
      this.columns.push({ id: this.b.nextId(), name: exprToSql(call), type: aggregate.type })
      this.keys.set(key, i)
    }
    return colref(this.columns[i]!)
  }

  /** GROUPING(a, b): bit i set when argument i is not grouped in this row's grouping set. */
  grouping(argAsts: readonly Expr[], position: number): BoundExpr {
    const groups = this.groups
    if (groups === null || groups.exprs.length === 0) {
      throw new GrizzlyError(SqlState.groupingError, 'GROUPING must be used in a query with GROUP BY', { position })
    }
    if (argAsts.length === 0 || argAsts.length > 63) throw new GrizzlyError(SqlState.syntaxError, 'GROUPING needs 1 to 63 arguments', { position })
    const binder = this.input.with({ clause: 'GROUPING' })
    const indexes = argAsts.map(a => {
      const key = exprKey(binder.bind(a))
      const i = groups.exprs.findIndex(g => exprKey(g) === key)
      if (i < 0) {
        throw new GrizzlyError(SqlState.groupingError, 'arguments to GROUPING must be grouping expressions of the associated query level', { position: a.pos })
      }
      return i
    })
    if (groups.groupingId === null) return { kind: 'const', value: 0n, type: BIGINT }
    const hooks = this.b.ctx.hooks
    const n = groups.exprs.length
    const big = (v: number): BoundExpr => ({ kind: 'const', value: BigInt(v), type: BIGINT })
    let result: BoundExpr | null = null
    indexes.forEach((gi, j) => {
      const shifted = bindScalarCall(hooks, '>>', [colref(groups.groupingId!), big(n - 1 - gi)], position)
      let bit: BoundExpr = bindScalarCall(hooks, '&', [shifted, big(1)], position)
      const up = indexes.length - 1 - j
      if (up > 0) bit = bindScalarCall(hooks, '<<', [bit, big(up)], position)
      result = result === null ? bit : bindScalarCall(hooks, '|', [result, bit], position)
    })
    return result!
  }

  plan(input: LogicalPlan): LogicalPlan {
    const groups = this.groups
    if (groups === null) throw new InternalError('aggregate plan without groups')
    return {
      kind: 'aggregate', input, groups: groups.exprs, aggregates: this.calls,
      groupingSets: groups.sets, groupingIdColumn: groups.groupingId?.id ?? null,
      output: [...groups.columns, ...this.columns, ...(groups.groupingId === null ? [] : [groups.groupingId])],
    }
  }
}

const QUANTILE_FUNCTIONS: ReadonlySet<string> = new Set(['quantile_cont', 'quantile_disc', 'quantile', 'median'])
