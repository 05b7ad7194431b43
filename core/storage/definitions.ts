/**
 * Catalog objects as normalized SQL. The checkpoint stores each table, view and schema as the
 * statement that recreates it; opening a file runs them through the ordinary parser and binder,
 * so DEFAULTs, CHECKs and foreign keys are bound exactly as when they were first created and
 * no bound expression needs a binary form.
 */
import type { CatalogEntry } from '../catalog/catalog.ts'
import { MemoryTable } from '../catalog/memory-table.ts'
import { typeToString } from '../types/types.ts'

/** always quoted: a column may be named like a keyword */
export function quoteName(name: string): string { return `"${name.replace(/"/g, '""')}"` }

export function tableSql(schema: string, table: MemoryTable): string {
  const cols = table.columns.map(c => {
    let s = `${quoteName(c.name)} ${typeToString(c.type)}`
    if (c.notNull) s += ' NOT NULL'
    if (c.defaultSql !== null) s += ` DEFAULT (${c.defaultSql})`
    return s
  })
  const k = table.constraints
  // generated columns stand where they were declared
  for (const g of [...k.generated ?? []].sort((x, y) => x.position - y.position)) {
    cols.splice(g.position, 0, `${quoteName(g.name)} ${typeToString(g.type)} GENERATED ALWAYS AS (${g.sql}) VIRTUAL`)
  }
  const names = (key: readonly number[]): string => key.map(c => quoteName(table.columns[c]!.name)).join(', ')
  if (k.primaryKey !== null) cols.push(`PRIMARY KEY (${names(k.primaryKey)})`)
  for (const u of k.unique) cols.push(`UNIQUE (${names(u)})`)
  for (const c of k.checks) cols.push(`CHECK (${c.sql})`)
  for (const fk of k.foreignKeys ?? []) {
    const target = `${fk.refSchema === null ? '' : `${quoteName(fk.refSchema)}.`}${quoteName(fk.refTable)}`
    cols.push(`FOREIGN KEY (${names(fk.columns)}) REFERENCES ${target}${fk.refColumns.length === 0 ? '' : ` (${fk.refColumns.map(quoteName).join(', ')})`}`)
  }
  return `CREATE TABLE ${quoteName(schema)}.${quoteName(table.name)} (${cols.join(', ')})`
}

/** the durable entries: tables in MemoryTables and views, temporary and registered ones left out */
export function durableEntries(entries: readonly CatalogEntry[]): { tables: { schema: string; table: MemoryTable }[]; views: { schema: string; name: string; sql: string }[] } {
  const tables: { schema: string; table: MemoryTable }[] = []
  const views: { schema: string; name: string; sql: string }[] = []
  for (const e of entries) {
    if (e.schema.toLowerCase() === 'temp') continue
    if (e.kind === 'table') {
      if (!e.temporary && e.provider instanceof MemoryTable) tables.push({ schema: e.schema, table: e.provider })
    } else {
      views.push({ schema: e.schema, name: e.name, sql: e.sql })
    }
  }
  return { tables, views }
}
