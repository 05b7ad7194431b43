/**
 * The public entry of the engine (DESIGN §7): Database, Connection (a session), prepared
 * statements. A statement goes parser → binder → optimizer → executor here, inside a
 * transaction: its own (autocommit) or the session's explicit one, with statement-level
 * atomicity — a failed statement leaves nothing behind.
 */
import type { Table } from 'apache-arrow'
import { GrizzlyError, InternalError, SqlState } from './errors.ts'
import type { Value, LogicalType } from './types/types.ts'
import { BIGINT, typeToString } from './types/types.ts'
import { DataChunk, vectorFromValues } from './vector/vector.ts'
import { Hooks } from './hooks/registry.ts'
import type { FunctionContext } from './hooks/contracts.ts'
import { registerBuiltins } from './functions/index.ts'
import { registerOrderedIndex } from './indexes/ordered-index.ts'
import { registerBuiltinFormats } from './formats/index.ts'
import { parseScript, type ParsedScript } from './parser/index.ts'
import type { Statement } from './parser/ast.ts'
import { bindStatement, type BinderContext, type BoundStatement } from './binder/index.ts'
import type { ColumnId, SubqueryBoundExpr } from './plan/expr.ts'
import type { LogicalPlan } from './plan/logical.ts'
import type { ExprEnv } from './expression/index.ts'
import { optimize, parseDisabledOptimizers, type OptimizerContext } from './optimizer/index.ts'
import { explainLogical } from './plan/explain.ts'
import { executePlan, explainPlan } from './execution/index.ts'
import type { Transaction } from './catalog/catalog.ts'
import { MemoryCatalog, TransactionManager } from './catalog/index.ts'
import { ArrowTableProvider } from './arrow/from-arrow.ts'
import { Result, resultColumn, type StatementType } from './result.ts'
import { type QueryOptions, StatementWatch, canceledError } from './progress.ts'
import type { ExtensionHost, ExtensionHostFactory } from './extensions/host.ts'
import { meterDifference } from './extensions/meter.ts'
import { bindParameter, type BoundParameter } from './params.ts'
import { DurableStore } from './storage/store.ts'
import { TABLE_DATA_SHARE } from './storage/buffer-manager.ts'
import { memoryBytes } from './execution/memory.ts'
import { getHeapStatistics } from 'node:v8'
import { restoreRoutines } from './storage/routines.ts'
import { nodeFileSystem, type FileSystem } from './storage/io.ts'
import { registerStorageSettings, syncModeOf, thresholdOf } from './storage/settings.ts'
import { storagePragma } from './storage/pragmas.ts'
import { PlanCache } from './plan-cache.ts'
import { PreparedStatement, type SqlPrepared, changesBinding, executeArguments, tooManyParameters, unknownPrepared } from './prepared.ts'
import { Attachments } from './attach/attachments.ts'
import { openAttached } from './attach/open.ts'
import { releaseWorkers, retainWorkers } from './execution/parallel/pool.ts'
import { defaultAlias } from './binder/databases.ts'
import { StatementFunctions, countChanges, decorate, decorated, resultColumnsOf, seededRandom, statementTexts, textResult } from './statement-helpers.ts'

export interface OpenOptions {
  /** open without write access */
  readonly readOnly?: boolean
  /** settings applied to every new session, e.g. { threads: 4 } */
  readonly settings?: Readonly<Record<string, unknown>>
  /** the extension policy (JSON text or a parsed document), read by the extension host; see docs/extensions.md */
  readonly policy?: unknown
  /** where INSTALL puts extensions; the extension host's default applies when omitted */
  readonly extensionDirectory?: string
  /** supplies INSTALL / LOAD / CREATE FUNCTION … LANGUAGE; the package entry passes one, core alone has none */
  readonly extensionHost?: ExtensionHostFactory
  /** @internal the file I/O of the storage engine; tests wrap it to inject faults */
  readonly fileSystem?: FileSystem
  /** @internal an ATTACHed database shares the primary's function registry */
  readonly hooks?: Hooks
  /** encrypts a new database file, or opens an encrypted one (AES-256-GCM; see docs/storage.md) */
  readonly encryptionKey?: string | Uint8Array
}

/** Harness and tuning pragmas accepted and ignored, as other engines' test suites use them. */
const IGNORED_PRAGMAS = new Set([
  // algorithm choices for ASOF joins and windows: every choice gives the same answers
  'debug_asof_iejoin', 'debug_window_mode', 'asof_loop_join_threshold',
  'enable_verification', 'disable_verification', 'verify_external', 'disable_verify_external',
  'verify_parallelism', 'disable_verify_parallelism', 'enable_profiling', 'disable_profiling',
  'enable_profile', 'disable_profile', 'threads', 'enable_object_cache', 'disable_object_cache',
  'enable_checkpoint_on_shutdown', 'disable_checkpoint_on_shutdown', 'verify_serializer',
  'enable_optimizer', 'enable_progress_bar', 'disable_progress_bar', 'force_checkpoint', 'checkpoint',
  'explain_output', 'profiling_output', 'profile_output', 'memory_limit', 'default_collation',
  'enable_force_parallelism', 'disable_force_parallelism', 'verify_fetch_row', 'disable_verify_fetch_row', 'debug_force_external',
])

export class Database {
  readonly hooks: Hooks
  readonly catalog: MemoryCatalog
  readonly transactions: TransactionManager
  readonly readOnly: boolean
  private readonly defaultSettings: Map<string, Value>
  private readonly defaultConnection: Connection
  private readonly connections = new Set<Connection>()
  private closed = false
  private host: ExtensionHost | null = null
  /** the .grz file behind this database; null in memory */
  private storage: DurableStore | null = null
  /** true while the stored catalog is recreated at open (read-only databases included) */
  private loadingStorage = false
  /** @internal the session running a statement: a durable commit reads its `synchronous` setting */
  activeSession: Connection | null = null
  /** @internal rises with every statement that may change what a statement binds to (DDL, SET, COMMIT, …): kept plans older than it are planned again */
  catalogVersion = 0
  /** @internal the databases ATTACHed to this one (see core/attach) */
  readonly attachments: Attachments
  private readonly sharesHooks: boolean

  private constructor(options: OpenOptions) {
    retainWorkers()
    this.hooks = options.hooks ?? new Hooks()
    this.sharesHooks = options.hooks !== undefined
    if (options.hooks === undefined) {
      registerBuiltins(this.hooks)
      registerStorageSettings(this.hooks)
      registerBuiltinFormats(this.hooks)
      registerOrderedIndex(this.hooks)
    }
    this.attachments = new Attachments(this, request => openAttached(request, options.fileSystem ?? nodeFileSystem, attachedOptions => Database.openNow(attachedOptions, this.hooks)))
    this.catalog = new MemoryCatalog()
    this.transactions = new TransactionManager()
    this.readOnly = options.readOnly ?? false
    this.defaultSettings = new Map()
    for (const [k, v] of Object.entries(options.settings ?? {})) this.defaultSettings.set(k.toLowerCase(), bindParameter(v, 0).value)
    this.defaultConnection = new Connection(this)
    if (options.extensionHost !== undefined) this.host = options.extensionHost({ hooks: this.hooks, options: options as Readonly<Record<string, unknown>> })
  }

  /** The extension host (null when core runs alone): INSTALL, LOAD, procedural functions and their definitions. */
  get extensionHost(): ExtensionHost | null { return this.host }

  /** Opens a database: in memory when `path` is omitted or ':memory:'. */
  static async open(path?: string, options: OpenOptions = {}): Promise<Database> {
    const db = new Database(options)
    if (path !== undefined && path !== ':memory:' && path !== '') {
      db.openFile(path, options.fileSystem ?? nodeFileSystem, options.encryptionKey)
      db.attachments.primaryName = defaultAlias(path)
      db.attachments.primaryPath = path
    }
    return db
  }

  /** @internal opens synchronously (ATTACH runs inside a statement); the database shares `hooks` */
  static openNow(options: OpenOptions & { readonly path: string | null }, hooks: Hooks): Database {
    const db = new Database({ ...options, hooks })
    if (options.path !== null) db.openFile(options.path, options.fileSystem ?? nodeFileSystem, options.encryptionKey)
    return db
  }

  /** loads the checkpoint and the WAL of `path` (see core/storage), then logs every commit there */
  private openFile(path: string, fs: FileSystem, encryptionKey: string | Uint8Array | undefined): void {
    const store = DurableStore.open(path, { readOnly: this.readOnly, fs, encryptionKey })
    // table data follows the memory_limit of the session whose statement runs
    store.buffers.limit = () => tableDataLimit((this.activeSession ?? this.defaultConnection).setting('memory_limit'))
    const tm = this.transactions
    try {
      this.loadingStorage = true
      // procedural functions first: a view, a DEFAULT or a CHECK may call one
      // an attached file's routines are kept, not registered: its hooks are the primary's
      const kept = store.routines
      store.routineSource = this.sharesHooks ? () => kept : restoreRoutines(this.hooks, this.host, store.routines)
      // definitions are stored in creation order; a later one a view needs is retried after it
      let pending = store.definitions
      while (pending.length > 0) {
        const failed: string[] = []
        let firstError: unknown = null
        for (const sql of pending) {
          try { this.defaultConnection.runNow(sql) } catch (e) { failed.push(sql); firstError ??= e }
        }
        if (failed.length === pending.length) {
          throw new GrizzlyError(SqlState.dataCorrupted, `"${path}": the stored catalog cannot be recreated: ${firstError instanceof Error ? firstError.message : String(firstError)}`,
            { hint: 'the file was written by an incompatible version or is damaged', cause: firstError })
        }
        pending = failed
      }
      const txn = tm.begin()
      try { store.load(this.catalog, txn) } finally { tm.rollback(txn) }
    } catch (e) {
      store.close(null, null, 'off')
      this.host?.close()
      throw e
    } finally {
      this.loadingStorage = false
    }
    this.storage = store
    tm.beforeCommit = txn => {
      const session = this.activeSession ?? this.defaultConnection
      store.beforeCommit(txn, this.catalog, syncModeOf(session.setting('synchronous')), thresholdOf(session.setting('checkpoint_threshold')))
    }
  }

  /** @internal the session that recreates a stored catalog (and runs an attached .sql script) */
  get defaultSession(): Connection { return this.defaultConnection }

  /** @internal the durable store behind this database, null in memory */
  get storageEngine(): DurableStore | null { return this.storage }

  /** @internal true while the stored catalog is recreated at open */
  get loading(): boolean { return this.loadingStorage }

  /** A new session on this database, with its own settings and transaction. */
  connect(): Connection {
    this.checkOpen()
    const c = new Connection(this)
    this.connections.add(c)
    return c
  }

  query(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<Result> { return this.defaultConnection.query(sql, params, options) }
  exec(script: string, options: QueryOptions = {}): Promise<Result> { return this.defaultConnection.exec(script, options) }
  prepare(sql: string): Promise<PreparedStatement> { return this.defaultConnection.prepare(sql) }

  /** Makes an apache-arrow Table queryable as `name` without copying its fixed-width columns. */
  register(name: string, table: Table): void {
    this.checkOpen()
    const provider = new ArrowTableProvider(table)
    const txn = this.transactions.begin({ readOnly: false })
    try {
      this.catalog.registerExternal(txn, name, provider.columns.map(c => ({ name: c.name, type: c.type, notNull: false, default: null, defaultSql: null })), provider, true)
      this.transactions.commit(txn)
      this.catalogVersion++
    } catch (e) {
      this.transactions.rollback(txn)
      throw e
    }
  }

  /** Closes the database; open transactions of its sessions are rolled back. */
  async close(): Promise<void> {
    if (this.closed) return
    for (const c of [...this.connections, this.defaultConnection]) await c.close()
    this.closeNow()
  }

  /** @internal closes without waiting for sessions (a DETACHed database has none): attached ones first, then checkpoint and unlock */
  closeNow(): void {
    if (this.closed) return
    this.closed = true
    releaseWorkers()
    this.attachments.closeAll()
    const store = this.storage
    try {
      if (store !== null) {
        this.transactions.beforeCommit = null
        const txn = this.transactions.begin({ readOnly: true })
        try { store.close(this.catalog, txn, syncModeOf(this.defaultSetting('synchronous') ?? 'full')) } finally { this.transactions.rollback(txn) }
      }
    } finally {
      // after the last checkpoint, which stores the host's procedural functions
      this.host?.close()
    }
  }

  /** @internal */
  forget(c: Connection): void { this.connections.delete(c) }

  /** @internal SET GLOBAL: the value every session sees unless it set its own */
  setGlobal(name: string, value: Value): void { this.defaultSettings.set(name, value) }

  /** @internal RESET of a global-only setting: back to its registered default */
  resetGlobal(name: string): void { this.defaultSettings.delete(name) }

  /** @internal */
  defaultSetting(name: string): Value | undefined {
    const explicit = this.defaultSettings.get(name)
    if (explicit !== undefined) return explicit
    return this.hooks.setting(name)?.default
  }

  /** @internal */
  checkOpen(): void {
    if (this.closed) throw new GrizzlyError('08003', 'the database is closed', { hint: 'open it again with Database.open()' })
  }
}

/** the bytes of table data a database keeps resident under `memory_limit` (docs/memory.md) */
function tableDataLimit(setting: Value): number {
  const heap = getHeapStatistics().heap_size_limit
  const limit = memoryBytes(typeof setting === 'string' ? setting : '', heap) ?? heap * 0.8
  return Math.floor(limit * TABLE_DATA_SHARE)
}

/** A session: settings, the current transaction, and a queue so its statements run one at a time. */
export class Connection {
  readonly database: Database
  private readonly settings = new Map<string, Value>()
  private explicitTxn: Transaction | null = null
  private queue: Promise<unknown> = Promise.resolve()
  /** calls of this session queued or running; while there are none, an unwatched call runs at once */
  private pending = 0
  private seed: (() => number) | null = null
  /** progress and cancellation of the call running now (see core/progress.ts) */
  private watch: StatementWatch | null = null
  /** SQL PREPARE name AS …: this session's prepared statements, by name */
  private readonly prepared = new Map<string, SqlPrepared>()

  /** the statement-independent part of every statement's FunctionContext, made once (closures are not free) */
  /** @internal */
  readonly sessionFunctions: Pick<FunctionContext, 'setting' | 'random' | 'setSeed'>

  /** @internal */
  constructor(database: Database) {
    this.database = database
    const self = this
    this.sessionFunctions = {
      setting: (name: string): Value => self.setting(name),
      random: () => (self.seed === null ? Math.random() : self.seed()),
      setSeed(seed: number) { self.seed = seededRandom(seed) },
    }
  }

  query(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<Result> {
    if (this.idle(options)) return this.runAtOnce(() => this.runText(sql, params))
    return this.enqueue(() => this.watched(options, () => this.runText(sql, params)))
  }

  exec(script: string, options: QueryOptions = {}): Promise<Result> { return this.query(script, [], options) }

  async prepare(sql: string): Promise<PreparedStatement> {
    return new PreparedStatement(this, sql, decorate(sql, () => parseScript(sql)))
  }

  /** @internal */
  runParsed(sql: string, script: ParsedScript, params: readonly unknown[], options: QueryOptions = {}, plans?: readonly PlanCache[]): Promise<Result> {
    if (this.idle(options)) return this.runAtOnce(() => this.runStatements(sql, script, params, plans))
    return this.enqueue(() => this.watched(options, () => this.runStatements(sql, script, params, plans)))
  }

  /**
   * True when a call may run at once instead of after the queue: nothing of this session is
   * queued or running, and nobody watches it (a signal aborted right after the call must still
   * cancel it). The answer is the same; the queue's promise hops cost a point lookup a good part
   * of its time.
   */
  private idle(options: QueryOptions): boolean {
    return this.pending === 0 && options.signal === undefined && options.onProgress === undefined && options.timeoutMs === undefined
  }

  private runAtOnce<T>(work: () => T): Promise<T> {
    this.pending++
    try { return Promise.resolve(work()) } catch (e) { return Promise.reject(e) } finally { this.pending-- }
  }

  /** Runs `work` with progress reports and cancellation when the caller asked for them. */
  private watched<T>(options: QueryOptions, work: () => T): T {
    if (options.signal === undefined && options.onProgress === undefined && options.timeoutMs === undefined) return work()
    if (options.signal?.aborted === true) throw canceledError()
    const watch = new StatementWatch(options)
    this.watch = watch
    try {
      const result = work()
      watch.finish()
      return result
    } finally {
      this.watch = null
    }
  }

  /** Current value of a setting in this session. */
  setting(name: string): Value {
    const key = name.toLowerCase()
    const v = this.settings.get(key)
    if (v !== undefined) return v
    return this.database.defaultSetting(key) ?? null
  }

  get inTransaction(): boolean { return this.explicitTxn !== null }

  /** Ends the session: an open transaction is rolled back (nothing uncommitted survives it). */
  close(): Promise<void> {
    return this.enqueue(() => {
      const txn = this.explicitTxn
      this.explicitTxn = null
      if (txn !== null) { this.finish(txn, false); this.database.catalogVersion++ }
      this.prepared.clear()
      this.database.forget(this)
    })
  }

  private enqueue<T>(work: () => T): Promise<T> {
    this.pending++
    const run = this.queue.then(() => { try { return work() } finally { this.pending-- } })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** @internal runs a script now, outside the queue (opening and attaching happen inside a statement) */
  runNow(sql: string): Result { return this.runText(sql, []) }

  private runText(sql: string, params: readonly unknown[]): Result {
    this.database.checkOpen()
    return this.runStatements(sql, decorate(sql, () => parseScript(sql)), params)
  }

  private runStatements(sql: string, { statements, parameterCount }: ParsedScript, params: readonly unknown[], plans?: readonly PlanCache[]): Result {
    this.database.checkOpen()
    if (params.length > parameterCount) throw tooManyParameters(params.length, parameterCount)
    const bound = params.map((p, i) => bindParameter(p, i + 1))
    let last: Result | null = null
    const texts = statementTexts(sql, statements)
    for (let i = 0; i < statements.length; i++) {
      this.watch?.nextStatement()
      try { last = this.runOne(statements[i]!, bound, texts[i]!, plans?.[i] ?? null) } catch (e) { throw decorated(sql, e) }
    }
    return last ?? Result.empty('OTHER')
  }

  private runOne(stmt: Statement, params: readonly BoundParameter[], text: string, plan: PlanCache | null): Result {
    const tm = this.database.transactions
    const autocommit = this.explicitTxn === null
    this.database.activeSession = this
    const txn = this.explicitTxn ?? tm.begin({ readOnly: this.database.readOnly && !this.database.loading })
    const mark = autocommit ? 0 : tm.savepoint(txn)
    const attachedMark = autocommit ? null : this.database.attachments.savepoint(txn)
    try {
      const result = this.execute(stmt, txn, params, text, plan)
      this.database.attachments.checkSingleWriter(txn)
      if (autocommit && this.explicitTxn === null) this.finish(txn, true)
      return result
    } catch (e) {
      if (autocommit) {
        if (this.explicitTxn === txn) this.explicitTxn = null
        this.finish(txn, false)
      } else if (this.explicitTxn === txn) { tm.rollbackTo(txn, mark); attachedMark?.() }
      throw e
    }
  }

  /** ends `txn` and its transactions in attached databases */
  private finish(txn: Transaction, commit: boolean): void {
    const tm = this.database.transactions
    this.database.attachments.finish(txn, commit, () => (commit ? tm.commit(txn) : tm.rollback(txn)))
  }

  private execute(stmt: Statement, txn: Transaction, params: readonly BoundParameter[], statementText: string, plans: PlanCache | null): Result {
    const fnCtx = this.functionContext(txn)
    const values = new Array<Value>(params.length), types = new Array<LogicalType>(params.length)
    for (let i = 0; i < params.length; i++) { values[i] = params[i]!.value; types[i] = params[i]!.type }
    const version = this.database.catalogVersion
    const kept = plans?.lookup(version, types) ?? null
    if (kept !== null && (kept.checks.length === 0 || PlanCache.checksHold(kept, this.optimizerContext(txn, fnCtx, values)))) {
      return this.runQuery(kept.bound, kept.plan, stmt, txn, fnCtx, values)
    }
    let nextId = 0
    const ctx: BinderContext = {
      catalog: this.database.attachments.currentCatalog(this),
      databases: this.database.attachments.directory(this, txn),
      hooks: this.database.hooks,
      txn,
      fnCtx,
      parameterTypes: params.map(p => p.type),
      setting: name => this.setting(name),
      nextColumnId: (): ColumnId => nextId++,
      statementText,
      extensionHost: this.database.extensionHost,
      restoring: this.database.loading,
    }
    const bound = bindStatement(stmt, ctx)
    if (plans !== null && bound.kind === 'query') {
      const plan = this.optimizePlan(bound.plan, txn, fnCtx, values)
      plans.store(version, types, bound, plan)
      return this.runQuery(bound, plan, stmt, txn, fnCtx, values)
    }
    try {
      return this.executeBound(bound, stmt, txn, fnCtx, values)
    } finally {
      if (changesBinding(bound)) this.database.catalogVersion++
    }
  }

  private runQuery(bound: Extract<BoundStatement, { kind: 'query' }>, plan: LogicalPlan, stmt: Statement, txn: Transaction, fnCtx: FunctionContext, params: readonly Value[]): Result {
    const { chunks } = executePlan(plan, this.executionContext(txn, fnCtx, params, false))
    const columns = resultColumnsOf(plan, bound.names)
    const type = statementTypeOf(stmt)
    const isDml = stmt.kind === 'insert' || stmt.kind === 'update' || stmt.kind === 'delete'
    const countOnly = (isDml && stmt.returning.length === 0) || stmt.kind === 'copy'
    const changes = countOnly ? countChanges(chunks, columns.length) : isDml ? chunks.reduce((s, c) => s + c.size, 0) : 0
    return new Result(columns, chunks, type, changes, countOnly)
  }

  private executeBound(bound: BoundStatement, stmt: Statement, txn: Transaction, fnCtx: FunctionContext, params: readonly Value[]): Result {
    switch (bound.kind) {
      case 'query': return this.runQuery(bound, this.optimizePlan(bound.plan, txn, fnCtx, params), stmt, txn, fnCtx, params)
      case 'command':
        // DuckDB checks view dependencies on DROP / ALTER only when this is on
        this.database.catalog.viewDependencies = this.setting('enable_view_dependencies') === true
        bound.run()
        return Result.empty(statementTypeOf(stmt))
      case 'rows_command': case 'utility': {
        const rows = bound.kind === 'rows_command' ? bound.run() : bound.run({
          catalog: this.database.catalog, txn, inTransaction: this.explicitTxn !== null, writer: this.database.transactions.activeWriter,
          sync: syncModeOf(this.setting('synchronous')), storage: this.database.storageEngine, run: (s, text) => { this.execute(s, txn, [], text, null) },
        })
        const columns = bound.names.map((n, i) => resultColumn(n, bound.types[i]!))
        const vectors = bound.types.map((t, c) => vectorFromValues(t, rows.map(r => r[c] ?? null)))
        return new Result(columns, [new DataChunk(vectors, rows.length)], statementTypeOf(stmt))
      }
      case 'create_table_as': {
        const plan = this.optimizePlan(bound.plan, txn, fnCtx, params)
        const { chunks } = executePlan(plan, this.executionContext(txn, fnCtx, params, false))
        const table = bound.create()
        let rows = 0
        if (table !== undefined) {
          const insert = table.provider.insert
          if (insert === undefined) throw new InternalError('a new table has no insert method')
          for (const chunk of chunks) if (chunk.size > 0) { insert.call(table.provider, txn, chunk); rows += chunk.size }
        }
        // like an INSERT (and DuckDB): the number of rows stored, as the one-row "Count"
        return new Result([resultColumn('Count', BIGINT)], [new DataChunk([vectorFromValues(BIGINT, [BigInt(rows)])], 1)], 'CREATE', rows, true)
      }
      case 'transaction': return this.transaction(bound.action, txn)
      case 'explain': {
        const inner = bound.statement
        if (inner.kind !== 'query') throw new GrizzlyError(SqlState.featureNotSupported, 'EXPLAIN of this statement is not supported yet', { hint: 'EXPLAIN a query or a DML statement' })
        const plan = this.optimizePlan(inner.plan, txn, fnCtx, params)
        let text: string
        if (bound.analyze) {
          const host = this.database.extensionHost
          const before = host?.meter() ?? []
          const { profile } = executePlan(plan, this.executionContext(txn, fnCtx, params, true))
          text = explainPlan(plan, profile) + meterDifference(before, host?.meter() ?? [])
        } else text = explainPlan(plan, null)
        return textResult(['explain_key', 'explain_value'], [[bound.analyze ? 'analyzed_plan' : 'physical_plan', text], ['logical_plan', explainLogical(plan)]], 'EXPLAIN')
      }
      case 'set':
        // SET GLOBAL (or any SET of a global-only setting) changes the database's default for every session; SET [SESSION] this session only
        if ((stmt.kind === 'set' && stmt.scope === 'global') || this.database.hooks.setting(bound.name)?.global === true) this.database.setGlobal(bound.name.toLowerCase(), bound.value)
        else this.settings.set(bound.name.toLowerCase(), bound.value)
        return Result.empty('SET')
      case 'reset':
        if (bound.name === null) this.settings.clear()
        else if (this.database.hooks.setting(bound.name)?.global === true) this.database.resetGlobal(bound.name.toLowerCase())
        else this.settings.delete(bound.name.toLowerCase())
        return Result.empty('SET')
      case 'pragma': {
        const stored = storagePragma(this.database.storageEngine, bound.name, {
          catalog: this.database.catalog, txn, inTransaction: this.explicitTxn !== null,
          writer: this.database.transactions.activeWriter, sync: syncModeOf(this.setting('synchronous')),
        })
        if (stored === 'done') return Result.empty('PRAGMA')
        if (stored !== null) return textResult(stored.columns, stored.rows, 'PRAGMA')
        if (IGNORED_PRAGMAS.has(bound.name)) return Result.empty('PRAGMA')
        throw new GrizzlyError(SqlState.featureNotSupported, `PRAGMA ${bound.name} is not supported yet`, { hint: 'use SET for settings, and DESCRIBE / SHOW TABLES to inspect the catalog' })
      }
      case 'copy_to': {
        const plan = this.optimizePlan(bound.plan, txn, fnCtx, params)
        const { chunks } = executePlan(plan, this.executionContext(txn, fnCtx, params, false))
        const rows = bound.write(chunks)
        return new Result([resultColumn('Count', BIGINT)], [new DataChunk([vectorFromValues(BIGINT, [BigInt(rows)])], 1)], 'COPY', rows, true)
      }
      case 'prepare':
        // a name prepared again is replaced, as in DuckDB
        this.prepared.set(bound.name, { statement: bound.statement, text: bound.text, types: bound.types, parameterCount: bound.parameterCount, plans: new PlanCache() })
        return Result.empty('OTHER')
      case 'execute': {
        const p = this.prepared.get(bound.name)
        if (p === undefined) throw unknownPrepared(bound.name, [...this.prepared.keys()], bound.pos)
        return this.execute(p.statement, txn, executeArguments(bound.name, p, bound.args, bound.pos), p.text, p.plans)
      }
      case 'deallocate':
        if (bound.name === null) this.prepared.clear()
        else if (!this.prepared.delete(bound.name)) throw unknownPrepared(bound.name, [...this.prepared.keys()])
        return Result.empty('OTHER')
    }
  }

  private transaction(action: 'begin' | 'commit' | 'rollback', autocommitTxn: Transaction): Result {
    const tm = this.database.transactions
    switch (action) {
      case 'begin':
        if (this.explicitTxn !== null) throw new GrizzlyError(SqlState.activeTransaction, 'a transaction is already in progress', { hint: 'COMMIT or ROLLBACK it first' })
        this.explicitTxn = autocommitTxn
        return Result.empty('TRANSACTION')
      case 'commit':
      case 'rollback': {
        const txn = this.explicitTxn
        if (txn === null) throw new GrizzlyError(SqlState.noActiveTransaction, `cannot ${action.toUpperCase()}: no transaction is in progress`, { hint: 'start one with BEGIN' })
        this.explicitTxn = null
        this.finish(txn, action === 'commit')
        // the statement's own autocommit transaction is the explicit one here, already finished
        return Result.empty('TRANSACTION')
      }
    }
  }

  private optimizePlan(plan: LogicalPlan, txn: Transaction, fnCtx: FunctionContext, params: readonly Value[]): LogicalPlan {
    return optimize(plan, this.optimizerContext(txn, fnCtx, params))
  }

  private optimizerContext(txn: Transaction, fnCtx: FunctionContext, params: readonly Value[]): OptimizerContext {
    const disabled = parseDisabledOptimizers(String(this.setting('disabled_optimizers') ?? ''))
    return { env: this.plainEnv(fnCtx, params), txn, disabled }
  }

  private plainEnv(fnCtx: FunctionContext, params: readonly Value[]): ExprEnv {
    return {
      fnCtx,
      params,
      hooks: this.database.hooks,
      evaluateSubquery(_e: SubqueryBoundExpr) { throw new InternalError('subqueries are not evaluated while optimizing') },
    }
  }

  private executionContext(txn: Transaction, fnCtx: FunctionContext, params: readonly Value[], profile: boolean) {
    return { catalog: this.database.catalog, hooks: this.database.hooks, txn, fnCtx, params, profile, isCanceled: this.watch?.check, rowProgress: this.watch?.rows,
      databaseFile: this.database.storageEngine?.path ?? null }
  }

  private functionContext(txn: Transaction): FunctionContext {
    return new StatementFunctions(this, txn, this.watch?.files)
  }
}

function statementTypeOf(stmt: Statement): StatementType {
  switch (stmt.kind) {
    case 'query_statement': return 'SELECT'
    case 'insert': return 'INSERT'
    case 'update': return 'UPDATE'
    case 'delete': return 'DELETE'
    case 'create_table': case 'create_view': case 'create_schema': case 'create_index': case 'create_sequence': case 'create_type': case 'create_model': return 'CREATE'
    case 'drop': return 'DROP'
    case 'alter_table': return 'ALTER'
    case 'transaction': return 'TRANSACTION'
    case 'explain': return 'EXPLAIN'
    case 'set': case 'reset': return 'SET'
    case 'show': case 'describe': return 'SHOW'
    case 'pragma': return 'PRAGMA'
    case 'copy': return 'COPY'
    case 'install_extension': case 'load_extension': case 'unload_extension': case 'update_extensions': return 'OTHER'
    case 'show_extension_permissions': return 'SHOW'
    case 'create_function': return 'CREATE'
    case 'prepare': case 'execute': case 'deallocate': return 'OTHER'
    case 'attach': case 'detach': case 'use': return 'OTHER'
    case 'export_database': case 'import_database': case 'backup': case 'restore': return 'OTHER'
  }
}

export type { LogicalType }
export { PreparedStatement }
export type { QueryOptions, QueryProgress } from './progress.ts'
export { typeToString }
