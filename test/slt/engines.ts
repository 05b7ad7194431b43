/** The engines the runner can drive, by name; each module is loaded only when asked for. */
import type { EngineFactory } from './engine.ts'

export type EngineName = 'grizzly' | 'duckdb'

export function engineFactory(name: EngineName): EngineFactory {
  switch (name) {
    case 'grizzly': return async () => (await import('./grizzly-engine.ts')).openGrizzlyEngine()
    case 'duckdb': return async () => (await import('./duckdb-engine.ts')).openDuckdbEngine()
  }
}
