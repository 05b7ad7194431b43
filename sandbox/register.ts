/**
 * Makes a sandboxed extension's scalars callable from SQL exactly like built-ins: each name
 * becomes one ScalarFunctionDef (its overloads grouped), registered through core/hooks with the
 * extension as origin, whose kernel sends the batch to the sandbox.
 */
import type { AggregateFunctionDef, ScalarFunctionDef, ScalarOverload, Volatility } from '../core/hooks/contracts.ts'
import type { Hooks } from '../core/hooks/registry.ts'
import { implicitCastCost } from '../core/types/coercion.ts'
import type { LogicalType } from '../core/types/types.ts'
import { logicalTypeOf } from './arena.ts'
import { bindOpenSignature, isOpenType } from './types.ts'
import type { ExtensionSandbox, SandboxAggregate, SandboxScalar } from './sandbox.ts'

const VOLATILITY_RANK: Readonly<Record<Volatility, number>> = { immutable: 0, stable: 1, volatile: 2 }

/** Registers every scalar and aggregate of `sandbox` into `hooks`; returns the names registered. */
export function registerSandboxedFunctions(hooks: Hooks, sandbox: ExtensionSandbox): string[] {
  const byName = new Map<string, SandboxScalar[]>()
  for (const s of sandbox.scalars) {
    // a format reader's internal functions are called by the format hook only
    if (s.name.startsWith('__format_')) continue
    const list = byName.get(s.name)
    if (list === undefined) byName.set(s.name, [s])
    else list.push(s)
  }
  for (const [name, specs] of byName) hooks.registerScalar(scalarDef(sandbox, name, specs), { extension: sandbox.name })
  const aggregatesByName = new Map<string, SandboxAggregate[]>()
  for (const a of sandbox.aggregates) {
    const list = aggregatesByName.get(a.name)
    if (list === undefined) aggregatesByName.set(a.name, [a])
    else list.push(a)
  }
  for (const [name, specs] of aggregatesByName) {
    const def: AggregateFunctionDef = {
      name,
      description: `from extension ${sandbox.name} ${sandbox.version}`,
      // the SDK's update sees only rows whose arguments are all non-NULL
      nulls: 'skip',
      overloads: specs.map(spec => ({
        args: spec.args.map(logicalTypeOf),
        returns: logicalTypeOf(spec.returns),
        createState: ctx => sandbox.createAggregateState(spec, ctx.statementTime),
      })),
    }
    hooks.registerAggregate(def, { extension: sandbox.name })
  }
  return [...byName.keys(), ...aggregatesByName.keys()]
}

function scalarDef(sandbox: ExtensionSandbox, name: string, specs: readonly SandboxScalar[]): ScalarFunctionDef {
  const open = specs.filter(s => s.args.some(isOpenType))
  const overloads: ScalarOverload[] = specs.filter(s => !open.includes(s)).map(spec => ({
    args: spec.args.map(logicalTypeOf),
    returns: logicalTypeOf(spec.returns),
    // statementTime tells statements apart for the per-statement time budget
    invoke: (args, count, ctx) => sandbox.callScalar(spec, args, count, ctx.statementTime),
  }))
  // FLOAT[ANY] arguments take the call's array size; the signature with the cheapest implicit casts wins
  const bind = (argTypes: readonly LogicalType[]) => {
    let best: { spec: SandboxScalar; args: LogicalType[]; cost: number } | undefined
    for (const spec of open) {
      const args = bindOpenSignature(name, spec.args, argTypes)
      if (args === undefined) continue
      let cost = 0
      for (let k = 0; k < args.length; k++) { const c = implicitCastCost(argTypes[k]!, args[k]!); cost = c === undefined ? Number.NaN : cost + c }
      if (Number.isNaN(cost)) continue
      if (best === undefined || cost < best.cost) best = { spec, args, cost }
    }
    if (best === undefined) return undefined
    const spec = best.spec
    return {
      argTypes: best.args, returns: logicalTypeOf(spec.returns),
      invoke: ((args, count, ctx) => sandbox.callScalar(spec, args, count, ctx.statementTime)) satisfies ScalarOverload['invoke'],
    }
  }
  // one definition carries one volatility: the most volatile overload's
  let volatility: Volatility = 'immutable'
  for (const s of specs) if (VOLATILITY_RANK[s.volatility] > VOLATILITY_RANK[volatility]) volatility = s.volatility
  return {
    name,
    description: `from extension ${sandbox.name} ${sandbox.version}`,
    nulls: 'propagate',
    volatility,
    overloads,
    ...(open.length === 0 ? {} : { bind }),
  }
}
