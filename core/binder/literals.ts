/**
 * Literal typing (DuckDB rules) and type names as written → LogicalType.
 */
import { GrizzlyError, SqlState, didYouMean } from '../errors.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { TypeName } from '../parser/ast.ts'
import type { ConstantExpr } from '../plan/expr.ts'
import { integerLiteralType } from '../types/coercion.ts'
import {
  BIGINT, BLOB, BOOLEAN, DATE, DECIMAL_FLOAT_MAX_WIDTH, DECIMAL_MAX_WIDTH, DOUBLE, HUGEINT, HUGEINT_MAX, HUGEINT_MIN, INTEGER, INTERVAL,
  type Interval, type LogicalType, REAL, SMALLINT, TIME, TIMESTAMP, TINYINT, VARCHAR, array, decimal, list, mapType, struct,
} from '../types/types.ts'

const INT32_MAX = 2147483647n

/**
 * Types a numeric literal as DuckDB does: integers → the smallest of INTEGER, BIGINT, HUGEINT
 * that holds them, past HUGEINT DOUBLE (DuckDB makes 2^127 … 2^128 - 1 a UHUGEINT, a type
 * Grizzly does not have); `1.50` → DECIMAL(3,2) (DOUBLE past 38 digits); exponent form →
 * DOUBLE. `negate` folds a unary minus into the literal before it is typed, so
 * -9223372036854775808 is a BIGINT; as in DuckDB (whose lexer sees the digits before the sign) a
 * literal is an INTEGER only when its digits alone fit one, so -2147483648 is a BIGINT too.
 */
export function numberLiteral(text: string, negate: boolean, position: number): ConstantExpr {
  let clean = text.replace(/_/g, '')
  if (clean.startsWith('-') || clean.startsWith('+')) {
    if (clean.startsWith('-')) negate = !negate
    clean = clean.slice(1)
  }
  if (/^0[xX][0-9a-fA-F]+$/.test(clean) || /^0[bB][01]+$/.test(clean) || /^0[oO][0-7]+$/.test(clean)) {
    return integerConstant(negate ? -BigInt(clean) : BigInt(clean), position, text)
  }
  if (/^\d+$/.test(clean)) return integerConstant(negate ? -BigInt(clean) : BigInt(clean), position, text)
  const m = /^(\d*)\.(\d*)$/.exec(clean)
  if (m !== null && (m[1] !== '' || m[2] !== '')) {
    const intPart = m[1]!.replace(/^0+/, ''), fracPart = m[2]!
    const scale = fracPart.length
    const width = Math.max(intPart.length + scale, scale, 1)
    if (width <= DECIMAL_MAX_WIDTH) {
      const digits = BigInt((intPart + fracPart) || '0') * (negate ? -1n : 1n)
      const value = width <= DECIMAL_FLOAT_MAX_WIDTH ? Number(digits) : digits
      return { kind: 'const', value, type: decimal(width, scale) }
    }
  }
  const n = Number(clean)
  if (!Number.isFinite(n) && !/inf/i.test(clean)) {
    throw new GrizzlyError(SqlState.numericOutOfRange, `number ${text} is out of range for DOUBLE`, { position })
  }
  if (Number.isNaN(n)) throw new GrizzlyError(SqlState.invalidTextRepresentation, `invalid number "${text}"`, { position })
  return { kind: 'const', value: negate ? -n : n, type: DOUBLE }
}

function integerConstant(v: bigint, position: number, text: string): ConstantExpr {
  if (v >= -INT32_MAX && v <= INT32_MAX) return { kind: 'const', value: Number(v), type: integerLiteralType(v) }
  if (v >= HUGEINT_MIN && v <= HUGEINT_MAX) return { kind: 'const', value: v, type: integerLiteralType(v) }
  const n = Number(v)
  if (!Number.isFinite(n)) throw new GrizzlyError(SqlState.numericOutOfRange, `number ${text} is out of range`, { position })
  return { kind: 'const', value: n, type: DOUBLE }
}

/** Built-in spellings, used when the hooks do not know a name (DuckDB's aliases). */
const FALLBACK_TYPES: Readonly<Record<string, LogicalType>> = {
  BOOLEAN, BOOL: BOOLEAN, LOGICAL: BOOLEAN,
  TINYINT, INT1: TINYINT, SMALLINT, INT2: SMALLINT, SHORT: SMALLINT, INT16: SMALLINT,
  INTEGER, INT: INTEGER, INT4: INTEGER, SIGNED: INTEGER, INT32: INTEGER,
  BIGINT, INT8: BIGINT, LONG: BIGINT, INT64: BIGINT, HUGEINT, INT128: HUGEINT,
  REAL, FLOAT: REAL, FLOAT4: REAL, DOUBLE, FLOAT8: DOUBLE, 'DOUBLE PRECISION': DOUBLE,
  VARCHAR, TEXT: VARCHAR, STRING: VARCHAR, CHAR: VARCHAR, BPCHAR: VARCHAR, 'CHARACTER VARYING': VARCHAR, CHARACTER: VARCHAR,
  BLOB, BYTEA: BLOB, BINARY: BLOB, VARBINARY: BLOB,
  DATE, TIME, TIMESTAMP, DATETIME: TIMESTAMP, INTERVAL,
}

/** Resolves a type as written, through the type hooks (extensions may add names). */
/** `userTypes` answers names the hooks do not know (CREATE TYPE aliases) */
export function resolveTypeName(hooks: Hooks, t: TypeName, userTypes?: (name: string) => LogicalType | undefined): LogicalType {
  let base: LogicalType
  const name = t.name.toUpperCase()
  if (name === 'STRUCT' || name === 'ROW') {
    if (t.fields.length === 0) throw new GrizzlyError(SqlState.syntaxError, 'STRUCT needs at least one field', { position: t.pos })
    base = struct(t.fields.map(f => ({ name: f.name, type: resolveTypeName(hooks, f.type, userTypes) })))
  } else if (name === 'MAP') {
    const [k, v] = t.fields
    if (k === undefined || v === undefined) throw new GrizzlyError(SqlState.syntaxError, 'MAP needs a key and a value type', { position: t.pos })
    base = mapType(resolveTypeName(hooks, k.type, userTypes), resolveTypeName(hooks, v.type, userTypes))
  } else if (name === 'LIST' && t.fields.length === 1) {
    base = list(resolveTypeName(hooks, t.fields[0]!.type, userTypes))
  } else if ((name === 'DECIMAL' || name === 'NUMERIC' || name === 'DEC') && hooks.type(name) === undefined) {
    base = decimalType(t)
  } else {
    const def = hooks.type(name)
    if (def !== undefined) base = def.resolve(t.params)
    else {
      const fallback = FALLBACK_TYPES[name] ?? (t.params.length === 0 && t.fields.length === 0 ? userTypes?.(t.name) : undefined)
      if (fallback === undefined) {
        throw new GrizzlyError(SqlState.undefinedObject, `type "${t.name}" does not exist`, {
          position: t.pos, hint: didYouMean(t.name, [...hooks.typeNames(), ...Object.keys(FALLBACK_TYPES)]),
        })
      }
      base = fallback
    }
  }
  for (const dim of t.arrayDims) base = dim === null ? list(base) : array(base, dim)
  return base
}

function decimalType(t: TypeName): LogicalType {
  const width = t.params[0] ?? 18
  const scale = t.params[1] ?? (t.params.length === 0 ? 3 : 0)
  if (!Number.isInteger(width) || width < 1 || width > DECIMAL_MAX_WIDTH) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `DECIMAL width must be between 1 and ${DECIMAL_MAX_WIDTH}`, { position: t.pos })
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > width) {
    throw new GrizzlyError(SqlState.invalidParameterValue, 'DECIMAL scale must be between 0 and the width', { position: t.pos })
  }
  return decimal(width, scale)
}

const MICROS: Readonly<Record<string, number>> = {
  microsecond: 1, millisecond: 1000, second: 1_000_000, minute: 60_000_000, hour: 3_600_000_000,
}

/** INTERVAL n UNIT with a whole number n, as an Interval value; undefined for other units. */
export function intervalOf(n: number, unit: string): Interval | undefined {
  switch (unit) {
    case 'year': return { months: n * 12, days: 0, micros: 0 }
    case 'month': return { months: n, days: 0, micros: 0 }
    case 'week': return { months: 0, days: n * 7, micros: 0 }
    case 'day': return { months: 0, days: n, micros: 0 }
    case 'decade': return { months: n * 120, days: 0, micros: 0 }
    case 'century': return { months: n * 1200, days: 0, micros: 0 }
    case 'millennium': return { months: n * 12000, days: 0, micros: 0 }
    case 'quarter': return { months: n * 3, days: 0, micros: 0 }
    default: {
      const m = MICROS[unit]
      return m === undefined ? undefined : { months: 0, days: 0, micros: n * m }
    }
  }
}

/** DuckDB's to_<unit>s functions, for INTERVAL (expr) UNIT with a non-constant expr. */
export function intervalFunctionFor(unit: string): string | undefined {
  const plural: Record<string, string> = {
    year: 'to_years', month: 'to_months', week: 'to_weeks', day: 'to_days', hour: 'to_hours', minute: 'to_minutes',
    second: 'to_seconds', millisecond: 'to_milliseconds', microsecond: 'to_microseconds', quarter: 'to_quarters',
    decade: 'to_decades', century: 'to_centuries', millennium: 'to_millennia',
  }
  return plural[unit]
}
