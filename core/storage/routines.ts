/**
 * Procedural functions (CREATE FUNCTION / CREATE AGGREGATE … LANGUAGE javascript | wasm) in the
 * database file. They live in the extension host, outside core; the checkpoint stores their
 * definitions (WASM bodies already as hex, so a `FROM 'file.wasm'` is not read again), and
 * opening hands them back to the host before any other definition runs, since a view, a
 * DEFAULT or a CHECK may call one.
 *
 * A database opened without an extension host keeps its routines: they are stored again at
 * every checkpoint, untouched, and calling one fails with 0A000 naming the cause.
 */
import type { GrizzlyError } from '../errors.ts'
import { noExtensionHost, registerUnavailableRoutine, routineExtensionName, type ExtensionHost, type RoutineDefinition } from '../extensions/host.ts'
import type { Hooks } from '../hooks/registry.ts'

const isString = (v: unknown): v is string => typeof v === 'string'

/** Checks the catalog's `routines` entry; `corrupt` makes the error for a malformed one. */
export function readStoredRoutines(value: unknown, corrupt: (what: string) => GrizzlyError): RoutineDefinition[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw corrupt('the catalog\'s routines are not a list')
  return value.map((r: unknown, i): RoutineDefinition => {
    const d = r as Record<string, unknown> | null
    const params = d?.['params']
    if (d === null || typeof d !== 'object' || !isString(d['name']) || (d['kind'] !== 'scalar' && d['kind'] !== 'aggregate')
      || !isString(d['language']) || !isString(d['returns']) || !isString(d['body']) || !isString(d['sql'])
      || (d['symbol'] !== null && !isString(d['symbol']))
      || !Array.isArray(params) || !params.every((p: unknown) => p !== null && typeof p === 'object' && isString((p as Record<string, unknown>)['name']) && isString((p as Record<string, unknown>)['type']))) {
      throw corrupt(`stored function ${i + 1} of the catalog is malformed`)
    }
    return {
      name: d['name'], kind: d['kind'], language: d['language'], returns: d['returns'], body: d['body'], sql: d['sql'],
      symbol: d['symbol'] as string | null,
      params: (params as { name: string; type: string }[]).map(p => ({ name: p.name, type: p.type })),
    }
  })
}

/**
 * Brings stored routines back at open. Returns what the next checkpoint must store for them:
 * the host's routines when there is a host (it keeps those it cannot run), else these same
 * definitions, untouched.
 */
export function restoreRoutines(hooks: Hooks, host: ExtensionHost | null, defs: readonly RoutineDefinition[]): () => readonly RoutineDefinition[] {
  if (host !== null) {
    for (const def of defs) host.restoreRoutine(def)
    return () => host.routines()
  }
  for (const def of defs) registerUnavailableRoutine(hooks, def, noExtensionHost(`LANGUAGE ${def.language}`), routineExtensionName(def.name))
  const kept = [...defs]
  return () => kept
}
