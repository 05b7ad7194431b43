/** Building blocks for expression and optimizer tests: an environment, columns and functions. */
import { GrizzlyError, SqlState } from '../../../core/errors.ts'
import type { BoundScalar, FunctionContext } from '../../../core/hooks/contracts.ts'
import { Hooks } from '../../../core/hooks/registry.ts'
import type { ExprEnv } from '../../../core/expression/index.ts'
import type {
  BoundExpr, ColumnRefExpr, CompareOp, ConstantExpr,
} from '../../../core/plan/expr.ts'
import {
  BIGINT, BOOLEAN, DOUBLE, INTEGER, type LogicalType, type Value, VARCHAR, physicalOf,
} from '../../../core/types/types.ts'
import { DataChunk, Vector, getValue, vectorFromValues } from '../../../core/vector/vector.ts'

export const fnCtx: FunctionContext = {
  setting: () => null,
  statementTime: 0,
  random: () => Math.random(),
  setSeed: () => {},
}

export function makeEnv(params: readonly Value[] = [], hooks = new Hooks()): ExprEnv {
  return {
    fnCtx,
    params,
    hooks,
    evaluateSubquery: () => { throw new GrizzlyError(SqlState.featureNotSupported, 'no subqueries in this test') },
  }
}

export const col = (id: number, type: LogicalType, name = `c${id}`): ColumnRefExpr => ({ kind: 'colref', id, type, name })
export const lit = (value: Value, type: LogicalType): ConstantExpr => ({ kind: 'const', value, type })
export const cmp = (op: CompareOp, left: BoundExpr, right: BoundExpr): BoundExpr => ({ kind: 'compare', op, left, right, type: BOOLEAN })
export const and = (...args: BoundExpr[]): BoundExpr => ({ kind: 'and', args, type: BOOLEAN })
export const or = (...args: BoundExpr[]): BoundExpr => ({ kind: 'or', args, type: BOOLEAN })
export const not = (arg: BoundExpr): BoundExpr => ({ kind: 'not', arg, type: BOOLEAN })
export const isNull = (arg: BoundExpr, negate = false): BoundExpr => ({ kind: 'is_null', arg, not: negate, type: BOOLEAN })

/** one chunk whose column i holds `columns[i]` */
export function chunkOf(columns: readonly { type: LogicalType; values: readonly Value[] }[]): DataChunk {
  const n = columns[0]?.values.length ?? 0
  return new DataChunk(columns.map(c => vectorFromValues(c.type, c.values)), n)
}

export function layoutOf(...ids: number[]): Map<number, number> {
  return new Map(ids.map((id, i) => [id, i]))
}

export function valuesOf(v: Vector): Value[] {
  const out: Value[] = []
  for (let i = 0; i < v.length; i++) out.push(getValue(v, i))
  return out
}

/** a + b on INTEGER/DOUBLE with an inline template (fused) */
export function addInline(type: LogicalType): BoundScalar {
  return {
    name: '+', argTypes: [type, type], returns: type, nulls: 'propagate', volatility: 'immutable',
    inline: ([a, b]) => `${a} + ${b}`,
    invoke: (args, n) => binary(args, n, type, (a, b) => (a as number) + (b as number)),
  }
}

/** a / b on INTEGER without a template; division by zero raises 22012 (never for NULL rows) */
export const divide: BoundScalar = {
  name: '/', argTypes: [INTEGER, INTEGER], returns: INTEGER, nulls: 'propagate', volatility: 'immutable',
  invoke: (args, n) => {
    const [a, b] = args as [Vector, Vector]
    const out = new Int32Array(n)
    const ad = a.data as Int32Array, bd = b.data as Int32Array
    for (let i = 0; i < n; i++) {
      if (!a.isValid(i) || !b.isValid(i)) continue
      if (bd[i] === 0) throw new GrizzlyError(SqlState.divisionByZero, 'division by zero')
      out[i] = Math.trunc(ad[i]! / bd[i]!)
    }
    return new Vector(INTEGER, n, out, null)
  },
}

/** upper(s) without a template */
export const upper: BoundScalar = {
  name: 'upper', argTypes: [VARCHAR], returns: VARCHAR, nulls: 'propagate', volatility: 'immutable',
  invoke: (args, n) => {
    const d = args[0]!.data as string[]
    const out = new Array<string>(n)
    for (let i = 0; i < n; i++) out[i] = (d[i] ?? '').toUpperCase()
    return new Vector(VARCHAR, n, out, null)
  },
}

/** coalesce-like 'handle' function over two BIGINTs */
export const ifNull: BoundScalar = {
  name: 'ifnull', argTypes: [BIGINT, BIGINT], returns: BIGINT, nulls: 'handle', volatility: 'immutable',
  invoke: (args, n) => {
    const [a, b] = args as [Vector, Vector]
    const values: Value[] = []
    for (let i = 0; i < n; i++) values.push(a.isValid(i) ? getValue(a, i) : getValue(b, i))
    return vectorFromValues(BIGINT, values)
  },
}

export const random: BoundScalar = {
  name: 'random', argTypes: [], returns: DOUBLE, nulls: 'propagate', volatility: 'volatile',
  invoke: (_args, n) => new Vector(DOUBLE, n, Float64Array.from({ length: n }, () => Math.random()), null),
}

function binary(args: readonly Vector[], n: number, type: LogicalType, f: (a: Value, b: Value) => Value): Vector {
  const [a, b] = args as [Vector, Vector]
  const values: Value[] = []
  for (let i = 0; i < n; i++) {
    const x = getValue(a, i), y = getValue(b, i)
    values.push(x === null || y === null ? (physicalOf(type) === 'i64' ? 0n : 0) : f(x, y))
  }
  return vectorFromValues(type, values)
}

export const call = (fn: BoundScalar, ...args: BoundExpr[]): BoundExpr => ({ kind: 'call', fn, args, type: fn.returns })
