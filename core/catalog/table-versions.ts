/**
 * The versions of one MemoryTable's data: what each transaction writing it changed so far (several
 * write at once, one PendingChanges each) and the committed versions an active transaction's
 * snapshot still predates. Scans ask which versions to undo on the fly (`hiddenFrom`).
 */
import type { Transaction } from './catalog.ts'
import { MemoryTransaction } from './transaction.ts'
import { PendingChanges } from './visibility.ts'

export class TableVersions {
  private pending: PendingChanges[] = []
  /** oldest first */
  private history: PendingChanges[] = []

  /** the versions `txn` must not see: other writers' pending changes, commits after its snapshot */
  hiddenFrom(txn: Transaction): PendingChanges[] {
    const out: PendingChanges[] = []
    if (this.history.length > 0 && txn instanceof MemoryTransaction) {
      const oldest = txn.manager.oldestActiveSnapshot()
      if (this.history[0]!.commitSeq <= oldest) this.history = this.history.filter(v => v.commitSeq > oldest)
      const seen = txn.snapshot.commitSeq
      for (const v of this.history) if (v.commitSeq > seen) out.push(v)
    }
    for (const p of this.pending) if (p.writer !== txn) out.push(p)
    return out
  }

  /** true when hiddenFrom(txn) would be empty, found without building the list (every point lookup asks) */
  hidesNothingFrom(txn: Transaction): boolean {
    if (this.history.length > 0 && txn instanceof MemoryTransaction) {
      const seen = txn.snapshot.commitSeq
      for (const v of this.history) if (v.commitSeq > seen) return false
    }
    for (const p of this.pending) if (p.writer !== txn) return false
    return true
  }

  /** what `txn` changed so far, or null */
  pendingOf(txn: Transaction): PendingChanges | null {
    for (const p of this.pending) if (p.writer === txn) return p
    return null
  }

  /** starts (or continues) recording what `txn` changes to `table`, for the other transactions' scans */
  track(txn: Transaction, table: object): PendingChanges {
    const current = this.pendingOf(txn)
    if (current !== null) return current
    const next = new PendingChanges(txn)
    this.pending.push(next)
    if (txn instanceof MemoryTransaction) txn.changedTables.add(table)
    // registered before the change it covers, so on rollback it runs after the data is restored
    // (anonymous arrows: tsx gives every named closure a defineProperty per call)
    txn.onRollback(() => this.drop(next))
    txn.onCommit(() => {
      if (!this.pending.includes(next)) return
      this.drop(next)
      if (!(txn instanceof MemoryTransaction) || txn.commitSeq === 0) return
      next.commitSeq = txn.commitSeq
      const oldest = txn.manager.oldestActiveSnapshot()
      // oldest first, so only a first entry no one needs means there is anything to drop
      if (this.history.length > 0 && this.history[0]!.commitSeq <= oldest) this.history = this.history.filter(v => v.commitSeq > oldest)
      if (next.commitSeq > oldest) this.history.push(next)
    })
    return next
  }

  private drop(changes: PendingChanges): void {
    const i = this.pending.indexOf(changes)
    if (i >= 0) this.pending.splice(i, 1)
  }

  /** rows other transactions deleted and have not committed (their rollback brings them back), or null */
  deletedByOthers(txn: Transaction): Set<number> | null {
    let out: Set<number> | null = null
    for (const p of this.pending) {
      if (p.writer === txn) continue
      for (const list of p.deletedLists) for (const position of list) (out ??= new Set()).add(position)
    }
    return out
  }

  /** the uncommitted version of another transaction that appended row `position`, or null */
  uncommittedAppender(position: number, txn: Transaction): PendingChanges | null {
    return this.pending.find(p => p.writer !== txn && p.appended(position)) ?? null
  }

  /** another transaction has uncommitted UPDATEs */
  othersUpdating(txn: Transaction): boolean { return this.pending.some(p => p.writer !== txn && p.hasUpdates) }

  /** after ALTERs that renumber or retype columns the recorded versions no longer apply */
  forget(): void {
    this.pending = []
    this.history = []
  }
}
