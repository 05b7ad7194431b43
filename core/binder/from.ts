/**
 * FROM: catalog tables and views, CTE references, subqueries, table functions, files (through
 * the format hooks) and joins. Each entry yields a plan and a Scope naming its columns.
 */
import { withGeneratedColumns } from './generated.ts'
import { ROW_ID_COLUMN, type TableEntry } from '../catalog/catalog.ts'
import { GrizzlyError, SqlState, assertNever, didYouMean, notSupported } from '../errors.ts'
import type { FileReject, FileRejectScan, FunctionContext, TableFunctionArg } from '../hooks/contracts.ts'
import { REJECT_COLUMNS, REJECT_SCAN_COLUMNS, RejectsTable } from '../formats/rejects.ts'
import { readFiles } from '../formats/files.ts'
import { readFunction, readFunctionNames } from '../formats/functions.ts'
import { Cursor } from '../parser/cursor.ts'
import { parseTypeName } from '../parser/type-names.ts'
import type { BaseTableRef, Expr, FileRef, FunctionRef, JoinRef, QueryBody, TableAlias, TableRef, TypeName } from '../parser/ast.ts'
import type { BoundExpr, ColumnId, OutputColumn } from '../plan/expr.ts'
import { analyseAsofCondition } from '../plan/asof.ts'
import type { JoinNode, LogicalPlan } from '../plan/logical.ts'
import { normalizeLiteralType } from '../types/coercion.ts'
import { BOOLEAN, INTEGER, type LogicalType } from '../types/types.ts'
import { isVectorSearch, vectorSearchQuery } from './vector-search.ts'
import { type Binder, type BoundQuery, type CteDef, CteScope } from './binder.ts'
import { ExprBinder, singleColumn } from './expression.ts'
import { ensureBoolean } from './functions.ts'
import { resolveTypeName } from './literals.ts'
import { resolveName } from './databases.ts'
import { bindBody, bindQuery, castColumns, renameColumns } from './query.ts'
import { withSample } from './sample.ts'
import { Scope } from './scope.ts'

export interface BoundFrom { readonly plan: LogicalPlan; readonly scope: Scope }

/** The FROM list (comma entries are cross joins, later ones may refer to earlier ones). */
export function bindFrom(b: Binder, refs: readonly TableRef[], outer: Scope | null, ctes: CteScope | null): BoundFrom {
  if (refs.length === 0) {
    return { plan: { kind: 'values', rows: [[]], output: [] }, scope: new Scope(outer, false) }
  }
  nameUnnamedSubqueries(refs)
  let acc = bindTableRef(b, refs[0]!, outer, ctes, null)
  for (const ref of refs.slice(1)) {
    // later entries may read earlier ones (DuckDB binds them LATERAL when they do)
    const left = new Scope(acc.scope, true)
    const right = bindTableRef(b, ref, outer, ctes, left)
    const scope = new Scope(outer, false)
    scope.absorb(acc.scope, ref.pos)
    scope.absorb(right.scope, ref.pos)
    acc = { plan: join('cross', acc.plan, right.plan, null, left.correlated!.length > 0), scope }
  }
  return acc
}

type BoundRef = BoundFrom

/** Subqueries without an alias, named per FROM clause as DuckDB does: unnamed_subquery, unnamed_subquery2, … */
const unnamedSubqueryNames = new WeakMap<TableRef, string>()

function nameUnnamedSubqueries(refs: readonly TableRef[]): void {
  let count = 0
  const visit = (ref: TableRef): void => {
    if (ref.kind === 'join') { visit(ref.left); visit(ref.right) }
    else if (ref.kind === 'subquery_ref' && ref.alias === null) {
      count++
      unnamedSubqueryNames.set(ref, count === 1 ? 'unnamed_subquery' : `unnamed_subquery${count}`)
    }
  }
  refs.forEach(visit)
}

function join(type: JoinNode['joinType'], left: LogicalPlan, right: LogicalPlan, condition: BoundExpr | null, lateral: boolean): LogicalPlan {
  const output = type === 'semi' || type === 'anti' || type === 'asof_semi' || type === 'asof_anti' ? left.output : [...left.output, ...right.output]
  return { kind: 'join', joinType: type, left, right, condition, markColumn: null, lateral, output }
}

/** `lateralLeft`: the scope of the FROM entries to the left, which subqueries and functions may read. */
function bindTableRef(b: Binder, ref: TableRef, outer: Scope | null, ctes: CteScope | null, lateralLeft: Scope | null): BoundRef {
  switch (ref.kind) {
    case 'table_ref': return withSample(b, bindNamedTable(b, ref, outer, ctes), ref.sample)
    case 'subquery_ref': {
      const boundary = new Scope(lateralLeft ?? outer, true)
      // an aggregate of only the left side's columns would belong to the FROM clause's own query (PostgreSQL, DuckDB)
      // (the left side's boundary too: an aggregate two subquery levels down reaches the FROM clause through it)
      if (lateralLeft !== null) boundary.outerAggregate = lateralLeft.outerAggregate = call => { throw lateralAggregate(call.pos) }
      const q = bindQuery(b, ref.query, boundary, ctes === null ? null : new CteScope(ctes))
      if (ref.singleColumn === true) singleColumn(q.plan, ref.pos)
      return withSample(b, aliased(q, ref.alias, unnamedSubqueryNames.get(ref) ?? 'unnamed_subquery', null, outer, ref.pos), ref.sample)
    }
    case 'function_ref':
      // vector_search(…) stands for a query over the table (an index may then serve it)
      if (isVectorSearch(b.ctx.hooks, ref)) return bindTableRef(b, vectorSearchQuery(b.ctx.hooks, ref), outer, ctes, lateralLeft)
      return bindTableFunction(b, ref, outer, ctes)
    case 'file_ref': return bindFile(b, ref, outer)
    case 'join': return bindJoin(b, ref, outer, ctes, lateralLeft)
    default: return assertNever(ref, 'table reference')
  }
}

function lateralAggregate(position: number): GrizzlyError {
  return new GrizzlyError(SqlState.groupingError, 'aggregate functions are not allowed in FROM clause of their own query level', {
    position, hint: 'aggregate in the outer query, or over the LATERAL subquery\'s own columns',
  })
}

/** Puts a bound query under an alias (with optional column aliases) in a new scope. */
function aliased(q: BoundQuery, alias: TableAlias | null, defaultName: string, schema: string | null,
  outer: Scope | null, position: number): BoundFrom {
  const renamed = renameColumns(q, alias?.columns ?? null, alias?.pos ?? position)
  const scope = new Scope(outer, false)
  scope.addBinding(alias?.name ?? defaultName, alias === null ? schema : null,
    renamed.plan.output.map((c, i) => ({ id: c.id, type: c.type, name: renamed.names[i]! })), position)
  return { plan: renamed.plan, scope }
}

function bindNamedTable(b: Binder, ref: BaseTableRef, outer: Scope | null, ctes: CteScope | null): BoundFrom {
  const { txn } = b.ctx
  const name = ref.name[ref.name.length - 1]!
  if (ref.name.length === 1) {
    const def = ctes?.get(name)
    if (def !== undefined) return aliased(bindCteReference(b, def, ref.pos), ref.alias, def.kind === 'inline' ? def.cte.name : def.name, null, outer, ref.pos)
  }
  const target = resolveName(b.ctx, ref.name, ref.pos)
  const entry = target.catalog.require(txn, target.schema, name, ref.pos)
  if (entry.kind === 'view') {
    const q = b.enterView(entry.name, ref.pos, () => b.inCatalog(target.catalog, () => renameColumns(bindQuery(b, entry.query, null, null), entry.columnNames, ref.pos)))
    return aliased(q, ref.alias, entry.name, entry.schema, outer, ref.pos)
  }
  // tables have DuckDB's hidden rowid column (unless they have a real one); * skips it
  const withRowId = !entry.columns.some(c => c.name.toLowerCase() === 'rowid')
  const scan = withGeneratedColumns(b, entry, scanOf(b, entry, withRowId ? [ROW_ID_COLUMN] : []), entry.columns.length)
  const bound = aliased({ plan: scan, names: scan.output.map(c => c.name) }, ref.alias, entry.name, entry.schema, outer, ref.pos)
  if (withRowId) bound.scope.pseudo.add(scan.output[scan.output.length - 1]!.id)
  return bound
}

export function scanOf(b: Binder, table: TableEntry, extra: readonly number[] = []): LogicalPlan & { kind: 'scan' } {
  const columns = [...table.columns.map((_, i) => i), ...extra]
  const output: OutputColumn[] = columns.map(i => {
    const c = table.columns[i]
    return c === undefined ? { id: b.nextId(), name: 'rowid', type: { id: 'BIGINT' } } : { id: b.nextId(), name: c.name, type: c.type }
  })
  return { kind: 'scan', table, columns, filters: [], output }
}

function bindCteReference(b: Binder, def: CteDef, position: number): BoundQuery {
  switch (def.kind) {
    case 'materialized': {
      def.refs++
      if (!def.perStatement) b.varyingCteReads.push(def.cteId)
      const output = b.columns(def.names, def.plan.output.map(c => c.type))
      return { plan: { kind: 'cte_ref', cteId: def.cteId, name: def.name, output }, names: def.names }
    }
    case 'working': {
      def.used = true
      b.varyingCteReads.push(def.cteId)
      const output = b.columns(def.columns.map(c => c.name), def.columns.map(c => c.type))
      return { plan: { kind: 'cte_ref', cteId: def.cteId, name: def.name, output }, names: output.map(c => c.name) }
    }
    case 'inline': {
      const { cte } = def
      // bound once already by the default rule: the first reference takes that plan, later ones bind afresh
      const bound = def.bound
      if (bound !== undefined) { def.bound = undefined; return bound }
      const body = cte.query.body
      if (def.recursive && body.kind === 'set_operation' && body.op === 'union' && !body.byName && cte.query.orderBy.length === 0) {
        const limited = cte.query.limit !== null || cte.query.offset !== null
        const bound = bindRecursive(b, def, body.left, body.right, !body.all, limited)
        if (bound !== null) return bound
      }
      return b.enterView(cte.name, position, () => renameColumns(bindQuery(b, cte.query, def.outer, def.scope), cte.columns, cte.pos))
    }
    default: return assertNever(def, 'CTE')
  }
}

/** WITH RECURSIVE name AS (anchor UNION [ALL] step): step reads the working table. */
/** null: the body is limited and does not read itself, so it binds as a plain query. */
function bindRecursive(b: Binder, def: CteDef & { kind: 'inline' }, anchorAst: QueryBody, stepAst: QueryBody,
  distinct: boolean, limited: boolean): BoundQuery | null {
  const { cte } = def
  const anchor = renameColumns(bindBody(b, anchorAst, def.outer, def.scope), cte.columns, cte.pos)
  // an all-NULL anchor column is INTEGER, as in DuckDB
  const columns = anchor.plan.output.map((c, i) => ({ name: anchor.names[i]!, type: c.type.id === 'NULL' ? INTEGER : normalizeLiteralType(c.type) }))
  const cteId = b.nextCteId()
  const working: CteDef = { kind: 'working', cteId, name: cte.name, columns, used: false }
  const stepScope = new CteScope(def.scope)
  stepScope.set(cte.name, working)
  const step = bindBody(b, stepAst, def.outer, stepScope)
  if (step.names.length !== anchor.names.length) {
    throw new GrizzlyError(SqlState.syntaxError,
      `each UNION query must have the same number of columns (${anchor.names.length} and ${step.names.length})`, { position: cte.pos })
  }
  const types = columns.map(c => c.type)
  const output = b.columns(anchor.names, types)
  const anchorPlan = castColumns(b, anchor.plan, types)
  if (limited) {
    if (!working.used) return null
    throw new GrizzlyError(SqlState.featureNotSupported, 'LIMIT or OFFSET in a recursive query is not allowed', { position: cte.pos })
  }
  if (!working.used) {
    return { plan: { kind: 'set_op', op: 'union', all: !distinct, left: anchorPlan, right: castColumns(b, step.plan, types), output }, names: anchor.names }
  }
  return {
    plan: { kind: 'recursive_cte', cteId, name: cte.name, anchor: anchorPlan, recursive: castColumns(b, step.plan, types), distinct, output },
    names: anchor.names,
  }
}

const TYPE_OPTIONS: ReadonlySet<string> = new Set(['columns', 'types', 'dtypes', 'column_types'])

/** columns={'dt': date}, types=[date]: DuckDB takes a bare type name in the type options as its text. */
function typeNamesAsText(option: string, value: Expr): Expr {
  if (!TYPE_OPTIONS.has(option.toLowerCase())) return value
  const text = (e: Expr): Expr => e.kind === 'column' && e.parts.length === 1 ? { kind: 'string', pos: e.pos, value: e.parts[0]! } : e
  if (value.kind === 'struct') return { ...value, fields: value.fields.map(f => ({ name: f.name, value: text(f.value) })) }
  if (value.kind === 'list') return { ...value, items: value.items.map(text) }
  return value
}

function bindTableFunction(b: Binder, ref: FunctionRef, outer: Scope | null, ctes: CteScope | null): BoundFrom {
  const hooks = b.ctx.hooks
  const name = ref.name[ref.name.length - 1]!.toLowerCase()
  const def = hooks.tableFunction(name) ?? readFunction(name, hooks.allFormats())
  if (def === undefined) {
    if (hooks.scalar(name) !== undefined || hooks.aggregate(name) !== undefined) {
      throw new GrizzlyError(SqlState.wrongObjectType, `${name} is not a table function`, { position: ref.pos, hint: `call it in the SELECT list: SELECT ${name}(…)` })
    }
    throw new GrizzlyError(SqlState.undefinedFunction, `table function ${name} does not exist`, {
      position: ref.pos, hint: didYouMean(name, [...hooks.tableFunctionNames(), ...readFunctionNames(hooks.allFormats())]),
    })
  }
  if (ref.ordinality) throw notSupported('WITH ORDINALITY', ref.pos)
  const eb = new ExprBinder(b, new Scope(null, false), ctes, { clause: 'table function arguments' })
  const positional: TableFunctionArg[] = []
  const named = new Map<string, TableFunctionArg>()
  for (const a of ref.args) {
    const target = a.kind === 'named_arg' ? typeNamesAsText(a.name, a.value) : a
    let bound: BoundExpr
    try {
      bound = eb.bind(target)
    } catch (e) {
      if (e instanceof GrizzlyError && e.code === SqlState.undefinedColumn) {
        throw new GrizzlyError(SqlState.featureNotSupported, `arguments of table function ${name} must be constants`, {
          position: target.pos, hint: 'table functions over columns of other FROM entries (LATERAL) are not supported yet',
        })
      }
      throw e
    }
    const value = b.constantValue(bound, `argument of table function ${name}`, target.pos)
    const arg: TableFunctionArg = { type: normalizeLiteralType(bound.type), value }
    if (a.kind === 'named_arg') named.set(a.name.toLowerCase(), arg)
    else positional.push(arg)
  }
  const fn = withPosition(ref.pos, () => def.bind({ positional, named }, fileContext(b)))
  const output = b.columns(fn.columns.map(c => c.name), fn.columns.map(c => c.type))
  const plan: LogicalPlan = { kind: 'table_function', name, fn, columns: fn.columns.map((_, i) => i), output }
  return aliased({ plan, names: output.map(c => c.name) }, ref.alias, name, null, outer, ref.pos)
}

function withPosition<T>(position: number, f: () => T): T {
  try { return f() } catch (e) {
    if (e instanceof GrizzlyError) throw e.withPosition(position)
    throw e
  }
}

function bindFile(b: Binder, ref: FileRef, outer: Scope | null): BoundFrom {
  const paths = ref.paths ?? ref.path
  const fn = withPosition(ref.pos, () => readFiles(b.ctx.hooks.allFormats(), 'FROM', null, paths, new Map(), fileContext(b)))
  const output = b.columns(fn.columns.map(c => c.name), fn.columns.map(c => c.type))
  const plan: LogicalPlan = { kind: 'table_function', name: 'read_file', fn, columns: fn.columns.map((_, i) => i), output }
  // DuckDB names the table after the file, without folders and extensions
  const base = ref.path.replace(/^.*[\\/]/, '').replace(/\..*$/, '')
  return aliased({ plan, names: output.map(c => c.name) }, ref.alias, base, null, outer, ref.pos)
}

let rejectScans = 0

/** The function context for binding table functions and file readers: type names resolve through the hooks. */
function fileContext(b: Binder): FunctionContext {
  const resolveType = (name: string): LogicalType => {
    const p = new Cursor(name)
    let t: TypeName
    try {
      t = parseTypeName(p)
      if (!p.atEnd()) throw p.unexpected()
    } catch (e) {
      throw new GrizzlyError(SqlState.syntaxError, `"${name}" is not a type name`, { hint: "write a type as in CAST, e.g. 'INTEGER', 'DECIMAL(10,2)' or 'VARCHAR[]'", cause: e })
    }
    return resolveTypeName(b.ctx.hooks, t)
  }
  const rejects = new Map<string, RejectsTable>()
  const storeReject = (table: string, reject: FileReject | null): void => {
    let t = rejects.get(table)
    if (t === undefined) {
      // each read that stores rejects replaces the table, as DuckDB's reject_errors
      t = new RejectsTable(++rejectScans)
      rejects.set(table, t)
      b.ctx.catalog.registerExternal(b.ctx.txn, table, REJECT_COLUMNS, t, true)
    }
    if (reject !== null) t.add(reject)
  }
  const scanTables = new Set<string>()
  const storeRejectScan = (table: string, scansTable: string, scan: FileRejectScan): void => {
    storeReject(table, null)
    const t = rejects.get(table)!
    if (!scanTables.has(scansTable)) {
      scanTables.add(scansTable)
      b.ctx.catalog.registerExternal(b.ctx.txn, scansTable, REJECT_SCAN_COLUMNS, t.scans, true)
    }
    t.addScan(scan)
  }
  const ctx: FunctionContext = Object.create(b.ctx.fnCtx as object) as FunctionContext
  return Object.assign(ctx, { resolveType, storeReject, storeRejectScan })
}

function bindJoin(b: Binder, ref: JoinRef, outer: Scope | null, ctes: CteScope | null, lateralLeft: Scope | null): BoundFrom {
  if (ref.type === 'positional') throw notSupported(`${ref.type.toUpperCase()} JOIN`, ref.pos)
  const left = bindTableRef(b, ref.left, outer, ctes, lateralLeft)
  const leftContext = new Scope(lateralLeft ?? outer, false)
  leftContext.absorb(left.scope, ref.pos)
  const rightBoundary = new Scope(leftContext, true)
  const right = bindTableRef(b, ref.right, outer, ctes, rightBoundary)
  const scope = new Scope(outer, false)
  const semi = ref.type === 'semi' || ref.type === 'anti' || ref.asofFilter !== undefined
  scope.absorb(left.scope, ref.pos)
  if (!semi) scope.absorb(right.scope, ref.pos)

  let using = ref.using
  if (ref.natural) {
    const rightNames = new Set(right.scope.visibleNames().map(n => n.toLowerCase()))
    using = left.scope.visibleNames().filter(n => rightNames.has(n.toLowerCase()))
    // as DuckDB (PostgreSQL would cross join): no shared name is almost always a mistake
    if (using.length === 0) {
      throw new GrizzlyError(SqlState.syntaxError, 'NATURAL JOIN found no columns with the same name on both sides', {
        position: ref.pos, hint: 'use CROSS JOIN for a cross product, or JOIN … ON to say how the rows match',
      })
    }
  }
  let condition: BoundExpr | null = null
  if (using !== null && using.length > 0) {
    const eb = new ExprBinder(b, scope, ctes, { clause: 'JOIN' })
    const conjuncts: BoundExpr[] = []
    for (const [k, name] of using.entries()) {
      const l = left.scope.resolveLocal([name], ref.pos)
      const r = right.scope.resolveLocal([name], ref.pos)
      if (l === undefined || r === undefined) {
        const side = l === undefined ? left.scope : right.scope
        throw new GrizzlyError(SqlState.undefinedColumn,
          `column "${name}" specified in USING clause does not exist in ${l === undefined ? 'left' : 'right'} table`,
          { position: ref.pos, hint: didYouMean(name, side.visibleNames()) })
      }
      // ASOF JOIN USING (k…, t): the last column is the inequality l.t >= r.t
      const asofInequality = ref.type === 'asof' && k === using.length - 1
      const eq = eb.compare(asofInequality ? '>=' : '=', l.expr, r.expr, ref.pos)
      conjuncts.push(eq)
      let merged: BoundExpr
      switch (ref.type) {
        case 'right': merged = r.expr; break
        case 'full': {
          // FULL JOIN USING (k): k is whichever side has it
          const [lk, rk] = eq.kind === 'compare' ? [eq.left, eq.right] : [l.expr, r.expr]
          merged = { kind: 'case', type: lk.type, whens: [{ when: { kind: 'is_null', arg: lk, not: true, type: BOOLEAN }, then: lk }], else: rk }
          break
        }
        default: merged = l.expr
      }
      // merged columns replace both sides' columns for unqualified use and `*`
      const hide = (e: BoundExpr): void => { if (e.kind === 'colref') scope.starHidden.add(e.id) }
      hide(l.expr); hide(r.expr)
      const existing = scope.merged.findIndex(m => m.name.toLowerCase() === name.toLowerCase())
      if (existing >= 0) scope.merged.splice(existing, 1)
      scope.merged.push({ name, expr: merged })
    }
    condition = conjuncts.length === 1 ? conjuncts[0]! : { kind: 'and', args: conjuncts, type: BOOLEAN }
  } else if (ref.on !== null) {
    const eb = new ExprBinder(b, scope, ctes, { clause: 'JOIN conditions' })
    let onScope = scope
    if (semi) {
      onScope = new Scope(outer, false)
      onScope.absorb(left.scope, ref.pos)
      onScope.absorb(right.scope, ref.pos)
    }
    condition = ensureBoolean(eb.with({ clause: 'JOIN conditions' }, onScope).bind(ref.on), 'JOIN/ON', ref.on.pos)
  } else if (ref.type !== 'cross' && !ref.natural) {
    throw new GrizzlyError(SqlState.syntaxError, `${ref.type.toUpperCase()} JOIN needs an ON or USING clause`, { position: ref.pos })
  }
  if (ref.type === 'asof') {
    if (rightBoundary.correlated!.length > 0) throw notSupported('LATERAL ASOF JOIN', ref.pos)
    checkAsofCondition(condition, left.plan, right.plan, ref.pos)
    const asofType = ref.asofFilter !== undefined ? (`asof_${ref.asofFilter}` as const) : ref.asofOuter ? 'asof_left' : 'asof'
    return { plan: join(asofType, left.plan, right.plan, condition, false), scope }
  }
  const type: JoinNode['joinType'] = ref.type === 'cross' && condition !== null ? 'inner' : ref.type
  return { plan: join(type, left.plan, right.plan, condition, rightBoundary.correlated!.length > 0), scope }
}

function checkAsofCondition(condition: BoundExpr | null, left: LogicalPlan, right: LogicalPlan, position: number): void {
  const ids = (p: LogicalPlan): Set<ColumnId> => new Set(p.output.map(c => c.id))
  const analysed = analyseAsofCondition(condition, ids(left), ids(right))
  if (analysed === 'missing') {
    throw new GrizzlyError(SqlState.syntaxError, 'Missing ASOF JOIN inequality', {
      position, hint: 'add one comparison (>=, >, <= or <) between a left and a right column, e.g. ON a.t >= b.t',
    })
  }
  if (analysed === 'multiple') {
    throw new GrizzlyError(SqlState.syntaxError, 'Multiple ASOF JOIN inequalities', {
      position, hint: 'keep one inequality between the two sides; filter on the others in WHERE',
    })
  }
}
