/**
 * The CSV schema options shared by COPY t FROM and INSERT INTO t SELECT * FROM read_csv(…): both
 * read the file as the table's column types (DuckDB does so too), unless the statement gives a
 * schema option itself.
 */
import type { Expr, FunctionRef, Query } from '../parser/ast.ts'
import { type LogicalType, typeToString } from '../types/types.ts'

export const CSV_SCHEMA_OPTIONS = ['columns', 'types', 'dtypes', 'column_types', 'all_varchar']

/**
 * INSERT INTO t SELECT * FROM read_csv(…) reads the file as t's column types, as DuckDB does (and
 * as COPY t FROM does): a sample that guessed a narrower type than the table's cannot fail the
 * load, and a value that does not fit the table is the reader's error, naming line and column.
 * Only that plain form (one read_csv call, every column, no filter) and no schema option given.
 */
export function csvAsTargetTypes(q: Query, targets: readonly LogicalType[]): Query {
  const body = q.body
  if (body.kind !== 'select' || q.with !== null || body.from.length !== 1 || body.where !== null || body.groupBy !== null
    || body.distinct !== false || body.items.length !== 1) return q
  const star = body.items[0]!.expr
  if (star.kind !== 'star' || star.qualifier !== null || star.exclude.length > 0 || star.replace.length > 0 || (star.rename?.length ?? 0) > 0) return q
  const from = body.from[0]!
  if (from.kind !== 'function_ref' || from.name.length !== 1 || !['read_csv', 'read_csv_auto'].includes(from.name[0]!.toLowerCase())) return q
  if (from.args.some(a => a.kind === 'named_arg' && CSV_SCHEMA_OPTIONS.includes(a.name.toLowerCase()))) return q
  const pos = from.pos
  const types: Expr = { kind: 'list', pos, items: targets.map(t => ({ kind: 'string', pos, value: readableType(t) })) }
  const call: FunctionRef = { ...from, args: [...from.args, { kind: 'named_arg', pos, name: 'types', value: types }] }
  return { ...q, body: { ...body, from: [call] } }
}

/** scalar types the CSV reader parses itself; others are read as text and cast, as before */
export function readableType(t: LogicalType): string {
  const scalar = ['BOOLEAN', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT',
    'REAL', 'DOUBLE', 'DECIMAL', 'VARCHAR', 'DATE', 'TIME', 'TIMESTAMP']
  return scalar.includes(t.id) ? typeToString(t) : 'VARCHAR'
}

