/**
 * Several files read as one table: the union of their columns matched by name (first file's
 * order, then new names as they appear), a common type where the files disagree (wider
 * integer, or DOUBLE for mixed numbers), NULL where a file lacks a column.
 */
import { GrizzlyError, SqlState } from '../../errors.ts'
import { type LogicalType, type Value, DOUBLE, isFloat, isInteger, isNumeric, typeEquals, typeToString } from '../../types/types.ts'
import { type Vector, VectorBuilder, getValue } from '../../vector/vector.ts'

export type FileColumns = readonly { readonly name: string; readonly type: LogicalType }[]

const INTEGER_RANK: Readonly<Record<string, number>> = { TINYINT: 1, SMALLINT: 2, INTEGER: 3, BIGINT: 4 }

function commonType(a: LogicalType, b: LogicalType): LogicalType | undefined {
  if (typeEquals(a, b)) return a
  if (isInteger(a) && isInteger(b)) return INTEGER_RANK[a.id]! >= INTEGER_RANK[b.id]! ? a : b
  if (isNumeric(a) && isNumeric(b) && (isFloat(a) || isFloat(b) || a.id === 'DECIMAL' || b.id === 'DECIMAL')) return DOUBLE
  return undefined
}

export function mergeColumns(files: readonly { readonly path: string; readonly columns: FileColumns }[]): { name: string; type: LogicalType }[] {
  const out: { name: string; type: LogicalType; from: string }[] = []
  const byName = new Map<string, number>()
  for (const f of files) {
    for (const c of f.columns) {
      const key = c.name.toLowerCase()
      const at = byName.get(key)
      if (at === undefined) { byName.set(key, out.length); out.push({ name: c.name, type: c.type, from: f.path }); continue }
      const prev = out[at]!
      const common = commonType(prev.type, c.type)
      if (common === undefined) {
        throw new GrizzlyError(SqlState.datatypeMismatch,
          `column "${c.name}" is ${typeToString(prev.type)} in "${prev.from}" but ${typeToString(c.type)} in "${f.path}"`,
          { hint: 'read the files separately and CAST the column to one type, then UNION ALL BY NAME' })
      }
      prev.type = common
    }
  }
  return out.map(({ name, type }) => ({ name, type }))
}

function convert(v: Value, target: LogicalType, scale: number): Value {
  if (v === null) return null
  if (target.id === 'BIGINT') return typeof v === 'bigint' ? v : BigInt(v as number)
  if (target.id === 'DOUBLE') return typeof v === 'bigint' ? Number(v) / scale : (v as number) / scale
  return typeof v === 'bigint' ? Number(v) : v
}

/** A column of one file converted to the merged type mergeColumns chose. */
export function castVector(v: Vector, target: LogicalType, path: string, column: string): Vector {
  if (commonType(v.type, target) === undefined) {
    throw new GrizzlyError(SqlState.datatypeMismatch, `column "${column}" of "${path}" is ${typeToString(v.type)}, not ${typeToString(target)}`, { hint: 'the file changed after the query was planned; run it again' })
  }
  const scale = v.type.id === 'DECIMAL' ? 10 ** v.type.scale : 1
  const b = new VectorBuilder(target, v.length)
  for (let i = 0; i < v.length; i++) b.push(convert(getValue(v, i), target, scale))
  return b.finish()
}
