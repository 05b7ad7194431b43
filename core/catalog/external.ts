/**
 * Externally provided tables (db.register(name, arrowTable), later file and lakehouse scans):
 * any TableProvider, wrapped so that it is read-only whatever the provider offers — the wrapper
 * has no DML methods, which the TableProvider contract defines as "read-only".
 */
import type { DataChunk } from '../vector/vector.ts'
import type { ScanRequest, TableEntry, TableProvider, Transaction } from './catalog.ts'
import { GrizzlyError, SqlState } from '../errors.ts'

export type TableOperation = 'INSERT' | 'UPDATE' | 'DELETE' | 'ALTER TABLE'

export class ExternalTableProvider implements TableProvider {
  constructor(readonly tableName: string, readonly inner: TableProvider) {}

  estimatedRows(txn: Transaction): number { return this.inner.estimatedRows(txn) }
  scan(txn: Transaction, request: ScanRequest): Iterable<DataChunk> { return this.inner.scan(txn, request) }
  // no insert / delete / update: the engine reports 0A000 for DML on a provider without them
}

export function readOnlyTableError(name: string, operation: TableOperation): GrizzlyError {
  return new GrizzlyError(SqlState.featureNotSupported, `cannot ${operation === 'ALTER TABLE' ? 'alter' : operation} registered table "${name}": it is read-only`, {
    hint: `copy it into a table first: CREATE TABLE ${name}_copy AS SELECT * FROM ${name}`,
  })
}

export function isExternalTable(entry: TableEntry): boolean {
  return entry.provider instanceof ExternalTableProvider
}

/**
 * For the binder or executor: throws a clear error before any row is touched when `entry`
 * cannot take `operation` (registered tables, or providers without that method).
 */
export function checkWritable(entry: TableEntry, operation: TableOperation): void {
  if (entry.provider instanceof ExternalTableProvider) throw readOnlyTableError(entry.name, operation)
  const p = entry.provider
  const supported = operation === 'INSERT' ? p.insert !== undefined
    : operation === 'DELETE' ? p.delete !== undefined
      : operation === 'UPDATE' ? p.update !== undefined
        : true
  if (!supported) throw readOnlyTableError(entry.name, operation)
}
