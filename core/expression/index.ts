/**
 * Expression compilation: bound expressions become functions from a DataChunk to a Vector
 * (or to a selection of the rows where a predicate is TRUE). Fusable parts are generated as
 * one JavaScript loop per chunk (codegen.ts); kernel calls, casts, subqueries and nested types
 * run as whole-vector steps (kernels.ts); interpreter.ts is the node-by-node reference.
 */
import { GrizzlyError, InternalError, assertNever } from '../errors.ts'
import type { BoundExpr, ColumnId } from '../plan/expr.ts'
import { exprChildren, referencedColumns } from '../plan/expr.ts'
import { type LogicalType, type Value, physicalOf } from '../types/types.ts'
import {
  DataChunk, Vector, constantVector, getValue, nullVector,
} from '../vector/vector.ts'
import { type FuseHost, generate, isFusable } from './codegen.ts'
import type { CompiledExpression, CompiledPredicate, ExprEnv, Layout } from './env.ts'
import { caseBySelection, coalesceBySelection, interpret, isLazyCoalesce, logicalBySelection, subChunk } from './interpreter.ts'
import {
  asEngineError, castVectorVia, columnOf, evaluateSubqueryExpr, invokeScalar, parameterValue,
} from './kernels.ts'
import { EMPTY_BYTES, ZERO_INTERVAL, compareBytes, intervalKey, normalizeValue } from './runtime.ts'
import { evaluateTry, isTryCall } from './try.ts'

export type { CompiledExpression, CompiledPredicate, ExprEnv, Layout } from './env.ts'
export { interpret } from './interpreter.ts'
export { compareValues, intervalKey, compareBytes } from './runtime.ts'
export { tryCall } from './try.ts'

export function compileExpression(expr: BoundExpr, layout: Layout, env: ExprEnv): CompiledExpression {
  return new Compiler(layout, env).vector(expr)
}

/** the indexes of rows where the predicate is TRUE (not NULL, not FALSE), ascending */
export function compilePredicate(expr: BoundExpr, layout: Layout, env: ExprEnv): CompiledPredicate {
  return new Compiler(layout, env).predicate(expr)
}

/** Evaluates an expression without column references (constant folding, LIMIT, DEFAULT). */
export function evaluateConstant(expr: BoundExpr, env: ExprEnv): Value {
  // LIMIT 10 and the like: nothing to compile
  if (expr.kind === 'const') return expr.value
  const v = compileExpression(expr, EMPTY_LAYOUT, env)(ONE_ROW)
  return getValue(v, 0)
}

/** no column refs, params, subqueries or volatile calls */
export function isConstantExpression(expr: BoundExpr): boolean {
  switch (expr.kind) {
    case 'colref': case 'param': case 'subquery': return false
    case 'const': return true
    case 'call': return expr.fn.volatility !== 'volatile' && expr.args.every(isConstantExpression)
    case 'cast': case 'compare': case 'and': case 'or': case 'not': case 'is_null': case 'case': case 'in_list':
      return exprChildren(expr).every(isConstantExpression)
    default: return assertNever(expr, 'expression')
  }
}

/** Interprets node by node (no code generation); the reference the compiled loops must match. */
export function interpretExpression(expr: BoundExpr, layout: Layout, env: ExprEnv): CompiledExpression {
  return chunk => interpret(expr, chunk, layout, env)
}

const EMPTY_LAYOUT: Layout = new Map()
const ONE_ROW = new DataChunk([], 1)

/** What generated code may call; passed in as `rt`. */
const RUNTIME = Object.freeze({
  compareBytes,
  intervalKey,
  EMPTY_BYTES,
  ZERO_INTERVAL,
  makeVector: (type: LogicalType, n: number, data: Vector['data'], validity: Uint8Array | null) =>
    new Vector(type, n, data, validity),
})

type Factory = (rt: typeof RUNTIME, inputs: readonly CompiledExpression[], consts: readonly unknown[],
  type: LogicalType | null) => (chunk: DataChunk) => unknown

/**
 * Generated source holds no values, so expressions of the same shape share one factory (and
 * V8 compiles the source once); bounded so ad-hoc queries cannot grow it forever.
 */
const factoryCache = new Map<string, Factory>()
const FACTORY_CACHE_LIMIT = 2000

function factoryFor(source: string): Factory {
  let f = factoryCache.get(source)
  if (f === undefined) {
    f = new Function('rt', 'inputs', 'consts', 'type', `'use strict'\n${source}`) as Factory
    if (factoryCache.size >= FACTORY_CACHE_LIMIT) factoryCache.clear()
    factoryCache.set(source, f)
  }
  return f
}

class Compiler implements FuseHost {
  constructor(private readonly layout: Layout, private readonly env: ExprEnv) {}

  constantOf(e: BoundExpr): unknown {
    if (e.kind === 'const') return normalizeValue(e.value, e.type)
    if (e.kind === 'param') return parameterValue(e, this.env)
    throw new InternalError(`not a constant: ${e.kind}`)
  }

  vectorOf(e: BoundExpr): CompiledExpression { return this.vector(e) }

  vector(e: BoundExpr): CompiledExpression {
    const { layout, env } = this
    // a call still runs: error() returns NULL but must raise
    if (physicalOf(e.type) === 'null' && e.kind !== 'subquery' && e.kind !== 'call') return sized(n => nullVector(e.type, n))
    switch (e.kind) {
      case 'colref': return chunk => columnOf(chunk, layout, e.id)
      case 'const': case 'param': {
        const value = this.constantOf(e) as Value
        return sized(n => constantVector(e.type, value, n))
      }
      case 'subquery': return chunk => evaluateSubqueryExpr(e, chunk, layout, env)
      default: break
    }
    if (isFusable(e)) return this.fused(e, false) as CompiledExpression
    switch (e.kind) {
      case 'call': {
        if (isTryCall(e)) {
          const arg = this.vector(e.args[0]!)
          return chunk => evaluateTry(e, chunk, layout, arg)
        }
        if (isLazyCoalesce(e)) {
          const parts = new Map<BoundExpr, CompiledExpression>()
          for (const a of e.args) parts.set(a, this.vector(a))
          return chunk => coalesceBySelection(e, chunk, layout, (part, rows) => parts.get(part)!(rows))
        }
        const args = e.args.map(a => this.vector(a))
        const fn = e.fn
        return chunk => invokeScalar(fn, args.map(a => a(chunk)), chunk.size, env)
      }
      case 'cast': {
        const input = this.vector(e.expr)
        return chunk => castVectorVia(input(chunk), e.type, e.try, env)
      }
      case 'and': case 'or': {
        const parts = new Map<BoundExpr, CompiledExpression>()
        for (const a of e.args) parts.set(a, this.vector(a))
        return chunk => logicalBySelection(e, chunk, layout, (part, rows) => parts.get(part)!(rows))
      }
      case 'case': {
        const parts = new Map<BoundExpr, CompiledExpression>()
        for (const w of e.whens) { parts.set(w.when, this.vector(w.when)); parts.set(w.then, this.vector(w.then)) }
        parts.set(e.else, this.vector(e.else))
        return chunk => caseBySelection(e, chunk, layout, (part, rows) => parts.get(part)!(rows))
      }
      // comparisons and IN over nested values: rare, the interpreter is good enough
      default: return chunk => interpret(e, chunk, layout, env)
    }
  }

  predicate(e: BoundExpr): CompiledPredicate {
    if (isFusable(e)) return this.fused(e, true) as CompiledPredicate
    if (e.kind === 'and') return this.cascade(e.args.map(a => this.predicate(a)), referencedColumns(e))
    const values = this.vector(e)
    return chunk => selectTrue(values(chunk))
  }

  /** Each conjunct filters the rows the previous ones kept: later ones never see rejected rows. */
  private cascade(parts: readonly CompiledPredicate[], refs: ReadonlySet<ColumnId>): CompiledPredicate {
    const used = [...refs].map(id => this.layout.get(id)).filter((x): x is number => x !== undefined)
    return chunk => {
      let { sel, count } = parts[0]!(chunk)
      for (let k = 1; k < parts.length && count > 0; k++) {
        const rows = sel.subarray(0, count)
        const next = parts[k]!(subChunk(chunk, rows, used))
        const out = new Int32Array(next.count)
        for (let j = 0; j < next.count; j++) out[j] = rows[next.sel[j]!]!
        sel = out
        count = next.count
      }
      return { sel, count }
    }
  }

  private fused(e: BoundExpr, predicate: boolean): CompiledExpression | CompiledPredicate {
    let run: (chunk: DataChunk) => unknown
    try {
      const program = generate(e, this, predicate ? { kind: 'predicate' } : { kind: 'vector', type: e.type })
      run = factoryFor(program.source)(RUNTIME, program.inputs, program.consts, predicate ? null : e.type)
    } catch (err) {
      // a bad inline template must not take the query down: evaluate node by node instead
      if (err instanceof GrizzlyError && !(err instanceof InternalError)) throw err
      const values = interpretExpression(e, this.layout, this.env)
      run = predicate ? chunk => selectTrue(values(chunk)) : values
    }
    return (chunk: DataChunk): never => {
      try {
        return run(chunk) as never
      } catch (err) {
        throw asEngineError(err, 'expression')
      }
    }
  }
}

/** A constant-per-size vector, rebuilt only when the chunk size changes. */
function sized(make: (n: number) => Vector): CompiledExpression {
  let last: Vector | undefined
  return chunk => {
    if (last === undefined || last.length !== chunk.size) last = make(chunk.size)
    return last
  }
}

/** Rows of a BOOLEAN vector that are TRUE. */
export function selectTrue(v: Vector): { sel: Int32Array; count: number } {
  const n = v.length
  const sel = new Int32Array(n)
  let count = 0
  if (v.physical !== 'u8') {
    if (v.physical === 'null') return { sel, count }
    for (let i = 0; i < n; i++) if (v.isValid(i) && getValue(v, i) === true) sel[count++] = i
    return { sel, count }
  }
  const d = v.data as Uint8Array, m = v.validity
  if (m === null) { for (let i = 0; i < n; i++) if (d[i] === 1) sel[count++] = i }
  else for (let i = 0; i < n; i++) if (m[i] === 1 && d[i] === 1) sel[count++] = i
  return { sel, count }
}
