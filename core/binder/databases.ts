/**
 * Names across databases (ATTACH): `db.schema.table`, `x.table` — x a schema of the current
 * database first, else a database (its default schema), as DuckDB resolves two-part names —
 * and `table` in the current database and schema (USE). Also ATTACH / DETACH / USE themselves.
 */
import type { Catalog } from '../catalog/catalog.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { AttachStatement, DetachStatement, QualifiedName, UseStatement } from '../parser/ast.ts'
import type { Binder } from './binder.ts'
import type { BinderContext, BoundStatement } from './context.ts'
import { ExprBinder } from './expression.ts'
import { Scope } from './scope.ts'

export interface ResolvedName {
  readonly catalog: Catalog
  /** null = the catalog's search path (temp, then its default schema) */
  readonly schema: string | null
  readonly name: string
}

/** The catalog and schema a (one- to three-part) name of a catalog object points at. */
export function resolveName(ctx: BinderContext, parts: QualifiedName, position: number): ResolvedName {
  const name = parts[parts.length - 1]!
  const dbs = ctx.databases
  if (parts.length >= 3) return { catalog: databaseCatalog(ctx, parts[parts.length - 3]!, position), schema: parts[parts.length - 2]!, name }
  if (parts.length === 2) {
    const first = parts[0]!
    if (dbs === undefined || ctx.catalog.hasSchema(first)) return { catalog: ctx.catalog, schema: first, name }
    const other = dbs.catalog(first)
    // neither: the catalog reports the unknown schema, as before databases could be named
    return other === undefined ? { catalog: ctx.catalog, schema: first, name } : { catalog: other, schema: null, name }
  }
  const schema = dbs === undefined || dbs.currentSchema.toLowerCase() === ctx.catalog.defaultSchema.toLowerCase() ? null : dbs.currentSchema
  return { catalog: ctx.catalog, schema, name }
}

/** 3F000 unless `catalog` has `schema` */
export function requireSchema(catalog: Catalog, schema: string, position: number): void {
  if (catalog.hasSchema(schema)) return
  throw new GrizzlyError(SqlState.undefinedSchema, `schema "${schema}" does not exist`, {
    position, hint: didYouMean(schema, catalog.schemaNames()) ?? `its schemas are ${catalog.schemaNames().join(', ')}`,
  })
}

/** true for the primary database's catalog (attached ones check their own writability) */
export function isPrimary(ctx: BinderContext, catalog: Catalog): boolean {
  return ctx.databases === undefined || ctx.databases.primary === catalog
}

/** The catalog of an attached database; 3D000 when none has that name. */
export function databaseCatalog(ctx: BinderContext, database: string, position: number): Catalog {
  const dbs = ctx.databases
  if (dbs === undefined) return ctx.catalog
  const found = dbs.catalog(database)
  if (found !== undefined) return found
  throw new GrizzlyError(SqlState.invalidCatalogName, `database "${database}" does not exist`, {
    position, hint: didYouMean(database, dbs.names()) ?? `attach it first: ATTACH 'file.grz' AS ${database}; SHOW DATABASES lists the attached ones`,
  })
}

function directory(b: Binder, what: string, position: number) {
  const dbs = b.ctx.databases
  if (dbs === undefined) throw new GrizzlyError(SqlState.featureNotSupported, `${what} needs a database session`, { position })
  return dbs
}

export function bindAttach(b: Binder, stmt: AttachStatement): BoundStatement {
  const dbs = directory(b, 'ATTACH', stmt.pos)
  const path = constantText(b, stmt.path, 'the ATTACH path')
  let readOnly = false
  let encryptionKey: string | null = null
  for (const o of stmt.options) {
    switch (o.name) {
      case 'read_only': case 'readonly': readOnly = o.value === null || constantFlag(b, o.value); break
      case 'read_write': readOnly = o.value !== null && !constantFlag(b, o.value); break
      case 'access_mode': readOnly = constantText(b, o.value, 'ACCESS_MODE', o.pos).toLowerCase() === 'read_only'; break
      case 'encryption_key': encryptionKey = constantText(b, o.value, 'ENCRYPTION_KEY', o.pos); break
      case 'type': {
        const type = constantText(b, o.value, 'TYPE', o.pos).toLowerCase()
        if (type !== 'grizzly' && type !== 'duckdb') {
          throw new GrizzlyError(SqlState.featureNotSupported, `ATTACH of TYPE ${type} is not supported`, { position: o.pos, hint: 'attach Grizzly database files (.grz), :memory: or a .sql script' })
        }
        break
      }
      default:
        throw new GrizzlyError(SqlState.invalidParameter, `unrecognized ATTACH option "${o.name}"`, {
          position: o.pos, hint: didYouMean(o.name, ['read_only', 'read_write', 'encryption_key', 'type', 'access_mode']) ?? 'the options are READ_ONLY, ENCRYPTION_KEY \'key\' and TYPE',
        })
    }
  }
  const alias = stmt.alias ?? defaultAlias(path)
  if (alias === '') throw new GrizzlyError(SqlState.invalidParameterValue, `cannot derive a database name from "${path}"`, { position: stmt.pos, hint: 'name it: ATTACH … AS name' })
  return { kind: 'command', tag: 'ATTACH', run: () => dbs.attach({ path, alias, ifNotExists: stmt.ifNotExists, readOnly, encryptionKey, position: stmt.pos }) }
}

/** DuckDB's default alias: the file name without directories and extensions ('memory' for :memory:) */
export function defaultAlias(path: string): string {
  if (path === ':memory:' || path === '') return 'memory'
  const file = path.split(/[\\/]/).pop() ?? ''
  const dot = file.indexOf('.')
  return dot <= 0 ? file : file.slice(0, dot)
}

export function bindDetach(b: Binder, stmt: DetachStatement): BoundStatement {
  const dbs = directory(b, 'DETACH', stmt.pos)
  return { kind: 'command', tag: 'DETACH', run: () => dbs.detach(stmt.name, stmt.ifExists, stmt.pos) }
}

export function bindUse(b: Binder, stmt: UseStatement): BoundStatement {
  const dbs = directory(b, 'USE', stmt.pos)
  if (stmt.name.length > 2) throw new GrizzlyError(SqlState.syntaxError, `USE takes a database or database.schema, not "${stmt.name.join('.')}"`, { position: stmt.pos, hint: 'e.g. USE other or USE other.main' })
  const [first, second] = stmt.name
  // USE x: a database, else a schema of the current database (DuckDB)
  if (second === undefined && dbs.catalog(first!) === undefined && b.ctx.catalog.hasSchema(first!)) {
    return { kind: 'command', tag: 'USE', run: () => dbs.use(dbs.current, first!, stmt.pos) }
  }
  databaseCatalog(b.ctx, first!, stmt.pos)
  return { kind: 'command', tag: 'USE', run: () => dbs.use(first!, second ?? null, stmt.pos) }
}

function constant(b: Binder, e: AttachStatement['path'], what: string): unknown {
  // a bare word is its own text (ATTACH … (ACCESS_MODE read_only), TYPE sqlite)
  if (e.kind === 'column' && e.parts.length === 1) return e.parts[0]!
  const bound = new ExprBinder(b, new Scope(null, false), null, { clause: what }).bind(e)
  return b.constantValue(bound, what, e.pos)
}

function constantText(b: Binder, e: AttachStatement['path'] | null, what: string, optionPos?: number): string {
  if (e === null) throw new GrizzlyError(SqlState.invalidParameter, `${what} needs a value`, { position: optionPos, hint: `write ${what} 'value'` })
  const v = constant(b, e, what)
  if (typeof v !== 'string') throw new GrizzlyError(SqlState.invalidParameterValue, `${what} must be a string`, { position: e.pos, hint: "quote it: 'text'" })
  return v
}

function constantFlag(b: Binder, e: AttachStatement['path']): boolean {
  const v = constant(b, e, 'an ATTACH flag')
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && /^(true|false|on|off|1|0)$/i.test(v)) return /^(true|on|1)$/i.test(v)
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0
  throw new GrizzlyError(SqlState.invalidParameterValue, 'an ATTACH flag must be true or false', { position: e.pos, hint: 'e.g. (READ_ONLY true), or (READ_ONLY) alone' })
}
