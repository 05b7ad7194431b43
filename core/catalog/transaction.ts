/**
 * Transactions over the in-memory catalog: an undo log (run in reverse on rollback), commit
 * actions, statement-level savepoints and the writer registry.
 *
 * Isolation: snapshot isolation. Any number of transactions may change rows at once (conflicts
 * are decided per row by MemoryTable); a catalog change (DDL) needs the database to itself.
 * Table data is read as of the reader's snapshot (the commits before it began), see
 * visibility.ts. The
 * seam for full MVCC with durable storage is `Snapshot`, `beginWrite` below and the visibility
 * check in MemoryTable (`hiddenRows`): the only places that decide who may write and which rows
 * a transaction sees.
 */
import type { Transaction } from './catalog.ts'
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'

/** What a transaction sees: table data as of the `commitSeq`-th commit, plus its own changes. */
export interface Snapshot {
  readonly transactionId: number
  /** commits that happened before this transaction began */
  readonly commitSeq: number
}

export type TransactionState = 'active' | 'committed' | 'rolled_back'

interface SavepointRecord { readonly undoLength: number; readonly commitLength: number }

export class MemoryTransaction implements Transaction {
  readonly id: number
  readonly readOnly: boolean
  readonly snapshot: Snapshot
  private stateValue: TransactionState = 'active'
  // the lists are made on first use: a read (a point lookup) never needs them
  private undoLog: (() => void)[] | null = null
  private commitActions: (() => void)[] | null = null
  /** checks that may refuse the commit (they throw), run before anything is logged */
  private validators: (() => void)[] | null = null
  private savepoints: SavepointRecord[] | null = null
  /** @internal the manager's list of active transactions (linked here: a Set's add and delete cost a read more) */
  prevActive: MemoryTransaction | null = null
  /** @internal */
  nextActive: MemoryTransaction | null = null
  /** @internal */
  listed = false
  /** set once the transaction has written; it is one of the manager's writers until it ends */
  holdsWriteLock = false
  /** the sequence number of this transaction's commit, once it commits */
  commitSeq = 0
  changedCatalog = false
  // made on first use: most transactions (a read, a point lookup) never need them
  private changedTablesSet: Set<object> | null = null
  private usedSequencesSet: Set<object> | null = null

  constructor(readonly manager: TransactionManager, id: number, readOnly: boolean, commitSeq: number) {
    this.id = id
    this.readOnly = readOnly
    this.snapshot = { transactionId: id, commitSeq }
  }

  /** durable storage: tables whose rows this transaction changed (and changedCatalog: whether it changed the catalog) */
  get changedTables(): Set<object> { return this.changedTablesSet ??= new Set() }
  /** sequences whose counter this transaction moved: logged at commit even without other writes */
  get usedSequences(): Set<object> { return this.usedSequencesSet ??= new Set() }
  get movedSequences(): boolean { return this.usedSequencesSet !== null && this.usedSequencesSet.size > 0 }

  get state(): TransactionState { return this.stateValue }
  get isActive(): boolean { return this.stateValue === 'active' }

  onRollback(undo: () => void): void {
    this.assertActive()
    ;(this.undoLog ??= []).push(undo)
  }

  onCommit(action: () => void): void {
    this.assertActive()
    ;(this.commitActions ??= []).push(action)
  }

  /** `check` runs at COMMIT before the changes are logged; when it throws, the transaction rolls back */
  onValidate(check: () => void): void {
    this.assertActive()
    ;(this.validators ??= []).push(check)
  }

  /** @internal used by TransactionManager */
  validate(): void {
    if (this.validators !== null) for (const check of this.validators) check()
  }

  /** number of undo actions recorded, for tests and EXPLAIN-style diagnostics */
  get undoDepth(): number { return this.undoLog?.length ?? 0 }

  assertActive(): void {
    if (this.stateValue !== 'active') {
      throw new GrizzlyError(SqlState.noActiveTransaction, `transaction ${this.id} has already ${this.stateValue === 'committed' ? 'committed' : 'rolled back'}`)
    }
  }

  /** @internal used by TransactionManager */
  markSavepoint(): number {
    this.assertActive()
    const savepoints = this.savepoints ??= []
    savepoints.push({ undoLength: this.undoLog?.length ?? 0, commitLength: this.commitActions?.length ?? 0 })
    return savepoints.length - 1
  }

  /** @internal used by TransactionManager */
  undoTo(mark: number): void {
    this.assertActive()
    const record = this.savepoints?.[mark]
    if (record === undefined) throw new InternalError(`unknown savepoint ${mark} in transaction ${this.id}`)
    const failures = this.undoLog === null ? [] : runUndo(this.undoLog, record.undoLength)
    if (this.commitActions !== null) this.commitActions.length = record.commitLength
    this.savepoints!.length = mark
    if (failures.length > 0) throw new InternalError('an undo action failed during statement rollback', failures[0])
  }

  /** @internal used by TransactionManager */
  releaseSavepoint(mark: number): void {
    if (this.savepoints !== null && mark < this.savepoints.length) this.savepoints.length = mark
  }

  /** @internal used by TransactionManager */
  finish(commit: boolean): void {
    this.assertActive()
    let failures: unknown[]
    if (commit) {
      failures = []
      if (this.commitActions !== null) {
        for (const action of this.commitActions) {
          try { action() } catch (e) { failures.push(e) }
        }
      }
      this.stateValue = 'committed'
    } else {
      failures = this.undoLog === null ? [] : runUndo(this.undoLog, 0)
      this.stateValue = 'rolled_back'
    }
    this.undoLog = null
    this.commitActions = null
    this.savepoints = null
    if (failures.length > 0) throw new InternalError(`a ${commit ? 'commit' : 'rollback'} action failed`, failures[0])
  }
}

/** Runs undo actions above `downTo` in reverse order; keeps going after a failure so the rest is restored. */
function runUndo(log: (() => void)[], downTo: number): unknown[] {
  const failures: unknown[] = []
  for (let i = log.length - 1; i >= downTo; i--) {
    try { log[i]!() } catch (e) { failures.push(e) }
  }
  log.length = downTo
  return failures
}

export interface BeginOptions { readonly readOnly?: boolean }

/**
 * Hands out transactions and keeps the set of writers (row writers run side by side; a catalog
 * writer runs alone).
 *
 * Failed statements: the engine takes `savepoint(txn)` before each statement inside
 * BEGIN … COMMIT and calls `rollbackTo(txn, mark)` when it fails. Unlike PostgreSQL and DuckDB,
 * which abort the whole transaction, we keep statement-level atomicity: the failed statement
 * leaves nothing behind and the transaction continues.
 */
export class TransactionManager {
  private nextId = 1
  private readonly writers = new Set<MemoryTransaction>()
  /** the writer that changed the catalog: it excludes every other writer until it ends */
  private catalogWriter: MemoryTransaction | null = null
  private commits = 0
  /** the newest active transaction; the others follow through nextActive */
  private firstActive: MemoryTransaction | null = null
  /**
   * Durable storage logs (and fsyncs) a writer's changes here, before they become visible; when
   * it throws, the transaction is rolled back and COMMIT fails with its error.
   */
  beforeCommit: ((txn: MemoryTransaction) => void) | null = null

  begin(options: BeginOptions = {}): MemoryTransaction {
    const txn = new MemoryTransaction(this, this.nextId++, options.readOnly === true, this.commits)
    txn.nextActive = this.firstActive
    if (this.firstActive !== null) this.firstActive.prevActive = txn
    this.firstActive = txn
    txn.listed = true
    return txn
  }

  commit(txn: Transaction): void {
    const t = this.own(txn)
    t.assertActive()
    try { t.validate() } catch (e) { this.rollback(t); throw e }
    if ((t.holdsWriteLock || t.movedSequences || t.changedCatalog) && this.beforeCommit !== null) {
      try { this.beforeCommit(t) } catch (e) { this.rollback(t); throw e }
    }
    // only writers start a new version; commit actions see the sequence number
    if (t.holdsWriteLock) t.commitSeq = ++this.commits
    this.unlist(t)
    try { t.finish(true) } finally { this.release(t) }
  }

  rollback(txn: Transaction): void {
    const t = this.own(txn)
    // already rolled back by a commit that failed to reach the log
    if (t.state === 'rolled_back') return
    this.unlist(t)
    try { t.finish(false) } finally { this.release(t) }
  }

  /** the oldest snapshot an active transaction reads: versions committed up to it are no longer needed */
  oldestActiveSnapshot(): number {
    let oldest = this.commits
    for (let t = this.firstActive; t !== null; t = t.nextActive) if (t.snapshot.commitSeq < oldest) oldest = t.snapshot.commitSeq
    return oldest
  }

  private unlist(t: MemoryTransaction): void {
    if (!t.listed) return
    t.listed = false
    if (t.prevActive !== null) t.prevActive.nextActive = t.nextActive
    else this.firstActive = t.nextActive
    if (t.nextActive !== null) t.nextActive.prevActive = t.prevActive
    t.prevActive = t.nextActive = null
  }

  /** marks the current point of `txn`; `rollbackTo` undoes everything after it */
  savepoint(txn: Transaction): number {
    return this.own(txn).markSavepoint()
  }

  rollbackTo(txn: Transaction, mark: number): void {
    this.own(txn).undoTo(mark)
  }

  /** forgets a savepoint (and later ones) once its statement succeeded */
  releaseSavepoint(txn: Transaction, mark: number): void {
    this.own(txn).releaseSavepoint(mark)
  }

  /** a transaction that has written and not ended yet (the first of them), if any */
  get activeWriter(): Transaction | null {
    for (const w of this.writers) return w
    return null
  }

  /** true when a transaction other than `txn` has written and not ended yet */
  othersWriting(txn: Transaction): boolean {
    return this.writers.size > (txn instanceof MemoryTransaction && this.writers.has(txn) ? 1 : 0)
  }

  /**
   * @internal called through beginWrite. Row writers never wait for each other here (MemoryTable
   * finds row conflicts); a catalog change is refused while anyone else writes, and while one is
   * pending nobody else may write.
   */
  acquireWrite(txn: MemoryTransaction, catalog: boolean): void {
    if (this.catalogWriter !== null && this.catalogWriter !== txn) {
      throw new GrizzlyError(SqlState.serializationFailure, 'could not serialize: another transaction is changing the catalog', {
        hint: 'a transaction that creates, drops or alters objects runs alone; retry after it commits or rolls back',
      })
    }
    if (catalog && this.catalogWriter !== txn) {
      if (this.othersWriting(txn)) {
        throw new GrizzlyError(SqlState.serializationFailure, 'could not serialize: another transaction is writing', {
          hint: 'catalog changes (CREATE, DROP, ALTER) need the database to themselves; retry after the other transactions commit or roll back',
        })
      }
      this.catalogWriter = txn
    }
    if (txn.holdsWriteLock) return
    this.writers.add(txn)
    txn.holdsWriteLock = true
  }

  private release(txn: MemoryTransaction): void {
    this.writers.delete(txn)
    if (this.catalogWriter === txn) this.catalogWriter = null
    txn.holdsWriteLock = false
  }

  private own(txn: Transaction): MemoryTransaction {
    if (!(txn instanceof MemoryTransaction) || txn.manager !== this) {
      throw new InternalError(`transaction ${txn.id} does not belong to this transaction manager`)
    }
    return txn
  }
}

/**
 * Every change to the catalog or a table goes through here first: refuses writes in read-only
 * transactions (25006) and registers the writer (40001 when a catalog change meets another writer).
 */
export function beginWrite(txn: Transaction, what: string, rowsOnly = false): void {
  if (txn.readOnly) {
    throw new GrizzlyError(SqlState.readOnlyTransaction, `cannot execute ${what} in a read-only transaction`)
  }
  if (txn instanceof MemoryTransaction) {
    txn.assertActive()
    txn.manager.acquireWrite(txn, !rowsOnly)
    // anything but row changes is a catalog change (durable storage checkpoints it)
    if (!rowsOnly) txn.changedCatalog = true
  }
}
