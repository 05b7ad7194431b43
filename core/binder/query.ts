/**
 * Whole queries: WITH, the body (SELECT, set operations, VALUES, nested queries), and the
 * ORDER BY / LIMIT / OFFSET that apply to the whole of it.
 */
import { GrizzlyError, SqlState, assertNever, notSupported } from '../errors.ts'
import type { CommonTableExpr, Expr, OrderItem, Query, QueryBody, SetOperation } from '../parser/ast.ts'
import { exprChildren, type BoundExpr, type OutputColumn, type SortKey } from '../plan/expr.ts'
import type { LimitNode, LogicalPlan } from '../plan/logical.ts'
import { formatExpr } from '../parser/format.ts'
import { commonSuperType } from '../types/coercion.ts'
import { BIGINT, DOUBLE, type LogicalType, type StructField, VARCHAR, isNested, struct, typeToString } from '../types/types.ts'
import { type Binder, type BoundQuery, type CteDef, CteScope } from './binder.ts'
import { callsVolatileFunction, countCteReferences } from './cte-rule.ts'
import { ExprBinder } from './expression.ts'
import { bindScalarCall, castTo } from './functions.ts'
import { bindSelect, sortDirection } from './select.ts'
import { Scope, colref } from './scope.ts'

/** `outer` is the enclosing query's scope for correlated references (null at top level). */
export function bindQuery(b: Binder, query: Query, outer: Scope | null, ctes: CteScope | null): BoundQuery {
  let q = query
  const first = q.orderBy[0]
  if (q.orderBy.length === 1 && first!.expr.kind === 'star' && first!.expr.qualifier === null) {
    // ORDER BY * is ORDER BY ALL
    q = { ...q, orderBy: [], orderByAll: { descending: first!.descending, nulls: first!.nulls } }
  }
  const scope = q.with === null ? ctes : registerCtes(b, q.with.ctes, q.with.recursive, ctes, outer, true, { ...q, with: null })
  let bound: BoundQuery
  if (q.body.kind === 'select') {
    bound = bindSelect(b, q.body, outer, scope, q.orderBy, q.orderByAll)
  } else {
    bound = bindBody(b, q.body, outer, scope)
    if (q.orderBy.length > 0 || q.orderByAll !== null) bound = orderByOutput(b, bound, q.orderBy, q.orderByAll, outer, scope, q.body)
  }
  bound = bindLimit(b, bound, q, scope)
  return wrapMaterialized(q, scope, bound)
}

export function bindBody(b: Binder, body: QueryBody, outer: Scope | null, ctes: CteScope | null): BoundQuery {
  switch (body.kind) {
    case 'select': return bindSelect(b, body, outer, ctes, [], null)
    case 'query': return bindQuery(b, body, outer, ctes)
    case 'values': return bindValues(b, body.rows, outer, ctes, null)
    case 'set_operation': return bindSetOperation(b, body, outer, ctes)
    default: return assertNever(body, 'query body')
  }
}

/**
 * `outer`: the scope the WITH clause sits in (CTE bodies may read its columns, when the WITH is
 * inside a correlated subquery). `allowMaterialized` is false where CTEs must be inlined (the
 * parts of DML evaluated outside its input). `readers`: the query or statement the WITH belongs
 * to, without the WITH clause, where the default rule counts references.
 *
 * PostgreSQL's rule: MATERIALIZED is computed once; NOT MATERIALIZED is inlined; without either,
 * a CTE is computed once when the statement names it more than once or when it calls a volatile
 * function, and inlined otherwise (so filters reach into it). A volatile CTE is computed once
 * even under NOT MATERIALIZED, as in PostgreSQL. A CTE whose definition reads the enclosing
 * query's columns (in a correlated subquery) stays inlined unless it says MATERIALIZED or is
 * volatile; then it is computed once per run of that subquery. Recursive CTEs keep their own path.
 */
export function registerCtes(b: Binder, list: readonly CommonTableExpr[], recursive: boolean, parent: CteScope | null,
  outer: Scope | null, allowMaterialized: boolean, readers: unknown): CteScope {
  // each CTE sees the ones before it; a recursive one also sees itself (as its working table)
  let scope = new CteScope(parent)
  const seen = new Set<string>()
  list.forEach((cte, i) => {
    const key = cte.name.toLowerCase()
    if (seen.has(key)) throw new GrizzlyError(SqlState.duplicateObject, `WITH query name "${cte.name}" specified more than once`, { position: cte.pos })
    seen.add(key)
    const before = scope
    scope = new CteScope(before)
    const inline: CteDef & { kind: 'inline' } = { kind: 'inline', cte, scope: before, recursive, outer }
    const selfReading = recursive && countCteReferences(cte.query, cte.name) > 0
    if (!allowMaterialized || selfReading) { scope.set(cte.name, inline); return }
    const volatile = callsVolatileFunction(cte, b.ctx.hooks)
    if (cte.materialized === false && !volatile) { scope.set(cte.name, inline); return }
    let refs = Infinity
    if (cte.materialized === null) {
      refs = countCteReferences([readers, list.slice(i + 1).map(c => c.query)], cte.name)
      // never read: never bound, as before
      if (refs === 0) { scope.set(cte.name, inline); return }
    }
    const defined = bindDefinition(b, cte, outer, before)
    const perStatement = !defined.correlated && !defined.varying
    if (cte.materialized === true || volatile || (refs > 1 && perStatement)) {
      scope.set(cte.name, { kind: 'materialized', cteId: b.nextCteId(), name: cte.name, plan: defined.bound.plan, names: defined.bound.names, refs: 0, perStatement })
    } else {
      scope.set(cte.name, { ...inline, bound: defined.bound })
    }
  })
  return scope
}

/** Binds a CTE's query once, noting whether it reads the enclosing query's columns or rows that change during the statement. */
function bindDefinition(b: Binder, cte: CommonTableExpr, outer: Scope | null, ctes: CteScope):
  { bound: BoundQuery; correlated: boolean; varying: boolean } {
  // a boundary scope collects the outer columns the definition reads
  const probe = outer === null ? null : new Scope(outer, true)
  if (probe !== null) probe.outerAggregate = nearestBoundary(outer)?.outerAggregate ?? null
  const mark = b.varyingCteReads.length, lastId = b.lastCteId
  const bound = b.enterView(cte.name, cte.pos, () => renameColumns(bindQuery(b, cte.query, probe, ctes), cte.columns, cte.pos))
  // ids above lastId belong to CTEs inside the definition, which vary with it
  const varying = b.varyingCteReads.slice(mark).some(id => id <= lastId)
  return { bound, correlated: (probe?.correlated?.length ?? 0) > 0, varying }
}

function nearestBoundary(s: Scope | null): Scope | null {
  while (s !== null && s.correlated === null) s = s.parent
  return s
}

function wrapMaterialized(q: Query, ctes: CteScope | null, bound: BoundQuery): BoundQuery {
  if (q.with === null) return bound
  return { plan: wrapMaterializedCtes(q.with.ctes, ctes, bound.plan), names: bound.names }
}

/** Puts a CteNode around `plan` for every materialized CTE of `list` that was referenced. */
export function wrapMaterializedCtes(list: readonly CommonTableExpr[], ctes: CteScope | null, plan: LogicalPlan): LogicalPlan {
  if (ctes === null) return plan
  for (const cte of [...list].reverse()) {
    const def = ctes.get(cte.name)
    if (def?.kind !== 'materialized' || def.refs === 0) continue
    plan = {
      kind: 'cte', cteId: def.cteId, name: def.name, definition: def.plan, body: plan, output: plan.output,
      references: def.refs, perStatement: def.perStatement,
    }
  }
  return plan
}

/** Applies WITH t(a, b) / alias column lists: renames the first columns. */
export function renameColumns(bound: BoundQuery, columns: readonly string[] | null, position: number): BoundQuery {
  if (columns === null) return bound
  if (columns.length > bound.names.length) {
    throw new GrizzlyError(SqlState.syntaxError, `${columns.length} column names given but the query has only ${bound.names.length} columns`, { position })
  }
  const names = bound.names.map((n, i) => columns[i] ?? n)
  return { plan: bound.plan, names }
}

// ---- VALUES -----------------------------------------------------------------------------------

/** VALUES rows; columns are named col0, col1, … (DuckDB); `targetTypes` casts each column. */
export function bindValues(b: Binder, rows: readonly (readonly Expr[])[], outer: Scope | null, ctes: CteScope | null,
  targetTypes: readonly LogicalType[] | null, defaults?: (column: number, position: number) => BoundExpr): BoundQuery {
  const width = rows[0]?.length ?? 0
  const bound: BoundExpr[][] = []
  for (const row of rows) {
    if (row.length !== width) {
      throw new GrizzlyError(SqlState.syntaxError, 'VALUES lists must all be the same length', { position: row[0]?.pos ?? 0 })
    }
    bound.push(row.map((x, i) => {
      const eb = new ExprBinder(b, new Scope(outer, false), ctes, {
        clause: 'VALUES', ...(defaults === undefined ? {} : { default: (pos: number) => defaults(i, pos) }),
      })
      return eb.bind(x)
    }))
  }
  const types: LogicalType[] = []
  for (let c = 0; c < width; c++) {
    const target = targetTypes?.[c]
    if (target !== undefined) { types.push(target); continue }
    const t = commonSuperType(bound.map(r => r[c]!.type))
    if (t === undefined) {
      throw new GrizzlyError(SqlState.datatypeMismatch,
        `VALUES column ${c + 1} mixes types ${[...new Set(bound.map(r => typeToString(r[c]!.type)))].join(' and ')}`,
        { position: rows[0]![c]!.pos, hint: 'add explicit casts so every row has the same type' })
    }
    types.push(t)
  }
  const output = b.columns(types.map((_, i) => `col${i}`), types)
  const plan: LogicalPlan = {
    kind: 'values', output,
    rows: bound.map(r => r.map((x, i) => b.fold(castTo(x, output[i]!.type, false), 0))),
  }
  return { plan, names: output.map(o => o.name) }
}

// ---- set operations ---------------------------------------------------------------------------

function bindSetOperation(b: Binder, op: SetOperation, outer: Scope | null, ctes: CteScope | null): BoundQuery {
  let left = bindBody(b, op.left, outer, ctes)
  let right = bindBody(b, op.right, outer, ctes)
  boundBranchNames.set(op.left, left.names)
  boundBranchNames.set(op.right, right.names)
  if (op.byName) {
    if (op.op !== 'union') throw notSupported(`${op.op.toUpperCase()} BY NAME`, op.pos)
    ;[left, right] = alignByName(b, left, right, op.pos)
  }
  if (left.names.length !== right.names.length) {
    throw new GrizzlyError(SqlState.syntaxError,
      `each ${op.op.toUpperCase()} query must have the same number of columns (${left.names.length} and ${right.names.length})`,
      { position: op.pos })
  }
  const types = left.plan.output.map((l, i) => {
    const r = right.plan.output[i]!
    const t = setOperationType(l.type, r.type)
    if (t !== undefined) return t
    throw new GrizzlyError(SqlState.datatypeMismatch,
      `${op.op.toUpperCase()} types ${typeToString(l.type)} and ${typeToString(r.type)} cannot be matched`, { position: op.pos })
  })
  const output = b.columns(left.names, types)
  boundBranchNames.set(op, left.names)
  return {
    plan: { kind: 'set_op', op: op.op, all: op.all, left: castColumns(b, left.plan, types), right: castColumns(b, right.plan, types), output },
    names: left.names,
  }
}

/**
 * The type a set operation's column gets: the common type, else, like DuckDB, VARCHAR for
 * unrelated scalar types, also inside lists and structs of the same shape
 * ({'a': '0'} UNION ALL {'a': 0} is STRUCT(a VARCHAR)).
 */
function setOperationType(l: LogicalType, r: LogicalType): LogicalType | undefined {
  const t = commonSuperType([l, r])
  if (t !== undefined) return t
  if (!isNested(l) && !isNested(r)) return VARCHAR
  if (l.id === 'LIST' && r.id === 'LIST') {
    const child = setOperationType(l.child, r.child)
    return child === undefined ? undefined : { ...l, child }
  }
  if (l.id !== 'STRUCT' || r.id !== 'STRUCT' || l.fields.length !== r.fields.length) return undefined
  const fields: StructField[] = []
  for (let i = 0; i < l.fields.length; i++) {
    const f = l.fields[i]!, g = r.fields[i]!
    const type = f.name.toLowerCase() === g.name.toLowerCase() ? setOperationType(f.type, g.type) : undefined
    if (type === undefined) return undefined
    fields.push({ name: f.name, type })
  }
  return struct(fields)
}

/** UNION BY NAME: the left's columns, then the right's new ones; missing columns are NULL. */
function alignByName(b: Binder, left: BoundQuery, right: BoundQuery, position: number): [BoundQuery, BoundQuery] {
  // columns are matched by name, so a side may not have two of the same name (DuckDB)
  for (const side of [left, right]) {
    const seen = new Set<string>()
    for (const n of side.names) {
      if (seen.has(n.toLowerCase())) {
        throw new GrizzlyError(SqlState.duplicateColumn, `UNION BY NAME: column "${n}" appears twice on one side`, {
          position, hint: 'give the columns distinct names with AS',
        })
      }
      seen.add(n.toLowerCase())
    }
  }
  const names = [...left.names]
  for (const n of right.names) if (!names.some(x => x.toLowerCase() === n.toLowerCase())) names.push(n)
  const pick = (q: BoundQuery): BoundQuery => {
    const exprs: BoundExpr[] = names.map(n => {
      const i = q.names.findIndex(x => x.toLowerCase() === n.toLowerCase())
      return i < 0 ? { kind: 'const', value: null, type: { id: 'NULL' } } : colref(q.plan.output[i]!)
    })
    const output = b.columns(names, exprs.map(e => e.type))
    return { plan: { kind: 'project', input: q.plan, exprs, output }, names }
  }
  return [pick(left), pick(right)]
}

/** A projection casting the plan's columns to `types`, or the plan itself when nothing changes. */
export function castColumns(b: Binder, plan: LogicalPlan, types: readonly LogicalType[]): LogicalPlan {
  const same = plan.output.every((c, i) => typeToString(c.type) === typeToString(types[i]!) && c.type.id === types[i]!.id)
  if (same) return plan
  const exprs = plan.output.map((c, i) => castTo(colref(c), types[i]!))
  return { kind: 'project', input: plan, exprs, output: b.columns(plan.output.map(c => c.name), types) }
}

// ---- ORDER BY over a query's output (set operations, VALUES) ---------------------------------

function orderByOutput(b: Binder, bound: BoundQuery, items: readonly OrderItem[], all: Query['orderByAll'],
  outer: Scope | null, ctes: CteScope | null, body: QueryBody): BoundQuery {
  const out = bound.plan.output
  let keys: SortKey[]
  if (all !== null) {
    const direction = sortDirection(b, all)
    keys = out.map(c => ({ expr: colref(c), ...direction }))
  } else {
    // like DuckDB, ORDER BY over a set operation may name any branch's columns, also qualified
    const alternatives = branchNames(body, out.length)
    // qualified names live one level out, so an unqualified name finds the output column first
    const qualified = new Scope(outer, false)
    for (const [qualifier, columns] of alternatives.qualified) {
      qualified.addBinding(qualifier, null, [...columns].map(([name, i]) => ({ ...out[i]!, name })), 0)
    }
    const scope = new Scope(qualified, false)
    scope.addBinding('', null, [
      ...out.map((c, i) => ({ ...c, name: bound.names[i]! })),
      ...alternatives.names.flatMap((names, i) => names.map(name => ({ ...out[i]!, name }))),
    ], 0)
    const eb = new ExprBinder(b, scope, ctes, { clause: 'ORDER BY' })
    keys = items.map(item => ({
      expr: (rejectConstantSortKey(b, item.expr, 'ORDER BY'), outputOrdinal(item.expr, out))
        ?? (body.kind === 'set_operation' && item.expr.kind !== 'column' && item.expr.kind !== 'positional' ? branchExpression(item.expr, alternatives.exprs, out) : eb.bind(item.expr)),
      ...sortDirection(b, item),
    }))
  }
  return { plan: { kind: 'sort', input: bound.plan, keys, output: out }, names: bound.names }
}

/**
 * ORDER BY of a set operation sorts by output columns only (DuckDB, SQLite): an expression other
 * than a name or position must be written as some branch wrote an output column (`ORDER BY a - 10`
 * after `SELECT a - 10 AS k … UNION …`); a computation over output columns (`1 - k`) is refused.
 */
function branchExpression(e: Expr, exprs: readonly (readonly string[])[], out: readonly OutputColumn[]): BoundExpr {
  const text = formatExpr(e).toLowerCase()
  const i = exprs.findIndex(list => list.includes(text))
  // written at two positions (SELECT 1, a + 1 … UNION SELECT a + 1, 1 …) it names neither
  if (i < 0 || out[i] === undefined || exprs.findLastIndex(list => list.includes(text)) !== i) {
    throw new GrizzlyError(SqlState.invalidColumnReference, `could not ORDER BY ${formatExpr(e)}: a set operation is sorted by its output columns only`, {
      position: e.pos, hint: 'order by an output column name or position, select the expression in every branch, or move the set operation into a FROM clause',
    })
  }
  return colref(out[i])
}

/** The column names a branch of a set operation was bound with (SELECT * names no columns itself). */
const boundBranchNames = new WeakMap<QueryBody, readonly string[]>()

/** Column names each branch of a set operation gives each output position. */
function branchNames(body: QueryBody, width: number): { names: string[][]; exprs: string[][]; qualified: Map<string, Map<string, number>> } {
  const names: string[][] = Array.from({ length: width }, () => [])
  // each branch's output expressions as text, for ORDER BY a - 10
  const exprs: string[][] = Array.from({ length: width }, () => [])
  const qualified = new Map<string, Map<string, number>>()
  // `at` maps a branch's column position to the output position (BY NAME reorders them)
  const visit = (x: QueryBody, at: (i: number) => number | undefined): void => {
    switch (x.kind) {
      case 'set_operation': {
        const outNames = boundBranchNames.get(x)
        const side = (child: QueryBody) => (i: number): number | undefined => {
          if (!x.byName || outNames === undefined) return at(i)
          const n = boundBranchNames.get(child)?.[i]
          const j = n === undefined ? -1 : outNames.findIndex(o => o.toLowerCase() === n.toLowerCase())
          return j < 0 ? undefined : at(j)
        }
        visit(x.left, side(x.left)); visit(x.right, side(x.right)); return
      }
      case 'query': visit(x.body, at); return
      case 'values': return
      case 'select': {
        // an unqualified column of a single-table branch may be named through that table
        const only = x.from.length === 1 ? x.from[0]! : undefined
        const implicit = only?.kind === 'table_ref' ? (only.alias?.name ?? only.name[only.name.length - 1]!)
          : only?.kind === 'subquery_ref' ? only.alias?.name : undefined
        // a qualified name that stands for two output positions is ambiguous: it names none (-1)
        const qualify = (q: string, name: string, i: number): void => {
          const key = q.toLowerCase()
          if (!qualified.has(key)) qualified.set(key, new Map())
          const m = qualified.get(key)!
          const had = m.get(name)
          m.set(name, had === undefined || had === i ? i : -1)
        }
        if (x.items.some(i => i.expr.kind === 'star')) {
          boundBranchNames.get(x)?.forEach((name, local) => {
            const i = at(local)
            if (i === undefined || i >= width) return
            names[i]!.push(name)
            if (implicit !== undefined && x.items.length === 1) qualify(implicit, name, i)
          })
          return
        }
        x.items.forEach((item, local) => {
          const i = at(local)
          if (i === undefined || i >= width) return
          if (item.alias !== null) names[i]!.push(item.alias)
          exprs[i]!.push(formatExpr(item.expr).toLowerCase())
          if (item.expr.kind === 'column') {
            const parts = item.expr.parts
            names[i]!.push(parts[parts.length - 1]!)
            if (parts.length >= 2 || implicit !== undefined) qualify(parts.length >= 2 ? parts[parts.length - 2]! : implicit!, parts[parts.length - 1]!, i)
          }
        })
        return
      }
      default: assertNever(x, 'query body')
    }
  }
  visit(body, i => i)
  for (const m of qualified.values()) for (const [name, i] of m) if (i < 0) m.delete(name)
  return { names, exprs, qualified }
}

/** ORDER BY 'x' sorts by nothing, which is almost always a mistake (DuckDB and PostgreSQL refuse it). */
export function rejectConstantSortKey(b: Binder, e: Expr, clause: 'ORDER BY' | 'DISTINCT ON'): void {
  const nonInteger = e.kind === 'string' || e.kind === 'null' || (e.kind === 'number' && !/^-?\d+$/.test(e.text))
  if (nonInteger && b.ctx.setting('order_by_non_integer_literal') !== true) {
    throw new GrizzlyError(SqlState.invalidColumnReference, `${clause} non-integer literal has no effect`, {
      position: e.pos, hint: 'use a column name or position, or SET order_by_non_integer_literal = true',
    })
  }
}

/** ORDER BY 2 → the second output column. */
export function outputOrdinal(e: Expr, out: readonly OutputColumn[]): BoundExpr | undefined {
  const negative = (e.kind === 'unary' && e.op === '-' && e.operand.kind === 'number') || (e.kind === 'number' && e.text.startsWith('-'))
  if (negative) {
    throw new GrizzlyError(SqlState.invalidColumnReference, 'ORDER BY position is out of range', { position: e.pos, hint: `positions run from 1 to ${out.length}` })
  }
  if (e.kind !== 'number' || !/^\d+$/.test(e.text)) return undefined
  const n = Number(e.text)
  const col = out[n - 1]
  if (col === undefined) {
    throw new GrizzlyError(SqlState.invalidColumnReference, `ORDER BY position ${n} is not in select list`, {
      position: e.pos, hint: `the query has ${out.length} column(s)`,
    })
  }
  return colref(col)
}

// ---- LIMIT / OFFSET ---------------------------------------------------------------------------

function bindLimit(b: Binder, bound: BoundQuery, q: Query, ctes: CteScope | null): BoundQuery {
  if (q.limit === null && q.offset === null) return bound
  const eb = new ExprBinder(b, new Scope(null, false), ctes, { clause: 'LIMIT' })
  // no columns are in scope: constants, parameters and uncorrelated subqueries, evaluated once
  const bindCount = (x: Expr | null, what: string, percent: boolean): BoundExpr | null => {
    if (x === null) return null
    const e = eb.bind(x)
    if (!['NULL', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL', 'VARCHAR', 'REAL', 'DOUBLE'].includes(e.type.id)) {
      throw new GrizzlyError(SqlState.datatypeMismatch, `${what} must be ${percent ? 'a number' : 'an integer'}, not ${typeToString(e.type)}`, { position: x.pos })
    }
    // a percentage may be fractional (LIMIT 12.5%); the range 0–100 is checked at run time
    if (percent) return b.fold(castTo(e, DOUBLE), x.pos)
    // as DuckDB: a DECIMAL a subquery gives is truncated (OFFSET (SELECT 6.5) skips 6); a constant one rounds, as any cast
    const whole = e.type.id === 'DECIMAL' && hasSubquery(e) ? bindScalarCall(b.ctx.hooks, 'trunc', [e], x.pos) : e
    return checkCount(b.fold(castTo(whole, BIGINT), x.pos), what, x.pos)
  }
  const limit = bindCount(q.limit, 'LIMIT', q.limitPercent)
  const offset = bindCount(q.offset, 'OFFSET', false)
  const plan: LimitNode = q.limitPercent && limit !== null
    ? { kind: 'limit', input: bound.plan, limit, offset, output: bound.plan.output, percent: true }
    : { kind: 'limit', input: bound.plan, limit, offset, output: bound.plan.output }
  return { plan, names: bound.names }
}

function checkCount(e: BoundExpr, what: string, position: number): BoundExpr {
  if (e.kind === 'const' && typeof e.value === 'bigint' && e.value < 0n) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `${what} must not be negative`, { position })
  }
  return e
}

function hasSubquery(e: BoundExpr): boolean {
  return e.kind === 'subquery' || exprChildren(e).some(hasSubquery)
}
