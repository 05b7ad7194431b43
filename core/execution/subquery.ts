/**
 * Subqueries inside expressions (ExprEnv.evaluateSubquery). An uncorrelated subquery runs
 * once per scope; a correlated one once per distinct combination of its correlated values,
 * with those values bound as outer columns of a fresh operator tree. Results are cached per
 * expression and per combination.
 */
import { GrizzlyError, InternalError, SqlState } from '../errors.ts'
import type { ColumnId, CompareOp, SubqueryBoundExpr } from '../plan/expr.ts'
import type { LogicalType, Value } from '../types/types.ts'
import { DataChunk, getValue, Vector, VectorBuilder } from '../vector/vector.ts'
import { compareBoxed, valueKey } from './keys.ts'
import { compileValue, drain, type Frame, type OuterValue, typesOf } from './operator.ts'

/** What a subquery produced for one combination of correlated values. */
type SubqueryResult =
  | { readonly kind: 'scalar'; readonly value: Value }
  | { readonly kind: 'exists'; readonly value: boolean }
  | { readonly kind: 'set'; readonly values: readonly Value[]; readonly hasNull: boolean; readonly keys: Set<unknown> | null }

export function evaluateSubquery(frame: Frame, expr: SubqueryBoundExpr, outer: ReadonlyMap<ColumnId, Vector>, count: number): Vector {
  let cache = frame.subqueryCache.get(expr)
  if (cache === undefined) { cache = new Map(); frame.subqueryCache.set(expr, cache) }
  const correlated = expr.correlated
  // correlated values come from `outer` (per row) or from the enclosing frame (constant)
  const sources = correlated.map(c => {
    const v = outer.get(c.id)
    if (v !== undefined) return { id: c.id, type: c.type, vector: v, constant: null }
    const o = frame.outer.get(c.id)
    if (o !== undefined) return { id: c.id, type: c.type, vector: null, constant: o.value }
    throw new InternalError(`correlated column ${c.name} (#${c.id}) has no value`)
  })
  const resultFor = (row: number): SubqueryResult => {
    const values = sources.map(s => s.vector === null ? s.constant : getValue(s.vector, row))
    const key = values.length === 0 ? '' : valueKey(values)
    let r = cache.get(key) as SubqueryResult | undefined
    if (r === undefined) {
      const bindings = new Map<ColumnId, OuterValue>()
      sources.forEach((s, k) => bindings.set(s.id, { type: s.type, value: values[k]! }))
      r = run(frame.withOuter(bindings), expr)
      cache.set(key, r)
    }
    return r
  }

  switch (expr.subqueryKind) {
    case 'scalar': {
      const b = new VectorBuilder(expr.type, count)
      for (let i = 0; i < count; i++) b.push((resultFor(i) as { value: Value }).value)
      return b.finish()
    }
    case 'exists': {
      const data = new Uint8Array(count)
      for (let i = 0; i < count; i++) data[i] = (resultFor(i) as { value: boolean }).value ? 1 : 0
      return new Vector(expr.type, count, data, null)
    }
    case 'any': case 'all': {
      if (expr.left === null || expr.op === null) throw new InternalError('ANY/ALL subquery without a left operand')
      const layout = new Map<ColumnId, number>()
      const cols: Vector[] = []
      for (const [id, v] of outer) { layout.set(id, cols.length); cols.push(v) }
      const left = compileValue(expr.left, layout, frame)(new DataChunk(cols, count))
      const data = new Uint8Array(count)
      const validity = new Uint8Array(count)
      let anyNull = false
      for (let i = 0; i < count; i++) {
        const r = resultFor(i) as Extract<SubqueryResult, { kind: 'set' }>
        const v = quantified(expr.subqueryKind, expr.op, getValue(left, i), r, expr.left.type)
        if (v === null) anyNull = true
        else { validity[i] = 1; data[i] = v ? 1 : 0 }
      }
      return new Vector(expr.type, count, data, anyNull ? validity : null)
    }
  }
}

function run(frame: Frame, expr: SubqueryBoundExpr): SubqueryResult {
  const plan = expr.plan
  const op = frame.runtime.build(plan, frame)
  switch (expr.subqueryKind) {
    case 'exists': return { kind: 'exists', value: op.next() !== null }
    case 'scalar': {
      const first = op.next()
      if (first === null) return { kind: 'scalar', value: null }
      if ((first.size > 1 || op.next() !== null) && frame.runtime.scalarSubqueryErrors()) {
        throw new GrizzlyError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression',
          { hint: 'add LIMIT 1, or use an aggregate such as min() or max() in the subquery' })
      }
      return { kind: 'scalar', value: getValue(first.column(0), 0) }
    }
    case 'any': case 'all': {
      const m = drain(op, typesOf(plan.output))
      const col = m.columns[0]
      const values: Value[] = []
      let hasNull = false
      for (let i = 0; i < m.count; i++) {
        const v = getValue(col!, i)
        if (v === null) hasNull = true
        else values.push(v)
      }
      const hashable = expr.op === '=' || expr.op === '<>'
      return { kind: 'set', values, hasNull, keys: hashable ? new Set(values.map(setKey)) : null }
    }
  }
}

function setKey(v: Value): unknown {
  if (typeof v === 'number') return v === 0 ? 0 : v
  if (typeof v === 'string' || typeof v === 'bigint' || typeof v === 'boolean') return v
  return valueKey(v)
}

/** x op ANY/ALL (set) with SQL three-valued logic. */
function quantified(kind: 'any' | 'all', op: CompareOp, x: Value, r: Extract<SubqueryResult, { kind: 'set' }>, type: LogicalType): boolean | null {
  const total = r.values.length + (r.hasNull ? 1 : 0)
  if (total === 0) return kind === 'all'
  if (op === 'distinct' || op === 'not_distinct') {
    // IS [NOT] DISTINCT FROM never yields NULL
    const all = [...r.values, ...(r.hasNull ? [null] : [])]
    for (const y of all) {
      const same = x === null || y === null ? x === y : compareBoxed(x, y, type) === 0
      const t = op === 'distinct' ? !same : same
      if (kind === 'any' && t) return true
      if (kind === 'all' && !t) return false
    }
    return kind === 'all'
  }
  if (x === null) return null
  let found = false
  if (r.keys !== null && ((kind === 'any' && op === '=') || (kind === 'all' && op === '<>'))) {
    found = r.keys.has(setKey(x))
    if (kind === 'any') return found ? true : r.hasNull ? null : false
    return found ? false : r.hasNull ? null : true
  }
  for (const y of r.values) {
    const t = test(op, compareBoxed(x, y, type))
    if (kind === 'any' && t) { found = true; break }
    if (kind === 'all' && !t) { found = true; break }
  }
  if (kind === 'any') return found ? true : r.hasNull ? null : false
  return found ? false : r.hasNull ? null : true
}

function test(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=': case 'not_distinct': return c === 0
    case '<>': case 'distinct': return c !== 0
    case '<': return c < 0
    case '<=': return c <= 0
    case '>': return c > 0
    case '>=': return c >= 0
  }
}
