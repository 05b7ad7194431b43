/**
 * Every type name the binder accepts, registered through the same hook extensions use.
 * Types Grizzly does not store natively map to the nearest one that holds all their values:
 * UHUGEINT → DECIMAL(38,0), unsigned integers → the next wider signed type (UBIGINT →
 * DECIMAL(20,0)), UUID → VARCHAR, TIMESTAMP_NS → TIMESTAMP (microseconds).
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DECIMAL_MAX_WIDTH, DOUBLE, HUGEINT, INTEGER, INTERVAL, type LogicalType, REAL, SMALLINT, TIME,
  TIMESTAMP, TIMESTAMPTZ, TIMETZ, TINYINT, VARCHAR, decimal,
} from './types.ts'

/** DuckDB's DECIMAL without parameters. */
export const DEFAULT_DECIMAL_WIDTH = 18
export const DEFAULT_DECIMAL_SCALE = 3

function noParams(name: string, type: LogicalType): (params: readonly number[]) => LogicalType {
  return params => {
    if (params.length > 0) {
      throw new GrizzlyError(SqlState.syntaxError, `type ${name} does not take parameters`,
        { hint: `write ${name} without (…)` })
    }
    return type
  }
}

/** VARCHAR(n), CHAR(n), BLOB(n): the length is accepted and ignored, as DuckDB does. */
function lengthIgnored(name: string, type: LogicalType): (params: readonly number[]) => LogicalType {
  return params => {
    if (params.length > 1) {
      throw new GrizzlyError(SqlState.syntaxError, `type ${name} takes at most one parameter (a length)`)
    }
    const n = params[0]
    if (n !== undefined && !(Number.isInteger(n) && n > 0)) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `length for type ${name} must be at least 1`)
    }
    return type
  }
}

export function resolveDecimal(params: readonly number[]): LogicalType {
  if (params.length > 2) {
    throw new GrizzlyError(SqlState.syntaxError, 'DECIMAL takes at most two parameters (width, scale)',
      { hint: 'write DECIMAL(18,3)' })
  }
  const width = params[0] ?? DEFAULT_DECIMAL_WIDTH
  const scale = params[1] ?? (params.length === 0 ? DEFAULT_DECIMAL_SCALE : 0)
  if (!Number.isInteger(width) || width < 1 || width > DECIMAL_MAX_WIDTH) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `DECIMAL width must be between 1 and ${DECIMAL_MAX_WIDTH}, not ${width}`,
      { hint: 'for wider numbers use DOUBLE' })
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > width) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `DECIMAL scale must be between 0 and the width (${width}), not ${scale}`,
      { hint: `write DECIMAL(${width},s) with s ≤ ${width}` })
  }
  return decimal(width, scale)
}

/** FLOAT(p): p ≤ 24 bits of precision is REAL, up to 53 DOUBLE (PostgreSQL's rule). */
function resolveFloat(params: readonly number[]): LogicalType {
  const p = params[0]
  if (params.length > 1) throw new GrizzlyError(SqlState.syntaxError, 'FLOAT takes at most one parameter (precision in bits)')
  if (p === undefined) return REAL
  if (!Number.isInteger(p) || p < 1 || p > 53) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `precision for type FLOAT must be between 1 and 53 bits, not ${p}`)
  }
  return p <= 24 ? REAL : DOUBLE
}

/** TIME(p) / TIMESTAMP(p): fractional-second precision 0..6 accepted; values keep microseconds. */
function precisionIgnored(name: string, type: LogicalType): (params: readonly number[]) => LogicalType {
  return params => {
    const p = params[0]
    if (params.length > 1 || (p !== undefined && !(Number.isInteger(p) && p >= 0 && p <= 6))) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `${name} precision must be between 0 and 6`)
    }
    return type
  }
}

export function registerBuiltinTypes(hooks: Hooks): void {
  const simple = (name: string, aliases: string[], type: LogicalType): void =>
    hooks.registerType({ name, aliases, resolve: noParams(name, type) })

  simple('BOOLEAN', ['BOOL', 'LOGICAL'], BOOLEAN)
  simple('TINYINT', ['INT1'], TINYINT)
  simple('SMALLINT', ['INT2', 'SHORT', 'UTINYINT', 'UINT8'], SMALLINT)
  simple('INTEGER', ['INT', 'INT4', 'SIGNED', 'USMALLINT', 'UINT16'], INTEGER)
  simple('BIGINT', ['INT8', 'LONG', 'UINTEGER', 'UINT32'], BIGINT)
  simple('UBIGINT', ['UINT64'], decimal(20, 0))
  simple('HUGEINT', ['INT128'], HUGEINT)
  simple('UHUGEINT', ['UINT128'], decimal(DECIMAL_MAX_WIDTH, 0))
  simple('DOUBLE', ['FLOAT8', 'DOUBLE PRECISION'], DOUBLE)
  hooks.registerType({ name: 'REAL', aliases: ['FLOAT4'], resolve: noParams('REAL', REAL) })
  hooks.registerType({ name: 'FLOAT', resolve: resolveFloat })
  hooks.registerType({ name: 'DECIMAL', aliases: ['NUMERIC', 'DEC'], resolve: resolveDecimal })
  hooks.registerType({
    name: 'VARCHAR',
    aliases: ['TEXT', 'STRING', 'CHAR', 'BPCHAR', 'CHARACTER', 'CHARACTER VARYING', 'NVARCHAR', 'NCHAR', 'UUID', 'JSON'],
    resolve: lengthIgnored('VARCHAR', VARCHAR),
  })
  hooks.registerType({ name: 'BLOB', aliases: ['BYTEA', 'BINARY', 'VARBINARY'], resolve: lengthIgnored('BLOB', BLOB) })
  simple('DATE', [], DATE)
  hooks.registerType({ name: 'TIME', aliases: ['TIME WITHOUT TIME ZONE'], resolve: precisionIgnored('TIME', TIME) })
  hooks.registerType({
    name: 'TIMESTAMP',
    aliases: ['DATETIME', 'TIMESTAMP WITHOUT TIME ZONE', 'TIMESTAMP_US', 'TIMESTAMP_NS'],
    resolve: precisionIgnored('TIMESTAMP', TIMESTAMP),
  })
  // coarser units keep the microsecond layout; casts to them round as DuckDB does
  simple('TIMESTAMP_MS', [], { id: 'TIMESTAMP', unit: 'ms' })
  simple('TIMESTAMP_S', [], { id: 'TIMESTAMP', unit: 's' })
  hooks.registerType({
    name: 'TIMESTAMPTZ', aliases: ['TIMESTAMP WITH TIME ZONE'], resolve: precisionIgnored('TIMESTAMPTZ', TIMESTAMPTZ),
  })
  hooks.registerType({ name: 'TIMETZ', aliases: ['TIME WITH TIME ZONE'], resolve: precisionIgnored('TIMETZ', TIMETZ) })
  simple('INTERVAL', [], INTERVAL)
}
