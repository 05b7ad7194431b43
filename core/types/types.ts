/**
 * SQL types (DESIGN §4). A LogicalType is a plain readonly object with an `id`; parameterised
 * types carry their parameters. The physical storage of each type is fixed by `physicalOf`.
 */

export type TypeId =
  | 'NULL' | 'BOOLEAN'
  | 'TINYINT' | 'SMALLINT' | 'INTEGER' | 'BIGINT' | 'HUGEINT'
  | 'REAL' | 'DOUBLE' | 'DECIMAL'
  | 'VARCHAR' | 'BLOB'
  | 'DATE' | 'TIME' | 'TIMESTAMP' | 'INTERVAL' | 'TIMESTAMPTZ' | 'TIMETZ'
  | 'LIST' | 'ARRAY' | 'STRUCT'

export type LogicalType =
  | { readonly id: 'NULL' }
  | { readonly id: 'BOOLEAN' }
  | { readonly id: 'TINYINT' }
  | { readonly id: 'SMALLINT' }
  | { readonly id: 'INTEGER' }
  | { readonly id: 'BIGINT' }
  /** 128-bit signed integer, as DuckDB's HUGEINT: bigint values in a 'big' vector */
  | { readonly id: 'HUGEINT' }
  | { readonly id: 'REAL' }
  | { readonly id: 'DOUBLE' }
  | { readonly id: 'DECIMAL'; readonly width: number; readonly scale: number }
  | { readonly id: 'VARCHAR' }
  | { readonly id: 'BLOB' }
  | { readonly id: 'DATE' }
  | { readonly id: 'TIME' }
  /** `unit` 's' / 'ms': TIMESTAMP_S / TIMESTAMP_MS, still microseconds but rounded to that unit */
  | { readonly id: 'TIMESTAMP'; readonly unit?: TimestampUnit }
  | { readonly id: 'INTERVAL' }
  /** an instant: UTC microseconds like TIMESTAMP, shown in the session time zone */
  | { readonly id: 'TIMESTAMPTZ' }
  /** a time of day with its UTC offset, kept as one sortable BIGINT key (see timetz.ts) */
  | { readonly id: 'TIMETZ' }
  /** `map`: a MAP(K, V), stored as DuckDB and Arrow do, a LIST of STRUCT(key K, value V) */
  | { readonly id: 'LIST'; readonly child: LogicalType; readonly map?: true }
  /** fixed-size list, e.g. FLOAT[128] for embeddings */
  | { readonly id: 'ARRAY'; readonly child: LogicalType; readonly size: number }
  | { readonly id: 'STRUCT'; readonly fields: readonly StructField[] }

export type TimestampUnit = 's' | 'ms'

export interface StructField { readonly name: string; readonly type: LogicalType }

/** The key of field `index` in a boxed struct value: unnamed fields (ROW(…)) are keyed by position so they do not collide. */
export function structKey(field: StructField, index: number): string {
  return field.name === '' ? String(index) : field.name
}

export type DecimalType = Extract<LogicalType, { id: 'DECIMAL' }>
export type TimestampType = Extract<LogicalType, { id: 'TIMESTAMP' }>
export type ListType = Extract<LogicalType, { id: 'LIST' }>
export type ArrayType = Extract<LogicalType, { id: 'ARRAY' }>
export type StructType = Extract<LogicalType, { id: 'STRUCT' }>

export const NULL_TYPE: LogicalType = { id: 'NULL' }
export const BOOLEAN: LogicalType = { id: 'BOOLEAN' }
export const TINYINT: LogicalType = { id: 'TINYINT' }
export const SMALLINT: LogicalType = { id: 'SMALLINT' }
export const INTEGER: LogicalType = { id: 'INTEGER' }
export const BIGINT: LogicalType = { id: 'BIGINT' }
export const HUGEINT: LogicalType = { id: 'HUGEINT' }
export const REAL: LogicalType = { id: 'REAL' }
export const DOUBLE: LogicalType = { id: 'DOUBLE' }
export const VARCHAR: LogicalType = { id: 'VARCHAR' }
export const BLOB: LogicalType = { id: 'BLOB' }
export const DATE: LogicalType = { id: 'DATE' }
export const TIME: LogicalType = { id: 'TIME' }
export const TIMESTAMP: LogicalType = { id: 'TIMESTAMP' }
export const INTERVAL: LogicalType = { id: 'INTERVAL' }
export const TIMESTAMPTZ: LogicalType = { id: 'TIMESTAMPTZ' }
export const TIMETZ: LogicalType = { id: 'TIMETZ' }

/** Widest DECIMAL stored as scaled integers in a Float64Array (exact below 2^53). */
export const DECIMAL_FLOAT_MAX_WIDTH = 15
export const DECIMAL_MAX_WIDTH = 38

export function decimal(width: number, scale: number): DecimalType {
  return { id: 'DECIMAL', width, scale }
}
export function list(child: LogicalType): ListType { return { id: 'LIST', child } }
/** MAP(K, V): a LIST of STRUCT(key, value) marked as a map (printed {k=v}, typed MAP(K, V)) */
export function mapType(key: LogicalType, value: LogicalType): ListType {
  return { id: 'LIST', child: struct([{ name: 'key', type: key }, { name: 'value', type: value }]), map: true }
}
export function isMap(t: LogicalType): t is ListType & { readonly map: true } { return t.id === 'LIST' && t.map === true }
/** key and value types of a MAP */
export function mapParts(t: ListType): { key: LogicalType; value: LogicalType } {
  const fields = (t.child as StructType).fields
  return { key: fields[0]!.type, value: fields[1]!.type }
}
export function array(child: LogicalType, size: number): ArrayType { return { id: 'ARRAY', child, size } }
export function struct(fields: readonly StructField[]): StructType { return { id: 'STRUCT', fields } }

/**
 * How a type's values live in a Vector (DESIGN §4):
 * - 'u8' Uint8Array (BOOLEAN as 0/1), 'i8' 'i16' 'i32' signed typed arrays,
 * - 'i64' BigInt64Array (BIGINT; DECIMAL wider than 15 digits uses 'big'),
 * - 'f32' Float32Array, 'f64' Float64Array (DOUBLE; DECIMAL ≤ 15 digits as scaled integers;
 *   TIMESTAMP and TIME as integer microseconds: exact for 1685–2255, beyond that the
 *   microsecond digits round (a known limitation; a BigInt64 or days+micros layout would lift it),
 * - 'date' Int32Array of days since 1970-01-01,
 * - 'big' Array<bigint> (DECIMAL 16–38 digits as scaled integers; HUGEINT),
 * - 'str' Array<string>, 'blob' Array<Uint8Array>, 'interval' Array<Interval>,
 * - 'list' offsets Int32Array(n+1) + one child vector, 'array' child vector with stride `size`,
 * - 'struct' one child vector per field, 'null' no data.
 */
export type PhysicalType =
  | 'null' | 'u8' | 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'date' | 'big'
  | 'str' | 'blob' | 'interval' | 'list' | 'array' | 'struct'

export function physicalOf(t: LogicalType): PhysicalType {
  switch (t.id) {
    case 'NULL': return 'null'
    case 'BOOLEAN': return 'u8'
    case 'TINYINT': return 'i8'
    case 'SMALLINT': return 'i16'
    case 'INTEGER': return 'i32'
    case 'BIGINT': return 'i64'
    case 'HUGEINT': return 'big'
    case 'REAL': return 'f32'
    case 'DOUBLE': return 'f64'
    case 'DECIMAL': return t.width <= DECIMAL_FLOAT_MAX_WIDTH ? 'f64' : 'big'
    case 'VARCHAR': return 'str'
    case 'BLOB': return 'blob'
    case 'DATE': return 'date'
    case 'TIME': return 'f64'
    case 'TIMESTAMP': case 'TIMESTAMPTZ': return 'f64'
    case 'TIMETZ': return 'i64'
    case 'INTERVAL': return 'interval'
    case 'LIST': return 'list'
    case 'ARRAY': return 'array'
    case 'STRUCT': return 'struct'
  }
}

/** An INTERVAL value: months, days and microseconds kept apart, as PostgreSQL and DuckDB do. */
export interface Interval { readonly months: number; readonly days: number; readonly micros: number }

/**
 * A single value in the engine's internal ("boxed") form, the same as a Vector element:
 * BOOLEAN boolean; TINYINT..INTEGER number; BIGINT bigint; REAL/DOUBLE number;
 * HUGEINT bigint; DECIMAL scaled integer (number when width ≤ 15, else bigint); VARCHAR string; BLOB Uint8Array;
 * DATE days (number); TIME/TIMESTAMP/TIMESTAMPTZ microseconds (number); TIMETZ key (bigint); INTERVAL Interval;
 * LIST/ARRAY Value[]; STRUCT Record<fieldName, Value>; NULL null.
 */
export type Value =
  | null | boolean | number | bigint | string | Uint8Array | Interval
  | readonly Value[] | { readonly [field: string]: Value }

export function typeEquals(a: LogicalType, b: LogicalType): boolean {
  if (a.id !== b.id) return false
  switch (a.id) {
    case 'DECIMAL': { const o = b as DecimalType; return a.width === o.width && a.scale === o.scale }
    case 'TIMESTAMP': return a.unit === (b as TimestampType).unit
    case 'LIST': return (a.map === true) === ((b as ListType).map === true) && typeEquals(a.child, (b as ListType).child)
    case 'ARRAY': { const o = b as ArrayType; return a.size === o.size && typeEquals(a.child, o.child) }
    case 'STRUCT': {
      const o = b as StructType
      return a.fields.length === o.fields.length &&
        a.fields.every((f, i) => f.name === o.fields[i]!.name && typeEquals(f.type, o.fields[i]!.type))
    }
    default: return true
  }
}

/** SQL spelling, as DESCRIBE and error messages show it. */
export function typeToString(t: LogicalType): string {
  switch (t.id) {
    case 'DECIMAL': return `DECIMAL(${t.width},${t.scale})`
    case 'LIST':
      if (t.map === true) { const { key, value } = mapParts(t); return `MAP(${typeToString(key)}, ${typeToString(value)})` }
      return `${typeToString(t.child)}[]`
    case 'ARRAY': return `${typeToString(t.child)}[${t.size}]`
    case 'STRUCT': return `STRUCT(${t.fields.map(f => `${quoteIdentIfNeeded(f.name)} ${typeToString(f.type)}`).join(', ')})`
    case 'REAL': return 'FLOAT'
    case 'TIMESTAMP': return t.unit === undefined ? 'TIMESTAMP' : `TIMESTAMP_${t.unit.toUpperCase()}`
    case 'TIMESTAMPTZ': return 'TIMESTAMP WITH TIME ZONE'
    case 'TIMETZ': return 'TIME WITH TIME ZONE'
    default: return t.id
  }
}

function quoteIdentIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`
}

export function isInteger(t: LogicalType): boolean {
  return t.id === 'TINYINT' || t.id === 'SMALLINT' || t.id === 'INTEGER' || t.id === 'BIGINT'
}
export function isFloat(t: LogicalType): boolean { return t.id === 'REAL' || t.id === 'DOUBLE' }
export function isNumeric(t: LogicalType): boolean { return isInteger(t) || isFloat(t) || t.id === 'DECIMAL' }
export function isTemporal(t: LogicalType): boolean {
  return t.id === 'DATE' || t.id === 'TIME' || t.id === 'TIMESTAMP' || t.id === 'INTERVAL' || t.id === 'TIMESTAMPTZ' || t.id === 'TIMETZ'
}
export function isNested(t: LogicalType): boolean { return t.id === 'LIST' || t.id === 'ARRAY' || t.id === 'STRUCT' }

/** Bounds of the integer types, for overflow checks. */
export const INTEGER_RANGE = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
} as const
export const BIGINT_MIN = -(2n ** 63n)
export const BIGINT_MAX = 2n ** 63n - 1n
export const HUGEINT_MIN = -(2n ** 127n)
export const HUGEINT_MAX = 2n ** 127n - 1n
