/**
 * current_database(), current_schema() and duckdb_databases(): what the session's ATTACH / USE
 * made of it (FunctionContext.databases); without one, the single in-memory database "memory".
 */
import type { Hooks } from '../hooks/registry.ts'
import type { FunctionContext, SessionDatabases } from '../hooks/contracts.ts'
import { BIGINT, BOOLEAN, VARCHAR, type Value } from '../types/types.ts'
import { DataChunk, constantVector, vectorFromValues } from '../vector/vector.ts'

const ALONE: SessionDatabases = { current: 'memory', schema: 'main', list: [{ name: 'memory', path: null, readOnly: false, type: 'grizzly', internal: false }] }

/** the session's databases (also SHOW DATABASES) */
export function databasesOf(ctx: FunctionContext): SessionDatabases { return ctx.databases?.() ?? ALONE }

/** DuckDB's column names and order (database_oid numbers the list) */
const COLUMNS = [
  { name: 'database_name', type: VARCHAR }, { name: 'database_oid', type: BIGINT }, { name: 'path', type: VARCHAR },
  { name: 'comment', type: VARCHAR }, { name: 'internal', type: BOOLEAN }, { name: 'type', type: VARCHAR }, { name: 'readonly', type: BOOLEAN },
]

export function registerDatabaseFunctions(hooks: Hooks): void {
  for (const [name, pick] of [['current_database', (d: SessionDatabases) => d.current], ['current_schema', (d: SessionDatabases) => d.schema]] as const) {
    hooks.registerScalar({
      name, nulls: 'handle', volatility: 'stable', description: `${name}(): the ${name === 'current_database' ? 'database' : 'schema'} unqualified names resolve in (see USE)`,
      overloads: [{ args: [], returns: VARCHAR, invoke: (_args, count, ctx) => constantVector(VARCHAR, pick(databasesOf(ctx)), count) }],
    })
  }
  hooks.registerTableFunction({
    name: 'duckdb_databases',
    description: 'duckdb_databases(): every database of the session (the primary one and the ATTACHed ones)',
    bind: (_call, bindCtx) => ({
      columns: COLUMNS,
      scan(columns, ctx) {
        const list = databasesOf(ctx.databases === undefined ? bindCtx : ctx).list
        const rows: Value[][] = list.map((d, i) => [d.name, BigInt(i + 1), d.path, null, d.internal, d.type, d.readOnly])
        return [new DataChunk(columns.map(c => vectorFromValues(COLUMNS[c]!.type, rows.map(r => r[c] ?? null))), rows.length)]
      },
    }),
  })
}
