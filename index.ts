/**
 * grizzly-db: an embeddable analytical SQL database for Node.js.
 *
 *   import { Database } from 'grizzly-db'
 *   const db = await Database.open()
 *   const r = await db.query('SELECT 42 AS answer')
 *
 * This entry wires the extension host (registry + policies + sandbox, see host/) into every
 * database, so INSTALL, LOAD EXTENSION and CREATE FUNCTION … LANGUAGE work; the core module on
 * its own refuses them.
 */
import { Database as CoreDatabase, type OpenOptions as CoreOpenOptions } from './core/database.ts'
import { SandboxExtensionHost } from './host/host.ts'
import { firstPartyServices } from './host/services/index.ts'
import type { CapabilityService } from './sandbox/services.ts'

export interface OpenOptions extends CoreOpenOptions {
  /** the registry directory INSTALL uses when it has no FROM */
  readonly extensionRegistry?: string
  /** capability services extensions may call when granted (default: the first-party ones) */
  readonly services?: readonly CapabilityService[]
}

/** Opens a database with extensions wired in; the same API as the core Database otherwise. */
function open(path?: string, options: OpenOptions = {}): Promise<CoreDatabase> {
  return CoreDatabase.open(path, { ...options, extensionHost: options.extensionHost ?? (ctx => new SandboxExtensionHost(ctx, options.services ?? firstPartyServices())) })
}

export const Database: { open: typeof open; [Symbol.hasInstance](value: unknown): boolean } = Object.freeze({
  open,
  [Symbol.hasInstance]: (value: unknown): boolean => value instanceof CoreDatabase,
})
export type Database = CoreDatabase

export { Connection, PreparedStatement } from './core/database.ts'
export { Result, type ResultColumn, type StatementType } from './core/result.ts'
export { GrizzlyError, InternalError, SqlState } from './core/errors.ts'
export type { QueryOptions, QueryProgress } from './core/progress.ts'
export type { LogicalType } from './core/types/types.ts'
export type { ExtensionHost, ExtensionInfo, RoutineDefinition } from './core/extensions/host.ts'
export { SandboxExtensionHost, defaultExtensionDirectory } from './host/host.ts'
export type { CapabilityService, ServiceValue } from './sandbox/services.ts'
