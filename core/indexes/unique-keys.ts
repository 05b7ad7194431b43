/**
 * The keys that make a row unique in a table: its PRIMARY KEY, its UNIQUE constraints and its
 * unique CREATE INDEX indexes. ON CONFLICT, INSERT OR REPLACE and INSERT OR IGNORE treat them all
 * alike, as DuckDB does.
 */
import type { TableEntry } from '../catalog/catalog.ts'
import type { IndexInstance } from '../hooks/contracts.ts'
import { getValue, type DataChunk } from '../vector/vector.ts'

const sameColumns = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every(c => b.includes(c))

/** each key's column indexes (constraints first, in declaration order; indexes in creation order), without repeats */
export function uniqueKeys(table: TableEntry): (readonly number[])[] {
  const { primaryKey, unique } = table.constraints
  const keys: (readonly number[])[] = [...(primaryKey === null ? [] : [primaryKey]), ...unique]
  for (const ix of table.provider.tableIndexes?.() ?? []) {
    if (ix.unique && ix.attached && ix.columns.length > 0 && !keys.some(k => sameColumns(k, ix.columns))) keys.push(ix.columns)
  }
  return keys
}

/** ON CONFLICT through a unique CREATE INDEX: the live row holding each key, -1n for none (a NULL part never matches) */
export function lookupInIndex(columns: readonly number[], index: IndexInstance, keyColumns: readonly number[], keys: DataChunk): BigInt64Array {
  const vectors = columns.map(c => keys.column(keyColumns.indexOf(c)))
  const out = new BigInt64Array(keys.size).fill(-1n)
  for (let i = 0; i < keys.size; i++) {
    const values = vectors.map(v => getValue(v, i))
    if (values.some(v => v === null)) continue
    const found = index.search({ equal: values, lower: null, upper: null })
    if (found.length > 0) out[i] = BigInt(found[0]!)
  }
  return out
}
