/**
 * Catalog entries as other transactions see them while one transaction changes the catalog:
 * the first time the writer creates, drops or replaces an entry, its committed value is kept
 * here, so lookups by anyone else keep returning it until the writer commits (read committed).
 * Schemas themselves and ALTER TABLE changes are not versioned: `hasSchema` takes no
 * transaction, and an altered table's entry must match its data.
 */
import type { CatalogEntry, Transaction } from './catalog.ts'

export class UncommittedEntries {
  private writer: Transaction | null = null
  /** entry key (schema.name, lower case) → committed entry, null when there was none */
  private readonly committed = new Map<string, CatalogEntry | null>()

  /** call before `txn` changes the entry at `key`, whose current value is `current` */
  touch(txn: Transaction, key: string, current: CatalogEntry | undefined): void {
    if (this.writer !== txn) {
      this.writer = txn
      this.committed.clear()
      // registered before the change, so on rollback it runs once the catalog is restored
      const forget = (): void => { if (this.writer === txn) { this.writer = null; this.committed.clear() } }
      txn.onRollback(forget)
      txn.onCommit(forget)
    }
    if (!this.committed.has(key)) this.committed.set(key, current ?? null)
  }

  /** the changes `txn` must not see, or null when it sees the catalog as it is */
  hiddenFrom(txn: Transaction): ReadonlyMap<string, CatalogEntry | null> | null {
    return this.writer === null || this.writer === txn || this.committed.size === 0 ? null : this.committed
  }
}
