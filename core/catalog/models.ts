/**
 * Models stored in the database (CREATE MODEL): name → bytes, their format, SHA-256 and signer.
 * The engine never looks inside; model formats (hooks) recognise and describe the bytes and
 * extensions run them. Models are versioned like sequences and types (NamedObjectSet): another
 * transaction sees a new model once its CREATE commits, and a dropped one until the DROP
 * commits; changes take the write lock and are undone on ROLLBACK. One namespace per database.
 */
import { createHash } from 'node:crypto'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { StoredModel } from '../hooks/contracts.ts'
import type { Transaction } from './catalog.ts'
import { NamedObjectSet } from './named-objects.ts'

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** models sit in one namespace; the object set keys them under this schema */
const MODELS = 'main'
type ModelEntry = StoredModel & { readonly schema: string }

export class ModelStore {
  private readonly set = new NamedObjectSet<ModelEntry>('Model')

  get(txn: Transaction, name: string): StoredModel | undefined { return this.set.lookup(txn, MODELS, name) }

  /** every model `txn` sees, by name */
  list(txn: Transaction): StoredModel[] { return this.set.all(txn).sort((a, b) => a.name.localeCompare(b.name)) }

  /** CREATE [OR REPLACE] MODEL [IF NOT EXISTS]; false when IF NOT EXISTS found one */
  create(txn: Transaction, model: StoredModel, options: { readonly orReplace: boolean; readonly ifNotExists: boolean }): boolean {
    if (!options.orReplace && this.get(txn, model.name) !== undefined) {
      if (options.ifNotExists) return false
      throw new GrizzlyError(SqlState.duplicateObject, `model "${model.name}" already exists`, {
        hint: 'use CREATE OR REPLACE MODEL to replace it, or DROP MODEL first',
      })
    }
    this.set.create(txn, { ...model, schema: MODELS }, { orReplace: true, ifNotExists: false })
    return true
  }

  /** DROP MODEL [IF EXISTS] */
  drop(txn: Transaction, name: string, ifExists: boolean, position?: number): void {
    if (this.get(txn, name) === undefined) {
      if (ifExists) return
      throw new GrizzlyError(SqlState.undefinedObject, `model "${name}" does not exist`, {
        position, hint: didYouMean(name, this.list(txn).map(m => m.name)) ?? 'use DROP MODEL IF EXISTS to ignore a missing model',
      })
    }
    this.set.drop(txn, MODELS, name, false, () => [])
  }

  /** a model read back from a database file (no transaction: opening is not undone) */
  restore(model: StoredModel): void { this.set.restore({ ...model, schema: MODELS }) }
}
