/**
 * Prepared statements: the API's PreparedStatement (db.prepare), and for SQL PREPARE / EXECUTE /
 * DEALLOCATE (core/database.ts runs them) what a session keeps per name and how EXECUTE's
 * arguments become the statement's parameters. Both keep their plans in a PlanCache.
 */
import { GrizzlyError, SqlState, didYouMean } from './errors.ts'
import { castValue } from './functions/cast.ts'
import type { BoundStatement } from './binder/index.ts'
import type { Statement } from './parser/ast.ts'
import type { ParsedScript } from './parser/index.ts'
import type { BoundParameter } from './params.ts'
import { PlanCache } from './plan-cache.ts'
import type { Connection } from './database.ts'
import type { QueryOptions } from './progress.ts'
import type { Result } from './result.ts'
import { type LogicalType, type Value, typeToString } from './types/types.ts'

/** More values than the SQL has placeholders: PostgreSQL and DuckDB refuse it too, as it is nearly always a mistake. */
export function tooManyParameters(given: number, expected: number): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameter, `the statement takes ${expected} parameter value(s), but ${given} were given`, {
    hint: expected === 0 ? 'the SQL has no $n or ? placeholder: pass no values, or add the placeholders' : `pass one value per placeholder ($1 to $${expected})`,
  })
}

/** the default options, shared: a lookup's call makes no object for them */
const NO_OPTIONS: QueryOptions = Object.freeze({})

export class PreparedStatement {
  private readonly connection: Connection
  private readonly script: ParsedScript
  private readonly sql: string
  /** one kept plan per statement (see plan-cache.ts) */
  private readonly plans: readonly PlanCache[]
  private closed = false

  /** @internal */
  constructor(connection: Connection, sql: string, script: ParsedScript) {
    this.connection = connection
    this.sql = sql
    this.script = script
    this.plans = script.statements.map(() => new PlanCache())
  }

  query(params: readonly unknown[] = [], options: QueryOptions = NO_OPTIONS): Promise<Result> {
    if (this.closed) return Promise.reject(new GrizzlyError(SqlState.invalidParameterValue, 'the prepared statement is closed', { hint: 'prepare it again' }))
    return this.connection.runParsed(this.sql, this.script, params, options, this.plans)
  }

  /** @internal how many executions were planned afresh, per statement */
  get planMisses(): readonly number[] { return this.plans.map(p => p.misses) }

  close(): void { this.closed = true }
}

export interface SqlPrepared {
  readonly statement: Statement
  readonly text: string
  /** declared with PREPARE name (types) AS …; arguments are cast to them */
  readonly types: readonly LogicalType[]
  readonly parameterCount: number
  readonly plans: PlanCache
}

export function unknownPrepared(name: string, known: readonly string[], position?: number): GrizzlyError {
  return new GrizzlyError(SqlState.invalidSqlStatementName, `prepared statement "${name}" does not exist`, {
    position, hint: didYouMean(name, known) ?? 'create it first with PREPARE name AS statement',
  })
}

/** EXECUTE's values as parameters: exactly as many as the statement takes, cast to declared types */
export function executeArguments(name: string, p: SqlPrepared, args: readonly { readonly type: LogicalType; readonly value: Value }[], position: number): BoundParameter[] {
  if (args.length !== p.parameterCount) {
    const given = args.length === 0 ? 'none were supplied' : `${args.length} ${args.length === 1 ? 'was' : 'were'} supplied`
    throw new GrizzlyError(SqlState.invalidParameter, `prepared statement "${name}" expects ${p.parameterCount} parameter(s), but ${given}`, {
      position, hint: p.parameterCount === 0 ? `run it as EXECUTE ${name}` : `run it as EXECUTE ${name}(${Array.from({ length: p.parameterCount }, (_, i) => `$${i + 1}`).join(', ')}) with one value each`,
    })
  }
  return args.map((a, i) => {
    const declared = p.types[i]
    if (declared === undefined) return a
    try {
      return { type: declared, value: castValue(a.value, a.type, declared) }
    } catch (e) {
      if (!(e instanceof GrizzlyError)) throw e
      throw new GrizzlyError(e.code, `parameter $${i + 1} of "${name}" must be ${typeToString(declared)}: ${e.message}`, { position, hint: `pass a value that converts to ${typeToString(declared)}` })
    }
  })
}

/** statements after which kept plans may bind differently: catalog changes, settings, transaction ends */
export function changesBinding(bound: BoundStatement): boolean {
  switch (bound.kind) {
    case 'command': case 'create_table_as': case 'rows_command': case 'transaction': case 'set': case 'reset': case 'pragma':
      return true
    case 'query': case 'explain': case 'copy_to': case 'prepare': case 'execute': case 'deallocate':
      return false
    // IMPORT DATABASE creates objects; EXPORT, BACKUP and RESTORE leave the catalog as it is
    case 'utility': return bound.changesCatalog
  }
}
