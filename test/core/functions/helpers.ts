/**
 * Test helpers: resolve a built-in by name and exact argument types, run it on boxed values
 * the way the engine does (NULL propagation included), and read the results back.
 */
import { Hooks } from '../../../core/hooks/registry.ts'
import type { BoundScalar, FunctionContext, BoundAggregate } from '../../../core/hooks/contracts.ts'
import { type LogicalType, type Value, typeEquals, typeToString } from '../../../core/types/types.ts'
import { Vector, getValue, vectorFromValues } from '../../../core/vector/vector.ts'
import { registerOperators } from '../../../core/functions/operators.ts'
import { registerMathFunctions } from '../../../core/functions/math.ts'
import { registerStringFunctions } from '../../../core/functions/string.ts'
import { registerRegexFunctions } from '../../../core/functions/regex.ts'
import { registerConditionalFunctions } from '../../../core/functions/conditional.ts'
import { registerListFunctions } from '../../../core/functions/list.ts'
import { registerAggregates } from '../../../core/functions/aggregates.ts'
import { registerTableFunctions } from '../../../core/functions/table-functions.ts'
import { registerSettings } from '../../../core/functions/settings.ts'

export function builtinHooks(): Hooks {
  const hooks = new Hooks()
  registerSettings(hooks)
  registerOperators(hooks)
  registerMathFunctions(hooks)
  registerStringFunctions(hooks)
  registerRegexFunctions(hooks)
  registerConditionalFunctions(hooks)
  registerListFunctions(hooks)
  registerAggregates(hooks)
  registerTableFunctions(hooks)
  return hooks
}

export const hooks = builtinHooks()

/** A deterministic context: seeded random numbers, fixed statement time. */
export function testContext(): FunctionContext {
  let seed = 0.5
  return {
    setting: () => null,
    statementTime: 0,
    random() { seed = (seed * 9301 + 0.49297) % 1; return seed },
    setSeed(s: number) { seed = Math.abs(s) },
  }
}

export function resolveScalar(name: string, types: readonly LogicalType[]): BoundScalar {
  const defs = hooks.scalar(name)
  if (defs === undefined) throw new Error(`no scalar ${name}`)
  for (const def of defs) {
    const b = def.bind?.(types)
    if (b !== undefined) return { name, nulls: def.nulls, volatility: def.volatility, ...b }
  }
  for (const def of defs) {
    for (const o of def.overloads ?? []) {
      if (o.varargs === undefined && o.args.length === types.length && o.args.every((t, i) => typeEquals(t, types[i]!))) {
        return { name, nulls: def.nulls, volatility: def.volatility, argTypes: o.args, returns: o.returns, invoke: o.invoke, inline: o.inline }
      }
    }
  }
  throw new Error(`no overload ${name}(${types.map(typeToString).join(', ')})`)
}

/** Runs fn over rows of boxed argument values (column-wise arrays); returns the boxed results. */
export function run(fn: BoundScalar, columns: readonly (readonly Value[])[], count = columns[0]?.length ?? 1): Value[] {
  const args = columns.map((c, k) => vectorFromValues(fn.argTypes[k]!, c))
  const out = fn.invoke(args, count, testContext())
  if (out.length !== count) throw new Error(`kernel returned ${out.length} rows for ${count}`)
  const res: Value[] = []
  for (let i = 0; i < count; i++) {
    const argNull = fn.nulls === 'propagate' && args.some(a => !a.isValid(i))
    res.push(argNull ? null : getValue(out, i))
  }
  return res
}

/** call('+', [INTEGER, INTEGER], [1, 2]) → single-row result. */
export function call1(name: string, types: readonly LogicalType[], values: readonly Value[]): Value {
  const fn = resolveScalar(name, types)
  return run(fn, values.map(v => [v]), 1)[0]!
}

export function callRows(name: string, types: readonly LogicalType[], rows: readonly (readonly Value[])[]): Value[] {
  const fn = resolveScalar(name, types)
  const columns = types.map((_, k) => rows.map(r => r[k]!))
  return run(fn, columns, rows.length)
}

export function resolveAggregate(name: string, types: readonly LogicalType[]): BoundAggregate {
  const defs = hooks.aggregate(name)
  if (defs === undefined) throw new Error(`no aggregate ${name}`)
  for (const def of defs) {
    const b = def.bind?.(types)
    if (b !== undefined) return { name, nulls: def.nulls, orderSensitive: def.orderSensitive ?? false, ...b }
    for (const o of def.overloads ?? []) {
      if (o.args.length === types.length && o.args.every((t, i) => typeEquals(t, types[i]!))) {
        return { name, nulls: def.nulls, orderSensitive: def.orderSensitive ?? false, argTypes: o.args, returns: o.returns, createState: o.createState }
      }
    }
  }
  throw new Error(`no aggregate overload ${name}(${types.map(typeToString).join(', ')})`)
}

/**
 * Aggregates rows into groups as the engine would: with nulls 'skip', rows with a NULL argument
 * are left out. Optionally splits the input in two states and combines them.
 */
export function aggregate(name: string, types: readonly LogicalType[], rows: readonly (readonly Value[])[], groups?: readonly number[], split = false): Value[] {
  const agg = resolveAggregate(name, types)
  const nGroups = groups === undefined ? 1 : groups.reduce((m, g) => Math.max(m, g), 0) + 1
  const keep = rows.map((r, i) => ({ r, g: groups?.[i] ?? 0 })).filter(x => agg.nulls === 'handle' || x.r.every(v => v !== null))
  const feed = (part: typeof keep) => {
    const s = agg.createState(testContext())
    s.resize(nGroups)
    if (part.length > 0) {
      const args = agg.argTypes.map((t, k) => vectorFromValues(t, part.map(x => x.r[k]!)))
      s.update(args, Int32Array.from(part.map(x => x.g)), part.length)
    }
    return s
  }
  let state
  if (split) {
    const half = Math.floor(keep.length / 2)
    state = feed(keep.slice(0, half))
    const other = feed(keep.slice(half))
    const ids = Int32Array.from({ length: nGroups }, (_, g) => g)
    state.combine(other, ids, ids, nGroups)
  } else state = feed(keep)
  const out: Vector = state.finalize(nGroups)
  return Array.from({ length: nGroups }, (_, g) => getValue(out, g))
}
