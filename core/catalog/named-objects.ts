/**
 * Catalog objects that live beside tables and views, each kind in a namespace of its own (as in
 * DuckDB, a table, a sequence and a type may share a name): sequences and user-defined types.
 * Which objects exist is versioned like tables — another transaction sees a new one only once
 * its CREATE committed, and keeps seeing a dropped one until the DROP commits.
 */
import type { LogicalType } from '../types/types.ts'
import type { Transaction } from './catalog.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import { UncommittedEntries } from './uncommitted-entries.ts'
import { beginWrite } from './transaction.ts'

export interface NamedObject {
  readonly schema: string
  readonly name: string
}

/** CREATE TYPE name AS type: an alias resolved when a column or cast names it */
export interface UserType extends NamedObject {
  readonly type: LogicalType
}

const lower = (s: string): string => s.toLowerCase()
const keyOf = (schema: string, name: string): string => `${lower(schema)}.${lower(name)}`

/** The objects of one kind, keyed by schema.name; `label` ('Sequence', 'Type') names them in messages and statements. */
export class NamedObjectSet<E extends NamedObject> {
  private readonly byKey = new Map<string, E>()
  private readonly uncommitted = new UncommittedEntries<E>()

  constructor(private readonly label: string) {}

  lookup(txn: Transaction, schema: string, name: string): E | undefined {
    const key = keyOf(schema, name)
    const hidden = this.uncommitted.hiddenFrom(txn)
    if (hidden !== null && hidden.has(key)) return hidden.get(key) ?? undefined
    return this.byKey.get(key)
  }

  all(txn: Transaction): E[] {
    const out = new Map(this.byKey)
    const hidden = this.uncommitted.hiddenFrom(txn)
    if (hidden !== null) for (const [key, e] of hidden) { if (e === null) out.delete(key); else out.set(key, e) }
    return [...out.values()]
  }

  create(txn: Transaction, entry: E, options: { readonly ifNotExists: boolean; readonly orReplace: boolean }): void {
    const existing = this.lookup(txn, entry.schema, entry.name)
    if (existing !== undefined) {
      if (options.ifNotExists) return
      if (!options.orReplace) {
        throw new GrizzlyError(SqlState.duplicateObject, `${this.label} with name "${entry.name}" already exists!`, {
          hint: `use CREATE OR REPLACE ${this.label.toUpperCase()}, or IF NOT EXISTS`,
        })
      }
    }
    beginWrite(txn, `CREATE ${this.label.toUpperCase()}`)
    this.put(txn, keyOf(entry.schema, entry.name), entry)
  }

  /** `dependents` names what still uses the object; refused when anything does */
  drop(txn: Transaction, schema: string, name: string, ifExists: boolean, dependents: (e: E) => string[]): void {
    const existing = this.lookup(txn, schema, name)
    if (existing === undefined) {
      if (ifExists) return
      throw new GrizzlyError(SqlState.undefinedObject, `${this.label} with name ${name} does not exist!`, {
        hint: didYouMean(name, this.all(txn).map(e => e.name)) ?? `use DROP ${this.label.toUpperCase()} IF EXISTS to ignore a missing one`,
      })
    }
    const users = dependents(existing)
    if (users.length > 0) {
      throw new GrizzlyError(SqlState.dependentObjects, `Cannot drop entry "${existing.name}" because there are entries that depend on it.\n${users.join('\n')}`, {
        hint: `drop what uses the ${lower(this.label)} first, or use DROP ${this.label.toUpperCase()} … CASCADE`,
      })
    }
    beginWrite(txn, `DROP ${this.label.toUpperCase()}`)
    this.put(txn, keyOf(existing.schema, existing.name), undefined)
  }

  /** an object read back from a database file (no transaction: opening is not undone) */
  restore(entry: E): void { this.byKey.set(keyOf(entry.schema, entry.name), entry) }

  /** every object of `schema` leaves with it (DROP SCHEMA … CASCADE) */
  dropSchema(txn: Transaction, schema: string): void {
    for (const e of this.all(txn)) if (lower(e.schema) === lower(schema)) this.put(txn, keyOf(e.schema, e.name), undefined)
  }

  private put(txn: Transaction, key: string, entry: E | undefined): void {
    const previous = this.byKey.get(key)
    this.uncommitted.touch(txn, key, previous)
    if (entry === undefined) this.byKey.delete(key)
    else this.byKey.set(key, entry)
    txn.onRollback(() => {
      if (previous === undefined) this.byKey.delete(key)
      else this.byKey.set(key, previous)
    })
  }
}
