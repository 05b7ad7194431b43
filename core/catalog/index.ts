/** The catalog stage: in-memory catalog, tables, constraints and transactions. */
export * from './catalog.ts'
export { MemoryCatalog, MAIN_SCHEMA, TEMP_SCHEMA } from './memory-catalog.ts'
export { MemoryTable, ROW_GROUP_SIZE, type MemoryTableDefinition } from './memory-table.ts'
export {
  MemoryTransaction, TransactionManager, beginWrite, type BeginOptions, type Snapshot, type TransactionState,
} from './transaction.ts'
export {
  ExternalTableProvider, checkWritable, isExternalTable, readOnlyTableError, type TableOperation,
} from './external.ts'
export { referencedTables } from './view-dependencies.ts'
export { formatKeyValue } from './unique-index.ts'
