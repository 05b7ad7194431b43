/**
 * CREATE TYPE name AS type / DROP TYPE, and the lookup of such names when a column or a cast
 * names a type the hooks do not know. A column keeps the resolved type (as DuckDB), so dropping
 * or replacing an alias never changes an existing table.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { CreateTypeStatement, DropStatement } from '../parser/ast.ts'
import type { LogicalType } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'
import { resolveTypeName } from './literals.ts'
import { requireSchema } from './databases.ts'

/** user types as `resolveTypeName` consults them: the schema `near` first (a table's own), then temp and the default schema */
export function userTypes(b: Binder, near: string | null): (name: string) => LogicalType | undefined {
  return name => b.ctx.catalog.lookupType(b.ctx.txn, null, name, near)?.type
}

function checkWritable(b: Binder, position: number): void {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot change the schema in a read-only transaction', { position })
}

export function bindCreateType(b: Binder, stmt: CreateTypeStatement): BoundStatement {
  checkWritable(b, stmt.pos)
  const name = stmt.name[stmt.name.length - 1]!
  const schema = stmt.name.length >= 2 ? stmt.name[stmt.name.length - 2]! : b.ctx.catalog.defaultSchema
  requireSchema(b.ctx.catalog, schema, stmt.pos)
  if (b.ctx.hooks.type(name.toUpperCase()) !== undefined) {
    throw new GrizzlyError(SqlState.duplicateObject, `type "${name}" is a built-in type`, { position: stmt.pos, hint: 'choose another name for the alias' })
  }
  const type = resolveTypeName(b.ctx.hooks, stmt.type, userTypes(b, schema))
  return {
    kind: 'command', tag: 'CREATE TYPE',
    run: () => b.ctx.catalog.createType(b.ctx.txn, { schema, name, type }, { ifNotExists: stmt.ifNotExists, orReplace: stmt.orReplace }),
  }
}

export function bindDropType(b: Binder, stmt: DropStatement): BoundStatement {
  checkWritable(b, stmt.pos)
  return {
    kind: 'command', tag: 'DROP TYPE',
    run: () => {
      for (const n of stmt.names) b.ctx.catalog.dropType(b.ctx.txn, n.length >= 2 ? n[n.length - 2]! : null, n[n.length - 1]!, stmt.ifExists)
    },
  }
}
