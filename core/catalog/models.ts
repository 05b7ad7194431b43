/**
 * Models stored in the database (CREATE MODEL): name → bytes, their format and SHA-256. The
 * engine never looks inside; model formats (hooks) recognise and describe the bytes and
 * extensions run them. Changes take the write lock and are undone on ROLLBACK; like schemas,
 * models are not versioned per snapshot: other sessions see a CREATE or DROP as soon as it
 * runs, before it commits (a rolled-back CREATE disappears again).
 */
import { createHash } from 'node:crypto'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { StoredModel } from '../hooks/contracts.ts'
import type { Transaction } from './catalog.ts'
import { beginWrite } from './transaction.ts'

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export class ModelStore {
  private readonly models = new Map<string, StoredModel>()

  get(name: string): StoredModel | undefined { return this.models.get(name.toLowerCase()) }

  /** every model, by name */
  list(): StoredModel[] { return [...this.models.values()].sort((a, b) => a.name.localeCompare(b.name)) }

  /** like get, but 42704 with a did-you-mean when there is no such model */
  require(name: string, position?: number): StoredModel {
    const found = this.get(name)
    if (found !== undefined) return found
    const names = [...this.models.values()].map(m => m.name)
    throw new GrizzlyError(SqlState.undefinedObject, `model "${name}" does not exist`, {
      position, hint: didYouMean(name, names) ?? 'create it first: CREATE MODEL name FROM \'file\'; SHOW MODELS lists the stored ones',
    })
  }

  /** CREATE [OR REPLACE] MODEL [IF NOT EXISTS]; false when IF NOT EXISTS found one */
  create(txn: Transaction, model: StoredModel, options: { readonly orReplace: boolean; readonly ifNotExists: boolean }): boolean {
    const key = model.name.toLowerCase()
    const old = this.models.get(key)
    if (old !== undefined && !options.orReplace) {
      if (options.ifNotExists) return false
      throw new GrizzlyError(SqlState.duplicateObject, `model "${model.name}" already exists`, {
        hint: 'use CREATE OR REPLACE MODEL to replace it, or DROP MODEL first',
      })
    }
    beginWrite(txn, 'CREATE MODEL')
    this.models.set(key, model)
    txn.onRollback(() => { if (old === undefined) this.models.delete(key); else this.models.set(key, old) })
    return true
  }

  /** DROP MODEL [IF EXISTS] */
  drop(txn: Transaction, name: string, ifExists: boolean, position?: number): void {
    const key = name.toLowerCase()
    const old = this.models.get(key)
    if (old === undefined) {
      if (ifExists) return
      const names = [...this.models.values()].map(m => m.name)
      throw new GrizzlyError(SqlState.undefinedObject, `model "${name}" does not exist`, {
        position, hint: didYouMean(name, names) ?? 'use DROP MODEL IF EXISTS to ignore a missing model',
      })
    }
    beginWrite(txn, 'DROP MODEL')
    this.models.delete(key)
    txn.onRollback(() => this.models.set(key, old))
  }

  /** a model read back from a database file (no transaction: opening is not undone) */
  restore(model: StoredModel): void { this.models.set(model.name.toLowerCase(), model) }
}
