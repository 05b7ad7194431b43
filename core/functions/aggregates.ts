/**
 * Registers every built-in aggregate; the implementations live in ./aggregates/.
 */
import type { Hooks } from '../hooks/registry.ts'
import { registerBasicAggregates } from './aggregates/basic.ts'
import { registerMinMaxAggregates } from './aggregates/minmax.ts'
import { registerCollectingAggregates } from './aggregates/collect.ts'
import { registerStatsAggregates } from './aggregates/stats.ts'

export function registerAggregates(hooks: Hooks): void {
  registerBasicAggregates(hooks)
  registerMinMaxAggregates(hooks)
  registerCollectingAggregates(hooks)
  registerStatsAggregates(hooks)
}
