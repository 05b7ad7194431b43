/**
 * CREATE INDEX / DROP INDEX against the in-memory catalog. An index lives with its table (in
 * the table's TableIndexes), so dropping, replacing or rolling back the table takes its indexes
 * along; index names are unique per schema. Every change registers its undo.
 */
import { GrizzlyError, SqlState, assertNever, didYouMean } from '../errors.ts'
import type {
  AlterTableChange, CatalogEntry, CreateIndexRequest, IndexDefinition, Transaction,
} from '../catalog/catalog.ts'
import { MemoryTable } from '../catalog/memory-table.ts'
import { TEMP_SCHEMA } from '../catalog/memory-catalog.ts'
import { MemoryTransaction, beginWrite } from '../catalog/transaction.ts'
import { SecondaryIndex } from './table-indexes.ts'

/** the catalog calls an index needs */
export interface IndexedCatalog {
  readonly defaultSchema: string
  entries(txn: Transaction): CatalogEntry[]
  hasSchema(name: string): boolean
}

interface Found { readonly table: MemoryTable; readonly index: SecondaryIndex }

function indexesOf(catalog: IndexedCatalog, txn: Transaction): { readonly schema: string; readonly found: Found }[] {
  const out: { schema: string; found: Found }[] = []
  for (const e of catalog.entries(txn)) {
    if (e.kind !== 'table' || !(e.provider instanceof MemoryTable)) continue
    for (const index of e.provider.secondary.list) out.push({ schema: e.schema, found: { table: e.provider, index } })
  }
  return out
}

function findIndex(catalog: IndexedCatalog, txn: Transaction, schema: string, name: string): Found | undefined {
  const key = name.toLowerCase(), schemaKey = schema.toLowerCase()
  return indexesOf(catalog, txn).find(x => x.schema.toLowerCase() === schemaKey && x.found.index.name.toLowerCase() === key)?.found
}

export function createIndex(catalog: IndexedCatalog, txn: Transaction, request: CreateIndexRequest): void {
  const entry = request.table
  const table = entry.provider
  if (!(table instanceof MemoryTable)) {
    throw new GrizzlyError(SqlState.featureNotSupported, `cannot create an index on "${entry.name}": it is not a table stored by the database`,
      { hint: 'copy the rows into a table first: CREATE TABLE t AS SELECT * FROM …' })
  }
  if (findIndex(catalog, txn, entry.schema, request.name) !== undefined) {
    if (request.ifNotExists) return
    throw new GrizzlyError(SqlState.duplicateTable, `index "${request.name}" already exists`, { hint: 'pick another name, or DROP INDEX it first' })
  }
  if (table.othersUpdating(txn)) {
    throw new GrizzlyError(SqlState.serializationFailure, `cannot create an index on "${entry.name}" while another transaction has uncommitted updates to it`,
      { hint: 'commit or roll back that transaction first, then create the index' })
  }
  // no write lock: the index holds the current rows, other writers' pending ones included, and
  // their commits and rollbacks keep it in step (readers who must not see those rows scan instead)
  const spec = {
    keyNames: request.columns.map(c => table.columns[c]!.name),
    keyTypes: request.columns.map(c => table.columns[c]!.type),
    unique: request.unique,
    options: request.options,
  }
  const index = new SecondaryIndex(entry.schema, request.name, [...request.columns], request.method, spec, request.sql)
  table.secondary.build(table, index)
  table.secondary.attach(index)
  txn.onRollback(() => table.secondary.detach(index))
  // durable storage writes the new definition when the transaction commits
  if (txn instanceof MemoryTransaction) txn.changedCatalog = true
}

export function dropIndex(catalog: IndexedCatalog, txn: Transaction, schema: string | null, name: string, ifExists: boolean): void {
  if (schema !== null && !catalog.hasSchema(schema)) {
    if (ifExists) return
    throw new GrizzlyError(SqlState.undefinedSchema, `schema "${schema}" does not exist`)
  }
  // unqualified: temporary tables' indexes first, as names are searched for tables
  const found = schema !== null ? findIndex(catalog, txn, schema, name)
    : findIndex(catalog, txn, TEMP_SCHEMA, name) ?? findIndex(catalog, txn, catalog.defaultSchema, name)
  if (found === undefined) {
    if (ifExists) return
    const names = indexesOf(catalog, txn).map(x => x.found.index.name)
    throw new GrizzlyError(SqlState.undefinedObject, `index "${name}" does not exist`,
      { hint: didYouMean(name, names) ?? 'use DROP INDEX IF EXISTS to ignore a missing index' })
  }
  beginWrite(txn, 'DROP INDEX')
  const { table, index } = found
  const at = table.secondary.list.indexOf(index)
  table.secondary.detach(index)
  txn.onRollback(() => {
    index.attached = true
    table.secondary.list.splice(at, 0, index)
  })
}

export function indexDefinitions(catalog: IndexedCatalog, txn: Transaction): IndexDefinition[] {
  return indexesOf(catalog, txn).map(x => x.found.index.definition(x.found.table))
}

/**
 * ALTER TABLE and indexes: dropping or retyping an indexed column is refused (as DuckDB does);
 * dropping another column renumbers the key columns after it.
 */
export function alterIndexedTable(txn: Transaction, table: MemoryTable, change: AlterTableChange): void {
  const list = table.secondary.list
  if (list.length === 0) return
  switch (change.kind) {
    case 'drop_column': case 'alter_column_type': {
      const users = list.filter(ix => ix.columns.includes(change.column))
      if (users.length > 0) {
        const what = change.kind === 'drop_column' ? 'drop' : 'change the type of'
        throw new GrizzlyError(SqlState.dependentObjects,
          `Cannot ${what} column "${table.columns[change.column]?.name}": index "${users[0]!.name}" depends on it`,
          { hint: `DROP INDEX ${users.map(ix => ix.name).join(', ')} first` })
      }
      if (change.kind === 'alter_column_type') return
      const before = list.map(ix => ix.columns)
      for (const ix of list) ix.columns = ix.columns.map(c => c > change.column ? c - 1 : c)
      txn.onRollback(() => list.forEach((ix, k) => { ix.columns = before[k]! }))
      return
    }
    case 'add_column': case 'rename_column': case 'rename_table': case 'set_default': case 'set_not_null': return
    default: assertNever(change, 'ALTER TABLE change')
  }
}
