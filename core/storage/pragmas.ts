/**
 * The statements of the storage engine, run by the database as pragmas: CHECKPOINT (PRAGMA
 * checkpoint), FORCE CHECKPOINT (PRAGMA force_checkpoint: rewrites every table),
 * PRAGMA integrity_check and PRAGMA storage_info. In memory they do nothing / report 'ok'.
 */
import type { Catalog, Transaction } from '../catalog/catalog.ts'
import { MemoryTransaction } from '../catalog/transaction.ts'
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { DurableStore, SyncMode } from './store.ts'

export interface PragmaContext {
  readonly catalog: Catalog
  readonly txn: Transaction
  /** inside BEGIN … COMMIT */
  readonly inTransaction: boolean
  readonly writer: Transaction | null
  readonly sync: SyncMode
}

export type PragmaOutcome = { readonly columns: readonly string[]; readonly rows: readonly (readonly string[])[] } | 'done' | null

export const STORAGE_PRAGMAS = new Set(['checkpoint', 'force_checkpoint', 'integrity_check', 'storage_info'])

export function storagePragma(store: DurableStore | null, name: string, ctx: PragmaContext): PragmaOutcome {
  if (!STORAGE_PRAGMAS.has(name)) return null
  const txn = ctx.txn
  if (!(txn instanceof MemoryTransaction)) throw new InternalError('storage pragmas need a MemoryTransaction')
  switch (name) {
    case 'checkpoint': case 'force_checkpoint': {
      const what = name === 'checkpoint' ? 'CHECKPOINT' : 'FORCE CHECKPOINT'
      if (ctx.inTransaction) throw new GrizzlyError(SqlState.activeTransaction, `${what} cannot run inside a transaction block`, { hint: 'COMMIT or ROLLBACK first' })
      if (store === null) return 'done'
      if (store.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, `cannot ${what} a database opened read-only`, { hint: 'the writer process checkpoints the file' })
      if (ctx.writer !== null && ctx.writer !== txn) {
        throw new GrizzlyError(SqlState.serializationFailure, `cannot ${what} while another transaction is writing`, { hint: 'commit or roll back the other transaction first, then retry' })
      }
      store.checkpoint(ctx.catalog, txn, name === 'force_checkpoint', ctx.sync)
      return 'done'
    }
    case 'integrity_check': {
      const problems = store === null ? [] : store.integrityCheck(ctx.catalog, txn)
      return { columns: ['integrity_check'], rows: (problems.length === 0 ? ['ok'] : problems).map(p => [p]) }
    }
    case 'storage_info':
      return { columns: ['name', 'value'], rows: (store === null ? [{ name: 'file', value: ':memory:' }] : store.info()).map(r => [r.name, r.value]) }
  }
  return null
}
