/**
 * Registers every built-in aggregate (implementations in ./aggregates/) and, next to them, the
 * window functions (./window.ts), which index.ts has no entry point of its own for.
 */
import type { Hooks } from '../hooks/registry.ts'
import { registerBasicAggregates } from './aggregates/basic.ts'
import { registerMinMaxAggregates } from './aggregates/minmax.ts'
import { registerCollectingAggregates } from './aggregates/collect.ts'
import { registerStatsAggregates } from './aggregates/stats.ts'
import { bindTopN, registerExtraAggregates } from './aggregates/extra.ts'
import { registerSketchAggregates } from './aggregates/sketches.ts'
import { registerWindowFunctions } from './window.ts'

export function registerAggregates(hooks: Hooks): void {
  registerBasicAggregates(hooks)
  registerMinMaxAggregates(hooks)
  registerCollectingAggregates(hooks)
  registerStatsAggregates(hooks)
  registerExtraAggregates(hooks)
  registerSketchAggregates(hooks)
  // min(x, n), max(x, n), arg_min(a, v, n), arg_max(a, v, n) return the top n as a list
  for (const [name, max, withArg] of [['min', false, false], ['max', true, false], ['arg_min', false, true], ['arg_max', true, true]] as const) {
    hooks.registerAggregate({ name, nulls: 'skip', bind: bindTopN(max, withArg) })
  }
  registerWindowFunctions(hooks)
}
