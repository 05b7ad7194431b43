/**
 * The reference evaluator: walks the bound expression node by node, one whole vector per node,
 * reading values through the generic (boxed) vector helpers. It is slow but simple; the
 * compiler falls back on it for nodes it does not fuse, and tests check the compiled loops
 * against it.
 */
import { assertNever } from '../errors.ts'
import type { AndExpr, BoundExpr, CallExpr, CaseBoundExpr, CompareOp, OrExpr } from '../plan/expr.ts'
import { referencedColumns } from '../plan/expr.ts'
import { BOOLEAN, type LogicalType, type Value, physicalOf } from '../types/types.ts'
import {
  DataChunk, Vector, VectorBuilder, allocData, constantVector, gather, getValue, vectorFromValues,
} from '../vector/vector.ts'
import type { ExprEnv, Layout } from './env.ts'
import {
  castVectorVia, columnOf, evaluateSubqueryExpr, invokeScalar, parameterValue,
} from './kernels.ts'
import { compareValues, normalizeValue } from './runtime.ts'
import { evaluateTry, isTryCall } from './try.ts'

export function interpret(expr: BoundExpr, chunk: DataChunk, layout: Layout, env: ExprEnv): Vector {
  const n = chunk.size
  switch (expr.kind) {
    case 'colref': return columnOf(chunk, layout, expr.id)
    case 'const': return constantVector(expr.type, normalizeValue(expr.value, expr.type), n)
    case 'param': return constantVector(expr.type, parameterValue(expr, env), n)
    case 'call': {
      if (isTryCall(expr)) return evaluateTry(expr, chunk, layout, c => interpret(expr.args[0]!, c, layout, env))
      if (isLazyCoalesce(expr)) return coalesceBySelection(expr, chunk, layout, (e, c) => interpret(e, c, layout, env))
      const args = expr.args.map(a => interpret(a, chunk, layout, env))
      return invokeScalar(expr.fn, args, n, env)
    }
    case 'cast': return castVectorVia(interpret(expr.expr, chunk, layout, env), expr.type, expr.try, env)
    case 'compare': {
      const l = interpret(expr.left, chunk, layout, env), r = interpret(expr.right, chunk, layout, env)
      const t = expr.left.type
      return rowWise(n, i => compareRow(expr.op, getValue(l, i), getValue(r, i), t))
    }
    case 'and': case 'or': return logicalBySelection(expr, chunk, layout, (e, c) => interpret(e, c, layout, env))
    case 'not': {
      const a = interpret(expr.arg, chunk, layout, env)
      return rowWise(n, i => { const v = getValue(a, i); return v === null ? null : !v })
    }
    case 'is_null': {
      const a = interpret(expr.arg, chunk, layout, env)
      return rowWise(n, i => a.isValid(i) === expr.not)
    }
    case 'case': return caseBySelection(expr, chunk, layout, (e, c) => interpret(e, c, layout, env))
    case 'in_list': {
      const a = interpret(expr.arg, chunk, layout, env)
      const items = expr.list.map(x => interpret(x, chunk, layout, env))
      const t = expr.arg.type
      return rowWise(n, i => {
        const v = getValue(a, i)
        if (v === null) return null
        let sawNull = false
        for (const item of items) {
          const w = getValue(item, i)
          if (w === null) sawNull = true
          else if (compareValues(v, w, t) === 0) return !expr.not
        }
        return sawNull ? null : expr.not
      })
    }
    case 'subquery': return evaluateSubqueryExpr(expr, chunk, layout, env)
    default: return assertNever(expr, 'expression')
  }
}

/** SQL comparison of two boxed values, NULL-aware. */
export function compareRow(op: CompareOp, a: Value, b: Value, type: LogicalType): boolean | null {
  if (op === 'distinct' || op === 'not_distinct') {
    const same = a === null || b === null ? a === b : compareValues(a, b, type) === 0
    return op === 'distinct' ? !same : same
  }
  if (a === null || b === null) return null
  const c = compareValues(a, b, type)
  switch (op) {
    case '=': return c === 0
    case '<>': return c !== 0
    case '<': return c < 0
    case '<=': return c <= 0
    case '>': return c > 0
    case '>=': return c >= 0
    default: return assertNever(op, 'comparison')
  }
}

function rowWise(n: number, f: (i: number) => Value): Vector {
  const b = new VectorBuilder(BOOLEAN, n)
  for (let i = 0; i < n; i++) b.push(f(i))
  return b.finish()
}

/**
 * CASE evaluates each branch only on the rows that reach it, so an error a branch would raise
 * on rows it does not take (CASE WHEN x = 0 THEN 0 ELSE 1 / x END) never happens.
 */
export function caseBySelection(expr: CaseBoundExpr, chunk: DataChunk, layout: Layout,
  evaluate: (part: BoundExpr, rows: DataChunk) => Vector): Vector {
  const out = new ScatterTarget(expr.type, chunk.size)
  const used = usedColumns(expr, layout)
  let rows = allRows(chunk.size)
  for (const w of expr.whens) {
    if (rows.length === 0) break
    const cond = evaluate(w.when, subChunk(chunk, rows, used))
    const taken = new Int32Array(rows.length), rest = new Int32Array(rows.length)
    let nt = 0, nr = 0
    const cd = cond.physical === 'u8' ? cond.data as Uint8Array : null, cm = cond.validity
    for (let k = 0; k < rows.length; k++) {
      const isTrue = cd !== null ? cd[k] === 1 && (cm === null || cm[k] === 1) : getValue(cond, k) === true
      if (isTrue) taken[nt++] = rows[k]!
      else rest[nr++] = rows[k]!
    }
    if (nt > 0) {
      const sel = taken.subarray(0, nt)
      out.scatter(sel, evaluate(w.then, subChunk(chunk, sel, used)))
    }
    rows = rest.subarray(0, nr)
  }
  if (rows.length > 0) out.scatter(rows, evaluate(expr.else, subChunk(chunk, rows, used)))
  return out.finish()
}

/**
 * coalesce(a, b, …) when a later argument computes something (a cast, a call): each argument
 * is evaluated only on the rows every earlier one left NULL, as DuckDB does, so
 * coalesce(1, 'x'::INT) never casts 'x'. Plain columns and constants take the eager kernel.
 */
export function isLazyCoalesce(expr: CallExpr): boolean {
  return expr.fn.name === 'coalesce' && expr.args.slice(1).some(a => a.kind !== 'colref' && a.kind !== 'const' && a.kind !== 'param')
}

export function coalesceBySelection(expr: CallExpr, chunk: DataChunk, layout: Layout,
  evaluate: (part: BoundExpr, rows: DataChunk) => Vector): Vector {
  const out = new ScatterTarget(expr.type, chunk.size)
  const used = usedColumns(expr, layout)
  let rows = allRows(chunk.size)
  for (const arg of expr.args) {
    if (rows.length === 0) break
    const v = evaluate(arg, subChunk(chunk, rows, used))
    out.scatter(rows, v)
    const rest = new Int32Array(rows.length)
    let nr = 0
    for (let k = 0; k < rows.length; k++) if (!v.isValid(k)) rest[nr++] = rows[k]!
    rows = rest.subarray(0, nr)
  }
  return out.finish()
}

/** the chunk columns `expr` reads: the only ones a sub-chunk of selected rows copies */
function usedColumns(expr: BoundExpr, layout: Layout): number[] {
  return [...referencedColumns(expr)].map(id => layout.get(id)).filter((x): x is number => x !== undefined)
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n)
  for (let i = 0; i < n; i++) rows[i] = i
  return rows
}

/** Collects branch results row by row into one vector; typed copies for flat types. */
class ScatterTarget {
  private readonly physical: ReturnType<typeof physicalOf>
  private readonly data: Vector['data']
  private readonly valid: Uint8Array
  private readonly boxed: Value[] | null

  constructor(private readonly type: LogicalType, private readonly n: number) {
    this.physical = physicalOf(type)
    const flat = this.physical !== 'list' && this.physical !== 'array' && this.physical !== 'struct' && this.physical !== 'null'
    this.data = flat ? allocData(this.physical, n) : null
    this.valid = new Uint8Array(n)
    this.boxed = flat ? null : new Array<Value>(n).fill(null)
  }

  scatter(sel: Int32Array, v: Vector): void {
    if (this.boxed !== null) {
      for (let k = 0; k < sel.length; k++) this.boxed[sel[k]!] = getValue(v, k)
      return
    }
    const src = v.data as unknown as ArrayLike<unknown>, dst = this.data as unknown as Record<number, unknown>, m = v.validity
    for (let k = 0; k < sel.length; k++) {
      if (m !== null && m[k] === 0) continue
      const row = sel[k]!
      this.valid[row] = 1
      dst[row] = src[k]
    }
  }

  finish(): Vector {
    if (this.boxed !== null) return vectorFromValues(this.type, this.boxed)
    let all = true
    for (let i = 0; i < this.n; i++) if (this.valid[i] === 0) { all = false; break }
    return new Vector(this.type, this.n, this.data, all ? null : this.valid)
  }
}

/** The chunk restricted to rows `sel`; only the columns in `used` are gathered (the rest are never read). */
export function subChunk(chunk: DataChunk, sel: Int32Array, used: readonly number[]): DataChunk {
  if (sel.length === chunk.size) {
    let identity = true
    for (let k = 0; k < sel.length; k++) if (sel[k] !== k) { identity = false; break }
    if (identity) return chunk
  }
  const cols = chunk.columns.slice()
  for (const i of used) cols[i] = gather(chunk.column(i), sel, sel.length)
  return new DataChunk(cols, sel.length)
}

/**
 * Three-valued AND / OR that evaluates each argument only on the rows it can still decide, so
 * `b <> 0 AND a / b > 1` never divides by zero: rows already FALSE (AND) or TRUE (OR) drop out.
 */
export function logicalBySelection(expr: AndExpr | OrExpr, chunk: DataChunk, layout: Layout,
  evaluate: (part: BoundExpr, rows: DataChunk) => Vector): Vector {
  const n = chunk.size
  const decisive = expr.kind === 'or'
  const decided = new Uint8Array(n)
  const sawNull = new Uint8Array(n)
  const used = usedColumns(expr, layout)
  let rows = allRows(n)
  for (const arg of expr.args) {
    if (rows.length === 0) break
    const v = evaluate(arg, subChunk(chunk, rows, used))
    const rest: number[] = []
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!
      const x = getValue(v, k)
      if (x === decisive) decided[row] = 1
      else {
        if (x === null) sawNull[row] = 1
        rest.push(row)
      }
    }
    rows = Int32Array.from(rest)
  }
  const data = new Uint8Array(n)
  let validity: Uint8Array | null = null
  for (let i = 0; i < n; i++) {
    if (decided[i] === 1) data[i] = decisive ? 1 : 0
    else if (sawNull[i] === 1) {
      if (validity === null) validity = new Uint8Array(n).fill(1)
      validity[i] = 0
    } else data[i] = decisive ? 0 : 1
  }
  return new Vector(BOOLEAN, n, data, validity)
}
