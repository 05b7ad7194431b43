/**
 * INSERT, UPDATE and DELETE → InsertNode / UpdateNode / DeleteNode. Their output is the
 * RETURNING columns, or one BIGINT column "Count".
 */
import { generatedColumnError } from './generated.ts'
import { uniqueKeys } from '../indexes/unique-keys.ts'
import { ROW_ID_COLUMN, type TableEntry } from '../catalog/catalog.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { Assignment, DeleteStatement, InsertStatement, OnConflict, QualifiedName, SelectItem, UpdateStatement, WithClause } from '../parser/ast.ts'
import type { BoundExpr, OutputColumn } from '../plan/expr.ts'
import type { BoundOnConflict, LogicalPlan } from '../plan/logical.ts'
import { BIGINT } from '../types/types.ts'
import type { Binder, CteScope } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { ExprBinder } from './expression.ts'
import { bindFrom, scanOf } from './from.ts'
import { csvAsTargetTypes } from './csv-target-types.ts'
import { isPrimary, resolveName } from './databases.ts'
import { castTo, ensureBoolean } from './functions.ts'
import { bindQuery, bindValues, castColumns, registerCtes, wrapMaterializedCtes } from './query.ts'
import { Scope, colref } from './scope.ts'
import { bindSelectItem } from './select.ts'

export function dmlTarget(b: Binder, name: QualifiedName, verb: 'insert' | 'update' | 'delete', position: number): TableEntry {
  const target = resolveName(b.ctx, name, position)
  const entry = target.catalog.require(b.ctx.txn, target.schema, target.name, position)
  if (entry.kind === 'view') {
    throw new GrizzlyError(SqlState.wrongObjectType, `cannot ${verb === 'insert' ? 'insert into' : verb} view "${entry.name}"`,
      { position, hint: `${verb} into the tables the view reads instead` })
  }
  if (b.ctx.txn.readOnly && isPrimary(b.ctx, target.catalog)) {
    throw new GrizzlyError(SqlState.readOnlyTransaction, `cannot ${verb} in a read-only transaction`, { position })
  }
  const provider = entry.provider
  const supported = verb === 'insert' ? provider.insert : verb === 'update' ? provider.update : provider.delete
  if (supported === undefined) {
    throw new GrizzlyError(SqlState.featureNotSupported, `table "${entry.name}" is read-only: it does not support ${verb.toUpperCase()}`, { position })
  }
  return entry
}

export function columnIndex(table: TableEntry, name: string, position: number): number {
  let i = table.columns.findIndex(c => c.name === name)
  if (i < 0) i = table.columns.findIndex(c => c.name.toLowerCase() === name.toLowerCase())
  if (i < 0) {
    const generated = generatedColumnError(table, name, position)
    if (generated !== null) throw generated
    throw new GrizzlyError(SqlState.undefinedColumn, `column "${name}" of table "${table.name}" does not exist`, {
      position, hint: didYouMean(name, table.columns.map(c => c.name)),
    })
  }
  return i
}

function defaultOf(table: TableEntry, column: number): BoundExpr {
  const c = table.columns[column]!
  return c.default === null ? { kind: 'const', value: null, type: c.type } : castTo(c.default, c.type)
}

/** RETURNING items over fresh columns standing for the table's (new) row. */
function bindReturning(b: Binder, table: TableEntry, alias: string | null, items: readonly SelectItem[], ctes: CteScope | null, position: number):
  { returning: BoundExpr[]; returningColumns: OutputColumn[]; output: OutputColumn[]; names: string[] } {
  if (items.length === 0) {
    return { returning: [], returningColumns: [], output: [{ id: b.nextId(), name: 'Count', type: BIGINT }], names: ['Count'] }
  }
  const returningColumns = b.columns(table.columns.map(c => c.name), table.columns.map(c => c.type))
  const scope = new Scope(null, false)
  scope.addBinding(alias ?? table.name, table.schema, returningColumns, position)
  const eb = new ExprBinder(b, scope, ctes, { clause: 'RETURNING', noSubqueries: true })
  const cols = items.flatMap(item => bindSelectItem(eb, item))
  const names = cols.map(c => c.name)
  return { returning: cols.map(c => c.expr), returningColumns, output: b.columns(names, cols.map(c => c.expr.type)), names }
}

/**
 * The DML input reads materialized CTEs through a CteNode around it; parts computed outside the
 * input (SET values, ON CONFLICT, RETURNING) see the same CTEs inlined.
 */
function dmlCtes(b: Binder, stmt: { readonly with: WithClause | null }): { ctes: CteScope | null; inlineCtes: CteScope | null } {
  const w = stmt.with
  if (w === null) return { ctes: null, inlineCtes: null }
  const ctes = registerCtes(b, w.ctes, w.recursive, null, null, true, { ...stmt, with: null })
  if (!w.ctes.some(c => ctes.get(c.name)?.kind === 'materialized')) return { ctes, inlineCtes: ctes }
  return { ctes, inlineCtes: registerCtes(b, w.ctes, w.recursive, null, null, false, null) }
}

export function bindInsert(b: Binder, stmt: InsertStatement): BoundStatement {
  const table = dmlTarget(b, stmt.table, 'insert', stmt.pos)
  const { ctes, inlineCtes } = dmlCtes(b, stmt)
  let columns: number[]
  if (stmt.columns !== null) {
    columns = stmt.columns.map(n => columnIndex(table, n, stmt.pos))
    const dup = columns.find((c, i) => columns.indexOf(c) !== i)
    if (dup !== undefined) {
      throw new GrizzlyError(SqlState.duplicateColumn, `column "${table.columns[dup]!.name}" specified more than once`, { position: stmt.pos })
    }
  } else {
    columns = table.columns.map((_, i) => i)
  }

  let input: LogicalPlan
  if (stmt.source === 'default_values') {
    input = { kind: 'values', rows: [[]], output: [] }
    columns = []
  } else {
    const q = stmt.source
    const plainValues = q.body.kind === 'values' && q.with === null && q.orderBy.length === 0 && q.limit === null && q.offset === null && !stmt.byName
    if (plainValues && q.body.kind === 'values') {
      const width = q.body.rows[0]?.length ?? 0
      checkCount(width, columns.length, q.pos)
      const targets = columns
      input = bindValues(b, q.body.rows, null, ctes, targets.map(c => table.columns[c]!.type),
        (i, _pos) => defaultOf(table, targets[i]!)).plan
    } else {
      const bound = bindQuery(b, stmt.byName ? q : csvAsTargetTypes(q, columns.map(c => table.columns[c]!.type)), null, ctes)
      if (stmt.byName) {
        columns = bound.names.map(n => columnIndex(table, n, q.pos))
      } else {
        checkCount(bound.names.length, columns.length, q.pos)
      }
      input = castColumns(b, bound.plan, columns.map(c => table.columns[c]!.type))
    }
  }

  if (stmt.with !== null) input = wrapMaterializedCtes(stmt.with.ctes, ctes, input)
  let onConflict: BoundOnConflict | null = null
  if (stmt.onConflict !== null) onConflict = bindOnConflict(b, table, stmt.alias, stmt.onConflict, inlineCtes)
  else if (stmt.orAction !== null) {
    const target = conflictTarget(table, null, stmt.pos, stmt.orAction !== 'ignore')
    if (stmt.orAction === 'ignore') onConflict = { target, action: 'nothing', set: [], where: null, existingColumns: [], excludedColumns: [], anyConstraint: true }
    else {
      const existingColumns = b.columns(table.columns.map(c => c.name), table.columns.map(c => c.type))
      const excludedColumns = b.columns(table.columns.map(c => c.name), table.columns.map(c => c.type))
      const set = columns.filter(c => !target.includes(c)).map(c => ({ column: c, value: colref(excludedColumns[c]!) as BoundExpr }))
      onConflict = { target, action: 'update', set, where: null, existingColumns, excludedColumns }
    }
  }
  const r = bindReturning(b, table, stmt.alias, stmt.returning, inlineCtes, stmt.pos)
  return {
    kind: 'query', names: r.names,
    plan: { kind: 'insert', table, input, columns, onConflict, returning: r.returning, returningColumns: r.returningColumns, output: r.output },
  }
}

function checkCount(given: number, expected: number, position: number): void {
  if (given > expected) throw new GrizzlyError(SqlState.syntaxError, `INSERT has more expressions than target columns (${given} for ${expected})`, { position })
  if (given < expected) throw new GrizzlyError(SqlState.syntaxError, `INSERT has fewer expressions than target columns (${given} for ${expected})`, { position, hint: 'list the columns you insert into: INSERT INTO t (a, b) …' })
}

/** The key an ON CONFLICT clause names (or the primary key / only unique key when it names none). */
function conflictTarget(table: TableEntry, names: readonly string[] | null, position: number, forUpdate: boolean): number[] {
  const keys = uniqueKeys(table)
  if (names === null) {
    const key = keys[0]
    if (key === undefined) {
      throw new GrizzlyError(SqlState.invalidColumnReference, `table "${table.name}" has no PRIMARY KEY or UNIQUE constraint for ON CONFLICT`, { position })
    }
    // an update needs to know which existing row it replaces: ambiguous with several keys
    if (forUpdate && keys.length > 1) {
      throw new GrizzlyError(SqlState.invalidColumnReference,
        'Conflict target has to be provided for a DO UPDATE operation when the table has multiple UNIQUE/PRIMARY KEY constraints',
        { position, hint: 'name the key: ON CONFLICT (column, …) DO UPDATE …' })
    }
    return [...key]
  }
  const target = names.map(n => columnIndex(table, n, position))
  const sorted = [...target].sort((a, b) => a - b).join(',')
  if (!keys.some(k => [...k].sort((a, b) => a - b).join(',') === sorted)) {
    throw new GrizzlyError(SqlState.invalidColumnReference,
      'there is no unique or primary key constraint matching the ON CONFLICT specification', { position })
  }
  return target
}

function bindOnConflict(b: Binder, table: TableEntry, alias: string | null, oc: OnConflict, ctes: CteScope | null): BoundOnConflict {
  const target = conflictTarget(table, oc.target, oc.pos, oc.action.kind === 'update')
  if (oc.action.kind === 'nothing') {
    return { target, action: 'nothing', set: [], where: null, existingColumns: [], excludedColumns: [], anyConstraint: oc.target === null }
  }
  const existingColumns = b.columns(table.columns.map(c => c.name), table.columns.map(c => c.type))
  const excludedColumns = b.columns(table.columns.map(c => c.name), table.columns.map(c => c.type))
  const scope = new Scope(null, false)
  scope.addBinding(alias ?? table.name, table.schema, existingColumns, oc.pos)
  scope.addBinding('excluded', null, excludedColumns, oc.pos)
  const set = bindAssignments(b, table, oc.action.set, scope, ctes)
  if (set.some(s => target.includes(s.column))) {
    // DuckDB refuses to change the conflicting key itself
    throw new GrizzlyError(SqlState.featureNotSupported, 'ON CONFLICT DO UPDATE cannot change the conflict target columns', { position: oc.pos })
  }
  const where = oc.action.where === null ? null
    : ensureBoolean(new ExprBinder(b, scope, ctes, { clause: 'ON CONFLICT WHERE' }).bind(oc.action.where), 'WHERE', oc.action.where.pos)
  return { target, action: 'update', set, where, existingColumns, excludedColumns }
}

function bindAssignments(b: Binder, table: TableEntry, assignments: readonly Assignment[], scope: Scope, ctes: CteScope | null): { column: number; value: BoundExpr }[] {
  const seen = new Set<number>()
  return assignments.map(a => {
    const column = columnIndex(table, a.column, a.pos)
    if (seen.has(column)) throw new GrizzlyError(SqlState.syntaxError, `multiple assignments to same column "${a.column}"`, { position: a.pos })
    seen.add(column)
    const eb = new ExprBinder(b, scope, ctes, { clause: 'UPDATE SET', default: () => defaultOf(table, column) })
    return { column, value: b.fold(castTo(eb.bind(a.value), table.columns[column]!.type), a.value.pos) }
  })
}

/** Scan of the target table with its row id; `scope` names its columns. */
function targetScan(b: Binder, table: TableEntry, alias: string | null, position: number): { plan: LogicalPlan; scope: Scope; rowId: OutputColumn } {
  const scan = scanOf(b, table, [ROW_ID_COLUMN])
  const rowId = scan.output[scan.output.length - 1]!
  const scope = new Scope(null, false)
  scope.addBinding(alias ?? table.name, table.schema, scan.output, position)
  scope.pseudo.add(rowId.id)
  return { plan: scan, scope, rowId }
}

export function bindUpdate(b: Binder, stmt: UpdateStatement): BoundStatement {
  const table = dmlTarget(b, stmt.table, 'update', stmt.pos)
  const { ctes, inlineCtes } = dmlCtes(b, stmt)
  let { plan, scope, rowId } = targetScan(b, table, stmt.alias, stmt.pos)
  if (stmt.from !== null) {
    const from = bindFrom(b, [stmt.from], null, ctes)
    const joined = new Scope(null, false)
    joined.absorb(scope, stmt.from.pos)
    joined.absorb(from.scope, stmt.from.pos)
    scope = joined
    plan = { kind: 'join', joinType: 'cross', left: plan, right: from.plan, condition: null, markColumn: null, lateral: false, output: [...plan.output, ...from.plan.output] }
  }
  if (stmt.where !== null) {
    const predicate = ensureBoolean(new ExprBinder(b, scope, ctes, { clause: 'WHERE' }).bind(stmt.where), 'WHERE', stmt.where.pos)
    plan = { kind: 'filter', input: plan, predicate, output: plan.output }
  }
  if (stmt.with !== null) plan = wrapMaterializedCtes(stmt.with.ctes, ctes, plan)
  // SET values are computed outside the input plan: they read CTEs inlined
  const set = bindAssignments(b, table, stmt.set, scope, inlineCtes)
  const r = bindReturning(b, table, stmt.alias, stmt.returning, inlineCtes, stmt.pos)
  return {
    kind: 'query', names: r.names,
    plan: {
      kind: 'update', table, input: plan, rowIdColumn: rowId.id, columns: set.map(s => s.column), values: set.map(s => s.value),
      returning: r.returning, returningColumns: r.returningColumns, output: r.output,
    },
  }
}

export function bindDelete(b: Binder, stmt: DeleteStatement): BoundStatement {
  const table = dmlTarget(b, stmt.table, 'delete', stmt.pos)
  const { ctes, inlineCtes } = dmlCtes(b, stmt)
  let { plan, scope, rowId } = targetScan(b, table, stmt.alias, stmt.pos)
  if (stmt.using !== null) {
    const using = bindFrom(b, [stmt.using], null, ctes)
    const joined = new Scope(null, false)
    joined.absorb(scope, stmt.using.pos)
    joined.absorb(using.scope, stmt.using.pos)
    scope = joined
    plan = { kind: 'join', joinType: 'cross', left: plan, right: using.plan, condition: null, markColumn: null, lateral: false, output: [...plan.output, ...using.plan.output] }
  }
  if (stmt.where !== null) {
    const predicate = ensureBoolean(new ExprBinder(b, scope, ctes, { clause: 'WHERE' }).bind(stmt.where), 'WHERE', stmt.where.pos)
    plan = { kind: 'filter', input: plan, predicate, output: plan.output }
  }
  if (stmt.with !== null) plan = wrapMaterializedCtes(stmt.with.ctes, ctes, plan)
  const r = bindReturning(b, table, stmt.alias, stmt.returning, inlineCtes, stmt.pos)
  return {
    kind: 'query', names: r.names,
    plan: { kind: 'delete', table, input: plan, rowIdColumn: rowId.id, returning: r.returning, returningColumns: r.returningColumns, output: r.output },
  }
}

