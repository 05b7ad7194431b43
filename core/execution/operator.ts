/**
 * The physical operator base, the per-query runtime and the per-scope frame. Operators pull
 * chunks from their children (`next()`), never emit empty chunks, and count rows and time only
 * when profiling. A Frame carries the values of outer columns (correlated subqueries, LATERAL)
 * and the expression environment that goes with them.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { FunctionContext } from '../hooks/contracts.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { Catalog, Transaction } from '../catalog/catalog.ts'
import type { BoundExpr, ColumnId, OutputColumn, SubqueryBoundExpr } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import type { LogicalType, Value } from '../types/types.ts'
import { concatVectors, constantVector, DataChunk, gather, slice, type Vector } from '../vector/vector.ts'
import type { ExprEnv, Layout } from '../expression/env.ts'
import { compileExpression, compilePredicate, interpretExpression } from '../expression/index.ts'
import { nodeDetail } from './node-detail.ts'
import { QueryMemory } from './memory.ts'

export interface ExecutionContext {
  readonly catalog: Catalog
  readonly hooks: Hooks
  readonly txn: Transaction
  readonly fnCtx: FunctionContext
  /** $1.. in internal form, already cast to their bound types */
  readonly params: readonly Value[]
  /** EXPLAIN ANALYZE: collect rows and time per operator */
  readonly profile: boolean
  /** checked between chunks; throws GrizzlyError 57014 "query canceled" when it returns true */
  readonly isCanceled?: () => boolean
  /** present while someone watches progress: table scans report rows read against the tables' sizes */
  readonly rowProgress?: { addTotal(rows: number): void; addRows(rows: number): void }
  /** the database file (its `<file>.tmp/` is the default temp_directory); null or absent in memory */
  readonly databaseFile?: string | null
}

/** Rows and time of one operator (EXPLAIN ANALYZE); time includes the children's. */
export interface OperatorProfile {
  readonly name: string
  readonly detail: string
  readonly rows: number
  readonly ms: number
  readonly children: readonly OperatorProfile[]
}

export interface PlanProfile {
  readonly root: OperatorProfile
  readonly totalMs: number
}

/** A fully materialised set of rows: equally long column vectors. */
export interface Materialized {
  readonly types: readonly LogicalType[]
  readonly columns: readonly Vector[]
  readonly count: number
}

/** Rows CTE scans replay, as often as asked: a materialised CTE (in memory or spilled) or a recursive working table. */
export interface StoredRows {
  chunks(): Iterable<DataChunk>
}

export const DEFAULT_MAX_RECURSION_DEPTH = 100_000

/** State shared by every operator of one executePlan call (subqueries included). */
export class Runtime {
  readonly ctx: ExecutionContext
  /** materialised CTEs and recursive working tables, by cteId */
  readonly ctes = new Map<number, StoredRows>()
  /** set by the planner; lets operators build sub-plans (LATERAL, subqueries, recursion) */
  build!: (plan: LogicalPlan, frame: Frame) => Operator

  /**
   * Compiled expressions are shared by every operator and every scope of the query (a
   * correlated subquery or LATERAL side is rebuilt per outer row, its expressions are not
   * recompiled). Their subqueries run in `currentFrame`, set around each call.
   */
  private compiledCache: WeakMap<BoundExpr, Map<string, unknown>> | null = null
  currentFrame: Frame | null = null
  readonly sharedEnv: ExprEnv
  private memoryState: QueryMemory | null = null

  constructor(ctx: ExecutionContext, evaluateSubquery: SubqueryEvaluator) {
    this.ctx = ctx
    const self = this
    this.sharedEnv = {
      fnCtx: ctx.fnCtx,
      params: ctx.params,
      hooks: ctx.hooks,
      evaluateSubquery(expr, outer, count) {
        const frame = self.currentFrame
        if (frame === null) throw new InternalError('subquery evaluated outside of an operator')
        return evaluateSubquery(frame, expr, outer, count)
      },
    }
  }

  compiled<T>(expr: BoundExpr, kind: string, layout: Layout, make: () => T): T {
    // made on first use: a prepared single-row INSERT compiles nothing
    const cache = this.compiledCache ??= new WeakMap()
    let perExpr = cache.get(expr)
    if (perExpr === undefined) { perExpr = new Map(); cache.set(expr, perExpr) }
    let key = kind
    for (const [id, at] of layout) key += `,${id}:${at}`
    let fn = perExpr.get(key) as T | undefined
    if (fn === undefined) { fn = make(); perExpr.set(key, fn) }
    return fn
  }

  /** The query's memory accountant (memory_limit, temp_directory), made on first use. */
  get memory(): QueryMemory {
    if (this.memoryState === null) {
      const setting = (name: string): Value => { try { return this.ctx.fnCtx.setting(name) } catch { return null } }
      this.memoryState = new QueryMemory({
        memoryLimit: setting('memory_limit'), tempDirectory: setting('temp_directory'),
        maxTempDirectorySize: setting('max_temp_directory_size'), databaseFile: this.ctx.databaseFile ?? null,
      })
    }
    return this.memoryState
  }

  /** Removes the query's temporary files (end of query, error or cancellation). */
  releaseMemory(): void { this.memoryState?.close() }

  checkCanceled(): void {
    const c = this.ctx.isCanceled
    if (c !== undefined && c()) throw new GrizzlyError(SqlState.queryCanceled, 'query canceled')
  }

  /** DuckDB's `scalar_subquery_error_on_multiple_rows` (default true); false takes the first row. */
  scalarSubqueryErrors(): boolean {
    try {
      return this.ctx.fnCtx.setting('scalar_subquery_error_on_multiple_rows') !== false
    } catch {
      return true
    }
  }

  maxRecursionDepth(): number {
    try {
      const v = this.ctx.fnCtx.setting('max_recursion_depth')
      if (typeof v === 'number' && v > 0) return v
      if (typeof v === 'bigint' && v > 0n) return Number(v)
    } catch {
      // the setting is optional
    }
    return DEFAULT_MAX_RECURSION_DEPTH
  }
}

export type SubqueryEvaluator = (frame: Frame, expr: SubqueryBoundExpr, outer: ReadonlyMap<ColumnId, Vector>, count: number) => Vector

export interface OuterValue { readonly type: LogicalType; readonly value: Value }

/** A scope: the outer column values visible to expressions, and their expression environment. */
export class Frame {
  readonly runtime: Runtime
  readonly outer: ReadonlyMap<ColumnId, OuterValue>
  readonly env: ExprEnv
  /** subquery results by expression, then by correlated values */
  readonly subqueryCache = new Map<SubqueryBoundExpr, Map<string, unknown>>()
  private readonly evaluateSubqueryFn: (frame: Frame, expr: SubqueryBoundExpr, outer: ReadonlyMap<ColumnId, Vector>, count: number) => Vector

  constructor(runtime: Runtime, outer: ReadonlyMap<ColumnId, OuterValue>,
    evaluateSubquery: (frame: Frame, expr: SubqueryBoundExpr, outer: ReadonlyMap<ColumnId, Vector>, count: number) => Vector) {
    this.runtime = runtime
    this.outer = outer
    const ctx = runtime.ctx
    const self = this
    this.env = {
      fnCtx: ctx.fnCtx,
      params: ctx.params,
      hooks: ctx.hooks,
      evaluateSubquery(expr, outerVectors, count) { return evaluateSubquery(self, expr, outerVectors, count) },
    }
    this.evaluateSubqueryFn = evaluateSubquery
  }

  /** A child scope that additionally sees `values`. */
  withOuter(values: ReadonlyMap<ColumnId, OuterValue>): Frame {
    if (values.size === 0) return this
    const merged = new Map(this.outer)
    for (const [k, v] of values) merged.set(k, v)
    return new Frame(this.runtime, merged, this.evaluateSubqueryFn)
  }
}

export function layoutOf(columns: readonly OutputColumn[]): Map<ColumnId, number> {
  const m = new Map<ColumnId, number>()
  columns.forEach((c, i) => m.set(c.id, i))
  return m
}

/**
 * Compiles an expression over chunks laid out as `layout`. Plain column references are read
 * directly; references to outer columns are served by appending constant vectors.
 */
export function compileValue(expr: BoundExpr, layout: Layout, frame: Frame, interpretOnly = false): (chunk: DataChunk) => Vector {
  if (expr.kind === 'colref') {
    const idx = layout.get(expr.id)
    if (idx !== undefined) return chunk => chunk.column(idx)
    const o = frame.outer.get(expr.id)
    if (o !== undefined) return chunk => constantVector(o.type, o.value, chunk.size)
  }
  const aug = augmentForOuter(expr, layout, frame)
  const use = aug === null ? layout : aug.layout
  const rt = frame.runtime
  const fn = rt.compiled(expr, interpretOnly ? 'i' : 'v', use,
    () => (interpretOnly ? interpretExpression : compileExpression)(expr, use, rt.sharedEnv))
  return inFrame(rt, frame, fn, aug === null ? null : aug.extend)
}

/** Compiles a predicate: the ascending indexes of rows where it is TRUE. */
export function compileFilter(expr: BoundExpr, layout: Layout, frame: Frame): (chunk: DataChunk) => { sel: Int32Array; count: number } {
  const aug = augmentForOuter(expr, layout, frame)
  const use = aug === null ? layout : aug.layout
  const rt = frame.runtime
  const fn = rt.compiled(expr, 'p', use, () => compilePredicate(expr, use, rt.sharedEnv))
  return inFrame(rt, frame, fn, aug === null ? null : aug.extend)
}

/** Runs a shared compiled function with `frame` as the scope its subqueries see. */
function inFrame<T>(rt: Runtime, frame: Frame, fn: (c: DataChunk) => T, extend: ((c: DataChunk) => DataChunk) | null): (c: DataChunk) => T {
  return chunk => {
    const previous = rt.currentFrame
    rt.currentFrame = frame
    try {
      return fn(extend === null ? chunk : extend(chunk))
    } finally {
      rt.currentFrame = previous
    }
  }
}

function augmentForOuter(expr: BoundExpr, layout: Layout, frame: Frame): { layout: Layout; extend: (c: DataChunk) => DataChunk } | null {
  if (frame.outer.size === 0) return null
  const ids: ColumnId[] = []
  for (const id of referencedColumns(expr)) if (!layout.has(id) && frame.outer.has(id)) ids.push(id)
  if (ids.length === 0) return null
  const extended = new Map(layout)
  let width = 0
  for (const v of layout.values()) width = Math.max(width, v + 1)
  const values = ids.map(id => frame.outer.get(id)!)
  ids.forEach((id, k) => extended.set(id, width + k))
  return {
    layout: extended,
    extend(chunk) {
      const cols = chunk.columns.slice(0, width)
      while (cols.length < width) cols.push(constantVector({ id: 'NULL' }, null, chunk.size))
      for (const v of values) cols.push(constantVector(v.type, v.value, chunk.size))
      return new DataChunk(cols, chunk.size)
    },
  }
}

// ---- operators ----------------------------------------------------------------------------------

export abstract class Operator {
  abstract readonly name: string
  readonly runtime: Runtime
  readonly frame: Frame
  readonly children: Operator[] = []
  rows = 0
  ms = 0
  /** the logical node this operator runs, for EXPLAIN (set by the planner) */
  plan: LogicalPlan | null = null

  constructor(frame: Frame) {
    this.frame = frame
    this.runtime = frame.runtime
  }

  /** Facts known only while running (evaluated limits, hash keys), added to the node's EXPLAIN detail. */
  detail(): string { return '' }

  /** The next non-empty chunk, or null when exhausted. */
  next(): DataChunk | null {
    this.runtime.checkCanceled()
    if (!this.runtime.ctx.profile) {
      const c = this.pull()
      if (c !== null) this.rows += c.size
      return c
    }
    const t0 = performance.now()
    const c = this.pull()
    this.ms += performance.now() - t0
    if (c !== null) this.rows += c.size
    return c
  }

  protected abstract pull(): DataChunk | null

  profile(): OperatorProfile {
    const detail = [this.plan === null ? '' : nodeDetail(this.plan), this.detail()].filter(d => d !== '').join(' ')
    return { name: this.name, detail, rows: this.rows, ms: this.ms, children: this.children.map(c => c.profile()) }
  }
}

/** Reads every chunk of `op` into one set of columns. */
export function drain(op: Operator, types: readonly LogicalType[]): Materialized {
  const chunks: DataChunk[] = []
  for (let c = op.next(); c !== null; c = op.next()) chunks.push(c)
  return materializeChunks(chunks, types)
}

/** Concatenates chunks into one set of columns. */
export function materializeChunks(chunks: readonly DataChunk[], types: readonly LogicalType[]): Materialized {
  let count = 0
  for (const c of chunks) count += c.size
  return { types, columns: types.map((t, k) => concatVectors(t, chunks.map(c => c.column(k)))), count }
}

export function typesOf(columns: readonly OutputColumn[]): LogicalType[] { return columns.map(c => c.type) }

/** The chunk's rows sel[0..count), or the chunk itself when every row is selected in order. */
export function selectRows(chunk: DataChunk, sel: Int32Array, count: number): DataChunk {
  if (count === chunk.size) return chunk
  return new DataChunk(chunk.columns.map(v => gather(v, sel, count)), count)
}

/**
 * Splits materialised rows into chunks of at most `size` rows: views of flat columns (as scans
 * hand out views of segments; operators never write into their input), copies of nested ones.
 */
export function* chunksOf(m: Materialized, size: number): Generator<DataChunk> {
  for (let start = 0; start < m.count; start += size) yield chunkAt(m, start, size)
}

/** rows [start, start + size) of m (fewer at the end) as one chunk */
export function chunkAt(m: Materialized, start: number, size: number): DataChunk {
  const end = Math.min(m.count, start + size)
  if (start === 0 && end === m.count) return new DataChunk([...m.columns], m.count)
  return new DataChunk(m.columns.map(v => slice(v, start, end)), end - start)
}

/** Gathers rows of v; index -1 produces NULL (outer joins). */
export function gatherOrNull(v: Vector, sel: Int32Array, count: number): Vector {
  let anyNull = false
  for (let k = 0; k < count; k++) if (sel[k]! < 0) { anyNull = true; break }
  if (!anyNull) return gather(v, sel, count)
  const fixed = new Int32Array(count)
  for (let k = 0; k < count; k++) fixed[k] = sel[k]! < 0 ? 0 : sel[k]!
  if (v.length === 0) return constantVector(v.type, null, count)
  // gather always returns a fresh vector, so its validity may be patched in place
  const out = gather(v, fixed, count)
  const validity = out.validity ?? new Uint8Array(count).fill(1)
  for (let k = 0; k < count; k++) if (sel[k]! < 0) validity[k] = 0
  if (out.physical === 'struct' || out.physical === 'list' || out.physical === 'array') {
    // nested builders already produced a fresh vector; mark the NULL rows in its validity
  }
  out.validity = validity
  return out
}

