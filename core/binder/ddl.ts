/**
 * DDL: CREATE / DROP / ALTER become commands whose run() applies them to the catalog in the
 * statement's transaction. Column types, DEFAULTs and CHECKs are bound here, so the catalog
 * receives typed, bound definitions.
 */
import type { AlterTableChange, Catalog, ColumnSchema, ForeignKeyConstraint, TableConstraints, TableEntry } from '../catalog/catalog.ts'
import { INVALID_FOREIGN_KEY } from '../catalog/foreign-keys.ts'
import { GrizzlyError, SqlState, assertNever, didYouMean, notSupported } from '../errors.ts'
import { compileExpression, isConstantExpression, type ExprEnv } from '../expression/index.ts'
import { castVector, canCast, cannotCast } from '../functions/cast.ts'
import type {
  AlterTableStatement, ColumnDef, CreateSchemaStatement,
  CreateTableStatement, CreateViewStatement, DropStatement, QualifiedName,
} from '../parser/ast.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { typedNulls } from '../types/coercion.ts'
import type { LogicalType } from '../types/types.ts'
import { DataChunk, constantVector } from '../vector/vector.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { ExprBinder } from './expression.ts'
import { castTo } from './functions.ts'
import { databaseCatalog, isPrimary, requireSchema, resolveName } from './databases.ts'
import { resolveTypeName } from './literals.ts'
import { bindDropFunction } from './extensions.ts'
import { bindCreateIndex, bindDropIndex } from './indexes.ts'
import { bindDropModel } from './models.ts'
import { bindCreateSequence, bindDropSequence } from './sequences.ts'
import { bindDropType, userTypes } from './user-types.ts'
import { bindGeneratedColumns } from './generated.ts'
import { exprToSql, queryToSql, quoteIdent } from './names.ts'
import { bindQuery } from './query.ts'
import { Scope } from './scope.ts'

/** the catalog (current or attached database) and schema a new object's name points at */
function split(b: Binder, name: QualifiedName, temporary = false, position = 0): { catalog: Catalog; schema: string; name: string } {
  const target = resolveName(b.ctx, name, position)
  const schema = target.schema ?? (temporary ? 'temp' : target.catalog.defaultSchema)
  return { catalog: target.catalog, schema, name: target.name }
}

/** a read-only statement transaction (a read-only primary) may still change an attached database, which checks for itself */
function checkWritable(b: Binder, position: number, catalog: Catalog = b.ctx.catalog): void {
  if (b.ctx.txn.readOnly && isPrimary(b.ctx, catalog)) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot change the schema in a read-only transaction', { position })
}

/** DEFAULT: bound with no columns in scope, cast to the column type, folded when constant. */
function bindDefault(b: Binder, def: ColumnDef['default'], type: LogicalType): { expr: BoundExpr | null; sql: string | null } {
  if (def === null) return { expr: null, sql: null }
  const eb = new ExprBinder(b, new Scope(null, false), null, { clause: 'DEFAULT expressions', noSubqueries: true })
  let bound: BoundExpr
  try {
    bound = eb.bind(def)
  } catch (e) {
    if (e instanceof GrizzlyError && e.code === SqlState.undefinedColumn) {
      throw new GrizzlyError(SqlState.featureNotSupported, 'cannot use column references in default expression', { position: def.pos })
    }
    throw e
  }
  if (bound.kind === 'subquery') throw new GrizzlyError(SqlState.featureNotSupported, 'cannot use subquery in DEFAULT expression', { position: def.pos })
  return { expr: b.fold(castTo(bound, type), def.pos), sql: exprToSql(def) }
}

function columnSchema(b: Binder, c: ColumnDef, type: LogicalType, notNull: boolean): ColumnSchema {
  const d = bindDefault(b, c.default, type)
  return { name: c.name, type, notNull, default: d.expr, defaultSql: d.sql }
}

export function bindCreateTable(b: Binder, stmt: CreateTableStatement): BoundStatement {
  const { catalog, schema, name } = split(b, stmt.name, stmt.temporary, stmt.pos)
  checkWritable(b, stmt.pos, catalog)
  requireSchema(catalog, schema, stmt.pos)
  const seen = new Set<string>()
  for (const c of stmt.columns) {
    const lower = c.name.toLowerCase()
    if (seen.has(lower)) throw new GrizzlyError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`, { position: c.pos })
    seen.add(lower)
  }
  const options = { ifNotExists: stmt.ifNotExists, orReplace: stmt.orReplace }
  const tag = 'CREATE TABLE'

  if (stmt.as !== null) {
    const q = bindQuery(b, stmt.as, null, null)
    if (stmt.columns.length > q.names.length) {
      throw new GrizzlyError(SqlState.syntaxError, `CREATE TABLE AS names ${stmt.columns.length} columns but the query has ${q.names.length}`, { position: stmt.pos })
    }
    const names = q.names.map((n, i) => stmt.columns[i]?.name ?? n)
    // a column of untyped NULLs becomes INTEGER, as in DuckDB, and so does one inside a nested type ([] is NULL[])
    const columns: ColumnSchema[] = q.plan.output.map((c, i) => ({
      name: names[i]!, type: typedNulls(c.type), notNull: false, default: null, defaultSql: null,
    }))
    const plan = columns.some((c, i) => c.type !== q.plan.output[i]!.type)
      ? { kind: 'project' as const, input: q.plan, exprs: q.plan.output.map((c, i) => castTo({ kind: 'colref', id: c.id, type: c.type, name: c.name }, columns[i]!.type)), output: b.columns(names, columns.map(c => c.type)) }
      : q.plan
    return {
      kind: 'create_table_as', tag, plan, names,
      create: () => catalog.createTable(b.ctx.txn, {
        schema, name, columns, temporary: stmt.temporary, constraints: { primaryKey: null, unique: [], checks: [] },
      }, options),
    }
  }

  if (stmt.columns.length === 0) throw new GrizzlyError(SqlState.syntaxError, 'a table needs at least one column', { position: stmt.pos })
  // generated columns are not stored: keys, CHECKs and DEFAULTs are over the stored ones
  const defs = stmt.columns.filter(c => c.generated === undefined)
  if (defs.length === 0) throw new GrizzlyError(SqlState.syntaxError, 'a table needs at least one stored column', { position: stmt.pos, hint: 'generated columns are computed from stored ones: add a column with a type' })
  const types = defs.map(c => {
    if (c.type === null) throw new GrizzlyError(SqlState.syntaxError, `column "${c.name}" needs a type`, { position: c.pos })
    return resolveTypeName(b.ctx.hooks, c.type, userTypes(b, schema))
  })
  const index = (col: string, position: number): number => {
    const i = defs.findIndex(c => c.name.toLowerCase() === col.toLowerCase())
    if (i < 0) {
      throw new GrizzlyError(SqlState.undefinedColumn, `column "${col}" named in key does not exist`, {
        position, hint: didYouMean(col, defs.map(c => c.name)),
      })
    }
    return i
  }
  const key: { primary: number[] | null } = { primary: null }
  const setPrimaryKey = (cols: number[], position: number): void => {
    if (key.primary !== null) throw new GrizzlyError(SqlState.syntaxError, `multiple primary keys for table "${name}" are not allowed`, { position })
    key.primary = cols
  }
  const unique: number[][] = []
  const foreignKeys: ForeignKeyConstraint[] = []
  const checkAsts: { expr: ColumnDef['check'] & object; pos: number }[] = []
  defs.forEach((c, i) => {
    if (c.primaryKey) setPrimaryKey([i], c.pos)
    if (c.unique) unique.push([i])
    if (c.check !== null) checkAsts.push({ expr: c.check, pos: c.check.pos })
  })
  for (const con of stmt.constraints) {
    switch (con.kind) {
      case 'primary_key': setPrimaryKey(con.columns.map(n => index(n, con.pos)), con.pos); break
      case 'unique': unique.push(con.columns.map(n => index(n, con.pos))); break
      case 'check': checkAsts.push({ expr: con.expr, pos: con.pos }); break
      case 'foreign_key': {
        const columns = con.columns.map(n => index(n, con.pos))
        if (con.refColumns.length > 0 && con.refColumns.length !== columns.length) {
          throw new GrizzlyError(INVALID_FOREIGN_KEY,
            `the FOREIGN KEY names ${columns.length} column(s) but REFERENCES names ${con.refColumns.length}`, { position: con.pos })
        }
        // the catalog resolves and checks the referenced table (it may be this very table)
        const refTable = con.refTable[con.refTable.length - 1]!
        const refSchema = con.refTable.length >= 2 ? con.refTable[con.refTable.length - 2]! : null
        foreignKeys.push({ columns, refSchema, refTable, refColumns: con.refColumns })
        break
      }
      default: assertNever(con, 'table constraint')
    }
  }
  const pk: readonly number[] | null = key.primary
  const columns = defs.map((c, i) => columnSchema(b, c, types[i]!, c.notNull || (pk?.includes(i) ?? false)))
  // CHECK expressions read the row's columns: colref ids are the column indexes
  const scope = new Scope(null, false)
  scope.addBinding(name, schema, columns.map((c, i) => ({ id: i, name: c.name, type: c.type })), stmt.pos)
  const checkBinder = new ExprBinder(b, scope, null, { clause: 'CHECK constraints', noSubqueries: true })
  const checks = checkAsts.map(c => ({ expr: castTo(checkBinder.bind(c.expr), { id: 'BOOLEAN' }), sql: exprToSql(c.expr) }))
  const pkKey = pk === null ? null : [...pk].sort().join(',')
  const generated = bindGeneratedColumns(b, name, schema, stmt.columns, columns,
    stmt.columns.map(c => c.generated === undefined || c.type === null ? null : resolveTypeName(b.ctx.hooks, c.type, userTypes(b, schema))))
  const constraints: TableConstraints = {
    primaryKey: pk,
    unique: unique.filter((u, i) => [...u].sort().join(',') !== pkKey && unique.findIndex(v => [...v].sort().join(',') === [...u].sort().join(',')) === i),
    checks,
    ...(foreignKeys.length > 0 ? { foreignKeys } : {}),
    ...(generated.length > 0 ? { generated } : {}),
  }
  return {
    kind: 'command', tag,
    run: () => { catalog.createTable(b.ctx.txn, { schema, name, columns, constraints, temporary: stmt.temporary }, options) },
  }
}

export function bindCreateView(b: Binder, stmt: CreateViewStatement): BoundStatement {
  const { catalog, schema, name } = split(b, stmt.name, stmt.temporary, stmt.pos)
  checkWritable(b, stmt.pos, catalog)
  requireSchema(catalog, schema, stmt.pos)
  // binding checks the view is valid now (in its own database); it is bound afresh whenever it is used
  let q: { readonly names: readonly string[] } | null = null
  try {
    q = b.inCatalog(catalog, () => bindQuery(b, stmt.query, null, null))
  } catch (e) {
    // reopening a file: a view over a database not attached now (attachments are not stored) is kept, and fails when read
    const elsewhere = e instanceof GrizzlyError && (e.code === SqlState.invalidCatalogName || e.code === SqlState.undefinedSchema)
    if (b.ctx.restoring !== true || !elsewhere) throw e
  }
  if (q !== null && stmt.columns !== null && stmt.columns.length > q.names.length) {
    throw new GrizzlyError(SqlState.syntaxError, `CREATE VIEW specifies ${stmt.columns.length} column names but the query has ${q.names.length} columns`, { position: stmt.pos })
  }
  const written = b.ctx.statementText ?? `CREATE VIEW ${stmt.name.join('.')}${stmt.columns === null ? '' : ` (${stmt.columns.join(', ')})`} AS ${queryToSql(stmt.query)}`
  // a view of another database is stored in that database's file without the database's name (it may be attached under another)
  const sql = catalog === b.ctx.catalog || b.ctx.statementText === undefined ? written
    : `CREATE ${stmt.orReplace ? 'OR REPLACE ' : ''}VIEW ${quoteIdent(schema)}.${quoteIdent(name)}${stmt.columns === null ? '' : ` (${stmt.columns.map(quoteIdent).join(', ')})`} AS ${written.slice(stmt.query.pos - stmt.pos)}`
  return {
    kind: 'command', tag: 'CREATE VIEW',
    run: () => catalog.createView(b.ctx.txn, { schema, name, sql, query: stmt.query, columnNames: stmt.columns },
      { ifNotExists: stmt.ifNotExists, orReplace: stmt.orReplace }),
  }
}

export function bindCreateSchema(b: Binder, stmt: CreateSchemaStatement): BoundStatement {
  const catalog = stmt.database === undefined ? b.ctx.catalog : databaseCatalog(b.ctx, stmt.database, stmt.pos)
  checkWritable(b, stmt.pos, catalog)
  return { kind: 'command', tag: 'CREATE SCHEMA', run: () => catalog.createSchema(b.ctx.txn, stmt.name, stmt.ifNotExists) }
}

export { bindCreateIndex }

export { bindCreateSequence }

export function bindDrop(b: Binder, stmt: DropStatement): BoundStatement {
  const { catalog, txn } = b.ctx
  const options = { ifExists: stmt.ifExists, cascade: stmt.cascade }
  const targets = stmt.objectType === 'table' || stmt.objectType === 'view' ? stmt.names.map(n => resolveName(b.ctx, n, stmt.pos)) : []
  const schemaOf = (n: readonly string[]): Catalog => n.length >= 2 ? databaseCatalog(b.ctx, n[n.length - 2]!, stmt.pos) : catalog
  // each named object's own database decides (a read-only primary may drop from a writable attachment)
  const touched = stmt.objectType === 'table' || stmt.objectType === 'view' ? targets.map(t => t.catalog)
    : stmt.objectType === 'schema' ? stmt.names.map(schemaOf) : [catalog]
  for (const c of touched) checkWritable(b, stmt.pos, c)
  switch (stmt.objectType) {
    case 'table': case 'view': {
      const kind = stmt.objectType
      return {
        kind: 'command', tag: `DROP ${kind.toUpperCase()}`,
        run: () => {
          for (const t of targets) t.catalog.drop(txn, kind, t.schema, t.name, options)
        },
      }
    }
    case 'schema':
      return {
        kind: 'command', tag: 'DROP SCHEMA',
        run: () => {
          for (const n of stmt.names) schemaOf(n).dropSchema(txn, n[n.length - 1]!, stmt.ifExists, stmt.cascade)
        },
      }
    case 'index': return bindDropIndex(b, stmt)
    case 'function': return bindDropFunction(b, stmt)
    case 'sequence': return bindDropSequence(b, stmt)
    case 'type': return bindDropType(b, stmt)
    case 'model': return bindDropModel(b, stmt)
    case 'macro':
      throw notSupported(`DROP ${stmt.objectType.toUpperCase()}`, stmt.pos)
    default: return assertNever(stmt.objectType, 'object type')
  }
}

/** what ALTER TABLE evaluates its expressions with (no subqueries: DEFAULT and USING refuse them) */
function defaultEnv(b: Binder): ExprEnv {
  return { fnCtx: b.ctx.fnCtx, params: [], hooks: b.ctx.hooks, evaluateSubquery: () => { throw notSupported('subqueries in ALTER TABLE') } }
}

export function bindAlterTable(b: Binder, stmt: AlterTableStatement): BoundStatement {
  checkWritable(b, stmt.pos)
  const { txn } = b.ctx
  const { catalog, schema: schemaName, name: last } = resolveName(b.ctx, stmt.table, stmt.pos)
  const found = catalog.lookup(txn, schemaName, last)
  if (found === undefined && stmt.ifExists) return { kind: 'command', tag: 'ALTER TABLE', run: () => {} }
  const entry = found ?? catalog.require(txn, schemaName, last, stmt.pos)
  if (entry.kind !== 'table') {
    throw new GrizzlyError(SqlState.wrongObjectType, `"${entry.name}" is a view, not a table`, { position: stmt.pos, hint: 'use CREATE OR REPLACE VIEW to change a view' })
  }
  const table: TableEntry = entry
  const column = (n: string, position: number): number => {
    const i = table.columns.findIndex(c => c.name.toLowerCase() === n.toLowerCase())
    if (i < 0) {
      throw new GrizzlyError(SqlState.undefinedColumn, `column "${n}" of table "${table.name}" does not exist`, {
        position, hint: didYouMean(n, table.columns.map(c => c.name)),
      })
    }
    return i
  }
  const a = stmt.action
  if ((table.constraints.generated?.length ?? 0) > 0 && (a.kind === 'drop_column' || a.kind === 'rename_column' || a.kind === 'alter_column_type')) {
    throw notSupported('ALTER TABLE … DROP / RENAME / ALTER COLUMN on a table with generated columns', a.pos,
      'recreate the table: CREATE TABLE new AS SELECT … , then rename it')
  }
  let change: AlterTableChange | null
  switch (a.kind) {
    case 'add_column': {
      const c = a.column
      if (table.columns.some(x => x.name.toLowerCase() === c.name.toLowerCase())) {
        if (a.ifNotExists) { change = null; break }
        throw new GrizzlyError(SqlState.duplicateColumn, `column "${c.name}" of table "${table.name}" already exists`, { position: c.pos })
      }
      if (c.primaryKey || c.unique) throw notSupported('adding a PRIMARY KEY or UNIQUE column', c.pos)
      if (c.check !== null) throw notSupported('adding a column with a CHECK constraint', c.pos)
      if (c.type === null) throw new GrizzlyError(SqlState.syntaxError, `column "${c.name}" needs a type`, { position: c.pos })
      const type = resolveTypeName(b.ctx.hooks, c.type, userTypes(b, table.schema))
      const schema = columnSchema(b, c, type, c.notNull)
      if (schema.default !== null && !isConstantExpression(schema.default)) {
        // nextval(…) and other volatile defaults: one value per existing row, as DuckDB
        change = { kind: 'add_column', column: schema, fill: rows => compileExpression(schema.default!, new Map(), defaultEnv(b))(new DataChunk([], rows)) }
        break
      }
      const value = schema.default === null ? null : b.constantValue(schema.default, 'DEFAULT of an added column', c.pos)
      if (c.notNull && value === null) {
        throw new GrizzlyError(SqlState.notNullViolation, `column "${c.name}" is NOT NULL but has no DEFAULT for the existing rows`, { position: c.pos })
      }
      change = { kind: 'add_column', column: schema, fill: rows => constantVector(type, value, rows) }
      break
    }
    case 'drop_column': {
      const i = table.columns.findIndex(c => c.name.toLowerCase() === a.name.toLowerCase())
      if (i < 0 && a.ifExists) { change = null; break }
      change = { kind: 'drop_column', column: column(a.name, a.pos) }
      break
    }
    case 'rename_column': {
      const i = column(a.from, a.pos)
      if (table.columns.some((c, j) => j !== i && c.name.toLowerCase() === a.to.toLowerCase())) {
        throw new GrizzlyError(SqlState.duplicateColumn, `column "${a.to}" of table "${table.name}" already exists`, { position: a.pos })
      }
      change = { kind: 'rename_column', column: i, to: a.to }
      break
    }
    case 'rename_table': change = { kind: 'rename_table', to: a.to }; break
    case 'alter_column_type': {
      const i = column(a.name, a.pos)
      const type = resolveTypeName(b.ctx.hooks, a.type, userTypes(b, table.schema))
      const from = table.columns[i]!.type
      if (a.using === null) {
        if (!canCast(from, type)) throw cannotCast(from, type).withPosition(a.type.pos)
        change = { kind: 'alter_column_type', column: i, type, convert: old => castVector(old, type, false, b.ctx.fnCtx) }
      } else {
        // USING reads the old row: colref ids are column indexes, evaluated over the old vector only
        const scope = new Scope(null, false)
        scope.addBinding(table.name, table.schema, [{ id: i, name: table.columns[i]!.name, type: from }], a.pos)
        const expr = castTo(new ExprBinder(b, scope, null, { clause: 'USING' }).bind(a.using), type)
        const compiled = compileExpression(expr, new Map([[i, 0]]), defaultEnv(b))
        change = { kind: 'alter_column_type', column: i, type, convert: old => compiled(new DataChunk([old], old.length)) }
      }
      break
    }
    case 'set_default': {
      const i = column(a.name, a.pos)
      const d = bindDefault(b, a.default, table.columns[i]!.type)
      change = { kind: 'set_default', column: i, default: d.expr, defaultSql: d.sql }
      break
    }
    case 'set_not_null': change = { kind: 'set_not_null', column: column(a.name, a.pos), notNull: a.notNull }; break
    default: return assertNever(a, 'ALTER TABLE action')
  }
  const applied = change
  return { kind: 'command', tag: 'ALTER TABLE', run: () => { if (applied !== null) catalog.alterTable(txn, table, applied) } }
}
