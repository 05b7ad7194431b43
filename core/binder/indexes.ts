/**
 * CREATE [UNIQUE] INDEX and DROP INDEX: names resolved, key columns checked, the index method
 * looked up in the hooks (default: the built-in ordered index), WITH options folded to
 * constants. The catalog builds the index when the statement runs.
 */
import { GrizzlyError, SqlState, didYouMean, notSupported } from '../errors.ts'
import type { CreateIndexStatement, DropStatement } from '../parser/ast.ts'
import type { Value } from '../types/types.ts'
import { PendingIndexType } from '../indexes/pending-index.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { ExprBinder } from './expression.ts'
import { exprToSql, quoteIdent } from './names.ts'
import { resolveName } from './databases.ts'
import type { Catalog } from '../catalog/catalog.ts'
import { Scope } from './scope.ts'

/** the method CREATE INDEX uses without USING */
export const DEFAULT_INDEX_METHOD = 'btree'

export function bindCreateIndex(b: Binder, stmt: CreateIndexStatement): BoundStatement {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot change the schema in a read-only transaction', { position: stmt.pos })
  const { txn, hooks } = b.ctx
  const methodName = stmt.using ?? DEFAULT_INDEX_METHOD
  // a stored index whose extension is not loaded yet: kept, and built once the method is registered
  const method = hooks.indexType(methodName) ?? (b.ctx.restoring === true ? new PendingIndexType(methodName, hooks) : undefined)
  if (method === undefined) {
    const known = hooks.indexTypeNames()
    throw new GrizzlyError(SqlState.undefinedObject, `index method "${methodName}" does not exist`, {
      position: stmt.pos,
      hint: didYouMean(methodName, known) ?? `index methods are: ${known.join(', ')}; an extension may provide others (LOAD EXTENSION)`,
    })
  }
  const target = resolveName(b.ctx, stmt.table, stmt.pos)
  const catalog = target.catalog
  const entry = catalog.require(txn, target.schema, target.name, stmt.pos)
  if (entry.kind !== 'table') {
    throw new GrizzlyError(SqlState.wrongObjectType, `"${entry.name}" is not a table`, { position: stmt.pos, hint: 'indexes can only be created on tables' })
  }
  const scope = new Scope(null, false)
  scope.addBinding(entry.name, entry.schema, entry.columns.map((c, i) => ({ id: i, name: c.name, type: c.type })), stmt.pos)
  const eb = new ExprBinder(b, scope, null, { clause: 'index expressions' })
  const columns: number[] = []
  for (const c of stmt.columns) {
    const bound = eb.bind(c)
    if (bound.kind !== 'colref') {
      throw notSupported('indexes on expressions', c.pos, `index a column instead, e.g. CREATE INDEX … ON ${entry.name} (${entry.columns[0]?.name ?? 'col'})`)
    }
    columns.push(bound.id)
  }
  const optionBinder = new ExprBinder(b, new Scope(null, false), null, { clause: 'index options' })
  const options = new Map<string, Value>()
  for (const o of stmt.options) {
    const name = o.name.toLowerCase()
    if (options.has(name)) throw new GrizzlyError(SqlState.syntaxError, `index option "${o.name}" given more than once`, { position: o.value.pos })
    options.set(name, b.constantValue(optionBinder.bind(o.value), `index option ${o.name}`, o.value.pos))
  }
  // an index of another database is stored in that database's file without the database's name
  const foreign = catalog !== b.ctx.catalog
  const sql = b.ctx.statementText !== undefined && !foreign ? b.ctx.statementText
    : `CREATE ${stmt.unique ? 'UNIQUE ' : ''}INDEX ${stmt.name === null ? '' : `${quoteIdent(stmt.name)} `}ON ${foreign ? `${quoteIdent(entry.schema)}.${quoteIdent(entry.name)}` : stmt.table.join('.')}`
      + `${stmt.using === null ? '' : ` USING ${stmt.using}`} (${stmt.columns.map(exprToSql).join(', ')})`
      + `${stmt.options.length === 0 ? '' : ` WITH (${stmt.options.map(o => `${o.name} = ${exprToSql(o.value)}`).join(', ')})`}`
  return {
    kind: 'command', tag: 'CREATE INDEX',
    run: () => {
      const name = stmt.name ?? freeName(b, catalog, entry.schema, `${entry.name}_${columns.map(c => entry.columns[c]!.name).join('_')}_idx`)
      try {
        catalog.createIndex(txn, { name, table: entry, columns, unique: stmt.unique, method, options, sql, ifNotExists: stmt.ifNotExists })
      } catch (e) {
        if (e instanceof GrizzlyError && e.position === undefined) throw e.withPosition(stmt.pos)
        throw e
      }
    },
  }
}

/** PostgreSQL's naming of an unnamed index: table_columns_idx, then idx1, idx2, … when taken */
function freeName(b: Binder, catalog: Catalog, schema: string, base: string): string {
  const taken = new Set(catalog.indexDefinitions(b.ctx.txn).filter(d => d.schema === schema).map(d => d.name.toLowerCase()))
  if (!taken.has(base.toLowerCase())) return base
  for (let k = 1; ; k++) if (!taken.has(`${base}${k}`.toLowerCase())) return `${base}${k}`
}

export function bindDropIndex(b: Binder, stmt: DropStatement): BoundStatement {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot change the schema in a read-only transaction', { position: stmt.pos })
  const { txn } = b.ctx
  const targets = stmt.names.map(n => resolveName(b.ctx, n, stmt.pos))
  return {
    kind: 'command', tag: 'DROP INDEX',
    run: () => {
      for (const t of targets) {
        try {
          t.catalog.dropIndex(txn, t.schema, t.name, stmt.ifExists)
        } catch (e) {
          if (e instanceof GrizzlyError && e.position === undefined) throw e.withPosition(stmt.pos)
          throw e
        }
      }
    },
  }
}
