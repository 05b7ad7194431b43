/**
 * The seam between the engine and extension loading (DESIGN §2): core defines what the SQL
 * statements INSTALL / LOAD / UNLOAD / UPDATE EXTENSIONS, SHOW EXTENSION PERMISSIONS,
 * grizzly_extensions() and CREATE FUNCTION … LANGUAGE need, and the package entry (index.ts)
 * supplies an implementation built on registry/, policies/ and sandbox/. Core never imports those.
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { LogicalType } from '../types/types.ts'

/** Limits an extension or a procedural function runs under. */
export interface ExtensionLimits {
  readonly heapMb: number
  readonly cpuMsPerCall: number
  readonly wallMsPerStatement: number
}

/** One row of grizzly_extensions(). */
export interface ExtensionInfo {
  readonly name: string
  readonly version: string | null
  readonly installed: boolean
  readonly loaded: boolean
  /** where it was loaded from: 'registry', 'path' or 'sql' (a procedural function) */
  readonly source: string | null
  readonly publisherKey: string | null
  readonly capabilities: readonly string[]
  readonly limits: ExtensionLimits | null
  /** 'scalar:name', 'aggregate:name', 'format:name', … */
  readonly hooks: readonly string[]
}

/** One row of SHOW EXTENSION PERMISSIONS. */
export interface PermissionInfo {
  readonly kind: 'capability' | 'limit' | 'trust'
  readonly name: string
  /** requested by the manifest */
  readonly requested: string | null
  /** what the policy grants (for limits: the effective value) */
  readonly granted: string | null
  readonly allowed: boolean
}

/** One row of UPDATE EXTENSIONS. */
export interface UpdateInfo {
  readonly name: string
  readonly registry: string | null
  /** 'updated', 'no_update_available', 'not_installed_from_registry' */
  readonly result: string
  readonly previousVersion: string | null
  readonly currentVersion: string | null
}

export type LoadTarget = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'path'; readonly path: string }

/** A scalar parameter or result type of a procedural function, by SQL type name. */
export type RoutineType = string

/** CREATE FUNCTION / CREATE AGGREGATE … LANGUAGE …: kept in the catalog of routines so storage can persist it. */
export interface RoutineDefinition {
  readonly name: string
  readonly kind: 'scalar' | 'aggregate'
  readonly language: string
  readonly params: readonly { readonly name: string; readonly type: RoutineType }[]
  readonly returns: RoutineType
  /** the body as written: JavaScript source, or WASM as hex / base64 */
  readonly body: string
  /** WASM: the exported function to call; null = the function's own name */
  readonly symbol: string | null
  /** the CREATE statement's text, for SHOW and persistence */
  readonly sql: string
}

/** Per-extension CPU and wall time, cumulative, for EXPLAIN ANALYZE (differences taken per statement). */
export interface ExtensionMeter {
  readonly extension: string
  readonly calls: number
  readonly rows: number
  readonly cpuMs: number
  readonly wallMs: number
  /** the sandbox's heap in use now, bytes */
  readonly heapBytes: number
}

export interface ExtensionHost {
  /** INSTALL name [VERSION range] FROM dir; returns the version installed */
  install(name: string, range: string | null, from: string | null, force: boolean): { readonly version: string }
  /** LOAD [EXTENSION] name | 'dir': verify, check the policy, start the sandbox, register its hooks */
  load(target: LoadTarget): { readonly name: string; readonly version: string }
  /** UNLOAD [EXTENSION] name: unregister its hooks and dispose its sandbox */
  unload(name: string): void
  update(names: readonly string[] | null): readonly UpdateInfo[]
  list(): readonly ExtensionInfo[]
  permissions(name: string): readonly PermissionInfo[]
  createRoutine(def: RoutineDefinition, orReplace: boolean): void
  /**
   * Brings back a routine stored in the database file, at open. Never throws: a routine that
   * cannot run here (its language is not allowed by the policy, its body no longer loads) is kept
   * as it is — listed, stored again at every checkpoint, droppable — and calling it fails with
   * the reason (registerUnavailableRoutine).
   */
  restoreRoutine(def: RoutineDefinition): void
  dropRoutine(name: string, ifExists: boolean): boolean
  /** definitions of the procedural functions that exist now */
  routines(): readonly RoutineDefinition[]
  /**
   * Calls `listener` after every CREATE / DROP of a procedural function (storage logs the
   * definition); returns the function that stops listening.
   */
  onRoutineChange(listener: (change: { readonly kind: 'create' | 'drop'; readonly def: RoutineDefinition }) => void): () => void
  meter(): readonly ExtensionMeter[]
  /**
   * CREATE MODEL asks before storing a model file: throws (42501) when the policy refuses it
   * (a signature required and missing, or one that does not match), else names the key that
   * signed it (null: unsigned).
   */
  checkModel?(path: string, sha256: string): { readonly signedBy: string | null }
  /** stops every sandbox (Database.close) */
  close(): void
}

/** What a host factory gets: the database's registry and the options Database.open received. */
export interface ExtensionHostContext {
  readonly hooks: Hooks
  readonly options: Readonly<Record<string, unknown>>
}

export type ExtensionHostFactory = (ctx: ExtensionHostContext) => ExtensionHost

/** The refusal when core runs alone, without the package entry's host. */
export function noExtensionHost(what: string, position?: number): GrizzlyError {
  return new GrizzlyError(SqlState.featureNotSupported, `${what} needs the extension host, which this database was opened without`, {
    position, hint: 'open the database through the package entry (the grizzly-db Database), which wires extensions in, instead of the core module',
  })
}

/** the sandbox of procedural function `name` runs as this extension (its hooks' origin) */
export function routineExtensionName(name: string): string { return `_sql_${name}` }

/**
 * Registers a stored routine that cannot run in this process under its name, with its declared
 * types, so that views and defaults that use it still bind (opening never fails over it) and
 * running it fails with `reason`, which names the cause, instead of "no such function".
 */
export function registerUnavailableRoutine(hooks: Hooks, def: RoutineDefinition, reason: GrizzlyError, extension: string): void {
  // a name taken meanwhile (a newer built-in) keeps its meaning
  if (hooks.scalar(def.name) !== undefined || hooks.aggregate(def.name) !== undefined) return
  const refuse = (): never => {
    throw new GrizzlyError(reason.code, `function ${def.name} (LANGUAGE ${def.language}, stored in this database) cannot run: ${reason.message}`, { hint: reason.hint, cause: reason })
  }
  const description = `${def.language} ${def.kind === 'aggregate' ? 'aggregate' : 'function'} (unavailable)`
  const typeOf = (name: string): LogicalType | undefined => hooks.type(name)?.resolve([])
  const args = def.params.map(p => typeOf(p.type)), returns = typeOf(def.returns)
  const typed = returns !== undefined && args.every(a => a !== undefined)
  const origin = { extension }
  if (def.kind === 'aggregate') {
    hooks.registerAggregate(typed
      ? { name: def.name, description, nulls: 'skip', overloads: [{ args: args as LogicalType[], returns, createState: refuse }] }
      : { name: def.name, description, nulls: 'skip', bind: refuse }, origin)
  } else {
    hooks.registerScalar(typed
      ? { name: def.name, description, nulls: 'propagate', volatility: 'volatile', overloads: [{ args: args as LogicalType[], returns, invoke: refuse }] }
      : { name: def.name, description, nulls: 'propagate', volatility: 'volatile', bind: refuse }, origin)
  }
}
