/**
 * Type names in reader options ('INTEGER', 'DECIMAL(10,2)'): resolved through the binder's type
 * hooks when the reader is bound from SQL, else through the built-in names.
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { FunctionContext } from '../hooks/contracts.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DOUBLE, HUGEINT, INTEGER, INTERVAL, type LogicalType, REAL, SMALLINT, TIME, TIMESTAMP, TINYINT, VARCHAR, decimal,
} from '../types/types.ts'

const BASIC: Readonly<Record<string, LogicalType>> = {
  BOOLEAN, BOOL: BOOLEAN, TINYINT, SMALLINT, INTEGER, INT: INTEGER, BIGINT, HUGEINT, INT128: HUGEINT, REAL, FLOAT: REAL, DOUBLE,
  VARCHAR, TEXT: VARCHAR, STRING: VARCHAR, BLOB, DATE, TIME, TIMESTAMP, DATETIME: TIMESTAMP, INTERVAL,
}

export function resolveTypeName(name: string, ctx: FunctionContext): LogicalType {
  if (ctx.resolveType !== undefined) return ctx.resolveType(name)
  const upper = name.trim().toUpperCase()
  const dec = /^(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(upper)
  if (dec !== null) return decimal(Number(dec[1]), Number(dec[2] ?? 0))
  const t = BASIC[upper]
  if (t === undefined) {
    throw new GrizzlyError(SqlState.undefinedObject, `type "${name}" does not exist`, { hint: didYouMean(upper, Object.keys(BASIC)) })
  }
  return t
}
