/**
 * An attached database as the statements of another database's transaction see it: every
 * catalog call and every table access is redirected to that database's own transaction
 * (begun when the statement's transaction first touches it), so the binder, optimizer and
 * executor work on its tables exactly as on the primary's.
 */
import type {
  AlterTableChange, Catalog, CatalogEntry, ColumnSchema, CreateIndexRequest, IndexDefinition, ScanRequest,
  TableDefinition, TableEntry, TableIndex, TableProvider, Transaction, ViewEntry,
} from '../catalog/catalog.ts'
import { ModelStore } from '../catalog/models.ts'
import type { StoredModel } from '../hooks/contracts.ts'
import type { Sequence } from '../catalog/sequences.ts'
import type { UserType } from '../catalog/named-objects.ts'
import type { DataChunk } from '../vector/vector.ts'

/** What the catalog and its tables need from the attachment registry. */
export interface TransactionMap {
  /** the attached database's transaction for the statement transaction `txn` */
  read(txn: Transaction): Transaction
  /** the same, refusing when the database is attached READ_ONLY (25006) */
  write(txn: Transaction, what: string): Transaction
}

/** A table of an attached database: the provider's calls get that database's transaction. */
class ForeignTable implements TableProvider {
  insert?: (txn: Transaction, rows: DataChunk) => void
  delete?: (txn: Transaction, rowIds: BigInt64Array) => number
  update?: (txn: Transaction, rowIds: BigInt64Array, columns: readonly number[], values: DataChunk) => void
  lookup?: (txn: Transaction, keyColumns: readonly number[], keys: DataChunk) => BigInt64Array
  fetch?: (txn: Transaction, rowIds: BigInt64Array, columns: readonly number[]) => DataChunk
  fetchRow?: (txn: Transaction, rowId: number, columns: readonly number[]) => DataChunk
  tableIndexes?: () => readonly TableIndex[]
  seesCurrentRows?: (txn: Transaction) => boolean
  readonly ownTransaction = true

  constructor(readonly inner: TableProvider, private readonly txns: TransactionMap, name: string) {
    const p = inner
    if (p.insert !== undefined) this.insert = (txn, rows) => p.insert!(txns.write(txn, `INSERT into "${name}"`), rows)
    if (p.delete !== undefined) this.delete = (txn, ids) => p.delete!(txns.write(txn, `DELETE from "${name}"`), ids)
    if (p.update !== undefined) this.update = (txn, ids, cols, values) => p.update!(txns.write(txn, `UPDATE "${name}"`), ids, cols, values)
    if (p.lookup !== undefined) this.lookup = (txn, cols, keys) => p.lookup!(txns.read(txn), cols, keys)
    if (p.fetch !== undefined) this.fetch = (txn, ids, cols) => p.fetch!(txns.read(txn), ids, cols)
    if (p.fetchRow !== undefined) this.fetchRow = (txn, id, cols) => p.fetchRow!(txns.read(txn), id, cols)
    if (p.tableIndexes !== undefined) this.tableIndexes = () => p.tableIndexes!()
    if (p.seesCurrentRows !== undefined) this.seesCurrentRows = txn => p.seesCurrentRows!(txns.read(txn))
  }

  estimatedRows(txn: Transaction): number { return this.inner.estimatedRows(this.txns.read(txn)) }
  scan(txn: Transaction, request: ScanRequest): Iterable<DataChunk> { return this.inner.scan(this.txns.read(txn), request) }
}

/** CREATE MODEL's models of an attached database, in its own transaction */
class ForeignModels extends ModelStore {
  constructor(private readonly inner: ModelStore, private readonly txns: TransactionMap) { super() }
  override get(txn: Transaction, name: string): StoredModel | undefined { return this.inner.get(this.txns.read(txn), name) }
  override list(txn: Transaction): StoredModel[] { return this.inner.list(this.txns.read(txn)) }
  override create(txn: Transaction, model: StoredModel, options: { readonly orReplace: boolean; readonly ifNotExists: boolean }): boolean {
    return this.inner.create(this.txns.write(txn, 'CREATE MODEL'), model, options)
  }
  override drop(txn: Transaction, name: string, ifExists: boolean, position?: number): void { this.inner.drop(this.txns.write(txn, 'DROP MODEL'), name, ifExists, position) }
  override restore(model: StoredModel): void { this.inner.restore(model) }
}

export class ForeignCatalog implements Catalog {
  /** entries handed out → the attached catalog's own, and back (ALTER and CREATE INDEX get ours) */
  private readonly wrapped = new WeakMap<TableEntry, TableEntry>()
  private readonly own = new WeakMap<TableEntry, TableEntry>()

  readonly models: ModelStore

  constructor(readonly inner: Catalog, private readonly txns: TransactionMap) {
    this.models = new ForeignModels(inner.models, txns)
  }

  get defaultSchema(): string { return this.inner.defaultSchema }

  private wrap<T extends CatalogEntry | undefined>(entry: T): T {
    if (entry === undefined || entry.kind !== 'table') return entry
    let w = this.wrapped.get(entry)
    if (w === undefined) {
      w = { ...entry, provider: new ForeignTable(entry.provider, this.txns, entry.name) }
      this.wrapped.set(entry, w)
      this.own.set(w, entry)
    }
    return w as T
  }

  private unwrap(entry: TableEntry): TableEntry { return this.own.get(entry) ?? entry }

  lookup(txn: Transaction, schema: string | null, name: string): CatalogEntry | undefined { return this.wrap(this.inner.lookup(this.txns.read(txn), schema, name)) }
  require(txn: Transaction, schema: string | null, name: string, position?: number): CatalogEntry { return this.wrap(this.inner.require(this.txns.read(txn), schema, name, position)) }
  hasSchema(name: string): boolean { return this.inner.hasSchema(name) }
  schemaNames(): string[] { return this.inner.schemaNames() }
  entries(txn: Transaction): CatalogEntry[] { return this.inner.entries(this.txns.read(txn)).map(e => this.wrap(e)) }
  createSchema(txn: Transaction, name: string, ifNotExists: boolean): void { this.inner.createSchema(this.txns.write(txn, 'CREATE SCHEMA'), name, ifNotExists) }
  dropSchema(txn: Transaction, name: string, ifExists: boolean, cascade: boolean): void { this.inner.dropSchema(this.txns.write(txn, 'DROP SCHEMA'), name, ifExists, cascade) }
  createTable(txn: Transaction, def: TableDefinition, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): TableEntry | undefined {
    return this.wrap(this.inner.createTable(this.txns.write(txn, 'CREATE TABLE'), def, options))
  }
  createView(txn: Transaction, view: Omit<ViewEntry, 'kind'>, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    this.inner.createView(this.txns.write(txn, 'CREATE VIEW'), view, options)
  }
  drop(txn: Transaction, kind: 'table' | 'view', schema: string | null, name: string, options: { readonly ifExists: boolean; readonly cascade: boolean }): void {
    this.inner.drop(this.txns.write(txn, `DROP ${kind.toUpperCase()}`), kind, schema, name, options)
  }
  alterTable(txn: Transaction, table: TableEntry, change: AlterTableChange): void { this.inner.alterTable(this.txns.write(txn, 'ALTER TABLE'), this.unwrap(table), change) }
  createIndex(txn: Transaction, request: CreateIndexRequest): void {
    this.inner.createIndex(this.txns.write(txn, 'CREATE INDEX'), { ...request, table: this.unwrap(request.table) })
  }
  dropIndex(txn: Transaction, schema: string | null, name: string, ifExists: boolean): void { this.inner.dropIndex(this.txns.write(txn, 'DROP INDEX'), schema, name, ifExists) }
  indexDefinitions(txn: Transaction): IndexDefinition[] { return this.inner.indexDefinitions(this.txns.read(txn)) }
  createSequence(txn: Transaction, sequence: Sequence, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    this.inner.createSequence(this.txns.write(txn, 'CREATE SEQUENCE'), sequence, options)
  }
  dropSequence(txn: Transaction, schema: string | null, name: string, options: { readonly ifExists: boolean; readonly cascade: boolean }): void {
    this.inner.dropSequence(this.txns.write(txn, 'DROP SEQUENCE'), schema, name, options)
  }
  lookupSequence(txn: Transaction, schema: string | null, name: string): Sequence | undefined { return this.inner.lookupSequence(this.txns.read(txn), schema, name) }
  sequences(txn: Transaction): Sequence[] { return this.inner.sequences(this.txns.read(txn)) }
  createType(txn: Transaction, type: UserType, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    this.inner.createType(this.txns.write(txn, 'CREATE TYPE'), type, options)
  }
  dropType(txn: Transaction, schema: string | null, name: string, ifExists: boolean): void { this.inner.dropType(this.txns.write(txn, 'DROP TYPE'), schema, name, ifExists) }
  lookupType(txn: Transaction, schema: string | null, name: string, near: string | null): UserType | undefined { return this.inner.lookupType(this.txns.read(txn), schema, name, near) }
  types(txn: Transaction): UserType[] { return this.inner.types(this.txns.read(txn)) }
  registerExternal(txn: Transaction, name: string, columns: readonly ColumnSchema[], provider: TableProvider, replace: boolean): TableEntry {
    return this.wrap(this.inner.registerExternal(this.txns.write(txn, 'a registered table'), name, columns, provider, replace))
  }
}
