/**
 * What the binder needs from its caller (BinderContext) and what it hands back (BoundStatement).
 * The database layer builds the context per statement; the binder never creates one itself.
 */
import type { Catalog, TableEntry, Transaction } from '../catalog/catalog.ts'
import type { FunctionContext } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ColumnId } from '../plan/expr.ts'
import type { ExtensionHost } from '../extensions/host.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import type { LogicalType, Value } from '../types/types.ts'
import type { DataChunk } from '../vector/vector.ts'
import type { Statement } from '../parser/ast.ts'
import type { PragmaContext } from '../storage/pragmas.ts'
import type { DurableStore } from '../storage/store.ts'

export interface BinderContext {
  readonly catalog: Catalog
  /** functions, aggregates, windows, table functions, types, settings, formats */
  readonly hooks: Hooks
  readonly txn: Transaction
  readonly fnCtx: FunctionContext
  /** types of the statement's parameters $1.. (known from the values the caller passed) */
  readonly parameterTypes: readonly LogicalType[]
  /** current setting values (integer_division, default_null_order, …) */
  setting(name: string): Value
  /** when the binder needs a fresh ColumnId; ids are unique per statement */
  nextColumnId(): ColumnId
  /**
   * The statement's SQL text, when the caller has it: stored as the definition of CREATE VIEW.
   * Without it the binder stores a rendering of the AST.
   */
  readonly statementText?: string
  /** INSTALL / LOAD / CREATE FUNCTION … LANGUAGE go through it; absent when core runs alone */
  readonly extensionHost?: ExtensionHost | null
  /** true while a database file's stored catalog is recreated: an index whose method is not loaded yet waits for it */
  readonly restoring?: boolean
  /** the session's databases (ATTACH / USE); absent = `catalog` is the only one */
  readonly databases?: DatabaseDirectory
}

/**
 * The databases a statement may name (`db.schema.table`), implemented by the database layer.
 * `catalog` above is the current one (USE); others come from `catalog(name)`, already bound to
 * this statement's transaction in that database.
 */
export interface DatabaseDirectory {
  /** the database unqualified names resolve in */
  readonly current: string
  /** the schema unqualified names resolve in (USE db.schema) */
  readonly currentSchema: string
  /** the primary database's catalog (the one the Database was opened with) */
  readonly primary: Catalog
  /** a database's catalog by name (case-insensitive), undefined when none is attached under it */
  catalog(name: string): Catalog | undefined
  names(): readonly string[]
  attach(request: AttachRequest): void
  detach(name: string, ifExists: boolean, position: number): void
  use(database: string, schema: string | null, position: number): void
}

export interface AttachRequest {
  /** a .grz file, ':memory:', or a .sql script run into a new in-memory database */
  readonly path: string
  readonly alias: string
  readonly ifNotExists: boolean
  readonly readOnly: boolean
  readonly encryptionKey: string | null
  readonly position: number
}

export type BoundStatement =
  /** SELECT, VALUES, DML (output = RETURNING columns or one BIGINT column "Count"), SHOW, DESCRIBE */
  | { readonly kind: 'query'; readonly plan: LogicalPlan; readonly names: readonly string[] }
  /** DDL, executed against ctx.catalog in ctx.txn when run() is called */
  | { readonly kind: 'command'; readonly tag: string; run(): void }
  /**
   * CREATE TABLE … AS query. The caller executes `plan`, then calls `create()`: it creates the
   * table (columns named `names`, typed as `plan.output`) and returns it, or returns undefined
   * when IF NOT EXISTS found an existing table — then nothing is inserted. The caller inserts
   * the plan's rows, in output order, through the table's provider.
   */
  | { readonly kind: 'create_table_as'; readonly tag: string; readonly plan: LogicalPlan; readonly names: readonly string[]; create(): TableEntry | undefined }
  | { readonly kind: 'transaction'; readonly action: 'begin' | 'commit' | 'rollback' }
  | { readonly kind: 'explain'; readonly analyze: boolean; readonly statement: BoundStatement }
  /** value already validated through the setting's `validate` */
  | { readonly kind: 'set'; readonly name: string; readonly value: Value }
  /** name null = RESET ALL */
  | { readonly kind: 'reset'; readonly name: string | null }
  | { readonly kind: 'pragma'; readonly name: string; readonly args: readonly Value[] }
  /** COPY … TO: execute `plan`, hand its chunks to `write`; the result is the row count */
  | { readonly kind: 'copy_to'; readonly plan: LogicalPlan; readonly names: readonly string[]; write(chunks: readonly DataChunk[]): number }
  /** PREPARE: the session keeps `statement` under `name`; `types` are the declared parameter types (may be fewer than the parameters) */
  | { readonly kind: 'prepare'; readonly name: string; readonly statement: Statement; readonly text: string; readonly types: readonly LogicalType[]; readonly parameterCount: number }
  /** EXECUTE: the argument values, computed, with their types */
  | { readonly kind: 'execute'; readonly name: string; readonly args: readonly { readonly type: LogicalType; readonly value: Value }[]; readonly pos: number }
  /** DEALLOCATE: name null = ALL */
  | { readonly kind: 'deallocate'; readonly name: string | null }
  /** a command that returns rows (UPDATE EXTENSIONS): run() does the work and gives the rows */
  | { readonly kind: 'rows_command'; readonly tag: string; readonly names: readonly string[]; readonly types: readonly LogicalType[]; run(): readonly (readonly Value[])[] }
  /** EXPORT / IMPORT DATABASE, BACKUP, RESTORE: run(ctx) does the work in the statement's transaction and gives the rows */
  | { readonly kind: 'utility'; readonly tag: string; readonly names: readonly string[]; readonly types: readonly LogicalType[]; readonly changesCatalog: boolean; run(ctx: UtilityContext): readonly (readonly Value[])[] }

/** what a utility statement gets from the database: the storage, and a way to run the statements of a script */
export interface UtilityContext extends PragmaContext {
  readonly storage: DurableStore | null
  /** runs one parsed statement in the statement's transaction (nested, like a statement of the script) */
  run(stmt: Statement, text: string): void
}
