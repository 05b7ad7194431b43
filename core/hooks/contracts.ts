/**
 * The contracts every function, type, cast, format, index type and setting implements —
 * built-ins and extensions alike (DESIGN §6). The registry (registry.ts) is the only door.
 */
import type { LogicalType, TypeId, Value } from '../types/types.ts'
import type { DataChunk, Vector } from '../vector/vector.ts'

export type Volatility = 'immutable' | 'stable' | 'volatile'

/** Where readers report progress: the bytes they will read (once per file) and have read so far. */
export interface ProgressSink {
  addTotal(bytes: number): void
  addBytes(bytes: number): void
}

/** What a kernel may ask of the engine while it runs. */
export interface FunctionContext {
  /** session settings, e.g. TimeZone */
  setting(name: string): Value
  /** statement start time (now() / current_timestamp), microseconds since epoch */
  readonly statementTime: number
  /** deterministic random numbers when `SELECT setseed(x)` was called, Math.random otherwise */
  random(): number
  setSeed(seed: number): void
  /** present while someone watches the statement's progress: file readers report bytes to it */
  readonly progress?: ProgressSink
  /** a type as SQL writes it ('DECIMAL(10,2)', 'INT[]'), resolved through the type hooks; present while binding */
  resolveType?(name: string): LogicalType
  /** keeps a row a file reader skipped (ignore_errors + store_rejects) in the named rejects table; null (once, when binding) creates or empties the table */
  storeReject?(table: string, reject: FileReject | null): void
  /** records a file scanned into the rejects table `table`, listed in the table `scansTable` */
  storeRejectScan?(table: string, scansTable: string, scan: FileRejectScan): void
  /** the sequence named 'seq' or 'schema.seq' as the statement's transaction sees it (42P01 when there is none) */
  sequence?(name: string): SequenceAccess
  /** a model stored with CREATE MODEL (name case-insensitive), as the statement's transaction sees it */
  model?(name: string): StoredModel | undefined
  /** the session's databases (ATTACH): where unqualified names resolve, and every attached one */
  databases?(): SessionDatabases
}

/** current_database(), current_schema(), duckdb_databases() read this. */
export interface SessionDatabases {
  readonly current: string
  readonly schema: string
  readonly list: readonly { readonly name: string; readonly path: string | null; readonly readOnly: boolean; readonly type: string; readonly internal: boolean }[]
}

/** A sequence's counter, for nextval / currval / setval. */
export interface SequenceAccess {
  next(): bigint
  current(): bigint
  set(value: bigint, called: boolean): bigint
}

/** A row a file reader could not read, as DuckDB's reject_errors table lists it. */
export interface FileReject {
  readonly file: string
  readonly line: number
  /** 1-based column; 0 when the whole row is malformed */
  readonly column: number
  readonly columnName: string | null
  readonly errorType: string
  readonly error: string
  readonly csvLine: string
  /** 1-based byte offsets of the row and of the value at fault, when the reader knows them */
  readonly lineBytePosition?: number
  readonly bytePosition?: number
}

/** A file a reader scanned while keeping rejects, with the dialect it used (DuckDB's reject_scans). */
export interface FileRejectScan {
  readonly file: string
  readonly delimiter: string
  readonly quote: string
  readonly escape: string
  readonly newLine: string
  readonly skipRows: number
  readonly hasHeader: boolean
  /** the columns as a struct literal: {'a': 'INTEGER', …} */
  readonly columns: string
  readonly dateFormat: string | null
  readonly timestampFormat: string | null
  readonly userArguments: string
}

/**
 * A vectorized scalar kernel: `args` hold `count` rows each; returns a vector of `count` rows of
 * the bound return type. With nulls 'propagate' the engine ORs argument NULLs into the result
 * afterwards, so the kernel may compute garbage for rows where an argument is NULL (but must not
 * throw for them). With nulls 'handle' the kernel sets the result validity itself.
 */
export type ScalarKernel = (args: readonly Vector[], count: number, ctx: FunctionContext) => Vector

/** A resolved overload: argument types to cast to, return type, and the kernel. */
export interface BoundScalar {
  readonly name: string
  readonly argTypes: readonly LogicalType[]
  readonly returns: LogicalType
  readonly nulls: 'propagate' | 'handle'
  readonly volatility: Volatility
  readonly invoke: ScalarKernel
  /**
   * Optional per-row JavaScript expression template for code generation, e.g. `(a, b) => `${a} + ${b}``.
   * Receives the JS expressions of the (non-null) arguments and returns a JS expression over
   * them. Only code derived from the plan goes in; values never do (DESIGN §3).
   */
  readonly inline?: (args: readonly string[]) => string
  /**
   * Optional two-phase form of `invoke` for kernels whose work can run on another thread (ONNX
   * inference): starts the work on `args` and returns the function that waits for it and gives
   * the result `invoke` would have given. The engine (a pipelined projection, see the optimizer
   * rule pipelined_calls) starts chunks N+1 and N+2 before it collects chunk N, so the query's work on
   * one chunk overlaps the kernel's on the next. `start` must not keep `args` (their buffers may
   * be reused once it returns), and a started call that is never collected must be harmless.
   * Only kernels with nulls 'handle' are pipelined.
   */
  readonly start?: (args: readonly Vector[], count: number, ctx: FunctionContext) => () => Vector
}

export interface ScalarOverload {
  readonly args: readonly LogicalType[]
  /** extra trailing arguments of this type, any number of them */
  readonly varargs?: LogicalType
  readonly returns: LogicalType
  readonly invoke: ScalarKernel
  readonly inline?: (args: readonly string[]) => string
}

export interface ScalarFunctionDef {
  readonly name: string
  readonly aliases?: readonly string[]
  readonly description?: string
  readonly nulls: 'propagate' | 'handle'
  readonly volatility: Volatility
  /** fixed overloads; resolution picks the one with the cheapest implicit casts */
  readonly overloads?: readonly ScalarOverload[]
  /**
   * generic functions (coalesce, list_value, greatest, …) choose types themselves: given the
   * argument types, return the bound function (argTypes = what to cast the arguments to), or
   * undefined when these types do not fit
   */
  readonly bind?: (argTypes: readonly LogicalType[], info?: ScalarBindInfo) => Omit<BoundScalar, 'name' | 'nulls' | 'volatility'> | undefined
}

/**
 * What a generic scalar's `bind` may also look at: the values of arguments that are constants
 * (undefined for the others) and the statement's context, so that, say, `predict('churn', …)`
 * can type its result from the stored model. A bind that throws a GrizzlyError fails the call
 * with it (unknown model, wrong inputs) instead of "no such function".
 */
export interface ScalarBindInfo {
  readonly constants: readonly (Value | undefined)[]
  readonly ctx?: FunctionContext
}

// ---- aggregates ---------------------------------------------------------------------------

/**
 * Grouped, vectorized aggregate state for any number of groups (DuckDB/DataFusion style).
 * Groups are dense ids 0..groups-1. The engine passes only rows whose arguments are all non-NULL
 * (and whose FILTER is true) when the definition's nulls is 'skip'.
 */
export interface AggregateState {
  /** make room for group ids < groups (called before update with new ids) */
  resize(groups: number): void
  /** fold row i of args into group groupIds[i], for i < count */
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void
  /** optional fast path of `update` when every row goes to group 0 (an aggregate without GROUP BY) */
  updateSingle?(args: readonly Vector[], count: number): void
  /** fold other's group src[i] into this state's group dst[i] (parallel merge, window segment trees) */
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void
  /** the results of groups 0..groups-1 */
  finalize(groups: number): Vector
}

export interface BoundAggregate {
  readonly name: string
  readonly argTypes: readonly LogicalType[]
  readonly returns: LogicalType
  readonly nulls: 'skip' | 'handle'
  /** result depends on input order (string_agg, list, first, last); honour ORDER BY in the call */
  readonly orderSensitive: boolean
  createState(ctx: FunctionContext): AggregateState
}

export interface AggregateOverload {
  readonly args: readonly LogicalType[]
  readonly returns: LogicalType
  readonly createState: (ctx: FunctionContext) => AggregateState
}

export interface AggregateFunctionDef {
  readonly name: string
  readonly aliases?: readonly string[]
  readonly description?: string
  readonly nulls: 'skip' | 'handle'
  readonly orderSensitive?: boolean
  readonly overloads?: readonly AggregateOverload[]
  readonly bind?: (argTypes: readonly LogicalType[]) => Omit<BoundAggregate, 'name' | 'nulls' | 'orderSensitive'> | undefined
}

// ---- window functions (non-aggregate: row_number, rank, lag, …) ---------------------------

/** One partition, already sorted by the window's ORDER BY. */
export interface WindowPartition {
  readonly count: number
  /** argument vectors for the partition's rows, in sorted order */
  readonly args: readonly Vector[]
  /** peerStart[i] / peerEnd[i]: the range of rows that tie with row i on ORDER BY */
  readonly peerStart: Int32Array
  readonly peerEnd: Int32Array
  /** frameStart[i] (inclusive) / frameEnd[i] (exclusive) of row i's frame */
  readonly frameStart: Int32Array
  readonly frameEnd: Int32Array
  readonly ignoreNulls: boolean
  /**
   * EXCLUDE CURRENT ROW / GROUP / TIES: rows excludeStart[i] .. excludeEnd[i]-1 leave row i's
   * frame, except row i itself when `excludeKeepsCurrent` (TIES). Absent without EXCLUDE.
   */
  readonly excludeStart?: Int32Array
  readonly excludeEnd?: Int32Array
  readonly excludeKeepsCurrent?: boolean
}

export interface BoundWindow {
  readonly name: string
  readonly argTypes: readonly LogicalType[]
  readonly returns: LogicalType
  /** results for the partition's rows, in its sorted order */
  evaluate(partition: WindowPartition, ctx: FunctionContext): Vector
}

export interface WindowFunctionDef {
  readonly name: string
  readonly description?: string
  readonly bind: (argTypes: readonly LogicalType[]) => Omit<BoundWindow, 'name'> | undefined
}

// ---- table functions ------------------------------------------------------------------------

export interface TableFunctionArg { readonly type: LogicalType; readonly value: Value }

export interface TableFunctionCall {
  readonly positional: readonly TableFunctionArg[]
  readonly named: ReadonlyMap<string, TableFunctionArg>
}

/**
 * A simple filter on one column of a table function (`column` is an index into its columns;
 * `type` is the constant's type). Only a hint for skipping data: the engine still applies the
 * full predicate above the scan.
 */
export type TableFunctionFilter =
  /** `param` (1-based) in a plan: the value is that statement parameter's, filled in before scan() is called */
  | { readonly kind: 'compare'; readonly column: number; readonly op: '=' | '<' | '<=' | '>' | '>='; readonly value: Value; readonly type: LogicalType; readonly param?: number }
  | { readonly kind: 'in'; readonly column: number; readonly values: readonly Value[]; readonly type: LogicalType }
  | { readonly kind: 'is_null'; readonly column: number; readonly not: boolean }

export interface BoundTableFunction {
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[]
  readonly estimatedRows?: number
  /** set when scan() uses `filters` to skip data (e.g. Parquet row groups by their statistics) */
  readonly pushdown?: { readonly filters: true }
  /** the column types are a default, not read from data (a CSV file holding only a header): a read of several files takes the others' types */
  readonly typesUnknown?: boolean
  /** produce the rows; `columns` lists the indexes of the columns the query needs */
  scan(columns: readonly number[], ctx: FunctionContext, filters?: readonly TableFunctionFilter[]): Iterable<DataChunk>
  /** what the last scan did, for EXPLAIN ANALYZE (e.g. "row groups: 2 read, 38 skipped") */
  scanDetail?(): string
}

export interface TableFunctionDef {
  readonly name: string
  readonly aliases?: readonly string[]
  readonly description?: string
  bind(call: TableFunctionCall, ctx: FunctionContext): BoundTableFunction
}

// ---- types and casts ------------------------------------------------------------------------

/** A type name the binder accepts, e.g. INT4 → INTEGER; `resolve` gets the (p, s) parameters. */
export interface TypeDef {
  readonly name: string
  readonly aliases?: readonly string[]
  resolve(params: readonly number[]): LogicalType
}

export interface CastDef {
  readonly from: TypeId
  readonly to: TypeId
  /** cost when applied implicitly (lower is preferred); undefined = explicit CAST only */
  readonly implicitCost?: number
  /** convert; `tryCast` turns failures into NULL instead of throwing */
  invoke(input: Vector, target: LogicalType, tryCast: boolean, ctx: FunctionContext): Vector
}

// ---- formats, index types, settings (seams used by later parts) ------------------------------

export interface FormatDef {
  /** e.g. 'csv', 'parquet' */
  readonly name: string
  /** file name endings without the dot, e.g. ['csv', 'tsv'] */
  readonly extensions: readonly string[]
  /** 0..1 confidence that these first bytes are this format; used when the extension is missing or lies */
  sniff?(head: Uint8Array, path: string): number
  /** open a file (or several) as a table */
  read?(paths: readonly string[], options: ReadonlyMap<string, TableFunctionArg>, ctx: FunctionContext): BoundTableFunction
  /** write chunks to a file */
  write?(path: string, columns: readonly { readonly name: string; readonly type: LogicalType }[], chunks: Iterable<DataChunk>, options: ReadonlyMap<string, TableFunctionArg>): { rows: number }
  /** the option names `read` accepts (besides filename, hive_partitioning, union_by_name); when given, others are refused with a did-you-mean before `read` runs */
  readonly options?: readonly string[]
  /** the option names `write` accepts */
  readonly writeOptions?: readonly string[]
  /** read() takes a whole list of files and the shared options (filename, hive_partitioning, union_by_name) itself; otherwise it is given one file at a time */
  readonly multiFile?: boolean
}

/**
 * An index method (CREATE INDEX … USING <name> WITH (k = v)). The engine owns the life cycle:
 * `create` when the index is created or the database opened, `build` over the existing rows,
 * `insert` / `remove` on every INSERT, UPDATE and DELETE (and their undo on ROLLBACK), dropped
 * with the index or its table. Instances index the table's current rows; the engine re-checks
 * visibility and the original predicate on every row an index returns.
 */
export interface IndexTypeDef {
  /** CREATE INDEX … USING <name> */
  readonly name: string
  readonly aliases?: readonly string[]
  readonly description?: string
  /** a new, empty index; throws a GrizzlyError (0A000, 22023) for key types or options it cannot take */
  create(spec: IndexSpec): IndexInstance
  /** an index from `IndexInstance.serialize` output; without it the engine rebuilds from the rows */
  deserialize?(spec: IndexSpec, bytes: Uint8Array): IndexInstance
}

export interface IndexSpec {
  /** the key columns, in key order */
  readonly keyNames: readonly string[]
  readonly keyTypes: readonly LogicalType[]
  readonly unique: boolean
  /** WITH (k = v) options, names lower-cased, values constant */
  readonly options: ReadonlyMap<string, Value>
}

/** What the optimizer may ask of an index. */
export interface IndexCapabilities {
  /** equality on every key column, or on a leading prefix of them when `range` is set too */
  readonly equality: boolean
  /** ordered: ranges on the column after an equality prefix, keys in order */
  readonly range: boolean
  /** nearest-neighbour search over a one-column key: the distance functions it ranks by */
  readonly nearest?: NearestCapability
}

/**
 * The distances a nearest-neighbour index ranks its keys by: `ORDER BY f(key, q)` (or
 * `f(q, key)`) with f in `ascending` (or in `descending` with DESC) gives the same order as
 * the index's own distance (squared L2 for L2, say). When the query only orders by f, the
 * engine keeps the order `nearest` returns and never computes f; when it shows f's value, it
 * computes f on the rows returned and orders them by it.
 */
export interface NearestCapability {
  readonly ascending: readonly string[]
  readonly descending?: readonly string[]
}

/** Candidates of a nearest-neighbour search: row ids, nearest first, and the index's own distances. */
export interface NearestResult {
  readonly rowIds: Float64Array
  readonly distances: Float64Array
}

/** Equality on the first `equal.length` key columns, then optional bounds on the next one. */
export interface IndexRange {
  readonly equal: readonly Value[]
  readonly lower: { readonly value: Value; readonly inclusive: boolean } | null
  readonly upper: { readonly value: Value; readonly inclusive: boolean } | null
}

/**
 * One index over one table's rows. Keys arrive as vectors (one per key column, internal value
 * form), row ids as numbers. Keys with a NULL part are kept but never match a range and never
 * conflict in a unique index (SQL rule).
 */
export interface IndexInstance {
  readonly capabilities: IndexCapabilities
  /** entries held */
  readonly size: number
  /**
   * Adds rows i < rowIds.length. For a unique index returns the first i whose key is already
   * held by another row (rows before i stay added; the engine removes them), else -1.
   */
  insert(keys: readonly Vector[], rowIds: Float64Array): number
  /** removes the entries (key of row i, rowIds[i]); entries that are not held are ignored */
  remove(keys: readonly Vector[], rowIds: Float64Array): void
  /** bulk load into an empty index; same result as insert, may be faster */
  build?(keys: readonly Vector[], rowIds: Float64Array): number
  /** row ids whose key matches, ascending */
  search(range: IndexRange): Float64Array
  /** how many entries match, counting no further than `limit` (for the optimizer) */
  count(range: IndexRange, limit: number): number
  /**
   * With `capabilities.nearest`: up to k held entries nearest to `query` (approximate indexes
   * may miss some); fewer than k only when fewer are held. Session settings (search width)
   * come from `ctx`. null when `query` is not a key this index can search with (wrong size,
   * NULL parts): the engine then computes the distances on every row, so the distance
   * function reports the problem.
   */
  nearest?(query: Value, k: number, ctx: FunctionContext): NearestResult | null
  serialize?(): Uint8Array
}

export interface SettingDef {
  readonly name: string
  readonly description: string
  readonly type: LogicalType
  readonly default: Value
  /** throw a GrizzlyError when the value is not acceptable; may normalise it */
  readonly validate?: (value: Value) => Value
  /** the database has one value for every session (DuckDB's global-only options): SET and RESET change it for all */
  readonly global?: boolean
}

// ---- models (CREATE MODEL) ------------------------------------------------------------------

/** A model's bytes as CREATE MODEL stored them. */
export interface StoredModel {
  readonly name: string
  /** the model format that recognised the bytes ('onnx', …) */
  readonly format: string
  /** hex SHA-256 of `bytes`: the identity caches key on */
  readonly sha256: string
  readonly bytes: Uint8Array
  /** the key that signed the file (hex ed25519), checked by the policy at CREATE; null when unsigned */
  readonly signedBy?: string | null
  /** the vocabulary CREATE MODEL … (TOKENIZER 'vocab.txt') stored with the model; null without one */
  readonly tokenizer?: ModelTokenizer | null
}

/** A tokenizer's file kept with a model: its bytes as read (the model format parses them) and their SHA-256. */
export interface ModelTokenizer {
  readonly bytes: Uint8Array
  readonly sha256: string
}

/** One input or output of a model: `shape` has a number per fixed dimension, a name (or null) per free one. */
export interface ModelTensor {
  readonly name: string
  /** element type as the format names it ('float32', 'int64', …) */
  readonly type: string
  readonly shape: readonly (number | string | null)[]
}

export interface ModelSignature {
  readonly inputs: readonly ModelTensor[]
  readonly outputs: readonly ModelTensor[]
}

/**
 * A model file format (registerModelFormat). The engine stores the bytes of CREATE MODEL and
 * knows nothing of what is inside: the first format whose `sniff` accepts them names the
 * model's format, and `describe` lists its inputs and outputs for SHOW MODELS.
 */
export interface ModelFormatDef {
  readonly name: string
  /** file name endings without the dot, e.g. ['onnx'] */
  readonly extensions: readonly string[]
  /** whether these bytes look like this format (cheap: the first bytes) */
  sniff(bytes: Uint8Array): boolean
  /** the model's inputs and outputs; throws a GrizzlyError (22P04) when the bytes do not parse */
  describe(bytes: Uint8Array, sha256: string): ModelSignature
  /** checks a TOKENIZER file given with CREATE MODEL and says what it holds (for SHOW MODELS); formats without it take none */
  checkTokenizer?(bytes: Uint8Array, path: string): string
}
