/** Shared builders for the catalog tests. */
import type { ColumnSchema, TableConstraints, TableEntry } from '../../../core/catalog/catalog.ts'
import { MemoryCatalog } from '../../../core/catalog/memory-catalog.ts'
import { MemoryTable } from '../../../core/catalog/memory-table.ts'
import { TransactionManager, type MemoryTransaction } from '../../../core/catalog/transaction.ts'
import type { LogicalType, Value } from '../../../core/types/types.ts'
import { DataChunk, getValue, vectorFromValues } from '../../../core/vector/vector.ts'
import { GrizzlyError } from '../../../core/errors.ts'
import assert from 'node:assert/strict'

export function col(name: string, type: LogicalType, notNull = false): ColumnSchema {
  return { name, type, notNull, default: null, defaultSql: null }
}

export const NO_CONSTRAINTS: TableConstraints = { primaryKey: null, unique: [], checks: [] }

export function chunkOf(types: readonly LogicalType[], rows: readonly (readonly Value[])[]): DataChunk {
  return new DataChunk(types.map((t, c) => vectorFromValues(t, rows.map(r => r[c] ?? null))), rows.length)
}

export function rowsOf(chunks: Iterable<DataChunk>): Value[][] {
  const out: Value[][] = []
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.size; i++) out.push(chunk.columns.map(v => getValue(v, i)))
  }
  return out
}

export function memoryTable(entry: TableEntry): MemoryTable {
  assert.ok(entry.provider instanceof MemoryTable)
  return entry.provider
}

export interface Fixture {
  readonly catalog: MemoryCatalog
  readonly tm: TransactionManager
  /** runs `f` in its own committed transaction (rolled back when it throws) */
  run<T>(f: (txn: MemoryTransaction) => T): T
}

export function fixture(): Fixture {
  const catalog = new MemoryCatalog()
  const tm = new TransactionManager()
  return {
    catalog, tm,
    run<T>(f: (txn: MemoryTransaction) => T): T {
      const txn = tm.begin()
      try {
        const r = f(txn)
        tm.commit(txn)
        return r
      } catch (e) {
        tm.rollback(txn)
        throw e
      }
    },
  }
}

/** asserts that `f` throws a GrizzlyError with `code`, and returns it for further checks */
export function throwsCode(f: () => unknown, code: string, message?: RegExp): GrizzlyError {
  let caught: unknown
  try { f() } catch (e) { caught = e }
  assert.ok(caught instanceof GrizzlyError, `expected a GrizzlyError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  if (message !== undefined) assert.match(caught.message, message)
  return caught
}

import type { Query, TableRef, Expr } from '../../../core/parser/ast.ts'

/** SELECT * FROM <refs…> [WHERE where] as an AST, for views in tests */
export function selectFrom(refs: readonly TableRef[], where: Expr | null = null): Query {
  return {
    kind: 'query', pos: 0, with: null, orderBy: [], orderByAll: null, limit: null, limitPercent: false, offset: null,
    body: {
      kind: 'select', pos: 0, distinct: false, from: refs, where, groupBy: null, having: null, windows: [], qualify: null,
      items: [{ pos: 0, alias: null, expr: { kind: 'star', pos: 0, qualifier: null, exclude: [], replace: [] } }],
    },
  }
}

export function tableRef(...name: string[]): TableRef {
  return { kind: 'table_ref', pos: 0, name, alias: null }
}

export function view(schema: string, name: string, query: Query): { schema: string; name: string; sql: string; query: Query; columnNames: null } {
  return { schema, name, sql: `CREATE VIEW ${name} AS …`, query, columnNames: null }
}
