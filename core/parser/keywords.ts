/**
 * Keyword classes, following PostgreSQL's split (plus DuckDB's additions), so that ordinary words
 * such as name, type, value, key, year, date, time, first, last, data, position or filter remain
 * usable as column and table names.
 */

/** Reserved: never an identifier without quotes (PostgreSQL "reserved" + DuckDB's QUALIFY etc.). */
export const RESERVED: ReadonlySet<string> = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast',
  'check', 'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role',
  'current_time', 'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do',
  'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in',
  'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not',
  'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select',
  'session_user', 'some', 'symmetric', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user',
  'using', 'variadic', 'when', 'where', 'window', 'with', 'qualify', 'pivot', 'unpivot',
])

/**
 * Words that may name a function or a type but not a column or table without quotes, because
 * they start joins or operators (PostgreSQL "type_func_name" keywords + DuckDB join words).
 */
export const TYPE_FUNC_NAME: ReadonlySet<string> = new Set([
  'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full',
  'ilike', 'inner', 'is', 'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps',
  'right', 'similar', 'tablesample', 'verbose', 'anti', 'semi', 'asof', 'positional', 'glob',
])

/** Reserved or type/function-only: cannot be a bare column name or bare alias. */
export function isReservedForColumn(word: string): boolean {
  return RESERVED.has(word) || TYPE_FUNC_NAME.has(word)
}

/** Interval units, plural and abbreviated spellings → singular. */
export const INTERVAL_UNITS: ReadonlyMap<string, string> = new Map([
  ['year', 'year'], ['years', 'year'], ['y', 'year'], ['yr', 'year'], ['yrs', 'year'],
  ['month', 'month'], ['months', 'month'], ['mon', 'month'], ['mons', 'month'],
  ['week', 'week'], ['weeks', 'week'], ['w', 'week'],
  ['day', 'day'], ['days', 'day'], ['d', 'day'],
  ['hour', 'hour'], ['hours', 'hour'], ['h', 'hour'], ['hr', 'hour'], ['hrs', 'hour'],
  ['minute', 'minute'], ['minutes', 'minute'], ['min', 'minute'], ['mins', 'minute'], ['m', 'minute'],
  ['second', 'second'], ['seconds', 'second'], ['sec', 'second'], ['secs', 'second'], ['s', 'second'],
  ['millisecond', 'millisecond'], ['milliseconds', 'millisecond'], ['ms', 'millisecond'], ['msec', 'millisecond'],
  ['microsecond', 'microsecond'], ['microseconds', 'microsecond'], ['us', 'microsecond'], ['usec', 'microsecond'],
  ['quarter', 'quarter'], ['quarters', 'quarter'],
  ['decade', 'decade'], ['decades', 'decade'],
  ['century', 'century'], ['centuries', 'century'],
  ['millennium', 'millennium'], ['millennia', 'millennium'], ['millenniums', 'millennium'],
])

/** Type names that may prefix a string to form a typed literal (`DATE '2024-01-01'`). */
export const LITERAL_TYPE_NAMES: ReadonlySet<string> = new Set([
  'date', 'time', 'timestamp', 'timestamptz', 'timetz', 'datetime', 'blob', 'bytea', 'varchar', 'text',
  'char', 'character', 'string', 'integer', 'int', 'int2', 'int4', 'int8', 'bigint', 'smallint', 'tinyint',
  'hugeint', 'uhugeint', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'double', 'float', 'float4', 'float8',
  'real', 'decimal', 'numeric', 'boolean', 'bool', 'uuid', 'json', 'bit', 'bitstring', 'varint',
  'timestamp_s', 'timestamp_ms', 'timestamp_ns', 'timestamp_us',
])
