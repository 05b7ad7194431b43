/**
 * Catalog entries as of a transaction's snapshot. The first time a writer creates, drops or
 * replaces an entry, the entry's previous value is kept; lookups by other transactions use it
 * while the writer is uncommitted, and afterwards for as long as they began before its commit.
 * Schemas themselves and ALTER TABLE changes are not versioned: `hasSchema` takes no
 * transaction, and an altered table's entry must match its data.
 */
import type { CatalogEntry, Transaction } from './catalog.ts'
import { MemoryTransaction } from './transaction.ts'

interface EntryChanges<E> {
  /** 0 while uncommitted */
  commitSeq: number
  /** entry key (schema.name, lower case) → the entry before the change, null when there was none */
  readonly before: Map<string, E | null>
}

/** E: the kind of entry versioned (tables and views; sequences keep a set of their own) */
export class UncommittedEntries<E = CatalogEntry> {
  private writer: Transaction | null = null
  private pending: EntryChanges<E> | null = null
  /** committed changes some active snapshot predates, oldest first */
  private history: EntryChanges<E>[] = []

  /** call before `txn` changes the entry at `key`, whose current value is `current` */
  touch(txn: Transaction, key: string, current: E | undefined): void {
    if (this.writer !== txn || this.pending === null) {
      const changes: EntryChanges<E> = { commitSeq: 0, before: new Map() }
      this.writer = txn
      this.pending = changes
      // registered before the change, so on rollback it runs once the catalog is restored
      txn.onRollback(() => { if (this.pending === changes) { this.pending = null; this.writer = null } })
      txn.onCommit(() => {
        if (this.pending !== changes) return
        this.pending = null
        this.writer = null
        if (!(txn instanceof MemoryTransaction) || txn.commitSeq === 0) return
        changes.commitSeq = txn.commitSeq
        const oldest = txn.manager.oldestActiveSnapshot()
        this.history = this.history.filter(c => c.commitSeq > oldest)
        if (changes.commitSeq > oldest) this.history.push(changes)
      })
    }
    if (!this.pending.before.has(key)) this.pending.before.set(key, current ?? null)
  }

  /** entry key → what `txn` sees instead of the current entry; null when it sees the catalog as it is */
  hiddenFrom(txn: Transaction): ReadonlyMap<string, E | null> | null {
    const applicable: EntryChanges<E>[] = []
    if (this.history.length > 0 && txn instanceof MemoryTransaction) {
      const oldest = txn.manager.oldestActiveSnapshot()
      if (this.history[0]!.commitSeq <= oldest) this.history = this.history.filter(c => c.commitSeq > oldest)
      for (const c of this.history) if (c.commitSeq > txn.snapshot.commitSeq) applicable.push(c)
    }
    if (this.pending !== null && this.writer !== txn) applicable.push(this.pending)
    if (applicable.length === 0) return null
    if (applicable.length === 1) return applicable[0]!.before
    // the oldest change to a key holds its value as of the snapshot
    const out = new Map<string, E | null>()
    for (const c of applicable) for (const [key, entry] of c.before) if (!out.has(key)) out.set(key, entry)
    return out
  }
}
