/**
 * ATTACH / DETACH / USE: the databases one Database's sessions can name, each a Database of its
 * own (catalog, transactions, .grz file and WAL), and the per-transaction bookkeeping that
 * makes them behave as one: an attached database's transaction begins when a statement first
 * touches it (its snapshot), follows the statement's savepoints, and commits or rolls back with
 * the session's transaction. At most one database is written per transaction, as in DuckDB.
 */
import type { Catalog, Transaction } from '../catalog/catalog.ts'
import { MemoryTransaction } from '../catalog/transaction.ts'
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { AttachRequest, DatabaseDirectory } from '../binder/context.ts'
import type { SequenceAccess, SessionDatabases } from '../hooks/contracts.ts'
import { parseSequenceName, sequenceAccess } from '../catalog/sequences.ts'
import { quoteIdent } from '../parser/format.ts'
import type { Database } from '../database.ts'
import { ForeignCatalog, type TransactionMap } from './foreign-catalog.ts'

/** Opens the database an ATTACH names (synchronously: statements run synchronously). */
export type DatabaseOpener = (request: AttachRequest) => Database

export class Attached {
  /** the statement transactions (of any session) that touched it and are still open */
  readonly users = new Set<Transaction>()
  detached = false
  readonly catalog: ForeignCatalog

  constructor(readonly name: string, readonly path: string | null, readonly readOnly: boolean, readonly database: Database, txns: (db: Attached) => TransactionMap) {
    this.catalog = new ForeignCatalog(database.catalog, txns(this))
  }
}

/** Where a session's unqualified names resolve: null = the primary database. */
interface Place { database: Attached | null; schema: string }

export class Attachments {
  private readonly byName = new Map<string, Attached>()
  /** statement transaction → its transactions in the attached databases it touched */
  private readonly open = new WeakMap<Transaction, Map<Attached, MemoryTransaction>>()
  private readonly places = new WeakMap<object, Place>()
  /** the database a transaction wrote first: the one it may go on writing */
  private readonly firstWriter = new WeakMap<Transaction, string>()
  /** the primary database's name: its file's stem, or "memory" */
  primaryName = 'memory'
  primaryPath: string | null = null

  constructor(private readonly primary: Database, private readonly opener: DatabaseOpener) {}

  get(name: string): Attached | undefined { return this.byName.get(name.toLowerCase()) }

  private place(session: object): Place {
    let p = this.places.get(session)
    if (p === undefined || p.database?.detached === true) {
      p = { database: null, schema: this.primary.catalog.defaultSchema }
      this.places.set(session, p)
    }
    return p
  }

  /** the transaction of `db` for the statement transaction `txn`, begun at its first use (its snapshot) */
  private transactionOf(txn: Transaction, db: Attached): MemoryTransaction {
    if (txn instanceof MemoryTransaction && txn.manager === db.database.transactions) return txn
    if (db.detached) throw unknownDatabase(db.name, this.attachedNames())
    let map = this.open.get(txn)
    if (map === undefined) { map = new Map(); this.open.set(txn, map) }
    let own = map.get(db)
    if (own === undefined) {
      own = db.database.transactions.begin({ readOnly: db.readOnly })
      map.set(db, own)
      db.users.add(txn)
    }
    return own
  }

  private transactionMap(db: Attached): TransactionMap {
    return {
      read: txn => this.transactionOf(txn, db),
      write: (txn, what) => {
        if (db.readOnly) {
          throw new GrizzlyError(SqlState.readOnlyTransaction, `cannot ${what}: database "${db.name}" is attached READ_ONLY`, {
            hint: `DETACH ${db.name} and ATTACH it again without READ_ONLY to change it`,
          })
        }
        return this.transactionOf(txn, db)
      },
    }
  }

  /** the catalog unqualified names of `session` resolve in */
  currentCatalog(session: object): Catalog {
    return this.place(session).database?.catalog ?? this.primary.catalog
  }

  /** what the binder of one statement of `session` (in statement transaction `txn`) sees */
  directory(session: object, txn: Transaction): DatabaseDirectory {
    const place = this.place(session)
    return {
      current: place.database?.name ?? this.primaryName,
      currentSchema: place.schema,
      primary: this.primary.catalog,
      catalog: name => { const db = this.find(name); return db === null ? this.primary.catalog : db?.catalog },
      names: () => [this.primaryName, ...this.attachedNames()],
      attach: request => this.attach(request),
      detach: (name, ifExists, position) => this.detach(session, txn, name, ifExists, position),
      use: (database, schema, position) => this.use(session, database, schema, position),
    }
  }

  describe(session: object): SessionDatabases {
    const place = this.place(session)
    return {
      current: place.database?.name ?? this.primaryName,
      schema: place.schema,
      list: [
        { name: this.primaryName, path: this.primaryPath, readOnly: this.primary.readOnly, type: 'grizzly', internal: false },
        ...[...this.byName.values()].map(d => ({ name: d.name, path: d.path, readOnly: d.readOnly, type: 'grizzly', internal: false })),
      ],
    }
  }

  attach(request: AttachRequest): void {
    if (this.find(request.alias) !== undefined) {
      if (request.ifNotExists) return
      throw new GrizzlyError(SqlState.duplicateObject, `database "${request.alias}" is already attached`, {
        position: request.position, hint: `choose another name: ATTACH '${request.path}' AS other_name, or DETACH ${request.alias} first`,
      })
    }
    const samePath = [...this.byName.values()].find(d => d.path !== null && d.path === request.path)
    if (samePath !== undefined && request.path !== ':memory:') {
      throw new GrizzlyError(SqlState.objectInUse, `"${request.path}" is already attached as database "${samePath.name}"`, {
        position: request.position, hint: `use ${samePath.name}, or DETACH it first`,
      })
    }
    const database = this.opener(request)
    // names qualified with its own alias (in its views) resolve to itself when it is attached under that alias again
    database.attachments.primaryName = request.alias
    const memory = request.path === ':memory:' || request.path === ''
    const db = new Attached(request.alias, memory ? null : request.path, request.readOnly, database, d => this.transactionMap(d))
    this.byName.set(request.alias.toLowerCase(), db)
  }

  private detach(session: object, txn: Transaction, name: string, ifExists: boolean, position: number): void {
    const db = this.find(name)
    if (db === null) {
      throw new GrizzlyError(SqlState.objectNotInPrerequisiteState, `cannot detach database "${name}": it is the primary database`, {
        position, hint: 'close the Database instead; only ATTACHed databases can be detached',
      })
    }
    if (db === undefined) {
      if (ifExists) return
      throw unknownDatabase(name, this.attachedNames(), position)
    }
    if (this.place(session).database === db) {
      throw new GrizzlyError(SqlState.objectNotInPrerequisiteState, `cannot detach database "${db.name}": it is the default database of this session (see USE)`, {
        position, hint: `USE ${this.primaryName} (or another database) first`,
      })
    }
    if (db.users.has(txn)) {
      throw new GrizzlyError(SqlState.activeTransaction, `cannot detach database "${db.name}" inside a transaction that used it`, {
        position, hint: 'COMMIT or ROLLBACK first, then DETACH',
      })
    }
    if (db.users.size > 0) {
      throw new GrizzlyError(SqlState.objectInUse, `cannot detach database "${db.name}": another session's transaction is using it`, {
        position, hint: 'retry once that transaction has committed or rolled back',
      })
    }
    db.detached = true
    this.byName.delete(db.name.toLowerCase())
    // checkpoint, then release the file lock
    db.database.closeNow()
  }

  private use(session: object, database: string, schema: string | null, position: number): void {
    const db = this.find(database)
    if (db === undefined) throw unknownDatabase(database, this.attachedNames(), position)
    const catalog = db?.catalog ?? this.primary.catalog
    const s = schema ?? catalog.defaultSchema
    if (!catalog.hasSchema(s)) {
      throw new GrizzlyError(SqlState.undefinedSchema, `schema "${s}" does not exist in database "${db?.name ?? this.primaryName}"`, {
        position, hint: didYouMean(s, catalog.schemaNames()) ?? `its schemas are ${catalog.schemaNames().join(', ')}`,
      })
    }
    this.places.set(session, { database: db, schema: s })
  }

  /**
   * nextval / currval / setval: 'db.schema.seq', 'x.seq' (a schema of the current database, else
   * database x) or 'seq' (the current database and schema), in that database's own transaction
   * so its file logs the counter.
   */
  sequence(session: object, txn: Transaction, text: string): SequenceAccess {
    const ref = parseSequenceName(text)
    const place = this.place(session)
    let db: Attached | null = place.database
    let schema = ref.schema
    if (ref.database !== null) {
      const found = this.find(ref.database)
      if (found === undefined) throw unknownDatabase(ref.database, this.attachedNames())
      db = found
    } else if (ref.schema !== null) {
      const found = (db?.database.catalog ?? this.primary.catalog).hasSchema(ref.schema) ? undefined : this.find(ref.schema)
      if (found !== undefined) { db = found; schema = null }
    } else if (place.schema.toLowerCase() !== this.primary.catalog.defaultSchema.toLowerCase()) schema = place.schema
    const name = schema === null ? quoteIdent(ref.name) : `${quoteIdent(schema)}.${quoteIdent(ref.name)}`
    return db === null ? sequenceAccess(this.primary.catalog, txn, name) : sequenceAccess(db.database.catalog, this.transactionOf(txn, db), name)
  }

  private attachedNames(): string[] { return [...this.byName.values()].map(d => d.name) }

  /** a database by name: null = the primary, undefined = none */
  private find(name: string): Attached | null | undefined {
    return name.toLowerCase() === this.primaryName.toLowerCase() ? null : this.get(name)
  }

  /** marks the point before a statement of an explicit transaction; the returned function undoes back to it */
  savepoint(txn: Transaction): () => void {
    const map = this.open.get(txn)
    const marks = new Map<Attached, number>()
    if (map !== undefined) for (const [db, t] of map) marks.set(db, db.database.transactions.savepoint(t))
    return () => {
      const now = this.open.get(txn)
      if (now === undefined) return
      for (const [db, t] of [...now]) {
        const mark = marks.get(db)
        if (mark !== undefined) db.database.transactions.rollbackTo(t, mark)
        else { db.database.transactions.rollback(t); now.delete(db); db.users.delete(txn) }
      }
    }
  }

  /** refuses a transaction that wrote to two databases (DuckDB refuses it too) */
  checkSingleWriter(txn: Transaction): void {
    const map = this.open.get(txn)
    if (map === undefined) return
    const written = [...map].filter(([, t]) => wrote(t)).map(([db]) => db.name)
    if (txn instanceof MemoryTransaction && wrote(txn)) written.unshift(this.primaryName)
    const first = this.firstWriter.get(txn) ?? written[0]
    if (first !== undefined) this.firstWriter.set(txn, first)
    const second = written.find(w => w !== first)
    if (second !== undefined) {
      throw new GrizzlyError(SqlState.invalidTransactionState,
        `this transaction already wrote to "${first}"; it cannot also write to "${second}": a transaction writes to one database only (DuckDB refuses this too)`,
        { hint: `COMMIT the changes to "${first}" first, then change "${second}" in a new transaction` })
    }
  }

  /** ends the attached transactions of statement transaction `txn`, then `txn` itself with `finishPrimary` */
  finish(txn: Transaction, commit: boolean, finishPrimary: () => void): void {
    const map = this.open.get(txn)
    if (map === undefined) { finishPrimary(); return }
    this.open.delete(txn)
    for (const db of map.keys()) db.users.delete(txn)
    const entries = [...map]
    if (!commit) {
      for (const [db, t] of entries) db.database.transactions.rollback(t)
      finishPrimary()
      return
    }
    // the written one first: when its log write fails nothing else has committed yet
    entries.sort(([, a], [, b]) => Number(wrote(b)) - Number(wrote(a)))
    for (let i = 0; i < entries.length; i++) {
      const [db, t] = entries[i]!
      try {
        // the session's `synchronous` decides how the attached file's commit is flushed too
        db.database.activeSession = this.primary.activeSession
        db.database.transactions.commit(t)
      } catch (e) {
        for (const [other, ot] of entries.slice(i + 1)) other.database.transactions.rollback(ot)
        this.primary.transactions.rollback(txn)
        throw e
      }
    }
    finishPrimary()
  }

  /** the primary closes: every attached database is checkpointed and its lock released */
  closeAll(): void {
    for (const db of this.byName.values()) { db.detached = true; db.database.closeNow() }
    this.byName.clear()
  }
}

function wrote(t: MemoryTransaction): boolean { return t.holdsWriteLock || t.changedCatalog }

function unknownDatabase(name: string, known: readonly string[], position?: number): GrizzlyError {
  return new GrizzlyError(SqlState.invalidCatalogName, `database "${name}" does not exist`, {
    position, hint: didYouMean(name, known) ?? 'SHOW DATABASES lists the attached ones',
  })
}
