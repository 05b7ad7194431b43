/**
 * EXPORT DATABASE's schema.sql: every durable catalog object as the statement that recreates
 * it, in an order that satisfies dependencies (schemas, types, sequences, procedural functions,
 * tables with referenced tables first, views after the views they read, indexes), plus the
 * tables whose rows go into one data file each. The texts are the ones checkpoints store
 * (definitions.ts), so what IMPORT runs is what opening a database file runs.
 */
import type { Catalog, Transaction } from '../catalog/catalog.ts'
import type { MemoryTable } from '../catalog/memory-table.ts'
import type { RoutineDefinition } from '../extensions/host.ts'
import { tokenize } from '../parser/index.ts'
import { typeToString } from '../types/types.ts'
import { durableEntries, quoteName, tableSql } from './definitions.ts'

export interface ExportedTable {
  readonly schema: string
  readonly table: MemoryTable
  /** the data file's name without extension: the table's name, prefixed by its schema outside main */
  readonly file: string
}

export interface ExportPlan {
  /** schema.sql, one statement each (without the `;`) */
  readonly statements: readonly string[]
  readonly tables: readonly ExportedTable[]
}

const notTemp = (schema: string): boolean => schema.toLowerCase() !== 'temp'

export function exportPlan(catalog: Catalog, txn: Transaction, routines: readonly RoutineDefinition[]): ExportPlan {
  const { tables, views } = durableEntries(catalog.entries(txn))
  const statements: string[] = []
  for (const s of catalog.schemaNames()) if (s.toLowerCase() !== 'main' && notTemp(s)) statements.push(`CREATE SCHEMA IF NOT EXISTS ${quoteName(s)}`)
  for (const t of catalog.types(txn)) if (notTemp(t.schema)) statements.push(`CREATE TYPE ${quoteName(t.schema)}.${quoteName(t.name)} AS ${typeToString(t.type)}`)
  for (const s of catalog.sequences(txn)) {
    if (s.temporary || !notTemp(s.schema)) continue
    const o = s.options
    // the counter carries on where it stood: imported rows keep their ids and new ones do not collide
    const start = s.counter < o.minValue ? o.minValue : s.counter > o.maxValue ? o.maxValue : s.counter
    statements.push(`CREATE SEQUENCE ${quoteName(s.schema)}.${quoteName(s.name)} INCREMENT BY ${o.increment} MINVALUE ${o.minValue} MAXVALUE ${o.maxValue} START WITH ${start}${o.cycle ? ' CYCLE' : ' NO CYCLE'}`)
  }
  for (const r of routines) statements.push(r.sql.trim().replace(/;\s*$/, ''))
  const ordered = referencedFirst(tables)
  for (const { schema, table } of ordered) statements.push(tableSql(schema, table))
  for (const v of viewsInOrder(views)) statements.push(v.sql.trim().replace(/;\s*$/, ''))
  for (const d of catalog.indexDefinitions(txn)) if (notTemp(d.schema)) statements.push(d.sql.trim().replace(/;\s*$/, ''))
  const taken = new Set<string>()
  const exported = ordered.map(({ schema, table }) => {
    const base = (schema.toLowerCase() === 'main' ? table.name : `${schema}_${table.name}`).replace(/[^A-Za-z0-9_.-]/g, '_')
    let file = base
    for (let n = 2; taken.has(file.toLowerCase()); n++) file = `${base}_${n}`
    taken.add(file.toLowerCase())
    return { schema, table, file }
  })
  return { statements, tables: exported }
}

/** tables in catalog order, each after the tables its foreign keys reference */
function referencedFirst(tables: readonly { schema: string; table: MemoryTable }[]): { schema: string; table: MemoryTable }[] {
  const key = (schema: string, name: string): string => `${schema.toLowerCase()}.${name.toLowerCase()}`
  const pending = new Map(tables.map(t => [key(t.schema, t.table.name), t]))
  const out: { schema: string; table: MemoryTable }[] = []
  while (pending.size > 0) {
    const before = pending.size
    for (const [k, t] of pending) {
      // an unqualified reference may name a table of the same schema or of main
      const refs = (t.table.constraints.foreignKeys ?? []).flatMap(fk => fk.refSchema !== null ? [key(fk.refSchema, fk.refTable)] : [key(t.schema, fk.refTable), key('main', fk.refTable)])
      if (refs.every(r => r === k || !pending.has(r))) { out.push(t); pending.delete(k) }
    }
    // a cycle cannot be created (a foreign key needs its target first); keep the rest as listed
    if (pending.size === before) { out.push(...pending.values()); break }
  }
  return out
}

/** views after the views whose names their text mentions */
function viewsInOrder<V extends { readonly name: string; readonly sql: string }>(views: readonly V[]): V[] {
  const words = new Map(views.map(v => [v, new Set(tokenize(v.sql).filter(t => t.type === 'ident' || t.type === 'quoted').map(t => t.text.toLowerCase()))]))
  const pending = [...views]
  const out: V[] = []
  while (pending.length > 0) {
    const i = pending.findIndex(v => !pending.some(o => o !== v && words.get(v)!.has(o.name.toLowerCase())))
    out.push(pending.splice(i === -1 ? 0 : i, 1)[0]!)
  }
  return out
}
