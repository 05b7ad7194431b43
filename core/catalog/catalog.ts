/**
 * Catalog contracts: schemas hold tables, views and sequences. A table's rows live behind a
 * TableProvider — the one interface that in-memory tables, the durable storage engine,
 * registered Arrow tables and (later) lakehouse tables implement (DESIGN §10), so the planner
 * never cares which one it has. Implementations live beside this file.
 */
import type { LogicalType, Value } from '../types/types.ts'
import type { DataChunk } from '../vector/vector.ts'
import type { BoundExpr } from '../plan/expr.ts'
import type { Query } from '../parser/ast.ts'
import type { IndexInstance, IndexTypeDef } from '../hooks/contracts.ts'
import type { ModelStore } from './models.ts'
import type { Sequence } from './sequences.ts'
import type { UserType } from './named-objects.ts'

export interface ColumnSchema {
  readonly name: string
  readonly type: LogicalType
  readonly notNull: boolean
  /** bound DEFAULT expression (no column references), or null for NULL */
  readonly default: BoundExpr | null
  /** the DEFAULT as written, for DESCRIBE and .schema */
  readonly defaultSql: string | null
}

export interface TableConstraints {
  /** column indexes of the primary key, or null */
  readonly primaryKey: readonly number[] | null
  /** column index sets that must be unique (primary key not repeated here) */
  readonly unique: readonly (readonly number[])[]
  /** CHECK expressions over the table's columns (colref ids = column index) */
  readonly checks: readonly { readonly expr: BoundExpr; readonly sql: string }[]
  /** FOREIGN KEY … REFERENCES …, enforced by the table provider (NO ACTION) */
  readonly foreignKeys?: readonly ForeignKeyConstraint[]
  /** VIRTUAL generated columns: not stored, computed from the stored columns when the table is read */
  readonly generated?: readonly GeneratedColumn[]
}

export interface GeneratedColumn {
  readonly name: string
  readonly type: LogicalType
  /** where it stands among all the table's columns as declared (stored ones and generated ones) */
  readonly position: number
  /** over the stored columns only (colref ids = their indexes); generated columns it reads are inlined */
  readonly expr: BoundExpr
  /** the expression as written, for .schema and storage */
  readonly sql: string
}

export interface ForeignKeyConstraint {
  /** referencing column indexes of this table */
  readonly columns: readonly number[]
  /** the referenced table as written; schema null = the search path (the table itself may be named) */
  readonly refSchema: string | null
  readonly refTable: string
  /** referenced column names, matched to `columns` in order; empty = the referenced table's primary key */
  readonly refColumns: readonly string[]
}

/** Filters a provider may use to skip data (zone maps, indexes); the scan still returns only matching rows. */
export type ScanFilter =
  | { readonly kind: 'compare'; readonly column: number; readonly op: '=' | '<' | '<=' | '>' | '>='; readonly value: Value }
  | { readonly kind: 'is_null'; readonly column: number; readonly not: boolean }

export interface ScanRequest {
  /** table column indexes to produce, in this order; ROW_ID_COLUMN yields the row id (BIGINT) */
  readonly columns: readonly number[]
  /** hints only: rows failing them may be skipped, but the engine re-checks */
  readonly filters: readonly ScanFilter[]
}

export const ROW_ID_COLUMN = -1

export interface TableProvider {
  /** estimated row count for the optimizer */
  estimatedRows(txn: Transaction): number
  scan(txn: Transaction, request: ScanRequest): Iterable<DataChunk>
  /** providers without DML leave these undefined; the engine reports 0A000 / read-only */
  insert?(txn: Transaction, rows: DataChunk): void
  /** rowIds as returned by a scan of ROW_ID_COLUMN; returns how many rows were deleted */
  delete?(txn: Transaction, rowIds: BigInt64Array): number
  /** replace the given columns of rows rowIds[i] with row i of values */
  update?(txn: Transaction, rowIds: BigInt64Array, columns: readonly number[], values: DataChunk): void
  /**
   * For ON CONFLICT: the row id of the live row whose `keyColumns` equal row i of `keys`, or -1n.
   * Providers with unique constraints implement it with their index.
   */
  lookup?(txn: Transaction, keyColumns: readonly number[], keys: DataChunk): BigInt64Array
  /**
   * Rows by id without a scan: row i of the result is the row `rowIds[i]` (ids may repeat),
   * with `columns` as in ScanRequest. Optional; engines fall back to scanning ROW_ID_COLUMN.
   */
  fetch?(txn: Transaction, rowIds: BigInt64Array, columns: readonly number[]): DataChunk
  /** one row by id, as `fetch` of [rowId] gives it, without the id arrays (a point lookup's answer). Optional. */
  fetchRow?(txn: Transaction, rowId: number, columns: readonly number[]): DataChunk
  /** indexes over the current rows (CREATE INDEX ones and the PRIMARY KEY / UNIQUE ones) */
  tableIndexes?(): readonly TableIndex[]
  /** true when `txn` sees exactly the current rows, so the rows an index returns are the ones it may read */
  seesCurrentRows?(txn: Transaction): boolean
  /** true for an attached database's table: it writes in that database's transaction, so a read-only statement transaction does not forbid it */
  readonly ownTransaction?: boolean
}

/** An index over one table, as the optimizer and the index scan see it. */
export interface TableIndex {
  readonly name: string
  /** table column indexes of the key, in key order */
  readonly columns: readonly number[]
  readonly unique: boolean
  /** index method (btree, hnsw, …); 'constraint' for the hash index of a PRIMARY KEY / UNIQUE */
  readonly method: string
  readonly instance: IndexInstance
  /** false once dropped: a plan that kept it must scan instead */
  readonly attached: boolean
}

/** A CREATE INDEX as the catalog keeps it (storage persists these and rebuilds the indexes). */
export interface IndexDefinition {
  readonly schema: string
  readonly name: string
  readonly table: string
  /** key column names, in key order */
  readonly columns: readonly string[]
  readonly unique: boolean
  readonly method: string
  readonly options: ReadonlyMap<string, Value>
  /** the CREATE INDEX text */
  readonly sql: string
}

export interface CreateIndexRequest {
  readonly name: string
  readonly table: TableEntry
  /** table column indexes of the key, in key order */
  readonly columns: readonly number[]
  readonly unique: boolean
  readonly method: IndexTypeDef
  readonly options: ReadonlyMap<string, Value>
  readonly sql: string
  readonly ifNotExists: boolean
}

export interface TableEntry {
  readonly kind: 'table'
  readonly schema: string
  readonly name: string
  readonly columns: readonly ColumnSchema[]
  readonly constraints: TableConstraints
  readonly provider: TableProvider
  readonly temporary: boolean
}

export interface ViewEntry {
  readonly kind: 'view'
  readonly schema: string
  readonly name: string
  /** the CREATE VIEW text, for .schema */
  readonly sql: string
  readonly query: Query
  /** column names given in CREATE VIEW v(a, b) */
  readonly columnNames: readonly string[] | null
}

export type CatalogEntry = TableEntry | ViewEntry

/**
 * A transaction as the engine sees it: one per statement in autocommit mode, or BEGIN … COMMIT.
 * Work registers undo actions so ROLLBACK (or a failed statement) leaves nothing behind.
 */
export interface Transaction {
  readonly id: number
  readonly readOnly: boolean
  /** register an action that reverts a change; run in reverse order on rollback */
  onRollback(undo: () => void): void
  /** register an action to run once the transaction commits */
  onCommit(action: () => void): void
}

/** What a CREATE TABLE hands the catalog. */
export interface TableDefinition {
  readonly schema: string
  readonly name: string
  readonly columns: readonly ColumnSchema[]
  readonly constraints: TableConstraints
  readonly temporary: boolean
}

export type AlterTableChange =
  /** `fill` produces the new column's values for existing rows (its default, or NULLs) */
  | { readonly kind: 'add_column'; readonly column: ColumnSchema; readonly fill: (rows: number) => import('../vector/vector.ts').Vector }
  | { readonly kind: 'drop_column'; readonly column: number }
  | { readonly kind: 'rename_column'; readonly column: number; readonly to: string }
  | { readonly kind: 'rename_table'; readonly to: string }
  /** `convert` casts the old column's vector to the new type (throws GrizzlyError on failure) */
  | { readonly kind: 'alter_column_type'; readonly column: number; readonly type: LogicalType; readonly convert: (old: import('../vector/vector.ts').Vector) => import('../vector/vector.ts').Vector }
  | { readonly kind: 'set_default'; readonly column: number; readonly default: BoundExpr | null; readonly defaultSql: string | null }
  | { readonly kind: 'set_not_null'; readonly column: number; readonly notNull: boolean }

/**
 * The catalog as the binder and the statement executor use it. Every change takes the
 * transaction so ROLLBACK undoes it; names are case-insensitive (stored as given, compared
 * lower-cased). Errors are GrizzlyErrors (42P01, 42P07, 3F000, 2BP01, …) with did-you-mean hints.
 */
export interface Catalog {
  readonly defaultSchema: string
  /** CREATE MODEL's models (bytes + format + SHA-256), kept and persisted with the catalog */
  readonly models: ModelStore
  /** schema null = search the default schema (then 'temp' entries first, as PostgreSQL) */
  lookup(txn: Transaction, schema: string | null, name: string): CatalogEntry | undefined
  /** like lookup but throws 42P01 with a did-you-mean hint; `position` goes into the error */
  require(txn: Transaction, schema: string | null, name: string, position?: number): CatalogEntry
  hasSchema(name: string): boolean
  schemaNames(): string[]
  /** every entry, for SHOW TABLES, completion and did-you-mean */
  entries(txn: Transaction): CatalogEntry[]
  createSchema(txn: Transaction, name: string, ifNotExists: boolean): void
  dropSchema(txn: Transaction, name: string, ifExists: boolean, cascade: boolean): void
  createTable(txn: Transaction, def: TableDefinition, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): TableEntry | undefined
  createView(txn: Transaction, view: Omit<ViewEntry, 'kind'>, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void
  /** DROP TABLE / VIEW; wrong object type is 42809 */
  drop(txn: Transaction, kind: 'table' | 'view', schema: string | null, name: string, options: { readonly ifExists: boolean; readonly cascade: boolean }): void
  alterTable(txn: Transaction, table: TableEntry, change: AlterTableChange): void
  /** CREATE INDEX: builds it over the existing rows; 42P07 when the name is taken, 23505 on a duplicate key */
  createIndex(txn: Transaction, request: CreateIndexRequest): void
  /** DROP INDEX; 42704 with did-you-mean when there is no such index (unless ifExists) */
  dropIndex(txn: Transaction, schema: string | null, name: string, ifExists: boolean): void
  /** every CREATE INDEX, in creation order per table */
  indexDefinitions(txn: Transaction): IndexDefinition[]
  /** CREATE SEQUENCE: sequences have a namespace of their own; 42P07 when the name is taken */
  createSequence(txn: Transaction, sequence: Sequence, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void
  /** DROP SEQUENCE; 2BP01 while a column DEFAULT uses it (unless CASCADE, which drops those tables) */
  dropSequence(txn: Transaction, schema: string | null, name: string, options: { readonly ifExists: boolean; readonly cascade: boolean }): void
  /** schema null = 'temp', then the default schema */
  lookupSequence(txn: Transaction, schema: string | null, name: string): Sequence | undefined
  sequences(txn: Transaction): Sequence[]
  /** CREATE TYPE name AS type; 42710 when the name is taken */
  createType(txn: Transaction, type: UserType, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void
  dropType(txn: Transaction, schema: string | null, name: string, ifExists: boolean): void
  /** schema null = the schema `near` (the table's, when one is being defined), then 'temp', then the default schema */
  lookupType(txn: Transaction, schema: string | null, name: string, near: string | null): UserType | undefined
  types(txn: Transaction): UserType[]
  /** registers an externally provided table (db.register(name, arrowTable)) in the default schema */
  registerExternal(txn: Transaction, name: string, columns: readonly ColumnSchema[], provider: TableProvider, replace: boolean): TableEntry
}
