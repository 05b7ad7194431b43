/**
 * grizzly-db: an embeddable analytical SQL database for Node.js.
 *
 *   import { Database } from 'grizzly-db'
 *   const db = await Database.open()
 *   const r = await db.query('SELECT 42 AS answer')
 */
export { Database, Connection, PreparedStatement, type OpenOptions } from './core/database.ts'
export { Result, type ResultColumn, type StatementType } from './core/result.ts'
export { GrizzlyError, InternalError, SqlState } from './core/errors.ts'
export type { LogicalType } from './core/types/types.ts'
