/**
 * list_sum, list_min, list_max, list_avg, list_count: aggregates applied to each list value,
 * computed by running the registered aggregate over the list's elements so the results match
 * the aggregate exactly (types, NULL rules, overflow).
 */
import type { Hooks } from '../hooks/registry.ts'
import type { AggregateFunctionDef, BoundAggregate, BoundScalar, FunctionContext } from '../hooks/contracts.ts'
import { type LogicalType, list, typeEquals } from '../types/types.ts'
import { Vector, VectorBuilder, getValue, gather } from '../vector/vector.ts'
import { elementType } from './list.ts'

type Bound = Omit<BoundScalar, 'name' | 'nulls' | 'volatility'>

/** Resolves `name` for one argument of `child` type against the aggregate definitions. */
function resolveAggregate(hooks: Hooks, name: string, child: LogicalType): { bound: Omit<BoundAggregate, 'name' | 'nulls' | 'orderSensitive'>; def: AggregateFunctionDef } | undefined {
  for (const def of hooks.aggregate(name) ?? []) {
    for (const o of def.overloads ?? []) {
      if (o.args.length === 1 && typeEquals(o.args[0]!, child)) return { bound: { argTypes: o.args, returns: o.returns, createState: o.createState }, def }
    }
    const b = def.bind?.([child])
    if (b !== undefined && typeEquals(b.argTypes[0]!, child)) return { bound: b, def }
  }
  return undefined
}

function numericFallback(child: LogicalType): LogicalType | undefined {
  switch (child.id) {
    case 'TINYINT': case 'SMALLINT': case 'INTEGER': case 'BIGINT': case 'REAL': case 'DOUBLE': case 'DECIMAL': return { id: 'DOUBLE' }
    default: return undefined
  }
}

function bindListAggregate(hooks: Hooks, aggregate: string) {
  return (argTypes: readonly LogicalType[]): Bound | undefined => {
    const t = argTypes[0]
    if (argTypes.length !== 1 || t === undefined) return undefined
    const child = elementType(t)
    if (child === undefined || child.id === 'NULL') return undefined
    let elem: LogicalType = child
    let found = resolveAggregate(hooks, aggregate, elem)
    if (found === undefined) {
      const f = numericFallback(child)
      if (f === undefined) return undefined
      elem = f
      found = resolveAggregate(hooks, aggregate, elem)
      if (found === undefined) return undefined
    }
    const { bound, def } = found
    const returns = bound.returns
    const skipNulls = def.nulls === 'skip'
    return {
      argTypes: [list(elem)], returns,
      invoke: (args, count, ctx: FunctionContext) => {
        const lists = args[0]!
        const state = bound.createState(ctx)
        state.resize(count)
        const off = lists.offsets
        const source = lists.children[0]
        if (off !== null && source !== undefined && source.length > 0) {
          const sel: number[] = []
          const groups: number[] = []
          for (let i = 0; i < count; i++) {
            if (lists.validity !== null && lists.validity[i] === 0) continue
            for (let k = off[i]!; k < off[i + 1]!; k++) {
              if (skipNulls && source.validity !== null && source.validity[k] === 0) continue
              sel.push(k); groups.push(i)
            }
          }
          if (sel.length > 0) state.update([gather(source, sel)], Int32Array.from(groups), sel.length)
        }
        const out = state.finalize(count)
        if (lists.validity === null) return out
        // a NULL list gives NULL, not the aggregate of nothing
        const b = new VectorBuilder(returns, count)
        for (let i = 0; i < count; i++) b.push(lists.validity[i] === 0 ? null : getValue(out, i))
        return b.finish()
      },
    }
  }
}

export function registerListAggregates(hooks: Hooks): void {
  const pairs: [string, string, string[]][] = [
    ['list_sum', 'sum', ['array_sum']], ['list_min', 'min', ['array_min']], ['list_max', 'max', ['array_max']],
    ['list_avg', 'avg', ['array_avg']], ['list_count', 'count', []], ['list_product', 'product', []],
    ['list_string_agg', 'string_agg', []], ['list_median', 'median', []], ['list_mode', 'mode', []],
    ['list_bool_and', 'bool_and', []], ['list_bool_or', 'bool_or', []], ['list_stddev_samp', 'stddev_samp', []],
  ]
  for (const [name, aggregate, aliases] of pairs) {
    hooks.registerScalar({
      name, aliases, nulls: 'handle', volatility: 'immutable',
      description: `${aggregate} of the list's elements`,
      bind: bindListAggregate(hooks, aggregate),
    })
  }
}

