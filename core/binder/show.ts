/**
 * SHOW TABLES, SHOW ALL TABLES, SHOW <setting> and DESCRIBE: queries over constant rows,
 * with DuckDB's column names.
 */
import { withGeneratedRows } from './generated.ts'
import { GrizzlyError, SqlState, assertNever, didYouMean } from '../errors.ts'
import type { DescribeStatement, ShowStatement } from '../parser/ast.ts'
import type { BoundExpr } from '../plan/expr.ts'
import { BOOLEAN, type LogicalType, VARCHAR, list, typeToString, type Value } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { bindQuery } from './query.ts'
import { requireSchema, resolveName } from './databases.ts'
import { databasesOf } from '../functions/databases.ts'
import { SHOW_MODELS_NAMES, SHOW_MODELS_TYPES, showModelRows } from './models.ts'

function rowsQuery(b: Binder, names: readonly string[], types: readonly LogicalType[], rows: readonly (readonly Value[])[]): BoundStatement {
  const output = b.columns(names, types)
  const bound: BoundExpr[][] = rows.map(r => r.map((v, i) => ({ kind: 'const', value: v, type: types[i]! })))
  return { kind: 'query', plan: { kind: 'values', rows: bound, output }, names }
}

export function bindShow(b: Binder, stmt: ShowStatement): BoundStatement {
  const { catalog, txn, hooks } = b.ctx
  const what = stmt.what
  switch (what.kind) {
    case 'tables': {
      // SHOW TABLES FROM db | db.schema | schema (DuckDB)
      const from = what.from === undefined ? null : resolveName(b.ctx, [...what.from, ''], stmt.pos)
      const source = from?.catalog ?? catalog
      const schema = (from?.schema ?? b.ctx.databases?.currentSchema ?? source.defaultSchema).toLowerCase()
      if (from !== null && from.schema !== null) requireSchema(source, from.schema, stmt.pos)
      const names = source.entries(txn)
        .filter(e => e.schema.toLowerCase() === schema || (from === null && e.schema.toLowerCase() === 'temp'))
        .map(e => e.name).sort()
      return rowsQuery(b, ['name'], [VARCHAR], names.map(n => [n]))
    }
    case 'databases': {
      return rowsQuery(b, ['database_name'], [VARCHAR], databasesOf(b.ctx.fnCtx).list.map(d => [d.name]))
    }
    case 'all_tables': {
      // every database's tables, as DuckDB lists them
      const dbs = b.ctx.databases
      const sources = dbs === undefined ? [{ database: 'memory', catalog }] : dbs.names().map(database => ({ database, catalog: dbs.catalog(database)! }))
      const rows = sources.flatMap(({ database, catalog: source }) => {
        const entries = [...source.entries(txn)].sort((x, y) => x.schema.localeCompare(y.schema) || x.name.localeCompare(y.name))
        return entries.map(e => {
          const cols = e.kind === 'table' ? e.columns.map(c => ({ name: c.name, type: typeToString(c.type) })) : b.inCatalog(source, () => viewColumns(b, e.query, e.columnNames))
          return [database, e.schema, e.name, cols.map(c => c.name), cols.map(c => c.type), e.kind === 'table' ? e.temporary : false]
        })
      })
      return rowsQuery(b, ['database', 'schema', 'name', 'column_names', 'column_types', 'temporary'],
        [VARCHAR, VARCHAR, VARCHAR, list(VARCHAR), list(VARCHAR), BOOLEAN], rows)
    }
    case 'models': return rowsQuery(b, SHOW_MODELS_NAMES, SHOW_MODELS_TYPES, showModelRows(b))
    case 'setting': {
      const def = hooks.setting(what.name)
      if (def === undefined) {
        throw new GrizzlyError(SqlState.undefinedObject, `unrecognized configuration parameter "${what.name}"`, {
          position: stmt.pos, hint: didYouMean(what.name, hooks.allSettings().map(s => s.name)),
        })
      }
      const v = b.ctx.setting(def.name)
      return rowsQuery(b, [def.name], [VARCHAR], [[v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)]])
    }
    default: return assertNever(what, 'SHOW')
  }
}

function viewColumns(b: Binder, query: Parameters<typeof bindQuery>[1], names: readonly string[] | null): { name: string; type: string }[] {
  try {
    const q = bindQuery(b, query, null, null)
    return q.plan.output.map((c, i) => ({ name: names?.[i] ?? q.names[i]!, type: typeToString(c.type) }))
  } catch {
    // a view whose tables were dropped still lists, without columns
    return []
  }
}

export function bindDescribe(b: Binder, stmt: DescribeStatement): BoundStatement {
  const names = ['column_name', 'column_type', 'null', 'key', 'default', 'extra']
  const types = names.map(() => VARCHAR)
  const t = stmt.target
  switch (t.kind) {
    case 'table': {
      const target = resolveName(b.ctx, t.name, stmt.pos)
      const entry = target.catalog.require(b.ctx.txn, target.schema, target.name, stmt.pos)
      if (entry.kind === 'view') {
        return rowsQuery(b, names, types, b.inCatalog(target.catalog, () => viewColumns(b, entry.query, entry.columnNames)).map(c => [c.name, c.type, 'YES', null, null, null]))
      }
      const pk = entry.constraints.primaryKey ?? []
      const unique = new Set(entry.constraints.unique.filter(u => u.length === 1).map(u => u[0]!))
      return rowsQuery(b, names, types, withGeneratedRows(entry, entry.columns.map((c, i) => [
        c.name, typeToString(c.type), c.notNull ? 'NO' : 'YES',
        pk.includes(i) ? 'PRI' : unique.has(i) ? 'UNI' : null, c.defaultSql, null,
      ]), g => [g.name, typeToString(g.type), 'YES', null, null, `GENERATED ALWAYS AS (${g.sql})`]))
    }
    case 'query': {
      const q = bindQuery(b, t.query, null, null)
      return rowsQuery(b, names, types, q.plan.output.map((c, i) => [q.names[i]!, typeToString(c.type), 'YES', null, null, null]))
    }
    default: return assertNever(t, 'DESCRIBE target')
  }
}
