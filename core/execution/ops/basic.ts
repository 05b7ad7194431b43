/**
 * Streaming operators: table scan, filter, projection, VALUES, table functions, empty,
 * LIMIT/OFFSET and UNION ALL.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import type { ScanFilter } from '../../catalog/catalog.ts'
import type { BoundExpr } from '../../plan/expr.ts'
import type {
  LimitNode, ProjectNode, ScanNode, TableFunctionNode, ValuesNode,
} from '../../plan/logical.ts'
import type { LogicalType, Value } from '../../types/types.ts'
import type { BoundScalar, TableFunctionFilter } from '../../hooks/contracts.ts'
import { DataChunk, VectorBuilder, type Vector, slice } from '../../vector/vector.ts'
import { evaluateConstant } from '../../expression/index.ts'
import { parameterValue, startScalar } from '../../expression/kernels.ts'
import {
  compileFilter, compileValue, type Frame, layoutOf, Operator, selectRows, typesOf,
} from '../operator.ts'

type Pred = (chunk: DataChunk) => { sel: Int32Array; count: number }

export class ScanOperator extends Operator {
  readonly name = 'TABLE_SCAN'
  private readonly node: ScanNode
  private iterator: Iterator<DataChunk> | null = null
  private readonly predicate: Pred | null
  private readonly hints: ScanFilter[]

  constructor(node: ScanNode, frame: Frame) {
    super(frame)
    this.node = node
    // every scan of the plan is built before the first pull, so progress knows the whole work up front
    frame.runtime.ctx.rowProgress?.addTotal(node.table.provider.estimatedRows(frame.runtime.ctx.txn))
    this.hints = scanHints(node, frame)
    this.predicate = node.filters.length === 0 ? null
      : compileFilter(conjunction(node.filters), layoutOf(node.output), frame)
  }


  protected pull(): DataChunk | null {
    if (this.iterator === null) {
      const rt = this.runtime
      this.iterator = this.node.table.provider.scan(rt.ctx.txn, { columns: this.node.columns, filters: this.hints })[Symbol.iterator]()
    }
    for (;;) {
      const r = this.iterator.next()
      if (r.done === true) return null
      const chunk = r.value
      if (chunk.size === 0) continue
      this.runtime.ctx.rowProgress?.addRows(chunk.size)
      if (this.predicate === null) return chunk
      const { sel, count } = this.predicate(chunk)
      if (count === 0) { this.runtime.checkCanceled(); continue }
      return selectRows(chunk, sel, count)
    }
  }
}

export function conjunction(exprs: readonly BoundExpr[]): BoundExpr {
  if (exprs.length === 1) return exprs[0]!
  return { kind: 'and', args: exprs, type: { id: 'BOOLEAN' } }
}

/** `col op constant` and `col IS [NOT] NULL` filters become hints the provider may use to skip data. */
export function scanHints(node: ScanNode, frame: Frame): ScanFilter[] {
  const columnOf = new Map<number, number>()
  node.output.forEach((c, i) => { const tc = node.columns[i]!; if (tc >= 0) columnOf.set(c.id, tc) })
  const out: ScanFilter[] = []
  const constant = (e: BoundExpr): { value: Value } | null => {
    if (e.kind === 'const') return { value: e.value }
    if (e.kind === 'param') {
      const v = frame.runtime.ctx.params[e.index - 1]
      return v === undefined ? null : { value: v }
    }
    return null
  }
  const flip = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const
  const visit = (e: BoundExpr): void => {
    if (e.kind === 'and') { e.args.forEach(visit); return }
    if (e.kind === 'is_null' && e.arg.kind === 'colref') {
      const col = columnOf.get(e.arg.id)
      if (col !== undefined) out.push({ kind: 'is_null', column: col, not: e.not })
      return
    }
    if (e.kind !== 'compare') return
    const op = e.op
    if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') return
    if (e.left.kind === 'colref') {
      const col = columnOf.get(e.left.id), c = constant(e.right)
      if (col !== undefined && c !== null && c.value !== null) out.push({ kind: 'compare', column: col, op, value: c.value })
    } else if (e.right.kind === 'colref') {
      const col = columnOf.get(e.right.id), c = constant(e.left)
      if (col !== undefined && c !== null && c.value !== null) out.push({ kind: 'compare', column: col, op: flip[op], value: c.value })
    }
  }
  node.filters.forEach(visit)
  return out
}

export class FilterOperator extends Operator {
  readonly name = 'FILTER'
  private readonly input: Operator
  private readonly predicate: Pred

  constructor(input: Operator, predicate: BoundExpr, inputColumns: Parameters<typeof layoutOf>[0], frame: Frame) {
    super(frame)
    this.input = input
    this.children.push(input)
    this.predicate = compileFilter(predicate, layoutOf(inputColumns), frame)
  }

  protected pull(): DataChunk | null {
    for (let c = this.input.next(); c !== null; c = this.input.next()) {
      const { sel, count } = this.predicate(c)
      if (count > 0) return selectRows(c, sel, count)
    }
    return null
  }
}

/** chunks a pipelined projection keeps started ahead of the one it returns */
const PIPELINE_DEPTH = 2

export class ProjectOperator extends Operator {
  readonly name = 'PROJECTION'
  private readonly input: Operator
  private readonly exprs: ((c: DataChunk) => Vector)[]
  /** pipelined: per expression, its kernel and compiled arguments when it starts a chunk ahead */
  private readonly ahead: ({ fn: BoundScalar; args: ((c: DataChunk) => Vector)[] } | null)[] | null = null
  /** pipelined: chunks pulled and started ahead, oldest first */
  private readonly started: { chunk: DataChunk; started: ((() => Vector) | null)[] }[] = []
  private inputDone = false

  constructor(input: Operator, node: ProjectNode, frame: Frame) {
    super(frame)
    this.input = input
    this.children.push(input)
    const layout = layoutOf(node.input.output)
    this.exprs = node.exprs.map(e => compileValue(e, layout, frame))
    if (node.pipelined === true) {
      this.ahead = node.exprs.map(e => e.kind === 'call' && e.fn.start !== undefined && e.fn.nulls === 'handle'
        ? { fn: e.fn, args: e.args.map(a => compileValue(a, layout, frame)) } : null)
    }
  }

  protected pull(): DataChunk | null {
    if (this.ahead === null) {
      const c = this.input.next()
      if (c === null) return null
      return new DataChunk(this.exprs.map(f => f(c)), c.size)
    }
    // chunks N+1 and N+2 are started before chunk N is collected: the kernels work on those
    // while this thread sums N and reads the next, and a late wake-up of this thread (a VM's
    // idle core takes a while) does not leave them without work
    while (!this.inputDone && this.started.length <= PIPELINE_DEPTH) {
      const next = this.begin(this.input.next())
      if (next === null) this.inputDone = true
      else this.started.push(next)
    }
    const current = this.started.shift()
    if (current === undefined) return null
    const { chunk, started } = current
    return new DataChunk(this.exprs.map((f, i) => { const s = started[i]; return s == null ? f(chunk) : s() }), chunk.size)
  }

  private begin(chunk: DataChunk | null): { chunk: DataChunk; started: ((() => Vector) | null)[] } | null {
    if (chunk === null) return null
    const ctx = this.runtime.ctx.fnCtx
    return { chunk, started: this.ahead!.map(a => a === null ? null : startScalar(a.fn, a.args.map(f => f(chunk)), chunk.size, ctx)) }
  }
}

/** Any number of rows of expressions; constant rows are built directly, others evaluated one row at a time. */
export class ValuesOperator extends Operator {
  readonly name = 'VALUES'
  private readonly node: ValuesNode
  private done = false

  constructor(node: ValuesNode, frame: Frame) {
    super(frame)
    this.node = node
  }

  protected pull(): DataChunk | null {
    if (this.done) return null
    this.done = true
    const rows = this.node.rows
    if (rows.length === 0) return null
    const types = typesOf(this.node.output)
    const builders = types.map(t => new VectorBuilder(t, rows.length))
    let one: DataChunk | null = null
    let empty: Map<number, number> | null = null
    for (const row of rows) {
      for (let k = 0; k < row.length; k++) {
        const e = row[k]!, b = builders[k]!
        if (e.kind === 'const') b.push(e.value)
        // a prepared INSERT's $n: its value as is, without an expression to evaluate
        else if (e.kind === 'param') b.push(parameterValue(e, this.runtime.sharedEnv))
        // one row each: interpreting beats generating code for every expression
        else b.pushFrom(compileValue(e, empty ??= new Map(), this.frame, true)(one ??= new DataChunk([], 1)), 0)
      }
    }
    return new DataChunk(builders.map(b => b.finish()), rows.length)
  }
}

export class EmptyOperator extends Operator {
  readonly name = 'EMPTY'
  protected pull(): DataChunk | null { return null }
}

/** A parameter's value as `type` for a skip filter; undefined when it is NULL or not plainly convertible. */
function widen(v: Value | undefined, type: LogicalType): Value | undefined {
  if (v === undefined || v === null) return undefined
  if (type.id === 'BIGINT') return typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined
  if (type.id === 'DOUBLE') return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined
  // a fractional value for an integer column would be rounded by the cast, which a skip cannot mirror
  if ((type.id === 'INTEGER' || type.id === 'SMALLINT' || type.id === 'TINYINT' || type.id === 'DATE') && !(typeof v === 'number' && Number.isInteger(v))) return undefined
  return v
}

export class TableFunctionOperator extends Operator {
  readonly name = 'TABLE_FUNCTION'
  private readonly node: TableFunctionNode
  private iterator: Iterator<DataChunk> | null = null

  constructor(node: TableFunctionNode, frame: Frame) {
    super(frame)
    this.node = node
  }


  override detail(): string { return this.node.fn.scanDetail?.() ?? '' }

  /** the plan's skip filters with statement parameters filled in (a NULL or missing one is dropped) */
  private skipFilters(): TableFunctionFilter[] | undefined {
    const filters = this.node.filters
    if (filters === undefined) return undefined
    const out: TableFunctionFilter[] = []
    for (const f of filters) {
      if (f.kind !== 'compare' || f.param === undefined) { out.push(f); continue }
      const value = widen(this.runtime.ctx.params[f.param - 1], f.type)
      if (value !== undefined) out.push({ kind: 'compare', column: f.column, op: f.op, value, type: f.type })
    }
    return out
  }

  protected pull(): DataChunk | null {
    if (this.iterator === null) this.iterator = this.node.fn.scan(this.node.columns, this.runtime.ctx.fnCtx, this.skipFilters())[Symbol.iterator]()
    const want = this.node.columns
    for (;;) {
      const r = this.iterator.next()
      if (r.done === true) return null
      const c = r.value
      if (c.size === 0) continue
      // a function may return all of its columns rather than just the requested ones
      if (c.columns.length !== want.length && c.columns.length === this.node.fn.columns.length) {
        return new DataChunk(want.map(i => c.column(i)), c.size)
      }
      return c
    }
  }
}

/** Evaluates a LIMIT/OFFSET expression once: a non-negative count, or null for none. */
export function evaluateCount(expr: BoundExpr | null, frame: Frame, what: string): number | null {
  if (expr === null) return null
  const v = evaluateConstant(expr, frame.env)
  if (v === null) return null
  const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number.NaN
  if (!Number.isFinite(n) || n < 0) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `${what} must not be negative`, { hint: `got ${String(v)}` })
  }
  return Math.floor(n)
}

export class LimitOperator extends Operator {
  readonly name = 'LIMIT'
  private readonly input: Operator
  private remaining: number
  private skip: number
  /** LIMIT … PERCENT: the percentage, applied once the input's row count is known */
  private percent: number | null = null
  private buffered: DataChunk[] | null = null

  constructor(input: Operator, node: LimitNode, frame: Frame) {
    super(frame)
    this.input = input
    this.children.push(input)
    this.skip = evaluateCount(node.offset, frame, 'OFFSET') ?? 0
    if (node.percent === true) {
      this.remaining = Infinity
      this.percent = evaluatePercent(node.limit, frame)
    } else {
      this.remaining = evaluateCount(node.limit, frame, 'LIMIT') ?? Infinity
    }
  }

  private nextInput(): DataChunk | null {
    if (this.percent === null) return this.input.next()
    if (this.buffered === null) {
      this.buffered = []
      let total = 0
      for (let c = this.input.next(); c !== null; c = this.input.next()) { this.buffered.push(c); total += c.size }
      this.remaining = Math.floor(total * this.percent / 100)
    }
    return this.buffered.shift() ?? null
  }

  protected pull(): DataChunk | null {
    while (this.remaining > 0) {
      const c = this.nextInput()
      if (c === null) return null
      let start = 0
      if (this.skip > 0) {
        start = Math.min(this.skip, c.size)
        this.skip -= start
        if (start === c.size) continue
      }
      const end = Math.min(c.size, start + this.remaining)
      this.remaining -= end - start
      if (start === 0 && end === c.size) return c
      return new DataChunk(c.columns.map(v => slice(v, start, end)), end - start)
    }
    return null
  }
}

function evaluatePercent(expr: BoundExpr | null, frame: Frame): number | null {
  if (expr === null) return null
  const v = evaluateConstant(expr, frame.env)
  if (v === null) return 100
  const p = typeof v === 'bigint' ? Number(v) : Number(v) / (expr.type.id === 'DECIMAL' ? 10 ** expr.type.scale : 1)
  if (!(p >= 0)) throw new GrizzlyError(SqlState.invalidParameterValue, 'LIMIT percentage must not be negative')
  if (p > 100) throw new GrizzlyError(SqlState.invalidParameterValue, 'LIMIT percentage can not be larger than 100%')
  return p
}

/** UNION ALL: the left input's chunks, then the right's. */
export class ConcatOperator extends Operator {
  readonly name = 'UNION_ALL'
  private current = 0

  constructor(inputs: Operator[], frame: Frame) {
    super(frame)
    this.children.push(...inputs)
  }

  protected pull(): DataChunk | null {
    while (this.current < this.children.length) {
      const c = this.children[this.current]!.next()
      if (c !== null) return c
      this.current++
    }
    return null
  }
}

/** Replays materialised chunks. */
export class ChunksOperator extends Operator {
  readonly name: string
  private readonly chunks: Iterator<DataChunk>

  constructor(name: string, chunks: Iterable<DataChunk>, frame: Frame) {
    super(frame)
    this.name = name
    this.chunks = chunks[Symbol.iterator]()
  }

  protected pull(): DataChunk | null {
    for (;;) {
      const r = this.chunks.next()
      if (r.done === true) return null
      if (r.value.size > 0) return r.value
    }
  }
}
