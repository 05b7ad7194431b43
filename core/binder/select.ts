/**
 * One SELECT: FROM → WHERE → GROUP BY / aggregates → HAVING → windows → QUALIFY → SELECT list
 * → DISTINCT [ON] → ORDER BY. Aggregates and window calls met while binding the SELECT list,
 * HAVING, QUALIFY and ORDER BY become columns of the Aggregate and Window nodes; ORDER BY
 * expressions not in the SELECT list are computed as hidden columns and projected away.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { Expr, FunctionCall, OrderItem, Query, SelectCore, SelectItem } from '../parser/ast.ts'
import type { BoundExpr, ColumnId, OutputColumn, SortKey } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { BOOLEAN, type Value } from '../types/types.ts'
import { defaultDescending, defaultNullsFirst } from '../functions/settings.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import type { Binder, BoundQuery, CteScope } from './binder.ts'
import { ExprBinder, type ExprSinks } from './expression.ts'
import { ensureBoolean } from './functions.ts'
import { bindFrom } from './from.ts'
import { withSample } from './sample.ts'
import { AggregateCollector, bindGroupBy, containsAggregate } from './aggregate.ts'
import { outputOrdinal, rejectConstantSortKey } from './query.ts'
import { exprKey, rewriteExpr } from './rewrite.ts'
import { Scope, colref } from './scope.ts'
import { columnNameOf } from './names.ts'
import { expandStarExpression, starExpressions, starItems } from './columns.ts'
import { UnnestCollector } from './unnest.ts'
import { WindowCollector } from './window.ts'

/**
 * ASC/DESC as written, else the default_order setting; NULLS FIRST/LAST as written, else the
 * default_null_order setting applied to the resolved direction (as DuckDB resolves both).
 */
export function sortDirection(b: Binder, item: { readonly descending: boolean | null; readonly nulls: 'first' | 'last' | null }): { descending: boolean; nullsFirst: boolean } {
  const setting = (name: string): Value => b.ctx.setting(name)
  const descending = item.descending ?? defaultDescending(setting)
  return { descending, nullsFirst: item.nulls !== null ? item.nulls === 'first' : defaultNullsFirst(setting, descending) }
}

interface SelectColumn { readonly name: string; readonly expr: BoundExpr; readonly ast: Expr | null }

/**
 * Thrown to bind a SELECT again: a subquery handed it an aggregate though it was bound as not
 * aggregating ('force'), or all the aggregates it saw belonged to an enclosing query ('never').
 */
class RebindSelect {
  constructor(readonly select: object, readonly mode: AggregateMode) {}
}
type AggregateMode = 'auto' | 'force' | 'never'

export function bindSelect(b: Binder, core: SelectCore, outer: Scope | null, ctes: CteScope | null,
  orderBy: readonly OrderItem[], orderByAll: Query['orderByAll']): BoundQuery {
  const token = {}
  try {
    return bindSelectOnce(b, core, outer, ctes, orderBy, orderByAll, token, 'auto')
  } catch (e) {
    // SELECT (SELECT sum(t.a)) FROM t aggregates t; (SELECT i + min(t.i) FROM u) does not aggregate u
    if (e instanceof RebindSelect && e.select === token) return bindSelectOnce(b, core, outer, ctes, orderBy, orderByAll, token, e.mode)
    throw e
  }
}

/**
 * A SELECT alias that is a GROUP BY key names the group column for subqueries too (DuckDB:
 * `SELECT a + 1 AS k, k IN (SELECT k …) … GROUP BY k`), unless an input column has the name.
 * Hidden from `*`.
 */
function exposeGroupedAliases(core: SelectCore, itemGroups: ReadonlyMap<SelectItem, OutputColumn>, input: Scope, select: Scope): void {
  const columns: OutputColumn[] = []
  for (const item of core.items) {
    const group = itemGroups.get(item)
    if (item.alias === null || group === undefined) continue
    let shadowed: boolean
    try { shadowed = input.resolveLocal([item.alias], item.pos) !== undefined } catch { shadowed = true }
    if (shadowed || columns.some(c => c.name.toLowerCase() === item.alias!.toLowerCase())) continue
    columns.push({ ...group, name: item.alias })
  }
  if (columns.length === 0) return
  select.addBinding('', null, columns, core.pos)
  for (const c of columns) select.pseudo.add(c.id)
}

function bindSelectOnce(b: Binder, core: SelectCore, outer: Scope | null, ctes: CteScope | null,
  orderBy: readonly OrderItem[], orderByAll: Query['orderByAll'], token: object, mode: AggregateMode): BoundQuery {
  // DuckDB's USING SAMPLE samples the FROM clause's rows, before WHERE
  const from = withSample(b, bindFrom(b, core.from, outer, ctes), core.sample)
  let plan = from.plan
  const inputScope = from.scope
  // SELECT-list aliases stand in for missing column names; in the SELECT list only earlier ones
  let aliasLimit = core.items.length
  const expanding = new Set<string>()
  const alias = (name: string, _position: number, binder: ExprBinder): BoundExpr | undefined => {
    const lower = name.toLowerCase()
    const index = core.items.findIndex(i => i.alias?.toLowerCase() === lower && i.expr.kind !== 'star')
    if (index < 0 || index >= aliasLimit || expanding.has(lower)) return undefined
    expanding.add(lower)
    try { return binder.bind(core.items[index]!.expr) } finally { expanding.delete(lower) }
  }
  const input = new ExprBinder(b, inputScope, ctes, { clause: 'WHERE', alias })
  if (core.where !== null) {
    const where = core.where
    // WHERE COLUMNS(…) > 0 holds when it holds for every column
    const parts = starExpressions(where).length === 0 ? [input.bind(where)]
      : expandStarExpression(input, where, null, () => ensureBoolean(input.bind(where), 'WHERE', where.pos))
    const predicate = ensureBoolean(parts.length === 1 ? parts[0]! : { kind: 'and', args: parts, type: BOOLEAN }, 'WHERE', where.pos)
    plan = { kind: 'filter', input: plan, predicate, output: plan.output }
  }

  const aggregating = mode === 'force' || core.groupBy !== null || core.having !== null || mode === 'auto' && (
    core.items.some(i => containsAggregate(b, i.expr)) ||
    orderBy.some(o => containsAggregate(b, o.expr)) || (core.qualify !== null && containsAggregate(b, core.qualify)))

  // GROUP BY keys are bound over the input; the SELECT list then sees them as Aggregate outputs
  const inputIds = new Set<ColumnId>(plan.output.map(c => c.id))
  const groups = aggregating ? bindGroupBy(b, core, input) : null
  const ungrouped = new Map<ColumnId, { name: string; position: number }>()
  let selectScope = inputScope
  if (groups !== null) {
    const byId = new Map<ColumnId, OutputColumn>()
    groups.exprs.forEach((g, i) => { if (g.kind === 'colref') byId.set(g.id, groups.columns[i]!) })
    selectScope = inputScope.withMapping((ref, position) => {
      const g = byId.get(ref.id)
      if (g !== undefined) return colref(g)
      if (inputIds.has(ref.id) && !ungrouped.has(ref.id)) ungrouped.set(ref.id, { name: ref.name, position })
      return ref
    })
    exposeGroupedAliases(core, groups.itemGroups, inputScope, selectScope)
  }
  const aggregates = new AggregateCollector(b, input, groups)
  const windows = new WindowCollector(b, core.windows)
  const unnests = new UnnestCollector(b)
  const sinks = (clause: string, allowWindows: boolean): ExprSinks => ({
    clause, alias,
    aggregate: (call: FunctionCall, name: string) => {
      if (groups === null) {
        if (mode === 'never') throw new InternalError('an aggregate reached a SELECT bound as not aggregating')
        throw new RebindSelect(token, 'force')
      }
      return aggregates.add(call, name)
    },
    grouping: (args, position) => aggregates.grouping(args, position),
    ...(allowWindows ? { window: (call, name) => windows.add(selectBinder, call, name) } : {}),
    ...(clause === 'SELECT' ? { unnest: (call: FunctionCall) => unnests.add(selectBinder, call) } : {}),
  })
  const selectBinder: ExprBinder = new ExprBinder(b, selectScope, ctes, sinks('SELECT', true))

  // SELECT list with * expanded
  const columns: SelectColumn[] = []
  core.items.forEach((item, i) => {
    aliasLimit = i
    const grouped = groups?.itemGroups.get(item)
    const fields = grouped === undefined ? unnests.structColumns(selectBinder, item.expr) : undefined
    if (grouped !== undefined) columns.push({ name: item.alias ?? columnNameOf(item.expr), expr: colref(grouped), ast: item.expr })
    else if (fields !== undefined) columns.push(...fields.map(f => ({ ...f, ast: null })))
    else columns.push(...bindSelectItem(selectBinder, item))
  })
  aliasLimit = core.items.length
  if (columns.length === 0) throw new GrizzlyError(SqlState.syntaxError, 'SELECT list is empty', { position: core.pos })

  // in HAVING an alias wins over an input column that is not grouped (DuckDB)
  const havingOverride = (name: string, position: number, binder: ExprBinder): BoundExpr | undefined => {
    if (groups === null || !core.items.some(i => i.alias?.toLowerCase() === name.toLowerCase())) return undefined
    let resolved: BoundExpr
    try { resolved = inputScope.resolve([name], position).expr } catch { return undefined }
    if (resolved.kind === 'colref' && groups.exprs.some(g => g.kind === 'colref' && g.id === resolved.id)) return undefined
    return alias(name, position, binder)
  }
  const having = core.having === null ? null
    : ensureBoolean(selectBinder.with({ ...sinks('HAVING', false), override: havingOverride }).bind(core.having), 'HAVING', core.having.pos)
  const qualify = core.qualify === null ? null
    : ensureBoolean(selectBinder.with(sinks('QUALIFY', true)).bind(core.qualify), 'QUALIFY', core.qualify.pos)
  if (qualify !== null && windows.calls.length === 0) {
    throw new GrizzlyError(SqlState.windowingError, 'QUALIFY needs a window function', { position: core.qualify!.pos })
  }

  // ORDER BY and DISTINCT ON: output columns by alias or position, else hidden columns
  const hidden: BoundExpr[] = []
  const outputRef = (e: Expr, clause: 'ORDER BY' | 'DISTINCT ON'): { index: number } => {
    rejectConstantSortKey(b, e, clause)
    const ordinal = outputOrdinalIndex(e, columns.length)
    if (ordinal !== undefined) return { index: ordinal }
    if (e.kind === 'column' && e.parts.length === 1) {
      // an explicit alias wins over a column's own name (DuckDB)
      const lower = e.parts[0]!.toLowerCase()
      const aliased = core.items.filter(i => i.alias?.toLowerCase() === lower && i.expr.kind !== 'star')
      if (aliased.length === 1) {
        const index = columns.findIndex(c => c.ast === aliased[0]!.expr)
        if (index >= 0) return { index }
      }
      const matches = columns.map((c, i) => ({ c, i })).filter(x => x.c.name.toLowerCase() === lower && x.c.ast !== null)
      if (matches.length === 1) return { index: matches[0]!.i }
    }
    const bound = selectBinder.with(sinks(clause, true)).bind(e)
    const key = exprKey(bound)
    const same = columns.findIndex(c => exprKey(c.expr) === key)
    if (same >= 0) return { index: same }
    const h = hidden.findIndex(x => exprKey(x) === key)
    if (h >= 0) return { index: columns.length + h }
    hidden.push(bound)
    return { index: columns.length + hidden.length - 1 }
  }
  const sortSpec: { index: number; descending: boolean; nullsFirst: boolean }[] = []
  if (orderByAll !== null) {
    const direction = sortDirection(b, orderByAll)
    columns.forEach((_, index) => sortSpec.push({ index, ...direction }))
  }
  for (const o of orderBy) {
    sortSpec.push({ ...outputRef(o.expr, 'ORDER BY'), ...sortDirection(b, o) })
  }
  // SELECT DISTINCT ordered by columns it does not show is DISTINCT ON all its columns (DuckDB;
  // PostgreSQL refuses): each distinct row keeps the first in that order
  const distinctOnAll = core.distinct === true && hidden.length > 0
  const distinctOn = Array.isArray(core.distinct)
    ? (core.distinct as readonly Expr[]).flatMap(e => starExpressions(e).length === 0 ? [outputRef(e, 'DISTINCT ON').index]
      : expandStarExpression(selectBinder, e, null, (c, bare) => outputRef(bare ? c.ast : e, 'DISTINCT ON').index))
    : distinctOnAll ? columns.map((_, i) => i) : null

  // aggregate: replace GROUP BY expressions, then any input column left is not grouped
  let exprs = [...columns.map(c => c.expr), ...hidden]
  let havingExpr = having
  let qualifyExpr = qualify
  if (groups !== null && mode === 'auto' && core.groupBy === null && core.having === null &&
    aggregates.calls.length === 0 && aggregates.columns.length === 0) {
    throw new RebindSelect(token, 'never')
  }
  if (groups !== null) {
    const replace = (e: BoundExpr): BoundExpr => groups.replace(e)
    exprs = exprs.map(replace)
    havingExpr = havingExpr === null ? null : replace(havingExpr)
    qualifyExpr = qualifyExpr === null ? null : replace(qualifyExpr)
    windows.rewrite(replace)
    unnests.rewrite(replace)
    const check = (e: BoundExpr): void => {
      rewriteExpr(e, x => {
        if (x.kind === 'colref' && inputIds.has(x.id)) {
          const where = ungrouped.get(x.id)
          throw new GrizzlyError(SqlState.groupingError,
            `column "${x.name}" must appear in the GROUP BY clause or be used in an aggregate function`,
            { position: where?.position ?? core.pos, hint: `add "${x.name}" to GROUP BY, or wrap it in an aggregate such as first(${x.name})` })
        }
        return undefined
      })
    }
    exprs.forEach(check)
    if (havingExpr !== null) check(havingExpr)
    if (qualifyExpr !== null) check(qualifyExpr)
    windows.forEachExpr(check)
    unnests.forEachExpr(check)
    plan = aggregates.plan(plan)
  }
  if (havingExpr !== null) plan = { kind: 'filter', input: plan, predicate: havingExpr, output: plan.output }
  plan = windows.plan(plan)
  if (qualifyExpr !== null) plan = { kind: 'filter', input: plan, predicate: qualifyExpr, output: plan.output }
  plan = unnests.plan(plan)

  const names = columns.map(c => c.name)
  const projected = b.columns([...names, ...hidden.map((_, i) => `#hidden${i}`)], exprs.map(e => e.type))
  plan = { kind: 'project', input: plan, exprs, output: projected }
  const keys: SortKey[] = sortSpec.map(s => ({ expr: colref(projected[s.index]!), descending: s.descending, nullsFirst: s.nullsFirst }))
  if (core.distinct === true && !distinctOnAll) plan = { kind: 'distinct', input: plan, on: null, orderBy: [], output: plan.output }
  if (distinctOn !== null) plan = { kind: 'distinct', input: plan, on: distinctOn.map(i => colref(projected[i]!)), orderBy: keys, output: plan.output }
  if (keys.length > 0) plan = { kind: 'sort', input: plan, keys, output: plan.output }
  if (hidden.length > 0) {
    const visible = projected.slice(0, columns.length)
    plan = { kind: 'project', input: plan, exprs: visible.map(c => colref(c)), output: b.columns(names, visible.map(c => c.type)) }
  }
  return { plan, names }
}

function outputOrdinalIndex(e: Expr, count: number): number | undefined {
  const fake: OutputColumn[] = Array.from({ length: count }, (_, i) => ({ id: i, name: '', type: { id: 'NULL' } }))
  const r = outputOrdinal(e, fake)
  return r === undefined || r.kind !== 'colref' ? undefined : r.id
}

export function bindSelectItem(eb: ExprBinder, item: SelectItem): SelectColumn[] {
  const e = item.expr
  if (e.kind === 'star') {
    const out: SelectColumn[] = starItems(eb, e).map(c => ({ name: c.name, expr: c.expr ?? eb.bind(c.ast), ast: c.replaced ? c.ast : null }))
    if (item.alias !== null && out.length === 1) out[0] = { ...out[0]!, name: item.alias }
    return out
  }
  if (starExpressions(e).length > 0) {
    // COLUMNS(…) and * LIKE …: one column per match, named after it
    return expandStarExpression(eb, e, item.alias, (c, bare) => ({ name: c.name, expr: normalizeConst(eb.bind(e)), ast: bare ? c.ast : null }))
  }
  const expr = eb.bind(e)
  // #n is named after the column it stands for (DuckDB)
  const name = item.alias ?? (e.kind === 'positional' && expr.kind === 'colref' ? expr.name : columnNameOf(e))
  return [{ name, expr: normalizeConst(expr), ast: e }]
}

/** A bare string literal in the SELECT list becomes an ordinary VARCHAR column. */
function normalizeConst(e: BoundExpr): BoundExpr {
  if (e.kind === 'const') {
    const t = normalizeLiteralType(e.type)
    return t === e.type ? e : { ...e, type: t }
  }
  return e
}

